"""Knowledge graph: typed nodes, signed weighted edges with provenance, compiled to sparse operators."""

from exposure.graph._compile import CompiledGraph
from exposure.graph._graph import GraphOverrideWarning, KnowledgeGraph, default_graph, load_graph
from exposure.graph._schema import NODE_KINDS, RELATIONS, Relation, node_kind

__all__ = [
    "NODE_KINDS",
    "RELATIONS",
    "CompiledGraph",
    "GraphOverrideWarning",
    "KnowledgeGraph",
    "Relation",
    "default_graph",
    "load_graph",
    "node_kind",
]
