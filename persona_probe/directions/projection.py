"""How far a fine-tune moves activations along a direction: the projection shift.

On the same prompts (a pooled pair store, or two stores of the same rows), each row's
activation is projected on the direction's unit vector at every layer, in both models. The
shift is the mean of the per-row differences (tuned minus base), with a paired bootstrap CI,
and the same shift in units of the base projections' standard deviation. A fine-tune that
brings out a persona moves neutral prompts along its direction; a control fine-tune should not.
"""

from __future__ import annotations

import numpy as np

from ..activations.store import ActivationStore
from ..artifacts import PROJECTION_SHIFT, provenance
from ..errors import PersonaProbeError
from ..stats import bootstrap_ci
from .direction import Direction


def projection_shift(base: ActivationStore, tuned: ActivationStore, direction: Direction, name: str = "",
                     n_boot: int = 2000, seed: int = 0) -> dict:
    """Per shared layer: mean projection of each store on the direction, and the paired shift with a 95% CI."""
    if base.pooling == "tokens" or tuned.pooling == "tokens":
        raise PersonaProbeError("projection shifts need pooled stores (last-prompt or response-mean), not per-token ones")
    if [r.get("id") for r in base.rows] != [r.get("id") for r in tuned.rows]:
        raise PersonaProbeError(f"{base.path} and {tuned.path} hold different rows; cache both on the same data "
                                "(persona-probe cache --tuned makes such a pair)")
    layers = [layer for layer in direction.usable_layers if layer in base.layers and layer in tuned.layers]
    if not layers:
        raise PersonaProbeError(f"the direction's layers {list(direction.layers)} are not cached in {base.path}")
    if direction.d_model != base.d_model:
        raise PersonaProbeError(f"the direction has d_model {direction.d_model} but {base.path} has {base.d_model}")
    units = np.stack([direction.at(layer).float().numpy() for layer in layers])          # [layers, d_model]
    base_proj = np.einsum("rld,ld->rl", base.load(layers).float().numpy(), units)        # [rows, layers]
    tuned_proj = np.einsum("rld,ld->rl", tuned.load(layers).float().numpy(), units)
    diffs = tuned_proj - base_proj
    spread = base_proj.std(axis=0, ddof=1) if len(base_proj) > 1 else np.ones(len(layers))
    cis = [bootstrap_ci(diffs[:, i], n_boot, seed) for i in range(len(layers))]
    return {
        "kind": PROJECTION_SHIFT.name,
        "direction": name,
        "base": {"store": str(base.path), "model": base.cfg.get("model")},
        "tuned": {"store": str(tuned.path), "model": tuned.cfg.get("model")},
        "rows": len(diffs),
        "layers": layers,
        "base_mean": base_proj.mean(0).tolist(),
        "tuned_mean": tuned_proj.mean(0).tolist(),
        "shift": diffs.mean(0).tolist(),
        "ci95": [list(ci) for ci in cis],
        "shift_in_sd": (diffs.mean(0) / np.where(spread > 0, spread, 1.0)).tolist(),
        "provenance": provenance(),
    }
