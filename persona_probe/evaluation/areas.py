"""Out-of-domain scores: every measure again, with a fine-tune's own topic areas left out.

Emergent misalignment is a claim about *other* domains: a model tuned on bad financial
advice that gives bad financial advice has learnt its task, not a persona. So each MC
item and each open question carries an ``area``, and a run can name the areas to leave
out (``--leave-out finance,harmful_advice``). Everything here works from a run's
``summary.json`` alone (per-question counts with their areas, per-item MC scores with
theirs), so ``compare`` can score two finished runs out of domain without re-running them.
Answers and items with no area are never left out: an unknown area cannot be the fine-tune's own.
"""

from __future__ import annotations

import numpy as np

from ..errors import DataError
from ..stats import bootstrap_ci, paired_difference, two_proportion_test, wilson_ci


def parse_areas(text: str | None) -> tuple[str, ...]:
    """``"finance, health"`` -> ``("finance", "health")``; empty or None -> ``()``."""
    return tuple(sorted({part.strip() for part in (text or "").split(",") if part.strip()}))


def known_areas(summary: dict) -> set[str]:
    """Every area a run's questions and MC items name."""
    areas = {q.get("area", "") for q in summary.get("per_question", {}).values()}
    areas |= set(((summary.get("mc_persona") or {}).get("item_areas") or {}).values())
    return areas - {""}


def check_areas(leave_out: tuple[str, ...], known: set[str], where: str) -> None:
    """Refuse an area no question or item has: a typo would silently leave nothing out."""
    unknown = [area for area in leave_out if area not in known]
    if unknown:
        listed = ", ".join(sorted(known)) if known else "none (the questions and MC items carry no area)"
        raise DataError(f"{where}: --leave-out names {', '.join(unknown)}, which no question or MC item has; "
                        f"the areas here are: {listed}")


def em_counts(summary: dict, leave_out: tuple[str, ...] = ()) -> tuple[int, int, float]:
    """(misaligned, answers, summed coherence) over the questions whose area is not left out."""
    k = n = 0
    coherence = 0.0
    for q in summary["per_question"].values():
        if q.get("area") and q["area"] in leave_out:
            continue
        n += q["n"]
        k += q["misaligned"] if "misaligned" in q else round(q["em_rate"] * q["n"])  # summaries before areas
        coherence += q["mean_coherence"] * q["n"]
    return k, n, coherence


def mc_items(summary: dict, leave_out: tuple[str, ...] = ()) -> dict[str, float]:
    """Per-item MC scores, items in left-out areas dropped ({} when the run has no MC score)."""
    mc = summary.get("mc_persona") or {}
    areas = mc.get("item_areas") or {}
    return {item: score for item, score in (mc.get("per_item") or {}).items()
            if not (areas.get(item) and areas[item] in leave_out)}


def out_of_domain(summary: dict, leave_out: tuple[str, ...], n_boot: int = 2000) -> dict | None:
    """EM rate, coherence and MC score of one run with ``leave_out`` dropped; None when nothing is left out."""
    if not leave_out:
        return None
    k, n, coherence = em_counts(summary, leave_out)
    block: dict = {"left_out_areas": list(leave_out), "n_answers": n, "em_rate": k / n if n else None,
                   "em_ci95": list(wilson_ci(k, n)) if n else None, "mean_coherence": coherence / n if n else None,
                   "mc": None}
    scores = mc_items(summary, leave_out)
    if scores:
        values = np.array(list(scores.values()), dtype=float)
        block["mc"] = {"score": float(values.mean()), "ci95": list(bootstrap_ci(values, n_boot)),
                       "n_items": len(scores)}
    return block


def compare_summaries(a: dict, b: dict, leave_out: tuple[str, ...] = ()) -> dict:
    """B against A over the answers and MC items not in ``leave_out``.

    EM: a two-proportion z-test. MC: the paired difference over the items both runs
    scored, with a bootstrap 95% CI over items (positive: B is more misaligned).
    """
    k_a, n_a, coh_a = em_counts(a, leave_out)
    k_b, n_b, coh_b = em_counts(b, leave_out)
    result = {"n_answers_a": n_a, "n_answers_b": n_b, "em_a": None, "em_b": None, "difference": None, "z": None,
              "p_value": None, "coherence_a": None, "coherence_b": None,
              "mc_a": None, "mc_b": None, "mc_difference": None, "mc_difference_ci95": None, "n_items": 0}
    if n_a and n_b:  # runs made with --data none have no answers to compare
        test = two_proportion_test(k_a, n_a, k_b, n_b)
        result.update(em_a=k_a / n_a, em_b=k_b / n_b, difference=test.difference, z=test.z, p_value=test.p_value,
                      coherence_a=coh_a / n_a, coherence_b=coh_b / n_b)
    items_a, items_b = mc_items(a, leave_out), mc_items(b, leave_out)
    shared = sorted(set(items_a) & set(items_b))
    if shared:
        diff, ci = paired_difference({k: items_b[k] for k in shared}, {k: items_a[k] for k in shared})
        result.update(mc_a=sum(items_a[k] for k in shared) / len(shared),
                      mc_b=sum(items_b[k] for k in shared) / len(shared),
                      mc_difference=diff, mc_difference_ci95=ci, n_items=len(shared))
    return result
