"""text_processing_1 and _2: the references meet the contract, and the checks judge strings fairly and fast."""
import re

import pytest

from aimath.checks import text_processing_1 as checks1
from aimath.checks import text_processing_2 as checks2
from aimath.judge import CheckFailed
from aimath.reference import text_processing_1 as ref1
from aimath.reference import text_processing_2 as ref2


ALL_CASES = {
    "normalize": checks1._normalize_cases(),
    "no_vowels": checks1._no_vowels_cases(),
    "digits_to_words": checks2._digits_cases(),
    "to_camel_case": checks2._camel_cases(),
}


def inputs(name):
    return [case.args[0] for case in ALL_CASES[name]]


# ---------------------------------------------------------------- the contract's examples

@pytest.mark.parametrize("function, given, expected", [
    (ref1.normalize, "  H  e  L    l   O   !", "h e l l o !"),
    (ref1.normalize, "   ", ""),
    (ref1.normalize, "Tab\tand\nnewline", "tab and newline"),
    (ref1.no_vowels, "We love Python!", "W lv Pythn!"),
    (ref1.no_vowels, "AI for ALL!", " fr LL!"),
    (ref2.digits_to_words, "Zip Code: 19104", "one nine one zero four"),
    (ref2.digits_to_words, "x² ٣", ""),
    (ref2.digits_to_words, "", ""),
    (ref2.to_camel_case, "__EXAMPLE__NAME__", "exampleName"),
    (ref2.to_camel_case, "NOT_CAMEL_Yet", "notCamelYet"),
    (ref2.to_camel_case, "_Hello", "hello"),
    (ref2.to_camel_case, "alreadyCamel", "alreadyCamel"),
    (ref2.to_camel_case, "     ", "     "),
    (ref2.to_camel_case, "___", ""),
])
def test_reference_matches_the_contract_examples(function, given, expected):
    assert function(given) == expected


# ---------------------------------------------------------------- properties of the references on every graded input

@pytest.mark.parametrize("s", inputs("normalize"))
def test_normalize_is_idempotent_with_single_inner_spaces(s):
    out = ref1.normalize(s)
    assert ref1.normalize(out) == out
    assert out == out.strip() and "  " not in out and not re.search(r"[^\S ]", out)
    assert out.replace(" ", "") == re.sub(r"\s", "", s).lower()  # only whitespace and case changed


@pytest.mark.parametrize("s", inputs("no_vowels"))
def test_no_vowels_deletes_exactly_the_ten_vowels(s):
    out = ref1.no_vowels(s)
    assert not set(out) & set("aeiouAEIOU")
    assert len(out) == len(s) - sum(c in "aeiouAEIOU" for c in s)
    rest = iter(s)
    assert all(c in rest for c in out)  # a subsequence: order and other characters kept


@pytest.mark.parametrize("s", inputs("digits_to_words"))
def test_digits_to_words_round_trips_to_the_ascii_digits(s):
    words = ref2.digits_to_words(s).split(" ") if ref2.digits_to_words(s) else []
    back = "".join(str(ref2.DIGIT_WORDS.index(w)) for w in words)
    assert back == "".join(re.findall("[0-9]", s))


@pytest.mark.parametrize("s", inputs("to_camel_case"))
def test_to_camel_case_keeps_the_letters_and_drops_the_underscores(s):
    out = ref2.to_camel_case(s)
    if "_" not in s:
        assert out == s
    else:
        assert "_" not in out and out.lower() == s.replace("_", "").lower()
        assert out[:1] == out[:1].lower()


@pytest.mark.parametrize("snake", ["snake_case_string", "a_b_c", "user_id42_x", "x"])
def test_lower_snake_case_round_trips_through_camel_case(snake):
    camel = ref2.to_camel_case(snake) if "_" in snake else snake
    assert re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), camel) == snake


# ---------------------------------------------------------------- the checks

def test_random_cases_are_seeded_so_regrading_is_identical():
    assert checks1._normalize_cases() == ALL_CASES["normalize"]
    assert checks2._camel_cases() == ALL_CASES["to_camel_case"]


def test_failure_message_shows_input_expected_and_got_with_visible_whitespace():
    def keeps_tabs(input_string):
        return re.sub(" +", " ", input_string.lower()).strip()

    with pytest.raises(CheckFailed) as failure:
        checks1.check_normalize(keeps_tabs)
    message = str(failure.value)
    assert "Input:    input_string = 'Hello\\tWorld'" in message
    assert "Expected: 'hello world'" in message
    assert "Got:      'hello\\tworld'" in message


def test_a_function_crashing_everywhere_is_not_given_a_symptom_name():
    def broken(s):
        raise TypeError("unsupported")

    for check in (checks2.check_digits_to_words, checks2.check_to_camel_case):
        with pytest.raises(CheckFailed) as failure:
            check(broken)
        assert failure.value.mistakes == () and "Likely mistake" not in str(failure.value)


def test_the_reference_passes_its_own_checks():
    for module, ref in ((checks1, ref1), (checks2, ref2)):
        for name, check in module.CHECKS.items():
            check(getattr(ref, name))
