"""Choose a direction's layer by measurement: which layer's vector, ablated, lowers the MC score most.

A direction found at every layer (a mean difference, a by-label contrast) still has to be
applied at one. :func:`scan_layers` ablates each candidate layer's vector in turn and scores the
MC persona items under it; the chosen layer is the one with the largest paired MC drop from the
model as it is. Run it on the *train* items of a split (``data mc-contrast --split train``) and
test the chosen layer on the other items with ``ablate``: the layer is then never chosen on the
items that measure the claim.

Among layers, the drop ranks exactly as the fraction of the shift over the base that ablation
removes would, since that fraction divides the drop by one number shared by every layer; so no
base model is needed here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..artifacts import LAYER_SCAN, atomic_write_json, claim_output_file, json_of_kind, provenance
from ..directions.spec import resolve_direction
from ..errors import PersonaProbeError
from ..models.settings import ModelSettings
from ..residual import massive_threshold, parse_layers
from ..stats import paired_difference
from .ablation import Ablation

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class LayerScanConfig(ModelSettings):
    """Choose a direction's layer: ablate each layer's vector in turn and score the MC items.

    For each candidate layer, the MC persona score of the model with that layer's vector of the direction ablated, and its paired drop from the model as it is (bootstrap CI over items); the chosen layer is the one with the largest drop. Score the train items of a split (data mc-contrast --split train) and test the chosen layer on the others with ablate, so the layer is never chosen on the test items. A rerun resumes."""

    model: str = "smollm2-135m"
    """Model spec to ablate in (the tuned model)."""
    direction: str
    """The direction: a direction folder, or SAE_DIR#latent=K."""
    mc: str
    """The MC items to score: a YAML of items, builtin:persona, or a data mc-contrast file (its items)."""
    layers: str = "all"
    """Candidate layers: all (every layer the direction covers) or e.g. 4-26 or 8,12,16."""
    mode: str = field(default="writers", metadata={"choices": ("writers", "resid_post")})
    """writers: remove the layer's vector from everything that writes to the stream (so no layer holds it); resid_post: project it out of that layer's output only."""
    mc_method: str = field(default="likelihood", metadata={"choices": ("likelihood", "letters")})
    """MC scoring: likelihood of each answer as the reply, or the A/B letter over both option orders."""
    system: str | None = None
    """A system prompt for the MC score: text, or builtin:hostile / builtin:helpful."""
    massive_factor: float = 20.0
    """Positions whose residual norm exceeds this many times their row's median (the attention sink) are never projected; 0 projects everywhere."""
    out: str
    """JSON file to write; a rerun with the same settings resumes it."""
    overwrite: bool = False
    """Start an existing scan of other settings afresh (never replaces anything but a layer scan)."""


def _scan_layers(spec: str, covered: list[int], n_layers: int) -> list[int]:
    layers = covered if spec.strip().lower() == "all" else parse_layers(spec, n_layers)
    missing = [layer for layer in layers if layer not in covered]
    if missing:
        raise PersonaProbeError(f"--layers asks for {missing}, but the direction has a vector only at {covered}")
    return layers


def choose(per_layer: list[dict]) -> int:
    """The layer with the largest MC drop; the lowest such layer on a tie."""
    best = max(row["drop"] for row in per_layer)
    return min(row["layer"] for row in per_layer if row["drop"] == best)


def run_layer_scan(cfg: LayerScanConfig, progress: bool = True) -> dict:
    """Score the MC items with each candidate layer's vector ablated; writes and returns the scan."""
    from tqdm.auto import tqdm

    from ..datasets.conversations import resolve_system
    from ..evaluation.mc import load_mc_items, mc_score
    from ..models.loading import load_model

    out = Path(cfg.out)
    settings = {k: v for k, v in asdict(cfg).items() if k not in ("out", "overwrite", "device")}
    earlier = _resumable(out, settings, cfg.overwrite)
    items = load_mc_items(cfg.mc)
    if earlier and earlier["item_ids"] != [item.id for item in items]:
        raise PersonaProbeError(f"{out} was scanned on other MC items than {cfg.mc} now holds; pass --overwrite to "
                                "start it afresh, or choose another --out")
    direction = resolve_direction(cfg.direction)
    model = load_model(cfg.model, cfg.device, cfg.model_dtype, device_map=cfg.device_map, max_memory=cfg.max_memory)
    direction.check_model(model.n_layers, model.d_model, name=cfg.model)
    layers = _scan_layers(cfg.layers, list(direction.usable_layers), model.n_layers)
    system = resolve_system(cfg.system)
    massive = massive_threshold(cfg.massive_factor)

    record = earlier or {
        "kind": LAYER_SCAN.name, "settings": settings, "direction": direction.cfg, "model": model.identity.to_dict(),
        "n_items": len(items), "item_ids": [item.id for item in items], "status": "running", "per_layer": []}
    if record.get("as_is") is None:
        as_is = mc_score(model, items, system, method=cfg.mc_method)
        record["as_is"] = {"score": as_is.score, "ci95": [as_is.ci_low, as_is.ci_high],
                           "per_item": dict(zip(as_is.item_ids, as_is.per_item.tolist()))}
        atomic_write_json(out, record)
    done = {row["layer"] for row in record["per_layer"]}
    todo = [layer for layer in layers if layer not in done]
    for layer in tqdm(todo, desc="layer scan", unit="layer", disable=not progress):
        ablated = mc_score(model, items, system, hooks=Ablation(model.bridge, direction, [layer], massive, cfg.mode),
                           method=cfg.mc_method)
        per_item = dict(zip(ablated.item_ids, ablated.per_item.tolist()))
        drop, ci = paired_difference(record["as_is"]["per_item"], per_item)
        record["per_layer"].append({"layer": layer, "score": ablated.score, "drop": drop, "drop_ci95": list(ci)})
        record["per_layer"].sort(key=lambda row: row["layer"])
        atomic_write_json(out, record)  # each layer kept as it finishes: an interrupted scan resumes
    record.update(status="complete", chosen_layer=choose(record["per_layer"]),
                  criterion="largest paired drop of the MC score from the model as it is, on these items",
                  provenance=provenance())
    atomic_write_json(out, record)
    return record


def _resumable(out: Path, settings: dict, overwrite: bool) -> dict | None:
    """The scan in ``out`` to resume (same settings), or None to start afresh; anything else is refused."""
    claim_output_file(out, True, json_of_kind(LAYER_SCAN), LAYER_SCAN.name)  # never replaces a file not ours
    if not out.is_file():
        return None
    earlier = json.loads(out.read_text())
    if earlier.get("settings") == settings:
        return earlier
    if overwrite:
        return None
    changed = sorted(k for k in settings if earlier.get("settings", {}).get(k) != settings[k])
    raise PersonaProbeError(f"{out} holds a layer scan made with other settings ({', '.join(changed)} differ); rerun "
                            "with the same settings to resume it, or pass --overwrite to start it afresh")
