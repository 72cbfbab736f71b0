"""The one place that reads the bundled sample files."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from exposure.errors import ArgumentError

SEED_ARTICLE = "lithuania_drones_article.txt"
ETF_HOLDINGS = "etf_holdings/etf_holdings_extract.csv.gz"


def sample_path(name: str) -> Path:
    """Path of a bundled sample file (see ``exposure/datasets/data/README.md``)."""
    path = Path(str(resources.files("exposure.datasets") / "data" / name))
    if not path.is_file():
        available = sorted(p.name for p in path.parent.iterdir() if p.suffix != ".md")
        raise ArgumentError(f"no bundled sample {name!r}", field="name", fix=f"use one of {available}")
    return path


def load_seed_article():
    """The terminal page about Gerbera drones in Lithuania, parsed into an Event."""
    from exposure.events import read_article

    return read_article(sample_path(SEED_ARTICLE))


def load_sample_events():
    """Real-style terminal headlines from other days (JSONL), as ``(events, rejects)``."""
    from exposure.events import read_events

    return read_events(sample_path("sample_events.jsonl"))


def load_sample_portfolio():
    """A global aerospace, defense and airlines book (weights), as a Portfolio."""
    from exposure.portfolio import read_holdings

    return read_holdings(sample_path("sample_portfolio.csv"), name="sample portfolio")


def load_sample_benchmark():
    """A broad industrials benchmark for the sample portfolio, as a Portfolio."""
    from exposure.portfolio import read_holdings

    return read_holdings(sample_path("sample_benchmark.csv"), name="sample benchmark")


def load_etf_holdings(path: str | Path | None = None):
    """ETF holdings snapshots, long: ``etf, date, holding, weight_pct`` (a DataFrame).

    Parameters
    ----------
    path : str or Path, optional
        A CSV (optionally gzip-compressed) in the same format; default the bundled extract of
        XAR, PPA, ITA, JETS, UFO and ARKX snapshots (see ``data/etf_holdings/README.md``).

    Returns
    -------
    DataFrame
        ``etf`` and ``date`` (``YYYY-MM-DD``) as text, ``holding`` as text (missing for cash or
        unidentified lines), ``weight_pct`` as float, in file order. Rows are not validated here;
        :func:`exposure.portfolio.read_etf_holdings` checks them.

    Examples
    --------
    >>> table = load_etf_holdings()
    >>> sorted(table["etf"].unique())
    ['ARKX', 'ITA', 'JETS', 'PPA', 'UFO', 'XAR']
    """
    import pandas as pd

    source = sample_path(ETF_HOLDINGS) if path is None else Path(path)
    table = pd.read_csv(source, dtype={"etf": str, "date": str, "holding": str}, keep_default_na=False,
                        na_values={"holding": [""], "weight_pct": [""]})
    return table


SAMPLE_PRICES = {
    "us": "prices/us_close_2019_2026.csv.gz",
    "europe": "prices/europe_defense_close_2019_2025.csv.gz",
}
SAMPLE_PRICE_CURRENCIES = {"AIR.PA": "EUR", "BA.L": "GBp", "HO.PA": "EUR", "LDO.MI": "EUR", "SAF.PA": "EUR"}
"""Quote currencies of the bundled European closes (Yahoo's codes; BA.L is in pence)."""


def load_sample_prices(region: str = "us"):
    """Bundled real daily prices, wide (``date`` index x tickers), see ``data/prices/README.md``.

    ``"us"``: adjusted closes of 70 US names and ETFs in USD, 2019-01-02..2026-08-03.
    ``"europe"``: closes of AIR.PA, BA.L (pence), HO.PA, LDO.MI, SAF.PA in local currency
    (:data:`SAMPLE_PRICE_CURRENCIES`), 2019-01-02..2025-08-01. Gaps are left as NaN.

    Examples
    --------
    >>> prices = load_sample_prices("us")
    >>> prices.loc["2022-02-24", ["LMT", "SPY"]].round(2).tolist()
    [351.19, 403.0]
    """
    import pandas as pd

    if region not in SAMPLE_PRICES:
        raise ArgumentError(f"region must be one of {sorted(SAMPLE_PRICES)}, not {region!r}")
    frame = pd.read_csv(sample_path(SAMPLE_PRICES[region]), index_col=0, parse_dates=True)
    frame.index.name = "date"
    return frame


DEV_EVENTS = "dev_events.jsonl"
DEV_RETURNS = "dev_returns.parquet"
DEV_YIELDS = "dev_yields.csv.gz"
DEV_FUNDS: tuple[str, ...] = (
    "ARKX", "DFEN", "DIA", "EFA", "EUAD", "EZU", "FEZ", "FITE", "GCAD", "GLD", "ITA", "IWM", "JEDI", "JETS", "MISL",
    "NATO", "PPA", "QQQ", "ROKT", "SHLD", "SPY", "TLT", "UFO", "USO", "UUP", "VGK", "VOO", "VT", "XAR", "XLE", "XLI",
    "XOP",
)
"""Funds (ETFs) among the development returns: not single stocks, so left out of evaluations."""


def load_dev_returns():
    """Daily simple returns for the development set of real events (date x ticker, float32).

    593 US tickers (S&P 500 members, defence, drone and aerospace names, ETFs), 2015-01-05 to
    2026-08-03, derived from adjusted closes of dsturdy/Factor_Attribution (see
    ``data/README.md``); bad single-day prints are NaN (``dev_returns_flags.csv``).

    Examples
    --------
    >>> returns = load_dev_returns()
    >>> round(float(returns.loc["2022-02-28", "NOC"]), 3)
    0.079
    """
    import pandas as pd

    frame = pd.read_parquet(sample_path(DEV_RETURNS))
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    return frame


def load_dev_yields():
    """Daily US Treasury yields in percent (date x ``^IRX`` 13-week, ``^TNX`` 10-year), 2015-2026.

    Levels, not prices: the factor :mod:`exposure.estimate` uses for interest rates is their daily
    change. Same source as :func:`load_dev_returns` (see ``data/README.md``).

    Examples
    --------
    >>> yields = load_dev_yields()
    >>> list(yields.columns), float(yields.loc["2022-06-14", "^TNX"])
    (['^IRX', '^TNX'], 3.483)
    """
    import pandas as pd

    frame = pd.read_csv(sample_path(DEV_YIELDS), index_col="date", parse_dates=["date"])
    frame.index = pd.DatetimeIndex(frame.index, name="date")
    return frame
