"""The one date parser: ISO 8601 in, everything ambiguous or numeric refused with the fix."""

from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd
import pytest

from exposure.errors import ArgumentError
from exposure.io import parse_date, parse_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-29", datetime(2025, 7, 29)),
        ("2025-07-29T08:00:00Z", datetime(2025, 7, 29, 8, tzinfo=UTC)),
        ("2025-07-29 08:00+02:00", datetime(2025, 7, 29, 8, tzinfo=timezone(timedelta(hours=2)))),
        ("2025-07-29T08:00:00.123456789+0000", datetime(2025, 7, 29, 8, 0, 0, 123456, tzinfo=UTC)),
        ("  2025-07-29T08  ", datetime(2025, 7, 29, 8)),
    ],
)
def test_iso_is_read(text, expected):
    assert parse_datetime(text) == expected


def test_objects_and_blanks():
    stamp = pd.Timestamp("2025-07-29T08:00:00Z")
    assert parse_datetime(stamp) == stamp.to_pydatetime()
    assert parse_datetime(date(2025, 7, 29)) == datetime(2025, 7, 29)
    assert parse_date(datetime(2025, 7, 29, 23, 0)) == date(2025, 7, 29)
    assert parse_date(pd.Timestamp("2025-07-29")) == date(2025, 7, 29)
    assert parse_datetime(None) is None and parse_datetime("  ") is None and parse_date(pd.NaT) is None


@pytest.mark.parametrize(
    ("value", "message", "fix"),
    [
        ("20250729", "8 digits", "write 2025-07-29"),
        (20250729, "8 digits", "write 2025-07-29"),
        (1753776000, "is a number", "ISO 8601"),
        (1753776000.5, "is a number", "ISO 8601"),
        (True, "not a date", "ISO 8601"),
        ("03/01/2022", "ambiguous", "2022-01-03 or 2022-03-01"),
        ("13/01/2022", "day/month order is not guessed", "2022-01-13"),
        ("3.1.22", "ambiguous", "2022-01-03 or 2022-03-01"),
        ("2025-02-30", "not a valid date", "real calendar date"),
        ("July 29, 2025", "not an ISO 8601 date", "ISO 8601"),
        ("2025-W31", "not an ISO 8601 date", "ISO 8601"),
    ],
)
def test_refused_with_where_field_and_fix(value, message, fix):
    with pytest.raises(ArgumentError, match=message) as caught:
        parse_datetime(value, where="feed.jsonl line 3", field="published_at")
    error = caught.value
    assert (error.where, error.field) == ("feed.jsonl line 3", "published_at") and fix in error.fix
    with pytest.raises(ValueError):
        parse_date(value)
