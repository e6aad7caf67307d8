"""Outcome strings `1NNN 2NTN`: parse, write, count, and errors that point at the character."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from explorer.core.errors import OutcomeStringError
from explorer.core.outcomes import CohortOutcome, counts, format_outcomes, parse_outcomes


def test_parse_the_escalation_notation():
    assert parse_outcomes("1NNN 2NTN") == [CohortOutcome(1, (False, False, False)),
                                           CohortOutcome(2, (False, True, False))]


def test_empty_string_is_no_cohorts_yet():
    assert parse_outcomes("") == [] and parse_outcomes("   ") == []


def test_lower_case_and_extra_spaces_are_accepted_and_written_canonically():
    assert format_outcomes(parse_outcomes("  1nnt   12T ")) == "1NNT 12T"


def test_counts_per_dose():
    n, x = counts(parse_outcomes("1NNN 2NTN 2NNN 1T"), 3)
    np.testing.assert_array_equal(n, [4, 6, 0])
    np.testing.assert_array_equal(x, [1, 1, 0])


@pytest.mark.parametrize("text,position,words", [
    ("1NNN 2NXN", 7, ["expected T", "'X'"]),
    ("1NNN N", 5, ["expected a dose level", "'N'"]),
    ("0NNN", 0, ["count from 1"]),
    ("1NNN 2", 5, ["no patients", "2NNN"]),
    ("1NN-", 3, ["'-'"]),
    ("5NNN", 0, ["above the top", "(4)"]),
])
def test_errors_point_at_the_offending_character(text, position, words):
    with pytest.raises(OutcomeStringError) as err:
        parse_outcomes(text, n_doses=4)
    assert err.value.position == position
    msg = str(err.value)
    for w in words:
        assert w in msg
    caret_line = msg.splitlines()[-1]
    assert caret_line.index("^") - 2 == position


@pytest.mark.parametrize("packed,spaced", [
    ("1NNN2NTN", "1NNN 2NTN"),
    ("1nnn2ntn 2NNN3T", "1NNN 2NTN 2NNN 3T"),
    ("1NNN12TTN", "1NNN 12TTN"),  # a multi-digit level after a cohort
])
def test_cohorts_need_no_spaces_between_them(packed, spaced):
    assert parse_outcomes(packed) == parse_outcomes(spaced)


@pytest.mark.parametrize("text,position,words", [
    ("1NNN2NXN", 6, ["expected T", "'X'"]),
    ("1NNN5NNN", 4, ["above the top", "(4)"]),
    ("1NNN2", 4, ["no patients", "2NNN"]),
    ("1NNN0NN", 4, ["count from 1"]),
    ("1NNN2NTN3NNN4NN", 14, ["patient 11", "max_n = 10"]),
    ("1NNN 2NTN 3NNN 4NN", 17, ["patient 11", "max_n = 10"]),
])
def test_errors_without_spaces_point_at_the_offending_character(text, position, words):
    with pytest.raises(OutcomeStringError) as err:
        parse_outcomes(text, n_doses=4, max_n=10)
    assert err.value.position == position
    msg = str(err.value)
    assert all(w in msg for w in words)
    assert msg.splitlines()[-1].index("^") - 2 == position


def test_max_n_is_checked_only_when_given():
    assert len(parse_outcomes("1NNNNNNNNNNNNN", n_doses=4)) == 1


@given(st.lists(st.tuples(st.integers(1, 12), st.lists(st.booleans(), min_size=1, max_size=6)), max_size=10))
def test_write_then_parse_is_the_identity(cohorts):
    cs = [CohortOutcome(level, tuple(d)) for level, d in cohorts]
    assert parse_outcomes(format_outcomes(cs)) == cs


@given(st.lists(st.tuples(st.integers(1, 12), st.lists(st.booleans(), min_size=1, max_size=6)), max_size=10))
def test_written_without_spaces_parses_the_same(cohorts):
    cs = [CohortOutcome(level, tuple(d)) for level, d in cohorts]
    assert parse_outcomes(format_outcomes(cs).replace(" ", "")) == cs
