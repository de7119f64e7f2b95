"""Interventions on the residual stream, as context managers that never change the model for good.

* :class:`Steering` adds ``alpha * scale[layer] * v[layer]`` to ``blocks.{layer}.hook_resid_post``;
  ``scale`` is the layer's typical residual norm, so alpha is in units of it. It acts at
  all positions, or only at the prompt's or only at the response's (see :func:`response_boundary`).
* :class:`Ablation` projects ``v`` out at chosen layers: ``r - (r . v) v``. In the default
  ``resid_post`` mode it acts on each chosen layer's output; in ``writers`` mode it acts on
  everything that writes to the residual stream (the embeddings and every attention and
  MLP output), so the stream never holds ``v`` at all: that is what
  :func:`persona_probe.orthogonalize.orthogonalize_` bakes into the weights.

Massive activations: a few positions, above all the first token (the attention
sink), carry residual norms far above the rest (about 150x the median in
SmolLM2), and projecting there wrecks the model. Ablation therefore leaves out
every position whose norm exceeds ``massive_factor`` times the median norm of its
row, measured at each hook call.

Both work anywhere the bridge runs: caching, sampling (``hooks_factory``), the MC score.
The steering unit comes from :func:`persona_probe.neutral.typical_residual_norms`.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Mapping, Sequence

import torch

from .directions import Direction
from .hooks import resid_post


class _BridgeHooks:
    """Shared context-manager plumbing: subclasses provide ``fwd_hooks()``."""

    def __init__(self, bridge):
        self.bridge = bridge
        self._context = None

    def fwd_hooks(self) -> list:
        raise NotImplementedError

    def __enter__(self):
        self._context = self.bridge.hooks(fwd_hooks=self.fwd_hooks())
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        context, self._context = self._context, None
        return context.__exit__(*exc)


POSITIONS = ("all", "prompt", "response")
_RESPONSE_START: ContextVar[torch.Tensor | None] = ContextVar("response_start", default=None)


@contextmanager
def response_boundary(starts: torch.Tensor) -> Iterator[None]:
    """Tell position-aware interventions where each row's response begins in the next forward passes.

    Scoring a prompt and its answer in one pass needs this. Without it, a forward over
    more than one position is all prompt (e.g. the prefill of sampling), and a forward over
    exactly one position is a decoding step, all response.
    """
    token = _RESPONSE_START.set(starts)
    try:
        yield
    finally:
        _RESPONSE_START.reset(token)


def response_mask(resid: torch.Tensor) -> torch.Tensor:
    """``[batch, pos, 1]`` True at response positions, by the rule of :func:`response_boundary`."""
    batch, seq = resid.shape[:2]
    if seq == 1:
        return torch.ones(batch, 1, 1, dtype=torch.bool, device=resid.device)
    starts = _RESPONSE_START.get()
    if starts is None:
        return torch.zeros(batch, seq, 1, dtype=torch.bool, device=resid.device)
    positions = torch.arange(seq, device=resid.device)
    return (positions[None, :] >= starts.to(resid.device)[:, None])[..., None]


class Steering(_BridgeHooks):
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


class Ablation(_BridgeHooks):
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


def massive_positions(resid: torch.Tensor, factor: float) -> torch.Tensor:
    """``[batch, pos]`` True where a position's norm exceeds ``factor`` x its row's median norm."""
    norms = resid.float().norm(dim=-1)
    return norms > factor * norms.median(dim=-1, keepdim=True).values


def drop_massive_rows(rows: torch.Tensor, factor: float | None) -> torch.Tensor:
    """``[n, d]`` rows (one sequence's tokens, or a shard's rows) without the massive ones, by the same rule."""
    if not factor or len(rows) < 2:
        return rows
    return rows[~massive_positions(rows[None], factor)[0]]


def project_out(resid: torch.Tensor, unit: torch.Tensor, massive_factor: float | None = 20.0) -> torch.Tensor:
    """Remove the component along ``unit`` at every position but the massive ones."""
    coefficient = resid @ unit
    if massive_factor is not None and resid.shape[-2] > 1:
        coefficient = coefficient.masked_fill(massive_positions(resid, massive_factor), 0.0)
    return resid - coefficient[..., None] * unit

