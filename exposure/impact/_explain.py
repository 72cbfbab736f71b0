"""Explanations: the walks through the graph that add up to an impact score.

The impact operator sums over every walk of at most ``max_hops`` steps; this module enumerates
the same walks for one event, so the contributions of a security's walks add up to its score.

A graph with cycles can have more walks than anyone could read (a clique of 40 themes has 40^4
walks of four steps from each theme). A security reached by more than ``max_walks`` walks gets
its largest walks, found best first (a walk's size can only shrink as it goes on, since every step
multiplies by ``|decay * weight| <= 1``), and one remainder line, ``other_walks``, that holds the
rest exactly: the walks still add up to the score.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from exposure.errors import ArgumentError
from exposure.graph import CompiledGraph

MAX_WALKS = 1_000
MAX_EXPANSIONS = 50_000


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a walk, in the direction impact travelled."""

    from_id: str
    to_id: str
    relation: str
    weight: float
    basis: str
    source: str
    via: str


@dataclass(frozen=True, slots=True)
class Walk:
    """A walk from a mentioned concept to a security and its share of the security's score.

    A remainder line (``left_out > 0``) stands for the ``left_out`` walks not listed: its
    ``start`` is empty, it has no steps, and its ``contribution`` is the score minus the walks listed.
    """

    security: str
    start: str
    activation: float
    steps: tuple[Step, ...]
    contribution: float
    left_out: int = 0


def adjacency(compiled: CompiledGraph) -> dict[str, list[Step]]:
    """Outgoing steps of every concept (built once per compiled graph)."""
    cached = compiled.__dict__.get("_adjacency")
    if cached is None:
        cached = {}
        for row in compiled.steps.itertuples(index=False):
            cached.setdefault(row.from_id, []).append(
                Step(row.from_id, row.to_id, row.relation, float(row.weight), row.basis, row.source, row.via)
            )
        listings: dict[str, list[str]] = {}
        for company, security in compiled.listings.itertuples(index=False):
            listings.setdefault(company, []).append(security)
        cached = (cached, listings)
        object.__setattr__(compiled, "_adjacency", cached)
    return cached


def _pattern(matrix: sp.csr_array) -> sp.csr_array:
    ones = sp.csr_array(matrix, copy=True)
    ones.data = np.ones_like(ones.data, dtype=float)
    return ones


def walk_counts(compiled: CompiledGraph, activations: Mapping[str, float]) -> dict[str, float]:
    """Number of walks from the activated concepts to each security reached (a float: it can be huge).

    Examples
    --------
    >>> import exposure as ex
    >>> compiled = ex.default_graph().compile()
    >>> walk_counts(compiled, {"theme:counter-drone": 1.0})["security:KOG.OL"] > 0
    True
    """
    positions = compiled.concept_positions(activations)
    positions = positions[positions >= 0]
    start = sp.csr_array((np.ones(len(positions)), (np.zeros(len(positions), dtype=int), positions)),
                         shape=(1, len(compiled.concepts)))
    steps = _pattern(compiled.step_operator)
    total = reach = start
    for _ in range(compiled.max_hops):
        reach = sp.csr_array(reach @ steps)
        total = total + reach
    counts = sp.csr_array(total @ _pattern(compiled.listing)).toarray().ravel()
    reached = np.flatnonzero(counts)
    return dict(zip(compiled.securities[reached], counts[reached].tolist()))


def _hops_to(compiled: CompiledGraph, securities: set[str]) -> dict[str, int]:
    """Concept -> fewest steps from it to a company listing one of the securities (within max_hops)."""
    columns = compiled.securities.get_indexer(sorted(securities))
    target = np.zeros(len(compiled.securities))
    target[columns[columns >= 0]] = 1.0
    near = np.asarray(compiled.listing @ target) > 0
    steps = _pattern(compiled.step_operator)
    hops = np.where(near, 0, compiled.max_hops + 1)
    for k in range(1, compiled.max_hops + 1):
        near = np.asarray(steps @ near.astype(float)) > 0
        hops = np.where(near & (hops > k), k, hops)
    reached = np.flatnonzero(hops <= compiled.max_hops)
    return dict(zip(compiled.concepts[reached], hops[reached].tolist()))


def walks(
    compiled: CompiledGraph,
    activations: dict[str, float],
    securities: Iterable[str] | None = None,
    *,
    max_walks: int | None = MAX_WALKS,
    scores: Mapping[str, float] | None = None,
) -> dict[str, list[Walk]]:
    """Every walk from the activated concepts to (the chosen) securities, or the largest ones.

    Parameters
    ----------
    compiled : CompiledGraph
    activations : dict
        Concept id -> activation (market impact x confidence).
    securities : iterable of str, optional
        Security ids to explain; default all reached.
    max_walks : int or None, default 1,000
        Most walks listed per security. A security reached by more walks gets its largest ones
        (best first, within ``MAX_EXPANSIONS`` walk prefixes in all) and a last remainder line
        (``left_out`` > 0) holding the others. None lists every walk.
    scores : mapping, optional
        Security id -> score the remainder lines complete (default: computed from the operator).

    Returns
    -------
    dict
        Security id -> walks, largest first; ``sum(w.contribution)`` equals the security's score.

    Examples
    --------
    >>> import exposure as ex
    >>> compiled = ex.default_graph().compile()
    >>> found = walks(compiled, {"theme:counter-drone": 0.5}, ["security:KOG.OL"], max_walks=2)
    >>> [w.left_out > 0 for w in found["security:KOG.OL"]]
    [False, False, True]
    """
    if max_walks is not None and max_walks < 1:
        raise ArgumentError(f"max_walks must be at least 1 or None, got {max_walks}", field="max_walks")
    wanted = None if securities is None else set(securities)
    counts = walk_counts(compiled, activations)
    reached = set(counts) if wanted is None else wanted & set(counts)
    capped = set() if max_walks is None else {s for s in reached if counts[s] > max_walks}
    found = _every_walk(compiled, activations, reached - capped)
    if capped:
        largest = _largest_walks(compiled, activations, capped, max_walks)
        score_of = dict(scores or {})
        missing = capped - set(score_of)
        if missing:
            score_of.update(_scores(compiled, activations, missing))
        for security in sorted(capped):
            listed = largest.get(security, [])
            rest = score_of.get(security, 0.0) - sum(w.contribution for w in listed)
            left_out = int(min(counts[security], 2.0**62)) - len(listed)
            found[security] = [*listed, Walk(security, "", 0.0, (), rest, max(left_out, 1))]
    return found


def _every_walk(compiled: CompiledGraph, activations: dict[str, float], wanted: set[str]) -> dict[str, list[Walk]]:
    """Every walk to the wanted securities, by depth-first search (prefixes that cannot reach one
    of them in the steps left are not followed)."""
    found: dict[str, list[Walk]] = {}
    if not wanted:
        return found
    steps_from, listings = adjacency(compiled)
    hops_to = _hops_to(compiled, wanted)
    decay, max_hops = compiled.decay, compiled.max_hops

    def visit(start: str, activation: float, node: str, value: float, path: tuple[Step, ...]) -> None:
        for security in listings.get(node, ()):
            if security in wanted:
                found.setdefault(security, []).append(Walk(security, start, activation, path, value))
        if len(path) == max_hops:
            return
        left = max_hops - len(path) - 1
        for step in steps_from.get(node, ()):
            if hops_to.get(step.to_id, left + 1) <= left:
                visit(start, activation, step.to_id, value * (decay * step.weight), (*path, step))

    for concept, activation in activations.items():
        if hops_to.get(concept, max_hops + 1) <= max_hops:
            visit(concept, activation, concept, activation, ())
    for items in found.values():
        items.sort(key=lambda w: (-abs(w.contribution), w.start, len(w.steps)))
    return found


def _largest_walks(compiled: CompiledGraph, activations: dict[str, float], wanted: set[str],
                   limit: int) -> dict[str, list[Walk]]:
    """Up to ``limit`` largest walks to each wanted security: best-first over walk prefixes by size."""
    steps_from, listings = adjacency(compiled)
    hops_to = _hops_to(compiled, wanted)
    decay, max_hops = compiled.decay, compiled.max_hops
    found: dict[str, list[Walk]] = {}
    open_securities = set(wanted)
    queue: list = []
    order = 0
    for concept, activation in activations.items():
        if hops_to.get(concept, max_hops + 1) <= max_hops:
            queue.append((-abs(activation), order, concept, activation, concept, activation, ()))
            order += 1
    heapq.heapify(queue)
    expansions = 0
    while queue and open_securities and expansions < MAX_EXPANSIONS:
        _, _, start, activation, node, value, path = heapq.heappop(queue)
        expansions += 1
        for security in listings.get(node, ()):
            if security in open_securities:
                walks_so_far = found.setdefault(security, [])
                walks_so_far.append(Walk(security, start, activation, path, value))
                if len(walks_so_far) == limit:
                    open_securities.discard(security)
        if len(path) == max_hops:
            continue
        left = max_hops - len(path) - 1
        for step in steps_from.get(node, ()):
            if hops_to.get(step.to_id, left + 1) <= left:
                after = value * (decay * step.weight)
                heapq.heappush(queue, (-abs(after), order, start, activation, step.to_id, after, (*path, step)))
                order += 1
    for items in found.values():
        items.sort(key=lambda w: (-abs(w.contribution), w.start, len(w.steps)))
    return found


def _scores(compiled: CompiledGraph, activations: dict[str, float], securities: set[str]) -> dict[str, float]:
    positions = compiled.concept_positions(activations)
    keep = positions >= 0
    values = np.array(list(activations.values()), dtype=float)[keep]
    row = sp.csr_array((values, (np.zeros(keep.sum(), dtype=int), positions[keep])),
                       shape=(1, len(compiled.concepts)))
    scores = np.asarray(compiled.left_multiply(row, dense=True)).ravel()
    return {s: float(scores[compiled.securities.get_loc(s)]) for s in securities}
