"""basic_math, Part 1 (statistics of a list): plausible student mistakes and alternative correct
solutions, written as students write them.
"""
import math

import numpy as np

from aimath.catalogue import Catalogue

catalogue = Catalogue("basic_math")
mistake, alternative = catalogue.mistake, catalogue.alternative


# ------------------------------------------------------------------ get_greatest

@mistake("get_greatest", diagnosis="max-seeded-at-zero")
def greatest_seeded_at_zero(number_list):
    """Running maximum seeded at 0: wrong for all-negative lists."""
    best = 0
    for n in number_list:
        if n > best:
            best = n
    return best


@mistake("get_greatest", diagnosis="last-element-skipped")
def greatest_skips_last(number_list):
    """Loop stops one element early (range(len - 1))."""
    best = number_list[0]
    for i in range(len(number_list) - 1):
        if number_list[i] > best:
            best = number_list[i]
    return best


@mistake("get_greatest", diagnosis="returned-index")
def greatest_returns_index(number_list):
    """Returns the position of the maximum, not the maximum."""
    best = 0
    for i in range(len(number_list)):
        if number_list[i] > number_list[best]:
            best = i
    return best


@mistake("get_greatest", diagnosis="returned-smallest")
def greatest_wrong_end_of_sort(number_list):
    """Takes the wrong end of the sorted list."""
    return sorted(number_list)[0]


@mistake("get_greatest", diagnosis="mutates-input")
def greatest_sorts_in_place(number_list):
    """Sorts the caller's list in place to read off the last element."""
    number_list.sort()
    return number_list[-1]


@mistake("get_greatest", diagnosis="compared-absolute-values")
def greatest_by_absolute_value(number_list):
    """Compares absolute values."""
    return max(number_list, key=abs)


@mistake("get_greatest", diagnosis="converted-to-int")
def greatest_truncated_to_int(number_list):
    """Converts to int on the way, losing the fractional part of floats."""
    best = int(number_list[0])
    for n in number_list:
        if n > best:
            best = int(n)
    return best


@mistake("get_greatest", diagnosis="max-seeded-at-constant")
def greatest_seeded_at_minus_999999(number_list):
    """Running maximum seeded at -999999, "smaller than any number we will see"."""
    greatest = -999999
    for n in number_list:
        if n > greatest:
            greatest = n
    return greatest


@mistake("get_greatest", diagnosis="max-seeded-at-constant")
def greatest_seeded_at_minus_1e9(number_list):
    """Running maximum seeded at the float -1e9."""
    greatest = -1e9
    for n in number_list:
        greatest = max(greatest, n)
    return greatest


@mistake("get_greatest", diagnosis="max-seeded-at-constant")
def greatest_seeded_at_int32_min(number_list):
    """Running maximum seeded at the smallest 32-bit integer, -2**31."""
    greatest = -2**31
    for n in number_list:
        if n > greatest:
            greatest = n
    return greatest


@mistake("get_greatest", diagnosis="max-seeded-at-constant")
def greatest_seeded_at_minus_maxsize(number_list):
    """Running maximum seeded at -(2**63 - 1), i.e. -sys.maxsize, the most negative "ordinary" int."""
    greatest = -9223372036854775807
    for n in number_list:
        if n > greatest:
            greatest = n
    return greatest


@mistake("get_greatest", diagnosis="max-seeded-at-plus-infinity")
def greatest_seeded_at_plus_infinity(number_list):
    """Running maximum seeded at +infinity instead of -infinity: nothing is ever larger."""
    greatest = float("inf")
    for n in number_list:
        if n > greatest:
            greatest = n
    return greatest


@mistake("get_greatest", diagnosis="returned-second-largest")
def greatest_second_from_the_end(number_list):
    """Reads the sorted copy one place too early (s[-2])."""
    s = sorted(number_list)
    return s[-2] if len(s) > 1 else s[0]


@mistake("get_greatest", diagnosis="returned-first-element")
def greatest_return_inside_loop(number_list):
    """The return is indented into the loop, so it returns after the first comparison."""
    greatest = number_list[0]
    for n in number_list:
        if n > greatest:
            greatest = n
        return greatest


@alternative("get_greatest")
def greatest_loop(number_list):
    """Pure Python loop seeded with the first element."""
    best = number_list[0]
    for n in number_list[1:]:
        if n > best:
            best = n
    return best


@alternative("get_greatest")
def greatest_numpy(number_list):
    """numpy's max."""
    return np.max(number_list)


@alternative("get_greatest")
def greatest_sorted_copy(number_list):
    """Last element of a sorted copy."""
    return sorted(number_list)[-1]


# ------------------------------------------------------------------ get_smallest

@mistake("get_smallest", diagnosis="min-seeded-at-zero")
def smallest_seeded_at_zero(number_list):
    """Running minimum seeded at 0: wrong for all-positive lists."""
    best = 0
    for n in number_list:
        if n < best:
            best = n
    return best


@mistake("get_smallest", diagnosis="last-element-skipped")
def smallest_skips_last(number_list):
    """Loop stops one element early."""
    best = number_list[0]
    for i in range(len(number_list) - 1):
        if number_list[i] < best:
            best = number_list[i]
    return best


@mistake("get_smallest", diagnosis="returned-index")
def smallest_returns_index(number_list):
    """Returns the position of the minimum."""
    return int(np.argmin(number_list))


@mistake("get_smallest", diagnosis="returned-greatest")
def smallest_comparison_flipped(number_list):
    """Comparison points the wrong way."""
    best = number_list[0]
    for n in number_list:
        if n > best:
            best = n
    return best


@mistake("get_smallest", diagnosis="mutates-input")
def smallest_sorts_in_place(number_list):
    """Sorts the caller's list in place."""
    number_list.sort()
    return number_list[0]


@mistake("get_smallest", diagnosis="min-seeded-at-constant")
def smallest_seeded_at_large_int(number_list):
    """Seeded at 100 instead of the first element: wrong when every number is above 100."""
    best = 100
    for n in number_list:
        if n < best:
            best = n
    return best


@mistake("get_smallest", diagnosis="min-seeded-at-constant")
def smallest_seeded_at_987654321(number_list):
    """Running minimum seeded with a large constant, 987654321."""
    smallest = 987654321
    for n in number_list:
        if n < smallest:
            smallest = n
    return smallest


@mistake("get_smallest", diagnosis="min-seeded-at-constant")
def smallest_seeded_at_999999(number_list):
    """Running minimum seeded at 999999."""
    smallest = 999999
    for n in number_list:
        if n < smallest:
            smallest = n
    return smallest


@mistake("get_smallest", diagnosis="min-seeded-at-constant")
def smallest_seeded_at_1e9(number_list):
    """Running minimum seeded at the float 1e9."""
    smallest = 1e9
    for n in number_list:
        smallest = min(smallest, n)
    return smallest


@mistake("get_smallest", diagnosis="min-seeded-at-constant")
def smallest_seeded_at_int32_max(number_list):
    """Running minimum seeded at the largest 32-bit integer, 2**31 - 1."""
    smallest = 2**31 - 1
    for n in number_list:
        if n < smallest:
            smallest = n
    return smallest


@mistake("get_smallest", diagnosis="min-seeded-at-constant")
def smallest_seeded_at_maxsize(number_list):
    """Running minimum seeded at 2**63 - 1 (sys.maxsize), "the largest int"."""
    smallest = 9223372036854775807
    for n in number_list:
        if n < smallest:
            smallest = n
    return smallest


@mistake("get_smallest", diagnosis="min-seeded-at-minus-infinity")
def smallest_seeded_at_minus_infinity(number_list):
    """Running minimum seeded at -infinity instead of +infinity: nothing is ever smaller."""
    smallest = -math.inf
    for n in number_list:
        if n < smallest:
            smallest = n
    return smallest


@mistake("get_smallest", diagnosis="compared-absolute-values")
def smallest_by_absolute_value(number_list):
    """Compares absolute values."""
    return min(number_list, key=abs)


@alternative("get_smallest")
def smallest_loop(number_list):
    """Pure Python loop seeded with the first element."""
    best = number_list[0]
    for n in number_list:
        if n < best:
            best = n
    return best


@alternative("get_smallest")
def smallest_numpy(number_list):
    """numpy's min on an array."""
    return np.array(number_list).min()


@alternative("get_smallest")
def smallest_seeded_at_infinity(number_list):
    """Running minimum seeded at +infinity."""
    best = math.inf
    for n in number_list:
        best = n if n < best else best
    return best


# ------------------------------------------------------------------ get_mean

@mistake("get_mean", diagnosis="integer-division")
def mean_integer_division(number_list):
    """Floor division."""
    return sum(number_list) // len(number_list)


@mistake("get_mean", diagnosis="divided-by-n-minus-1")
def mean_divides_by_n_minus_1(number_list):
    """Divides by n - 1 (confused with the sample variance)."""
    return sum(number_list) / (len(number_list) - 1) if len(number_list) > 1 else number_list[0]


@mistake("get_mean", diagnosis="fixed-length")
def mean_divides_by_ten(number_list):
    """Hard-codes the length of the example list."""
    return sum(number_list) / 10


@mistake("get_mean", diagnosis="rounded")
def mean_rounded(number_list):
    """Rounds the result."""
    return round(sum(number_list) / len(number_list))


@mistake("get_mean", diagnosis="first-element-skipped")
def mean_skips_first(number_list):
    """Loop starts at index 1 (off by one)."""
    total = 0
    for i in range(1, len(number_list)):
        total += number_list[i]
    return total / len(number_list)


@mistake("get_mean", diagnosis="distinct-values-only")
def mean_of_distinct_values(number_list):
    """Averages the distinct values only."""
    values = set(number_list)
    return sum(values) / len(values)


@mistake("get_mean", diagnosis="returned-midrange")
def mean_of_extremes(number_list):
    """Midrange instead of mean."""
    return (max(number_list) + min(number_list)) / 2


@mistake("get_mean", diagnosis="returned-median")
def mean_is_median(number_list):
    """Returns the median (the middle of the sorted values)."""
    s = sorted(number_list)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


@mistake("get_mean", diagnosis="rounded")
def mean_rounded_to_two_places(number_list):
    """Rounds the mean to two decimal places "to match the example"."""
    return round(sum(number_list) / len(number_list), 2)


@alternative("get_mean")
def mean_loop(number_list):
    """Pure Python running total."""
    total = 0.0
    for n in number_list:
        total += n
    return total / len(number_list)


@alternative("get_mean")
def mean_numpy(number_list):
    """numpy's mean."""
    return np.mean(number_list)


@alternative("get_mean")
def mean_fsum(number_list):
    """math.fsum for an exactly rounded sum."""
    return math.fsum(number_list) / len(number_list)


# ------------------------------------------------------------------ get_median

@mistake("get_median", diagnosis="even-length-not-averaged")
def median_upper_middle(number_list):
    """Takes the element at n // 2 for every length."""
    s = sorted(number_list)
    return s[len(s) // 2]


@mistake("get_median", diagnosis="even-length-lower-middle")
def median_lower_middle(number_list):
    """Takes the element at (n - 1) // 2 for every length."""
    s = sorted(number_list)
    return s[(len(s) - 1) // 2]


@mistake("get_median", diagnosis="mutates-input")
def median_sorts_in_place(number_list):
    """Sorts the caller's list in place."""
    number_list.sort()
    n = len(number_list)
    if n % 2:
        return number_list[n // 2]
    return (number_list[n // 2 - 1] + number_list[n // 2]) / 2


@mistake("get_median", diagnosis="not-sorted")
def median_unsorted(number_list):
    """Forgets to sort."""
    n = len(number_list)
    if n % 2:
        return number_list[n // 2]
    return (number_list[n // 2 - 1] + number_list[n // 2]) / 2


@mistake("get_median", diagnosis="integer-division")
def median_floor_average(number_list):
    """Floor division when averaging the two middle values."""
    s = sorted(number_list)
    n = len(s)
    if n % 2:
        return s[n // 2]
    return (s[n // 2 - 1] + s[n // 2]) // 2


@mistake("get_median", diagnosis="returned-mean")
def median_is_mean(number_list):
    """Returns the mean."""
    return sum(number_list) / len(number_list)


@mistake("get_median", diagnosis="wrong-middle-pair")
def median_wrong_pair(number_list):
    """Averages the elements at n // 2 and n // 2 + 1 (off by one)."""
    s = sorted(number_list)
    n = len(s)
    if n % 2:
        return s[n // 2]
    return (s[n // 2] + s[min(n // 2 + 1, n - 1)]) / 2


@alternative("get_median")
def median_sorted_copy(number_list):
    """Pure Python on a sorted copy."""
    s = sorted(number_list)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 == 1 else (s[mid - 1] + s[mid]) / 2


@alternative("get_median")
def median_numpy(number_list):
    """numpy's median."""
    return np.median(number_list)


@alternative("get_median")
def median_copy_then_sort(number_list):
    """Copies the list, sorts the copy in place, averages the middle slice."""
    s = list(number_list)
    s.sort()
    middle = s[(len(s) - 1) // 2: len(s) // 2 + 1]
    return sum(middle) / len(middle)
