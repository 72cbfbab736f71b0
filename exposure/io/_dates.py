"""One date parser for every date or timestamp read from user input.

Accepted: ISO 8601 calendar dates (``2025-07-29``) and date-times (``2025-07-29T08:00:00Z``,
``2025-07-29 08:00+02:00``, with or without seconds, fractions and offset), and real
``datetime``/``date``/``pandas.Timestamp`` objects. Refused, with a message naming where, the
field and the fix: day/month strings whose order is ambiguous (``03/01/2022``), bare 8-digit
numbers or strings (``20250729``), numbers (``1753776000`` read as Unix seconds would land in
1970 or anywhere) and anything else that is not ISO 8601.

Naive date-times (no offset) are returned naive: each caller keeps its convention (events refuse
them and ask for an offset; daily data treats dates as calendar days with no time zone).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from exposure.errors import ArgumentError

__all__ = ["parse_date", "parse_datetime"]

_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?)?"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)
_EIGHT_DIGITS = re.compile(r"[+-]?\d{8}(?:\.0*)?")
_DAY_MONTH = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?:\b.*)?")
_DATE_EXAMPLE = "2025-07-29"
_DATETIME_EXAMPLE = "2025-07-29T08:00:00Z"


def parse_datetime(value: Any, *, where: str | None = None, field: str | None = None) -> datetime | None:
    """Read a timestamp from user input; None or a blank string gives None.

    Parameters
    ----------
    value : str, datetime, date or pandas.Timestamp
        A ``date`` becomes midnight (naive).
    where, field : str, optional
        Named in the error: the file and line, and the column or key.

    Returns
    -------
    datetime or None
        Timezone-aware if the input carried an offset, naive otherwise.

    Raises
    ------
    ArgumentError
        A ``ValueError`` too, naming where, the field and the fix.

    Examples
    --------
    >>> parse_datetime("2025-07-29T08:00:00Z").isoformat()
    '2025-07-29T08:00:00+00:00'
    >>> parse_datetime("20250729", where="feed.jsonl line 3", field="published_at")
    Traceback (most recent call last):
    ...
    exposure.errors.ArgumentError: feed.jsonl line 3: published_at: '20250729' is 8 digits, ... write 2025-07-29 ...
    >>> parse_datetime(1753776000, field="published_at")
    Traceback (most recent call last):
    ...
    exposure.errors.ArgumentError: published_at: 1753776000 is a number, not a date: ... in ISO 8601, ...
    """
    return _parse(value, where, field, with_time=True)


def parse_date(value: Any, *, where: str | None = None, field: str | None = None) -> date | None:
    """Read a calendar date from user input; None or a blank string gives None.

    A date-time string or object gives its date (as written, before any time-zone conversion).

    Examples
    --------
    >>> parse_date("2022-03-01")
    datetime.date(2022, 3, 1)
    >>> parse_date("03/01/2022", where="edges.csv row 4", field="as_of")
    Traceback (most recent call last):
    ...
    exposure.errors.ArgumentError: edges.csv row 4: as_of: '03/01/2022' is ambiguous: ... 2022-01-03 or 2022-03-01
    """
    parsed = _parse(value, where, field, with_time=False)
    return parsed.date() if isinstance(parsed, datetime) else parsed


def _parse(value: Any, where: str | None, field: str | None, *, with_time: bool) -> datetime | date | None:
    example = _DATETIME_EXAMPLE if with_time else _DATE_EXAMPLE
    if value is None:
        return None
    to_pydatetime = getattr(value, "to_pydatetime", None)
    if callable(to_pydatetime) and not isinstance(value, str):
        try:
            value = to_pydatetime()
        except (ValueError, TypeError, OverflowError):
            value = None
        if value is None or value != value:  # pandas.NaT is a datetime unequal to itself
            return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day) if with_time else value
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = repr(value)
            if _EIGHT_DIGITS.fullmatch(text):
                raise _eight_digits(value, where, field)
            raise ArgumentError(
                f"{text} is a number, not a date: numbers (Unix seconds, Excel serials) are not read as dates",
                where=where, field=field, fix=f"write the date in ISO 8601, such as {example}",
            )
        raise ArgumentError(f"{_show(value)} ({type(value).__name__}) is not a date", where=where, field=field,
                            fix=f"write the date in ISO 8601, such as {example}")
    text = value.strip()
    if not text:
        return None
    if _ISO.fullmatch(text):
        try:
            return datetime.fromisoformat(text.replace(",", ".")) if with_time or len(text) > 10 \
                else date.fromisoformat(text)
        except ValueError as exc:
            raise ArgumentError(f"{_show(text)} is not a valid date ({exc})", where=where, field=field,
                                fix=f"write a real calendar date, such as {example}") from None
    if _EIGHT_DIGITS.fullmatch(text):
        raise _eight_digits(text, where, field)
    ambiguous = _DAY_MONTH.fullmatch(text)
    if ambiguous:
        first, second, year = ambiguous.groups()
        year = year if len(year) == 4 else f"20{year}"
        options = sorted({f"{year}-{int(b):02d}-{int(a):02d}" for a, b in ((first, second), (second, first))
                          if int(b) <= 12 and int(a) <= 31})
        spelled = " or ".join(options) if options else example
        problem = ("is ambiguous: day/month or month/day" if len(options) > 1
                   else "is not ISO 8601 (day/month order is not guessed)")
        raise ArgumentError(f"{_show(text)} {problem}", where=where, field=field,
                            fix=f"write it as YYYY-MM-DD: {spelled}")
    raise ArgumentError(f"{_show(text)} is not an ISO 8601 date", where=where, field=field,
                        fix=f"write it in ISO 8601, such as {example}")


def _eight_digits(text: Any, where: str | None, field: str | None) -> ArgumentError:
    digits = str(text).lstrip("+-").split(".")[0]
    spelled = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return ArgumentError(f"{_show(text)} is 8 digits, not an ISO 8601 date", where=where, field=field,
                         fix=f"write {spelled} (or {spelled}T08:00:00Z with a time)")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"
