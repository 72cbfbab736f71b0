"""Many portfolios at once: a sparse portfolios x securities weight matrix, scored by one product.

A risk system scores thousands of portfolios over one universe. Stacking their weights into
``W`` (portfolios x securities) turns theme exposure into ``W @ E`` and event exposure into
``X @ (M @ W.T)``: one sparse product each instead of a loop or a merge per portfolio.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from exposure.analytics._exposure import WeightsLike, _as_weights
from exposure.analytics._results import unknown
from exposure.errors import HoldingsError
from exposure.graph import CompiledGraph
from exposure.portfolio import HoldingsWarning

__all__ = ["PortfolioSet", "event_exposures", "theme_exposures"]

ExposuresLike = CompiledGraph | pd.DataFrame


def _tickers(universe: CompiledGraph | Iterable[Hashable]) -> pd.Index:
    if isinstance(universe, CompiledGraph):
        universe = universe.securities
    labels = pd.Index([str(t).removeprefix("security:") for t in universe], name="ticker")
    if labels.has_duplicates:
        raise HoldingsError("the universe lists a ticker twice", where="universe", field="ticker",
                            fix="pass each ticker once")
    return labels


@dataclass(frozen=True, eq=False)
class PortfolioSet:
    """Portfolios over one universe of securities, as a sparse weight matrix with coverage.

    Build one with :meth:`from_long` (a holdings table with a portfolio column) or
    :meth:`from_portfolios`.

    Attributes
    ----------
    names : Index
        Portfolio names, the rows of :attr:`weights` (sorted).
    universe : Index
        Tickers, the columns of :attr:`weights`.
    weights : scipy.sparse.csr_array
        portfolios x universe weights; holdings outside the universe are not in it.
    coverage : DataFrame
        Per portfolio: ``n_holdings``, ``n_mapped``, ``mapped_weight_share`` (gross weight of the
        holdings in the universe over the gross weight, as in :func:`coverage`), ``net_weight``,
        ``gross_weight``.
    unmapped : DataFrame
        ``portfolio, ticker, weight`` of every holding outside the universe: nothing is dropped
        silently.

    Examples
    --------
    >>> holdings = pd.DataFrame({"portfolio": ["a", "a", "b"], "ticker": ["LMT", "XYZ", "DAL"],
    ...                          "weight": [0.6, 0.4, 1.0]})
    >>> ps = PortfolioSet.from_long(holdings, ["DAL", "LMT"])
    >>> ps.coverage["mapped_weight_share"].to_dict()
    {'a': 0.6, 'b': 1.0}
    >>> ps.unmapped.to_dict("records")
    [{'portfolio': 'a', 'ticker': 'XYZ', 'weight': 0.4}]
    """

    names: pd.Index
    universe: pd.Index
    weights: sp.csr_array
    coverage: pd.DataFrame
    unmapped: pd.DataFrame

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return (f"PortfolioSet(portfolios={len(self.names)}, universe={len(self.universe)}, "
                f"holdings={self.weights.nnz}, unmapped={len(self.unmapped)})")

    @classmethod
    def from_long(
        cls,
        holdings: pd.DataFrame,
        universe: CompiledGraph | Iterable[Hashable],
        *,
        portfolio: str = "portfolio",
        ticker: str = "ticker",
        weight: str = "weight",
    ) -> PortfolioSet:
        """Stack a long holdings table (one row per portfolio and ticker) over a universe.

        Parameters
        ----------
        holdings : DataFrame
            Columns named by ``portfolio``, ``ticker`` and ``weight``. Repeated (portfolio,
            ticker) rows are summed, with a :class:`~exposure.portfolio.HoldingsWarning`.
        universe : CompiledGraph or iterable of str
            The securities scored: a compiled graph's securities, or tickers.

        Raises
        ------
        HoldingsError
            A column is missing, or a weight is not a finite number (naming the rows).
        """
        missing = [c for c in (portfolio, ticker, weight) if c not in holdings.columns]
        if missing:
            raise HoldingsError(f"holdings table has no column {', '.join(map(repr, missing))}", where="holdings",
                                field=missing[0], fix=f"name the columns {portfolio!r}, {ticker!r} and {weight!r}, "
                                "or pass portfolio=, ticker=, weight=")
        values = pd.to_numeric(holdings[weight], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            rows = ", ".join(str(i + 2) for i in bad[:10])
            raise HoldingsError(f"{len(bad)} weight(s) are not finite numbers (table rows {rows}, header = row 1)",
                                where="holdings", field=weight, fix="give a number such as 0.05 on every row")
        tickers = _tickers(universe)
        names, portfolio_codes = _codes(holdings[portfolio])
        held = holdings[ticker].astype(str).to_numpy()
        positions = tickers.get_indexer(held)
        pairs = pd.DataFrame({"p": portfolio_codes, "t": held})
        repeated = int(pairs.duplicated().sum())
        if repeated:
            warnings.warn(f"{repeated} repeated (portfolio, ticker) row(s) were summed", HoldingsWarning, stacklevel=2)
        mapped = positions >= 0
        matrix = sp.csr_array((values[mapped], (portfolio_codes[mapped], positions[mapped])),
                              shape=(len(names), len(tickers)))
        matrix.sum_duplicates()
        matrix.sort_indices()
        gross = np.bincount(portfolio_codes, weights=np.abs(values), minlength=len(names))
        gross_mapped = np.bincount(portfolio_codes[mapped], weights=np.abs(values[mapped]), minlength=len(names))
        n_holdings = pairs.drop_duplicates().groupby("p").size().reindex(range(len(names)), fill_value=0).to_numpy()
        mapped_pairs = pairs[mapped].drop_duplicates()
        n_mapped = mapped_pairs.groupby("p").size().reindex(range(len(names)), fill_value=0).to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(gross > 0, gross_mapped / gross, (n_mapped == n_holdings).astype(float))
        coverage = pd.DataFrame({
            "n_holdings": n_holdings, "n_mapped": n_mapped, "mapped_weight_share": share,
            "net_weight": np.bincount(portfolio_codes, weights=values, minlength=len(names)),
            "gross_weight": gross,
        }, index=names)
        unmapped = pd.DataFrame({"portfolio": names[portfolio_codes[~mapped]], "ticker": held[~mapped],
                                 "weight": values[~mapped]})
        unmapped = unmapped.groupby(["portfolio", "ticker"], as_index=False, sort=True)["weight"].sum()
        return cls(names, tickers, matrix, coverage, unmapped)

    @classmethod
    def from_portfolios(
        cls, portfolios: Mapping[Hashable, WeightsLike], universe: CompiledGraph | Iterable[Hashable]
    ) -> PortfolioSet:
        """Stack named :class:`~exposure.portfolio.Portfolio` objects (or weight Series).

        Examples
        --------
        >>> ps = PortfolioSet.from_portfolios({"x": pd.Series({"LMT": 1.0})}, ["LMT", "RTX"])
        >>> ps.weights.toarray().tolist()
        [[1.0, 0.0]]
        """
        frames = []
        for name, weights in portfolios.items():
            w = _as_weights(weights, f"portfolio {name!r}")
            frames.append(pd.DataFrame({"portfolio": name, "ticker": w.index.astype(str), "weight": w.to_numpy()}))
        long = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            {"portfolio": [], "ticker": [], "weight": []})
        return cls.from_long(long, universe)

    def to_frame(self) -> pd.DataFrame:
        """The mapped weights as a long table ``portfolio, ticker, weight``."""
        coo = self.weights.tocoo()
        return pd.DataFrame({"portfolio": self.names[coo.row], "ticker": self.universe[coo.col], "weight": coo.data})

    def aligned(self, tickers: pd.Index) -> sp.csr_array:
        """Weights with columns in the order of ``tickers`` (tickers absent from the universe get 0)."""
        if tickers.equals(self.universe):
            return self.weights
        positions = self.universe.get_indexer(tickers)
        found = np.flatnonzero(positions >= 0)
        select = sp.csr_array((np.ones(len(found)), (positions[found], found)), shape=(len(self.universe), len(tickers)))
        return sp.csr_array(self.weights @ select)


def _codes(labels: pd.Series) -> tuple[pd.Index, np.ndarray]:
    codes, uniques = pd.factorize(labels, sort=True)
    if (codes < 0).any():
        raise HoldingsError("a holding has no portfolio name", where="holdings", field="portfolio",
                            fix="name the portfolio on every row")
    return pd.Index(uniques, name="portfolio"), codes


def _exposure_table(exposures: ExposuresLike, themes: Iterable[str] | None) -> tuple[pd.Index, pd.Index, sp.csr_array]:
    if isinstance(exposures, CompiledGraph):
        tickers, columns, table = _tickers(exposures.securities), exposures.themes, exposures.exposure
    else:
        tickers, columns = _tickers(exposures.index), pd.Index(exposures.columns, name="theme")
        table = sp.csr_array(exposures.to_numpy(dtype=float))
    if themes is not None:
        chosen = pd.Index(list(themes), name="theme")
        positions = columns.get_indexer(chosen)
        if (positions < 0).any():
            raise unknown("theme", chosen[positions < 0][0], columns, "theme_exposures")
        table, columns = sp.csr_array(table[:, positions]), chosen
    return tickers, columns, table


def theme_exposures(
    portfolios: PortfolioSet, exposures: ExposuresLike, *, themes: Iterable[str] | None = None
) -> pd.DataFrame:
    """Exposure of every portfolio to every theme: ``W @ E``, one sparse product.

    Row ``p`` equals :func:`theme_exposure` of portfolio ``p`` (to rounding).

    Parameters
    ----------
    portfolios : PortfolioSet
    exposures : CompiledGraph or DataFrame
        A compiled graph (its sparse securities x themes :attr:`~CompiledGraph.exposure`), or a
        ticker x theme table such as :meth:`KnowledgeGraph.security_exposures`.
    themes : iterable of str, optional
        Columns to report, in this order; default every theme.

    Returns
    -------
    DataFrame
        portfolios x themes.

    Examples
    --------
    >>> e = pd.DataFrame({"theme:defense-spending": [0.9, 0.0]}, index=["LMT", "DAL"])
    >>> ps = PortfolioSet.from_portfolios({"p": pd.Series({"LMT": 0.5, "DAL": 0.5})}, e.index)
    >>> theme_exposures(ps, e).round(12).to_dict("index")
    {'p': {'theme:defense-spending': 0.45}}
    """
    tickers, columns, table = _exposure_table(exposures, themes)
    product = portfolios.aligned(tickers) @ table
    values = product.toarray() if sp.issparse(product) else np.asarray(product)
    return pd.DataFrame(values, index=portfolios.names, columns=columns)


def event_exposures(portfolios: PortfolioSet, compiled: CompiledGraph, activations: sp.csr_array) -> np.ndarray:
    """Every portfolio's impact from every event: ``X @ (M @ W.T)`` (events x portfolios).

    Equal to the portfolio-weighted sum of the events' security scores, without building the
    events x securities matrix.

    Parameters
    ----------
    portfolios : PortfolioSet
    compiled : CompiledGraph
    activations : scipy.sparse.csr_array
        events x concepts, e.g. from :func:`~exposure.impact.activation_matrix`.
    """
    weights = portfolios.aligned(_tickers(compiled.securities))
    by_concept = sp.csr_array(compiled.impact @ weights.T)
    product = sp.csr_array(activations) @ by_concept
    return product.toarray() if sp.issparse(product) else np.asarray(product)
