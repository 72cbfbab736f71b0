"""News events: the :class:`Event` model, the terminal-page parser and batch readers.

Every reader validates at the boundary: a bad record raises :class:`~exposure.errors.EventError`
naming the record, field and fix, and batch readers return the records they could not use as
:class:`~exposure.errors.Reject` rows instead of dropping them.
"""

from exposure.events._article import parse_article, read_article, split_tags
from exposure.events._event import Event, content_id
from exposure.events._gdelt import load_gdelt_theme_map, read_gdelt_events, read_gdelt_gkg
from exposure.events._readers import (
    events_from_frame,
    events_from_records,
    events_to_frame,
    read_events,
)
from exposure.events._stream import EventBatch, iter_event_batches, read_rejects, write_rejects

__all__ = [
    "Event",
    "EventBatch",
    "content_id",
    "events_from_frame",
    "events_from_records",
    "events_to_frame",
    "iter_event_batches",
    "load_gdelt_theme_map",
    "parse_article",
    "read_article",
    "read_events",
    "read_gdelt_events",
    "read_gdelt_gkg",
    "read_rejects",
    "split_tags",
    "write_rejects",
]
