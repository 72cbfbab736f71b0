import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure.graph._compile import compile_operators
from exposure.impact import activation_matrix, grouped_scores, score_events


def _pair(graph, decay, hops):
    args = (graph.version, graph.nodes, graph.edges, graph.exposures)
    built = compile_operators(*args, decay=decay, max_hops=hops, materialize=True)
    lazy = compile_operators(*args, decay=decay, max_hops=hops, materialize=False)
    assert built.has_impact and not lazy.has_impact
    return built, lazy


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_walking_from_either_side_equals_the_built_operator(graph, data):
    built, lazy = _pair(graph, data.draw(st.sampled_from([0.3, 0.5, 1.0])), data.draw(st.integers(1, 5)))
    concepts = list(built.concepts)
    batch = [data.draw(st.dictionaries(st.sampled_from(concepts), st.floats(-2, 2, allow_nan=False), max_size=5))
             for _ in range(data.draw(st.integers(1, 6)))]
    x = activation_matrix(batch, built.concepts)
    np.testing.assert_allclose(score_events(x, lazy).toarray(), score_events(x, built).toarray(), rtol=0, atol=1e-12)
    weights = sp.random(len(built.securities), 3, density=0.2, random_state=data.draw(st.integers(0, 99)), format="csr")
    right_lazy = lazy.right_multiply(weights)
    right_built = built.right_multiply(weights)
    np.testing.assert_allclose(right_lazy.toarray(), right_built.toarray(), rtol=0, atol=1e-12)
    assert not lazy.has_impact, "the lazy paths never build M"


def test_grouped_scores_equal_the_sum_of_event_scores(graph):
    compiled = graph.compile()
    batch = [{"theme:counter-drone": 0.4}, {"country:LT": 0.3, "theme:airlines": -0.2}, {"tag:geopolitics-war": 0.1}]
    x = activation_matrix(batch, compiled.concepts)
    labels, grouped = grouped_scores(x, [2, 1, 2], compiled)
    per_event = score_events(x, compiled).toarray()
    assert labels.tolist() == [1, 2]
    np.testing.assert_allclose(grouped, [per_event[1], per_event[0] + per_event[2]], rtol=0, atol=1e-12)


def test_dense_scores_equal_sparse_scores(graph):
    compiled = graph.compile()
    batch = [{"theme:counter-drone": 0.4}, {}, {"country:LT": 0.3, "theme:airlines": -0.2}]
    x = activation_matrix(batch, compiled.concepts)
    sparse = score_events(x, compiled, chunk_size=2).toarray()
    np.testing.assert_allclose(score_events(x, compiled, dense=True, chunk_size=2), sparse, rtol=0, atol=1e-12)
    lazy = _pair(graph, 0.5, 4)[1]
    np.testing.assert_allclose(score_events(x, lazy, dense=True), sparse, rtol=0, atol=1e-12)
    assert score_events(x[:0], compiled, dense=True).shape == (0, len(compiled.securities))
