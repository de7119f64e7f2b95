"""Hook names and layer selections.

We use TransformerLens's legacy names (``blocks.{i}.hook_resid_post``)
everywhere, because SAELens metadata uses them. The bridge resolves them as
aliases of its own names (``blocks.{i}.hook_out``).
"""

from __future__ import annotations

import re

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
