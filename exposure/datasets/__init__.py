"""Small real data shipped with the package, loaded through importlib.resources."""

from exposure.datasets._base import (
    DEV_FUNDS,
    load_dev_returns,
    load_dev_yields,
    load_etf_holdings,
    load_sample_benchmark,
    load_sample_events,
    load_sample_portfolio,
    load_sample_prices,
    load_seed_article,
    sample_path,
)
from exposure.datasets._synthetic import (
    synthetic_events,
    synthetic_graph_tables,
    synthetic_holdings,
    write_synthetic_graph,
)

__all__ = [
    "DEV_FUNDS",
    "load_dev_returns",
    "load_dev_yields",
    "load_etf_holdings",
    "load_sample_benchmark",
    "load_sample_events",
    "load_sample_portfolio",
    "load_sample_prices",
    "load_seed_article",
    "sample_path",
    "synthetic_events",
    "synthetic_graph_tables",
    "synthetic_holdings",
    "write_synthetic_graph",
]
