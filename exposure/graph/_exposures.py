"""Effective theme exposure of every company: the numbers portfolios and event impact both use.

Rules, in order of precedence, for company c and theme t:

1. explicit: an edge ``c -exposed_to-> t`` (company data: revenue share or relevance) wins;
2. otherwise the larger of
   - industry default: ``g -exposed_to-> t`` on the most specific GICS level of c that has one,
   - roll-up: the largest effective exposure of c to any sub-theme of t (a company that earns
     30% of its revenue from counter-drone earns at least 30% from air defense).

Sub-themes are resolved before their parents, so roll-ups chain up the hierarchy.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

EXPOSURE_COLUMNS = ["company", "theme", "weight", "basis", "source", "via"]


def gics_ancestors(code: str) -> list[str]:
    """GICS codes from the most to the least specific: ``20101010 -> [20101010, 201010, 2010, 20]``."""
    digits = code.removeprefix("gics:")
    return [f"gics:{digits[:n]}" for n in (8, 6, 4, 2) if len(digits) >= n]


def effective_exposures(edges: pd.DataFrame) -> pd.DataFrame:
    """Resolve explicit, default and rolled-up exposures into one long table.

    Parameters
    ----------
    edges : DataFrame
        Validated edge table (columns ``from_id, relation, to_id, weight, source``).

    Returns
    -------
    DataFrame
        Columns ``company, theme, weight, basis, source, via``; ``basis`` is ``explicit``,
        ``industry default`` or ``roll-up``; ``via`` names the GICS node or sub-theme used.
        Sorted by company then theme.
    """
    exposed = edges[edges["relation"] == "exposed_to"]
    is_company = exposed["from_id"].str.startswith("company:")
    explicit = pd.DataFrame({
        "company": exposed.loc[is_company, "from_id"], "theme": exposed.loc[is_company, "to_id"],
        "weight": exposed.loc[is_company, "weight"], "basis": "explicit",
        "source": exposed.loc[is_company, "source"], "via": "",
    })
    defaults = exposed.loc[~is_company, ["from_id", "to_id", "weight", "source"]]
    classified = edges.loc[edges["relation"] == "classified_as", ["from_id", "to_id"]]

    by_code: dict[str, list[tuple[str, float, str]]] = {}
    for code, theme, weight, source in defaults.itertuples(index=False):
        by_code.setdefault(code, []).append((theme, weight, source))
    default_rows = []
    for company, gics in classified.itertuples(index=False):
        seen: set[str] = set()
        for code in gics_ancestors(gics):
            for theme, weight, source in by_code.get(code, ()):
                if theme not in seen:
                    seen.add(theme)
                    default_rows.append((company, theme, weight, "industry default", source, code))
    default = pd.DataFrame(default_rows, columns=EXPOSURE_COLUMNS)

    table = _merge(explicit, default)
    parents = edges.loc[edges["relation"] == "subtheme_of", ["from_id", "to_id"]]
    hierarchy = nx.DiGraph(list(parents.itertuples(index=False, name=None)))
    for theme in nx.topological_sort(hierarchy):
        kids = list(hierarchy.predecessors(theme))
        if not kids:
            continue
        rows = table[table["theme"].isin(kids)]
        if rows.empty:
            continue
        best = rows.sort_values(["company", "weight", "theme"], ascending=[True, False, True])
        best = best.drop_duplicates("company")
        rolled = pd.DataFrame({
            "company": best["company"], "theme": theme, "weight": best["weight"],
            "basis": "roll-up", "source": "largest exposure among sub-themes", "via": best["theme"],
        })
        table = _merge(table, rolled)
    return table.sort_values(["company", "theme"], kind="stable").reset_index(drop=True)


def _merge(current: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """Add candidate rows where the pair is new, or replace a non-explicit row with a larger one."""
    if candidates.empty:
        return current.reset_index(drop=True) if not current.empty else candidates.reindex(columns=EXPOSURE_COLUMNS)
    both = pd.concat([current, candidates], ignore_index=True)
    rank = (both["basis"] == "explicit").astype(int)
    both = both.assign(_rank=rank).sort_values(
        ["company", "theme", "_rank", "weight"], ascending=[True, True, False, False], kind="stable"
    )
    return both.drop_duplicates(["company", "theme"]).drop(columns="_rank").reset_index(drop=True)
