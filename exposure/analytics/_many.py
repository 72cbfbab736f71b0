"""Many portfolios at once: a sparse portfolios x securities weight matrix, scored by one product.

A risk system scores thousands of portfolios over one universe. Stacking their weights into
``W`` (portfolios x securities) turns theme exposure into ``W @ E`` and event exposure into
``X @ (M @ W.T)``: one sparse product each instead of a loop or a merge per portfolio.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Hashable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp

from exposure.analytics._exposure import WeightsLike, _as_weights
from exposure.analytics._results import unknown
from exposure.errors import HoldingsError
from exposure.graph import CompiledGraph
from exposure.impact import score_events
from exposure.portfolio import HoldingsWarning

try:
    from scipy.sparse._sparsetools import csr_matmat as _csr_matmat
except ImportError:  # pragma: no cover - scipy moved its kernels
    _csr_matmat = None

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
        portfolios x universe weights (canonical: sorted, repeated holdings summed); holdings
        outside the universe are not in it.
    by_security : scipy.sparse.csr_array
        The same weights transposed (universe x portfolios), the operand of the products.
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
    by_security: sp.csr_array = field(repr=False)
    coverage: pd.DataFrame = field(repr=False)
    unmapped: pd.DataFrame = field(repr=False)

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return (f"PortfolioSet(portfolios={len(self.names)}, universe={len(self.universe)}, "
                f"holdings={self.by_security.nnz}, unmapped={len(self.unmapped)})")

    @cached_property
    def weights(self) -> sp.csr_array:
        # Built on first use: products run on ``by_security`` (the transpose), and a 50M-holding
        # transpose costs about a second that most callers never need.
        return _csr(self.by_security.T)

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
        column = holdings[weight]
        if column.dtype == np.float64:
            values = column.to_numpy()
        else:
            values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            rows = ", ".join(str(i + 2) for i in bad[:10])
            raise HoldingsError(f"{len(bad)} weight(s) are not finite numbers (table rows {rows}, header = row 1)",
                                where="holdings", field=weight, fix="give a number such as 0.05 on every row")
        tickers = _tickers(universe)
        names, rows, counts, grouped = _codes(holdings[portfolio])
        labels, label_codes = _labels(holdings[ticker])
        # Columns: universe positions, then the tickers outside it; a label's column is looked up
        # once per distinct label, never per row.
        string_codes, strings = pd.factorize(labels, use_na_sentinel=False)
        positions = tickers.get_indexer(strings)
        outside = np.flatnonzero(positions < 0)
        positions[outside] = len(tickers) + np.arange(len(outside))
        columns = positions[string_codes].astype(_index_dtype(len(tickers) + len(outside)))[label_codes]
        if not grouped:
            order = np.argsort(rows, kind="stable")
            rows, columns, values = rows[order], columns[order], values[order]
        starts = np.concatenate([[0], np.cumsum(counts)])
        index = _index_dtype(max(len(values), len(tickers) + len(outside), len(names)))
        by_portfolio = sp.csr_array((values, columns, starts.astype(index)),
                                    shape=(len(names), len(tickers) + len(outside)))
        with ThreadPoolExecutor(1) as pool:
            # the counting-sort transpose runs without the GIL beside the coverage sums
            transposing = pool.submit(_csr, by_portfolio.T)
            outside_at = np.flatnonzero(columns >= len(tickers))
            net, gross, gross_mapped = _coverage_sums(values, starts, outside_at)
            mapped_rows = counts - np.bincount(rows[outside_at], minlength=len(names))
            by_column = transposing.result()
        cut = by_column.indptr[len(tickers)]
        by_security = sp.csr_array((by_column.data[:cut], by_column.indices[:cut],
                                    by_column.indptr[:len(tickers) + 1].copy()), shape=(len(tickers), len(names)))
        before = by_security.nnz
        by_security.sum_duplicates()
        repeated = before - by_security.nnz
        n_mapped = mapped_rows if not repeated else np.bincount(by_security.indices, minlength=len(names))
        # Holdings outside the universe: few rows, grouped by column then portfolio (row order kept).
        outside_rows = np.repeat(np.arange(len(outside)), np.diff(by_column.indptr[len(tickers):]))
        outside_portfolios = by_column.indices[cut:].astype(np.intp)
        distinct = np.ones(len(outside_rows), dtype=bool)
        distinct[1:] = (np.diff(outside_rows) != 0) | (np.diff(outside_portfolios) != 0)
        repeated += int((~distinct).sum())
        if repeated:
            warnings.warn(f"{repeated} repeated (portfolio, ticker) row(s) were summed", HoldingsWarning, stacklevel=2)
        n_holdings = n_mapped + np.bincount(outside_portfolios[distinct], minlength=len(names))
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(gross > 0, gross_mapped / gross, (n_mapped == n_holdings).astype(float))
        coverage = pd.DataFrame({
            "n_holdings": n_holdings, "n_mapped": n_mapped, "mapped_weight_share": share,
            "net_weight": net, "gross_weight": gross,
        }, index=names)
        unmapped = pd.DataFrame({"portfolio": names[outside_portfolios],
                                 "ticker": strings.to_numpy(dtype=object)[outside][outside_rows],
                                 "weight": by_column.data[cut:]})
        unmapped = unmapped.groupby(["portfolio", "ticker"], as_index=False, sort=True)["weight"].sum()
        return cls(names, tickers, by_security, coverage, unmapped)

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
        return _csr(self._aligned_by_security(tickers).T)

    def _aligned_by_security(self, tickers: pd.Index) -> sp.csr_array:
        if tickers.equals(self.universe):
            return self.by_security
        positions = self.universe.get_indexer(tickers)
        found = np.flatnonzero(positions >= 0)
        select = sp.csr_array((np.ones(len(found)), (found, positions[found])),
                              shape=(len(tickers), len(self.universe)))
        return _csr(select @ self.by_security)


def _codes(labels: pd.Series) -> tuple[pd.Index, np.ndarray, np.ndarray, bool]:
    """Sorted distinct portfolio names, each row's position among them, rows per name, and
    whether the rows come grouped by name in that order."""
    if isinstance(labels.dtype, pd.CategoricalDtype):
        # the categorical's own codes: no pass over the labels (ordered as pd.factorize(sort=True))
        codes = labels.cat.codes.to_numpy()
        if len(codes) and codes.min() < 0:
            raise _no_portfolio()
        categories = labels.cat.categories
    else:
        codes, categories = pd.factorize(labels, sort=True)
        if (codes < 0).any():
            raise _no_portfolio()
    grouped = bool((codes[1:] >= codes[:-1]).all())
    if grouped:
        counts = np.diff(np.searchsorted(codes, np.arange(len(categories) + 1)))
    else:
        counts = np.bincount(codes, minlength=len(categories))
    if isinstance(labels.dtype, pd.CategoricalDtype):
        seen = counts > 0
        if not seen.all():
            codes, counts = (np.cumsum(seen) - 1)[codes], counts[seen]
        categories = pd.Categorical(categories[seen], categories=categories, ordered=labels.cat.ordered)
    return pd.Index(categories, name="portfolio"), codes, counts, grouped


def _no_portfolio() -> HoldingsError:
    return HoldingsError("a holding has no portfolio name", where="holdings", field="portfolio",
                         fix="name the portfolio on every row")


def _labels(column: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Distinct tickers as ``column.astype(str)`` gives them, and each row's position among them.

    A missing ticker has position -1, the last label.
    """
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy()
        labels = pd.Series(column.cat.categories).astype(str)
    else:
        codes, uniques = pd.factorize(column)
        labels = pd.Series(uniques).astype(str)
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        labels = pd.concat([labels, column.iloc[missing[:1]].astype(str)], ignore_index=True)
    return labels, codes


def _index_dtype(largest: int) -> type:
    return np.int32 if largest < np.iinfo(np.int32).max else np.int64


def _csr(matrix) -> sp.csr_array:
    return sp.csr_array(matrix)


def _coverage_sums(values: np.ndarray, starts: np.ndarray, outside: np.ndarray,
                   chunk: int = 1 << 22) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per segment ``values[starts[i]:starts[i + 1]]`` (each non-empty): the sum, the sum of
    magnitudes, and the sum of magnitudes leaving out the positions ``outside``.

    Magnitudes are taken chunk by chunk in one reused buffer: a fresh array as long as the table
    costs more in page faults than the arithmetic.
    """
    n = len(starts) - 1
    net, gross, inside = np.zeros(n), np.zeros(n), np.zeros(n)
    if not n:
        return net, gross, inside
    buffer = np.empty(min(chunk, len(values)))
    first = 0
    while first < n:
        # whole segments per chunk (at least one, however long)
        last = max(first + 1, int(np.searchsorted(starts, starts[first] + chunk, side="right")) - 1)
        last = min(last, n)
        a, b = starts[first], starts[last]
        local = starts[first:last] - a
        part = values[a:b]
        net[first:last] = np.add.reduceat(part, local)
        magnitude = np.abs(part, out=buffer[:b - a]) if b - a <= len(buffer) else np.abs(part)
        gross[first:last] = np.add.reduceat(magnitude, local)
        lo, hi = np.searchsorted(outside, [a, b])
        if hi > lo:
            magnitude[outside[lo:hi] - a] = 0.0
            inside[first:last] = np.add.reduceat(magnitude, local)
        else:
            inside[first:last] = gross[first:last]
        first = last
    return net, gross, inside


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
    by_theme = _transposed_product(_csr(table.T), portfolios._aligned_by_security(tickers))
    # themes x portfolios in C order is the column-major block pandas stores: no copy
    return pd.DataFrame(by_theme.T, index=portfolios.names, columns=columns)


def _transposed_product(left: sp.csr_array, right: sp.csr_array) -> np.ndarray:
    """``left @ right`` as a dense array, in row blocks on the machine's cores.

    scipy's sparse product releases the GIL; each row of the result is computed by one thread
    from the same operands in the same order, so the result does not depend on the blocking or
    on thread timing. Rows are split where the work (sum over a row's entries of the length of
    the ``right`` row they scale) is halved.
    """
    out = np.zeros((left.shape[0], right.shape[1]))
    work = np.cumsum(left @ np.diff(right.indptr).astype(np.float64))
    threads = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1,
                  _MAX_THREADS)
    if not len(work) or work[-1] < _MIN_PARALLEL_WORK:
        threads = 1
    cuts = np.searchsorted(work, work[-1] * np.arange(1, threads) / threads) if threads > 1 else []
    bounds = np.unique(np.concatenate([[0], cuts, [left.shape[0]]]).astype(int))

    def block(start: int, stop: int) -> None:
        _product_into(left[start:stop], right, out[start:stop])

    if len(bounds) <= 2:
        block(0, left.shape[0])
    else:
        with ThreadPoolExecutor(len(bounds) - 1) as pool:
            list(pool.map(block, bounds[:-1], bounds[1:]))
    return out


def _product_into(left: sp.csr_array, right: sp.csr_array, out: np.ndarray) -> None:
    """``out[:] = left @ right`` for CSR operands and a zeroed C-ordered ``out``.

    The result is (nearly) dense, so scipy's first pass, which only counts the result's entries,
    is skipped by giving its kernel room for every cell: about a third of the time. This is
    scipy's private ``csr_matmat`` (the one ``left @ right`` calls after counting); without it,
    the public product gives the same numbers.
    """
    rows, cols = out.shape
    if _csr_matmat is not None and rows * cols < np.iinfo(np.int32).max:
        try:
            index = np.int32
            indptr, indices = np.empty(rows + 1, dtype=index), np.empty(rows * cols, dtype=index)
            data = np.empty(rows * cols)
            _csr_matmat(rows, cols, left.indptr.astype(index, copy=False), left.indices.astype(index, copy=False),
                        np.asarray(left.data, dtype=np.float64), right.indptr.astype(index, copy=False),
                        right.indices.astype(index, copy=False), np.asarray(right.data, dtype=np.float64),
                        indptr, indices, data)
        except (TypeError, ValueError):  # a scipy whose kernel changed: the public product below
            pass
        else:
            nnz = indptr[-1]
            sp.csr_array((data[:nnz], indices[:nnz], indptr), shape=(rows, cols)).toarray(out=out)
            return
    product = left @ right
    out[:] = product.toarray() if sp.issparse(product) else product

_MAX_THREADS = 8
_MIN_PARALLEL_WORK = 1e7


def event_exposures(portfolios: PortfolioSet, compiled: CompiledGraph, activations: sp.csr_array, *,
                    materiality: float = 0.0, scores: sp.csr_array | None = None) -> np.ndarray:
    """Every portfolio's impact from every event: ``X @ (M @ W.T)`` (events x portfolios).

    Equal to the portfolio-weighted sum of the events' security scores, without building the
    events x securities matrix. With ``materiality`` (see ``ImpactSettings``) it is the weighted
    sum of the events' material scores, which needs that matrix (built in chunks, or ``scores``
    when the caller already holds it: ``score_events(activations, compiled, materiality=...)``).

    Parameters
    ----------
    portfolios : PortfolioSet
    compiled : CompiledGraph
    activations : scipy.sparse.csr_array
        events x concepts, e.g. from :func:`~exposure.impact.activation_matrix`.
    """
    by_security = portfolios._aligned_by_security(_tickers(compiled.securities))
    if materiality:
        if scores is None:
            scores = score_events(sp.csr_array(activations), compiled, materiality=materiality)
        product = scores @ by_security
        return product.toarray() if sp.issparse(product) else np.asarray(product)
    by_concept = compiled.right_multiply(by_security)
    if sp.issparse(by_concept) and by_concept.nnz > 0.1 * np.prod(by_concept.shape):
        by_concept = by_concept.toarray()  # a walk fills most cells; the product is dense anyway
    product = sp.csr_array(activations) @ by_concept
    return product.toarray() if sp.issparse(product) else np.asarray(product)
