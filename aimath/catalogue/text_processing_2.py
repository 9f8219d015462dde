"""text_processing_2: plausible student mistakes and alternative correct solutions, written as students write them.

Entries use only builtins and `re` (the notebook's imports cell provides `re`); each is self-contained.
"""
import re

from aimath.catalogue import Catalogue

catalogue = Catalogue("text_processing_2")
mistake, alternative = catalogue.mistake, catalogue.alternative


# ------------------------------------------------------------------ digits_to_words

@mistake("digits_to_words", diagnosis="non-ascii-digits-mapped")
def digits_isdigit_int(input_string):
    """Uses str.isdigit(), which also accepts '²' and '٣'; int('²') then raises."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return " ".join(words[int(ch)] for ch in input_string if ch.isdigit())


@mistake("digits_to_words", diagnosis="non-ascii-digits-mapped")
def digits_unicode_regex(input_string):
    r"""Finds digits with the regex \d, which matches any Unicode decimal digit such as '٣'."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return " ".join(words[int(d)] for d in re.findall(r"\d", input_string))


@mistake("digits_to_words", diagnosis="words-off-by-one")
def digits_list_starts_at_one(input_string):
    """Word list starts at 'one' and is indexed with int(ch) - 1, so '0' reads as 'nine'."""
    words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    result = []
    for ch in input_string:
        if ch in "0123456789":
            result.append(words[int(ch) - 1])
    return " ".join(result)


@mistake("digits_to_words", diagnosis="not-space-separated")
def digits_joined_without_space(input_string):
    """Concatenates the words with no space between them."""
    names = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four",
             "5": "five", "6": "six", "7": "seven", "8": "eight", "9": "nine"}
    result = ""
    for ch in input_string:
        if ch in names:
            result += names[ch]
    return result


@mistake("digits_to_words", diagnosis="trailing-space")
def digits_trailing_space(input_string):
    """Appends word + ' ' in a loop and returns with the trailing space."""
    names = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four",
             "5": "five", "6": "six", "7": "seven", "8": "eight", "9": "nine"}
    result = ""
    for ch in input_string:
        if ch in names:
            result += names[ch] + " "
    return result


@mistake("digits_to_words", diagnosis="capitalised-words")
def digits_capitalised(input_string):
    """Writes the words with a capital letter."""
    words = ["Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]
    return " ".join(words[int(ch)] for ch in input_string if ch in "0123456789")


@mistake("digits_to_words", diagnosis="digits-inside-words-missed")
def digits_whole_tokens_only(input_string):
    """Only looks at whitespace-separated tokens that are all digits, missing 'R2D2'."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    result = []
    for token in input_string.split():
        if token.isdigit():
            result += [words[int(ch)] for ch in token]
    return " ".join(result)


@mistake("digits_to_words", diagnosis="looped-over-digits-not-string")
def digits_loops_over_dictionary(input_string):
    """Loops over the ten digits asking `if digit in input_string`: wrong order, no repeats."""
    names = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four",
             "5": "five", "6": "six", "7": "seven", "8": "eight", "9": "nine"}
    return " ".join(word for digit, word in names.items() if digit in input_string)


@mistake("digits_to_words", diagnosis="returned-list")
def digits_returns_list(input_string):
    """Returns the list of words."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return [words[int(ch)] for ch in input_string if ch in "0123456789"]


@mistake("digits_to_words", diagnosis="returned-none")
def digits_prints(input_string):
    """Prints the words instead of returning them."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    print(" ".join(words[int(ch)] for ch in input_string if ch in "0123456789"))


@mistake("digits_to_words", diagnosis="none-when-no-digits")
def digits_none_when_empty(input_string):
    """Returns None instead of '' when there are no digits."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    found = [words[int(ch)] for ch in input_string if ch in "0123456789"]
    if found:
        return " ".join(found)


@mistake("digits_to_words", diagnosis="whole-numbers-read")
def digits_whole_numbers(input_string):
    r"""Reads whole numbers with re.findall(r"\d+"), one word per number: "Zip Code: 19104" gives "four"."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    result = []
    for number in re.findall(r"\d+", input_string):
        result.append(words[int(number) % 10])
    return " ".join(result)


@mistake("digits_to_words", diagnosis="whole-numbers-read")
def digits_whole_tokens_lookup(input_string):
    """Looks each whitespace-separated number up as a whole ("19104" is not a key), keeping single digits only."""
    words = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four",
             "5": "five", "6": "six", "7": "seven", "8": "eight", "9": "nine"}
    found = []
    for token in re.findall("[0-9]+", input_string):
        if token in words:
            found.append(words[token])
    return " ".join(found)


@mistake("digits_to_words", diagnosis="recursion-too-deep")
def digits_recursive(input_string):
    """Converts recursively, one character per call: too deep for a long string."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

    def convert(s):
        if s == "":
            return []
        head = [words[int(s[0])]] if s[0] in "0123456789" else []
        return head + convert(s[1:])
    return " ".join(convert(input_string))


@alternative("digits_to_words")
def digits_dict_lookup(input_string):
    """Dictionary lookup in a loop, joined at the end."""
    names = {"0": "zero", "1": "one", "2": "two", "3": "three", "4": "four",
             "5": "five", "6": "six", "7": "seven", "8": "eight", "9": "nine"}
    return " ".join(names[ch] for ch in input_string if ch in names)


@alternative("digits_to_words")
def digits_ascii_regex(input_string):
    """re.findall on the class [0-9] (ASCII only)."""
    words = "zero one two three four five six seven eight nine".split()
    return " ".join(words[int(d)] for d in re.findall("[0-9]", input_string))


@alternative("digits_to_words")
def digits_ord_loop(input_string):
    """Compares characters with '0' and '9' and indexes by ord(ch) - ord('0'), stripping at the end."""
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    result = ""
    for ch in input_string:
        if "0" <= ch <= "9":
            result += words[ord(ch) - ord("0")] + " "
    return result.strip()


@alternative("digits_to_words")
def digits_isdigit_and_isascii(input_string):
    """str.isdigit() guarded by str.isascii(), with the re.ASCII flag spirit."""
    words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return " ".join(words[int(ch)] for ch in input_string if ch.isascii() and ch.isdigit())


# ------------------------------------------------------------------ to_camel_case

@mistake("to_camel_case", diagnosis="first-piece-not-lowercased")
def camel_first_piece_as_is(underscore_str):
    """Keeps the first piece as it is instead of lower-casing it."""
    if "_" not in underscore_str:
        return underscore_str
    pieces = [p for p in underscore_str.split("_") if p]
    if not pieces:
        return ""
    return pieces[0] + "".join(p.capitalize() for p in pieces[1:])


@mistake("to_camel_case", diagnosis="empty-pieces-kept")
def camel_keeps_empty_pieces(underscore_str):
    """Keeps the empty pieces of split('_'), so a leading '_' makes the first word capitalised."""
    if "_" not in underscore_str:
        return underscore_str
    pieces = underscore_str.split("_")
    return pieces[0].lower() + "".join(p.capitalize() for p in pieces[1:])


@mistake("to_camel_case", diagnosis="empty-pieces-kept")
def camel_indexes_empty_piece(underscore_str):
    """Indexes p[0] on every piece of split('_'): an empty piece raises IndexError."""
    if "_" not in underscore_str:
        return underscore_str
    pieces = underscore_str.split("_")
    result = pieces[0].lower()
    for p in pieces[1:]:
        result += p[0].upper() + p[1:].lower()
    return result


@mistake("to_camel_case", diagnosis="no-pieces-not-handled")
def camel_no_empty_check(underscore_str):
    """Drops empty pieces but then reads pieces[0] even when there are none ('___')."""
    if "_" not in underscore_str:
        return underscore_str
    pieces = [p for p in underscore_str.split("_") if p]
    return pieces[0].lower() + "".join(p[0].upper() + p[1:].lower() for p in pieces[1:])


@mistake("to_camel_case", diagnosis="no-underscore-altered")
def camel_always_converts(underscore_str):
    """Converts every string, so 'alreadyCamel' becomes 'alreadycamel'."""
    pieces = [p for p in underscore_str.split("_") if p]
    if not pieces:
        return ""
    return pieces[0].lower() + "".join(p.capitalize() for p in pieces[1:])


@mistake("to_camel_case", diagnosis="no-underscore-altered")
def camel_strips_first(underscore_str):
    """Strips whitespace before anything else, so '     ' becomes ''."""
    underscore_str = underscore_str.strip()
    if "_" not in underscore_str:
        return underscore_str
    pieces = [p for p in underscore_str.split("_") if p]
    if not pieces:
        return ""
    return pieces[0].lower() + "".join(p.capitalize() for p in pieces[1:])


@mistake("to_camel_case", diagnosis="rest-not-lowercased")
def camel_rest_kept(underscore_str):
    """Upper-cases the first letter of later pieces but leaves the rest as it was."""
    if "_" not in underscore_str:
        return underscore_str
    pieces = [p for p in underscore_str.split("_") if p]
    if not pieces:
        return ""
    return pieces[0].lower() + "".join(p[0].upper() + p[1:] for p in pieces[1:])


@mistake("to_camel_case", diagnosis="title-after-digits")
def camel_title(underscore_str):
    """Uses str.title(), which capitalises after digits too ('2nd' -> '2Nd')."""
    if "_" not in underscore_str:
        return underscore_str
    pieces = [p for p in underscore_str.split("_") if p]
    if not pieces:
        return ""
    return pieces[0].lower() + "".join(p.title() for p in pieces[1:])


@mistake("to_camel_case", diagnosis="pascal-case")
def camel_pascal(underscore_str):
    """Capitalises every piece, the first one included (PascalCase)."""
    if "_" not in underscore_str:
        return underscore_str
    return "".join(p.capitalize() for p in underscore_str.split("_") if p)


@mistake("to_camel_case", diagnosis="later-pieces-not-capitalised")
def camel_all_lower(underscore_str):
    """Removes the underscores and lower-cases everything."""
    if "_" not in underscore_str:
        return underscore_str
    return underscore_str.replace("_", "").lower()


@mistake("to_camel_case", diagnosis="underscores-kept")
def camel_keeps_underscores(underscore_str):
    """Capitalises the pieces but joins them back with '_'."""
    if "_" not in underscore_str:
        return underscore_str
    pieces = [p for p in underscore_str.split("_") if p]
    return "_".join([pieces[0].lower()] + [p.capitalize() for p in pieces[1:]]) if pieces else ""


@mistake("to_camel_case", diagnosis="nothing-lowercased")
def camel_regex_single_underscore(underscore_str):
    """A regex that upper-cases the letter after an underscore but forgets to lower-case anything else."""
    if "_" not in underscore_str:
        return underscore_str
    return re.sub(r"_+([a-zA-Z0-9]?)", lambda m: m.group(1).upper(), underscore_str)


@alternative("to_camel_case")
def camel_capitalize(underscore_str):
    """split/filter/join with str.capitalize()."""
    if "_" not in underscore_str:
        return underscore_str
    pieces = list(filter(None, underscore_str.split("_")))
    if not pieces:
        return ""
    return pieces[0].lower() + "".join(p.capitalize() for p in pieces[1:])


@alternative("to_camel_case")
def camel_char_loop(underscore_str):
    """Character loop with a flag for 'the next letter starts a new piece'."""
    if "_" not in underscore_str:
        return underscore_str
    result = ""
    new_piece = False
    for ch in underscore_str:
        if ch == "_":
            new_piece = result != ""
        elif new_piece:
            result += ch.upper()
            new_piece = False
        else:
            result += ch.lower()
    return result


@alternative("to_camel_case")
def camel_regex_findall(underscore_str):
    """re.findall for the runs between underscores, then enumerate."""
    if "_" not in underscore_str:
        return underscore_str
    result = []
    for i, piece in enumerate(re.findall(r"[^_]+", underscore_str)):
        result.append(piece.lower() if i == 0 else piece[:1].upper() + piece[1:].lower())
    return "".join(result)
