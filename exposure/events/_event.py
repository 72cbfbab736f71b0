"""The :class:`Event` model: one news item, validated, with a stable content-hash id."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from exposure.errors import ArgumentError, EventError
from exposure.io import parse_datetime

_CONCEPT_ID = re.compile(r"^[a-z][a-z0-9_]*:\S+$")
_THEME_ID = re.compile(r"^theme:\S+$")
_TAG_SEPARATORS = re.compile(r"[;|]")
_ID_SEPARATORS = re.compile(r"[;|,\s]+")

_NO_CONTENT = "event has no text and no tags"
_FIXES: dict[str, str] = {
    "id": "give a non-empty string, or leave id out to get a content hash",
    "headline": "give the headline as text",
    "body": "give the body as text",
    "published_at": (
        'give an ISO 8601 date-time with an offset, such as "2025-07-29T08:00:00+00:00" '
        'or "2025-07-29T08:00:00Z"'
    ),
    "source": 'give the source as text, such as "AllMind AI Terminal"',
    "tags": 'give a list of strings, or one string with tags separated by ";" or "|"',
    "market_impact": "give a number >= 0 such as 0.1",
    "vendor_tickers": 'give a list of ticker strings, or one string such as "XOM;CVX"',
    "entities": 'give concept ids of the form "kind:name", such as "country:LT"',
    "themes": 'give theme ids such as "theme:counter-drone"',
    "url": "give the URL as text",
}


class Event(BaseModel):
    """One news event: text, vendor tags and a market-impact score.

    The ``id`` is the caller's when given, else a content hash: ``"evt-"`` followed by the first 16
    hex digits of the SHA-256 of the canonical JSON of ``[headline, body, published_at, source,
    sorted(tags)]``, with ``published_at`` as an ISO 8601 string in UTC (or null). The same content
    gives the same id on every run and machine.

    Examples
    --------
    >>> event = Event(headline="Drones land in Lithuania", tags="Geopolitics & War; Defense")
    >>> event.tags
    ('Geopolitics & War', 'Defense')
    >>> same = Event(headline="Drones land in Lithuania", tags=["Defense", "Geopolitics & War"])
    >>> event.id == same.id
    True
    >>> event.id.startswith("evt-"), len(event.id)
    (True, 20)

    A field that breaks its rule is an :class:`~exposure.errors.EventError` naming it:

    >>> try:
    ...     Event(headline="Oil jumps", published_at="20250729")
    ... except EventError as err:
    ...     print(err.field)
    published_at
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    def __init__(self, **fields: Any) -> None:
        try:
            super().__init__(**fields)
        except ValidationError as exc:
            raise _event_error(exc, None) from None

    id: str = Field(
        default="",
        description="Stable identifier; when absent or empty, 'evt-' plus a 16-hex content hash.",
    )
    headline: str = Field(default="", description="The headline as published.")
    body: str = Field(
        default="", description="Summary and analysis text; paragraphs separated by a blank line."
    )
    published_at: datetime | None = Field(
        default=None, description="Publication time; must carry a timezone offset."
    )
    source: str | None = Field(
        default=None, description="Who published it, e.g. 'AllMind AI Terminal'."
    )
    tags: tuple[str, ...] = Field(
        default=(),
        description="Vendor category tags, e.g. ('Geopolitics & War',); order kept, no duplicates.",
    )
    market_impact: float = Field(
        default=1.0,
        ge=0.0,
        allow_inf_nan=False,
        description="Vendor market-impact score, a finite number >= 0; scales the event's impact.",
    )
    vendor_tickers: tuple[str, ...] = Field(
        default=(), description="Ticker chips printed by the vendor; kept but not trusted."
    )
    entities: tuple[str, ...] = Field(
        default=(),
        description="Pre-tagged graph concept ids of the form 'kind:name', e.g. 'country:LT'.",
    )
    themes: tuple[str, ...] = Field(
        default=(), description="Pre-tagged theme ids, each starting with 'theme:'."
    )
    url: str | None = Field(default=None, description="Link to the original article.")

    @field_validator("id", "headline", "body", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value

    @field_validator("source", "url", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("published_at", mode="before")
    @classmethod
    def _plain_datetime(cls, value: Any) -> Any:
        # One parser for every date read from input: ISO 8601 only, never epoch numbers or 8 digits.
        try:
            return parse_datetime(value)
        except ArgumentError as exc:
            raise ValueError(f"{exc.problem}; {exc.fix}") from None

    @field_validator("published_at")
    @classmethod
    def _timezone_aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError(
                f'{value.isoformat()} has no timezone; add an offset like "+00:00" or "Z"'
            )
        return value

    @field_validator("market_impact", mode="before")
    @classmethod
    def _not_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number; give a number >= 0 such as 0.1")
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def _split_tags(cls, value: Any) -> Any:
        if value is None:
            return ()
        return _TAG_SEPARATORS.split(value) if isinstance(value, str) else value

    @field_validator("vendor_tickers", "entities", "themes", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if value is None:
            return ()
        return _ID_SEPARATORS.split(value) if isinstance(value, str) else value

    @field_validator("tags", "vendor_tickers", "entities", "themes")
    @classmethod
    def _dedupe(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(item for item in value if item))

    @field_validator("entities")
    @classmethod
    def _concept_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [item for item in value if not _CONCEPT_ID.match(item)]
        if bad:
            raise ValueError(f"{bad!r} are not concept ids; use 'kind:name' such as 'country:LT'")
        return value

    @field_validator("themes")
    @classmethod
    def _theme_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [item for item in value if not _THEME_ID.match(item)]
        if bad:
            raise ValueError(f"{bad!r} are not theme ids; use ids such as 'theme:counter-drone'")
        return value

    @model_validator(mode="after")
    def _content_and_id(self) -> Event:
        if not (self.headline or self.body or self.tags or self.entities or self.themes):
            raise ValueError(_NO_CONTENT)
        if not self.id:
            object.__setattr__(self, "id", content_id(self))
        return self

    @property
    def text(self) -> str:
        """What the tagger reads: ``headline + "\\n\\n" + body``.

        The body starts at offset ``len(headline) + 2``.
        """
        return f"{self.headline}\n\n{self.body}"


def content_id(event: Event) -> str:
    """Return the content-hash id of ``event``, ignoring any id it already has.

    Parameters
    ----------
    event : Event
        The event to hash.

    Returns
    -------
    str
        ``"evt-"`` plus the first 16 hex digits of the SHA-256 of the canonical content.

    Examples
    --------
    >>> event = Event(id="mine", headline="Oil jumps")
    >>> content_id(event) == Event(headline="Oil jumps").id
    True
    """
    published = event.published_at.astimezone(UTC).isoformat() if event.published_at else None
    content = [event.headline, event.body, published, event.source, sorted(event.tags)]
    canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return "evt-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def event_from_mapping(data: Mapping[str, Any], *, where: str | None = None) -> Event:
    """Validate ``data`` into an :class:`Event`, raising :class:`EventError` if it is not one.

    The error names ``where`` (the record), the first offending field and the fix.
    """
    if not isinstance(data, Mapping):
        raise EventError(f"is a {type(data).__name__}, not a record of fields", where=where,
                         fix="give one object per event, e.g. {\"headline\": \"...\", \"published_at\": \"...\"}")
    try:
        # Through __init__ (which turns pydantic's error into ours): model_validate would call the
        # custom __init__ too, and wrap our EventError in a ValidationError of no field.
        return Event(**{str(key): value for key, value in data.items()})
    except EventError as exc:
        raise EventError(exc.problem, where=where, field=exc.field, fix=exc.fix) from None


def _event_error(exc: ValidationError, where: str | None) -> EventError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    field = str(first["loc"][0]) if first["loc"] else None
    if first["type"] == "extra_forbidden":
        problem = f"unknown field {field!r}"
        fix = f"use only these fields: {', '.join(Event.model_fields)}"
    elif first["type"] == "value_error":
        problem = str(first["msg"]).removeprefix("Value error, ")
        fix = None
        if problem == _NO_CONTENT:
            field, fix = "headline", "give at least a headline, body or tags (blank text counts as none)"
    else:
        problem = f"{first['msg']} (got {_show(first['input'])})"
        fix = _FIXES.get(field or "")
    others = sorted({str(err["loc"][0]) for err in errors[1:] if err["loc"]} - {field})
    if others:
        problem += f" (also invalid: {', '.join(others)})"
    return EventError(problem, where=where, field=field, fix=fix)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, (dict, list)) or len(value) < 20 else f"a {type(value).__name__}"
    return text if len(text) <= 80 else text[:79] + "…"
