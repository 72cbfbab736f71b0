"""Batch scoring: many events against the compiled operators, without leaving sparse algebra.

An events x securities matrix is sparse but can still be large (every event touches the names
exposed to the themes it activates). Most questions need less than all of it, and associativity
answers them without building it: a portfolio's event exposure is ``X @ (M @ W.T)``, a day's
impact on every security ``(G @ X) @ M``. :func:`score_events` builds the full matrix in chunks
when it is wanted; :func:`top_per_event` keeps the largest entries of each row.

With a *materiality* share (``ImpactSettings.materiality``), each event's scores under that share of
its largest ``|score|`` are reported as 0 (:func:`material`): the weak side paths of an event (a
tag's broad theme, a fourth hop) carry its noise rather than its news. The cut is per event, so
sums over events and portfolios are then taken over the material scores, not through the
associative shortcuts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from exposure.graph import CompiledGraph
from exposure.impact._activation import stack_activations


def activations_from_long(
    event_rows: Sequence[int] | np.ndarray,
    concepts: Sequence[str] | np.ndarray,
    values: Sequence[float] | np.ndarray,
    n_events: int,
    compiled: CompiledGraph,
) -> tuple[sp.csr_array, np.ndarray]:
    """Events x concepts activation matrix from long arrays, vectorised.

    Parameters
    ----------
    event_rows : array of int
        Row (event position) of each activation.
    concepts : array of str
        Concept id of each activation.
    values : array of float
        Activation (market impact x combined confidence, signed); repeated (row, concept) pairs
        are summed.
    n_events : int
        Number of rows.
    compiled : CompiledGraph

    Returns
    -------
    x : scipy.sparse.csr_array
        ``n_events x len(compiled.concepts)``.
    unknown : ndarray of bool
        True where the concept id is not a concept of the graph (those entries are left out).

    Examples
    --------
    >>> import exposure as ex
    >>> compiled = ex.default_graph().compile()
    >>> x, unknown = activations_from_long([0, 1], ["theme:counter-drone", "theme:nope"], [1.0, 1.0], 2, compiled)
    >>> x.shape[0], x.nnz, unknown.tolist()
    (2, 1, [False, True])
    """
    return stack_activations(event_rows, concepts, values, n_events, compiled.concepts)


def score_events(
    x: sp.csr_array, compiled: CompiledGraph, *, materiality: float = 0.0, chunk_size: int = 20_000,
    dense: bool = False,
) -> sp.csr_array | np.ndarray:
    """Every security's score for every event: ``X @ M``, computed ``chunk_size`` rows at a time.

    Equal to the single-event path row by row (the same product). Chunking bounds the working
    memory of the sparse product; the result itself holds one entry per (event, security) reached.
    ``dense=True`` returns an events x securities numpy array instead, which is faster when events
    reach a large share of a small universe (see :meth:`CompiledGraph.left_multiply`). With
    ``materiality``, each row is cut by :func:`material`.
    """
    x = sp.csr_array(x)
    if dense:
        full = np.vstack([compiled.left_multiply(x[start:start + chunk_size], dense=True)
                          for start in range(0, max(x.shape[0], 1), chunk_size)])[: x.shape[0]]
        return material(full, materiality)
    parts = [_tidy(material(compiled.left_multiply(x[start:start + chunk_size]), materiality))
             for start in range(0, max(x.shape[0], 1), chunk_size)]
    return parts[0] if len(parts) == 1 else sp.csr_array(sp.vstack(parts, format="csr"))


def material(scores: sp.csr_array | np.ndarray, share: float) -> sp.csr_array | np.ndarray:
    """Each row's entries whose ``|score|`` is under ``share`` of the row's largest, set to 0.

    Examples
    --------
    >>> s = sp.csr_array(np.array([[0.5, -0.04, 0.06], [0.0, 0.003, -0.0002]]))
    >>> material(s, 0.1).toarray().tolist()
    [[0.5, 0.0, 0.06], [0.0, 0.003, 0.0]]
    >>> material(s, 0.0) is s
    True
    >>> material(sp.csr_array(np.array([[0.2, 0.5, 0.01], [0.0, 0.0, 0.0]])), 0.1).toarray().tolist()
    [[0.2, 0.5, 0.0], [0.0, 0.0, 0.0]]
    """
    if not share:
        return scores
    if not sp.issparse(scores):
        dense = np.asarray(scores, dtype=float)
        largest = np.abs(dense).max(axis=1, initial=0.0, keepdims=True)
        return np.where(np.abs(dense) >= share * largest, dense, 0.0)
    cut = sp.csr_array(scores, copy=True)
    counts = np.diff(cut.indptr)
    if not cut.nnz:
        return cut
    magnitude = np.abs(cut.data)
    largest = np.zeros(len(counts))
    filled = counts > 0
    largest[filled] = np.maximum.reduceat(magnitude, cut.indptr[:-1][filled])
    cut.data = np.where(magnitude >= share * np.repeat(largest, counts), cut.data, 0.0)
    cut.eliminate_zeros()
    return cut


def grouped_scores(x: sp.csr_array, groups, compiled: CompiledGraph, *,
                   materiality: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Summed impact of the events of each group (a day, a source): ``(G @ X) @ M``.

    Summing activations before propagating gives the same sums as propagating every event (the
    operator is linear) at the cost of one row per group, so a million events by day is a few
    sparse products. With ``materiality`` the sums are of each event's material scores
    (:func:`material`), which the shortcut cannot give: every event is scored, in chunks.

    Returns
    -------
    labels : ndarray
        The distinct groups, sorted.
    scores : ndarray
        groups x securities (dense: a day's news reaches most of the universe).

    Examples
    --------
    >>> import exposure as ex
    >>> compiled = ex.default_graph().compile()
    >>> x, _ = activations_from_long([0, 1, 2], ["theme:counter-drone"] * 3, [0.1, 0.2, 0.3], 3, compiled)
    >>> labels, daily = grouped_scores(x, ["mon", "mon", "tue"], compiled)
    >>> labels.tolist(), bool(abs(daily[0].sum() - score_events(x[[0, 1]], compiled).sum()) < 1e-12)
    (['mon', 'tue'], True)
    """
    labels, codes = np.unique(np.asarray(groups), return_inverse=True)
    x = sp.csr_array(x)
    summing = sp.csr_array((np.ones(x.shape[0]), (codes, np.arange(x.shape[0]))), shape=(len(labels), x.shape[0]))
    if materiality:
        return labels, np.asarray((summing @ score_events(x, compiled, materiality=materiality)).toarray())
    return labels, np.asarray(compiled.left_multiply(sp.csr_array(summing @ x), dense=True))


def theme_scores(x: sp.csr_array, compiled: CompiledGraph, *, chunk_size: int = 1_000_000) -> sp.csr_array:
    """How strongly each event activates each theme: ``X @ T`` (events x themes).

    Column indices within a row are left in the product's order (sorting them would cost more
    than the product at a million events); every table built from it orders rows explicitly.
    """
    x = sp.csr_array(x)
    if x.shape[0] <= chunk_size:
        return _tidy(x @ compiled.theme_activation, sort=False)
    parts = [_tidy(x[start:start + chunk_size] @ compiled.theme_activation, sort=False)
             for start in range(0, x.shape[0], chunk_size)]
    return sp.csr_array(sp.vstack(parts, format="csr"))


def _tidy(product, *, sort: bool = True) -> sp.csr_array:
    result = sp.csr_array(product)
    result.eliminate_zeros()
    if sort:
        result.sort_indices()
    return result


def top_per_event(scores: sp.csr_array, k: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The ``k`` entries of largest magnitude in each row (all non-zeros when k is None).

    Ties are broken by column, so the result is deterministic.

    Returns
    -------
    rows, columns, values, ranks : ndarray
        Sorted by row, then rank (1 = largest ``|score|``).

    Examples
    --------
    >>> s = sp.csr_array(np.array([[0.1, -0.5, 0.2], [0.0, 0.3, 0.0]]))
    >>> rows, cols, vals, ranks = top_per_event(s, 2)
    >>> rows.tolist(), cols.tolist(), vals.tolist(), ranks.tolist()
    ([0, 0, 1], [1, 2, 1], [-0.5, 0.2, 0.3], [1, 2, 1])
    """
    scores = sp.csr_array(scores)
    counts = np.diff(scores.indptr)
    rows = np.repeat(np.arange(scores.shape[0]), counts)
    order = np.lexsort((scores.indices, -np.abs(scores.data), rows))
    ranks = np.arange(len(order)) - np.repeat(scores.indptr[:-1], counts) + 1
    keep = order if k is None else order[ranks <= k]
    ranks = ranks if k is None else ranks[ranks <= k]
    return rows[keep], scores.indices[keep], scores.data[keep], ranks
