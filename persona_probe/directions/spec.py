"""One grammar for naming a direction, read by one resolver.

* ``DIR``: a direction folder (``cfg.json`` + ``direction.safetensors``, from ``persona-probe
  direction``, ``probe``, or ``Direction.save``);
* ``SAE_DIR#latent=K``: latent ``K``'s decoder row of an SAE folder (ours or SAELens's), at
  the SAE's layer.

Every command that takes a direction reads it through :func:`resolve_direction`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import PersonaProbeError
from ..sae.io import load_sae, sae_layer
from .direction import Direction

DIRECTION_GRAMMAR = "a direction folder DIR, or SAE_DIR#latent=K for an SAE latent's decoder row"
_LATENT = re.compile(r"^(?P<folder>.+)#latent=(?P<latent>-?\d+)$")


def direction_spec(direction: str | None = None, from_sae: str | None = None, latent: int | None = None) -> str:
    """The one spec from ``--direction``, or from its older spelling ``--from-sae DIR --latent K``."""
    if (direction is None) == (from_sae is None) or (from_sae is not None) != (latent is not None):
        raise PersonaProbeError(f"give --direction as {DIRECTION_GRAMMAR} (or --from-sae SAE_DIR with --latent K)")
    return direction if direction is not None else f"{from_sae}#latent={latent}"


def resolve_direction(spec: str | Path) -> Direction:
    """The direction a spec names (see the module docstring)."""
    text = str(spec)
    match = _LATENT.match(text)
    if match is None:
        if "#" in text and not Path(text).exists():
            raise PersonaProbeError(f"direction {text!r}: cannot read it; write {DIRECTION_GRAMMAR}")
        return Direction.load(text)
    return latent_direction(match["folder"], int(match["latent"]))


def latent_direction(folder: str | Path, latent: int) -> Direction:
    """Latent ``latent``'s decoder row as a :class:`Direction` at the SAE's layer.

    The direction records the SAE folder, the latent and, for our own SAEs, the model
    the SAE was trained on (from ``persona_probe.json``), so transfer checks work.
    """
    sae = load_sae(folder)
    if not 0 <= latent < sae.cfg.d_sae:
        raise PersonaProbeError(f"direction {folder}#latent={latent}: latent {latent} is out of range; "
                                f"the SAE has latents 0-{sae.cfg.d_sae - 1}")
    layer = sae_layer(sae, None)
    row = sae.W_dec.detach()[latent].float()
    record_path = Path(folder) / "persona_probe.json"
    record = json.loads(record_path.read_text()) if record_path.is_file() else {}
    cfg = {"method": "sae_latent", "sae": str(folder), "latent": latent, "model": record.get("model"),
           "data": record.get("store_data"), "sae_hook_name": sae.cfg.metadata.hook_name}
    return Direction((row / row.norm())[None], (layer,), row.norm()[None], cfg)
