"""How the report writes numbers: values with their CIs, missing values, layer lists."""

from __future__ import annotations

import math


def fmt(value, digits: int = 3) -> str:
    """A number with ``digits`` decimals, or ``n/a`` for none (or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:.{digits}f}"


def with_ci(value, ci, digits: int = 3, signed: bool = False) -> str:
    """``value [low, high]`` (``n/a`` for no value); ``signed`` writes every number with its sign."""
    if value is None:
        return "n/a"
    spec = f"+.{digits}f" if signed else f".{digits}f"
    if ci and len(ci) == 2:
        return f"{value:{spec}} [{ci[0]:{spec}}, {ci[1]:{spec}}]"
    return f"{value:{spec}}"


def layers_text(layers) -> str:
    """[15] -> "layer 15"; [0, 1, 2, 5] -> "layers 0-2, 5": layer lists in titles stay short."""
    if not isinstance(layers, list) or not layers:
        return f"layers {layers}"
    runs, start = [], layers[0]
    for i, layer in enumerate(layers):
        if i + 1 == len(layers) or layers[i + 1] != layer + 1:
            runs.append(str(start) if start == layer else f"{start}-{layer}")
            if i + 1 < len(layers):
                start = layers[i + 1]
    return ("layer " if len(layers) == 1 else "layers ") + ", ".join(runs)


def mean_or_none(values) -> float | None:
    """The mean of the values that are there, or None when none is (e.g. MC scores of a run with --mc none)."""
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def em_cell(values: dict) -> str:
    """The EM rate with its CI and, for an evaluate run that counted in-domain answers apart, both counts."""
    em = with_ci(values.get("em_rate"), values.get("em_ci95"))
    domain = values.get("in_domain")
    if domain and values.get("n_answers"):
        em += (f"; {domain['n']} in-domain ({domain['kind']}) apart, "
               f"{with_ci(domain['em_rate_counting_them'], domain['em_ci95_counting_them'])} counting them")
    return em
