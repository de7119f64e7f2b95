"""Open an SAE folder: ours or any written by SAELens (``cfg.json`` + ``sae_weights.safetensors``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PersonaProbeError
from ..residual import layer_of

if TYPE_CHECKING:
    from ..directions import Direction


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


def latent_direction(folder: str | Path, latent: int) -> Direction:
    """Latent ``latent``'s decoder row as a :class:`~persona_probe.directions.Direction` at the SAE's layer.

    The direction records the SAE folder, the latent and, for our own SAEs, the model
    the SAE was trained on (from ``persona_probe.json``), so transfer checks work.
    """
    import json

    from ..directions import Direction

    sae = load_sae(folder)
    if not 0 <= latent < sae.cfg.d_sae:
        raise PersonaProbeError(f"--latent {latent} is out of range: {folder} has latents 0-{sae.cfg.d_sae - 1}")
    layer = sae_layer(sae, None)
    row = sae.W_dec.detach()[latent].float()
    record_path = Path(folder) / "persona_probe.json"
    record = json.loads(record_path.read_text()) if record_path.is_file() else {}
    cfg = {"method": "sae_latent", "sae": str(folder), "latent": latent, "model": record.get("model"),
           "data": record.get("store_data"), "sae_hook_name": sae.cfg.metadata.hook_name}
    return Direction((row / row.norm())[None], (layer,), row.norm()[None], cfg)
