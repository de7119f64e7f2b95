"""The residual stream's shared mechanics: hook names, layer choices, the hook context,
massive-activation positions and the response boundary.

Hook names are TransformerLens's legacy ones (``blocks.{i}.hook_resid_post``)
everywhere, because SAELens metadata uses them; the bridge resolves them as aliases
of its own names (``blocks.{i}.hook_out``). ``blocks.{i+1}.hook_resid_pre`` is the
same stream as ``blocks.{i}.hook_resid_post``.

Massive activations: a few positions, above all the first token (the attention
sink), carry residual norms far above the rest (about 150x the median in
SmolLM2). Projecting or steering there wrecks the model, so every intervention
and every SAE leaves out positions whose norm exceeds ``massive_factor`` times
their row's median. A factor of 0 means "leave none out" (:func:`massive_threshold`).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

import torch

from .errors import PersonaProbeError

RESID_POST = "blocks.{layer}.hook_resid_post"
_RESID_POST_RE = re.compile(r"^blocks\.(\d+)\.hook_resid_post$")


def resid_post(layer: int) -> str:
    """The residual stream after block ``layer``."""
    return RESID_POST.format(layer=layer)


def layer_of(hook_name: str) -> int:
    """The layer index in a ``blocks.{i}.hook_resid_post`` name."""
    match = _RESID_POST_RE.match(hook_name)
    if match is None:
        raise PersonaProbeError(
            f"hook {hook_name!r} is not a residual-stream hook; expected blocks.N.hook_resid_post"
        )
    return int(match.group(1))


_HOOK_RE = re.compile(r"^blocks\.(\d+)\.(hook_[a-z_]+)$")


def residual_layer(hook_name: str) -> int | None:
    """The layer whose ``hook_resid_post`` a hook reads, or None for a hook off the residual stream.

    ``blocks.{L}.hook_resid_post`` is layer L, and ``blocks.{L+1}.hook_resid_pre`` is the same stream
    (SAELens names many residual SAEs this way). ``blocks.0.hook_resid_pre`` is the embeddings' output,
    before any block, which no store holds: None, like ``hook_mlp_out`` or ``hook_attn_out``.
    """
    match = _HOOK_RE.match(hook_name or "")
    if match is None:
        return None
    block, point = int(match.group(1)), match.group(2)
    if point == "hook_resid_post":
        return block
    if point == "hook_resid_pre" and block > 0:
        return block - 1
    return None


def parse_layers(spec: str | list[int] | tuple[int, ...], n_layers: int) -> list[int]:
    """Parse ``all``, ``0,5,10``, ``4-12`` or a mix (``0,4-6,-1``) into sorted layers.

    Negative indices count from the end. Every layer must be in ``[0, n_layers)``.
    """
    if isinstance(spec, (list, tuple)):
        parts = [str(x) for x in spec]
    else:
        text = spec.strip().lower()
        if text == "all":
            return list(range(n_layers))
        parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise PersonaProbeError(f"--layers {spec!r} selects no layers; use all, 0,5,10 or 4-12")
    layers: set[int] = set()
    for part in parts:
        range_match = re.fullmatch(r"(-?\d+)-(-?\d+)", part)
        try:
            if range_match:
                lo, hi = (_resolve(int(g), n_layers, spec) for g in range_match.groups())
                if lo > hi:
                    raise PersonaProbeError(
                        f"--layers {spec!r}: range {part!r} is backwards; write it low-high"
                    )
                layers.update(range(lo, hi + 1))
            else:
                layers.add(_resolve(int(part), n_layers, spec))
        except ValueError:
            raise PersonaProbeError(
                f"--layers {spec!r}: cannot read {part!r}; use all, 0,5,10 or 4-12"
            ) from None
    return sorted(layers)


def _resolve(index: int, n_layers: int, spec: object) -> int:
    resolved = index + n_layers if index < 0 else index
    if not 0 <= resolved < n_layers:
        raise PersonaProbeError(
            f"--layers {spec!r}: layer {index} is out of range; "
            f"the model has {n_layers} layers (0-{n_layers - 1})"
        )
    return resolved


class HookContext:
    """A context manager that holds a set of forward hooks on the bridge while it is entered.

    Subclasses provide :meth:`fwd_hooks`; the hooks go when the block ends, so nothing
    changes the model for good.
    """

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


def massive_threshold(factor: float | None) -> float | None:
    """The factor to leave massive positions out with, or None to leave none out (a factor of 0 or None)."""
    return factor or None


def massive_positions(resid: torch.Tensor, factor: float) -> torch.Tensor:
    """``[batch, pos]`` True where a position's norm exceeds ``factor`` x its row's median norm."""
    norms = resid.float().norm(dim=-1)
    return norms > factor * norms.median(dim=-1, keepdim=True).values


def drop_massive_rows(rows: torch.Tensor, factor: float | None) -> torch.Tensor:
    """``[n, d]`` rows (one sequence's tokens, or a shard's rows) without the massive ones, by the same rule."""
    if not factor or len(rows) < 2:
        return rows
    return rows[~massive_positions(rows[None], factor)[0]]


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
