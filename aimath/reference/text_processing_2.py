"""text_processing_2: spelling out digits and converting snake_case to camelCase."""

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ASCII_DIGITS = "0123456789"


def digits_to_words(input_string):
    """str -> str: each ASCII digit 0-9, in order, as its English word, joined by single spaces.

    Every other character is ignored, including non-ASCII digits such as '²' or '٣' (str.isdigit would accept
    them); "" when there are no ASCII digits. `"Zip Code: 19104" -> "one nine one zero four"`.
    """
    return " ".join(DIGIT_WORDS[ASCII_DIGITS.index(c)] for c in input_string if c in ASCII_DIGITS)


def to_camel_case(underscore_str):
    """str -> str: snake_case to camelCase.

    No '_' in the string: returned unchanged (`"alreadyCamel"`, `"     "`). Otherwise split on '_', drop empty
    pieces, lower-case the first piece, and upper-case the first letter of every later piece with the rest
    lower-cased; no pieces left -> "". `"__EXAMPLE__NAME__" -> "exampleName"`, `"NOT_CAMEL_Yet" -> "notCamelYet"`.
    """
    if "_" not in underscore_str:
        return underscore_str
    pieces = [p for p in underscore_str.split("_") if p]
    if not pieces:
        return ""
    return pieces[0].lower() + "".join(p[0].upper() + p[1:].lower() for p in pieces[1:])
