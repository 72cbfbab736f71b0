"""Map events onto securities: tag, activate, one sparse product, explanations on request."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from exposure.errors import ArgumentError, UnknownConceptError
from exposure.events import Event
from exposure.graph import CompiledGraph, KnowledgeGraph, default_graph
from exposure.impact._activation import activation_matrix, concept_activations
from exposure.impact._batch import score_events, theme_scores
from exposure.impact._explain import Walk, walks
from exposure.tagging import TaggedEvent, tag_event
from exposure.tagging._gazetteer import mentions_frame


class ImpactSettings(BaseModel):
    """How mentions turn into impact scores.

    A value out of range is an :class:`~exposure.errors.ArgumentError` naming the setting:

    >>> try:
    ...     ImpactSettings(decay=2)
    ... except ArgumentError as err:
    ...     print(err.field, "|", err.fix)
    decay | give a valid decay (factor applied at every step through the graph)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __init__(self, **settings) -> None:
        try:
            super().__init__(**settings)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            field = ".".join(str(part) for part in first["loc"]) or None
            known = type(self).model_fields
            if first["type"] == "extra_forbidden":
                raise ArgumentError(f"unknown setting (got {first['input']!r})", where="ImpactSettings",
                                    field=field, fix=f"use only {', '.join(known)}") from None
            hint = known[field].description if field in known else None
            raise ArgumentError(f"{first['msg']} (got {first['input']!r})", where="ImpactSettings", field=field,
                                fix=f"give a valid {field} ({hint})" if hint else None) from None

    decay: float = Field(0.5, gt=0, le=1, description="factor applied at every step through the graph")
    max_hops: int = Field(4, ge=1, le=8, description="longest walk, in steps, from a mention to a company")
    tag_confidence: float = Field(
        1.0, gt=0, le=1,
        description="confidence of a known vendor category tag when the text names no concept of its own; "
        "with n topical concepts named (places and category words aside) a tag counts "
        "tag_confidence * 2 / (2 + n): broad tags weigh little beside specific text (see exposure.tagging.tag_event)",
    )
    vendor_ticker_prior: float = Field(
        0.05, ge=0, le=1, description="confidence of a vendor ticker chip; low so it cannot dominate"
    )
    materiality: float = Field(
        0.1, ge=0, lt=1,
        description="a security whose |score| is under this share of the event's largest |score| is reported as 0: "
        "an event's weak side paths (a broad tag's theme, a fourth hop) carry its noise, not its news; 0 keeps "
        "every score",
    )
    exposures: Literal["prior", "blend"] = Field(
        "prior",
        description="'prior': the graph's revenue-based exposures; 'blend': those blended with returns-based "
        "evidence, which the graph must carry (exposure.estimate.blend_exposures(...).to_graph())",
    )


def _path_text(walk: Walk, labels: pd.Series) -> str:
    if walk.left_out:
        return f"other walks: {walk.left_out:,} smaller walks not listed, {walk.contribution:+.6g} in all"
    parts = [str(labels.get(walk.start, walk.start))]
    for step in walk.steps:
        parts.append(f"-[{step.relation} {step.weight:+.2f}]-> {labels.get(step.to_id, step.to_id)}")
    return " ".join(parts)


class EventImpacts:
    """Impact of a batch of events on every security, with themes and explanations.

    Scores are signed: positive means the event should help the security, negative hurt it. A
    score is the sum over walks through the graph, so :meth:`explain` adds up to it exactly (up to
    floating-point rounding).

    Attributes
    ----------
    events : list of Event
    graph_version : str
    look_ahead_count : int or None
        Figures of an as-of graph used although known only after its date
        (:attr:`KnowledgeGraph.look_ahead_count`; None for a graph that is not dated).
    settings : ImpactSettings
    """

    def __init__(
        self,
        events: Sequence[Event],
        tagged: Sequence[TaggedEvent],
        activations: Sequence[dict[str, float]],
        graph: KnowledgeGraph,
        compiled: CompiledGraph,
        settings: ImpactSettings,
    ) -> None:
        self.events = list(events)
        self.graph = graph
        self.graph_version = graph.version
        self.look_ahead_count = graph.look_ahead_count
        self.settings = settings
        self._tagged = list(tagged)
        self._activations = list(activations)
        self._compiled = compiled
        self._index = {e.id: i for i, e in enumerate(self.events)}
        x = activation_matrix(self._activations, compiled.concepts)
        self._scores = score_events(x, compiled, materiality=settings.materiality)
        self._theme_scores = theme_scores(x, compiled)

    def __len__(self) -> int:
        return len(self.events)

    def __repr__(self) -> str:
        return (f"EventImpacts(events={len(self.events)}, securities={len(self._compiled.securities)}, "
                f"graph_version={self.graph_version!r}, look_ahead_count={self.look_ahead_count!r})")

    @property
    def scores(self) -> sp.csr_array:
        """Scores as a sparse events x securities matrix (rows: :attr:`events`, columns: :attr:`tickers`)."""
        return self._scores

    @cached_property
    def tickers(self) -> pd.Index:
        """Column order of :attr:`scores` and :attr:`matrix`."""
        return pd.Index([s.removeprefix("security:") for s in self._compiled.securities], name="ticker")

    @cached_property
    def matrix(self) -> pd.DataFrame:
        """Scores as a dense DataFrame: event id x ticker (for large batches use :attr:`scores`)."""
        return pd.DataFrame(self._scores.toarray(), index=pd.Index([e.id for e in self.events], name="event_id"),
                            columns=self.tickers)

    @cached_property
    def theme_matrix(self) -> pd.DataFrame:
        """Theme activations: event id x theme id."""
        return pd.DataFrame(self._theme_scores.toarray(),
                            index=pd.Index([e.id for e in self.events], name="event_id"),
                            columns=pd.Index(self._compiled.themes, name="theme"))

    def _row(self, matrix: sp.csr_array, labels: pd.Index, position: int) -> pd.Series:
        """Non-zero entries of one row of a sparse result, as a Series."""
        start, end = matrix.indptr[position], matrix.indptr[position + 1]
        return pd.Series(matrix.data[start:end], index=labels[matrix.indices[start:end]])

    @cached_property
    def mentions(self) -> pd.DataFrame:
        """Every mention found: event_id, concept, text, span, confidence, origin."""
        return mentions_frame((t.event.id, m) for t in self._tagged for m in t.mentions)

    def unresolved(self, event_id: str) -> dict[str, list[str]]:
        """Vendor tags, ticker chips and pre-tagged ids the graph does not know, for one event."""
        tagged = self._tagged[self._position(event_id)]
        return {"tags": list(tagged.unknown_tags), "vendor_tickers": list(tagged.unknown_tickers),
                "entities": list(tagged.unknown_entities)}

    def _position(self, event_id: str | None) -> int:
        if event_id is None:
            if len(self.events) != 1:
                raise ArgumentError("several events were mapped; name one with event_id=")
            return 0
        if event_id not in self._index:
            raise UnknownConceptError(f"no mapped event {event_id!r}", fix="use one of result.matrix.index")
        return self._index[event_id]

    def top(self, event_id: str | None = None, n: int | None = 10, *, paths: int = 3) -> pd.DataFrame:
        """Securities with the largest absolute impact of one event, with their top walks.

        Parameters
        ----------
        event_id : str, optional
            Needed when several events were mapped.
        n : int or None, default 10
            How many securities; None for every security with a non-zero score.
        paths : int, default 3
            How many of the largest walks to show per security.

        Returns
        -------
        DataFrame
            ticker, company, sector, country, score, paths (list of str), ordered by |score|
            descending then ticker, so names hurt by the event appear beside names helped.
        """
        row = self._position(event_id)
        scores = self._row(self._scores, self.tickers, row)
        order = sorted(scores.index, key=lambda t: (-abs(scores[t]), t))
        chosen = order if n is None else order[:n]
        info = self.graph.securities.reindex(chosen)
        explained = walks(self._compiled, self._activations[row], [f"security:{t}" for t in chosen],
                          scores={f"security:{t}": float(scores[t]) for t in chosen})
        labels = self.graph.nodes["label"]
        frame = pd.DataFrame({
            "ticker": chosen,
            "company": info["company"].to_numpy(),
            "sector": info["sector"].to_numpy(),
            "country": info["country"].to_numpy(),
            "score": scores.reindex(chosen).to_numpy(float),
            "paths": [[_path_text(w, labels) for w in explained.get(f"security:{t}", [])[:paths]] for t in chosen],
        })
        return frame

    def themes(self, event_id: str | None = None, n: int | None = 10) -> pd.DataFrame:
        """Themes the event activates most: theme, label, score (signed)."""
        row = self._row(self._theme_scores, self._compiled.themes, self._position(event_id))
        order = sorted(row.index, key=lambda t: (-abs(row[t]), t))
        order = order if n is None else order[:n]
        labels = self.graph.nodes["label"]
        return pd.DataFrame({"theme": order, "label": [labels[t] for t in order],
                             "score": row.reindex(order).to_numpy(float)})

    def explain(self, ticker: str, event_id: str | None = None, top: int | None = None) -> pd.DataFrame:
        """The walks behind one security's score, largest first; ``contribution`` sums to the score.

        A security reached by more than ``impact.MAX_WALKS`` walks (a graph with cycles) lists its
        largest walks and a last line ``other walks`` holding the rest, so the sum still holds. A
        security whose score is immaterial (under ``settings.materiality`` of the event's largest)
        lists the walks that reached it and a last line ``materiality`` that takes their sum to 0.

        Returns
        -------
        DataFrame
            start (mentioned concept), mentioned_as (the words, tags or chips that activated it, with
            the rule that set a mention's sign in brackets: ``TSMC [fortune: fell]``),
            activation, hops, path (readable), contribution, share (of the score), and
            ``steps``: relation, weight, basis and source of every edge.
        """
        row = self._position(event_id)
        security = ticker if ticker.startswith("security:") else f"security:{ticker}"
        known = security in self._compiled.securities
        column = self._compiled.securities.get_loc(security) if known else None
        score = float(self._scores[row, column]) if known else 0.0
        raw = score
        if known and not score and self.settings.materiality:
            x = activation_matrix(self._activations[row:row + 1], self._compiled.concepts)
            raw = float(score_events(x, self._compiled)[0, column])
        found = walks(self._compiled, self._activations[row], [security], scores={security: raw}).get(security, [])
        labels = self.graph.nodes["label"]
        chosen = found if top is None else found[:top]
        said: dict[str, list[str]] = {}
        for mention in self._tagged[row].mentions:
            words = said.setdefault(mention.concept, [])
            said_as = f"{mention.text} [{mention.rule}]" if mention.rule else mention.text
            if said_as not in words:
                words.append(said_as)
        frame = pd.DataFrame({
            "start": [w.start for w in chosen],
            "mentioned_as": [said.get(w.start, []) for w in chosen],
            "activation": [w.activation for w in chosen],
            "hops": [len(w.steps) for w in chosen],
            "path": [_path_text(w, labels) for w in chosen],
            "contribution": [w.contribution for w in chosen],
            "share": [w.contribution / score if score else np.nan for w in chosen],
            "steps": [[{"from": s.from_id, "to": s.to_id, "relation": s.relation, "weight": s.weight,
                        "basis": s.basis, "source": s.source, "via": s.via} for s in w.steps] for w in chosen],
        })
        if raw == score:
            return frame
        # An immaterial score is reported as 0: a last line takes the walks' sum back to it.
        cut = {"start": "materiality", "mentioned_as": [], "activation": 0.0, "hops": 0,
               "path": f"below materiality: {raw:+.6g} is under {self.settings.materiality:.0%} of the event's "
                       "largest |score|, so the score is 0", "contribution": -raw, "share": np.nan, "steps": []}
        return pd.concat([frame, pd.DataFrame([cut])], ignore_index=True)

    def to_dict(self, top: int | None = 10, paths: int = 3) -> dict[str, object]:
        """JSON-ready: ``{"graph_version", "look_ahead_count", "events": [{"id", "headline", "themes", ...}]}``."""
        events = []
        for event in self.events:
            impacts = self.top(event.id, top, paths=paths)
            themes = self.themes(event.id, None)
            events.append({
                "id": event.id,
                "headline": event.headline,
                "market_impact": event.market_impact,
                "themes": [{"theme": t, "label": lab, "score": s} for t, lab, s in themes.itertuples(index=False)],
                "impacts": [
                    {"ticker": r.ticker, "company": r.company, "sector": r.sector, "country": r.country,
                     "score": r.score, "paths": r.paths}
                    for r in impacts.itertuples(index=False)
                ],
                "unresolved": self.unresolved(event.id),
            })
        return {"graph_version": self.graph_version, "look_ahead_count": self.look_ahead_count,
                "settings": self.settings.model_dump(), "events": events}


def map_events(
    events: Event | Iterable[Event],
    graph: KnowledgeGraph | None = None,
    settings: ImpactSettings | None = None,
) -> EventImpacts:
    """Score every security of the graph against each event.

    Parameters
    ----------
    events : Event or iterable of Event
    graph : KnowledgeGraph, optional
        Default: the graph shipped with the package.
    settings : ImpactSettings, optional

    Returns
    -------
    EventImpacts

    Examples
    --------
    >>> import exposure as ex
    >>> impacts = ex.map_events(ex.datasets.load_seed_article())
    >>> impacts.top(n=3)[["ticker", "score"]].shape
    (3, 2)
    """
    graph = default_graph() if graph is None else graph
    settings = settings or ImpactSettings()
    batch = [events] if isinstance(events, Event) else list(events)
    compiled = graph.compile(decay=settings.decay, max_hops=settings.max_hops, exposures=settings.exposures)
    tagged = [tag_event(e, graph, tag_confidence=settings.tag_confidence,
                        vendor_ticker_prior=settings.vendor_ticker_prior) for e in batch]
    activations = [concept_activations(t.mentions, t.event.market_impact) for t in tagged]
    return EventImpacts(batch, tagged, activations, graph, compiled, settings)
