"""An empty KnowledgeGraph is falsy; passed as ``graph=`` it must be used, never swapped for the default.

Regression for ``graph = graph or default_graph()`` (issue 9, item 7) at the four sites.
"""

import pandas as pd
import pytest

import exposure.analytics._report as report_module
import exposure.impact._map as map_module
import exposure.streams._mapping as mapping_module
import exposure.streams._run as run_module
from exposure import datasets
from exposure.analytics import portfolio_report
from exposure.graph import KnowledgeGraph, default_graph
from exposure.impact import map_events
from exposure.streams import map_event_frame, map_stream


class DefaultGraphUsed(Exception):
    pass


class FalsyGraph(KnowledgeGraph):
    """The default graph's tables, but falsy like an empty graph."""

    def __bool__(self):
        return False


@pytest.fixture
def graphs(monkeypatch):
    base = default_graph()
    falsy = FalsyGraph(base.nodes, base.edge_history, base._aliases)
    empty = KnowledgeGraph(base.nodes.iloc[0:0], base.edge_history.iloc[0:0], base._aliases.iloc[0:0])
    assert not falsy and not empty

    def refuse(*args, **kwargs):
        raise DefaultGraphUsed

    for module in (map_module, mapping_module, run_module, report_module):
        monkeypatch.setattr(module, "default_graph", refuse)
    return falsy, empty


def _calls(graph, tmp_path):
    article = datasets.load_seed_article()
    frame = pd.DataFrame([{"id": "e1", "headline": article.headline, "body": article.body,
                           "market_impact": 0.5}])
    return {
        "map_events": lambda: map_events(article, graph=graph),
        "map_event_frame": lambda: map_event_frame(frame, graph=graph),
        "map_stream": lambda: map_stream([article], tmp_path / f"out-{id(graph)}", graph=graph),
        "portfolio_report": lambda: portfolio_report(datasets.load_sample_portfolio(), graph=graph),
    }


@pytest.mark.parametrize("name", ["map_events", "map_event_frame", "map_stream", "portfolio_report"])
def test_a_falsy_graph_is_used_as_given(graphs, tmp_path, name):
    falsy, _ = graphs
    result = _calls(falsy, tmp_path)[name]()  # DefaultGraphUsed would fail the test
    assert result is not None


@pytest.mark.parametrize("name", ["map_events", "map_event_frame", "map_stream", "portfolio_report"])
def test_an_empty_graph_is_never_replaced_by_the_default(graphs, tmp_path, name):
    _, empty = graphs
    try:
        _calls(empty, tmp_path)[name]()
    except DefaultGraphUsed:
        pytest.fail(f"{name} replaced an empty graph by the default graph")
    except Exception:
        pass  # an empty graph may well be refused; what matters is that it was the one used
