"""Low-level, dependency-free file handling every layer may use: decoding, dates, safe writes.

Nothing here knows about events, graphs or portfolios; it turns bytes and strings into checked
values, and writes files so that a crash never leaves a half-written one behind.
"""

from exposure.io._csv import FORMULA_PREFIXES, csv_safe, csv_safe_text
from exposure.io._dates import parse_date, parse_datetime
from exposure.io._files import write_csv_rows
from exposure.io._text import (
    check_input_file,
    check_not_binary,
    csv_header,
    decode_bytes,
    open_bytes,
    open_text,
    read_bytes,
    read_text,
    repeated_names,
    source_text,
)

__all__ = [
    "FORMULA_PREFIXES",
    "check_input_file",
    "check_not_binary",
    "csv_header",
    "csv_safe",
    "csv_safe_text",
    "decode_bytes",
    "open_bytes",
    "open_text",
    "parse_date",
    "parse_datetime",
    "read_bytes",
    "read_text",
    "repeated_names",
    "source_text",
    "write_csv_rows",
]
