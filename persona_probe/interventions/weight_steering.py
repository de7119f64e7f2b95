"""Bake one layer's steering into the weights as a bias, so an engine without hooks (vLLM) can sample steered.

:class:`persona_probe.interventions.Steering` with ``positions="all"`` adds one constant vector,
``alpha * scale * v``, to ``blocks.{L}.hook_resid_post`` at every position. That stream is the
stream before block L plus what the block's attention and MLP write, so the same constant
added to the bias of block L's MLP output projection (the block's last writer) changes the
stream identically, and everything downstream with it. Prompt-only or response-only steering
cannot be baked: the weights cannot tell the prompt from the answer.

* GPT-2: ``mlp.c_proj`` already has a bias; the vector is added to it.
* Llama: its MLP has biases only under ``config.mlp_bias``, which gives all three MLP linears of
  every layer a bias (transformers and vLLM both build them from that flag). They get zero
  biases, and layer L's ``down_proj`` gets the vector, so the saved folder loads anywhere.
* Qwen2 and Mistral hard-code ``bias=False`` in their MLPs, so they are first rewritten as the
  equivalent ``LlamaForCausalLM`` (:func:`llamafy`): Qwen2's q/k/v biases become Llama's
  ``attention_bias`` (with a zero ``o_proj`` bias). Sliding-window attention has no Llama
  equivalent and is refused; every conversion is checked against the original on a few tokens.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import torch

from ..artifacts import STEERED_MODEL, claim_output_folder
from ..directions.spec import resolve_direction
from ..errors import PersonaProbeError
from ..models.loading import architecture

_LLAMA = "LlamaForCausalLM"
_LLAMAFIABLE = ("Qwen2ForCausalLM", "MistralForCausalLM")
SUPPORTED = ("GPT2LMHeadModel", _LLAMA, *_LLAMAFIABLE)


@torch.no_grad()
def add_steering_bias_(hf_model, layer: int, vector: torch.Tensor):
    """Make ``hf_model``'s residual stream after block ``layer`` its old value plus ``vector`` at every position.

    Returns the model to use: ``hf_model`` itself, changed in place (GPT-2, Llama), or for
    Qwen2/Mistral a new ``LlamaForCausalLM`` that shares ``hf_model``'s weights (which is left
    unsteered). Equals ``Steering(..., layers=[layer], positions="all")`` with
    ``vector = alpha * norm_scale[layer] * direction.at(layer)``.
    """
    arch = type(hf_model).__name__
    if arch not in SUPPORTED:
        raise PersonaProbeError(f"steering can be baked into {', '.join(SUPPORTED)}, not {arch}; "
                                "use hook steering (the hf engine) for this model")
    config = hf_model.config
    n_layers, d_model = int(config.num_hidden_layers), int(config.hidden_size)
    if not 0 <= layer < n_layers:
        raise PersonaProbeError(f"cannot steer layer {layer}: the model has layers 0 to {n_layers - 1}")
    vector = vector.detach().reshape(-1)
    if vector.numel() != d_model or not torch.isfinite(vector).all():
        raise PersonaProbeError(f"the steering vector must be {d_model} finite numbers (the model's width); "
                                f"got shape {tuple(vector.shape)}")
    if arch == "GPT2LMHeadModel":
        bias = hf_model.transformer.h[layer].mlp.c_proj.bias
    else:
        if arch in _LLAMAFIABLE:
            hf_model = llamafy(hf_model)
        for block in hf_model.model.layers:
            for linear in (block.mlp.gate_proj, block.mlp.up_proj, block.mlp.down_proj):
                _give_bias(linear)
        hf_model.config.mlp_bias = True
        bias = hf_model.model.layers[layer].mlp.down_proj.bias
    bias.copy_((bias.double() + vector.to(bias.device, torch.float64)).to(bias.dtype))
    return hf_model


def _give_bias(linear: torch.nn.Linear) -> None:
    if linear.bias is None:
        weight = linear.weight
        linear.bias = torch.nn.Parameter(torch.zeros(weight.shape[0], dtype=weight.dtype, device=weight.device),
                                         requires_grad=weight.requires_grad)


@torch.no_grad()
def llamafy(hf_model):
    """The ``LlamaForCausalLM`` that computes what a Qwen2 or Mistral model does, sharing its weights.

    Llama with ``attention_bias`` has biases on q/k/v and o_proj (vLLM reads the flag the same
    way); Qwen2's q/k/v biases carry over and o_proj gets zeros. Refuses sliding-window attention
    and checks the logits of the two models on a few tokens, so an unforeseen config field
    fails here instead of silently changing the model.
    """
    from transformers import LlamaConfig, LlamaForCausalLM
    from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding

    arch = type(hf_model).__name__
    if arch not in _LLAMAFIABLE:
        raise PersonaProbeError(f"only {', '.join(_LLAMAFIABLE)} can be rewritten as Llama, not {arch}")
    src = hf_model.config
    sliding = [t for t in getattr(src, "layer_types", None) or () if t != "full_attention"]
    if getattr(src, "sliding_window", None) is not None or getattr(src, "use_sliding_window", False) or sliding:
        raise PersonaProbeError(f"{arch} with sliding-window attention (sliding_window={src.sliding_window}) has no "
                                "Llama equivalent, so its steering cannot be baked; use hook steering (the hf engine)")
    config = LlamaConfig(
        vocab_size=src.vocab_size, hidden_size=src.hidden_size, intermediate_size=src.intermediate_size,
        num_hidden_layers=src.num_hidden_layers, num_attention_heads=src.num_attention_heads,
        num_key_value_heads=src.num_key_value_heads, head_dim=getattr(src, "head_dim", None),
        hidden_act=src.hidden_act, max_position_embeddings=src.max_position_embeddings,
        rms_norm_eps=src.rms_norm_eps, tie_word_embeddings=src.tie_word_embeddings,
        attention_bias=arch == "Qwen2ForCausalLM", attention_dropout=src.attention_dropout,
        initializer_range=src.initializer_range, bos_token_id=src.bos_token_id, eos_token_id=src.eos_token_id, pad_token_id=src.pad_token_id,
        use_cache=src.use_cache, **_rope_fields(src))
    with torch.device("meta"):
        llama = LlamaForCausalLM(config)
    state = hf_model.state_dict(keep_vars=True)  # the Parameters themselves: shared, ties kept
    unknown = sorted(set(state) - set(llama.state_dict()))
    if unknown:
        raise PersonaProbeError(f"{arch} has weights Llama has no place for ({', '.join(unknown[:3])}); "
                                "cannot llamafy it")
    for name, meta in llama.state_dict().items():
        if name not in state:
            if not name.endswith(".bias"):
                raise PersonaProbeError(f"{arch} lacks the weight {name} that Llama needs; cannot llamafy it")
            weight = state[name[:-len("bias")] + "weight"]
            state[name] = torch.zeros(meta.shape, dtype=weight.dtype, device=weight.device)
    llama.load_state_dict(state, strict=True, assign=True)
    # The rotary frequencies are not in a state dict: build them from the Llama config, as loading
    # the saved folder will, so the logit check below also checks the rotary settings carried over.
    with torch.device(llama.model.embed_tokens.weight.device):
        llama.model.rotary_emb = LlamaRotaryEmbedding(config)
    left = [name for name, t in [*llama.named_parameters(), *llama.named_buffers()] if t.is_meta]
    if left:
        raise PersonaProbeError(f"Llama needs {', '.join(left[:3])}, which {arch} lacks; cannot llamafy it")
    llama.generation_config = copy.deepcopy(hf_model.generation_config)
    _check_same_logits(hf_model, llama, arch)
    return llama


def _rope_fields(src) -> dict:
    """transformers 5 keeps rotary settings in ``rope_parameters``; 4.x in ``rope_theta`` and ``rope_scaling``."""
    if hasattr(src, "rope_parameters"):
        return {"rope_parameters": copy.deepcopy(src.rope_parameters)}
    return {"rope_theta": src.rope_theta, "rope_scaling": copy.deepcopy(getattr(src, "rope_scaling", None))}


def _check_same_logits(original, converted, arch: str) -> None:
    weight = original.get_input_embeddings().weight
    ids = torch.arange(min(8, weight.shape[0]), device=weight.device)[None]
    training = original.training
    original.eval(), converted.eval()  # no dropout in the comparison
    expected, got = original(ids).logits.float(), converted(ids).logits.float()
    original.train(training), converted.train(training)
    gap = float((expected - got).abs().max())
    if not gap <= 1e-3 * max(1.0, float(expected.abs().max())):
        raise PersonaProbeError(f"{arch} rewritten as Llama gives other logits (max gap {gap:.3g}); "
                                "its config holds something Llama cannot express, so steering cannot be baked")


def export_steered(spec: str | Path, vector: torch.Tensor, layer: int, folder_out: str | Path,
                   record: dict | None = None) -> Path:
    """Load a model spec in float32, bake ``vector`` in after block ``layer`` and save it as a model folder.

    The folder loads with plain ``AutoModelForCausalLM.from_pretrained`` and in vLLM. Its
    ``persona_probe.json`` holds the source model's identity, the layer, the vector's norm,
    ``record`` (e.g. the direction, alpha and scale) and provenance, so the weights say what
    they are.
    """
    from ..artifacts import atomic_write_json, provenance
    from ..models.loading import load_hf_model

    model, tokenizer, identity = load_hf_model(str(spec), torch.float32)
    steered = add_steering_bias_(model, layer, vector)
    out = Path(folder_out)
    steered.save_pretrained(out)
    tokenizer.save_pretrained(out)
    atomic_write_json(out / "persona_probe.json", {
        **(record or {}), "kind": STEERED_MODEL.name, "source_model": identity.to_dict(),
        "architecture": type(steered).__name__, "layer": int(layer),
        "vector_norm": float(vector.double().norm()), "provenance": provenance()})
    return out


@dataclass(frozen=True, kw_only=True)
class BakeSteeringConfig:
    """Bake one layer's steering into the weights and save a model folder.

    Add alpha x scale x the direction at one layer to that layer's MLP output bias, which equals steer --positions all at that layer, and save a model folder that engines without hooks (generate --engine vllm) can sample. GPT-2, Llama, Qwen2 and Mistral (the last two saved as the equivalent Llama)."""

    model: str = "smollm2-135m"
    """Model spec."""
    direction: str
    """The direction: DIR, or SAE_DIR#latent=K."""
    layer: int
    """The layer whose output is steered."""
    alpha: float
    """Steering strength, in units of --scale."""
    scale: str = "auto"
    """The unit of alpha: auto is the layer's typical residual norm on the built-in neutral texts, as in steer; or a number."""
    out: str
    """Output model folder."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


@dataclass(frozen=True)
class BakedSteering:
    folder: Path
    """The exported model folder."""
    scale: float
    """The unit alpha was multiplied by."""


def run_bake_steering(cfg: BakeSteeringConfig, progress: bool = True) -> BakedSteering:
    """Export ``cfg.model`` with alpha x scale x v added after block ``cfg.layer``."""
    claim_output_folder(cfg.out, STEERED_MODEL, cfg.overwrite)
    direction = resolve_direction(cfg.direction)
    direction.check_model(*architecture(cfg.model), name=cfg.model)  # before the weights load
    direction.at(cfg.layer)
    scale = steering_scale(cfg.scale, cfg.model, direction, cfg.layer)
    vector = cfg.alpha * scale * direction.at(cfg.layer)
    folder = export_steered(cfg.model, vector, cfg.layer, cfg.out,
                            record={"direction": str(cfg.direction), "alpha": cfg.alpha, "scale": scale,
                                    "positions": "all", "direction_cfg": direction.cfg})
    return BakedSteering(folder, scale)


def steering_scale(scale: str, model_spec: str, direction, layer: int) -> float:
    """``--scale``: a number, or ``auto``, the layer's typical residual norm on the built-in neutral texts (as steer)."""
    if scale != "auto":
        try:
            return float(scale)
        except ValueError:
            raise PersonaProbeError(f"--scale {scale!r} is neither auto nor a number") from None
    from ..evaluation.neutral import load_neutral_texts, typical_residual_norms
    from ..models.loading import load_model

    model = load_model(model_spec)
    direction.check_model(model.n_layers, model.d_model, name=model_spec)
    return float(typical_residual_norms(model, load_neutral_texts(), [layer])[layer])
