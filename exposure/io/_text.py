"""One way to turn an input file into text: UTF-8 (with or without BOM), UTF-16/32 with a BOM, gzip.

Everything else is refused with :class:`~exposure.errors.InputFormatError` naming the file, the byte
offset, the encoding the bytes look like and the fix, instead of being read as garbage: invalid
UTF-8 (Latin-1, cp1252, UTF-16 without BOM) and binary files (NUL bytes; Parquet, zip/Excel, PDF,
images). Gzip input is decompressed with a bound on the decompressed size and on the ratio, so a
small crafted ``.gz`` cannot fill the memory or the disk.

Limits come from arguments, else from the environment (``EXPOSURE_MAX_DECOMPRESSED_BYTES``,
``EXPOSURE_MAX_GZIP_RATIO``), else from the defaults below.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from exposure.errors import InputFormatError

__all__ = [
    "DEFAULT_MAX_DECOMPRESSED_BYTES",
    "DEFAULT_MAX_GZIP_RATIO",
    "check_input_file",
    "check_not_binary",
    "csv_header",
    "decode_bytes",
    "decompression_limit",
    "is_gzip",
    "iter_lines",
    "open_bytes",
    "open_text",
    "read_bytes",
    "read_text",
    "repeated_names",
    "source_text",
    "undecodable_in",
    "undecodable_reason",
]

DEFAULT_MAX_DECOMPRESSED_BYTES = 1 << 30
DEFAULT_MAX_GZIP_RATIO = 200
# Below this many decompressed bytes the ratio is not checked: small repetitive files are fine.
_RATIO_FLOOR = 16 << 20
_HEAD = 1 << 16
_CHUNK = 1 << 20

_GZIP_MAGIC = b"\x1f\x8b"
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"PAR1", "a Parquet file", "give it a .parquet name where Parquet is accepted, or export it as CSV (UTF-8)"),
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx or a .zip)",
     "unzip it, or in Excel use Save As 'CSV UTF-8 (comma delimited)'"),
    (b"\xd0\xcf\x11\xe0", "an old Excel/Office file", "in Excel use Save As 'CSV UTF-8 (comma delimited)'"),
    (b"%PDF", "a PDF document", "copy the text out of it into a UTF-8 text file"),
    (b"\x89PNG", "a PNG image", "give a text file"),
    (b"\xff\xd8\xff", "a JPEG image", "give a text file"),
    (b"GIF8", "a GIF image", "give a text file"),
    (b"BZh", "a bzip2 archive", "decompress it, or recompress it with gzip (.gz)"),
    (b"\xfd7zXZ\x00", "an xz archive", "decompress it, or recompress it with gzip (.gz)"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive", "decompress it, or recompress it with gzip (.gz)"),
    (b"7z\xbc\xaf", "a 7-zip archive", "decompress it"),
    (b"SQLite format 3\x00", "an SQLite database", "export the table as CSV (UTF-8)"),
    (b"\x7fELF", "a program", "give a text file"),
)
_FIX_UTF8 = "save it as UTF-8 (in Excel: Save As 'CSV UTF-8'; in an editor: Save with Encoding 'UTF-8')"


def check_input_file(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` as a Path if it names a readable file; refuse folders and missing files.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     check_input_file(folder)
    Traceback (most recent call last):
    ...
    exposure.errors.InputFormatError: ...: is a folder, not a file. Fix: give the path of one file
    """
    path = Path(path)
    if path.is_dir():
        raise InputFormatError("is a folder, not a file", where=str(path), fix="give the path of one file")
    if not path.exists():
        raise InputFormatError("no such file", where=str(path), fix="check the path and the working directory")
    if not path.is_file():
        raise InputFormatError("is not a regular file", where=str(path), fix="give the path of one file")
    return path


def is_gzip(path: str | os.PathLike[str]) -> bool:
    """Whether the file starts with the gzip magic number (its name does not matter)."""
    with open(check_input_file(path), "rb") as probe:
        return probe.read(2) == _GZIP_MAGIC


def open_bytes(
    path: str | os.PathLike[str],
    *,
    max_bytes: int | None = None,
    max_ratio: float | None = None,
) -> IO[bytes]:
    """Open a file for reading bytes, decompressing gzip (told by content) within bounds.

    Reading more than ``max_bytes`` decompressed bytes, or more than ``max_ratio`` times the
    compressed size once past 16 MiB, raises :class:`InputFormatError`; so does a corrupt or
    truncated gzip stream. Plain files are returned as they are.
    """
    path = check_input_file(path)
    if not is_gzip(path):
        return open(path, "rb")  # noqa: SIM115 - the caller closes it
    limit = _limit(max_bytes, "EXPOSURE_MAX_DECOMPRESSED_BYTES", DEFAULT_MAX_DECOMPRESSED_BYTES)
    ratio = _limit(max_ratio, "EXPOSURE_MAX_GZIP_RATIO", DEFAULT_MAX_GZIP_RATIO)
    raw = _BoundedGzip(path, limit, ratio * max(path.stat().st_size, 1))
    return io.BufferedReader(raw, buffer_size=_CHUNK)


def read_bytes(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, max_ratio: float | None = None
) -> bytes:
    """All the bytes of a file, gzip decompressed within the bounds of :func:`open_bytes`."""
    with open_bytes(path, max_bytes=max_bytes, max_ratio=max_ratio) as handle:
        return handle.read()


def read_text(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, max_ratio: float | None = None
) -> str:
    """The text of a file: gzip decompressed within bounds, decoded by :func:`decode_bytes`.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "book.csv"
    ...     _ = path.write_bytes("ticker,name\\nRHM.DE,Rheinmetall\\n".encode("utf-16"))
    ...     read_text(path)
    'ticker,name\\nRHM.DE,Rheinmetall\\n'
    """
    where = os.fspath(path)
    return decode_bytes(read_bytes(path, max_bytes=max_bytes, max_ratio=max_ratio), where=where)


def decode_bytes(data: bytes, *, where: str | None = None) -> str:
    """Decode input bytes: UTF-8, or UTF-8/16/32 with a BOM; refuse anything else.

    The BOM is dropped; line endings are left as they are.

    Parameters
    ----------
    data : bytes
    where : str, optional
        The file name, for the message.

    Returns
    -------
    str

    Raises
    ------
    InputFormatError
        If the bytes are binary (NUL bytes, a known file signature) or not UTF-8, naming the byte
        offset and the encoding they look like.

    Examples
    --------
    >>> decode_bytes(b"\\xef\\xbb\\xbfOil jumps \\xe2\\x80\\x93 again")
    'Oil jumps – again'
    >>> decode_bytes("Öl".encode("utf-16-be"), where="x.csv")
    Traceback (most recent call last):
    ...
    exposure.errors.InputFormatError: x.csv: has NUL bytes at byte 0: looks like UTF-16 without a byte-order mark ...
    >>> decode_bytes("Gebühr".encode("latin-1"), where="x.csv")
    Traceback (most recent call last):
    ...
    exposure.errors.InputFormatError: x.csv: is not UTF-8: byte 0xfc at offset 3 (line 1): looks like Latin-1/cp1252 ...
    """
    encoding = _bom_encoding(data)
    if encoding is not None and encoding != "utf-8-sig":
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputFormatError(
                f"is not valid {encoding.upper()} although it starts with a {encoding.upper()} byte-order "
                f"mark: bad bytes at offset {exc.start}", where=where, fix=_FIX_UTF8,
            ) from None
    check_not_binary(data[:_HEAD], where=where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFormatError(undecodable_reason(data, exc.start), where=where, fix=_FIX_UTF8) from None


def check_not_binary(head: bytes, *, where: str | None = None) -> None:
    """Refuse bytes that start like a binary file or hold NUL bytes (UTF-16/32 without BOM)."""
    if _bom_encoding(head) not in (None, "utf-8-sig"):
        return
    for magic, kind, fix in _MAGIC:
        if head.startswith(magic):
            raise InputFormatError(f"is {kind}, not text", where=where, fix=fix)
    if head.startswith(_GZIP_MAGIC):
        raise InputFormatError("is gzip-compressed where text was expected", where=where,
                               fix="decompress it, or give it as a file path ending in .gz")
    nul = head.find(b"\x00")
    if nul >= 0:
        raise InputFormatError(f"has NUL bytes at byte {nul}: {_nul_guess(head)}", where=where,
                               fix=f"{_FIX_UTF8}, or as UTF-16 with a BOM")


def undecodable_reason(data: bytes, offset: int) -> str:
    """Say where ``data`` stops being UTF-8 and what encoding the bytes look like.

    >>> undecodable_reason("café".encode("cp1252"), 3)
    'is not UTF-8: byte 0xe9 at offset 3 (line 1): looks like Latin-1/cp1252 (Windows)'
    """
    line = data.count(b"\n", 0, offset) + 1
    return (f"is not UTF-8: byte 0x{data[offset]:02x} at offset {offset} (line {line}): "
            f"looks like {_guess(data, offset)}")


def open_text(
    path: str | os.PathLike[str], *, max_bytes: int | None = None, max_ratio: float | None = None
) -> IO[str]:
    """Open an input file as text lines for streaming: gzip within bounds, BOM honoured.

    Binary files are refused at the call. Invalid UTF-8 further on does not stop reading: each
    bad byte becomes a lone surrogate (``surrogateescape``); :func:`undecodable_in` finds them,
    so a reader can reject the one record that holds them. Line endings are normalised to ``\\n``.
    """
    where = os.fspath(path)
    binary = open_bytes(path, max_bytes=max_bytes, max_ratio=max_ratio)
    try:
        head = binary.peek(_HEAD)[:_HEAD] if hasattr(binary, "peek") else b""  # type: ignore[attr-defined]
        check_not_binary(head, where=where)
        encoding = _bom_encoding(head) or "utf-8"
        start = _first_bad(head) if encoding == "utf-8" else None
        if start is not None:
            # A file that is not UTF-8 in its first 64 KiB is refused whole, not record by record.
            raise InputFormatError(undecodable_reason(head, start), where=where, fix=_FIX_UTF8)
    except BaseException:
        binary.close()
        raise
    return io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline=None)  # type: ignore[arg-type]


def source_text(source: str | os.PathLike[str] | IO[str] | IO[bytes], *, where: str | None = None) -> str:
    """The text of a path (as :func:`read_text`) or of an open file (bytes decoded by :func:`decode_bytes`)."""
    if isinstance(source, str | os.PathLike):
        return read_text(source)
    content = source.read()
    return decode_bytes(content, where=where) if isinstance(content, bytes) else content


def csv_header(text: str) -> list[str]:
    """The cells of the first non-blank CSV record of ``text``, stripped (``[]`` if none).

    >>> csv_header("\\nticker, weight ,ticker\\nLMT,0.5,X\\n")
    ['ticker', 'weight', 'ticker']
    """
    import csv

    try:
        for cells in csv.reader(io.StringIO(text, newline="")):
            if any(cell.strip() for cell in cells):
                return [cell.strip() for cell in cells]
    except csv.Error:
        return []
    return []


def repeated_names(names: list[str]) -> list[str]:
    """The names that appear more than once, sorted (pandas would silently rename them ``x.1``).

    >>> repeated_names(["ticker", "weight", "ticker"])
    ['ticker']
    """
    seen: set[str] = set()
    return sorted({name for name in names if name in seen or seen.add(name)})


def undecodable_in(text: str) -> int | None:
    """Index of the first byte of ``text`` that was not UTF-8 (see :func:`open_text`), else None.

    >>> undecodable_in(b"caf\\xe9".decode("utf-8", errors="surrogateescape")), undecodable_in("café")
    (3, None)
    """
    if text.isascii():
        return None
    try:
        text.encode("utf-8")  # lone surrogates, which surrogateescape makes of bad bytes, do not encode
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def iter_lines(handle: IO[str], max_chars: int) -> Iterator[tuple[str, bool]]:
    """Yield ``(line, complete)`` from a text handle, never holding more than ``max_chars``.

    A line longer than ``max_chars`` is yielded once as its first ``max_chars`` characters with
    ``complete=False``; the rest of it is read and dropped.
    """
    while True:
        line = handle.readline(max_chars + 1)
        if not line:
            return
        if len(line) <= max_chars or line.endswith("\n") and len(line) == max_chars + 1:
            yield line, True
            continue
        while not line.endswith("\n"):
            line = handle.readline(_CHUNK)
            if not line:
                break
        yield "", False


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _first_bad(head: bytes) -> int | None:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A character cut by the end of the sample is not an error.
        cut = exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
        return None if cut else exc.start
    return None


def _nul_guess(data: bytes) -> str:
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if even + odd > len(sample) // 4:
        if odd > 2 * even:
            return "looks like UTF-16-LE without a byte-order mark (BOM)"
        if even > 2 * odd:
            return "looks like UTF-16 without a byte-order mark (BOM)"
        return "looks like UTF-32 without a byte-order mark (BOM)"
    return "looks like a binary file, not text"


def _guess(data: bytes, offset: int) -> str:
    sample = data[max(offset - 4096, 0): offset + 4096]
    if b"\x00" in sample:
        return _nul_guess(sample)[len("looks like "):]
    if any(byte >= 0x80 for byte in sample):
        return "Latin-1/cp1252 (Windows)"
    return "another encoding"


def decompression_limit(max_bytes: int | None = None) -> int:
    """The decompressed-size bound: ``max_bytes``, else ``EXPOSURE_MAX_DECOMPRESSED_BYTES``, else 1 GiB."""
    return int(_limit(max_bytes, "EXPOSURE_MAX_DECOMPRESSED_BYTES", DEFAULT_MAX_DECOMPRESSED_BYTES))


def _limit(value: float | None, variable: str, default: float) -> float:
    if value is not None:
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise InputFormatError(f"must be a positive number, got {value!r}", field=variable.lower(),
                                   fix="give a positive number")
        return value
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not number > 0:
        raise InputFormatError(f"must be a positive number, got {text!r}", where="environment", field=variable,
                               fix=f"set {variable} to a number of bytes such as 1073741824, or unset it")
    return number


class _BoundedGzip(io.RawIOBase):
    """A gzip file read within a decompressed-size bound; corrupt streams become InputFormatError."""

    def __init__(self, path: Path, limit: float, ratio_limit: float) -> None:
        self._path = path
        self._file = gzip.open(path, "rb")  # noqa: SIM115 - closed by close()
        self._limit = limit
        self._ratio_limit = max(ratio_limit, _RATIO_FLOOR)
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._file.read(len(buffer))
        except (OSError, EOFError, zlib.error) as exc:
            raise InputFormatError(f"is a corrupt or truncated gzip file ({exc})", where=str(self._path),
                                   fix="compress it again, or give it uncompressed") from None
        self._read += len(data)
        if self._read > self._limit:
            raise InputFormatError(
                f"decompresses to more than {int(self._limit):,} bytes", where=str(self._path),
                field="EXPOSURE_MAX_DECOMPRESSED_BYTES",
                fix="split the file, or raise the limit with EXPOSURE_MAX_DECOMPRESSED_BYTES if you trust it",
            )
        if self._read > self._ratio_limit:
            raise InputFormatError(
                f"decompresses to over {int(self._ratio_limit):,} bytes from "
                f"{self._path.stat().st_size:,} compressed: a ratio no real data file reaches",
                where=str(self._path), field="EXPOSURE_MAX_GZIP_RATIO",
                fix="check where the file came from; raise EXPOSURE_MAX_GZIP_RATIO if you trust it",
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()
