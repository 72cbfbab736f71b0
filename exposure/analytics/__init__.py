"""Exposure analytics: theme, sector, country and event exposure of portfolios.

Pure functions on pandas inputs (an exposure table, security info, event impacts); every total
comes with the per-holding contributions that add up to it exactly. ``portfolio_report`` joins
them with the knowledge graph and events.
"""

from exposure.analytics._exposure import (
    WeightsLike,
    country_exposure,
    coverage,
    event_contributions,
    event_sensitivity,
    group_exposure,
    sector_exposure,
    theme_exposure,
)
from exposure.analytics._many import PortfolioSet, event_exposures, theme_exposures
from exposure.analytics._report import PortfolioReport, portfolio_report
from exposure.analytics._results import Coverage, ThemeExposure

__all__ = [
    "Coverage",
    "PortfolioReport",
    "PortfolioSet",
    "ThemeExposure",
    "WeightsLike",
    "country_exposure",
    "coverage",
    "event_contributions",
    "event_exposures",
    "event_sensitivity",
    "group_exposure",
    "portfolio_report",
    "sector_exposure",
    "theme_exposure",
    "theme_exposures",
]
