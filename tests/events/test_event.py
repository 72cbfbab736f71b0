import hashlib
import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from exposure.errors import EventError
from exposure.events import Event, content_id
from exposure.events._event import event_from_mapping


def test_defaults_and_text():
    event = Event(headline="Oil jumps", body="Brent rose.")
    assert event.market_impact == 1.0
    assert event.tags == event.vendor_tickers == event.entities == event.themes == ()
    assert event.source is None and event.published_at is None and event.url is None
    assert event.text == "Oil jumps\n\nBrent rose."


def test_model_is_frozen_and_every_field_is_described():
    event = Event(headline="Oil jumps")
    with pytest.raises(ValidationError):
        event.headline = "Gold"
    assert all(field.description for field in Event.model_fields.values())


def test_strings_are_stripped_and_tuples_deduplicated_in_order():
    event = Event(
        headline="  Oil jumps ",
        tags=[" Energy ", "Geopolitics & War", "Energy", ""],
        vendor_tickers="XOM CVX, XOM",
        entities=["country:YE", "country:YE"],
    )
    assert event.headline == "Oil jumps"
    assert event.tags == ("Energy", "Geopolitics & War")
    assert event.vendor_tickers == ("XOM", "CVX")
    assert event.entities == ("country:YE",)


@pytest.mark.parametrize(
    "cell", ["Energy & Commodities; Geopolitics & War", "Energy & Commodities|Geopolitics & War"]
)
def test_tags_accept_one_separated_string(cell):
    assert Event(tags=cell).tags == ("Energy & Commodities", "Geopolitics & War")


def test_empty_optional_strings_become_none():
    event = Event(headline="Oil jumps", source="  ", url="", published_at="")
    assert event.source is None and event.url is None and event.published_at is None


def test_stable_id_pinned():
    event = Event(
        headline="Oil jumps",
        body="Brent rose.",
        published_at="2025-07-29T08:00:00Z",
        source="Wire",
        tags=["B", "A"],
    )
    canonical = '["Oil jumps","Brent rose.","2025-07-29T08:00:00+00:00","Wire",["A","B"]]'
    assert event.id == "evt-" + hashlib.sha256(canonical.encode()).hexdigest()[:16]
    assert event.id == "evt-405402dcf5d7a8a5"


def test_id_ignores_tag_order_and_offset_of_the_same_instant():
    a = Event(headline="Oil jumps", tags=["A", "B"], published_at="2025-07-29T10:00:00+02:00")
    b = Event(headline="Oil jumps", tags=["B", "A"], published_at="2025-07-29T08:00:00Z")
    assert a.id == b.id


def test_id_changes_with_content_and_given_id_is_kept():
    assert Event(headline="Oil jumps").id != Event(headline="Oil falls").id
    assert Event(headline="Oil jumps").id != Event(headline="Oil jumps", source="Wire").id
    event = Event(id="wire-42", headline="Oil jumps")
    assert event.id == "wire-42"
    assert content_id(event) == Event(headline="Oil jumps").id


def test_published_at_accepts_aware_values():
    aware = datetime(2025, 7, 29, 8, tzinfo=timezone(timedelta(hours=3)))
    assert Event(headline="x", published_at=aware).published_at == aware
    assert Event(headline="x", published_at="2025-07-29T05:00:00Z").published_at == aware


@pytest.mark.parametrize("value", ["2025-07-29T08:00:00", datetime(2025, 7, 29, 8), "2025-07-29"])
def test_naive_published_at_is_rejected_with_the_fix(value):
    with pytest.raises(EventError, match=r'add an offset like "\+00:00" or "Z"') as info:
        event_from_mapping({"headline": "x", "published_at": value}, where="line 3")
    assert info.value.field == "published_at"
    assert str(info.value).startswith("line 3: published_at: ")


@pytest.mark.parametrize("value", [-1, -0.01, math.nan, math.inf, "high", True])
def test_bad_market_impact_names_the_field_and_the_fix(value):
    with pytest.raises(EventError) as info:
        event_from_mapping({"headline": "x", "market_impact": value}, where="row 2")
    assert info.value.field == "market_impact"
    assert "0.1" in str(info.value)
    assert str(info.value).startswith("row 2: market_impact: ")


def test_market_impact_accepts_numeric_strings_and_zero():
    assert Event(headline="x", market_impact="0.10").market_impact == 0.1
    assert Event(headline="x", market_impact=0).market_impact == 0.0


def test_event_without_text_or_tags_is_rejected():
    with pytest.raises(EventError, match="no text and no tags. Fix: give at least a headline, body or tags") as info:
        event_from_mapping({"source": "Wire", "market_impact": 0.5})
    assert info.value.field == "headline"


@pytest.mark.parametrize(
    "fields", [{"tags": ["Energy"]}, {"entities": ["country:LT"]}, {"themes": ["theme:oil"]}]
)
def test_tags_or_concepts_alone_are_enough(fields):
    assert Event(**fields).id.startswith("evt-")


def test_unknown_field_lists_the_allowed_fields():
    with pytest.raises(EventError, match="unknown field 'colour'") as info:
        event_from_mapping({"headline": "x", "colour": "red"})
    assert info.value.field == "colour"
    assert "headline" in info.value.fix and "market_impact" in info.value.fix


@pytest.mark.parametrize(
    ("field", "value"),
    [("entities", ["Lithuania"]), ("entities", ["country: LT"]), ("themes", ["counter-drone"])],
)
def test_concept_ids_must_be_namespaced(field, value):
    with pytest.raises(EventError) as info:
        event_from_mapping({"headline": "x", field: value})
    assert info.value.field == field


def test_pandas_timestamp_becomes_a_plain_datetime():
    pd = pytest.importorskip("pandas")
    event = Event(headline="x", published_at=pd.Timestamp("2025-07-29 08:00", tz="UTC"))
    assert type(event.published_at) is datetime
    assert event.published_at == datetime(2025, 7, 29, 8, tzinfo=UTC)


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(headline=text, body=text, tags=st.lists(text, max_size=4), source=st.none() | text)
def test_id_is_deterministic(headline, body, tags, source):
    fields = {"headline": headline, "body": body, "tags": tags, "source": source}
    try:
        first = Event(**fields)
    except EventError:
        return
    assert first.id == Event(**fields).id == content_id(first)
    assert first.id == Event(**{**fields, "tags": list(reversed(tags))}).id
    assert len(first.id) == 20 and first.id.startswith("evt-")


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_market_impact_is_finite_and_not_negative(value):
    if value >= 0 and math.isfinite(value):
        assert Event(headline="x", market_impact=value).market_impact == value
    else:
        with pytest.raises(EventError, match="market_impact"):
            Event(headline="x", market_impact=value)
