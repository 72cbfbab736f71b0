"""Portfolios: holdings tables read into immutable ticker -> weight sets."""

from exposure.portfolio._holdings import HoldingsSource, HoldingsWarning, Portfolio, read_holdings

__all__ = ["HoldingsSource", "HoldingsWarning", "Portfolio", "read_holdings"]
