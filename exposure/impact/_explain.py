"""Explanations: the walks through the graph that add up to an impact score.

The impact operator sums over every walk of at most ``max_hops`` steps; this module enumerates
the same walks for one event, so the contributions of a security's walks add up to its score.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from exposure.graph import CompiledGraph


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
    """A walk from a mentioned concept to a security and its share of the security's score."""

    security: str
    start: str
    activation: float
    steps: tuple[Step, ...]
    contribution: float


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


def walks(
    compiled: CompiledGraph,
    activations: dict[str, float],
    securities: Iterable[str] | None = None,
) -> dict[str, list[Walk]]:
    """Every walk from the activated concepts to (the chosen) securities.

    Parameters
    ----------
    compiled : CompiledGraph
    activations : dict
        Concept id -> activation (market impact x confidence).
    securities : iterable of str, optional
        Security ids to explain; default all reached.

    Returns
    -------
    dict
        Security id -> walks; ``sum(w.contribution)`` equals the security's impact score.
    """
    steps_from, listings = adjacency(compiled)
    wanted = None if securities is None else set(securities)
    found: dict[str, list[Walk]] = {}
    decay, max_hops = compiled.decay, compiled.max_hops

    def visit(start: str, activation: float, node: str, value: float, path: tuple[Step, ...]) -> None:
        for security in listings.get(node, ()):
            if wanted is None or security in wanted:
                found.setdefault(security, []).append(Walk(security, start, activation, path, value))
        if len(path) == max_hops:
            return
        for step in steps_from.get(node, ()):
            visit(start, activation, step.to_id, value * (decay * step.weight), (*path, step))

    for concept, activation in activations.items():
        visit(concept, activation, concept, activation, ())
    for items in found.values():
        items.sort(key=lambda w: (-abs(w.contribution), w.start, len(w.steps)))
    return found
