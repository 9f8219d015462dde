"""backprop's catalogue, one module per part of the notebook.

activations: sigmoid, sigmoid_grad, softmax, cross_entropy_error (Parts 2 and 3); layers: Affine, Relu, Sigmoid,
SoftmaxWithLoss (Part 5); network: TwoLayerNet (Part 6).
"""
from aimath.catalogue import Catalogue
from aimath.catalogue.backprop import activations, layers, network

catalogue = Catalogue.from_parts("backprop", [activations.catalogue, layers.catalogue, network.catalogue])
