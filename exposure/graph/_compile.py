"""Compile a knowledge graph into sparse operators, so that mapping a batch of events is one product.

Impact travels over *steps*: the graph's edges turned in the direction impact flows (see
``Relation.flow``), with theme -> company steps taken from the effective exposure table. Every
step multiplies by its weight and by ``decay``; the last move, company -> security listing, is free.

With ``A`` the concepts x concepts step matrix and ``B`` the concepts x securities listing matrix,
the impact operator is ``M = sum_{k=0..H} (decay*A)^k B``: entry (c, s) is the sum over all walks
of at most ``H`` steps from concept c to security s of the product of their weights. A batch of
events is an events x concepts activation matrix ``X``; its impacts are ``X @ M``.

``M`` is dense-ish by nature (a tag or a broad theme reaches a large part of the universe), so on
large graphs it is not built: ``X @ M`` is applied as ``(sum_k X (decay*A)^k) B`` from the left,
and ``M @ R`` (e.g. ``R`` = portfolio weights transposed) from the right, which costs a few
sparse products whatever the size of the universe. Small graphs get ``M`` at compile time.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from exposure.graph._schema import RELATIONS
from exposure.errors import ArgumentError, ExposureWarning, GraphError

MATERIALIZE_CELLS = 50_000_000
MAX_CYCLE_GAIN = 100.0
EXACT_GAIN_NODES = 400
STEP_COLUMNS = ["from_id", "to_id", "weight", "relation", "basis", "source", "via"]


def propagation_steps(edges: pd.DataFrame, exposures: pd.DataFrame) -> pd.DataFrame:
    """Edges oriented the way impact flows, plus theme -> company exposure steps.

    Returns
    -------
    DataFrame
        Columns ``from_id, to_id, weight, relation, basis, source, via``, sorted.
    """
    flow = edges["relation"].map(lambda name: RELATIONS[name].flow)
    forward = edges[flow == "forward"]
    backward = edges[flow == "backward"]
    parts = [
        pd.DataFrame({"from_id": forward["from_id"], "to_id": forward["to_id"]}),
        pd.DataFrame({"from_id": backward["to_id"], "to_id": backward["from_id"]}),
    ]
    structural = pd.concat([forward, backward])
    steps = pd.concat(parts, ignore_index=True)
    steps["weight"] = structural["weight"].to_numpy()
    steps["relation"] = structural["relation"].to_numpy()
    steps["basis"] = "edge"
    steps["source"] = structural["source"].to_numpy()
    steps["via"] = ""
    exposure_steps = pd.DataFrame({
        "from_id": exposures["theme"], "to_id": exposures["company"], "weight": exposures["weight"],
        "relation": "exposed_to", "basis": exposures["basis"], "source": exposures["source"],
        "via": exposures["via"],
    })
    steps = pd.concat([steps, exposure_steps], ignore_index=True)
    steps = steps[steps["weight"] != 0]
    return steps.sort_values(["from_id", "to_id", "relation"], kind="stable").reset_index(drop=True)


class WalkMassWarning(ExposureWarning):
    """Cycles of the graph add more impact on each turn than the decay takes away: scores grow with
    ``max_hops`` instead of settling (see :func:`cycle_gain`)."""


@dataclass(frozen=True)
class CompiledGraph:
    """Sparse operators of one graph version for one choice of ``decay`` and ``max_hops``.

    Attributes
    ----------
    version : str
        Content hash of the graph compiled.
    concepts : Index
        Row order of the operators: every node that is not a security.
    securities : Index
        Column order of ``impact``: security ids (``security:LMT``).
    themes : Index
        Column order of ``theme_activation``.
    steps : DataFrame
        The propagation steps, for explanations.
    listings : DataFrame
        ``company, security`` pairs.
    impact : scipy.sparse.csr_array
        concepts x securities impact operator ``M`` (built on first use for large graphs; prefer
        :meth:`left_multiply` and :meth:`right_multiply`, which never need it).
    step_operator : scipy.sparse.csr_array
        concepts x concepts ``decay * A``.
    listing : scipy.sparse.csr_array
        concepts x securities ``B`` (company -> its listings).
    theme_activation : scipy.sparse.csr_array
        concepts x themes: how much activating a concept activates each theme (walks of at most
        ``max_hops - 1`` steps, so that one step is left to reach a company).
    exposure : scipy.sparse.csr_array
        securities x themes: the effective exposure of each security's issuer to each theme, in
        [0, 1] (the table :meth:`KnowledgeGraph.security_exposures` shows densely).
    """

    version: str
    decay: float
    max_hops: int
    concepts: pd.Index
    securities: pd.Index
    themes: pd.Index
    steps: pd.DataFrame = field(repr=False)
    listings: pd.DataFrame = field(repr=False)
    step_operator: sp.csr_array = field(repr=False)
    listing: sp.csr_array = field(repr=False)
    theme_activation: sp.csr_array = field(repr=False)
    exposure: sp.csr_array = field(repr=False)

    def concept_positions(self, ids) -> np.ndarray:
        """Row positions of concept ids (``-1`` for ids that are not concepts)."""
        return self.concepts.get_indexer(list(ids))

    def __getstate__(self) -> dict:
        """Pickle without the dense copy of ``M``: it is rebuilt on demand, and shipping it to
        every Dask worker would multiply the size of the task graph."""
        state = dict(self.__dict__)
        state.pop("dense_impact", None)
        return state

    @cached_property
    def impact(self) -> sp.csr_array:
        return _walk_sum(self.step_operator, self.listing, self.max_hops)

    @property
    def has_impact(self) -> bool:
        """Whether ``M`` is built (then products with it are one sparse product)."""
        return "impact" in self.__dict__

    @cached_property
    def dense_impact(self) -> np.ndarray:
        """``M`` as a dense array, for :meth:`left_multiply` with ``dense=True`` on small graphs."""
        return self.impact.toarray()

    def left_multiply(self, activations: sp.csr_array, *, dense: bool = False) -> sp.csr_array | np.ndarray:
        """``X @ M`` (events x securities), with ``M`` if built, else walking from the left.

        ``dense=True`` returns a numpy array: when an event reaches a large share of the universe
        (typical: one event reaches half of the default graph's securities), a dense product with
        a dense ``M`` beats assembling a sparse result several times over.
        """
        x = sp.csr_array(activations)
        if self.has_impact:
            return x @ self.dense_impact if dense else sp.csr_array(x @ self.impact)
        if dense:  # few rows (a day's total, a handful of events): walk with dense rows
            backward = sp.csr_array(self.step_operator.T)
            total = reach = x.toarray().T
            for _ in range(self.max_hops):
                reach = backward @ reach
                total = total + reach
            return (sp.csr_array(self.listing.T) @ total).T
        total = reach = x
        for _ in range(self.max_hops):
            reach = sp.csr_array(reach @ self.step_operator)
            total = total + reach
        return sp.csr_array(total @ self.listing)

    def right_multiply(self, matrix) -> np.ndarray | sp.csr_array:
        """``M @ R`` (concepts x columns of R, e.g. R = portfolio weights transposed), from the right."""
        if self.has_impact:
            return self.impact @ matrix
        return _walk(self.step_operator, self.listing @ matrix, self.max_hops)


def compile_operators(
    version: str,
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    exposures: pd.DataFrame,
    *,
    decay: float,
    max_hops: int,
    materialize: bool | None = None,
) -> CompiledGraph:
    """Build the impact and theme-activation operators (see module docstring).

    ``materialize`` builds ``M`` now; by default only when concepts x securities is below
    ``MATERIALIZE_CELLS`` (the default graph: 1.8M cells; 50,000 securities: 2.5 billion).
    """
    if not 0 < decay <= 1:
        raise ArgumentError(f"decay must lie in (0, 1], got {decay}")
    if max_hops < 1:
        raise ArgumentError(f"max_hops must be at least 1, got {max_hops}")
    is_security = nodes["kind"] == "security"
    concepts = pd.Index(sorted(nodes.index[~is_security]), name="concept")
    securities = pd.Index(sorted(nodes.index[is_security]), name="security")
    themes = pd.Index(sorted(nodes.index[nodes["kind"] == "theme"]), name="theme")

    steps = propagation_steps(edges, exposures)
    n = len(concepts)
    step_matrix = sp.csr_array(
        (decay * steps["weight"].to_numpy(float),
         (concepts.get_indexer(steps["from_id"]), concepts.get_indexer(steps["to_id"]))),
        shape=(n, n),
    )
    listed = edges.loc[edges["relation"] == "listed_as", ["from_id", "to_id"]]
    listings = listed.rename(columns={"from_id": "company", "to_id": "security"}).reset_index(drop=True)
    listing_matrix = sp.csr_array(
        (np.ones(len(listings)),
         (concepts.get_indexer(listings["company"]), securities.get_indexer(listings["security"]))),
        shape=(n, len(securities)),
    )
    theme_columns = sp.csr_array(
        (np.ones(len(themes)), (concepts.get_indexer(themes), np.arange(len(themes)))),
        shape=(n, len(themes)),
    )
    check_walk_mass(step_matrix, concepts, decay=decay, max_hops=max_hops)
    theme_activation = _walk_sum(step_matrix, theme_columns, max_hops - 1)
    compiled = CompiledGraph(
        version=version, decay=decay, max_hops=max_hops, concepts=concepts,
        securities=securities, themes=themes, steps=steps, listings=listings,
        step_operator=step_matrix, listing=listing_matrix, theme_activation=theme_activation,
        exposure=_exposure_operator(exposures, listings, securities, themes),
    )
    if materialize if materialize is not None else n * len(securities) <= MATERIALIZE_CELLS:
        compiled.impact  # noqa: B018 - builds and caches M
    return compiled


def cycle_gain(step_operator: sp.csr_array) -> tuple[float, np.ndarray]:
    """How much one more step around the graph's cycles can multiply impact, and the cycle's rows.

    The impact operator sums ``(decay*A)^k`` for ``k <= max_hops``. Walks that do not revisit a
    concept are finite in number whatever ``max_hops``; only cycles can make the sum grow with
    ``k``, by up to the spectral radius of ``|decay*A|`` per step. That radius is the largest over
    the strongly connected components, each bounded by the smaller of its largest row and column
    sum; a component whose bound exceeds 1 and that has at most ``EXACT_GAIN_NODES`` concepts gets
    its exact radius. An acyclic graph (the default graph) has gain 0.

    Returns
    -------
    gain : float
        0 for an acyclic graph; at most 1 when cycles never amplify (then possibly a bound).
    rows : ndarray of int
        Concept positions of the component with the largest gain (empty when acyclic).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> two_way = sp.csr_array([[0.0, 2.0, 0.0], [0.8, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> gain, rows = cycle_gain(two_way)
    >>> round(gain, 4), rows.tolist()
    (1.2649, [0, 1])
    """
    n = step_operator.shape[0]
    count, component = connected_components(step_operator, directed=True, connection="strong")
    coo = sp.coo_array(step_operator)
    inside = component[coo.row] == component[coo.col]
    if not inside.any():
        return 0.0, np.array([], dtype=int)
    rows, cols, weights = coo.row[inside], coo.col[inside], np.abs(coo.data[inside])
    row_max, col_max = np.zeros(count), np.zeros(count)
    np.maximum.at(row_max, component, np.bincount(rows, weights, minlength=n))
    np.maximum.at(col_max, component, np.bincount(cols, weights, minlength=n))
    gains = np.minimum(row_max, col_max)
    sizes = np.bincount(component, minlength=count)
    grouped = np.argsort(component, kind="stable")
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])

    def members(label: int) -> np.ndarray:
        return np.sort(grouped[first[label]:first[label] + sizes[label]])

    best = int(np.argmax(gains))
    if gains[best] > 1.0:  # exact radii, largest bound first, until no bound can beat the best found
        matrix = sp.csr_array(step_operator)
        best_gain = 0.0
        for label in np.argsort(-gains, kind="stable"):
            if gains[label] <= max(best_gain, 1.0):
                break
            if sizes[label] <= EXACT_GAIN_NODES:
                rows_of = members(label)
                gains[label] = np.abs(np.linalg.eigvals(np.abs(matrix[rows_of][:, rows_of].toarray()))).max()
            if gains[label] > best_gain:
                best, best_gain = int(label), float(gains[label])
    return float(gains[best]), members(best)


def check_walk_mass(step_operator: sp.csr_array, concepts: pd.Index, *, decay: float, max_hops: int) -> float:
    """Refuse or flag a graph whose cycles make scores grow with every hop; returns the gain.

    A gain above 1 (see :func:`cycle_gain`) warns with :class:`WalkMassWarning`; a gain whose
    ``max_hops``-th power exceeds ``MAX_CYCLE_GAIN`` raises :class:`GraphError`: scores would be
    sums of that many times more walks than the graph has edges to justify (a user graph whose
    themes all imply each other with weight near 1 gave scores of 1,400 where 0.3 was meant).
    """
    gain, rows = cycle_gain(step_operator)
    if gain <= 1.0:
        return gain
    named = ", ".join(concepts[rows[:5]]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
    growth = gain ** max_hops
    problem = (
        f"cycles of the graph multiply impact by up to {gain:.3g} per step (decay {decay} x the weights "
        f"of a cycle among {len(rows)} concepts: {named}), so over max_hops={max_hops} steps an "
        f"activation can be multiplied up to {growth:.3g} times"
    )
    fix = ("lower the weights of edges that point both ways or around that cycle (e.g. mutual 'implies' "
           "edges), or compile with a smaller decay or max_hops")
    if growth > MAX_CYCLE_GAIN:
        raise GraphError(f"{problem}, above the limit of {MAX_CYCLE_GAIN:g}", where="graph edges", field="weight",
                         fix=fix)
    warnings.warn(f"{problem}; scores grow with max_hops. Fix: {fix}", WalkMassWarning, stacklevel=4)
    return gain


def _exposure_operator(exposures: pd.DataFrame, listings: pd.DataFrame, securities: pd.Index,
                       themes: pd.Index) -> sp.csr_array:
    """securities x themes effective exposures: a company's row repeated for each of its listings."""
    company_rows = pd.Index(sorted(set(exposures["company"]) | set(listings["company"])))
    by_company = sp.csr_array(
        (exposures["weight"].to_numpy(float),
         (company_rows.get_indexer(exposures["company"]), themes.get_indexer(exposures["theme"]))),
        shape=(len(company_rows), len(themes)),
    )
    listing = sp.csr_array(
        (np.ones(len(listings)),
         (securities.get_indexer(listings["security"]), company_rows.get_indexer(listings["company"]))),
        shape=(len(securities), len(company_rows)),
    )
    table = sp.csr_array(listing @ by_company)
    table.eliminate_zeros()
    table.sort_indices()
    return table


def _walk(steps: sp.csr_array, end, hops: int):
    """``sum_{k=0..hops} steps^k @ end``, by repeated products from the right (``end`` sparse or dense)."""
    total = reach = end
    for _ in range(hops):
        reach = steps @ reach
        total = total + reach
    return total


def _walk_sum(steps: sp.csr_array, end: sp.csr_array, hops: int) -> sp.csr_array:
    """:func:`_walk` as a canonical CSR array."""
    total = sp.csr_array(_walk(steps, end, hops), copy=True)
    total.sum_duplicates()
    total.sort_indices()
    return total
