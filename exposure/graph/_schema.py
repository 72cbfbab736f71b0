"""The rules every knowledge graph obeys: node kinds, relations, and how impact flows along them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from exposure.errors import ArgumentError
from exposure.io import parse_date

NODE_KINDS: tuple[str, ...] = (
    "tag",
    "theme",
    "country",
    "region",
    "org",
    "system",
    "gics",
    "company",
    "security",
    "event",
)

Flow = Literal["forward", "backward", "exposure", "listing", "none"]


@dataclass(frozen=True, slots=True)
class Relation:
    """What an edge ``from_id -[relation]-> to_id`` may connect and how event impact uses it.

    ``flow`` says how impact travels: ``forward`` from ``from_id`` to ``to_id``; ``backward`` from
    ``to_id`` to ``from_id`` (a mentioned system reaches the company that makes it); ``exposure``
    from a theme to the exposed company, through the effective exposure table (explicit company
    data, else industry default, else roll-up of sub-themes); ``listing`` from a company to its
    securities at no hop cost; ``none`` is structure used for reporting only.
    """

    name: str
    from_kinds: frozenset[str]
    to_kinds: frozenset[str]
    min_weight: float
    max_weight: float
    flow: Flow
    meaning: str


def _relation(name, from_kinds, to_kinds, lo, hi, flow, meaning) -> Relation:
    return Relation(name, frozenset(from_kinds), frozenset(to_kinds), lo, hi, flow, meaning)


RELATIONS: dict[str, Relation] = {
    r.name: r
    for r in (
        _relation(
            "implies", ("tag", "theme", "country", "region", "org", "system", "gics", "event"), ("theme",),
            -1.0, 1.0, "forward",
            "news about the source moves the target theme; the sign is the direction. From an "
            "event type (``event:``) it is the type's effect on the theme, which the tagger applies "
            "directly to the theme when it reads that type in a clause",
        ),
        _relation(
            "subtheme_of", ("theme",), ("theme",), 0.0, 1.0, "forward",
            "the source theme is part of the target theme; weight is how much news about the "
            "child also counts as news about the parent",
        ),
        _relation(
            "exposed_to", ("company", "gics"), ("theme",), 0.0, 1.0, "exposure",
            "share of the issuer's revenue (or relevance) tied to the theme; on a gics node it is "
            "the industry default for companies without their own figure; an explicit 0 says "
            "'none' and overrides the default",
        ),
        _relation(
            "exposed_to_blend", ("company",), ("theme",), 0.0, 1.0, "none",
            "the company's exposure to the theme blended from its ``exposed_to`` prior and its returns' "
            "sensitivity to the theme's factor (``exposure.estimate``; source ``returns-blend``, with "
            "window and statistics in the note). Used in place of the prior only when asked "
            "(``compile(exposures=\"blend\")``, ``ImpactSettings(exposures=\"blend\")``)",
        ),
        _relation(
            "makes", ("company",), ("system",), 0.0, 1.0, "backward",
            "the company makes the system; weight is its share of the programme",
        ),
        _relation(
            "operates", ("country", "org"), ("system",), 0.0, 1.0, "none",
            "the country or organisation fields the system; weight is the system's share of its "
            "inventory. Used by the tagger: the operator named with a theme the system serves, "
            "in one sentence, activates the system",
        ),
        _relation(
            "listed_as", ("company",), ("security",), 1.0, 1.0, "listing",
            "the company's shares trade as the security",
        ),
        _relation(
            "classified_as", ("company",), ("gics",), 1.0, 1.0, "backward",
            "the company's GICS sub-industry; news about the industry reaches its members",
        ),
        _relation(
            "located_in", ("company", "country"), ("country", "region"), 1.0, 1.0, "none",
            "domicile of a company, or a country's region",
        ),
        _relation(
            "member_of", ("country",), ("org", "region"), 1.0, 1.0, "none",
            "membership of an alliance, bloc or regional grouping",
        ),
    )
}


def edge_dates(row: dict[str, str]) -> tuple[date | None, date | None, date | None]:
    """``as_of, valid_from, valid_to`` of an edge row (empty -> None).

    Dates go through :func:`exposure.io.parse_date`: ISO ``YYYY-MM-DD`` only; ``03/01/2022`` or
    ``20220301`` raise :class:`~exposure.errors.ArgumentError` (a ValueError) naming the field.

    >>> edge_dates({"as_of": "2024-12-31", "valid_from": "", "valid_to": "2025-06-30"})
    (datetime.date(2024, 12, 31), None, datetime.date(2025, 6, 30))
    """
    as_of, valid_from, valid_to = (parse_date(row.get(name, ""), field=name)
                                   for name in ("as_of", "valid_from", "valid_to"))
    return as_of, valid_from, valid_to


def edge_known_from(row: dict[str, str]) -> date | None:
    """``known_from`` of an edge row: the day its figure became public (empty -> None).

    Optional. An exposure figure from an annual report is known from its filing date, not from
    ``as_of`` (the fiscal year end it describes); :meth:`KnowledgeGraph.as_of` uses it to keep
    later knowledge out of a dated graph. ISO dates only, like :func:`edge_dates`.

    >>> edge_known_from({"as_of": "2024-12-31", "known_from": "2025-03-01"})
    datetime.date(2025, 3, 1)
    >>> edge_known_from({"as_of": "2024-12-31"}) is None
    True
    """
    return parse_date(row.get("known_from", ""), field="known_from")


def node_kind(node_id: str) -> str:
    """Return the kind of a namespaced node id, e.g. ``"theme"`` for ``"theme:counter-drone"``."""
    kind, sep, rest = node_id.partition(":")
    if not sep or not rest or kind not in NODE_KINDS:
        raise ArgumentError(
            f"node id {node_id!r} is not namespaced; write it as KIND:NAME with KIND one of "
            + ", ".join(NODE_KINDS)
        )
    return kind
