"""What `map_stream` may replace, what a stopped run leaves, what readers accept, and resuming."""

import json
import os

import pytest

from exposure.cli import main
from exposure.errors import ArgumentError
from exposure.streams import StreamOutputError, exposure_series, map_stream, read_mapped, theme_intensity
from exposure.streams import _run

from tests.streams._feeds import data_checksums, write_feed


def _files(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def _stream(source, output, graph, **options):
    return map_stream(source, output, graph=graph, batch_size=40, top=5, show_progress=False, **options)


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    return write_feed(tmp_path_factory.mktemp("feed") / "feed.jsonl", 40, bad_every=50)


@pytest.fixture(scope="module")
def reference(tmp_path_factory, feed, graph):
    """An uninterrupted run: the result every resumed run must reproduce exactly."""
    folder = tmp_path_factory.mktemp("reference") / "out"
    _stream(feed, folder, graph)
    return folder


def _stream_stopped(monkeypatch, feed, out, graph, batches):
    """A run into ``out`` that raises while mapping batch ``batches`` (0-based), as a bug or a bad
    day would."""
    original, calls = _run.map_event_batch, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) > batches:
            raise RuntimeError("disk on fire")
        return original(*args, **kwargs)

    monkeypatch.setattr(_run, "map_event_batch", failing)
    with pytest.raises(RuntimeError):
        _stream(feed, out, graph)
    monkeypatch.undo()


def test_overwrite_of_the_current_folder_is_refused_and_deletes_nothing(tmp_path, feed, monkeypatch, capsys):
    work = tmp_path / "work"
    work.mkdir()
    (work / "feed.jsonl").write_bytes(feed.read_bytes())
    (work / "notes.txt").write_text("mine")
    (work / "data").mkdir()
    (work / "data" / "prices.csv").write_text("a,b\n")
    before = {name: (work / name).read_bytes() for name in _files(work) if (work / name).is_file()}
    monkeypatch.chdir(work)
    assert main(["stream", "feed.jsonl", ".", "--overwrite", "--no-progress"]) == 2  # usage: refused
    assert "current folder" in capsys.readouterr().err
    with pytest.raises(ArgumentError, match="current folder"):
        map_stream("feed.jsonl", ".", overwrite=True, show_progress=False)
    with pytest.raises(ArgumentError, match="current folder"):
        map_stream("feed.jsonl", "..", overwrite=True, show_progress=False)
    assert {name: (work / name).read_bytes() for name in _files(work) if (work / name).is_file()} == before


def test_only_a_previous_output_is_ever_replaced(tmp_path, feed, graph, seed_event):
    def refused(output, match, **options):
        listing = _files(tmp_path)
        with pytest.raises(ArgumentError, match=match) as caught:
            map_stream([seed_event], output, graph=graph, show_progress=False, overwrite=True, **options)
        assert caught.value.where == str(output) and caught.value.fix
        assert _files(tmp_path) == listing

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.csv").write_text("x\n")
    refused(foreign, "holds no _manifest.json")
    (tmp_path / "a_file").write_text("x")
    refused(tmp_path / "a_file", "is a file")
    with pytest.raises(ArgumentError, match="holds the input file"):
        map_stream(feed, feed.parent, graph=graph, overwrite=True, show_progress=False)
    assert feed.exists()
    ours = tmp_path / "ours"
    map_stream([seed_event], ours, graph=graph, show_progress=False)
    (tmp_path / "link").symlink_to(ours)
    refused(tmp_path / "link", "symbolic link")
    (ours / "analysis.ipynb").write_text("{}")
    refused(ours, "did not write .*analysis.ipynb")
    (ours / "analysis.ipynb").unlink()
    (ours / "_manifest.json").write_text('{"format": "something else"}')
    refused(ours, "not an output of `exposure stream`")


def test_rerun_replaces_a_previous_output_with_the_same_bytes(tmp_path, feed, graph, reference):
    out = tmp_path / "out"
    _stream(feed, out, graph)
    first = {name: (out / name).read_bytes() for name in _files(out)}
    with pytest.raises(ArgumentError, match="overwrite=True"):
        _stream(feed, out, graph)
    _stream(feed, out, graph, overwrite=True)
    assert {name: (out / name).read_bytes() for name in _files(out)} == first
    assert data_checksums(out) == data_checksums(reference)
    assert sorted(first) == ["_manifest.json", "events.parquet", "exposures.parquet", "impacts.parquet",
                             "rejects.jsonl", "summary.json", "themes.parquet"]
    assert not (tmp_path / ".out.staging").exists()
    summary = _stream(feed, out, graph, resume=True)  # already complete: nothing to do
    assert summary.n_events == 240 and {name: (out / name).read_bytes() for name in _files(out)} == first


def test_a_run_stopped_by_an_error_is_refused_by_readers_then_resumed_exactly(tmp_path, feed, graph, reference,
                                                                                monkeypatch, capsys):
    out = tmp_path / "out"
    _stream_stopped(monkeypatch, feed, out, graph, 3)
    assert not out.exists()
    for reader in (read_mapped, theme_intensity, exposure_series):
        with pytest.raises(StreamOutputError, match="incomplete.*after 3 batch") as caught:
            reader(out)
        assert "--resume" in caught.value.fix and caught.value.where == str(out)
    assert main(["series", str(out)]) == 1
    assert "incomplete" in capsys.readouterr().err
    saved = read_mapped(out, allow_incomplete=True)
    expected = read_mapped(reference)
    assert saved.events.equals(expected.events.iloc[:len(saved.events)]) and 0 < len(saved.events) < 240
    assert len(theme_intensity(out, allow_incomplete=True)) > 0
    with pytest.raises(ArgumentError, match="resume=True"):
        _stream(feed, out, graph)
    summary = _stream(feed, out, graph, resume=True)
    assert summary.n_events == 240 and summary.n_batches == 7
    assert data_checksums(out) == data_checksums(reference)
    for name, table in read_mapped(out).tables().items():
        assert table.equals(getattr(expected, name)), name


def test_resume_refuses_another_input_graph_or_setting(tmp_path, feed, graph, monkeypatch):
    out = tmp_path / "out"
    _stream_stopped(monkeypatch, feed, out, graph, 2)
    with pytest.raises(ArgumentError, match=r"setting top \(5 then, 7 now\)"):
        map_stream(feed, out, graph=graph, batch_size=40, top=7, resume=True, show_progress=False)
    with pytest.raises(ArgumentError, match="setting batch_size"):
        map_stream(feed, out, graph=graph, batch_size=41, top=5, resume=True, show_progress=False)
    changed = tmp_path / "feed.jsonl"
    changed.write_bytes(feed.read_bytes() + b'{"headline": "one more"}\n')
    with pytest.raises(ArgumentError, match="the input .* contents differ"):
        _stream(changed, out, graph, resume=True)
    with pytest.raises(ArgumentError, match=f"graph version \\({graph.version} then"):
        _stream(feed, out, graph=graph.as_of("2000-01-01"), resume=True)
    summary = _stream(feed, out, graph, overwrite=True)  # start over
    assert summary.n_events == 240


def test_readers_refuse_a_folder_without_manifest_or_with_an_altered_file(tmp_path, feed, graph):
    out = tmp_path / "out"
    _stream(feed, out, graph)
    themes = out / "themes.parquet"
    data = bytearray(themes.read_bytes())
    data[len(data) // 2] ^= 1
    themes.write_bytes(bytes(data))
    for reader in (read_mapped, theme_intensity):
        with pytest.raises(StreamOutputError, match="checksum mismatch: themes.parquet"):
            reader(out)
    with pytest.raises(StreamOutputError, match="checksum mismatch: themes.parquet"):
        theme_intensity(themes)
    exposure_series(out)  # its own table is intact
    os.remove(out / "_manifest.json")
    with pytest.raises(StreamOutputError, match="no _manifest.json"):
        read_mapped(out)
    with pytest.raises(StreamOutputError, match="does not exist"):
        read_mapped(tmp_path / "nowhere")


def test_an_output_in_folders_that_do_not_exist_yet(tmp_path, graph, seed_event):
    summary = map_stream([seed_event], tmp_path / "a" / "b" / "out", graph=graph, show_progress=False)
    assert summary.n_events == 1 and read_mapped(tmp_path / "a" / "b" / "out").events["event_id"].tolist() == [
        seed_event.id]


def test_a_second_run_into_the_same_output_is_refused_while_one_is_writing(tmp_path, feed, graph, monkeypatch):
    from exposure.streams._output import locked_folder

    out = tmp_path / "out"
    _stream_stopped(monkeypatch, feed, out, graph, 1)
    with locked_folder(tmp_path / ".out.staging"):  # as a live run holds it
        for options in ({"resume": True}, {"overwrite": True}):
            with pytest.raises(ArgumentError, match="another `exposure stream` run is writing"):
                _stream(feed, out, graph, **options)
    assert _stream(feed, out, graph, resume=True).n_events == 240


def test_rejects_past_the_readers_cap_are_counted_in_the_summary(tmp_path, graph, monkeypatch, capsys):
    feed = tmp_path / "bad.jsonl"
    feed.write_text("".join("{not json\n" for _ in range(30)) + json.dumps({"headline": "Oil jumps"}) + "\n")
    monkeypatch.setenv("EXPOSURE_MAX_REJECTS", "5")
    summary = _stream(feed, tmp_path / "out", graph)
    recorded = (tmp_path / "out" / "rejects.jsonl").read_text().splitlines()
    assert summary.n_events == 1 and summary.n_rejects == len(recorded) <= 6
    assert summary.n_rejects_omitted == 30 - 5
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["n_rejects_omitted"] == 25
    assert main(["stream", str(feed), str(tmp_path / "cli"), "--no-progress"]) == 0
    assert "25 more counted past the cap" in capsys.readouterr().err
