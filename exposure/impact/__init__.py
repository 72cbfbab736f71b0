"""Event impact: propagate an event's mentions through the compiled graph to securities."""

from exposure.impact._activation import activation_matrix, combine_confidence, concept_activations
from exposure.impact._batch import (activations_from_long, grouped_scores, material, score_events, theme_scores,
                                    top_per_event)
from exposure.impact._explain import Step, Walk, walks
from exposure.impact._map import EventImpacts, ImpactSettings, map_events

__all__ = [
    "EventImpacts",
    "ImpactSettings",
    "Step",
    "Walk",
    "activation_matrix",
    "activations_from_long",
    "combine_confidence",
    "concept_activations",
    "grouped_scores",
    "map_events",
    "material",
    "score_events",
    "theme_scores",
    "top_per_event",
    "walks",
]
