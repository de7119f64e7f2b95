"""Open an SAE: a folder (ours, or any SAELens wrote: ``cfg.json`` + ``sae_weights.safetensors``), or a
SAELens pretrained release (``RELEASE/SAE_ID``, fetched through ``SAE.from_pretrained``).

Our stores hold the residual stream after each block, so an SAE must read that stream:
``blocks.L.hook_resid_post``, or ``blocks.L+1.hook_resid_pre``, the same activations. An SAE on any
other hook point (``hook_mlp_out``, ``hook_attn_out``, ...) is refused by name.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import PersonaProbeError
from ..residual import residual_layer


def load_sae(spec: str | Path, device: str = "cpu"):
    """The inference SAE a folder or a ``RELEASE/SAE_ID`` names."""
    from sae_lens import SAE

    folder = Path(spec)
    if folder.is_dir():
        missing = [name for name in ("cfg.json", "sae_weights.safetensors") if not (folder / name).is_file()]
        if missing:
            raise PersonaProbeError(f"{folder}: not an SAE folder (no {', '.join(missing)}); "
                                    "train one with persona-probe sae train or give an SAELens folder")
        try:
            return SAE.load_from_disk(folder, device=device)
        except (KeyError, ValueError, RuntimeError) as err:
            raise PersonaProbeError(f"{folder}: SAELens cannot load this SAE ({err})") from None
    release, _, sae_id = str(spec).partition("/")
    if not release or not sae_id:
        raise PersonaProbeError(f"--sae {spec}: no such SAE folder; give a folder, or a SAELens release as "
                                "RELEASE/SAE_ID")
    try:
        return SAE.from_pretrained(release, sae_id, device=device)
    except Exception as err:  # noqa: BLE001 - SAELens and the hub raise many kinds; all mean "cannot get it"
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise PersonaProbeError(f"--sae {spec}: no such SAE folder, and SAELens cannot load release {release!r}, "
                                f"SAE {sae_id!r} ({first[:200]}); offline, download it once with network access or "
                                "give a local SAE folder") from None


def sae_hook(sae) -> str:
    return getattr(sae.cfg.metadata, "hook_name", None) or ""


def sae_layer(sae, layer: int | None) -> int:
    """The residual-stream layer the SAE reads: from its ``hook_name``, or ``layer`` when that names none.

    An SAE on another hook point is refused even with ``layer``: our stores do not hold its input.
    """
    hook = sae_hook(sae)
    from_hook = residual_layer(hook)
    if from_hook is not None:
        if layer is not None and layer != from_hook:
            raise PersonaProbeError(f"the SAE reads {hook} (the residual stream after block {from_hook}), not layer "
                                    f"{layer}; drop --layer or pass --layer {from_hook}")
        return from_hook
    if hook and hook.startswith("blocks.") and not hook.endswith(("hook_resid_post", "hook_resid_pre")):
        raise PersonaProbeError(f"the SAE reads {hook}, which is not the residual stream; stores hold "
                                "blocks.L.hook_resid_post, so this SAE cannot be applied to them")
    if hook == "blocks.0.hook_resid_pre":
        raise PersonaProbeError("the SAE reads blocks.0.hook_resid_pre, the embeddings before any block, which "
                                "stores do not hold")
    if layer is None:
        raise PersonaProbeError(f"the SAE's hook_name is {hook!r}, which names no residual-stream layer; pass --layer")
    return layer


def sae_model(sae, folder: str | Path) -> dict | None:
    """The model an SAE was trained on: our record (``persona_probe.json``), else the name SAELens keeps."""
    import json

    record_path = Path(folder) / "persona_probe.json"
    if record_path.is_file():
        return json.loads(record_path.read_text()).get("model")
    name = getattr(sae.cfg.metadata, "model_name", None)
    return {"spec": name, "name": name} if name else None
