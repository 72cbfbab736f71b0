"""From mentions to concept activations: the rows of the events x concepts matrix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from exposure.tagging import Mention


def combine_confidence(confidences: Iterable[float]) -> float:
    """Chance that at least one of several independent mentions is right: ``1 - prod(1 - c)``.

    Repeating a concept raises its confidence towards 1 without ever passing it.

    >>> combine_confidence([0.5, 0.5])
    0.75
    """
    miss = 1.0
    for c in confidences:
        miss *= 1.0 - c
    return 1.0 - miss


def concept_activations(mentions: Sequence[Mention], market_impact: float) -> dict[str, float]:
    """Activation of each mentioned concept: market impact x combined mention confidence.

    Positive and negative mentions (a sector in a sentence of bad news) are combined apart and
    netted; mentions with sign 0 are kept for the record but carry nothing.
    """
    by_concept: dict[str, tuple[list[float], list[float]]] = {}
    for mention in mentions:
        ups, downs = by_concept.setdefault(mention.concept, ([], []))
        if mention.sign > 0:
            ups.append(mention.confidence)
        elif mention.sign < 0:
            downs.append(mention.confidence)
    activations = {
        concept: market_impact * (combine_confidence(ups) - combine_confidence(downs))
        for concept, (ups, downs) in sorted(by_concept.items())
    }
    return {c: a for c, a in activations.items() if a != 0}


def activation_matrix(activations: Sequence[dict[str, float]], concepts: pd.Index) -> sp.csr_array:
    """Stack per-event activations into a sparse events x concepts matrix (unknown ids skipped).

    One index lookup for the whole batch, whatever its size.
    """
    counts = np.fromiter((len(act) for act in activations), dtype=np.int64, count=len(activations))
    ids = [concept for act in activations for concept in act]
    values = np.fromiter((value for act in activations for value in act.values()), dtype=float, count=len(ids))
    rows = np.repeat(np.arange(len(activations)), counts)
    return stack_activations(rows, ids, values, len(activations), concepts)[0]


def stack_activations(rows, ids, values, n_events: int, concepts: pd.Index) -> tuple[sp.csr_array, np.ndarray]:
    """Long (row, concept id, value) arrays as an events x concepts matrix; repeated pairs are summed.

    Returns the matrix and, per input entry, whether its id is not one of ``concepts`` (left out).
    """
    positions = concepts.get_indexer(pd.Index(np.asarray(ids, dtype=object)))
    rows = np.asarray(rows, dtype=np.int64)
    values = np.asarray(values, dtype=float)
    unknown = positions < 0
    keep = ~unknown & (values != 0)
    x = sp.csr_array((values[keep], (rows[keep], positions[keep])), shape=(n_events, len(concepts)))
    x.sum_duplicates()
    return x, unknown
