"""text_processing_1: normalising strings and removing vowels (pure Python string methods)."""

VOWELS = "aeiouAEIOU"


def normalize(input_string):
    """str -> str: lower-cased, every whitespace run (spaces, tabs, newlines) one space, no space at either end.

    Punctuation and digits are left as they are. `"  H  e  L    l   O   !" -> "h e l l o !"`, `"   " -> ""`.
    str.split() with no argument splits on whitespace runs and drops empty pieces at the ends.
    """
    return " ".join(input_string.lower().split())


def no_vowels(input_string):
    """str -> str: the input without a, e, i, o, u (either case); every other character, spaces included, kept.

    `"We love Python!" -> "W lv Pythn!"`, `"AI for ALL!" -> " fr LL!"`.
    """
    return "".join(c for c in input_string if c not in VOWELS)
