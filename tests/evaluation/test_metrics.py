"""Every metric of exposure.evaluation on hand-made numbers."""

import numpy as np
import pytest

from exposure.evaluation import METRICS, event_metrics, hit_rate, long_short_bp, paired_t, signed_scar, spearman


def test_hit_rate_takes_the_largest_magnitudes_and_ignores_unscored():
    scores = [5.0, -4.0, 3.0, -2.0, 1.0, 0.0]
    car = [0.01, 0.02, 0.03, -0.01, -0.05, 0.9]
    assert hit_rate(scores, car, k=3)[0] == pytest.approx(2 / 3)  # 5 right, -4 wrong, 3 right
    assert hit_rate(scores, car, k=10)[0] == pytest.approx(3 / 5)  # only the 5 scored names count


def test_hit_rate_ties_go_to_the_earlier_name_and_zero_car_is_a_miss():
    assert hit_rate([1.0, 1.0, 1.0], [-0.01, 0.02, 0.03], k=1)[0] == 0.0
    assert hit_rate([1.0, -1.0], [0.0, -0.01], k=2)[0] == 0.5


def test_hit_rate_rows_are_independent():
    scores = np.array([[1.0, -1.0], [-1.0, 1.0], [0.0, 0.0]])
    np.testing.assert_array_equal(hit_rate(scores, [0.01, -0.01], k=10), [1.0, 0.0, np.nan])


def test_spearman_over_all_names_counts_unscored_as_zero():
    scores = [2.0, 1.0, 0.0, 0.0, -1.0]
    car = [0.05, 0.01, 0.02, -0.03, -0.04]
    # score ranks 5, 4, 2.5, 2.5, 1; CAR ranks 5, 3, 4, 2, 1
    ranks_s, ranks_c = np.array([5, 4, 2.5, 2.5, 1]), np.array([5, 3, 4, 2, 1.0])
    expected = np.corrcoef(ranks_s, ranks_c)[0, 1]
    assert spearman(scores, car)[0] == pytest.approx(expected)
    assert spearman(scores, car, scored_only=True)[0] == pytest.approx(1.0)


def test_spearman_needs_two_scored_names_and_is_zero_when_constant():
    assert np.isnan(spearman([1.0, 0.0, 0.0], [0.1, 0.2, 0.3], scored_only=True)[0])
    assert spearman([1.0, 1.0, 1.0], [0.1, 0.2, 0.3])[0] == 0.0


def test_long_short_uses_only_signed_legs_of_at_most_k_names():
    scores = [3.0, 2.0, 1.0, -1.0, -2.0, 0.0]
    car = [0.03, 0.01, -0.01, 0.00, -0.02, 0.50]
    assert long_short_bp(scores, car, k=2)[0] == pytest.approx(((0.03 + 0.01) / 2 - (-0.02 + 0.0) / 2) * 1e4)
    assert long_short_bp(scores, car, k=10)[0] == pytest.approx((0.01 - (-0.01)) * 1e4)
    assert long_short_bp([0.0, 0.0], [0.1, 0.2])[0] == 0.0
    assert long_short_bp([-1.0, 0.0], [-0.03, 0.2])[0] == pytest.approx(300.0)


def test_signed_scar_is_the_mean_of_signed_standardised_cars_of_the_top_names():
    scores = [3.0, -2.0, 1.0, 0.0]
    scar = [2.0, 1.0, -1.0, 10.0]
    assert signed_scar(scores, scar, k=2)[0] == pytest.approx((2.0 - 1.0) / 2)
    assert signed_scar(scores, scar, k=10)[0] == pytest.approx((2.0 - 1.0 - 1.0) / 3)
    assert np.isnan(signed_scar([0.0], [1.0])[0])


def test_event_metrics_stacks_every_metric_in_order():
    scores = np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]])
    car, scar = np.array([0.02, -0.01, 0.0]), np.array([2.0, -1.0, 0.0])
    values = event_metrics(scores, car, scar)
    assert values.shape == (2, len(METRICS))
    first = dict(zip(METRICS, values[0]))
    assert first["hit10"] == 1.0 and first["hit25"] == 1.0
    assert first["long_short_bp"] == pytest.approx(300.0)
    assert first["scar10"] == pytest.approx(1.5)
    assert first["spearman_scored"] == pytest.approx(1.0)
    second = dict(zip(METRICS, values[1]))
    assert np.isnan(second["hit10"]) and second["long_short_bp"] == 0.0 and second["spearman_all"] == 0.0


def test_paired_t():
    mean, t, n = paired_t(np.array([0.1, 0.3, np.nan, 0.2]))
    assert (mean, n) == (pytest.approx(0.2), 3)
    assert t == pytest.approx(0.2 / (0.1 / np.sqrt(3)))
    assert paired_t(np.array([np.nan]))[2] == 0
    assert np.isnan(paired_t(np.array([1.0]))[1])
