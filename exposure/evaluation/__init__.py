"""Proving the mapping: graph scores of real events against realised abnormal returns.

:func:`evaluate` scores events with the graph and measures, per event and overall, how well the
scores predict the sign and rank of the securities' cumulative abnormal returns, beside random
permutations of the same scores and a naive keyword -> GICS sector baseline. The development set
of real, dated events and its returns extract ship with the package (:func:`load_dev_set`).
"""

from exposure.evaluation._baseline import keyword_sector_scores, load_keyword_rules
from exposure.evaluation._devset import DevSet, load_dev_set
from exposure.evaluation._evaluate import LABEL_FIELDS, EvaluationResult, evaluate, read_labelled_events
from exposure.evaluation._metrics import (
    DESCRIPTIONS,
    METRICS,
    event_metrics,
    hit_rate,
    long_short_bp,
    paired_t,
    signed_scar,
    spearman,
)

__all__ = [
    "DESCRIPTIONS",
    "LABEL_FIELDS",
    "METRICS",
    "DevSet",
    "EvaluationResult",
    "evaluate",
    "event_metrics",
    "hit_rate",
    "keyword_sector_scores",
    "load_dev_set",
    "load_keyword_rules",
    "long_short_bp",
    "paired_t",
    "read_labelled_events",
    "signed_scar",
    "spearman",
]
