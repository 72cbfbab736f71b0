"""Portfolios: holdings tables read into immutable ticker -> weight sets."""

from exposure.portfolio._holdings import HoldingsSource, HoldingsWarning, Portfolio, read_holdings
from exposure.portfolio._lookthrough import (
    EtfHoldingsSource,
    LookThroughReport,
    LookThroughWarning,
    look_through,
    read_etf_holdings,
)
from exposure.portfolio._valuation import Valuation, value_holdings

__all__ = [
    "EtfHoldingsSource",
    "HoldingsSource",
    "HoldingsWarning",
    "LookThroughReport",
    "LookThroughWarning",
    "Portfolio",
    "Valuation",
    "look_through",
    "read_etf_holdings",
    "read_holdings",
    "value_holdings",
]
