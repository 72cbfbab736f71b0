"""``evaluate``: score events with the graph and check the scores against realised abnormal returns."""

from __future__ import annotations

import bisect
import json
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from exposure.errors import ArgumentError, DataError, Reject
from exposure.events import Event, events_from_records, read_events
from exposure.evaluation._baseline import keyword_sector_scores, load_keyword_rules
from exposure.evaluation._metrics import DESCRIPTIONS, METRICS, event_metrics, paired_t
from exposure.graph import KnowledgeGraph, default_graph, strict_policy
from exposure.io import read_text

LABEL_FIELDS: tuple[str, ...] = ("category", "holdout")
"""Fields an evaluation events file may carry beside the :class:`Event` fields."""

APPROACHES: tuple[str, ...] = ("model", "keyword", "random")


def read_labelled_events(path: str | Path) -> tuple[list[Event], pd.DataFrame, list[Reject]]:
    """Events from a file, with the optional ``category`` and ``holdout`` labels of each.

    JSON Lines (or a JSON array) records may carry :data:`LABEL_FIELDS` beside the event fields;
    any other format is read by :func:`exposure.read_events` and gets no labels.

    Returns
    -------
    events : list of Event
    labels : DataFrame
        Indexed by ``event_id``: ``category`` (str or None) and ``holdout`` (bool).
    rejects : list of Reject

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "e.jsonl")
    >>> _ = open(path, "w").write('{"id": "a", "headline": "Oil jumps", "category": "oil", "holdout": true}\\n')
    >>> events, labels, rejects = read_labelled_events(path)
    >>> labels.at["a", "category"], bool(labels.at["a", "holdout"]), rejects
    ('oil', True, [])
    """
    path = Path(path)
    text = read_text(path)  # the readers' strict decoder: folders, binary and non-UTF-8 files refused
    stripped = text.lstrip()
    records: list[dict] | None = None
    if stripped.startswith("["):
        try:
            loaded = json.loads(stripped)
            records = loaded if isinstance(loaded, list) and all(isinstance(r, dict) for r in loaded) else None
        except (ValueError, RecursionError):  # malformed, too deep or a huge integer: read_events rejects per record
            records = None
    elif stripped.startswith("{"):
        try:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
            records = records if all(isinstance(r, dict) for r in records) else None
        except (ValueError, RecursionError):
            records = None
    if records is None:
        events, rejects = read_events(path)
        return events, _labels([{} for _ in events], events), rejects
    extras = [{k: r.pop(k) for k in LABEL_FIELDS if k in r} for r in records]
    events, rejects = events_from_records(records)
    rejected = {r.line for r in rejects}
    kept = [extra for number, extra in enumerate(extras, 1) if number not in rejected]
    return events, _labels(kept, events), rejects


def _labels(extras: Sequence[dict], events: Sequence[Event]) -> pd.DataFrame:
    frame = pd.DataFrame({
        "category": [None if e.get("category") is None else str(e["category"]) for e in extras],
        "holdout": [bool(e.get("holdout", False)) for e in extras],
    }, index=pd.Index([e.id for e in events], name="event_id"))
    return frame


@dataclass(frozen=True)
class EvaluationResult:
    """Per-event and overall metrics of graph scores against abnormal returns.

    Attributes
    ----------
    settings : dict
        ``market``, ``window``, ``estimation``, ``gap``, ``permutations``, ``seed``, ``graph_version``
        (of the graph given; events are scored with its as-of graphs), ``point_in_time`` and
        ``look_ahead_count`` (the largest look-ahead count of the graphs that scored the events:
        0 when strict, None with ``point_in_time="current"``).
    per_event : DataFrame
        One row per evaluated event: ``event_id``, ``category``, ``holdout``, ``event_day``,
        ``n_names`` (names with a CAR), ``n_scored`` (of them, scored by the graph),
        ``n_keyword`` (scored by the keyword baseline), ``look_ahead_count`` (of the graph that
        scored the event; missing with ``point_in_time="current"``), and for every metric ``<metric>_model``,
        ``<metric>_keyword``, ``<metric>_random`` (mean over permutations), ``<metric>_random_lo``
        and ``<metric>_random_hi`` (2.5% and 97.5% of the permutations).
    dropped : DataFrame
        ``event_id``, ``reason`` for every event left out.
    """

    settings: dict
    per_event: pd.DataFrame
    dropped: pd.DataFrame
    _random: np.ndarray = field(repr=False)  # (events, permutations, metrics)

    @cached_property
    def overall(self) -> pd.DataFrame:
        """Mean over events per metric: model, keyword, random (mean, 2.5%, 97.5% of the mean over
        events under permutation), paired differences model - keyword and model - random with t.
        """
        rows = []
        for m, metric in enumerate(METRICS):
            model = self.per_event[f"{metric}_model"].to_numpy(float)
            keyword = self.per_event[f"{metric}_keyword"].to_numpy(float)
            random = self.per_event[f"{metric}_random"].to_numpy(float)
            lo, hi = _band(_quiet(np.nanmean, self._random[:, :, m], axis=0)) if len(self.per_event) else (np.nan,) * 2
            d_kw, t_kw, n_kw = paired_t(model - keyword)
            d_rnd, t_rnd, n_rnd = paired_t(model - random)
            rows.append({
                "metric": metric, "model": _nanmean(model), "keyword": _nanmean(keyword),
                "random": _nanmean(random), "random_lo": float(lo), "random_hi": float(hi),
                "model_minus_keyword": d_kw, "t_vs_keyword": t_kw, "model_minus_random": d_rnd,
                "t_vs_random": t_rnd, "n_events": int(np.isfinite(model).sum()),
            })
        return pd.DataFrame(rows).set_index("metric")

    def subset(self, event_ids: Iterable[str]) -> EvaluationResult:
        """The same evaluation restricted to some events (overall figures recomputed)."""
        wanted = set(event_ids)
        keep = self.per_event["event_id"].isin(wanted).to_numpy()
        dropped = self.dropped[self.dropped["event_id"].isin(wanted)].reset_index(drop=True)
        return EvaluationResult(dict(self.settings), self.per_event[keep].reset_index(drop=True), dropped,
                                self._random[keep])

    def parts(self) -> dict[str, EvaluationResult]:
        """``{"all": self, "development": ..., "holdout": ...}`` (only ``"all"`` without holdout labels)."""
        parts = {"all": self}
        evaluated, dropped = self.per_event, self.dropped
        held = set(evaluated.loc[evaluated["holdout"], "event_id"]) | set(dropped.loc[dropped["holdout"], "event_id"])
        if held:
            every = set(evaluated["event_id"]) | set(dropped["event_id"])
            parts["development"] = self.subset(every - held)
            parts["holdout"] = self.subset(held)
        return parts

    def by_category(self) -> pd.DataFrame:
        """Mean model and keyword metrics per category, with the number of events."""
        if self.per_event["category"].isna().all():
            return pd.DataFrame()
        columns = [f"{m}_{a}" for m in ("hit10", "spearman_all", "long_short_bp") for a in ("model", "keyword")]
        table = self.per_event.groupby("category")[columns].mean()
        table.insert(0, "n_events", self.per_event.groupby("category").size())
        return table

    def summary(self, title: str = "all events") -> str:
        """Text table of the overall figures, then the dropped events."""
        s = self.settings
        head = (f"exposure evaluate: {title}: {len(self.per_event)} events evaluated, {len(self.dropped)} dropped; "
                f"CAR days {s['window'][0]}..{s['window'][1]}, market model vs {s['market']}, estimation "
                f"{s['estimation']}, gap {s['gap']}; random: {s['permutations']} permutations (seed {s['seed']}); "
                f"graph {s['graph_version']}{_point_in_time_text(s)}"
                + (", exposures blended with returns" if s.get("exposures") == "blend" else ""))
        table = self.overall
        lines = [head, f"{'metric':<16}{'model':>9}{'keyword':>9}{'random':>9}{'random 95%':>18}"
                       f"{'m-kw':>9}{'t':>7}{'m-rnd':>9}{'t':>7}{'n':>5}"]
        for metric, row in table.iterrows():
            fmt = _fmt(metric)
            band = f"[{fmt(row.random_lo)}, {fmt(row.random_hi)}]"
            lines.append(f"{metric:<16}{fmt(row.model):>9}{fmt(row.keyword):>9}{fmt(row.random):>9}{band:>18}"
                         f"{fmt(row.model_minus_keyword):>9}{row.t_vs_keyword:>7.2f}{fmt(row.model_minus_random):>9}"
                         f"{row.t_vs_random:>7.2f}{int(row.n_events):>5}")
        for row in self.dropped.itertuples(index=False):
            lines.append(f"  dropped {row.event_id}: {row.reason}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: settings, metric descriptions, overall, per_event, dropped (NaN as None)."""
        def records(frame: pd.DataFrame) -> list[dict]:
            return json.loads(frame.to_json(orient="records", date_format="iso"))

        overall = self.overall.reset_index()
        return {
            "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.settings.items()},
            "metrics": dict(DESCRIPTIONS),
            "overall": records(overall),
            "per_event": records(self.per_event),
            "dropped": records(self.dropped),
        }


def _point_in_time_text(settings: dict) -> str:
    policy = settings.get("point_in_time")
    if policy is None or policy == "current":
        return ""
    return f" as of each event's day ({policy}, {settings.get('look_ahead_count')} figures looked ahead)"


def _quiet(function, values: np.ndarray, **kwargs) -> np.ndarray:
    """``function`` (a NaN-aware reduction) without the warnings of all-NaN slices."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(values, **kwargs)


def _band(values: np.ndarray) -> tuple[float, float]:
    """2.5% and 97.5% of the finite values (NaN when there are none)."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return float("nan"), float("nan")
    lo, hi = np.percentile(finite, [2.5, 97.5])
    return float(lo), float(hi)


def _nanmean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if len(finite) else float("nan")


def _fmt(metric: str):
    if metric == "long_short_bp":
        return lambda v: "nan" if not np.isfinite(v) else f"{v:+.0f}"
    return lambda v: "nan" if not np.isfinite(v) else f"{v:+.3f}"


def evaluate(
    events: Iterable[Event] | str | Path,
    returns_or_prices: pd.DataFrame | str | Path,
    *,
    market: str = "SPY",
    window: tuple[int, int] = (0, 5),
    estimation: int = 250,
    gap: int = 10,
    graph: KnowledgeGraph | None = None,
    permutations: int = 200,
    seed: int = 0,
    kind: str = "auto",
    universe: Iterable[str] | None = None,
    labels: pd.DataFrame | None = None,
    keyword_rules: pd.DataFrame | None = None,
    point_in_time: str = "strict",
    exposures: str = "prior",
) -> EvaluationResult:
    """Score events with the graph and compare the scores with realised abnormal returns.

    For every event, every security in ``universe`` gets a CAR over ``window`` from a market-model
    event study (:func:`exposure.studies.event_study`: estimation ``estimation`` sessions ending
    ``gap`` sessions before the window, news at or after the close counted from the next
    session). The graph's scores (:func:`exposure.map_events`; names the graph does not score
    count 0), a keyword -> GICS sector baseline (:func:`keyword_sector_scores`) and
    ``permutations`` random permutations of the graph's scores across the same names are then
    measured with the metrics of :mod:`exposure.evaluation._metrics` (see :data:`METRICS`).

    Each event is scored with the graph as of its publication day (UTC), by default strict: an
    exposure figure published after that day is dropped and the company falls back to its
    industry default, so no score uses information the market did not have
    (:meth:`KnowledgeGraph.as_of`). Events whose days share one as-of graph are scored together.

    Parameters
    ----------
    events : iterable of Event, or path
        A path is read with :func:`read_labelled_events` (``category`` and ``holdout`` kept).
    returns_or_prices : DataFrame or path
        Date x ticker daily simple returns or prices (CSV or Parquet path, or a frame).
    market : str
        Market column for the market model.
    window : (int, int)
        CAR window in sessions relative to day 0.
    estimation, gap : int
        Estimation window length and gap, in sessions.
    graph : KnowledgeGraph, optional
        Default :func:`exposure.default_graph`.
    permutations : int
        Random permutations of the scores per event (0 for none).
    seed : int
        Seed of the permutations; same inputs and seed give the same result.
    kind : {"auto", "returns", "prices"}
        What ``returns_or_prices`` holds; ``auto`` reads prices when every value is positive and
        the median exceeds 0.5, else returns.
    universe : iterable of str, optional
        Names to evaluate over (default every column except the market's).
    labels : DataFrame, optional
        ``category`` and ``holdout`` per event id (overrides labels read from a path).
    keyword_rules : DataFrame, optional
        Baseline rules (default the bundled :func:`load_keyword_rules`).
    point_in_time : {"strict", "look-ahead", "current"}, default "strict"
        ``strict``: the as-of graph without later figures; ``look-ahead``: the as-of graph with
        them (counted in ``look_ahead_count``); ``current``: the graph as given, for every event.
    exposures : {"prior", "blend"}, default "prior"
        ``"blend"`` scores each event with exposures blended from the prior of the as-of graph of
        the first day of the event's month (UTC) and the returns before that day
        (:func:`exposure.estimate.blend_exposures` on ``returns_or_prices``; nothing from the
        event's month or later).

    Returns
    -------
    EvaluationResult

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> days = pd.bdate_range("2023-01-02", periods=300)
    >>> returns = pd.DataFrame(rng.normal(0, 0.01, (300, 3)), index=days, columns=["SPY", "XOM", "CVX"])
    >>> returns.loc[days[290:293], ["XOM", "CVX"]] += 0.02
    >>> event = Event(id="cut", headline="OPEC agrees deep oil output cut", tags=["Energy & Commodities"],
    ...               published_at=days[290].tz_localize("UTC") + pd.Timedelta(hours=13))
    >>> result = evaluate([event], returns, estimation=200, permutations=20)
    >>> bool(result.overall.loc["long_short_bp", "model"] > 100)  # oil names long, planted +6% over 3 days
    True
    """
    from exposure.studies import as_returns, event_study, read_prices

    first, last = int(window[0]), int(window[1])
    if last < first:
        raise ArgumentError(f"window={window}: the end comes before the start", field="window")
    if estimation < 3 or gap < 0:
        raise ArgumentError(f"estimation={estimation}, gap={gap}: use estimation >= 3 and gap >= 0",
                            field="estimation")
    if permutations < 0:
        raise ArgumentError(f"permutations={permutations}: use 0 or more", field="permutations")
    if point_in_time != "current":
        strict_policy(point_in_time)
    if isinstance(events, (str, Path)):
        events, read_labels, _ = read_labelled_events(events)
        labels = read_labels if labels is None else labels
    events = list(events)
    if isinstance(returns_or_prices, (str, Path)):
        returns_or_prices = read_prices(returns_or_prices)
    returns = as_returns(returns_or_prices, kind)
    if market not in returns.columns:
        raise DataError(f"market {market!r} is not among the returns", field="market",
                        fix="add the market's prices or returns, or pick another column with market=")
    graph = default_graph() if graph is None else graph
    names = sorted(dict.fromkeys(universe) if universe is not None else (c for c in returns.columns if c != market))
    names = [n for n in names if n != market]
    if labels is None:
        labels = _labels([{} for _ in events], events)
    labels = labels.reindex([e.id for e in events])

    dropped: list[dict] = []
    dated = []
    for event in events:
        if event.published_at is None:
            dropped.append({"event_id": event.id, "reason": "no published_at"})
        else:
            dated.append(event)
    study = event_study(returns, dated, market=market, model="market", window=(first, last),
                        estimation=estimation, gap=gap, tickers=[n for n in names if n in returns.columns])
    results = study.results
    if exposures not in ("prior", "blend"):
        raise ArgumentError(f"exposures={exposures!r}", field="exposures", fix="use 'prior' or 'blend'")
    if exposures == "blend":
        model_scores, look_ahead = _blended_scores(dated, graph, returns, market, point_in_time)
    else:
        model_scores, look_ahead = _scores_as_of(dated, graph, point_in_time)
    sectors = graph.securities["sector"].reindex(names)
    keyword_scores = keyword_sector_scores(dated, sectors, keyword_rules if keyword_rules is not None
                                           else load_keyword_rules())
    rng = np.random.default_rng(seed)
    by_event = {event_id: frame for event_id, frame in results.groupby("event_id", sort=False)}
    reasons = study.dropped.groupby("event_id")["reason"].agg(lambda r: r.value_counts().index[0]) \
        if len(study.dropped) else pd.Series(dtype=object)

    rows, random_blocks = [], []
    for event in dated:
        frame = by_event.get(event.id)
        if frame is None or frame.empty:
            reason = reasons.get(event.id, "no security has returns for the window")
            dropped.append({"event_id": event.id, "reason": f"no CAR for any security: {reason}"})
            continue
        frame = frame.sort_values("ticker")
        tickers = frame["ticker"].to_numpy()
        car = frame["car"].to_numpy(float)
        scar = frame["car_t"].to_numpy(float)
        model = model_scores.loc[event.id].reindex(tickers).fillna(0.0).to_numpy(float)
        if not (model != 0).any():
            dropped.append({"event_id": event.id, "reason": "the graph scores no security that has a CAR"})
            continue
        keyword = keyword_scores.loc[event.id].reindex(tickers).fillna(0.0).to_numpy(float)
        values = event_metrics(np.vstack([model, keyword]), car, scar)
        if permutations:
            shuffled = rng.permuted(np.broadcast_to(model, (permutations, len(model))), axis=1)
            random = event_metrics(shuffled, car, scar)
        else:
            random = np.full((0, len(METRICS)), np.nan)
        random_blocks.append(random)
        row = {"event_id": event.id, "category": labels.at[event.id, "category"],
               "holdout": bool(labels.at[event.id, "holdout"]) if pd.notna(labels.at[event.id, "holdout"]) else False,
               "event_day": pd.Timestamp(frame["event_day"].iloc[0]).strftime("%Y-%m-%d"),
               "n_names": len(tickers), "n_scored": int((model != 0).sum()), "n_keyword": int((keyword != 0).sum()),
               "look_ahead_count": look_ahead.get(event.id)}
        if permutations:
            mean = _quiet(np.nanmean, random, axis=0)
            lo, hi = _quiet(np.nanpercentile, random, q=[2.5, 97.5], axis=0)
        else:
            mean = lo = hi = np.full(len(METRICS), np.nan)
        for m, metric in enumerate(METRICS):
            row[f"{metric}_model"] = values[0, m]
            row[f"{metric}_keyword"] = values[1, m]
            row[f"{metric}_random"] = mean[m]
            row[f"{metric}_random_lo"] = lo[m]
            row[f"{metric}_random_hi"] = hi[m]
        rows.append(row)

    columns = ["event_id", "category", "holdout", "event_day", "n_names", "n_scored", "n_keyword",
               "look_ahead_count"] + [
        f"{m}_{a}" for m in METRICS for a in ("model", "keyword", "random", "random_lo", "random_hi")]
    per_event = pd.DataFrame(rows, columns=columns)
    per_event["holdout"] = per_event["holdout"].astype(bool)
    per_event["look_ahead_count"] = per_event["look_ahead_count"].astype("Int64")
    dropped_frame = pd.DataFrame(dropped, columns=["event_id", "reason"])
    dropped_frame["category"] = labels["category"].reindex(dropped_frame["event_id"]).to_numpy()
    held = labels["holdout"].reindex(dropped_frame["event_id"]).fillna(False)
    dropped_frame["holdout"] = held.astype(bool).to_numpy()
    random_array = (np.stack(random_blocks) if random_blocks and permutations
                    else np.full((len(rows), max(permutations, 1), len(METRICS)), np.nan))
    settings = {"market": market, "window": (first, last), "estimation": estimation, "gap": gap,
                "permutations": permutations, "seed": seed, "graph_version": graph.version,
                "point_in_time": point_in_time,
                "look_ahead_count": max(look_ahead.values(), default=0) if point_in_time != "current" else None,
                "names": len(names), "exposures": exposures}
    return EvaluationResult(settings, per_event, dropped_frame, random_array)


def _scores_as_of(events: list[Event], graph: KnowledgeGraph, point_in_time: str
                  ) -> tuple[pd.DataFrame, dict[str, int | None]]:
    """Event id x ticker scores, each event scored with the graph of its day; look-ahead per event.

    As-of graphs only change on :attr:`KnowledgeGraph.change_dates`, so events are grouped by the
    span their day falls in and each distinct graph is compiled once.
    """
    from exposure.impact import map_events

    if not events:
        return pd.DataFrame(), {}
    if point_in_time == "current":
        return map_events(events, graph).matrix, {event.id: graph.look_ahead_count for event in events}
    strict = strict_policy(point_in_time)
    breaks = graph.change_dates
    spans: dict[int, list[Event]] = {}
    days: dict[int, str] = {}
    for event in events:
        day = event.published_at.astimezone(UTC).date().isoformat()
        span = bisect.bisect_right(breaks, day)
        spans.setdefault(span, []).append(event)
        days.setdefault(span, day)
    frames, look_ahead = [], {}
    for span, members in spans.items():
        dated = graph.as_of(days[span], strict=strict)
        frames.append(map_events(members, dated).matrix)
        look_ahead.update({event.id: dated.look_ahead_count for event in members})
    return pd.concat(frames).fillna(0.0), look_ahead


def _blended_scores(events: list[Event], graph: KnowledgeGraph, returns: pd.DataFrame, market: str,
                    point_in_time: str) -> tuple[pd.DataFrame, dict[str, int | None]]:
    """As :func:`_scores_as_of`, with exposures blended as of the first day of each event's month (UTC)."""
    from exposure.estimate import blend_exposures
    from exposure.impact import ImpactSettings, map_events

    months: dict[str, list[Event]] = {}
    for event in events:
        months.setdefault(event.published_at.astimezone(UTC).strftime("%Y-%m-01"), []).append(event)
    frames, look_ahead = [], {}
    for month, batch in sorted(months.items()):
        blended = blend_exposures(graph, returns, as_of=month, market=market, point_in_time=point_in_time)
        frames.append(map_events(batch, blended.to_graph(), settings=ImpactSettings(exposures="blend")).matrix)
        look_ahead.update({event.id: blended.prior_graph.look_ahead_count for event in batch})
    if not frames:
        return pd.DataFrame(), {}
    return pd.concat(frames).fillna(0.0), look_ahead
