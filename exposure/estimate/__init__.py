"""Exposures that learn from the market: the graph's revenue-based priors blended with returns.

:func:`blend_exposures` measures every priced security's sensitivity to each theme that has a
factor (a fund, a yield, or a basket of the graph's pure plays), using only sessions before the
as-of date, and shrinks it toward the graph's prior with empirical-Bayes weights. The result
explains every number (prior, beta, standard error, weight) and becomes a graph whose
``exposed_to_blend`` edges :class:`~exposure.impact.ImpactSettings` uses with ``exposures="blend"``.
:func:`validate_blend` checks out of sample that the blend predicts next year's betas better than
the prior or the past beta alone.
"""

from exposure.estimate._blend import BlendedExposures, blend_exposures
from exposure.estimate._factors import PURE_PLAY, ThemeFactor, read_theme_factors
from exposure.estimate._regress import ThemeBetas, paired_theme_betas, theme_betas
from exposure.estimate._validate import BlendValidation, validate_blend

__all__ = [
    "PURE_PLAY",
    "BlendValidation",
    "BlendedExposures",
    "ThemeBetas",
    "ThemeFactor",
    "blend_exposures",
    "paired_theme_betas",
    "read_theme_factors",
    "theme_betas",
    "validate_blend",
]
