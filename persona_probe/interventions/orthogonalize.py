"""Bake a direction's ablation into the weights: every matrix that writes to the residual
stream (the token embedding, each attention output and each MLP output projection) is
made orthogonal to ``v``, so the residual stream never gains a component along it.

This equals :class:`persona_probe.interventions.Ablation` in ``writers`` mode with no
positions left out (weights cannot tell an attention-sink token apart), and needs no
hooks, so any engine can run the exported folder. A tied unembedding is untied first,
because hook ablation leaves the unembedding alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from ..artifacts import ORTHOGONALIZED_MODEL, claim_output_folder
from ..directions.spec import resolve_direction
from ..errors import PersonaProbeError
from ..models.loading import architecture

# (module path pattern, which weight dimension is d_model) for architectures we know.
_WRITERS = {
    "LlamaForCausalLM": ("model.embed_tokens", "self_attn.o_proj", "mlp.down_proj"),
    "Qwen2ForCausalLM": ("model.embed_tokens", "self_attn.o_proj", "mlp.down_proj"),
    "MistralForCausalLM": ("model.embed_tokens", "self_attn.o_proj", "mlp.down_proj"),
    "GPT2LMHeadModel": ("transformer.wte", "attn.c_proj", "mlp.c_proj"),
}
_POSITION_EMBEDDINGS = {"GPT2LMHeadModel": "transformer.wpe"}


@torch.no_grad()
def orthogonalize_(hf_model, unit: torch.Tensor) -> None:
    """Project ``unit`` out of every residual writer of a plain transformers model, in place."""
    arch = type(hf_model).__name__
    if arch not in _WRITERS:
        raise PersonaProbeError(f"orthogonalization knows {sorted(_WRITERS)}, not {arch}")
    embed_name, attn_out, mlp_out = _WRITERS[arch]
    _untie(hf_model)
    v = (unit / unit.norm()).to(torch.float64)
    for name, module in hf_model.named_modules():
        if name in (embed_name, _POSITION_EMBEDDINGS.get(arch)):
            w = module.weight  # [vocab, d_model]
            w.copy_((w.double() - torch.outer(w.double() @ v, v)).to(w.dtype))
        elif name.endswith(attn_out) or name.endswith(mlp_out):
            w = module.weight
            if arch == "GPT2LMHeadModel":  # Conv1D: weight is [in, d_model], y = x W + b
                w.copy_((w.double() - torch.outer(w.double() @ v, v)).to(w.dtype))
            else:  # Linear: weight is [d_model, in], y = x W^T + b
                w.copy_((w.double() - torch.outer(v, v @ w.double())).to(w.dtype))
            if getattr(module, "bias", None) is not None:
                b = module.bias
                b.copy_((b.double() - (b.double() @ v) * v).to(b.dtype))


def _untie(hf_model) -> None:
    """Give the unembedding its own copy of a tied embedding: hook ablation leaves the unembedding alone."""
    output = hf_model.get_output_embeddings()
    if output is not None and output.weight is hf_model.get_input_embeddings().weight:
        output.weight = torch.nn.Parameter(output.weight.detach().clone())
    hf_model.config.tie_word_embeddings = False
    if hasattr(hf_model, "_tied_weights_keys"):
        hf_model._tied_weights_keys = None


def export_orthogonalized(spec: str | Path, unit: torch.Tensor, folder_out: str | Path,
                          record: dict | None = None) -> Path:
    """Load a model spec, orthogonalize it against ``unit`` and save it as a model folder.

    The folder also holds ``persona_probe.json``: the source model's identity and ``record``
    (which direction and layer), so the weights say where they came from.
    """
    from ..artifacts import atomic_write_json, provenance
    from ..models.loading import load_hf_model

    model, tokenizer, identity = load_hf_model(str(spec), torch.float32)
    orthogonalize_(model, unit)
    out = Path(folder_out)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    atomic_write_json(out / "persona_probe.json", {"kind": ORTHOGONALIZED_MODEL.name, "source_model": identity.to_dict(),
                                                   **(record or {}), "provenance": provenance()})
    return out


@dataclass(frozen=True, kw_only=True)
class OrthogonalizeConfig:
    """Bake a direction's ablation into the weights and save a model folder.

    Make every residual-stream writer orthogonal to the direction at one layer, and save a model folder that any engine can load without hooks."""

    model: str = "smollm2-135m"
    """Model spec."""
    direction: str
    """The direction: DIR, or SAE_DIR#latent=K."""
    layer: int
    """Which layer's vector to remove everywhere."""
    out: str
    """Output model folder."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


def run_orthogonalize(cfg: OrthogonalizeConfig, progress: bool = True) -> Path:
    """Export ``cfg.model`` orthogonal to the direction's vector at ``cfg.layer``; returns the folder."""
    claim_output_folder(cfg.out, ORTHOGONALIZED_MODEL, cfg.overwrite)
    direction = resolve_direction(cfg.direction)
    direction.check_model(*architecture(cfg.model), name=cfg.model)  # before the weights load
    direction.at(cfg.layer)
    return export_orthogonalized(cfg.model, direction.at(cfg.layer), cfg.out,
                                 record={"direction": str(cfg.direction), "layer": cfg.layer,
                                         "direction_cfg": direction.cfg})
