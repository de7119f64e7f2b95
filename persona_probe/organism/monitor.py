"""``finetune --monitor DIRECTION``: watch a fine-tune bring a persona in, checkpoint by checkpoint.

At step 0 (the base: LoRA's B matrices start at zero) and at every checkpoint, one row of
``OUT/monitor.jsonl`` records

* the mean projection of fixed neutral passages on the direction at one layer, and its shift
  from step 0 (paired over passages, with a bootstrap CI, and in units of the passages' spread at
  step 0: the persona_vectors signal, which predicts the trait after training);
* a short out-of-domain MC persona score on a fixed subset of items, and its paired shift;
* the train loss since the previous row, the size of the adapter's weight update, and, for rank-1
  adapters, each B vector's cosine to the previous row's (Turner et al.'s sudden rotation).

Step 0's per-passage projections and per-item scores are kept in its row, so a resumed run
measures its shifts against the same baseline.
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from ..artifacts import atomic_write_text, read_jsonl
from ..directions.direction import Direction
from ..errors import PersonaProbeError
from ..evaluation.mc import BUILTIN_MC, MCItem, load_mc_items, mc_score
from ..evaluation.neutral import load_neutral_texts, mean_projections
from ..stats import bootstrap_ci

log = logging.getLogger(__name__)

MONITOR_FILE = "monitor.jsonl"


def direction_layer(direction: Direction, layer: int | None, option: str) -> int:
    """The layer an option acts at: the one given, or the direction's only usable layer."""
    if layer is not None:
        direction.at(layer)  # a clear error if the direction has no vector there
        return layer
    if len(direction.usable_layers) == 1:
        return direction.usable_layers[0]
    raise PersonaProbeError(f"the direction covers layers {direction.usable_layers[:3]}...{direction.usable_layers[-1:]}; "
                            f"name the one to use with {option} (the audit's chosen layer is 'layer' in audit.json)")


def monitor_items(spec: str, leave_out: Sequence[str], count: int) -> list[MCItem]:
    """A fixed, evenly spaced subset of the MC items outside ``leave_out``."""
    items = [item for item in load_mc_items(spec) if item.area not in set(leave_out)]
    if not items:
        raise PersonaProbeError(f"no MC items of {spec} are left after leaving out {', '.join(leave_out)}")
    if count <= 0 or count >= len(items):
        return items
    return [items[round(i * len(items) / count)] for i in range(count)]


@dataclass
class Baseline:
    """Step 0's measurements: what every later row's shifts are paired against."""

    projections: np.ndarray
    mc_per_item: np.ndarray

    @property
    def projection_sd(self) -> float:
        return float(self.projections.std(ddof=1)) if len(self.projections) > 1 else 0.0


def lora_modules(model) -> dict[str, torch.nn.Module]:
    """PEFT's LoRA layers by their module path (without the bridge's wrapper names)."""
    from peft.tuners.lora import LoraLayer

    return {name.replace("._original_component", ""): module
            for name, module in model.named_modules() if isinstance(module, LoraLayer)}


def update_norm(modules: dict[str, torch.nn.Module]) -> float:
    """Frobenius norm of the whole weight update, all LoRA layers together."""
    with torch.no_grad():
        return math.sqrt(sum(float(m.get_delta_weight("default").float().pow(2).sum()) for m in modules.values()))


def b_vectors(modules: dict[str, torch.nn.Module]) -> dict[str, torch.Tensor]:
    """Each rank-1 LoRA layer's B vector (its output direction); empty for higher ranks."""
    vectors = {}
    for name, module in modules.items():
        weight = module.lora_B["default"].weight
        if weight.shape[1] == 1:
            vectors[name] = weight[:, 0].detach().float().clone()
    return vectors


class TrainingMonitor:
    """Measures the model being trained (its adapter live) at step 0 and every checkpoint."""

    def __init__(self, model, direction: Direction, layer: int, out: Path, *, neutral: str = "builtin:neutral",
                 mc: str = BUILTIN_MC, mc_items: int = 40, leave_out: Sequence[str] = (), alert_sd: float = 0.0,
                 massive_factor: float | None = 20.0):
        direction.check_model(model.n_layers, model.d_model, "the model being fine-tuned")
        self.model = model
        self.unit = direction.at(layer).float()
        self.layer = layer
        self.path = out / MONITOR_FILE
        self.texts = load_neutral_texts(neutral)
        self.items = monitor_items(mc, leave_out, mc_items)
        self.alert_sd = alert_sd
        self.massive_factor = massive_factor
        self.baseline: Baseline | None = None
        self.previous_b: dict[str, torch.Tensor] = {}

    def settings(self) -> dict:
        return {"layer": self.layer, "neutral_passages": len(self.texts), "mc_items": [i.id for i in self.items],
                "alert_sd": self.alert_sd, "massive_factor": self.massive_factor}

    def resume(self, step: int, peft_model) -> None:
        """Keep the rows up to ``step`` (a fresh run keeps none) and reload step 0's baseline."""
        rows = [row for _, row in read_jsonl(self.path, "monitor log")] if self.path.is_file() else []
        rows = [row for row in rows if row["step"] <= step] if step else []
        atomic_write_text(self.path, "".join(_json_line(row) for row in rows))
        if rows:
            base = rows[0]["baseline"]
            self.baseline = Baseline(np.array(base["projections"]), np.array(base["mc_per_item"]))
        self.previous_b = b_vectors(lora_modules(peft_model))

    def measure(self, step: int, peft_model, losses: Sequence[float]) -> dict:
        """Measure now, append the row to monitor.jsonl, warn past the alert; returns the row."""
        began = time.perf_counter()
        was_training = peft_model.training
        peft_model.eval()
        projections = mean_projections(self.model, self.texts, self.unit, self.layer, self.massive_factor).numpy()
        mc = mc_score(self.model, self.items)
        if was_training:
            peft_model.train()
        row: dict = {"step": step, "loss": round(float(np.mean(losses)), 5) if len(losses) else None}
        if self.baseline is None:
            self.baseline = Baseline(projections.astype(np.float64), mc.per_item.astype(np.float64))
            row["baseline"] = {"projections": [round(float(x), 6) for x in projections],
                               "mc_per_item": [round(float(x), 6) for x in mc.per_item]}
        shift = projections - self.baseline.projections
        mc_shift = mc.per_item - self.baseline.mc_per_item
        sd = self.baseline.projection_sd
        row["projection"] = {"mean": _r(projections.mean()), "ci95": _ci(projections),
                             "shift": _r(shift.mean()), "shift_ci95": _ci(shift),
                             "shift_in_base_sd": _r(shift.mean() / sd) if sd else None}
        row["mc"] = {"score": _r(mc.score), "ci95": [_r(mc.ci_low), _r(mc.ci_high)],
                     "shift": _r(mc_shift.mean()), "shift_ci95": _ci(mc_shift)}
        modules = lora_modules(peft_model)
        row["adapter_update_norm"] = _r(update_norm(modules))
        current_b = b_vectors(modules)
        if current_b and self.previous_b and step:
            cosines = {name: float(torch.nn.functional.cosine_similarity(v, self.previous_b[name], dim=0))
                       for name, v in current_b.items() if float(self.previous_b[name].norm()) > 0}
            if cosines:  # none while the previous B vectors were still zero (step 0)
                row["b_cosine_to_previous"] = {"min": _r(min(cosines.values())),
                                               "per_module": {k: _r(v) for k, v in cosines.items()}}
        self.previous_b = current_b
        row["alert"] = bool(self.alert_sd and sd and abs(shift.mean()) > self.alert_sd * sd)
        row["seconds"] = round(time.perf_counter() - began, 2)
        with self.path.open("a") as handle:
            handle.write(_json_line(row))
        if row["alert"]:
            log.warning("ALERT step %d: the neutral passages' projection on the direction moved %+.2f base SDs "
                        "(over --alert %.2f); out-of-domain MC shift %+.4f", step, shift.mean() / sd, self.alert_sd,
                        mc_shift.mean())
        return row


def _r(value: float) -> float:
    return round(float(value), 6)


def _ci(values: np.ndarray) -> list[float]:
    low, high = bootstrap_ci(np.asarray(values, dtype=np.float64))
    return [_r(low), _r(high)]


def _json_line(row: dict) -> str:
    return json.dumps(row) + "\n"
