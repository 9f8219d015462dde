"""Hidden-test checks for text_processing_1. Each `check_*` takes the student's function and raises `CheckFailed`.

Strings are compared exactly. Failure messages show every string with repr(), so a tab reads '\\t', a newline
'\\n' and a run of spaces stays visible between the quotes.

Text has no magnitudes, but it has lengths: each function also meets a long input (LONG_RUN characters of
whitespace in one run, a sentence repeated to thousands of characters), so a fixed number of replace() rounds or
a recursion one call deep per character does not slip by.
"""
import re
import string

from aimath.judge import Case, Diagnosis, Hint, check_cases, seeded_rng
from aimath.reference import text_processing_1 as ref

RANDOM_CASES = 8
# Short random strings: the judge's message shows up to 120 characters of a string without eliding any.
MAX_RANDOM_WORDS = 6
PARAMS = ("input_string",)
# The long inputs: a whitespace run of LONG_RUN characters needs more than 12 rounds of replace("  ", " ") to
# collapse, and a string of LONG_TEXT characters is deeper than Python's default recursion limit (1000).
LONG_RUN = 5000
LONG_TEXT = 3000


def _random_words(rng, alphabet, n_words):
    """`n_words` random words (1-7 characters) drawn from `alphabet`."""
    return ["".join(rng.choice(list(alphabet), int(rng.integers(1, 8)))) for _ in range(n_words)]


def _random_whitespace(rng, max_len=3):
    """A run of 1..max_len characters mixing spaces, tabs and newlines (spaces most often)."""
    return "".join(rng.choice([" ", " ", " ", "\t", "\n"], int(rng.integers(1, max_len + 1))))


# ---------------------------------------------------------------- normalize

NORMALIZE_ALPHABET = string.ascii_letters + string.digits + "!?.,;:'-_()"


def _normalize_cases():
    rng = seeded_rng("normalize")
    hand = [
        Case(("  H  e  L    l   O   !",), label="example from the assignment"),
        Case(("   ",), label="only spaces"),
        Case(("",), label="empty string"),
        Case((" \t\n  \t ",), label="only whitespace: spaces, tabs and newlines"),
        Case(("Hello\tWorld",), label="a tab between words"),
        Case(("Line ONE\nline two\n\n",), label="newlines, one at the end"),
        Case(("\t\tIndented\t\tWith  Tabs\t",), label="tabs at both ends and in the middle"),
        Case(("Windows\r\nline break",), label="a Windows line break \\r\\n is whitespace too"),
        Case(("Wait...  WHAT?!   Really??",), label="punctuation runs stay as they are"),
        Case(("R2D2  and\tC3PO  are DROIDS",), label="digits inside words, mixed case"),
        Case(("__init__   Method",), label="underscores are not whitespace"),
        Case(("already normal",), label="nothing to change"),
        Case(("  AI  수학 Class ",), label="Hangul has no case and stays"),
        Case(("X",), label="one upper-case letter"),
        Case(("Long" + " " * LONG_RUN + "GAP\t \n" * 3 + " " * 40,),
             label=f"a run of {LONG_RUN} spaces: collapse runs of any length"),
        Case(("Hello  World  " * (LONG_TEXT // 14),), label=f"a long text ({LONG_TEXT // 14 * 14} characters)"),
    ]
    random = []
    for _ in range(RANDOM_CASES):
        words = _random_words(rng, NORMALIZE_ALPHABET, int(rng.integers(1, MAX_RANDOM_WORDS + 1)))
        text = "".join(w + _random_whitespace(rng) for w in words)
        if rng.random() < 0.5:
            text = _random_whitespace(rng) + text
        random.append(Case((text,), label="random string"))
    return hand + random


NORMALIZE_DIAGNOSES = [
    Diagnosis("only-spaces-collapsed",
              "only runs of spaces were collapsed; tabs ('\\t') and newlines ('\\n') are whitespace too. "
              "str.split() with no argument splits on any whitespace run, or use re.sub(r'\\s+', ' ', ...).",
              lambda s: re.sub(" +", " ", s.lower()).strip()),
    Diagnosis("only-spaces-collapsed",
              "only spaces were treated as separators (split(' ')); tabs ('\\t') and newlines ('\\n') are "
              "whitespace too. Call str.split() with no argument.",
              lambda s: " ".join(p for p in s.lower().split(" ") if p)),
    Diagnosis("not-stripped",
              "there is a space at the start or end; whitespace at both ends must be removed (str.strip()).",
              lambda s: re.sub(r"\s+", " ", s.lower())),
    Diagnosis("not-lowercased", "the result must be lower-case: call .lower().",
              lambda s: " ".join(s.split())),
    Diagnosis("whitespace-removed",
              "whitespace runs must become ONE space, not disappear: join the words with ' '.",
              lambda s: "".join(s.lower().split())),
    Diagnosis("single-pass-replace",
              "replacing '  ' by ' ' once leaves shorter runs behind (four spaces become two). Replace until "
              "none is left, or split() and join with one space.",
              lambda s: s.lower().replace("  ", " ").strip()),
    Diagnosis("runs-not-collapsed",
              "each whitespace character became a space, but a RUN of them must become a single space.",
              lambda s: re.sub(r"\s", " ", s.lower()).strip()),
    Diagnosis("punctuation-removed", "leave punctuation untouched; only case and whitespace change.",
              lambda s: " ".join(re.sub(r"[^\w\s]", "", s.lower()).split())),
    Diagnosis("returned-list", "return one string: join the words with ' '.join(...).",
              lambda s: s.lower().split()),
    Diagnosis("returned-none", "the function returns None: return the result instead of printing it.",
              lambda s: None),
    Diagnosis("only-ends-stripped",
              "strip() removes whitespace only at the two ends; every whitespace run INSIDE the string must become "
              "one space too: ' '.join(s.split()).", lambda s: s.lower().strip()),
    Diagnosis("upper-cased", "the result must be LOWER-case: call .lower(), not .upper().",
              lambda s: " ".join(s.upper().split())),
    Diagnosis("left-end-only-stripped",
              "lstrip() removes whitespace only at the start: the end must be stripped too, and newlines are "
              "whitespace like spaces and tabs. ' '.join(s.lower().split()) handles all of it.",
              lambda s: re.sub(r"[ \t]+", " ", s.lower()).lstrip()),
    *[Diagnosis("fixed-number-of-replaces",
                f"replace('  ', ' ') repeated a fixed number of times ({rounds} here) only halves each run that "
                f"often, so a long run of spaces survives. Repeat while '  ' is in the string, or split() and "
                f"join with one space.", lambda s, rounds=rounds: _replaced_rounds(s, rounds))
      for rounds in range(2, 13)],
]


def _replaced_rounds(s, rounds):
    """Every whitespace character made a space, then `rounds` rounds of replace('  ', ' '), then strip()."""
    s = re.sub(r"\s", " ", s.lower())
    for _ in range(rounds):
        s = s.replace("  ", " ")
    return s.strip()


RECURSION_HINT = Hint("recursion-too-deep", "a recursive function calls itself once per character, and Python stops "
                      "at about 1000 nested calls, so a long string fails. Loop over the characters instead.",
                      raised=("RecursionError",))


def check_normalize(normalize):
    """`normalize(input_string) -> str`: lower-case, every whitespace run (spaces, tabs, newlines, \\r\\n) made one
    space, both ends stripped; compared exactly on hand-picked strings (the example, only whitespace, punctuation,
    Hangul, a run of LONG_RUN spaces, a text of about LONG_TEXT characters) and seeded random ones. Raises
    CheckFailed naming the mistake when a model explains it (only spaces, not stripped or lower-cased, runs removed
    or not collapsed, one or a fixed number of replace rounds, punctuation removed, a list or None) or
    recursion-too-deep when a RecursionError was raised."""
    check_cases("normalize", normalize, ref.normalize, _normalize_cases(), parameter_names=PARAMS,
                diagnoses=NORMALIZE_DIAGNOSES, hints=[RECURSION_HINT])


# ---------------------------------------------------------------- no_vowels

NO_VOWELS_ALPHABET = "aeiouAEIOUyYbcdfghklmnprstwxzBCDFGHKLMNPRSTWXZ0123456789!?.,-_' "


def _no_vowels_cases():
    rng = seeded_rng("no_vowels")
    hand = [
        Case(("We love Python!",), label="example from the assignment"),
        Case(("AI for ALL!",), label="example from the assignment: the leading space stays"),
        Case(("",), label="empty string"),
        Case(("   ",), label="only spaces"),
        Case(("\tTab and\nnewline ",), label="tabs, newlines and the trailing space stay"),
        Case(("aeiouAEIOU",), label="only vowels"),
        Case(("Queueing AUDIO",), label="runs of vowels"),
        Case(("rhythm myths",), label="no vowels at all ('y' is not a vowel here)"),
        Case(("YELLOW yak, Yes!",), label="upper- and lower-case 'y' stay"),
        Case(("R2-D2 & C-3PO!!!",), label="digits and punctuation runs"),
        Case(("___",), label="only underscores"),
        Case(("Education",), label="starts and ends with a vowel"),
        Case(("한국어 AI 수업",), label="Hangul stays"),
        Case(("Queueing AUDIO, rhythm! " * (LONG_TEXT // 24),),
             label=f"a long text ({LONG_TEXT // 24 * 24} characters)"),
    ]
    random = []
    for _ in range(RANDOM_CASES):
        n = int(rng.integers(1, 40))
        random.append(Case(("".join(rng.choice(list(NO_VOWELS_ALPHABET), n)),), label="random string"))
    return hand + random


def _pop_while_enumerating(s):
    chars = list(s)
    for i, c in enumerate(chars):
        if c in ref.VOWELS:
            chars.pop(i)
    return "".join(chars)


def _replace_first_only(s):
    for v in ref.VOWELS:
        s = s.replace(v, "", 1)
    return s


NO_VOWELS_DIAGNOSES = [
    Diagnosis("y-as-vowel", "only a, e, i, o and u count as vowels; keep 'y' and 'Y'.",
              lambda s: "".join(c for c in s if c not in "aeiouyAEIOUY")),
    Diagnosis("uppercase-vowels-kept", "remove the upper-case vowels A, E, I, O, U too.",
              lambda s: "".join(c for c in s if c not in "aeiou")),
    Diagnosis("lowercase-vowels-kept", "remove the lower-case vowels a, e, i, o, u too.",
              lambda s: "".join(c for c in s if c not in "AEIOU")),
    Diagnosis("lowercased-output",
              "the other letters must keep their case; compare c.lower() with the vowels but keep c itself.",
              lambda s: ref.no_vowels(s.lower())),
    Diagnosis("whitespace-removed", "keep every character that is not a vowel, spaces, tabs and newlines included.",
              lambda s: "".join(ref.no_vowels(s).split())),
    Diagnosis("stripped", "do not strip the result: leading and trailing spaces are kept ('AI for ALL!' -> ' fr LL!').",
              lambda s: ref.no_vowels(s).strip()),
    Diagnosis("only-first-occurrence",
              "str.replace(v, '', 1) removes only the first occurrence of each vowel; drop the count argument.",
              _replace_first_only),
    Diagnosis("only-ends-removed", "str.strip('aeiou...') removes vowels only at the two ends of the string.",
              lambda s: s.strip(ref.VOWELS)),
    Diagnosis("list-changed-while-looping",
              "removing items from a list while looping over it skips the item after each removed one, so "
              "the second of two neighbouring vowels survives. Build a new string instead.",
              _pop_while_enumerating),
    Diagnosis("replaced-with-space", "remove the vowels; do not replace them with spaces.",
              lambda s: re.sub("[aeiouAEIOU]", " ", s)),
    Diagnosis("returned-vowels", "this is the vowels only; return everything EXCEPT the vowels.",
              lambda s: "".join(c for c in s if c in ref.VOWELS)),
    Diagnosis("returned-list", "return one string: join the characters with ''.join(...).",
              lambda s: [c for c in s if c not in ref.VOWELS]),
    Diagnosis("returned-none", "the function returns None: return the result instead of printing it.",
              lambda s: None),
    Diagnosis("whitespace-changed",
              "splitting into words and joining them with ' ' changes the whitespace (runs, tabs, newlines, the two "
              "ends); keep every character that is not a vowel exactly where it is.",
              lambda s: " ".join(ref.no_vowels(w) for w in s.split())),
]


def check_no_vowels(no_vowels):
    """`no_vowels(input_string) -> str`: the string without a, e, i, o, u in either case, every other character kept
    where it is; compared exactly on hand-picked strings (examples, only vowels, 'y', whitespace at the ends,
    Hangul, a long text) and seeded random ones. Raises CheckFailed naming the mistake when a model explains it ('y'
    as a vowel, one case kept, lower-cased, whitespace removed or changed, stripped, replace once, strip at the
    ends, a list changed while looping, spaces instead, the vowels, a list or None) or recursion-too-deep when a
    RecursionError was raised."""
    check_cases("no_vowels", no_vowels, ref.no_vowels, _no_vowels_cases(), parameter_names=PARAMS,
                diagnoses=NO_VOWELS_DIAGNOSES, hints=[RECURSION_HINT])


CHECKS = {
    "normalize": check_normalize,
    "no_vowels": check_no_vowels,
}
