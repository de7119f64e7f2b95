"""One grammar for naming a direction, read by one resolver.

* ``DIR``: a direction folder (``cfg.json`` + ``direction.safetensors``, from ``persona-probe
  direction``, ``probe``, or ``Direction.save``);
* ``SAE#latent=K``: latent ``K``'s decoder row of an SAE (a folder, ours or SAELens's, or a
  SAELens release ``RELEASE/SAE_ID``), at the residual-stream layer its hook name says;
  ``SAE#latent=K,layer=L`` for an SAE whose hook name names no layer.

Every command that takes a direction reads it through :func:`resolve_direction`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import PersonaProbeError
from ..sae.io import load_sae, sae_hook, sae_layer, sae_model
from .direction import Direction

DIRECTION_GRAMMAR = "a direction folder DIR, or SAE_DIR#latent=K for an SAE latent's decoder row"
_LATENT = re.compile(r"^(?P<folder>.+)#(?P<params>[a-z]+=-?\d+(?:,[a-z]+=-?\d+)*)$")


def direction_spec(direction: str | None = None, from_sae: str | None = None, latent: int | None = None,
                   sae_layer: int | None = None) -> str:
    """The one spec from ``--direction``, or from its older spelling ``--from-sae DIR --latent K``
    (``--sae-layer L`` adds ``,layer=L`` for an SAE whose hook name names no layer)."""
    if (direction is None) == (from_sae is None) or (from_sae is not None) != (latent is not None):
        raise PersonaProbeError(f"give --direction as {DIRECTION_GRAMMAR} (or --from-sae SAE_DIR with --latent K)")
    spec = direction if direction is not None else f"{from_sae}#latent={latent}"
    if sae_layer is not None:
        if "#" not in spec:
            raise PersonaProbeError("--sae-layer applies to an SAE latent (SAE_DIR#latent=K), not a direction folder")
        spec += f",layer={sae_layer}"
    return spec


def resolve_direction(spec: str | Path) -> Direction:
    """The direction a spec names (see the module docstring)."""
    text = str(spec)
    match = _LATENT.match(text)
    if match is None:
        if "#" in text and not Path(text).exists():
            raise PersonaProbeError(f"direction {text!r}: cannot read it; write {DIRECTION_GRAMMAR}")
        return Direction.load(text)
    params = dict(pair.split("=") for pair in match["params"].split(","))
    if "latent" not in params or set(params) - {"latent", "layer"}:
        raise PersonaProbeError(f"direction {text!r}: after # write latent=K, or latent=K,layer=L")
    layer = int(params["layer"]) if "layer" in params else None
    return latent_direction(match["folder"], int(params["latent"]), layer)


def latent_direction(folder: str | Path, latent: int, layer: int | None = None) -> Direction:
    """Latent ``latent``'s decoder row as a :class:`Direction` at the SAE's residual-stream layer.

    The direction records the SAE, the latent and the model the SAE was trained on (our
    ``persona_probe.json``, or the model name SAELens keeps), so transfer checks can name it.
    """
    sae = load_sae(folder)
    if not 0 <= latent < sae.cfg.d_sae:
        raise PersonaProbeError(f"direction {folder}#latent={latent}: latent {latent} is out of range; "
                                f"the SAE has latents 0-{sae.cfg.d_sae - 1}")
    layer = sae_layer(sae, layer)
    row = sae.W_dec.detach()[latent].float()
    record_path = Path(folder) / "persona_probe.json"
    record = json.loads(record_path.read_text()) if record_path.is_file() else {}
    cfg = {"method": "sae_latent", "sae": str(folder), "latent": latent, "model": sae_model(sae, folder),
           "data": record.get("store_data"), "sae_hook_name": sae_hook(sae)}
    return Direction((row / row.norm())[None], (layer,), row.norm()[None], cfg)
