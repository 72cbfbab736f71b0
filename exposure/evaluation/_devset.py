"""The bundled development set: real, dated market-moving events and the returns they need."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from exposure.datasets import DEV_FUNDS, load_dev_returns, sample_path
from exposure.datasets._base import DEV_EVENTS
from exposure.errors import DataError
from exposure.events import Event
from exposure.evaluation._evaluate import read_labelled_events


@dataclass(frozen=True)
class DevSet:
    """Events, their labels (``category``, ``holdout``), returns, and the stocks to evaluate over."""

    events: list[Event]
    labels: pd.DataFrame
    returns: pd.DataFrame
    universe: list[str]


def load_dev_set() -> DevSet:
    """The development set: 134 real events of 2016-2025 in 30 categories, a quarter marked holdout.

    The universe is every ticker of the returns except funds (:data:`exposure.datasets.DEV_FUNDS`)
    and the market (SPY). See ``exposure/datasets/data/README.md`` for sources.

    Examples
    --------
    >>> dev = load_dev_set()
    >>> len(dev.events) >= 80, dev.labels["category"].nunique() >= 15, int(dev.labels["holdout"].sum())
    (True, True, 32)
    """
    events, labels, rejects = read_labelled_events(sample_path(DEV_EVENTS))
    if rejects:
        raise DataError(f"bundled development set has {len(rejects)} bad records: {rejects[0].reason}",
                        where=f"{DEV_EVENTS} line {rejects[0].line}", fix="repair the package's data file")
    returns = load_dev_returns()
    universe = [t for t in returns.columns if t not in DEV_FUNDS]
    return DevSet(events, labels, returns, universe)
