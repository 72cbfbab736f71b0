"""Holdings given as quantities, valued with prices and FX into a :class:`Portfolio`.

Pure: prices, currencies and FX rates come in as tables (``exposure.market.valuation_inputs``
fetches them through any price source), so a risk system can pass its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from exposure.errors import HoldingsError
from exposure.portfolio._holdings import Portfolio, currency_unit

__all__ = ["Valuation", "value_holdings"]
_COLUMNS = ["quantity", "price", "price_date", "currency", "fx_rate", "fx_date", "market_value",
            "weight", "status", "reason"]


@dataclass(frozen=True)
class Valuation:
    """A portfolio valued from quantities, and the record of how each holding was priced.

    Attributes
    ----------
    portfolio : Portfolio
        Priced holdings, ``weight = market value / nav``.
    table : pandas.DataFrame
        One row per holding (index ``ticker``): quantity, price (in its quote currency),
        price_date, currency, fx_rate (base per unit), fx_date, market_value (base), weight,
        status (``priced`` / ``unpriced``) and reason (why unpriced, or what was assumed).
    base : str
        Currency of market values and NAV.
    date : pandas.Timestamp
        Valuation date.
    """

    portfolio: Portfolio
    table: pd.DataFrame
    base: str
    date: pd.Timestamp

    @property
    def nav(self) -> float:
        """Net asset value in ``base`` (the portfolio's NAV)."""
        return float(self.portfolio.nav or 0.0)

    @property
    def unpriced(self) -> pd.DataFrame:
        """The holdings left out of the portfolio, with the reason."""
        return self.table.loc[self.table["status"] == "unpriced", ["quantity", "reason"]]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: date, base, nav, and one record per holding."""
        rows = self.table.reset_index().astype(object).where(self.table.reset_index().notna(), None)
        records = rows.to_dict("records")
        for record in records:
            for key in ("price_date", "fx_date"):
                if record[key] is not None:
                    record[key] = pd.Timestamp(record[key]).date().isoformat()
        return {"date": self.date.date().isoformat(), "base": self.base, "nav": self.nav,
                "holdings": records}


def value_holdings(
    quantities: Mapping[str, float] | pd.Series,
    prices: pd.DataFrame | object,
    *,
    date: object,
    base: str = "USD",
    currencies: Mapping[str, str] | None = None,
    fx: pd.DataFrame | None = None,
    name: str = "portfolio",
    nav: float | None = None,
) -> Valuation:
    """Value quantities at the latest close on or before ``date``, converted to ``base``.

    Parameters
    ----------
    quantities : Mapping[str, float] or pandas.Series
        Units held per ticker (negative for shorts).
    prices : pandas.DataFrame or ValuationInputs
        Closes in each security's quote currency (dates x tickers); or the object returned by
        :func:`exposure.market.valuation_inputs`, which also supplies ``currencies``, ``fx`` and
        ``base``.
    date : date-like
        Valuation date.
    base : str, default "USD"
    currencies : Mapping[str, str], optional
        Quote currency per ticker as Yahoo writes it (``"GBp"`` = pence, divided by 100). When
        omitted every price is taken to be in ``base`` and the table says so.
    fx : pandas.DataFrame, optional
        ``base`` per unit of currency (dates x ISO codes), latest rate on or before ``date``.
    name : str, default "portfolio"
    nav : float, optional
        NAV to divide by; default the sum of priced market values.

    Returns
    -------
    Valuation
        Unpriced holdings (no price, no currency, no FX rate) are kept in ``table`` with their
        reason, never silently dropped; they are not in ``portfolio``.

    Raises
    ------
    HoldingsError
        If nothing could be priced, or the market values do not sum to a positive NAV.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.to_datetime(["2022-02-23", "2022-02-24"])
    >>> prices = pd.DataFrame({"LMT": [390.0, 400.0], "BA.L": [600.0, 650.0]}, index=days)
    >>> fx = pd.DataFrame({"GBP": [1.35, 1.34]}, index=days)
    >>> v = value_holdings({"LMT": 10, "BA.L": 1000, "XYZ": 5}, prices, date="2022-02-25",
    ...                    currencies={"LMT": "USD", "BA.L": "GBp"}, fx=fx)
    >>> v.table["market_value"].round(2).to_dict()
    {'BA.L': 8710.0, 'LMT': 4000.0, 'XYZ': nan}
    >>> round(v.nav, 2), v.unpriced["reason"].iloc[0]
    (12710.0, 'no close for XYZ in the prices given')
    """
    if hasattr(prices, "prices") and hasattr(prices, "fx"):
        inputs = prices
        prices, fx = inputs.prices, inputs.fx
        currencies = {**inputs.currencies, **dict(currencies or {})}
        base = getattr(inputs, "base", base)
    day = pd.Timestamp(date).normalize()
    base = currency_unit(base)[0]
    qty = pd.Series(dict(quantities) if isinstance(quantities, Mapping) else quantities, dtype=np.float64)
    qty.index = [str(t).strip().upper() for t in qty.index]
    qty = qty.groupby(level=0).sum().sort_index()
    prices = _upto(prices, day)
    fx_frame = _upto(fx, day) if fx is not None else None
    known = {str(k).strip().upper(): v for k, v in (currencies or {}).items()}
    rows = []
    for ticker, quantity in qty.items():
        row = dict.fromkeys(_COLUMNS, np.nan) | {"quantity": float(quantity), "status": "unpriced", "reason": ""}
        series = prices[ticker].dropna() if ticker in prices.columns else pd.Series(dtype=float)
        if not np.isfinite(quantity):
            row["reason"] = "quantity is not a number"
        elif series.empty:
            row["reason"] = f"no close for {ticker} in the prices given" if ticker not in prices.columns \
                else f"no close for {ticker} on or before {day.date()}"
        else:
            row["price"], row["price_date"] = float(series.iloc[-1]), series.index[-1]
            code = known.get(ticker, base if currencies is None else None)
            row["currency"] = code
            if code is None:
                row["reason"] = f"quote currency of {ticker} unknown; pass currencies={{'{ticker}': 'EUR'}}"
            else:
                iso, scale = currency_unit(code)
                rate, rate_date = (1.0, row["price_date"]) if iso == base else _rate(fx_frame, iso)
                if rate is None:
                    row["reason"] = f"no {iso}->{base} rate on or before {day.date()} (Yahoo symbol {iso}{base}=X)"
                else:
                    row.update(fx_rate=rate, fx_date=rate_date, status="priced",
                               market_value=quantity * row["price"] * scale * rate)
                    if currencies is None:
                        row["reason"] = f"currency not given; assumed {base}"
                    elif scale != 1.0:
                        row["reason"] = f"price in {code}: divided by {1 / scale:g} to {iso}"
        rows.append(row)
    table = pd.DataFrame(rows, index=pd.Index(qty.index, name="ticker"), columns=_COLUMNS)
    priced = table["status"] == "priced"
    if not priced.any():
        listing = "; ".join(f"{t}: {r}" for t, r in table["reason"].items())
        raise HoldingsError(f"no holding could be priced ({listing})", where=f"portfolio {name!r}",
                            fix="give prices on or before the valuation date, currencies and FX rates")
    total = float(table.loc[priced, "market_value"].sum()) if nav is None else float(nav)
    if not total > 0:
        raise HoldingsError(f"market values sum to {total:g}, not a positive NAV", where=f"portfolio {name!r}",
                            field="nav", fix="pass nav= (the fund's NAV or gross exposure)")
    table.loc[priced, "weight"] = table.loc[priced, "market_value"] / total
    portfolio = Portfolio(table.loc[priced, "weight"].astype(np.float64), name=name, nav=total)
    return Valuation(portfolio=portfolio, table=table, base=base, date=day)


def _upto(frame: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    frame = frame.copy()
    frame.index = pd.DatetimeIndex(frame.index).normalize()
    frame.columns = [str(c).strip().upper() for c in frame.columns]
    return frame.sort_index().loc[:day]


def _rate(fx: pd.DataFrame | None, iso: str) -> tuple[float | None, pd.Timestamp | None]:
    if fx is None or iso not in fx.columns:
        return None, None
    series = fx[iso].dropna()
    series = series[series > 0]
    if series.empty:
        return None, None
    return float(series.iloc[-1]), series.index[-1]
