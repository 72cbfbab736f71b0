"""Low-level, dependency-free file handling every layer may use: decoding, dates, safe writes.

Nothing here knows about events, graphs or portfolios; it turns bytes and strings into checked
values, and writes files so that a crash never leaves a half-written one behind.
"""

from exposure.io._csv import FORMULA_PREFIXES, csv_safe, csv_safe_text

__all__ = ["FORMULA_PREFIXES", "csv_safe", "csv_safe_text"]
