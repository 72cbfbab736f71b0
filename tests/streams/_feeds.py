"""Event files for the stream output tests: the sample events repeated under new ids, a day apart."""

import json

import pandas as pd

import exposure as ex


def feed_records(events, copies):
    """``copies`` distinct records per event, a day apart, with varied market impact."""
    records = []
    for k in range(copies):
        for event in events:
            record = json.loads(event.model_dump_json(exclude={"id"}))
            record["id"] = f"{event.id}-{k}"
            record["market_impact"] = round(0.1 + 0.05 * (k % 7), 2)
            record["published_at"] = (pd.Timestamp(event.published_at) + pd.Timedelta(days=k)).isoformat()
            records.append(record)
    return records


def write_feed(path, copies, bad_every=0):
    """A JSON Lines feed of ``copies`` x the sample events, with a malformed line every ``bad_every``."""
    events, _ = ex.datasets.load_sample_events()
    lines = []
    for record in feed_records(events, copies):
        lines.append(json.dumps(record))
        if bad_every and len(lines) % bad_every == 0:
            lines.append("{broken")
    path.write_text("\n".join(lines) + "\n")
    return path


def data_checksums(folder):
    """sha256 of every table and the rejects of a stream output (summary.json names its own folder)."""
    files = json.loads((folder / "_manifest.json").read_text())["files"]
    return {name: entry["sha256"] for name, entry in files.items() if name != "summary.json"}
