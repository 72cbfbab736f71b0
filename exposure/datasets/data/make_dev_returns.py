"""One-off build of the development set's returns extract (run by hand, never at run or test time).

    .venv/bin/python exposure/datasets/data/make_dev_returns.py /work/shared/data/prices/us_daily_close_2015_2026.csv.gz

Reads the wide daily adjusted closes of dsturdy/Factor_Attribution (data/<TICKER>.csv, commit
096a2ae029378abaa28323ad4fde7a1aba803efb, as collected in the project's shared data folder) and
writes, beside this script:

- ``dev_returns.parquet``: daily simple returns (rounded to 0.1 bp, float32, zstd), date x ticker, every session
  of the file (the development set's estimation windows, gaps and event windows, and the history
  :mod:`exposure.estimate` learns exposures from), every ticker except the yields ^IRX and ^TNX;
- ``dev_yields.csv.gz``: the yields ^IRX (13-week bill) and ^TNX (10-year note), in percent, as
  levels (they are not prices, so they get no return);
- ``dev_returns_flags.csv``: every return set to NaN by the spike rule below, with its reason;
- and it marks the holdout quarter of ``dev_events.jsonl`` in place (see :func:`holdout_flags`).

Spike rule (bad single-day prints such as DFEN 2024-06-03 and UAVS 2024-09-30): a close that
moves the log price by more than 0.75 ln 2 from the previous close and is reversed by at least
half the next session is treated as a bad print; the two returns that touch it are set to NaN.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
EVENTS = HERE / "dev_events.jsonl"
RETURNS = HERE / "dev_returns.parquet"
YIELDS = HERE / "dev_yields.csv.gz"
FLAGS = HERE / "dev_returns_flags.csv"
NOT_PRICES = ["^IRX", "^TNX"]
SPIKE_LOG_MOVE = 0.75 * np.log(2)


def holdout_flags(records: list[dict]) -> list[bool]:
    """Every 4th event of each category by publication time, starting with the 3rd, is holdout."""
    flags = [False] * len(records)
    by_category: dict[str, list[int]] = {}
    for i in sorted(range(len(records)), key=lambda i: (records[i]["published_at"], records[i]["id"])):
        by_category.setdefault(records[i]["category"], []).append(i)
    for members in by_category.values():
        for rank, i in enumerate(members):
            flags[i] = rank % 4 == 2
    return flags


def spikes(prices: pd.DataFrame) -> pd.DataFrame:
    """Closes that jump and revert the next session: date, ticker, closes around it, reason."""
    log_move = np.log(prices).diff()
    after = log_move.shift(-1)
    reverts = (np.sign(after) == -np.sign(log_move)) & (after.abs() >= 0.5 * log_move.abs())
    hit = (log_move.abs() > SPIKE_LOG_MOVE) & reverts
    rows = []
    for date, ticker in hit.stack().loc[lambda s: s].index:
        at = prices.index.get_loc(date)
        rows.append({"date": date.strftime("%Y-%m-%d"), "ticker": ticker,
                     "close_before": prices[ticker].iloc[at - 1], "close": prices[ticker].iloc[at],
                     "close_after": prices[ticker].iloc[at + 1],
                     "reason": "single-day spike reversed the next session (bad or illiquid print); "
                               "returns of this day and the next set to NaN"})
    return pd.DataFrame(rows)


def main(source: str) -> None:
    records = [json.loads(line) for line in EVENTS.read_text().splitlines() if line.strip()]
    for record, flag in zip(records, holdout_flags(records)):
        record["holdout"] = flag
    EVENTS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))

    closes = pd.read_csv(source, index_col=0, parse_dates=True).sort_index()
    yields = closes[NOT_PRICES].dropna(how="all").round(4)
    yields.index.name = "date"
    yields.to_csv(YIELDS, float_format="%.4f", compression={"method": "gzip", "mtime": 0})
    prices = closes.drop(columns=NOT_PRICES)
    returns = prices.pct_change(fill_method=None)
    flags = spikes(prices)
    for row in flags.itertuples(index=False):
        at = prices.index.get_loc(pd.Timestamp(row.date))
        returns.iloc[[at, at + 1], returns.columns.get_loc(row.ticker)] = np.nan

    extract = returns.iloc[1:].round(5).astype("float32")
    extract.index.name = "date"
    extract.columns.name = "ticker"
    extract.to_parquet(RETURNS, compression="zstd", compression_level=19)
    flags.to_csv(FLAGS, index=False, float_format="%.6g")
    print(f"{RETURNS.name}: {extract.shape[0]} sessions {extract.index[0].date()}..{extract.index[-1].date()} x "
          f"{extract.shape[1]} tickers, {RETURNS.stat().st_size / 1e6:.2f} MB; {len(flags)} spikes flagged; "
          f"holdout {sum(r['holdout'] for r in records)} of {len(records)} events")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/prices/us_daily_close_2015_2026.csv.gz")
