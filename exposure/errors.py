"""One exception root for the library, and the reject record batch readers return.

Every error names where the problem is (file, line or row, record), which field is wrong and how
to fix it, so a user can act on the message without reading our code.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DataError",
    "ExposureError",
    "EventError",
    "GraphError",
    "HoldingsError",
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
        The offending field or column.
    fix : str, optional
        What the user should do about it.
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


class EventError(ExposureError, ValueError):
    """An event record that cannot be turned into an :class:`~exposure.events.Event`."""


class GraphError(ExposureError, ValueError):
    """A knowledge-graph file or edit that breaks the graph's rules."""


class UnknownConceptError(ExposureError, KeyError):
    """A concept id, ticker or theme the graph does not know."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self._message()


class DataError(ExposureError, ValueError):
    """Numbers handed to the analytics (exposure tables, impacts) that break their rules."""


class HoldingsError(ExposureError, ValueError):
    """A holdings table that cannot be turned into a portfolio."""


class MarketDataError(ExposureError):
    """Prices that could not be fetched or read; carries the symbols that failed."""


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
    """

    line: int
    reason: str
    record: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "reason": self.reason, "record": self.record}
