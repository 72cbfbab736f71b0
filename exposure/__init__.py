"""exposure: news events -> knowledge graph -> securities -> portfolio theme exposure.

Every number is explainable down to the graph edges that produced it, and stamped with the
version (content hash) of the graph used.
"""

from importlib.metadata import PackageNotFoundError, version

from exposure import datasets, estimate
from exposure.analytics import PortfolioReport, portfolio_report
from exposure.errors import (
    DataError,
    EventError,
    ExposureError,
    GraphError,
    HoldingsError,
    MarketDataError,
    Reject,
    UnknownConceptError,
)
from exposure.evaluation import EvaluationResult, evaluate
from exposure.events import Event, parse_article, read_article, read_events
from exposure.graph import KnowledgeGraph, default_graph, load_graph
from exposure.impact import EventImpacts, ImpactSettings, map_events
from exposure.portfolio import Portfolio, read_holdings

try:
    __version__ = version("exposure")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

__all__ = [
    "DataError",
    "Event",
    "EventError",
    "EvaluationResult",
    "EventImpacts",
    "ExposureError",
    "GraphError",
    "HoldingsError",
    "ImpactSettings",
    "KnowledgeGraph",
    "MarketDataError",
    "Portfolio",
    "PortfolioReport",
    "Reject",
    "UnknownConceptError",
    "__version__",
    "datasets",
    "default_graph",
    "estimate",
    "evaluate",
    "load_graph",
    "map_events",
    "parse_article",
    "portfolio_report",
    "read_article",
    "read_events",
    "read_holdings",
]
