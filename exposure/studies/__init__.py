"""Returns-based checks of graph exposure: returns, betas, theme baskets, event studies, calibration.

Pure functions on pandas frames of prices or returns (date x ticker); the only I/O is
:func:`read_prices` and :func:`load_gpr` (the bundled prices load with
:func:`exposure.datasets.load_sample_prices`).
"""

from exposure.studies._betas import (
    Betas,
    ThemeBasket,
    factor_betas,
    gpr_betas,
    gpr_changes,
    portfolio_returns,
    rolling_betas,
    theme_basket,
)
from exposure.studies._calendar import Exchange, exchange_of, session_day
from exposure.studies._data import load_gpr, read_prices
from exposure.studies._eventstudy import MODELS, EventStudyResult, event_study
from exposure.studies._ols import OLSResult, ols, rolling_ols
from exposure.studies._returns import ReturnsResult, as_returns, clean_prices, prices_to_returns
from exposure.studies._validate import (
    Calibration,
    CalibrationWarning,
    MappedComparison,
    calibrate,
    graph_of_day,
    mapped_vs_unmapped,
    sensitivity_bps,
)

__all__ = [
    "MODELS",
    "Betas",
    "Calibration",
    "CalibrationWarning",
    "EventStudyResult",
    "Exchange",
    "MappedComparison",
    "OLSResult",
    "ReturnsResult",
    "ThemeBasket",
    "as_returns",
    "calibrate",
    "clean_prices",
    "event_study",
    "exchange_of",
    "factor_betas",
    "gpr_betas",
    "gpr_changes",
    "graph_of_day",
    "load_gpr",
    "mapped_vs_unmapped",
    "ols",
    "portfolio_returns",
    "prices_to_returns",
    "read_prices",
    "rolling_betas",
    "rolling_ols",
    "session_day",
    "sensitivity_bps",
    "theme_basket",
]
