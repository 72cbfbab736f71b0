"""Knowledge graph: typed nodes, signed weighted edges with provenance, compiled to sparse operators."""

from exposure.graph._compile import CompiledGraph, WalkMassWarning, cycle_gain
from exposure.graph._graph import (
    GraphOverrideWarning,
    KnowledgeGraph,
    PointInTime,
    UserTableWarning,
    strict_policy,
    default_graph,
    load_graph,
)
from exposure.graph._report import DEFAULT_COMPARISONS, GraphReport, graph_report, is_us_listed
from exposure.graph._schema import NODE_KINDS, RELATIONS, Relation, node_kind

__all__ = [
    "NODE_KINDS",
    "RELATIONS",
    "DEFAULT_COMPARISONS",
    "CompiledGraph",
    "GraphOverrideWarning",
    "GraphReport",
    "KnowledgeGraph",
    "PointInTime",
    "Relation",
    "UserTableWarning",
    "WalkMassWarning",
    "cycle_gain",
    "default_graph",
    "graph_report",
    "is_us_listed",
    "load_graph",
    "node_kind",
    "strict_policy",
]
