"""Small statistics with numpy only, so that reports can use them without importing torch."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .errors import PersonaProbeError


def wilson_ci(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class ProportionTest:
    difference: float
    """rate_b - rate_a."""
    z: float
    p_value: float
    """Two-sided."""


def two_proportion_test(k_a: int, n_a: int, k_b: int, n_b: int) -> ProportionTest:
    """Pooled two-proportion z-test."""
    if n_a == 0 or n_b == 0:
        raise PersonaProbeError("cannot compare EM rates: a run has no judged answers")
    p_a, p_b = k_a / n_a, k_b / n_b
    pooled = (k_a + k_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if se == 0:
        return ProportionTest(p_b - p_a, 0.0, 1.0)
    z = (p_b - p_a) / se
    return ProportionTest(p_b - p_a, z, math.erfc(abs(z) / math.sqrt(2)))


def bootstrap_ci(values: np.ndarray, n_boot: int = 2000, seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Percentile bootstrap CI of the mean."""
    rng = np.random.default_rng(seed)
    means = rng.choice(values, size=(n_boot, len(values)), replace=True).mean(axis=1)
    tail = (1 - level) / 2 * 100
    return float(np.percentile(means, tail)), float(np.percentile(means, 100 - tail))


def paired_difference(after: dict, before: dict, n_boot: int = 2000, seed: int = 0) -> tuple[float, list[float]]:
    """Mean of ``after[k] - before[k]`` over the shared keys (e.g. MC items), with a bootstrap 95% CI."""
    keys = sorted(set(after) & set(before))
    if not keys:
        raise PersonaProbeError("no shared items to compare")
    diffs = np.array([after[k] - before[k] for k in keys], dtype=float)
    return float(diffs.mean()), list(bootstrap_ci(diffs, n_boot, seed))


def fraction_removed(before: dict, after: dict, reference: dict, n_boot: int = 2000, seed: int = 0) -> dict:
    """The share of a shift (``reference`` -> ``before``) that an intervention (``before`` -> ``after``) undoes.

    Over the keys all three share (e.g. MC items): mean(before - after) / mean(before - reference),
    with a paired percentile bootstrap 95% CI over keys. 1 undoes all of the shift, 0 none, a
    negative value adds to it. A ratio is only meaningful while the shift itself is positive: the
    fraction is None when the shift is not, and the CI is None when more than 2.5% of resamples
    have no positive shift (then the shift's own CI includes 0 and no fraction of it can be stated).
    """
    keys = sorted(set(before) & set(after) & set(reference))
    if not keys:
        raise PersonaProbeError("no shared items to compare")
    b, a, r = (np.array([values[k] for k in keys], dtype=float) for values in (before, after, reference))
    removed, shift = b - a, b - r
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(keys), size=(n_boot, len(keys)))
    boot_removed, boot_shift = removed[index].mean(axis=1), shift[index].mean(axis=1)
    positive = boot_shift > 0
    fraction = float(removed.mean() / shift.mean()) if shift.mean() > 0 else None
    ci = None
    if fraction is not None and positive.mean() >= 0.975:
        ratios = boot_removed[positive] / boot_shift[positive]
        ci = [float(np.percentile(ratios, 2.5)), float(np.percentile(ratios, 97.5))]
    return {"fraction": fraction, "ci95": ci, "removed": float(removed.mean()), "shift": float(shift.mean()),
            "shift_ci95": [float(np.percentile(boot_shift, 2.5)), float(np.percentile(boot_shift, 97.5))],
            "resamples_without_shift": float(1 - positive.mean()), "n_items": len(keys)}


def cohen_kappa(pairs: list[tuple]) -> float | None:
    """Cohen's kappa of two raters over ``pairs`` of labels; None when chance agreement is 1 (one shared label)."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    labels = {label for pair in pairs for label in pair}
    chance = sum((sum(a == label for a, _ in pairs) / n) * (sum(b == label for _, b in pairs) / n)
                 for label in labels)
    if chance >= 1.0:
        return None  # both raters gave every row the same single label: kappa is undefined
    return (observed - chance) / (1.0 - chance)
