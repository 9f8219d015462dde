"""text_processing_1: plausible student mistakes and alternative correct solutions, written as students write them.

Entries use only builtins and `re` (the notebook's imports cell provides `re`).
"""
import re

from aimath.catalogue import Catalogue

catalogue = Catalogue("text_processing_1")
mistake, alternative = catalogue.mistake, catalogue.alternative


# ------------------------------------------------------------------ normalize

@mistake("normalize", diagnosis="only-spaces-collapsed")
def normalize_spaces_regex(input_string):
    """Collapses runs of spaces only; tabs and newlines inside the string survive."""
    return re.sub(" +", " ", input_string.lower()).strip()


@mistake("normalize", diagnosis="only-spaces-collapsed")
def normalize_split_on_space(input_string):
    """Splits on ' ' instead of on any whitespace, then drops the empty pieces."""
    words = [w for w in input_string.lower().split(" ") if w != ""]
    return " ".join(words)


@mistake("normalize", diagnosis="not-stripped")
def normalize_forgets_strip(input_string):
    """Collapses every whitespace run but forgets to strip the ends."""
    return re.sub(r"\s+", " ", input_string).lower()


@mistake("normalize", diagnosis="not-lowercased")
def normalize_forgets_lower(input_string):
    """Collapses and strips whitespace but never lower-cases."""
    return " ".join(input_string.split())


@mistake("normalize", diagnosis="whitespace-removed")
def normalize_joins_without_space(input_string):
    """Joins the words with '' so every space disappears."""
    return "".join(input_string.lower().split())


@mistake("normalize", diagnosis="single-pass-replace")
def normalize_replace_once(input_string):
    """Replaces double spaces once, leaving shorter runs behind (and tabs)."""
    return input_string.lower().replace("  ", " ").strip()


@mistake("normalize", diagnosis="runs-not-collapsed")
def normalize_each_whitespace_to_space(input_string):
    """Turns each whitespace character into a space without collapsing runs."""
    result = ""
    for ch in input_string.lower():
        result += " " if ch.isspace() else ch
    return result.strip()


@mistake("normalize", diagnosis="punctuation-removed")
def normalize_strips_punctuation(input_string):
    """Also removes punctuation, as NLP tutorials often do."""
    no_punct = re.sub(r"[^\w\s]", "", input_string.lower())
    return " ".join(no_punct.split())


@mistake("normalize", diagnosis="returned-list")
def normalize_returns_words(input_string):
    """Returns the list of words instead of one string."""
    return input_string.lower().split()


@mistake("normalize", diagnosis="returned-none")
def normalize_prints(input_string):
    """Prints the answer instead of returning it."""
    print(" ".join(input_string.lower().split()))


@mistake("normalize", diagnosis="upper-cased")
def normalize_upper(input_string):
    """Upper-cases instead of lower-casing."""
    return " ".join(input_string.upper().split())


@mistake("normalize", diagnosis="left-end-only-stripped")
def normalize_lstrip_only(input_string):
    """Collapses runs of spaces and tabs (not newlines) and strips only the left end."""
    return re.sub(r"[ \t]+", " ", input_string.lower()).lstrip()


@mistake("normalize", diagnosis="only-ends-stripped")
def normalize_strip_only(input_string):
    """Lower-cases and strips the ends, but leaves the whitespace runs inside."""
    return input_string.strip().lower()


@mistake("normalize", diagnosis="fixed-number-of-replaces")
def normalize_ten_replace_rounds(input_string):
    """Turns tabs and newlines into spaces, then replaces double spaces ten times "to be sure"."""
    s = input_string.lower()
    for ch in "\t\n\r":
        s = s.replace(ch, " ")
    for _ in range(10):
        s = s.replace("  ", " ")
    return s.strip()


@mistake("normalize", diagnosis="recursion-too-deep")
def normalize_recursive(input_string):
    """Collapses the whitespace recursively, one character per call: too deep for a long string."""
    def collapse(s):
        if not s:
            return ""
        rest = collapse(s[1:])
        if s[0].isspace():
            return rest if rest.startswith(" ") else " " + rest
        return s[0] + rest
    return collapse(input_string.lower()).strip()


@alternative("normalize")
def normalize_regex(input_string):
    """re.sub on \\s+ then strip."""
    return re.sub(r"\s+", " ", input_string).strip().lower()


@alternative("normalize")
def normalize_loop(input_string):
    """Character loop that remembers whether the previous character was whitespace."""
    out = []
    pending_space = False
    for ch in input_string:
        if ch.isspace():
            pending_space = bool(out)
        else:
            if pending_space:
                out.append(" ")
                pending_space = False
            out.append(ch.lower())
    return "".join(out)


@alternative("normalize")
def normalize_replace_until_done(input_string):
    """Turns tabs and newlines into spaces, replaces double spaces until none is left, strips."""
    s = input_string.lower()
    for ws in "\t\n\r\f\v":
        s = s.replace(ws, " ")
    while "  " in s:
        s = s.replace("  ", " ")
    return s.strip()


# ------------------------------------------------------------------ no_vowels

@mistake("no_vowels", diagnosis="y-as-vowel")
def no_vowels_with_y(input_string):
    """Counts 'y' as a vowel."""
    return "".join(ch for ch in input_string if ch.lower() not in "aeiouy")


@mistake("no_vowels", diagnosis="uppercase-vowels-kept")
def no_vowels_lower_only(input_string):
    """Removes only the lower-case vowels."""
    result = ""
    for ch in input_string:
        if ch not in "aeiou":
            result += ch
    return result


@mistake("no_vowels", diagnosis="lowercased-output")
def no_vowels_lowercases_everything(input_string):
    """Lower-cases the string first, so the other letters lose their case."""
    s = input_string.lower()
    for v in "aeiou":
        s = s.replace(v, "")
    return s


@mistake("no_vowels", diagnosis="whitespace-removed")
def no_vowels_drops_spaces(input_string):
    """Keeps only letters, digits and punctuation that are not vowels: whitespace is lost."""
    return "".join(ch for ch in input_string if ch not in "aeiouAEIOU" and not ch.isspace())


@mistake("no_vowels", diagnosis="stripped")
def no_vowels_strips(input_string):
    """Strips the result, losing the leading space of ' fr LL!'."""
    return re.sub("[aeiouAEIOU]", "", input_string).strip()


@mistake("no_vowels", diagnosis="only-first-occurrence")
def no_vowels_replace_once(input_string):
    """str.replace with a count of 1 removes only the first of each vowel."""
    for v in "aeiouAEIOU":
        input_string = input_string.replace(v, "", 1)
    return input_string


@mistake("no_vowels", diagnosis="only-ends-removed")
def no_vowels_strip_chars(input_string):
    """str.strip with the vowels only removes them at the two ends."""
    return input_string.strip("aeiouAEIOU")


@mistake("no_vowels", diagnosis="list-changed-while-looping")
def no_vowels_pop_in_loop(input_string):
    """Pops vowels from the list it is enumerating, skipping the next character each time."""
    chars = list(input_string)
    for i, ch in enumerate(chars):
        if ch in "aeiouAEIOU":
            chars.pop(i)
    return "".join(chars)


@mistake("no_vowels", diagnosis="replaced-with-space")
def no_vowels_blanks(input_string):
    """Replaces each vowel with a space."""
    return re.sub("[aeiou]", " ", input_string, flags=re.IGNORECASE)


@mistake("no_vowels", diagnosis="returned-vowels")
def no_vowels_keeps_vowels(input_string):
    """Condition the wrong way round: keeps only the vowels."""
    return "".join(ch for ch in input_string if ch in "aeiouAEIOU")


@mistake("no_vowels", diagnosis="whitespace-changed")
def no_vowels_words_only(input_string):
    """Rebuilds the sentence from split() words, so whitespace runs and the ends change."""
    words = [re.sub("[aeiouAEIOU]", "", w) for w in input_string.split()]
    return " ".join(words)


@mistake("no_vowels", diagnosis="recursion-too-deep")
def no_vowels_recursive(input_string):
    """Removes vowels recursively, one character per call: too deep for a long string."""
    def strip_vowels(s):
        if s == "":
            return ""
        return ("" if s[0] in "aeiouAEIOU" else s[0]) + strip_vowels(s[1:])
    return strip_vowels(input_string)


@alternative("no_vowels")
def no_vowels_translate(input_string):
    """A translate table that deletes the ten vowels."""
    return input_string.translate(str.maketrans("", "", "aeiouAEIOU"))


@alternative("no_vowels")
def no_vowels_regex(input_string):
    """re.sub on a vowel class, case-insensitive."""
    return re.sub(r"[aeiou]", "", input_string, flags=re.IGNORECASE)


@alternative("no_vowels")
def no_vowels_loop_lower(input_string):
    """Loop comparing the lower-cased character, keeping the original one."""
    result = ""
    for ch in input_string:
        if ch.lower() not in ("a", "e", "i", "o", "u"):
            result += ch
    return result


@alternative("no_vowels")
def no_vowels_filter(input_string):
    """filter with a set of vowels."""
    vowels = set("aeiouAEIOU")
    return "".join(filter(lambda ch: ch not in vowels, input_string))
