"""Fuzzing of the remaining field validators: whatever comes in, an answer and never an exception."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from mespoints.domain.feed import FeedLicence, parse_feed_line, validate_feed_record
from mespoints.domain.licence_number import normalize_licence_number, normalize_name

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6)
    ),
    max_leaves=25,
)


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_a_licence_number_is_either_normalised_or_refused(raw):
    number = normalize_licence_number(raw)
    assert number is None or (number.isalnum() and number.isascii() and number.upper() == number)
    assert number is None or 5 <= len(number) <= 19


@settings(max_examples=300)
@given(st.text(max_size=120))
def test_a_name_always_normalises_to_text(raw):
    assert isinstance(normalize_name(raw), str)


@settings(max_examples=300)
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_any_feed_line_gives_a_record_or_reasons(raw):
    answer = parse_feed_line(raw)
    assert isinstance(answer, FeedLicence) or (isinstance(answer, list) and answer and all(answer))


@settings(max_examples=300)
@given(
    st.fixed_dictionaries(
        {
            "licence_number": st.text(max_size=20) | st.integers(),
            "format": st.sampled_from(["card", "three_part", "x"]),
            "last_name": st.text(max_size=20),
            "first_names": st.text(max_size=20),
            "birth_date": st.dates().map(str) | st.text(max_size=12),
            "issued_on": st.dates().map(str) | st.text(max_size=12),
            "early_training": st.booleans() | json_values,
            "categories": json_values,
            "events": st.lists(st.dictionaries(st.text(max_size=14), json_values, max_size=8), max_size=4),
            "updated_at": st.datetimes().map(lambda d: d.isoformat() + "+00:00") | st.text(max_size=12),
        }
    )
)
def test_any_feed_object_gives_a_record_or_reasons(record):
    answer = validate_feed_record(record)
    assert isinstance(answer, FeedLicence) or (isinstance(answer, list) and answer and all(answer))
    # The same object through the line parser gives the same verdict.
    again = parse_feed_line(json.dumps(record))
    assert isinstance(again, FeedLicence) == isinstance(answer, FeedLicence)
