"""Map a Dask DataFrame of events partition by partition, with the function the single-machine path uses.

Each partition goes through :func:`~exposure.streams.map_event_frame` once; the five tables of
:class:`~exposure.streams.MappedEvents` are lazy Dask DataFrames cut from that one result. The
graph and the portfolios enter the task graph once, as a single key every partition depends on,
so a worker receives them once and reuses the same objects (and the operators compiled on them)
for every partition it maps. Dask is optional (``pip install "exposure[dask]"``) and only
imported when these functions are called.
"""

from __future__ import annotations

import ast
import functools
import math
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import pandas as pd

from exposure.analytics import PortfolioSet
from exposure.events import Event, events_from_frame
from exposure.graph import KnowledgeGraph, default_graph, strict_policy
from exposure.impact import ImpactSettings
from exposure.streams._mapping import SCHEMAS, MappedEvents, empty_table, map_event_frame
from exposure.streams._series import UndatedEventsWarning, exposure_series, theme_intensity

if TYPE_CHECKING:
    import dask.dataframe as dd

GraphSource = KnowledgeGraph | str | os.PathLike | Sequence[str | os.PathLike] | Any | None
LIST_FIELDS = tuple(name for name, f in Event.model_fields.items() if isinstance(f.default, tuple))


def _rejects_meta() -> pd.DataFrame:
    return pd.concat([pd.DataFrame({"partition": pd.Series(dtype="int64")}), empty_table("rejects")], axis=1)


def _meta(name: str) -> pd.DataFrame:
    return _rejects_meta() if name == "rejects" else empty_table(name)


def _dask() -> tuple[Any, Any]:
    try:
        import dask
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError('exposure\'s Dask functions need Dask: pip install "exposure[dask]"') from exc
    return dask, dd


@dataclass(frozen=True)
class DaskMappedEvents:
    """The tables of :class:`~exposure.streams.MappedEvents` as lazy Dask DataFrames.

    Attributes
    ----------
    events, impacts, themes, exposures : dask.dataframe.DataFrame
        Same columns and dtypes as in :class:`~exposure.streams.MappedEvents`, one partition per
        partition of the events.
    rejects : dask.dataframe.DataFrame
        ``partition, line, reason, record``: a partition does not know where it starts in its
        file, so a refused row is located by its partition number and its row within the
        partition (``line``, the first row is 1).

    Notes
    -----
    The five tables share their mapping tasks: compute them together (:meth:`compute`,
    :meth:`persist` or ``dask.compute(...)``), not one after the other, or each computation maps
    the events again.
    """

    events: dd.DataFrame
    impacts: dd.DataFrame
    themes: dd.DataFrame
    exposures: dd.DataFrame
    rejects: dd.DataFrame

    def tables(self) -> dict[str, dd.DataFrame]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def compute(self, **kwargs: Any) -> MappedEvents:
        """All tables in one computation, as pandas (``rejects`` keeps its ``partition`` column)."""
        dask, _ = _dask()
        computed = dask.compute(*self.tables().values(), **kwargs)
        tables = {name: frame.reset_index(drop=True) for name, frame in zip(self.tables(), computed, strict=True)}
        return MappedEvents(**tables)

    def persist(self, **kwargs: Any) -> DaskMappedEvents:
        """All tables in one computation, kept in the cluster's memory for later use."""
        dask, _ = _dask()
        return DaskMappedEvents(*dask.persist(*self.tables().values(), **kwargs))


def _as_list(cell: object) -> object:
    if isinstance(cell, str) and cell[:1] in "[(" and cell[-1:] in "])":
        try:
            value = ast.literal_eval(cell)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return cell
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return list(value)
    return cell


def _restore_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists that Dask turned into their text (``"['a', 'b']"``) back into lists.

    Dask converts object columns to strings by default (``dataframe.convert-string``), which
    writes a list cell as its repr; read as text it would be one bogus tag.
    """
    restored = {}
    for column in LIST_FIELDS:
        if column in frame.columns and frame[column].dtype != object:
            cells = frame[column].astype(object)
            restored[column] = cells.map(_as_list).astype(object)
    return frame.assign(**restored) if restored else frame


@functools.lru_cache(maxsize=2)
def _graph_from_files(paths: tuple[str, ...]) -> KnowledgeGraph:
    return KnowledgeGraph.load(*paths)


_RESIDENT: dict[str, KnowledgeGraph] = {}


def _resident(graph: KnowledgeGraph) -> KnowledgeGraph:
    """The first graph of this version seen by this process.

    Each computation ships the graph anew, so a worker would otherwise compile every new copy;
    the version is a content hash, so the kept copy (with its compiled operators) is the same graph.
    """
    kept = _RESIDENT.get(graph.version)
    if kept is None:
        if len(_RESIDENT) >= 2:
            _RESIDENT.pop(next(iter(_RESIDENT)))
        kept = _RESIDENT[graph.version] = graph
    return kept


def _map_partition(
    frame: pd.DataFrame,
    graph: KnowledgeGraph | tuple[str, ...],
    portfolios: PortfolioSet | None,
    *,
    settings: ImpactSettings,
    top: int | None,
    as_of: bool,
    partition: int,
    point_in_time: str = "strict",
) -> dict[str, pd.DataFrame]:
    graph = _graph_from_files(graph) if isinstance(graph, tuple) else _resident(graph)
    mapped = map_event_frame(_restore_lists(frame), graph, settings=settings, top=top, portfolios=portfolios,
                             as_of=as_of, point_in_time=point_in_time)
    tables = mapped.tables()
    rejects = tables["rejects"]
    tables["rejects"] = pd.concat(
        [pd.DataFrame({"partition": pd.Series(partition, index=rejects.index, dtype="int64")}), rejects], axis=1)
    return tables


def _table(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    return tables[name]


def map_dask(
    events: dd.DataFrame,
    graph: GraphSource = None,
    *,
    settings: ImpactSettings | None = None,
    top: int | None = 20,
    portfolios: PortfolioSet | None = None,
    as_of: bool = False,
    point_in_time: str = "strict",
) -> DaskMappedEvents:
    """Tag and map a Dask DataFrame of events, one :func:`map_event_frame` call per partition.

    Parameters
    ----------
    events : dask.dataframe.DataFrame
        One row per event, columns named after :class:`~exposure.events.Event` fields (as
        :func:`~exposure.events.events_to_frame` writes them, or as read by
        ``dd.read_json(..., lines=True)``, ``dd.read_csv`` or ``dd.read_parquet``).
    graph : KnowledgeGraph, path, list of paths or Future, optional
        A graph object enters the task graph once, as one key all partitions depend on (its
        compiled operators travel with it if it was compiled on the client). Paths are graph
        files every worker loads itself, once per process, as :meth:`KnowledgeGraph.load` does
        (they must exist on every worker). A Future of ``client.scatter(graph, broadcast=True)``
        is used as it is. Default: the package's graph, sent from the client.
    settings, top, portfolios, as_of, point_in_time
        As for :func:`~exposure.streams.map_event_batch`.

    Returns
    -------
    DaskMappedEvents
        Lazy tables; nothing is computed yet.

    Raises
    ------
    EventError
        If a column of ``events`` is not an event field (checked before anything runs).

    Notes
    -----
    - Each worker keeps the graph of the latest two versions it mapped with, with their compiled
      operators, so it compiles a graph version once, not once per partition or computation.
    - List fields that Dask turned into text (``"['a', 'b']"``, its ``dataframe.convert-string``
      default does that to list columns) are read back as lists.
    - Duplicate event ids are refused within a partition, not across partitions.

    Examples
    --------
    >>> import dask, dask.dataframe as dd
    >>> import exposure as ex
    >>> from exposure.events import events_to_frame
    >>> events, _ = ex.datasets.load_sample_events()
    >>> frame = dd.from_pandas(events_to_frame(events), npartitions=2)
    >>> with dask.config.set(scheduler="sync"):
    ...     mapped = map_dask(frame, top=3).compute()
    >>> len(mapped.events), len(mapped.impacts) == 3 * len(events)
    (6, True)
    """
    dask, dd = _dask()
    # A column that is not an event field fails here, on the client, before any task runs.
    events_from_frame(pd.DataFrame(columns=list(events.columns)))
    settings = settings or ImpactSettings()
    strict_policy(point_in_time)
    if graph is None:
        graph = default_graph()
    if isinstance(graph, KnowledgeGraph):
        shipped_graph = dask.delayed(graph, name=f"exposure-graph-{graph.version}", traverse=False)
    elif isinstance(graph, (str, os.PathLike, list, tuple)):
        paths = [graph] if isinstance(graph, (str, os.PathLike)) else list(graph)
        shipped_graph = tuple(os.fspath(p) for p in paths)
    else:
        shipped_graph = graph  # a Future of client.scatter(graph) or a Delayed: already on the cluster
    shipped_portfolios = None
    if portfolios is not None:
        shipped_portfolios = dask.delayed(portfolios, name="exposure-portfolios-" + dask.base.tokenize(portfolios),
                                          traverse=False)
    mapper = dask.delayed(_map_partition, pure=True)
    mapped = [mapper(part, shipped_graph, shipped_portfolios, settings=settings, top=top, as_of=as_of, partition=i,
                     point_in_time=point_in_time)
              for i, part in enumerate(events.to_delayed())]
    cut = dask.delayed(_table, pure=True)
    tables = {name: dd.from_delayed([cut(m, name) for m in mapped], meta=_meta(name), verify_meta=False)
              for name in SCHEMAS}
    return DaskMappedEvents(**tables)


def _grain(freq: str) -> str:
    """A period that every period of ``freq`` is a union of, whatever day the data starts on.

    Pandas bins ``freq`` from midnight of the first day of the data, so partial sums per day
    (or per the largest divisor of a day and a sub-day ``freq``) add up exactly to the sums
    the single-machine path computes on all the data at once.
    """
    offset = pd.tseries.frequencies.to_offset(freq)
    day = pd.Timedelta(days=1).value
    if isinstance(offset, pd.offsets.Tick):
        step = pd.Timedelta(offset).value
        if step < day:
            return f"{math.gcd(step, day)}ns"
    return "D"


def _series_dask(source: Any, table: str, key: str, value: str, freq: str, single) -> pd.DataFrame:
    dask, _ = _dask()
    if isinstance(source, DaskMappedEvents):
        source = getattr(source, table)
    frame = source[["published_at", key, value]]
    undated = frame["published_at"].isna().sum()
    floored = frame.assign(published_at=frame["published_at"].dt.floor(_grain(freq)))
    partial = floored.groupby(["published_at", key], observed=True)[value].sum()
    partial, undated = dask.compute(partial, undated)
    if undated:
        warnings.warn(f"{int(undated)} row(s) of {table} have no published_at and are not in the series",
                      UndatedEventsWarning, stacklevel=3)
    partial = partial.reset_index()
    partial = partial.astype({"published_at": SCHEMAS[table]["published_at"], key: "str"})
    return single(partial, freq=freq)


def theme_intensity_dask(themes: dd.DataFrame | DaskMappedEvents, freq: str = "D") -> pd.DataFrame:
    """:func:`~exposure.streams.theme_intensity` computed on the cluster.

    Each partition is summed per day (or finer sub-day period) and theme, the partial sums are
    combined by Dask's tree reduction, and only that small table reaches the client, where the
    single-machine function bins it into ``freq`` periods: same index, columns and values.

    Parameters
    ----------
    themes : dask.dataframe.DataFrame or DaskMappedEvents
        The ``themes`` table of :func:`map_dask` (persist it first if you need other tables too).
    freq : str, default "D"
        A pandas frequency (``"h"``, ``"D"``, ``"W"``, ``"ME"``, ...).

    Returns
    -------
    DataFrame
        Periods x themes, as :func:`~exposure.streams.theme_intensity`.

    Examples
    --------
    >>> import dask, dask.dataframe as dd
    >>> import exposure as ex
    >>> from exposure.events import events_to_frame
    >>> events, _ = ex.datasets.load_sample_events()
    >>> with dask.config.set(scheduler="sync"):
    ...     mapped = map_dask(dd.from_pandas(events_to_frame(events), npartitions=3), top=0)
    ...     monthly = theme_intensity_dask(mapped.themes, freq="ME")
    >>> monthly.index.freqstr, bool(monthly["theme:counter-drone"].max() > 0)
    ('ME', True)
    """
    return _series_dask(themes, "themes", "theme", "score", freq, theme_intensity)


def exposure_series_dask(exposures: dd.DataFrame | DaskMappedEvents, freq: str = "D") -> pd.DataFrame:
    """:func:`~exposure.streams.exposure_series` computed on the cluster (see :func:`theme_intensity_dask`).

    Parameters
    ----------
    exposures : dask.dataframe.DataFrame or DaskMappedEvents
        The ``exposures`` table of :func:`map_dask` (events mapped with ``portfolios=``).
    freq : str, default "D"

    Returns
    -------
    DataFrame
        Periods x portfolios, as :func:`~exposure.streams.exposure_series`.
    """
    return _series_dask(exposures, "exposures", "portfolio", "exposure", freq, exposure_series)
