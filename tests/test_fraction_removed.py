"""The share of a shift that an intervention removes, with its CI, and when no share can be stated."""

import numpy as np
import pytest

from persona_probe.errors import PersonaProbeError
from persona_probe.stats import fraction_removed


def scores(values) -> dict:
    return {f"item{k}": float(v) for k, v in enumerate(values)}


def test_a_clean_half_removal_reads_one_half_with_a_tight_ci():
    rng = np.random.default_rng(0)
    base = rng.uniform(0.2, 0.4, 60)
    tuned = base + 0.2 + rng.normal(0, 0.01, 60)
    ablated = tuned - 0.1 + rng.normal(0, 0.01, 60)
    r = fraction_removed(scores(tuned), scores(ablated), scores(base))
    by_hand = (tuned - ablated).mean() / (tuned - base).mean()
    assert r["fraction"] == pytest.approx(by_hand) and 0.45 < r["fraction"] < 0.55
    assert r["ci95"][0] < r["fraction"] < r["ci95"][1] and r["ci95"][1] - r["ci95"][0] < 0.1
    assert r["shift"] == pytest.approx((tuned - base).mean()) and r["n_items"] == 60
    assert r["resamples_without_shift"] == 0.0


def test_no_fraction_of_a_shift_that_is_not_there():
    rng = np.random.default_rng(1)
    base = rng.uniform(0.2, 0.4, 40)
    tuned = base + rng.normal(0, 0.05, 40)  # no real shift: its CI straddles 0
    ablated = tuned - 0.01
    r = fraction_removed(scores(tuned), scores(ablated), scores(base))
    assert r["shift_ci95"][0] < 0 < r["shift_ci95"][1]
    assert r["ci95"] is None  # a ratio over a shift that may be 0 or negative has no CI
    lower = fraction_removed(scores(base - 0.1), scores(base - 0.2), scores(base))
    assert lower["fraction"] is None and lower["ci95"] is None  # the "shift" goes the other way


def test_overshoot_and_reversal_read_as_such_and_only_shared_items_count():
    base, tuned = scores([0.1] * 10), scores([0.3] * 10)
    assert fraction_removed(tuned, scores([0.0] * 10), base)["fraction"] == pytest.approx(1.5)
    assert fraction_removed(tuned, scores([0.4] * 10), base)["fraction"] == pytest.approx(-0.5)
    partial = {k: v for k, v in list(scores([0.2] * 10).items())[:4]}
    assert fraction_removed(tuned, partial, base)["n_items"] == 4
    with pytest.raises(PersonaProbeError, match="no shared items"):
        fraction_removed(tuned, {"other": 0.1}, base)
