"""tag_event gives the recorded mentions on every bundled event: a speed-up must not change a reading.

The record (``data/recorded_mentions.json``) holds, for the seed article, the sample events, the
development set, the oil-tanker article, a few awkward texts and a long generated article, every
mention's concept, text, span, confidence, origin, sign and rule (for the long article, their count
and a hash). A change in tagging or in the graph's aliases that is meant shows up here as a diff;
record it again with

    .venv/bin/python tests/tagging/test_recorded_mentions.py

and say in the commit what changed.
"""

import hashlib
import json
import sys
from pathlib import Path

import pytest

import exposure as ex
from exposure.events import read_article
from exposure.evaluation import load_dev_set
from exposure.tagging import tag_event

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1]))
from tests.tagging._texts import long_article  # noqa: E402

RECORD = HERE / "data" / "recorded_mentions.json"
OIL_ARTICLE = HERE.parents[0] / "events" / "data" / "oil_tankers_article.txt"
AWKWARD = [
    "NATO’s air defences: Lithuania's drones — counter‑drone systems, “Patriot” batteries & SAM sites.",
    "Zürich-based banks rose while homebuilders slid; airlines cancelled routes, but cruise lines rallied!",
    "TSMC shares fell. Nvidia didn't fall. Boeing was fined by the FAA; Airbus wins a contract from Poland.",
    "U.S. export controls on chip equipment makers... OPEC+ cut output\n\nOil tankers diverted from Hormuz",
    "AIR DEFENCE air-defence Air Defences airdefence air  defence air\ndefence",
    "Ünïcödé wörds, naïve café in São Paulo; Gdańsk shipyards' cranes; 東京 drones ₿ 🚀 rockets",
    "it's US vs us: SAM and Sam, Patriot's and patriots'",
]
LONG_WORDS = 20_000


def _events() -> list[tuple[str, ex.Event]]:
    named = [("seed", ex.datasets.load_seed_article())]
    named += [(f"sample:{e.id}", e) for e in ex.datasets.load_sample_events()[0]]
    named += [(f"dev:{e.id}", e) for e in load_dev_set().events]
    named.append(("oil tankers article", read_article(OIL_ARTICLE)))
    named += [(f"awkward:{i}", ex.Event(headline="Awkward", body=body)) for i, body in enumerate(AWKWARD)]
    return named


def _rows(event: ex.Event, graph) -> list[list]:
    tagged = tag_event(event, graph)
    rows = [[m.concept, m.text, m.start, m.end, m.confidence, m.origin, m.sign, m.rule] for m in tagged.mentions]
    return [*rows, ["unknown", list(tagged.unknown_tags), list(tagged.unknown_tickers),
                    list(tagged.unknown_entities)]]


def _long_summary(graph) -> dict:
    rows = _rows(ex.Event(headline="Long", body=long_article(LONG_WORDS)), graph)
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()
    return {"mentions": len(rows) - 1, "sha256": digest}


def record(graph) -> dict:
    return {
        "graph_version": graph.version,
        "events": {name: _rows(event, graph) for name, event in _events()},
        "long article": _long_summary(graph),
    }


@pytest.fixture(scope="module")
def recorded():
    return json.loads(RECORD.read_text(encoding="utf-8"))


def test_every_bundled_event_gives_its_recorded_mentions(graph, recorded):
    now = {name: _rows(event, graph) for name, event in _events()}
    changed = sorted(name for name in now.keys() & recorded["events"].keys() if now[name] != recorded["events"][name])
    missing = sorted(recorded["events"].keys() - now.keys())
    assert not changed and not missing, (
        f"mentions differ from {RECORD.name} on {len(changed)} events (first: {changed[:5]}), "
        f"{len(missing)} recorded events are gone ({missing[:5]}). If the change is meant, record again: "
        f"python tests/tagging/test_recorded_mentions.py")


def test_the_long_article_gives_its_recorded_mentions(graph, recorded):
    assert _long_summary(graph) == recorded["long article"]


if __name__ == "__main__":
    RECORD.parent.mkdir(exist_ok=True)
    content = record(ex.default_graph())
    lines = ",\n".join(f"    {json.dumps(name, ensure_ascii=False)}: {json.dumps(rows, ensure_ascii=False)}"
                       for name, rows in content["events"].items())
    RECORD.write_text(
        "{\n"
        f'  "graph_version": {json.dumps(content["graph_version"])},\n'
        f'  "long article": {json.dumps(content["long article"])},\n'
        f'  "events": {{\n{lines}\n  }}\n}}\n',
        encoding="utf-8",
    )
    print(f"recorded {len(content['events'])} events in {RECORD}")
