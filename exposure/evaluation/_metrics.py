"""Metrics of one event's scores against its abnormal returns, vectorised over many score vectors.

Every function takes ``scores`` as an (R, N) array (R score vectors over the same N names, e.g.
the model, a baseline and R - 2 random permutations) and the N names' ``car`` (and ``scar``),
and returns R values. Names are in a fixed order (the caller sorts them by ticker); among equal
scores the earlier name ranks first, so results are deterministic.

Conventions: a name with score 0 is unscored. A hit rate or mean signed SCAR over no scored name
is NaN; a rank correlation with a constant side is 0 (no information); a long-short leg with no
name counts as 0 (the abnormal return an unscored name has on average).
"""

from __future__ import annotations

import numpy as np

METRICS: tuple[str, ...] = ("hit10", "hit25", "spearman_scored", "spearman_all", "long_short_bp", "scar10")
"""Metric names, in table order."""

DESCRIPTIONS: dict[str, str] = {
    "hit10": "top 10 by |score|: share with sign(score) == sign(CAR)",
    "hit25": "top 25 by |score|: share with sign(score) == sign(CAR)",
    "spearman_scored": "Spearman(score, CAR) over scored names",
    "spearman_all": "Spearman(score, CAR) over all names (unscored = 0)",
    "long_short_bp": "mean CAR of the 10 most positive minus the 10 most negative, bp",
    "scar10": "top 10 by |score|: mean of sign(score) x standardised CAR",
}


def _rows(scores: np.ndarray) -> np.ndarray:
    scores = np.asarray(scores, dtype=float)
    return scores[None, :] if scores.ndim == 1 else scores


def _top_by_magnitude(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column indices of the k largest |score| per row, and whether each is scored."""
    order = np.argsort(-np.abs(scores), axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(scores, order, axis=1) != 0


def hit_rate(scores: np.ndarray, car: np.ndarray, k: int = 10) -> np.ndarray:
    """Share of the k largest-|score| scored names whose CAR has the score's sign.

    Examples
    --------
    >>> hit_rate([3.0, -2.0, 1.0, 0.0], [0.02, 0.01, 0.03, -0.5], k=2)
    array([0.5])
    >>> hit_rate([0.0, 0.0], [0.1, 0.2])
    array([nan])
    """
    scores, car = _rows(scores), np.asarray(car, dtype=float)
    order, scored = _top_by_magnitude(scores, k)
    right = np.sign(np.take_along_axis(scores, order, axis=1)) == np.sign(car[order])
    count = scored.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, (right & scored).sum(axis=1) / count, np.nan)


def signed_scar(scores: np.ndarray, scar: np.ndarray, k: int = 10) -> np.ndarray:
    """Mean of sign(score) x standardised CAR over the k largest-|score| scored names.

    Examples
    --------
    >>> signed_scar([2.0, -1.0, 0.0], [1.5, 0.5, 9.0], k=10)
    array([0.5])
    """
    scores, scar = _rows(scores), np.asarray(scar, dtype=float)
    order, scored = _top_by_magnitude(scores, k)
    signed = np.sign(np.take_along_axis(scores, order, axis=1)) * scar[order]
    count = scored.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, np.where(scored, signed, 0.0).sum(axis=1) / count, np.nan)


def long_short_bp(scores: np.ndarray, car: np.ndarray, k: int = 10) -> np.ndarray:
    """Mean CAR of the k most positive scores minus that of the k most negative, in basis points.

    Only names with a positive (negative) score enter the long (short) leg; an empty leg counts 0.

    Examples
    --------
    >>> long_short_bp([2.0, 1.0, -1.0, 0.0], [0.03, 0.01, -0.01, 0.5], k=10)
    array([300.])
    >>> long_short_bp([1.0, 0.0], [0.02, -0.5], k=10)
    array([200.])
    """
    scores, car = _rows(scores), np.asarray(car, dtype=float)
    legs = []
    for direction in (1.0, -1.0):
        order = np.argsort(-direction * scores, axis=1, kind="stable")[:, :k]
        inside = direction * np.take_along_axis(scores, order, axis=1) > 0
        count = inside.sum(axis=1)
        total = np.where(inside, car[order], 0.0).sum(axis=1)
        legs.append(np.divide(total, count, out=np.zeros_like(total), where=count > 0))
    return (legs[0] - legs[1]) * 1e4


def _row_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pearson correlation per row, ignoring NaN pairs; 0 where either side is constant."""
    both = ~(np.isnan(x) | np.isnan(y))
    count = both.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = np.where(both, x, 0.0).sum(axis=1) / count
        ym = np.where(both, y, 0.0).sum(axis=1) / count
        dx = np.where(both, x - xm[:, None], 0.0)
        dy = np.where(both, y - ym[:, None], 0.0)
        sxy, sxx, syy = (dx * dy).sum(axis=1), (dx * dx).sum(axis=1), (dy * dy).sum(axis=1)
        constant = (sxx <= 1e-12 * np.maximum(count, 1)) | (syy <= 1e-12 * np.maximum(count, 1))
        return np.where(count < 2, np.nan, np.where(constant, 0.0, sxy / np.sqrt(sxx * syy)))


def spearman(scores: np.ndarray, car: np.ndarray, *, scored_only: bool = False) -> np.ndarray:
    """Spearman rank correlation of each score row with the CARs (average ranks for ties).

    With ``scored_only`` the ranks are taken among the row's scored names only (NaN below 2).

    Examples
    --------
    >>> spearman([1.0, 2.0, 3.0, 0.0], [0.1, 0.2, 0.3, 0.5]).round(3)
    array([-0.2])
    >>> spearman([1.0, 2.0, 3.0, 0.0], [0.1, 0.2, 0.3, 0.5], scored_only=True)
    array([1.])
    >>> spearman([0.0, 0.0, 0.0], [0.1, 0.2, 0.3])
    array([0.])
    """
    from scipy.stats import rankdata  # scipy.stats takes seconds to import: only when ranking

    scores, car = _rows(scores), np.asarray(car, dtype=float)
    if not scored_only:
        return _row_pearson(rankdata(scores, axis=1), np.broadcast_to(rankdata(car), scores.shape).astype(float))
    mask = scores != 0
    x = rankdata(np.where(mask, scores, np.nan), axis=1, nan_policy="omit")
    y = rankdata(np.where(mask, car[None, :], np.nan), axis=1, nan_policy="omit")
    result = _row_pearson(x, y)
    return np.where(mask.sum(axis=1) >= 2, result, np.nan)


def event_metrics(scores: np.ndarray, car: np.ndarray, scar: np.ndarray) -> np.ndarray:
    """All :data:`METRICS` for each score row: an (R, len(METRICS)) array.

    Examples
    --------
    >>> values = event_metrics(np.array([[1.0, -1.0, 0.0]]), np.array([0.01, -0.02, 0.0]),
    ...                        np.array([1.0, -2.0, 0.0]))
    >>> dict(zip(METRICS, values[0].round(2).tolist()))["long_short_bp"]
    300.0
    """
    scores = _rows(scores)
    return np.column_stack([
        hit_rate(scores, car, 10),
        hit_rate(scores, car, 25),
        spearman(scores, car, scored_only=True),
        spearman(scores, car),
        long_short_bp(scores, car, 10),
        signed_scar(scores, scar, 10),
    ])


def paired_t(differences: np.ndarray) -> tuple[float, float, int]:
    """Mean, t statistic (mean / standard error, ddof 1) and count of the finite differences.

    Examples
    --------
    >>> mean, t, n = paired_t(np.array([1.0, 2.0, 3.0, np.nan]))
    >>> mean, round(t, 4), n
    (2.0, 3.4641, 3)
    """
    finite = np.asarray(differences, dtype=float)
    finite = finite[np.isfinite(finite)]
    n = len(finite)
    if n == 0:
        return float("nan"), float("nan"), 0
    mean = float(finite.mean())
    if n < 2:
        return mean, float("nan"), n
    sd = float(finite.std(ddof=1))
    t = mean / (sd / np.sqrt(n)) if sd > 0 else (0.0 if mean == 0 else float("inf") * np.sign(mean))
    return mean, float(t), n
