"""Open an SAE folder: ours or any written by SAELens (``cfg.json`` + ``sae_weights.safetensors``)."""

from __future__ import annotations

from pathlib import Path

from ..errors import PersonaProbeError
from ..residual import layer_of


def load_sae(folder: str | Path, device: str = "cpu"):
    """The inference SAE in ``folder``, through ``sae_lens.SAE.load_from_disk``."""
    from sae_lens import SAE

    folder = Path(folder)
    missing = [name for name in ("cfg.json", "sae_weights.safetensors") if not (folder / name).is_file()]
    if missing:
        raise PersonaProbeError(f"{folder}: not an SAE folder (no {', '.join(missing)}); "
                                "train one with persona-probe sae train or give an SAELens folder")
    try:
        return SAE.load_from_disk(folder, device=device)
    except (KeyError, ValueError, RuntimeError) as err:
        raise PersonaProbeError(f"{folder}: SAELens cannot load this SAE ({err})") from None


def sae_layer(sae, layer: int | None) -> int:
    """The layer to read: ``layer`` if given, else the one in the SAE's ``hook_name``."""
    if layer is not None:
        return layer
    hook = getattr(sae.cfg.metadata, "hook_name", None) or ""
    try:
        return layer_of(hook)
    except PersonaProbeError:
        raise PersonaProbeError(f"the SAE's hook_name is {hook!r}, not blocks.L.hook_resid_post; pass --layer") from None
