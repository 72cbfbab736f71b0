"""Tagging: find graph concepts in event text, tags and ticker chips."""

from exposure.tagging._gazetteer import Gazetteer, Mention
from exposure.tagging._normalize import normalize_token, tokenize
from exposure.tagging._tagger import TaggedEvent, gazetteer_for, tag_event

__all__ = ["Gazetteer", "Mention", "TaggedEvent", "gazetteer_for", "normalize_token", "tag_event", "tokenize"]
