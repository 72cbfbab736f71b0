"""The keyword -> GICS sector baseline: ten-minute rules applied to the same text as the graph."""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from exposure.errors import DataError
from exposure.events import Event

KEYWORD_RULES = "keyword_sectors.csv"


def load_keyword_rules(path: str | Path | None = None) -> pd.DataFrame:
    """Keyword rules: ``keyword``, ``sector``, ``sign``, ``note`` (default the bundled file).

    Examples
    --------
    >>> rules = load_keyword_rules()
    >>> rules.loc[rules["keyword"] == "crude", ["sector", "sign"]].values.tolist()
    [['Energy', 1]]
    """
    bundled = resources.files("exposure.evaluation") / "data" / KEYWORD_RULES
    source = Path(path) if path is not None else Path(str(bundled))
    rules = pd.read_csv(source, dtype={"keyword": str, "sector": str, "note": str})
    missing = {"keyword", "sector", "sign"} - set(rules.columns)
    if missing:
        raise DataError(f"keyword rules lack {sorted(missing)}", where=str(source), field=", ".join(sorted(missing)),
                        fix="give columns keyword, sector, sign (and optionally note)")
    bad = rules.index[~rules["sign"].isin([-1, 1])]
    if len(bad):
        raise DataError(f"sign must be +1 or -1, got {rules.at[bad[0], 'sign']!r}", where=f"{source} row {bad[0] + 2}",
                        field="sign", fix="write 1 or -1")
    rules["keyword"] = rules["keyword"].str.strip().str.lower()
    return rules


def keyword_sector_scores(
    events: Sequence[Event], sectors: pd.Series, rules: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Baseline scores: events x tickers, the sum of the signs of the rules that fire for each sector.

    Parameters
    ----------
    events : sequence of Event
        Their ``headline`` and ``body`` are read (lower case, whole words).
    sectors : Series
        GICS sector label per ticker (index); tickers without a sector score 0.
    rules : DataFrame, optional
        As returned by :func:`load_keyword_rules` (default the bundled rules).

    Examples
    --------
    >>> event = Event(id="e", headline="OPEC agrees output cut", body="Crude jumped.")
    >>> sectors = pd.Series({"XOM": "Energy", "DAL": "Industrials", "XYZ": None})
    >>> keyword_sector_scores([event], sectors).loc["e"].tolist()
    [3.0, 0.0, 0.0]
    """
    rules = load_keyword_rules() if rules is None else rules
    patterns = {k: re.compile(r"\b" + re.escape(k) + r"\b") for k in rules["keyword"].unique()}
    sector_names = sorted(rules["sector"].unique())
    per_event = np.zeros((len(events), len(sector_names)))
    column = {s: j for j, s in enumerate(sector_names)}
    for i, event in enumerate(events):
        text = event.text.lower()
        fired = {k for k, pattern in patterns.items() if pattern.search(text)}
        for rule in rules[rules["keyword"].isin(fired)].itertuples(index=False):
            per_event[i, column[rule.sector]] += rule.sign
    member = np.zeros((len(sector_names), len(sectors)))
    for j, sector in enumerate(sectors.to_numpy()):
        if sector in column:
            member[column[sector], j] = 1.0
    return pd.DataFrame(per_event @ member, index=pd.Index([e.id for e in events], name="event_id"),
                        columns=pd.Index(sectors.index, name="ticker"))
