"""Hidden-test checks for text_processing_2. Each `check_*` takes the student's function and raises `CheckFailed`.

Strings are compared exactly; failure messages show them with repr(), so whitespace stays visible.

Some mistakes show up as a crash rather than a wrong string (int('²') raises, so does pieces[0] on "___"), and the
judge only diagnoses a failure whose every case returned a wrong value. Those are named after the fact
(`judge.wrong_only_on`): the student's function is called on one trigger input and its control inputs; the mistake
is named when every control is right and the trigger is not. The controls hold everything else the check tests, so
it is not named for a different mistake that also happens to break the trigger.

Each function also meets a long input (thousands of characters), so recursion one call per character is caught.
"""
import re
import string

from aimath.judge import Case, Diagnosis, Hint, check_cases, seeded_rng, wrong_only_on
from aimath.reference import text_processing_2 as ref
from aimath.verdict import Mistake

RANDOM_CASES = 8


def _breaks_only_on(reference, name, advice, trigger, controls):
    """After the fact: the mistake `name` when the student's function gets every `controls` string right (as
    `reference`) but not `trigger`."""
    return wrong_only_on(Case((trigger,)), [Case((text,)) for text in controls], Mistake(name, advice), reference)


RECURSION_HINT = Hint("recursion-too-deep", "a recursive function calls itself once per character, and Python stops "
                      "at about 1000 nested calls, so a long string fails. Loop over the characters instead.",
                      raised=("RecursionError",))
# Length of the long input of each check: deeper than Python's default recursion limit (1000).
LONG_TEXT = 3000


# ---------------------------------------------------------------- digits_to_words

WHOLE_NUMBERS_ADVICE = ("each digit is its own word: '19104' -> 'one nine one zero four'. Reading whole numbers "
                        "(re.findall(r'\\d+'), split()) turns a number into one word; look at one character at a "
                        "time.")
NON_ASCII_DIGITS = "²³¹٣٤۵३"  # superscripts, Arabic-Indic, Persian and Devanagari digits: str.isdigit() is True
DIGITS_ALPHABET = string.ascii_letters + string.digits * 3 + " .,:-+()/#" + NON_ASCII_DIGITS


def _digits_cases():
    rng = seeded_rng("digits_to_words")
    hand = [
        Case(("Zip Code: 19104",), label="example from the assignment"),
        Case(("",), label="empty string"),
        Case(("No digits here!",), label="no digits: return ''"),
        Case((" \t\n ",), label="only whitespace"),
        Case(("0",), label="a single zero"),
        Case(("007",), label="leading zeros count"),
        Case(("R2D2 and C3PO",), label="digits inside words"),
        Case(("9\t8\n7",), label="digits separated by a tab and a newline"),
        Case(("Call 010-1234-5678!",), label="punctuation between digits"),
        Case(("3.14159",), label="a decimal point is not a digit"),
        Case(("E = mc², area = 5m²",), label="the superscript ² is not an ASCII digit: ignore it"),
        Case(("Room ٣ is on floor 7",), label="the Arabic-Indic digit ٣ is not an ASCII digit: ignore it"),
        Case(("٣٤ and x²",), label="only non-ASCII digits: return ''"),
        Case(("____",), label="only underscores"),
        Case(("Call 010-1234-5678! " * (LONG_TEXT // 20),), label=f"a long text ({LONG_TEXT // 20 * 20} characters)"),
    ]
    random = []
    for _ in range(RANDOM_CASES):
        n = int(rng.integers(1, 30))
        random.append(Case(("".join(rng.choice(list(DIGITS_ALPHABET), n)),), label="random string"))
    return hand + random


def _word_list(s):
    return [ref.DIGIT_WORDS[int(c)] for c in s if c in ref.ASCII_DIGITS]


def _digits_in_digit_tokens(s):
    words = []
    for token in s.split():
        if token.isdigit():
            words += [ref.DIGIT_WORDS[int(c)] for c in token]
    return " ".join(words)


DIGITS_DIAGNOSES = [
    Diagnosis("non-ascii-digits-mapped",
              "only the ASCII digits 0-9 count. str.isdecimal(), str.isdigit() and the regex \\d also accept "
              "digits like '٣' or '²'; test `ch in '0123456789'` instead (or use re.ASCII).",
              lambda s: " ".join(ref.DIGIT_WORDS[int(c)] for c in s if c.isdecimal())),
    Diagnosis("words-off-by-one",
              "the word list is shifted by one: index 0 must be 'zero', index 9 'nine'.",
              lambda s: " ".join(("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")[int(c) - 1]
                                 for c in s if c in ref.ASCII_DIGITS)),
    Diagnosis("not-space-separated", "join the words with single spaces: ' '.join(words).",
              lambda s: "".join(_word_list(s))),
    Diagnosis("trailing-space", "there is a space after the last word; join with ' '.join(words) or strip it.",
              lambda s: "".join(w + " " for w in _word_list(s))),
    Diagnosis("leading-space", "there is a space before the first word; join with ' '.join(words) or strip it.",
              lambda s: "".join(" " + w for w in _word_list(s))),
    Diagnosis("capitalised-words", "the words must be lower-case: 'one nine', not 'One Nine'.",
              lambda s: " ".join(w.capitalize() for w in _word_list(s))),
    Diagnosis("digits-inside-words-missed",
              "digits inside words count too ('R2D2' -> 'two two'): look at every character, not at whole "
              "whitespace-separated tokens.",
              _digits_in_digit_tokens),
    Diagnosis("looped-over-digits-not-string",
              "loop over the characters of the input in order, not over the ten digits: repeated digits must "
              "repeat and the order is the order in the string.",
              lambda s: " ".join(w for d, w in zip(ref.ASCII_DIGITS, ref.DIGIT_WORDS) if d in s)),
    Diagnosis("returned-list", "return one string: join the words with ' '.join(words).",
              _word_list),
    Diagnosis("none-when-no-digits", "when there are no digits, return the empty string '', not None.",
              lambda s: ref.digits_to_words(s) or None),
    Diagnosis("returned-none", "the function returns None: return the result instead of printing it.",
              lambda s: None),
    *[Diagnosis("whole-numbers-read", WHOLE_NUMBERS_ADVICE,
                lambda s, pattern=pattern: " ".join(ref.DIGIT_WORDS[int(n) % 10] for n in re.findall(pattern, s)))
      for pattern in (r"\d+", "[0-9]+")],
]

DIGITS_AFTERWARDS = [
    _breaks_only_on(ref.digits_to_words, "non-ascii-digits-mapped",
                    "non-ASCII digits such as '²' or '٣' are treated as digits: str.isdigit() accepts them (and "
                    "int('²') then fails), but only 0-9 count. Test `ch in '0123456789'` and ignore every other "
                    "character.",
                    trigger="x² + y² = z², ٣", controls=("a1b2", "Zip Code: 19104", "R2D2 and C3PO", "007", "9\t8\n7",
                                                          "Call 010-1234-5678!", "3.14159", "", "No digits here!")),
    _breaks_only_on(ref.digits_to_words, "whole-numbers-read", WHOLE_NUMBERS_ADVICE, trigger="19104",
                    controls=("1 9 1 0 4", "a1b2")),
]


def check_digits_to_words(digits_to_words):
    """`digits_to_words(input_string) -> str`: each ASCII digit 0-9 as its English word, in order, joined by single
    spaces ('' without digits); compared exactly on hand-picked strings (digits inside words, punctuation, non-ASCII
    digits such as '²' and '٣', a long text) and seeded random ones. Raises CheckFailed naming the mistake when a
    model explains it (non-ASCII digits mapped, words shifted, separators, capitals, tokens, the ten digits in
    order, whole numbers, a list or None), recursion-too-deep on a RecursionError, or, after the fact, a mistake the
    student's own runs on a trigger input show (`judge.wrong_only_on`)."""
    check_cases("digits_to_words", digits_to_words, ref.digits_to_words, _digits_cases(),
                parameter_names=("input_string",), diagnoses=DIGITS_DIAGNOSES, hints=[RECURSION_HINT],
                afterwards=DIGITS_AFTERWARDS)


# ---------------------------------------------------------------- to_camel_case

def _camel_cases():
    rng = seeded_rng("to_camel_case")
    hand = [
        Case(("__EXAMPLE__NAME__",), label="example from the assignment"),
        Case(("NOT_CAMEL_Yet",), label="example from the assignment"),
        Case(("_Hello",), label="example from the assignment"),
        Case(("alreadyCamel",), label="no underscore: return it unchanged"),
        Case(("     ",), label="only spaces, no underscore: return it unchanged"),
        Case(("",), label="empty string: no underscore, return it unchanged"),
        Case(("ALLCAPS",), label="no underscore: unchanged, even in capitals"),
        Case(("___",), label="only underscores: no pieces, return ''"),
        Case(("_",), label="a single underscore"),
        Case(("snake_case_string",), label="plain snake_case"),
        Case(("ALL_CAPS_NAME",), label="capitals"),
        Case(("mIxEd_CaSe_wOrDs",), label="mixed case in every piece"),
        Case(("var_2nd_place",), label="a piece starting with a digit"),
        Case(("user_id42_x",), label="digits inside a piece, one-letter piece"),
        Case(("a_b_c",), label="one-letter pieces"),
        Case(("trailing_",), label="one piece and a trailing underscore"),
        Case(("double__under___score",), label="runs of underscores"),
        Case(("Long_" + "_" * LONG_TEXT + "RUN_of_UNDERSCORES",), label=f"a run of {LONG_TEXT + 1} underscores"),
        Case(("x_" * (LONG_TEXT // 2) + "END",), label=f"{LONG_TEXT // 2 + 1} pieces"),
    ]
    letters = string.ascii_letters + string.digits
    random = []
    for i in range(RANDOM_CASES):
        pieces = ["".join(rng.choice(list(letters), int(rng.integers(1, 7)))) for _ in range(int(rng.integers(1, 5)))]
        if i % 4 == 3:
            text = "".join(pieces)  # no underscore at all
        else:
            seps = ["_" * int(rng.integers(1, 3)) for _ in range(len(pieces) + 1)]
            seps[0] = seps[0] if rng.random() < 0.4 else ""
            seps[-1] = seps[-1] if rng.random() < 0.4 else ""
            text = seps[0] + "".join(p + s for p, s in zip(pieces, seps[1:]))
            text = text if "_" in text else text + "_"
        random.append(Case((text,), label="random string"))
    return hand + random


def _pieces(s):
    return [p for p in s.split("_") if p]


def _camel(s, first, later, keep_empty=False, always=False):
    """Build a camelCase variant: `first`/`later` transform the first and the later pieces."""
    if "_" not in s and not always:
        return s
    pieces = s.split("_") if keep_empty else _pieces(s)
    if not pieces:
        return ""
    return first(pieces[0]) + "".join(later(p) for p in pieces[1:])


def _cap(p):
    return p[0].upper() + p[1:].lower() if p else ""


CAMEL_DIAGNOSES = [
    Diagnosis("first-piece-not-lowercased", "lower-case the whole first piece ('NOT_CAMEL_Yet' -> 'notCamelYet').",
              lambda s: _camel(s, str, _cap)),
    Diagnosis("empty-pieces-kept",
              "drop the empty pieces that repeated, leading or trailing underscores leave after split('_'): "
              "'_Hello' -> 'hello', not 'Hello'.",
              lambda s: _camel(s, str.lower, _cap, keep_empty=True)),
    Diagnosis("no-underscore-altered", "when there is no '_' in the string, return it exactly as it is.",
              lambda s: _camel(s, str.lower, _cap, always=True)),
    Diagnosis("no-underscore-altered", "when there is no '_' in the string, return it exactly as it is.",
              lambda s: ref.to_camel_case(s.strip())),
    Diagnosis("rest-not-lowercased",
              "after the first letter, the rest of each later piece must be lower-case ('CAMEL' -> 'Camel').",
              lambda s: _camel(s, str.lower, lambda p: p[0].upper() + p[1:])),
    Diagnosis("title-after-digits",
              "str.title() also capitalises a letter after a digit ('2nd' -> '2Nd'); upper-case only the first "
              "character: p[0].upper() + p[1:].lower().",
              lambda s: _camel(s, str.lower, str.title)),
    Diagnosis("pascal-case", "the first piece starts lower-case in camelCase: 'exampleName', not 'ExampleName'.",
              lambda s: _camel(s, _cap, _cap)),
    Diagnosis("later-pieces-not-capitalised", "give every piece after the first an upper-case first letter.",
              lambda s: _camel(s, str.lower, str.lower)),
    Diagnosis("underscores-kept", "remove the underscores: the pieces are joined with nothing between them.",
              lambda s: "_".join([p.lower() if i == 0 else _cap(p) for i, p in enumerate(_pieces(s))])
              if "_" in s else s),
    Diagnosis("returned-none", "the function returns None: return the result instead of printing it.",
              lambda s: None),
    Diagnosis("nothing-lowercased",
              "only the letter after each underscore was changed: lower-case the whole first piece and the rest "
              "of every later piece too ('NOT_CAMEL_Yet' -> 'notCamelYet').",
              lambda s: s if "_" not in s else re.sub(r"_+([a-zA-Z0-9]?)", lambda m: m.group(1).upper(), s)),
]

CAMEL_AFTERWARDS = [
    _breaks_only_on(ref.to_camel_case, "empty-pieces-kept",
                    "it breaks on repeated underscores: split('_') leaves empty pieces ('a__b' -> ['a', '', 'b']) and "
                    "an empty piece has no first letter. Drop the empty pieces first.",
                    trigger="a__b", controls=("a_b", "snake_case_string", "NOT_CAMEL_Yet")),
    _breaks_only_on(ref.to_camel_case, "no-pieces-not-handled",
                    "it breaks when the string is only underscores: there are no pieces left, so return ''.",
                    trigger="___", controls=("a_b", "snake_case_string", "NOT_CAMEL_Yet", "double__under___score")),
]


def check_to_camel_case(to_camel_case):
    """`to_camel_case(underscore_str) -> str`: unchanged without '_'; otherwise the pieces between underscores (empty
    ones dropped) joined, the first lower-cased, the others capitalised; compared exactly on hand-picked strings
    (the examples, only underscores, runs of underscores, digits, a run of LONG_TEXT underscores) and seeded random
    ones. Raises CheckFailed naming the mistake when a model explains it, recursion-too-deep on a RecursionError,
    or, after the fact, empty-pieces-kept or no-pieces-not-handled when the student's code breaks only on 'a__b' or
    '___'."""
    check_cases("to_camel_case", to_camel_case, ref.to_camel_case, _camel_cases(),
                parameter_names=("underscore_str",), diagnoses=CAMEL_DIAGNOSES, hints=[RECURSION_HINT],
                afterwards=CAMEL_AFTERWARDS)


CHECKS = {
    "digits_to_words": check_digits_to_words,
    "to_camel_case": check_to_camel_case,
}
