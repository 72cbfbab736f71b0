"""Result objects of the exposure analytics: read-only properties, ``to_dict`` and ``summary``."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError, UnknownConceptError

__all__ = ["Coverage", "ThemeExposure"]


def by_magnitude(values: pd.Series) -> pd.Series:
    """``values`` sorted by absolute value, largest first, ties broken by index label."""
    ordered = values.sort_index()
    return ordered.iloc[np.argsort(-np.abs(ordered.to_numpy()), kind="stable")]


def unknown(kind: str, key: object, known: Iterable[object], where: str) -> UnknownConceptError:
    """An :class:`UnknownConceptError` for ``key`` suggesting the closest of ``known``."""
    names = [str(k) for k in known]
    close = difflib.get_close_matches(str(key), names, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else f"use one of {', '.join(names[:10])}"
    return UnknownConceptError(f"unknown {kind} {key!r}", where=where, fix=hint)


@dataclass(frozen=True, eq=False)
class Coverage:
    """How much of a portfolio a table of securities (exposures, impacts) covers.

    Attributes
    ----------
    mapped_weight_share : float
        Gross weight of the mapped holdings over the portfolio's gross weight, in [0, 1]. For a
        portfolio with zero gross weight: 1.0 when every ticker is mapped, else 0.0.
    n_holdings : int
        Number of holdings.
    n_mapped : int
        Number of holdings found in the table.
    unmapped : pandas.Series
        Weights of the holdings not found, largest absolute weight first, then by ticker.
    """

    mapped_weight_share: float
    n_holdings: int
    n_mapped: int
    unmapped: pd.Series

    @property
    def n_unmapped(self) -> int:
        """Number of holdings not found in the table."""
        return self.n_holdings - self.n_mapped

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; ``unmapped`` is a list of ``{"ticker", "weight"}``."""
        return {
            "mapped_weight_share": float(self.mapped_weight_share),
            "n_holdings": int(self.n_holdings),
            "n_mapped": int(self.n_mapped),
            "unmapped": [
                {"ticker": str(t), "weight": float(w)} for t, w in self.unmapped.items()
            ],
        }

    def summary(self) -> str:
        """One line, plus the unmapped tickers when there are any."""
        head = (
            f"{self.n_mapped} of {self.n_holdings} holdings mapped, "
            f"{self.mapped_weight_share:.1%} of gross weight"
        )
        if self.unmapped.empty:
            return head
        shown = ", ".join(f"{t} ({w:+.4f})" for t, w in self.unmapped.head(10).items())
        more = f" and {self.n_unmapped - 10} more" if self.n_unmapped > 10 else ""
        return f"{head}; unmapped: {shown}{more}"


class ThemeExposure:
    """A portfolio's theme exposure, its per-holding contributions and, optionally, active exposure.

    Built by :func:`~exposure.analytics.theme_exposure`. Every total is the sum of its
    contributions column, computed from that column, so ``contributions[t].sum() == total[t]``
    holds exactly; likewise ``active_contributions[t].sum() == active[t]``, and ``active``
    equals ``total - benchmark_total`` up to rounding (about 1e-16 per unit of weight).
    """

    __slots__ = (
        "_active",
        "_active_contributions",
        "_benchmark_coverage",
        "_benchmark_total",
        "_contributions",
        "_coverage",
        "_total",
    )

    def __init__(
        self,
        *,
        contributions: pd.DataFrame,
        total: pd.Series,
        coverage: Coverage,
        benchmark_total: pd.Series | None = None,
        active_contributions: pd.DataFrame | None = None,
        active: pd.Series | None = None,
        benchmark_coverage: Coverage | None = None,
    ) -> None:
        self._contributions = contributions
        self._total = total
        self._coverage = coverage
        self._benchmark_total = benchmark_total
        self._active_contributions = active_contributions
        self._active = active
        self._benchmark_coverage = benchmark_coverage

    @property
    def total(self) -> pd.Series:
        """Portfolio exposure per theme: sum over holdings of weight x exposure."""
        return self._total.copy()

    @property
    def contributions(self) -> pd.DataFrame:
        """Weight x exposure, tickers (sorted; unmapped ones are 0) by themes."""
        return self._contributions.copy()

    @property
    def benchmark_total(self) -> pd.Series | None:
        """Benchmark exposure per theme, or None without a benchmark."""
        return None if self._benchmark_total is None else self._benchmark_total.copy()

    @property
    def active(self) -> pd.Series | None:
        """Active exposure per theme (the sum of ``active_contributions``), or None."""
        return None if self._active is None else self._active.copy()

    @property
    def active_contributions(self) -> pd.DataFrame | None:
        """(weight - benchmark weight) x exposure on the union of tickers, or None."""
        if self._active_contributions is None:
            return None
        return self._active_contributions.copy()

    @property
    def coverage(self) -> Coverage:
        """Which holdings the exposure table covers, and how much weight it misses."""
        return self._coverage

    @property
    def benchmark_coverage(self) -> Coverage | None:
        """Coverage of the benchmark, or None without a benchmark."""
        return self._benchmark_coverage

    @property
    def themes(self) -> pd.Index:
        """The themes, in output order."""
        return self._total.index

    def to_frame(self) -> pd.DataFrame:
        """One row per theme with columns ``exposure``, ``benchmark`` and ``active``.

        ``benchmark`` and ``active`` are NaN without a benchmark.
        """
        nan = pd.Series(np.nan, index=self._total.index)
        return pd.DataFrame(
            {
                "exposure": self._total,
                "benchmark": nan if self._benchmark_total is None else self._benchmark_total,
                "active": nan if self._active is None else self._active,
            }
        )

    def top_contributors(self, theme: str, n: int = 5, *, active: bool = False) -> pd.Series:
        """The ``n`` largest non-zero contributions to ``theme`` by absolute value.

        Parameters
        ----------
        theme : str
            A theme id, such as ``"theme:defense-spending"``.
        n : int, default 5
            How many to return.
        active : bool, default False
            Rank active contributions instead (requires a benchmark).

        Returns
        -------
        pandas.Series
            Contribution per ticker, largest absolute value first, ties by ticker.
        """
        table = self._active_contributions if active else self._contributions
        if table is None:
            raise ArgumentError("no active contributions without a benchmark; pass benchmark=")
        if theme not in table.columns:
            raise unknown("theme", theme, table.columns, "ThemeExposure.top_contributors")
        column = table[theme]
        return by_magnitude(column[column != 0]).head(n).rename("contribution")

    def to_dict(self, top: int | None = None) -> list[dict[str, Any]]:
        """JSON-ready list, one entry per theme sorted by theme id.

        Parameters
        ----------
        top : int, optional
            Keep this many contributions per theme; None keeps every non-zero one.

        Returns
        -------
        list of dict
            ``{"theme", "exposure", "benchmark", "active", "contributions"}``; ``benchmark`` and
            ``active`` are None without a benchmark; ``contributions`` is a list of
            ``{"ticker", "contribution"}``, largest absolute value first, ties by ticker.
        """
        entries = []
        for theme in sorted(self._total.index):
            column = self._contributions[theme]
            ranked = by_magnitude(column[column != 0])
            if top is not None:
                ranked = ranked.head(top)
            entries.append(
                {
                    "theme": str(theme),
                    "exposure": float(self._total[theme]),
                    "benchmark": _maybe(self._benchmark_total, theme),
                    "active": _maybe(self._active, theme),
                    "contributions": [
                        {"ticker": str(t), "contribution": float(c)} for t, c in ranked.items()
                    ],
                }
            )
        return entries

    def summary(self) -> str:
        """Exposure table per theme with coverage, as text."""
        lines = [f"Theme exposure: {self._coverage.summary()}"]
        if self._benchmark_coverage is not None:
            lines.append(f"Benchmark: {self._benchmark_coverage.summary()}")
        frame = self.to_frame()
        if self._active is None:
            frame = frame[["exposure"]]
        lines.append(frame.to_string(float_format=lambda x: f"{x:.4f}"))
        return "\n".join(lines)

    def __repr__(self) -> str:
        bench = "with" if self._active is not None else "without"
        return (
            f"ThemeExposure({len(self._total)} themes, {len(self._contributions)} holdings, "
            f"{bench} benchmark)"
        )


def _maybe(values: pd.Series | None, key: object) -> float | None:
    return None if values is None else float(values[key])
