"""Directions in the residual stream: one unit vector per layer, with provenance.

A :class:`Direction` is saved like every artifact here: a folder with
``cfg.json`` (method, model identity, hook names, data hashes, the raw norms)
and ``direction.safetensors`` (the unit vectors). Sources: difference of means
between two stores or two labelled parts of one store (here), the normalised
weights of a logistic probe (:mod:`persona_probe.directions.probes`), and random controls
(:mod:`persona_probe.interventions.claims`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import torch
from jaxtyping import Float
from safetensors.torch import load_file, save_file

from ..activations.store import ActivationStore
from ..artifacts import DIRECTION, FORMAT_VERSION, atomic_write_json, provenance
from ..errors import PersonaProbeError, StoreError
from ..residual import resid_post


@dataclass(frozen=True)
class Direction:
    vectors: Float[torch.Tensor, "layers d_model"]
    """Unit vectors, one per layer in ``layers``; all zeros at a layer with no direction (see ``zero_layers``)."""
    layers: tuple[int, ...]
    """The layers the vectors belong to."""
    norms: Float[torch.Tensor, " layers"]
    """Norms of the raw vectors before normalising (e.g. the mean difference's size)."""
    cfg: dict[str, Any] = field(default_factory=dict)
    """Provenance: method, model identity, hook names, data hashes."""

    def __post_init__(self):
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.layers):
            raise PersonaProbeError(f"a direction needs one vector per layer; got {tuple(self.vectors.shape)} "
                                    f"for {len(self.layers)} layers")

    @property
    def d_model(self) -> int:
        return int(self.vectors.shape[1])

    @property
    def zero_layers(self) -> list[int]:
        """Layers where the direction is the zero vector: e.g. a difference of means over layers a fine-tune
        left alone (an adapter on later layers only), where the two sets have identical means."""
        return [layer for layer, norm in zip(self.layers, self.norms.tolist()) if norm == 0]

    @property
    def usable_layers(self) -> list[int]:
        """The layers with a unit vector."""
        zero = set(self.zero_layers)
        return [layer for layer in self.layers if layer not in zero]

    def at(self, layer: int) -> Float[torch.Tensor, " d_model"]:
        if layer not in self.layers:
            raise PersonaProbeError(f"the direction has no vector for layer {layer}; it covers {list(self.layers)}")
        if layer in self.zero_layers:
            raise PersonaProbeError(f"the direction is zero at layer {layer} (the two sides do not differ there); "
                                    f"use one of its layers with a vector: {self.usable_layers}")
        return self.vectors[self.layers.index(layer)]

    def cosine(self, other: "Direction") -> Float[torch.Tensor, "layers other_layers"]:
        """Cosine similarity between every layer of this direction and every layer of ``other``; NaN where
        either is zero (no direction there, so no angle)."""
        if other.d_model != self.d_model:
            raise PersonaProbeError(f"cannot compare directions of width {self.d_model} and {other.d_model}")
        cosine = self.vectors.float() @ other.vectors.float().T
        undefined = (self.norms == 0)[:, None] | (other.norms == 0)[None, :]
        return cosine.masked_fill(undefined, float("nan"))

    def save(self, folder: str | Path) -> Path:
        """Write ``cfg.json`` and ``direction.safetensors``; a direction with NaN or infinite values is refused."""
        if not bool(torch.isfinite(self.vectors).all()) or not bool(torch.isfinite(self.norms).all()):
            raise PersonaProbeError(f"{folder}: the direction has NaN or infinite values (from damaged or degenerate "
                                    "activations); nothing was written. Check the stores with persona-probe store verify")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / ".direction.safetensors.tmp"
        save_file({"vectors": self.vectors.contiguous().float(), "norms": self.norms.contiguous().float()}, tmp)
        tmp.replace(folder / "direction.safetensors")
        atomic_write_json(folder / "cfg.json", {
            **self.cfg, "kind": DIRECTION.name, "format_version": FORMAT_VERSION, "layers": list(self.layers),
            "hook_names": [resid_post(layer) for layer in self.layers], "d_model": self.d_model,
            "layer_norms": [round(float(n), 6) for n in self.norms], "provenance": provenance(),
        })
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> "Direction":
        folder = Path(folder)
        try:
            cfg = json.loads((folder / "cfg.json").read_text())
            tensors = load_file(str(folder / "direction.safetensors"))
        except (OSError, ValueError) as err:
            raise PersonaProbeError(f"{folder}: not a readable direction ({err}); make one with persona-probe") from None
        if cfg.get("kind") != DIRECTION.name:
            raise PersonaProbeError(f"{folder}/cfg.json is not a direction (kind={cfg.get('kind')!r})")
        return cls(tensors["vectors"], tuple(cfg["layers"]), tensors["norms"], cfg)

    def check_model(self, n_layers: int, d_model: int, name: str = "the model") -> None:
        """Clear errors when this direction cannot apply to a model."""
        if d_model != self.d_model:
            raise PersonaProbeError(f"the direction has d_model {self.d_model} but {name} has {d_model}; "
                                    "use a direction found on the same architecture")
        too_deep = [layer for layer in self.layers if layer >= n_layers]
        if too_deep:
            raise PersonaProbeError(f"the direction has layers {too_deep} but {name} has only {n_layers} layers")


def mean_difference(positive: torch.Tensor, negative: torch.Tensor, layers: Sequence[int],
                    cfg: dict[str, Any] | None = None) -> Direction:
    """mean(positive) - mean(negative) per layer, normalised; inputs are ``[rows, layers, d_model]``."""
    if len(positive) == 0 or len(negative) == 0:
        raise PersonaProbeError(f"difference of means needs rows on both sides; got {len(positive)} and {len(negative)}")
    raw = positive.float().mean(0) - negative.float().mean(0)
    norms = raw.norm(dim=-1)
    if bool((norms == 0).all()):
        raise PersonaProbeError(f"the two sets have identical means at every layer ({list(layers)}); there is "
                                "no direction")
    # Layers where the means agree keep a zero vector (norm 0): only a command that uses one refuses it.
    units = raw / norms.clamp_min(torch.finfo(raw.dtype).tiny)[:, None]
    zero = [layer for layer, n in zip(layers, norms.tolist()) if n == 0]
    return Direction(units, tuple(layers), norms, {"method": "mean-difference", **(cfg or {}),
                                                   **({"zero_layers": zero} if zero else {})})


def mean_difference_of_stores(positive: ActivationStore, negative: ActivationStore,
                              layers: Sequence[int] | None = None) -> Direction:
    """Difference of means between two pooled stores of the same model and layers."""
    if positive.d_model != negative.d_model:
        raise StoreError(f"{positive.path} and {negative.path} have different d_model")
    layers = list(layers) if layers is not None else [l for l in positive.layers if l in negative.layers]
    cfg = {"model": positive.cfg["model"], "negative_model": negative.cfg["model"],
           "data": {"positive": positive.cfg["data"], "negative": negative.cfg["data"]},
           "stores": {"positive": str(positive.path), "negative": str(negative.path)}}
    return mean_difference(positive.load(layers), negative.load(layers), layers, cfg)


def mean_difference_by_label(store: ActivationStore, labels: Sequence[bool],
                             layers: Sequence[int] | None = None) -> Direction:
    """Difference of means between the rows labelled True and False of one pooled store."""
    if len(labels) != len(store):
        raise PersonaProbeError(f"{len(labels)} labels for a store of {len(store)} rows")
    if all(labels) or not any(labels):
        raise PersonaProbeError("the labels are all one class; a difference of means needs both")
    layers = list(layers) if layers is not None else store.layers
    acts = store.load(layers)
    mask = torch.tensor(list(labels), dtype=torch.bool)
    cfg = {"model": store.cfg["model"], "data": store.cfg["data"], "store": str(store.path),
           "n_positive": int(mask.sum()), "n_negative": int((~mask).sum())}
    return mean_difference(acts[mask], acts[~mask], layers, cfg)


def cosine_table(directions: Sequence[Direction], names: Sequence[str]) -> dict:
    """Cosines for a report: each direction against the first at every shared layer, the full
    layer-by-layer matrices against the first, and the first's cosine between adjacent layers."""
    if not directions:
        raise PersonaProbeError("give at least one direction")
    reference = directions[0]
    table: dict[str, Any] = {"reference": str(names[0]), "with_reference": {}, "matrices": {}, "adjacent_layers": {}}
    for direction, name in zip(directions[1:], names[1:]):
        matrix = reference.cosine(direction)
        table["matrices"][str(name)] = {"rows": list(reference.layers), "columns": list(direction.layers),
                                        "cosine": [[_json_number(x, 6) for x in row] for row in matrix]}
        table["with_reference"][str(name)] = {
            layer: _json_number(matrix[i, direction.layers.index(layer)])
            for i, layer in enumerate(reference.layers) if layer in direction.layers}
    own = reference.cosine(reference)
    table["matrices"][str(names[0])] = {"rows": list(reference.layers), "columns": list(reference.layers),
                                        "cosine": [[_json_number(x, 6) for x in row] for row in own]}
    for i in range(len(reference.layers) - 1):
        pair = f"{reference.layers[i]}-{reference.layers[i + 1]}"
        table["adjacent_layers"][pair] = _json_number(own[i, i + 1])
    return table


def _json_number(value, digits: int | None = None) -> float | None:
    """A cosine for JSON: None where it is undefined (a zero layer), which JSON can carry and NaN cannot."""
    value = float(value)
    if math.isnan(value):
        return None
    return round(value, digits) if digits is not None else value
