"""The bundled development set: real dated events, a stratified holdout quarter, a returns extract."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd

from exposure.datasets import sample_path
from exposure.evaluation import load_dev_set
from exposure.graph import default_graph

DATA = Path(str(sample_path("dev_events.jsonl"))).parent
_spec = importlib.util.spec_from_file_location("make_dev_returns", DATA / "make_dev_returns.py")
_builder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_builder)


def _records():
    return [json.loads(line) for line in (DATA / "dev_events.jsonl").read_text().splitlines()]


def test_at_least_80_dated_events_in_15_categories_with_known_tags():
    records = _records()
    assert len(records) >= 80
    assert len({r["category"] for r in records}) >= 15
    assert len({r["id"] for r in records}) == len(records)
    tag_labels = set(default_graph().nodes.loc[lambda n: n["kind"] == "tag", "label"])
    for r in records:
        stamp = pd.Timestamp(r["published_at"])
        assert stamp.tzinfo is not None, r["id"]
        assert pd.Timestamp("2015-01-01", tz="UTC") <= stamp <= pd.Timestamp("2026-07-20", tz="UTC"), r["id"]
        assert set(r["tags"]) <= tag_labels, r["id"]
        assert 0 <= r["market_impact"] <= 1, r["id"]
        assert 2 <= r["body"].count(". ") + 1 <= 6, r["id"]


def test_holdout_is_the_documented_stratified_quarter():
    records = _records()
    assert [r["holdout"] for r in records] == _builder.holdout_flags(records)
    share = sum(r["holdout"] for r in records) / len(records)
    assert 0.2 <= share <= 0.3
    per_category = pd.DataFrame(records).groupby("category")["holdout"].agg(["size", "sum"])
    assert (per_category.loc[per_category["size"] >= 3, "sum"] >= 1).all()


def test_returns_extract_covers_every_event_window_and_drops_bad_prints():
    dev = load_dev_set()
    returns = dev.returns
    assert (returns.dtypes == np.float32).all()
    assert sample_path("dev_returns.parquet").stat().st_size < 8e6
    days = returns.index
    for event in dev.events:
        day0 = days.searchsorted(pd.Timestamp(event.published_at).tz_convert("America/New_York").tz_localize(None)
                                 .normalize())
        assert day0 >= 260 and day0 + 6 < len(days), event.id
    assert returns.loc["2024-06-03":"2024-06-04", "DFEN"].isna().all()
    assert returns.loc["2024-09-30":"2024-10-01", "UAVS"].isna().all()
    flags = pd.read_csv(DATA / "dev_returns_flags.csv")
    assert {("DFEN", "2024-06-03"), ("UAVS", "2024-09-30")} <= set(zip(flags["ticker"], flags["date"]))
    assert flags["reason"].str.contains("spike").all()
    assert "SPY" in returns.columns and "SPY" not in dev.universe and "^TNX" not in returns.columns


def test_texts_are_not_padded_with_ticker_chips():
    for r in _records():
        text = r["headline"] + " " + r["body"]
        assert "NYSE:" not in text and "NASDAQ:" not in text and "$" + "X" not in text, r["id"]
        assert not r.get("vendor_tickers") and not r.get("entities"), r["id"]
