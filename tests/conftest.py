from pathlib import Path

import pytest

import exposure as ex

MINI_GRAPH = Path(__file__).parent / "graph" / "data" / "mini"


@pytest.fixture(scope="session")
def mini_graph() -> ex.KnowledgeGraph:
    """A hand-made graph small enough to check every number by hand."""
    return ex.KnowledgeGraph.load(MINI_GRAPH, include_default=False)


@pytest.fixture(scope="session")
def graph() -> ex.KnowledgeGraph:
    """The default graph shipped with the package."""
    return ex.default_graph()


@pytest.fixture(scope="session")
def seed_event() -> ex.Event:
    return ex.datasets.load_seed_article()
