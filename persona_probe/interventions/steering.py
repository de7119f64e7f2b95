"""Steering: add a direction to the residual stream, as a context manager.

:class:`Steering` adds ``alpha * scale[layer] * v[layer]`` to ``blocks.{layer}.hook_resid_post``;
``scale`` is the layer's typical residual norm (:func:`persona_probe.evaluation.neutral.typical_residual_norms`),
so alpha is in units of it. It acts at all positions, or only at the prompt's or only at the
response's (see :func:`persona_probe.residual.response_boundary`). It works anywhere the bridge
runs: caching, sampling (``hooks_factory``), the MC score; the model is unchanged once the block ends.
"""


from __future__ import annotations

from typing import Mapping, Sequence

from ..directions.direction import Direction
from ..residual import POSITIONS, HookContext, resid_post, response_mask


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
