"""Ablation: project a direction out of the residual stream, as a context manager.

:class:`Ablation` projects ``v`` out at chosen layers: ``r - (r . v) v``. In the default
``resid_post`` mode it acts on each chosen layer's output; in ``writers`` mode it acts on
everything that writes to the residual stream (the embeddings and every attention and
MLP output), so the stream never holds ``v`` at all: that is what
:func:`persona_probe.interventions.orthogonalize.orthogonalize_` bakes into the weights.

It leaves out the massive positions (the attention sink; see :mod:`persona_probe.residual`),
measured at each hook call. The model is unchanged once the block ends.
"""

from __future__ import annotations

from typing import Sequence

import torch

from ..directions.direction import Direction
from ..residual import HookContext, massive_positions, resid_post


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

