"""Theme factors: the return series a security's theme sensitivity is measured against.

A theme has a factor when a fund tracks it (``fund``: JETS for airlines, USO for oil), a market
rate measures it (``yield``: the daily change of the 10-year Treasury yield for interest rates),
an index measures its news (``index``: the log change of the Caldara-Iacoviello geopolitical
risk index between sessions, for defence lines too small for a basket), or the graph holds
enough pure plays to build one (``basket``: the equal-weighted daily return of the securities
whose prior exposure is at least :data:`PURE_PLAY`). A basket member is measured
against the basket without itself (leave-one-out), so no security explains its own return.

The list is data: ``exposure/estimate/data/theme_factors.csv`` (theme, kind, series, sign, use, note).
``sign`` (+1, or -1; +1 when the column is absent) turns a series the theme's companies move
against into their factor: sales abroad lose when the dollar rises, so ``theme:foreign-sales``
is measured against minus the return of the dollar fund UUP (the return of being short the dollar).
``use`` (yes, or no; yes when absent) says whether the theme's blends become exposures: ``no``
keeps a factor measured and validated while its blends stay out of the graph (the note says why).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError
from exposure.io import read_text

FactorKind = Literal["fund", "yield", "index", "basket"]
KINDS: tuple[str, ...] = ("fund", "yield", "index", "basket")
PURE_PLAY = 0.5
"""Prior exposure from which a security is a pure play of a theme (basket member, scale reference)."""


@dataclass(frozen=True)
class ThemeFactor:
    """Where a theme's factor returns come from.

    Attributes
    ----------
    theme : str
        Theme id, e.g. ``"theme:airlines"``.
    kind : {"fund", "yield", "index", "basket"}
    series : str
        Ticker of the fund, name of the yield or index series, or empty for a basket.
    note : str
        Why this series measures the theme.
    sign : {1, -1}, default 1
        The factor is ``sign`` times the series' return or change: -1 where the theme gains when the
        series falls (foreign sales and the dollar fund).
    use : bool, default True
        Whether the theme's blends become ``returns-blend`` edges; False: measured and validated only.
    """

    theme: str
    kind: FactorKind
    series: str
    note: str
    sign: int = 1
    use: bool = True

    @property
    def label(self) -> str:
        """``"fund JETS"``, ``"yield ^TNX"``, ``"index GPRD"``, ``"fund -UUP"`` (sign -1) or the basket."""
        if not self.series:
            return "basket of pure plays"
        return f"{self.kind} {'-' if self.sign < 0 else ''}{self.series}"


def read_theme_factors(path: str | Path | None = None) -> list[ThemeFactor]:
    """The theme factors of a CSV file (default: the bundled ``theme_factors.csv``).

    Examples
    --------
    >>> factors = read_theme_factors()
    >>> [f.label for f in factors if f.theme in ("theme:airlines", "theme:foreign-sales")]
    ['fund JETS', 'fund -UUP']
    """
    where = Path(path) if path is not None else Path(str(resources.files("exposure.estimate") / "data"
                                                         / "theme_factors.csv"))
    rows = list(csv.DictReader(read_text(where).splitlines()))
    factors, seen = [], set()
    for line, row in enumerate(rows, start=2):
        theme, kind, series = ((row.get(name) or "").strip() for name in ("theme", "kind", "series"))
        where_row = f"{where.name} line {line}"
        if not theme.startswith("theme:"):
            raise ArgumentError(f"{theme!r} is not a theme id", where=where_row, field="theme",
                                fix="write the theme as theme:NAME")
        if kind not in KINDS:
            raise ArgumentError(f"unknown kind {kind!r}", where=where_row, field="kind", fix=f"use one of {KINDS}")
        if (kind == "basket") == bool(series):
            raise ArgumentError("a basket has no series; a fund or a yield needs one", where=where_row,
                                field="series", fix="give the ticker or yield name, or leave it empty for a basket")
        sign_text = (row.get("sign") or "1").strip()
        if sign_text not in ("1", "+1", "-1"):
            raise ArgumentError(f"sign {sign_text!r}", where=where_row, field="sign",
                                fix="write 1 (the factor is the series) or -1 (the factor is minus the series)")
        if kind == "basket" and sign_text == "-1":
            raise ArgumentError("a basket's sign is always 1", where=where_row, field="sign",
                                fix="write 1 or leave it empty for a basket")
        use_text = (row.get("use") or "yes").strip().lower()
        if use_text not in ("yes", "no"):
            raise ArgumentError(f"use {use_text!r}", where=where_row, field="use",
                                fix="write yes (blends become exposures) or no (measured and validated only)")
        if theme in seen:
            raise ArgumentError(f"{theme} listed twice", where=where_row, field="theme",
                                fix="keep one factor per theme")
        seen.add(theme)
        factors.append(ThemeFactor(theme, kind, series, (row.get("note") or "").strip(),  # type: ignore[arg-type]
                                   -1 if sign_text == "-1" else 1, use_text == "yes"))
    return factors


def series_factors(factors: list[ThemeFactor], returns: pd.DataFrame, levels: pd.DataFrame | None) -> pd.DataFrame:
    """Date x theme returns of the fund, yield and index factors (baskets are built per member).

    A fund's factor is its return; a yield's is its daily change (percentage points) and an
    index's its log change, between the sessions of ``returns`` (``levels`` may hold calendar
    days, as the GPR index does), each times the factor's ``sign``. A series that is not there
    gives an all-NaN column, so the theme simply gets no estimate.

    Examples
    --------
    >>> days = pd.bdate_range("2024-01-01", periods=3)
    >>> r = pd.DataFrame({"USO": [0.01, -0.02, 0.0], "UUP": [0.002, 0.0, -0.001]}, index=days)
    >>> y = pd.DataFrame({"^TNX": [4.0, 4.1, 4.05], "GPRD": [100.0, 200.0, 100.0]}, index=days)
    >>> fs = [ThemeFactor("theme:oil-prices", "fund", "USO", ""),
    ...       ThemeFactor("theme:interest-rates", "yield", "^TNX", ""),
    ...       ThemeFactor("theme:munitions", "index", "GPRD", ""),
    ...       ThemeFactor("theme:foreign-sales", "fund", "UUP", "", sign=-1)]
    >>> series_factors(fs, r, y).round(3).values.tolist()
    [[0.01, nan, nan, -0.002], [-0.02, 0.1, 0.693, -0.0], [0.0, -0.05, -0.693, 0.001]]
    """
    columns = {}
    for factor in factors:
        column = None
        if factor.kind == "fund" and factor.series in returns.columns:
            column = returns[factor.series]
        elif factor.kind in ("yield", "index") and levels is not None and factor.series in levels:
            level = levels[factor.series].reindex(returns.index)
            column = level.diff() if factor.kind == "yield" else np.log(level).diff()
        elif factor.kind == "basket":
            continue
        columns[factor.theme] = (factor.sign * column.astype(float) if column is not None
                                 else pd.Series(np.nan, index=returns.index))
    return pd.DataFrame(columns, index=returns.index)


def default_levels() -> pd.DataFrame:
    """The bundled non-price series by date: Treasury yields (``^IRX``, ``^TNX``, percent) and the daily
    geopolitical risk index (``GPRD``, ``GPRD_ACT``, ``GPRD_THREAT``; calendar days).

    >>> sorted(default_levels().columns)
    ['GPRD', 'GPRD_ACT', 'GPRD_THREAT', '^IRX', '^TNX']
    """
    from exposure.datasets import load_dev_yields
    from exposure.studies import load_gpr

    gpr = load_gpr()[["GPRD", "GPRD_ACT", "GPRD_THREAT"]]
    return load_dev_yields().join(gpr, how="outer").sort_index()


def basket_sums(member_returns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Daily sum and count of the members' returns (NaN-aware), from which every basket is built.

    The basket return is ``sum / count``; a member's leave-one-out basket is
    ``(sum - r) / (count - 1)`` on the days it has a return.

    >>> s, c = basket_sums(np.array([[0.01, 0.03, np.nan], [0.02, np.nan, np.nan]]))
    >>> s.round(3).tolist(), c.tolist()
    ([0.04, 0.02], [2.0, 1.0])
    """
    present = np.isfinite(member_returns)
    return np.where(present, member_returns, 0.0).sum(axis=1), present.sum(axis=1).astype(float)
