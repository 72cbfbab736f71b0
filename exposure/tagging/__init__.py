"""Tagging: find graph concepts in event text, tags and ticker chips."""

from exposure.tagging._gazetteer import Gazetteer, Mention
from exposure.tagging._normalize import normalize_token, tokenize
from exposure.tagging._context import sentence_direction, sentence_spans
from exposure.tagging._event_types import EventType, EventTypes, read_event_types
from exposure.tagging._tagger import TaggedEvent, Vocabulary, tag_event, vocabulary_for

__all__ = [
    "EventType",
    "EventTypes",
    "Gazetteer",
    "Mention",
    "TaggedEvent",
    "Vocabulary",
    "normalize_token",
    "read_event_types",
    "sentence_direction",
    "sentence_spans",
    "tag_event",
    "tokenize",
    "vocabulary_for",
]
