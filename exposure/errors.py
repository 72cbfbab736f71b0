"""One exception root and one warning root for the library, and the reject record batch readers return.

Every error names where the problem is (file, line or row, record), which field is wrong and how
to fix it, so a user can act on the message without reading our code. ``where``, ``field`` and
``fix`` are data on the exception (and on :class:`Reject`), so a risk system can route them
without parsing text.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ArgumentError",
    "CacheWarning",
    "DataError",
    "ExposureError",
    "ExposureWarning",
    "EventError",
    "GraphError",
    "HoldingsError",
    "InputFormatError",
    "MarketDataError",
    "Reject",
    "UnknownConceptError",
]


class ExposureError(Exception):
    """Root of every error raised on purpose by ``exposure``.

    Parameters
    ----------
    problem : str
        What is wrong.
    where : str, optional
        The file, line, row or record the problem was found in.
    field : str, optional
        The offending field, column or argument.
    fix : str, optional
        What the user should do about it.

    Examples
    --------
    >>> err = ExposureError("is not a number", where="book.csv row 3", field="weight", fix="give a number")
    >>> str(err)
    'book.csv row 3: weight: is not a number. Fix: give a number'
    >>> err.to_dict()["field"]
    'weight'
    """

    def __init__(
        self,
        problem: str,
        *,
        where: str | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.problem = problem
        self.where = where
        self.field = field
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        head = ": ".join(part for part in (self.where, self.field) if part)
        text = f"{head}: {self.problem}" if head else self.problem
        return f"{text}. Fix: {self.fix}" if self.fix else text

    def to_dict(self) -> dict[str, str | None]:
        """The error as data: ``type``, ``problem``, ``where``, ``field``, ``fix``, ``message``."""
        return {"type": type(self).__name__, "problem": self.problem, "where": self.where,
                "field": self.field, "fix": self.fix, "message": self._message()}


class ArgumentError(ExposureError, ValueError):
    """An argument of a function or command that is out of its range or of the wrong kind.

    >>> raise ArgumentError("must lie in (0, 1], got 2", field="decay", fix="give a decay such as 0.5")
    Traceback (most recent call last):
    ...
    exposure.errors.ArgumentError: decay: must lie in (0, 1], got 2. Fix: give a decay such as 0.5
    """


class InputFormatError(ExposureError, ValueError):
    """A file that cannot be read at all: wrong encoding, binary, a folder, an unknown format."""


class EventError(ExposureError, ValueError):
    """An event record that cannot be turned into an :class:`~exposure.events.Event`."""


class GraphError(ExposureError, ValueError):
    """A knowledge-graph file or edit that breaks the graph's rules."""


class UnknownConceptError(ExposureError, KeyError):
    """A concept id, ticker or theme the graph does not know."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self._message()


class DataError(ExposureError, ValueError):
    """Numbers handed to the analytics (exposure tables, impacts, returns) that break their rules."""


class HoldingsError(ExposureError, ValueError):
    """A holdings table that cannot be turned into a portfolio."""


class MarketDataError(ExposureError):
    """Prices that could not be fetched or read; carries the symbols that failed."""


class ExposureWarning(UserWarning):
    """Root of every warning ``exposure`` issues; filter on it to silence or escalate them all."""


class CacheWarning(ExposureWarning):
    """A cache could not be used (read-only, full, corrupt, from another version); the step ran without it."""


@dataclass(frozen=True, slots=True)
class Reject:
    """A record a batch reader could not use, with where it was and why.

    Attributes
    ----------
    line : int
        1-based line (text formats) or row (tables, counting the header as row 1) number.
    reason : str
        Why the record was rejected, naming the field and the fix.
    record : str
        The raw record, shortened, so the user can find it.
    code : str
        A stable machine-readable reason class: ``malformed`` (the record cannot be parsed),
        ``invalid`` (a field breaks a rule), ``duplicate``, ``unknown`` (names something the graph
        does not know), ``encoding``, ``too_large``.
    field : str or None
        The offending field, where one is to blame.

    Examples
    --------
    >>> Reject(3, "published_at: not a date", "{...}", code="invalid", field="published_at").to_dict()["field"]
    'published_at'
    """

    line: int
    reason: str
    record: str = ""
    code: str = "invalid"
    field: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "reason": self.reason, "record": self.record, "code": self.code,
                "field": self.field}
