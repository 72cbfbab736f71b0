"""Effective theme exposure of every company: the numbers portfolios and event impact both use.

Rules, in order of precedence, for company c and theme t:

1. explicit: an edge ``c -exposed_to-> t`` (company data: revenue share or relevance) wins;
2. otherwise the larger of
   - industry default: ``g -exposed_to-> t`` on the most specific GICS level of c that has one,
   - roll-up: the largest effective exposure of c to any sub-theme of t (a company that earns
     30% of its revenue from counter-drone earns at least 30% from air defense).

Sub-themes are resolved before their parents, so roll-ups chain up the hierarchy.

Blended exposures (``exposures="blend"``): an ``exposed_to_blend`` edge (the revenue prior blended
with returns-based evidence by :mod:`exposure.estimate`) takes the place of the company's
explicit figure for that theme, or stands as one where there was none, with basis
``returns-blend``; everything else follows the rules above. With ``exposures="prior"`` (the
default) blend edges are ignored.

Ties are settled the same way everywhere: between rows of one company and theme, an explicit row
beats the others, then the larger weight wins, then the row seen first (explicit rows in edge
order, then defaults in classification, GICS level and edge order, then the row already in the
table before a roll-up); among sub-themes of equal weight the smallest theme id is the ``via``.

The work is done on integer codes (ids factorised in sorted order, so code order is id order):
the table is kept sorted by (theme, company) and each height of the theme hierarchy (the themes
whose sub-themes are all resolved) is rolled up in one vectorised pass that touches only the rows
of its sub-themes and parents, which keeps a graph of a million edges to a second or two.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from exposure.errors import ArgumentError

EXPOSURE_COLUMNS = ["company", "theme", "weight", "basis", "source", "via"]
EXPOSURE_MODES = ("prior", "blend")
_BASES = ["explicit", "industry default", "roll-up"]
_BLEND_BASIS = "returns-blend"
_EXPLICIT, _DEFAULT, _ROLLUP = range(3)
_ROLLUP_SOURCE = "largest exposure among sub-themes"
_LEVELS = (8, 6, 4, 2)


def gics_ancestors(code: str) -> list[str]:
    """GICS codes from the most to the least specific: ``20101010 -> [20101010, 201010, 2010, 20]``."""
    digits = code.removeprefix("gics:")
    return [f"gics:{digits[:n]}" for n in _LEVELS if len(digits) >= n]


def effective_exposures(edges: pd.DataFrame, *, exposures: str = "prior") -> pd.DataFrame:
    """Resolve explicit, default and rolled-up exposures into one long table.

    Parameters
    ----------
    edges : DataFrame
        Validated edge table (columns ``from_id, relation, to_id, weight, source``).
    exposures : {"prior", "blend"}, default "prior"
        ``"blend"`` puts ``exposed_to_blend`` edges in place of the explicit figures (basis
        ``returns-blend``); ``"prior"`` ignores them.

    Returns
    -------
    DataFrame
        Columns ``company, theme, weight, basis, source, via``; ``basis`` is ``explicit``,
        ``industry default`` or ``roll-up``; ``via`` names the GICS node or sub-theme used.
        Sorted by company then theme.

    Examples
    --------
    >>> import pandas as pd
    >>> edges = pd.DataFrame({
    ...     "from_id": ["company:a", "gics:2010", "company:a", "theme:counter-drone"],
    ...     "relation": ["exposed_to", "exposed_to", "classified_as", "subtheme_of"],
    ...     "to_id": ["theme:counter-drone", "theme:defense-spending", "gics:20101010",
    ...               "theme:defense-spending"],
    ...     "weight": [0.6, 0.4, 1.0, 1.0], "source": ["10-K", "curated: sector", "", "curated"],
    ... })
    >>> table = effective_exposures(edges)
    >>> table["basis"].tolist()
    ['explicit', 'roll-up']
    >>> table.loc[1, ["theme", "via"]].tolist(), float(table.loc[1, "weight"])
    (['theme:defense-spending', 'theme:counter-drone'], 0.6)
    """
    if exposures not in EXPOSURE_MODES:
        raise ArgumentError(f"exposures={exposures!r}", field="exposures", fix="use 'prior' or 'blend'")
    blended = _blend_keys(edges) if exposures == "blend" else None
    if blended is not None:
        edges = _blend_in_place_of_explicit(edges, blended)
    table = _effective(edges)
    if blended is not None and len(table):
        key = table["company"] + "\x00" + table["theme"]
        table.loc[key.isin(blended).to_numpy() & (table["basis"] == "explicit").to_numpy(), "basis"] = _BLEND_BASIS
    return table


def _blend_keys(edges: pd.DataFrame) -> pd.Index:
    blend = edges[edges["relation"] == "exposed_to_blend"]
    return pd.Index(blend["from_id"] + "\x00" + blend["to_id"])


def _blend_in_place_of_explicit(edges: pd.DataFrame, keys: pd.Index) -> pd.DataFrame:
    """Edges where each blend row (``keys``: its company and theme) is the company's explicit figure."""
    is_blend = (edges["relation"] == "exposed_to_blend").to_numpy()
    key = edges["from_id"] + "\x00" + edges["to_id"]
    replaced = (edges["relation"] == "exposed_to").to_numpy() & key.isin(keys).to_numpy()
    blend = edges[is_blend].assign(relation="exposed_to")
    return pd.concat([edges[~is_blend & ~replaced], blend], ignore_index=True)


def _effective(edges: pd.DataFrame) -> pd.DataFrame:
    exposed = edges[edges["relation"] == "exposed_to"]
    is_company = exposed["from_id"].str.startswith("company:").to_numpy(dtype=bool)
    explicit = exposed[is_company]
    defaults = exposed[~is_company]
    classified = edges.loc[edges["relation"] == "classified_as", ["from_id", "to_id"]]
    subthemes = edges.loc[edges["relation"] == "subtheme_of", ["from_id", "to_id"]]
    hierarchy = nx.DiGraph(list(subthemes.itertuples(index=False, name=None)))
    levels = _levels(hierarchy)  # raises on a cycle, as before, even with nothing to roll up

    company_ids = pd.concat([explicit["from_id"], classified["from_id"]], ignore_index=True)
    company_codes, companies = pd.factorize(company_ids, sort=True)
    theme_ids = pd.concat([explicit["to_id"], defaults["to_id"], pd.Series(list(hierarchy), dtype="str")],
                          ignore_index=True)
    theme_codes, themes = pd.factorize(theme_ids, sort=True)
    n_explicit, n_defaults = len(explicit), len(defaults)
    width = max(len(companies), 1)

    def_company, def_theme, def_row, def_via, via_codes = _default_rows(
        classified, defaults, company_codes[n_explicit:], theme_codes[n_explicit:n_explicit + n_defaults]
    )
    if len(def_row) == 0 and len(explicit) == 0:
        return pd.DataFrame([], columns=EXPOSURE_COLUMNS).reset_index(drop=True)

    # Pools the table's integer columns index into; strings are only built once, at the end.
    sources = pd.concat([explicit["source"], defaults["source"], pd.Series([_ROLLUP_SOURCE], dtype="str")],
                        ignore_index=True).array
    vias = pd.concat([pd.Series([""], dtype="str"), via_codes, pd.Series(themes, dtype="str")],
                     ignore_index=True).array
    theme_via = 1 + len(via_codes)

    table = _Table.start(
        company=np.concatenate([company_codes[:n_explicit], def_company]),
        theme=np.concatenate([theme_codes[:n_explicit], def_theme]),
        weight=np.concatenate([explicit["weight"].to_numpy(dtype=float),
                               defaults["weight"].to_numpy(dtype=float)[def_row]]),
        basis=np.repeat(np.array([_EXPLICIT, _DEFAULT], dtype=np.int8), [n_explicit, len(def_row)]),
        source=np.concatenate([np.arange(n_explicit), n_explicit + def_row]),
        via=np.concatenate([np.zeros(n_explicit, dtype=np.int64), 1 + def_via]),
        width=width,
    )
    code_of = {theme: code for code, theme in enumerate(themes)}
    rolled_any = False
    for level in levels:
        kids = np.array([code_of[kid] for kid, _ in level], dtype=np.int64)
        parents = np.array([code_of[parent] for _, parent in level], dtype=np.int64)
        rolled_any |= table.roll_up(kids, parents, source=n_explicit + n_defaults, via_offset=theme_via)

    if len(def_row) == 0 and not rolled_any:
        # Nothing to merge: explicit rows are returned as given (duplicated keys included).
        frame = pd.DataFrame({
            "company": explicit["from_id"], "theme": explicit["to_id"], "weight": explicit["weight"],
            "basis": "explicit", "source": explicit["source"], "via": "",
        })
        return frame.sort_values(["company", "theme"], kind="stable").reset_index(drop=True)

    order = np.lexsort((table.theme, table.company))
    return pd.DataFrame({
        "company": companies.take(table.company[order]),
        "theme": themes.take(table.theme[order]),
        "weight": table.weight[order],
        "basis": pd.array(_BASES, dtype="str").take(table.basis[order].astype(np.intp)),
        "source": sources.take(table.source[order]),
        "via": vias.take(table.via[order]),
    })


def _levels(hierarchy: nx.DiGraph) -> list[list[tuple[str, str]]]:
    """(sub-theme, theme) pairs grouped by the theme's height: a level needs only lower levels done."""
    height: dict[str, int] = {}
    levels: list[list[tuple[str, str]]] = []
    for theme in nx.topological_sort(hierarchy):
        kids = list(hierarchy.predecessors(theme))
        height[theme] = 1 + max((height[k] for k in kids), default=-1)
        if kids:
            while len(levels) < height[theme]:
                levels.append([])
            levels[height[theme] - 1].extend((k, theme) for k in kids)
    return levels


def _default_rows(classified, defaults, company_codes, theme_codes):
    """Industry-default rows in the order the rules read them: classification, GICS level, edge.

    Returns company and theme codes, the row of ``defaults`` used, the index of the GICS code in
    the returned ``via`` strings, and those strings.
    """
    digits = classified["to_id"].str.removeprefix("gics:")
    lengths = digits.str.len().to_numpy()
    rows, levels, codes = [], [], []
    for k, n in enumerate(_LEVELS):
        has = np.flatnonzero(lengths >= n)
        rows.append(has)
        levels.append(np.full(len(has), k))
        codes.append("gics:" + digits.iloc[has].str[:n])
    rows, levels = np.concatenate(rows), np.concatenate(levels)
    ancestor = pd.concat(codes, ignore_index=True)
    walk = np.lexsort((levels, rows))
    rows, ancestor = rows[walk], ancestor.iloc[walk].reset_index(drop=True)

    code_of, _ = pd.factorize(pd.concat([defaults["from_id"], ancestor], ignore_index=True))
    by_code = np.argsort(code_of[:len(defaults)], kind="stable")
    starts = np.searchsorted(code_of[:len(defaults)][by_code], code_of[len(defaults):], side="left")
    ends = np.searchsorted(code_of[:len(defaults)][by_code], code_of[len(defaults):], side="right")
    pick = _expand(starts, ends - starts)
    owner = np.repeat(np.arange(len(rows)), ends - starts)
    default_row = by_code[pick]
    theme = theme_codes[default_row].astype(np.int64)
    width = int(theme.max()) + 1 if len(theme) else 1
    _, first = np.unique(rows[owner] * width + theme, return_index=True)
    first.sort()
    owner, default_row, theme = owner[first], default_row[first], theme[first]
    via_rows, via_index = np.unique(owner, return_inverse=True)
    via = ancestor.iloc[via_rows].reset_index(drop=True)
    return company_codes[rows[owner]].astype(np.int64), theme, default_row, via_index, via


def _expand(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``range(start, start + count)`` for each pair, vectorised."""
    total = int(counts.sum())
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return offsets + np.arange(total)


class _Table:
    """The exposure table as integer columns, unique and sorted by (theme, company)."""

    def __init__(self, company, theme, weight, basis, source, via, width):
        self.company, self.theme, self.weight = company, theme, weight
        self.basis, self.source, self.via, self.width = basis, source, via, width
        self.key = theme * width + company

    @classmethod
    def start(cls, *, company, theme, weight, basis, source, via, width) -> _Table:
        """Keep one row per pair: explicit first, then the larger weight, then the first row."""
        key = theme * width + company
        order = np.lexsort((-weight, basis, key))
        key = key[order]
        keep = order[np.concatenate([[True], key[1:] != key[:-1]])] if len(key) else order
        return cls(company[keep], theme[keep], weight[keep], basis[keep], source[keep], via[keep], width)

    def roll_up(self, kids: np.ndarray, parents: np.ndarray, *, source: int, via_offset: int) -> bool:
        """Roll each kid's rows up into its parent; True if there was any row to roll up."""
        bounds = np.searchsorted(self.theme, np.concatenate([kids, kids + 1]))
        starts, counts = bounds[:len(kids)], bounds[len(kids):] - bounds[:len(kids)]
        rows = _expand(starts, counts)
        if len(rows) == 0:
            return False
        parent = np.repeat(parents, counts)
        kid = np.repeat(kids, counts)
        weight = self.weight[rows]
        key = parent * self.width + self.company[rows]
        # Per (company, parent): largest weight, then smallest sub-theme.
        order = np.lexsort((kid, -weight, key))
        key, weight, kid = key[order], weight[order], kid[order]
        first = np.concatenate([[True], key[1:] != key[:-1]])
        key, weight, kid = key[first], weight[first], kid[first]

        at = np.searchsorted(self.key, key)
        found = at < len(self.key)
        found[found] = self.key[at[found]] == key[found]
        hit = at[found]
        held, offered = self.weight[hit], weight[found]
        # A missing weight sorts last, as in a pandas sort: any number beats it.
        larger = (offered > held) | (np.isnan(held) & ~np.isnan(offered))
        beats = (self.basis[hit] != _EXPLICIT) & larger
        replace = hit[beats]
        self.weight[replace] = offered[beats]
        self.basis[replace] = _ROLLUP
        self.source[replace] = source
        self.via[replace] = via_offset + kid[found][beats]

        new = ~found
        where = at[new]
        self.key = np.insert(self.key, where, key[new])
        self.company = np.insert(self.company, where, key[new] % self.width)
        self.theme = np.insert(self.theme, where, key[new] // self.width)
        self.weight = np.insert(self.weight, where, weight[new])
        self.basis = np.insert(self.basis, where, _ROLLUP)
        self.source = np.insert(self.source, where, source)
        self.via = np.insert(self.via, where, via_offset + kid[new])
        return True
