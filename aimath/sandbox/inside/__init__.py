"""The only part of aimath the sandbox can see: probing student code and encoding what it returned.

Modules here import nothing but the standard library and numpy.
"""
