import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure as ex
from exposure.impact import activation_matrix, activations_from_long, score_events, theme_scores, top_per_event

values = st.floats(min_value=-2, max_value=2, allow_nan=False).filter(lambda v: v != 0)


def _draw_batch(data, compiled, *, max_size: int, max_events: int):
    """A drawn batch of events (concept -> activation dicts) and its activation matrix."""
    concepts = list(compiled.concepts)
    batch = [data.draw(st.dictionaries(st.sampled_from(concepts), values, max_size=max_size))
             for _ in range(data.draw(st.integers(1, max_events)))]
    return batch, activation_matrix(batch, compiled.concepts)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_chunked_batch_equals_single_events_to_1e_12(graph, data):
    compiled = graph.compile()
    batch, x = _draw_batch(data, compiled, max_size=6, max_events=12)
    scores = score_events(x, compiled, chunk_size=data.draw(st.integers(1, 5))).toarray()
    themes = theme_scores(x, compiled, chunk_size=3).toarray()
    for row, activations in enumerate(batch):
        single = activation_matrix([activations], compiled.concepts)
        np.testing.assert_allclose(scores[row], (single @ compiled.impact).toarray()[0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(themes[row], (single @ compiled.theme_activation).toarray()[0], rtol=0, atol=1e-12)


def test_long_arrays_build_the_same_matrix_as_dicts(graph):
    compiled = graph.compile()
    batch = [{"theme:counter-drone": 0.5, "country:LT": 0.2}, {}, {"tag:geopolitics-war": 1.0}]
    rows = [r for r, act in enumerate(batch) for _ in act]
    ids = [c for act in batch for c in act]
    vals = [v for act in batch for v in act.values()]
    x, unknown = activations_from_long(rows + [2], ids + ["theme:not-a-theme"], vals + [1.0], 3, compiled)
    assert unknown.tolist() == [False] * len(ids) + [True]
    assert (x != activation_matrix(batch, compiled.concepts)).nnz == 0


def test_repeated_pairs_are_summed(graph):
    compiled = graph.compile()
    x, _ = activations_from_long([0, 0], ["theme:counter-drone"] * 2, [0.25, 0.5], 1, compiled)
    assert x.nnz == 1 and x.data[0] == 0.75


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.floats(-1, 1, allow_nan=False), min_size=5, max_size=5), min_size=1, max_size=8),
       st.one_of(st.none(), st.integers(1, 6)))
def test_top_per_event_matches_a_sort(rows, k):
    dense = np.array(rows)
    rows_, cols, vals, ranks = top_per_event(sp.csr_array(dense), k)
    for r, row in enumerate(dense):
        nonzero = [(c, v) for c, v in enumerate(row) if v != 0]
        expected = sorted(nonzero, key=lambda cv: (-abs(cv[1]), cv[0]))[: (k or len(nonzero))]
        mine = rows_ == r
        assert list(zip(cols[mine].tolist(), vals[mine].tolist())) == expected
        assert ranks[mine].tolist() == list(range(1, len(expected) + 1))


def test_event_impacts_keep_sparse_scores(graph, seed_event):
    impacts = ex.map_events(seed_event, graph)
    assert sp.issparse(impacts.scores)
    np.testing.assert_array_equal(impacts.scores.toarray()[0], impacts.matrix.iloc[0].to_numpy())
    assert list(impacts.matrix.columns) == list(impacts.tickers)


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_materiality_cuts_each_event_alone_in_every_path(graph, data):
    from exposure.impact import grouped_scores, material

    compiled = graph.compile()
    batch, x = _draw_batch(data, compiled, max_size=4, max_events=8)
    share = data.draw(st.sampled_from([0.05, 0.1, 0.3]))
    raw = score_events(x, compiled).toarray()
    cut = score_events(x, compiled, materiality=share, chunk_size=data.draw(st.integers(1, 4))).toarray()
    largest = np.abs(raw).max(axis=1, keepdims=True)
    np.testing.assert_array_equal(cut, np.where(np.abs(raw) >= share * largest, raw, 0.0))
    np.testing.assert_array_equal(score_events(x, compiled, materiality=share, dense=True), cut)
    np.testing.assert_array_equal(material(raw, share), cut)
    groups = [row % 2 for row in range(len(batch))]
    labels, summed = grouped_scores(x, groups, compiled, materiality=share)
    for position, label in enumerate(labels):
        np.testing.assert_allclose(summed[position], cut[np.asarray(groups) == label].sum(axis=0), rtol=0, atol=1e-12)
