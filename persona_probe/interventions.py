"""Interventions on the residual stream, as context managers that never change the model for good.

* :class:`Steering` adds ``alpha * scale[layer] * v[layer]`` to ``blocks.{layer}.hook_resid_post``;
  ``scale`` is the layer's typical residual norm, so alpha is in units of it. It acts at
  all positions, or only at the prompt's or only at the response's (see :func:`persona_probe.residual.response_boundary`).
* :class:`Ablation` projects ``v`` out at chosen layers: ``r - (r . v) v``. In the default
  ``resid_post`` mode it acts on each chosen layer's output; in ``writers`` mode it acts on
  everything that writes to the residual stream (the embeddings and every attention and
  MLP output), so the stream never holds ``v`` at all: that is what
  :func:`persona_probe.orthogonalize.orthogonalize_` bakes into the weights.

Ablation leaves out the massive positions (the attention sink; see
:mod:`persona_probe.residual`), measured at each hook call.

Both work anywhere the bridge runs: caching, sampling (``hooks_factory``), the MC score.
The steering unit comes from :func:`persona_probe.neutral.typical_residual_norms`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import torch

from .directions import Direction
from .residual import POSITIONS, HookContext, massive_positions, resid_post, response_mask


class Steering(HookContext):
    def __init__(self, bridge, direction: Direction, alpha: float, layers: Sequence[int] | None = None,
                 norm_scale: Mapping[int, float] | None = None, positions: str = "all"):
        super().__init__(bridge)
        if positions not in POSITIONS:
            raise ValueError(f"steering positions {positions!r} is not one of {POSITIONS}")
        self.direction = direction
        self.alpha = alpha
        self.layers = list(layers) if layers is not None else list(direction.layers)
        self.norm_scale = dict(norm_scale or {})
        self.positions = positions

    def fwd_hooks(self) -> list:
        hooks = []
        for layer in self.layers:
            scale = self.norm_scale.get(layer, 1.0)
            vector = self.direction.at(layer)

            def hook(resid, hook, vector=vector, scale=scale):
                added = (self.alpha * scale) * vector.to(resid.device, resid.dtype)
                if self.positions == "all":
                    return resid + added
                mask = response_mask(resid)
                if self.positions == "prompt":
                    mask = ~mask
                return resid + mask.to(resid.dtype) * added
            hooks.append((resid_post(layer), hook))
        return hooks


class Ablation(HookContext):
    def __init__(self, bridge, direction: Direction, layers: Sequence[int] | None = None,
                 massive_factor: float | None = 20.0, mode: str = "resid_post"):
        super().__init__(bridge)
        if mode not in ("resid_post", "writers"):
            raise ValueError(f"ablation mode {mode!r} is not resid_post or writers")
        self.direction = direction
        self.layers = list(layers) if layers is not None else list(direction.layers)
        self.massive_factor = massive_factor
        self.mode = mode

    def _hook(self, vector: torch.Tensor):
        def hook(resid, hook):
            return project_out(resid, vector.to(resid.device, resid.dtype), self.massive_factor)
        return hook

    def fwd_hooks(self) -> list:
        if self.mode == "resid_post":
            return [(resid_post(layer), self._hook(self.direction.at(layer))) for layer in self.layers]
        # writers: one vector (the first chosen layer's) removed from every write to the stream
        vector = self.direction.at(self.layers[0])
        names = ["hook_embed"] + (["hook_pos_embed"] if hasattr(self.bridge, "pos_embed") else [])
        n_layers = int(self.bridge.cfg.n_layers)
        names += [f"blocks.{i}.{h}" for i in range(n_layers) for h in ("hook_attn_out", "hook_mlp_out")]
        return [(name, self._hook(vector)) for name in names]


def project_out(resid: torch.Tensor, unit: torch.Tensor, massive_factor: float | None = 20.0) -> torch.Tensor:
    """Remove the component along ``unit`` at every position but the massive ones."""
    coefficient = resid @ unit
    if massive_factor is not None and resid.shape[-2] > 1:
        coefficient = coefficient.masked_fill(massive_positions(resid, massive_factor), 0.0)
    return resid - coefficient[..., None] * unit

