"""Currencies: minor units (London pence), Yahoo FX symbols, and rates fetched like any price."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from exposure.market._result import Missing
from exposure.market._source import PriceSource, as_symbols, as_timestamp

__all__ = ["MINOR_UNITS", "ValuationInputs", "fx_rates", "fx_symbol", "split_currency", "valuation_inputs"]

MINOR_UNITS: dict[str, tuple[str, float]] = {
    "GBp": ("GBP", 0.01), "GBX": ("GBP", 0.01), "GBx": ("GBP", 0.01),
    "ZAc": ("ZAR", 0.01), "ZAC": ("ZAR", 0.01), "ILA": ("ILS", 0.01), "ILa": ("ILS", 0.01),
}
"""Quote currencies Yahoo gives in minor units: code -> (ISO code, size of one unit in it)."""


def split_currency(code: str) -> tuple[str, float]:
    """The ISO currency and the scale of a quote currency as Yahoo writes it.

    Examples
    --------
    >>> split_currency("GBp")
    ('GBP', 0.01)
    >>> split_currency("eur")
    ('EUR', 1.0)
    """
    code = str(code).strip()
    if code in MINOR_UNITS:
        return MINOR_UNITS[code]
    return code.upper(), 1.0


def fx_symbol(currency: str, base: str) -> str | None:
    """Yahoo's symbol for the price of one ``currency`` in ``base`` (None when they are the same).

    Examples
    --------
    >>> fx_symbol("EUR", "USD"), fx_symbol("GBp", "USD"), fx_symbol("USD", "USD")
    ('EURUSD=X', 'GBPUSD=X', None)
    """
    iso, _ = split_currency(currency)
    base = split_currency(base)[0]
    return None if iso == base else f"{iso}{base}=X"


def fx_rates(
    source: PriceSource,
    currencies: Iterable[str],
    base: str,
    start: object,
    end: object,
) -> tuple[pd.DataFrame, list[Missing], list[str]]:
    """Daily closes of ``base`` per unit of each currency, through ``source``'s FX symbols.

    Returns
    -------
    rates, missing, notes
        ``rates``: dates x ISO codes (the base itself is 1.0 on every date); ``missing``: the
        currencies the source could not deliver, with the symbol and reason.
    """
    base_iso = split_currency(base)[0]
    isos = sorted({split_currency(c)[0] for c in currencies})
    wanted = {iso: fx_symbol(iso, base_iso) for iso in isos if iso != base_iso}
    notes: list[str] = []
    missing: list[Missing] = []
    frame = pd.DataFrame(index=pd.DatetimeIndex([], name="date"), dtype=float)
    if wanted:
        result = source.prices(list(wanted.values()), start, end, field="close", allow_partial=True)
        notes.extend(result.notes)
        frame = result.frame.rename(columns={v: k for k, v in wanted.items()})
        reasons = {m.symbol: m.reason for m in result.missing}
        missing = [Missing(iso, f"{symbol}: {reasons[symbol]}") for iso, symbol in wanted.items()
                   if symbol in reasons]
    if base_iso in isos or not wanted:
        frame[base_iso] = 1.0
    return frame, missing, notes


@dataclass(frozen=True)
class ValuationInputs:
    """What :func:`exposure.portfolio.value_holdings` needs, fetched through one source.

    Attributes
    ----------
    prices : pandas.DataFrame
        Closes in each security's quote currency (dates x tickers).
    currencies : dict
        Quote currency per ticker as the source gives it (``"GBp"`` for pence).
    fx : pandas.DataFrame
        ``base`` per unit of each ISO currency (dates x ISO codes).
    base : str
        The currency values are expressed in.
    missing : tuple of Missing
        Tickers or currencies the source could not deliver, and why.
    notes : tuple of str
        Everything else the source reported.
    """

    prices: pd.DataFrame
    currencies: dict[str, str]
    fx: pd.DataFrame
    base: str
    missing: tuple[Missing, ...] = ()
    notes: tuple[str, ...] = ()


def valuation_inputs(
    source: PriceSource,
    tickers: Iterable[str],
    *,
    date: object,
    base: str = "USD",
    lookback_days: int = 10,
    currencies: dict[str, str] | None = None,
) -> ValuationInputs:
    """Closes, quote currencies and FX rates to value ``tickers`` on ``date``, all from ``source``.

    Parameters
    ----------
    source : PriceSource
        Prices (field ``close``: valuation uses the traded price, not the dividend-adjusted one)
        and FX symbols such as ``EURUSD=X``.
    tickers : iterable of str
    date : date-like
        Valuation date; the latest close on or before it is used.
    base : str, default "USD"
    lookback_days : int, default 10
        Calendar days before ``date`` searched for the latest close (holidays, other calendars).
    currencies : dict, optional
        Quote currency per ticker; default what the source reports. Tickers with no known
        currency are reported in ``missing``, never assumed.

    Examples
    --------
    >>> import pandas as pd
    >>> from exposure.market import LocalSource
    >>> prices = pd.DataFrame({"date": ["2022-02-23", "2022-02-23"], "ticker": ["BA.L", "GBPUSD=X"],
    ...                        "close": [600.0, 1.35]})
    >>> inputs = valuation_inputs(LocalSource(prices, currencies={"BA.L": "GBp"}), ["BA.L"],
    ...                           date="2022-02-24")
    >>> inputs.currencies, inputs.fx["GBP"].tolist()
    ({'BA.L': 'GBp'}, [1.35])
    """
    wanted = as_symbols(tickers)
    day = as_timestamp(date)
    start = day - pd.Timedelta(days=int(lookback_days))
    result = source.prices(wanted, start, day, field="close", allow_partial=True)
    known = dict(result.currencies)
    known.update({k.strip().upper(): v for k, v in (currencies or {}).items()})
    missing = list(result.missing)
    have = {s: known[s] for s in result.symbols if s in known}
    for s in result.symbols:
        if s not in known:
            missing.append(Missing(s, "quote currency unknown; pass currencies={...} or use a source that knows it"))
    fx, fx_missing, fx_notes = fx_rates(source, have.values(), base, start, day)
    return ValuationInputs(
        prices=result.frame, currencies=have, fx=fx, base=split_currency(base)[0],
        missing=tuple(missing + fx_missing), notes=tuple(result.notes) + tuple(fx_notes),
    )
