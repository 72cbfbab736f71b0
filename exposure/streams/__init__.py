"""Event streams at scale: chunked reading, batch mapping to Parquet, exposure time series, Dask.

The single-machine path and the distributed one call the same function,
:func:`map_event_frame`, on a batch of events; everything downstream is long tables.
"""

from exposure.streams._dask import DaskMappedEvents, exposure_series_dask, map_dask, theme_intensity_dask
from exposure.streams._mapping import (
    DatedGraphs,
    MappedEvents,
    dated_graphs,
    empty_table,
    map_event_batch,
    map_event_frame,
)
from exposure.streams._output import StreamOutputError
from exposure.streams._progress import progress
from exposure.streams._run import StreamSummary, map_stream, read_mapped
from exposure.streams._series import (
    UndatedEventsWarning,
    event_exposure_series,
    exposure_series,
    theme_intensity,
)

__all__ = [
    "DaskMappedEvents",
    "DatedGraphs",
    "MappedEvents",
    "StreamOutputError",
    "StreamSummary",
    "UndatedEventsWarning",
    "dated_graphs",
    "empty_table",
    "event_exposure_series",
    "exposure_series",
    "exposure_series_dask",
    "map_dask",
    "map_event_batch",
    "map_event_frame",
    "map_stream",
    "progress",
    "read_mapped",
    "theme_intensity",
    "theme_intensity_dask",
]
