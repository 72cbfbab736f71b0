"""The one text decoder and the gzip bounds."""

import codecs
import gzip

import pytest

from exposure.errors import InputFormatError
from exposure.io import check_input_file, decode_bytes, open_text, read_bytes, read_text
from exposure.io._text import iter_lines, undecodable_in

TEXT = "ticker,name\nRHM.DE,Rheinmetall – Düsseldorf\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32", "utf-16-le", "utf-16-be"])
def test_utf_with_bom_is_decoded(encoding):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    assert decode_bytes(bom + TEXT.encode(encoding)) == TEXT


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (TEXT.encode("cp1252"), r"byte 0x96 at offset 31 \(line 2\): looks like Latin-1/cp1252"),
        (TEXT.encode("utf-16-le"), "UTF-16-LE without a byte-order mark"),
        (TEXT.encode("utf-16-be"), "UTF-16 without a byte-order mark"),
        (TEXT.encode("utf-32-le"), "UTF-32 without a byte-order mark"),
        (gzip.compress(b"x"), "gzip-compressed"),
        (b"PAR1\x00\x00", "Parquet"),
        (b"PK\x03\x04rest", "zip archive"),
        (b"%PDF-1.7\n", "PDF"),
        (b"ok\x00binary", "NUL bytes at byte 2"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16"),
    ],
)
def test_everything_else_is_refused_with_offset_guess_and_fix(data, message):
    with pytest.raises(InputFormatError, match=message) as caught:
        decode_bytes(data, where="book.csv")
    assert caught.value.where == "book.csv" and caught.value.fix


def test_folders_and_missing_files(tmp_path):
    with pytest.raises(InputFormatError, match="is a folder"):
        check_input_file(tmp_path)
    with pytest.raises(InputFormatError, match="no such file"):
        read_text(tmp_path / "none.csv")


def test_gzip_is_read_within_bounds(tmp_path, monkeypatch):
    path = tmp_path / "x.csv.gz"
    path.write_bytes(gzip.compress(TEXT.encode()))
    assert read_text(path) == TEXT
    with pytest.raises(InputFormatError, match="more than 10 bytes"):
        read_bytes(path, max_bytes=10)
    monkeypatch.setenv("EXPOSURE_MAX_DECOMPRESSED_BYTES", "nonsense")
    with pytest.raises(InputFormatError, match="EXPOSURE_MAX_DECOMPRESSED_BYTES"):
        read_bytes(path)


def test_ratio_guard_stops_a_bomb_early(tmp_path):
    path = tmp_path / "bomb.gz"
    path.write_bytes(gzip.compress(bytes(40 << 20)))
    assert path.stat().st_size < 100_000
    with pytest.raises(InputFormatError, match="ratio") as caught:
        read_bytes(path)
    assert caught.value.field == "EXPOSURE_MAX_GZIP_RATIO"


def test_open_text_marks_later_bad_bytes_and_bounds_lines(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"a\n" * 40_000 + b"caf\xe9\n" + b"x" * 100 + b"\nend\n")
    with open_text(path) as handle:
        lines = list(iter_lines(handle, max_chars=50))
    assert undecodable_in(lines[40_000][0]) == 3
    assert lines[40_001] == ("", False) and lines[40_002] == ("end\n", True)
