"""Market data: one PriceSource interface over Yahoo (yfinance), local files and the bundled sample,
with an on-disk Parquet cache, FX to a base currency, and every failed symbol reported."""

from exposure.market._cache import MarketDataWarning, PriceCache, PriceCacheWarning, default_cache_dir, offline_mode
from exposure.market._fx import (
    MINOR_UNITS,
    ValuationInputs,
    fx_rates,
    fx_symbol,
    split_currency,
    valuation_inputs,
)
from exposure.market._local import LocalSource
from exposure.market._result import FIELDS, Field, Missing, PriceResult
from exposure.market._source import INFO_COLUMNS, PriceSource
from exposure.market._yahoo import YahooSource

__all__ = [
    "FIELDS",
    "INFO_COLUMNS",
    "MINOR_UNITS",
    "Field",
    "LocalSource",
    "MarketDataWarning",
    "Missing",
    "PriceCache",
    "PriceCacheWarning",
    "PriceResult",
    "PriceSource",
    "ValuationInputs",
    "YahooSource",
    "default_cache_dir",
    "fx_rates",
    "fx_symbol",
    "offline_mode",
    "split_currency",
    "valuation_inputs",
]
