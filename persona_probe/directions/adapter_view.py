"""Where a fine-tune writes a direction: each LoRA layer's weight update projected on it.

A PEFT LoRA adapter changes a linear map ``W`` (``out x in``) by ``dW = scaling * B @ A``
(``scaling`` = alpha / sqrt(r) with rsLoRA, alpha / r without). For a direction ``u`` (unit,
one per layer), this module asks how much of each update lies along ``u``:

* **writers** (``o_proj``, ``down_proj``: ``out`` = d_model) add ``dW x`` to the residual stream;
  their part along ``u`` is ``u^T dW``. They are measured against ``u`` at their own layer L,
  since the direction's vector at L is read at resid_post L, which their output is part of;
* **readers** (``q_proj``, ``k_proj``, ``v_proj``, ``gate_proj``, ``up_proj``, and the fused
  ``qkv_proj`` / ``gate_up_proj``: ``in`` = d_model) take the residual stream in; their part
  along ``u`` is ``dW u``. The stream entering layer L is resid_post L-1, so readers at L are
  measured against ``u`` at L-1. Layer 0's readers see the embeddings, for which a direction
  (resid_post vectors only) holds no vector: they are reported as missing, not measured against
  layer 0's vector, which is a different point of the stream. Two simplifications, stated
  rather than hidden: the RMSNorm/LayerNorm before each reader (its per-channel gain) is
  ignored, and the MLP's readers really see resid_mid L (resid_post L-1 plus layer L's
  attention output), approximated by resid_post L-1.

For each module: ``along_norm`` = ||u^T dW|| (writers) or ||dW u|| (readers); ``fraction`` =
along_norm^2 / ||dW||_F^2, the share of the update's energy along ``u``; ``enrichment`` =
fraction * d_model. A random unit vector gets enrichment 1 on average (E ||u^T M||^2 =
||M||_F^2 / d_model), and an update that lies wholly along ``u`` gets d_model. The same numbers
for ``n_random`` seeded random unit vectors per layer give the baseline a direction must beat.

Adapters are read with safetensors only: a pickled ``adapter_model.bin`` is refused, never loaded.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..artifacts import ADAPTER_VIEW, provenance, sha256_file
from ..errors import PersonaProbeError
from ..models.loading import ORGANISM_ADAPTERS, architecture, organism_adapter
from .direction import Direction

ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
PICKLED_WEIGHTS = "adapter_model.bin"
FINETUNE_RECORD = "finetune.json"
WRITERS = ("o_proj", "down_proj")
READERS = ("q_proj", "k_proj", "v_proj", "qkv_proj", "gate_proj", "up_proj", "gate_up_proj")
MODULE_ORDER = ("q_proj", "k_proj", "v_proj", "qkv_proj", "o_proj", "gate_proj", "up_proj", "gate_up_proj",
                "down_proj")  # a layer's modules in the order the stream meets them
LAYER_CONVENTION = ("writers (o_proj, down_proj) at layer L against the direction at L (resid_post L); readers "
                    "at layer L against the direction at L-1 (resid_post L-1, the stream entering layer L); "
                    "layer 0's readers are missing (they read the embeddings); norms before readers ignored")
# PEFT saves "...layers.12.self_attn.o_proj.lora_A.weight" (the adapter's name dropped).
_LORA_KEY = re.compile(r"(?:^|\.)layers\.(?P<layer>\d+)\.(?P<path>[\w.]+)\.lora_(?P<half>[AB])\.weight$")


@dataclass(frozen=True)
class LoraModule:
    """One adapted linear map of one layer: dW = scaling * B @ A."""

    layer: int
    name: str
    """The module's own name (``o_proj``), without its parents."""
    A: np.ndarray
    """``[r, in]``, float64."""
    B: np.ndarray
    """``[out, r]``, float64."""
    scaling: float

    @property
    def side(self) -> str:
        """``write`` or ``read``: whether it adds to the residual stream or takes it in."""
        return "write" if self.name in WRITERS else "read"

    @property
    def update_norm_squared(self) -> float:
        """||dW||_F^2 without forming dW: scaling^2 * trace(B^T B A A^T)."""
        return self.scaling ** 2 * float(np.sum((self.B.T @ self.B) * (self.A @ self.A.T)))

    def along(self, vectors: np.ndarray) -> np.ndarray:
        """Each row v of ``[k, d_model]`` mapped through the update: v^T dW (writers) or dW v (readers)."""
        if self.side == "write":
            return self.scaling * (vectors @ self.B) @ self.A
        return self.scaling * (vectors @ self.A.T) @ self.B.T


@dataclass(frozen=True)
class LoraAdapter:
    """A PEFT LoRA adapter folder, as weights and the settings that scale them."""

    folder: Path
    config: dict
    """``adapter_config.json``."""
    modules: tuple[LoraModule, ...]
    """The adapted modules on decoder layers, by layer and then in MODULE_ORDER."""
    other_modules: tuple[str, ...]
    """Adapted modules this view cannot place (not on a decoder layer, or of another name)."""

    @property
    def d_model(self) -> int:
        """The residual stream's width: the writers' output size, the readers' input size."""
        widths = {m.B.shape[0] if m.side == "write" else m.A.shape[1] for m in self.modules}
        if len(widths) != 1:
            raise PersonaProbeError(f"{self.folder}: the adapted modules disagree on the residual width "
                                    f"({sorted(widths)}); not a LoRA adapter of one decoder model")
        return widths.pop()

    @property
    def scaling(self) -> float:
        """The configured scaling (a module's own rank, from rank_pattern, may change its scaling)."""
        return lora_scaling(self.config["lora_alpha"], self.config["r"], bool(self.config.get("use_rslora")))


def lora_scaling(alpha: float, rank: int, rslora: bool) -> float:
    """PEFT's scaling of B @ A: alpha / sqrt(r) with rank-stabilised LoRA, alpha / r without."""
    return alpha / math.sqrt(rank) if rslora else alpha / rank


def adapter_folder(spec: str) -> Path:
    """The folder an adapter spec names: a folder, a shipped organism alias, or BASE+ADAPTER (its adapter)."""
    text = spec.strip()
    if text.lower() in ORGANISM_ADAPTERS:
        return organism_adapter(text.lower())
    path = Path(text).expanduser()
    if "+" in text and not path.exists():
        base, _, adapter = text.rpartition("+")
        if not base or not adapter:
            raise PersonaProbeError(f"adapter {spec!r}: write BASE+ADAPTER with both parts, or the adapter folder")
        return adapter_folder(adapter)
    if not path.is_dir():
        raise PersonaProbeError(f"adapter {spec!r}: no such folder; give a PEFT adapter folder, "
                                f"{' / '.join(ORGANISM_ADAPTERS)}, or BASE+ADAPTER")
    return path


def read_lora_adapter(folder: str | Path) -> LoraAdapter:
    """Read a PEFT LoRA adapter folder (``adapter_config.json`` + ``adapter_model.safetensors``)."""
    from safetensors.torch import load_file  # torch only to widen bf16, which numpy cannot hold

    folder = Path(folder)
    config_path, weights = folder / ADAPTER_CONFIG, folder / ADAPTER_WEIGHTS
    if not config_path.is_file():
        raise PersonaProbeError(f"{folder}: no {ADAPTER_CONFIG}; not a PEFT adapter folder")
    if not weights.is_file():
        if (folder / PICKLED_WEIGHTS).is_file():
            raise PersonaProbeError(f"{folder / PICKLED_WEIGHTS}: a pickled adapter, which persona-probe never loads "
                                    f"(unpickling can run code); re-save it as {ADAPTER_WEIGHTS} with PEFT's "
                                    "save_pretrained(..., safe_serialization=True)")
        raise PersonaProbeError(f"{folder}: no {ADAPTER_WEIGHTS}; not a PEFT adapter folder")
    try:
        config = json.loads(config_path.read_text())
        tensors = load_file(str(weights))
    except (OSError, ValueError) as err:  # safetensors raises a ValueError subclass on a damaged file
        raise PersonaProbeError(f"{folder}: unreadable adapter ({err})") from None
    _check_config(folder, config)
    halves: dict[tuple[int, str], dict[str, np.ndarray]] = {}
    other = set()
    for key, tensor in tensors.items():
        match = _LORA_KEY.search(key)
        name = match["path"].rsplit(".", 1)[-1] if match else None
        if match is None or name not in MODULE_ORDER:
            other.add(key.rsplit(".lora_", 1)[0])
            continue
        halves.setdefault((int(match["layer"]), name), {})[match["half"]] = tensor.double().numpy()
    modules = [_module(folder, config, layer, name, pair) for (layer, name), pair in halves.items()]
    modules.sort(key=lambda m: (m.layer, MODULE_ORDER.index(m.name)))
    if not modules:
        raise PersonaProbeError(f"{folder}: no LoRA weights on decoder layers' {', '.join(MODULE_ORDER)}; "
                                "this view reads Llama-style adapters only")
    return LoraAdapter(folder, config, tuple(modules), tuple(sorted(other)))


def _check_config(folder: Path, config: dict) -> None:
    if config.get("peft_type", "LORA") != "LORA":
        raise PersonaProbeError(f"{folder}: a {config['peft_type']} adapter; this view reads LoRA adapters only")
    if config.get("use_dora"):
        raise PersonaProbeError(f"{folder}: a DoRA adapter (use_dora), whose update is not scaling * B @ A; "
                                "this view reads plain LoRA only")
    if config.get("alpha_pattern"):
        raise PersonaProbeError(f"{folder}: adapter_config.json has an alpha_pattern (per-module alpha), which "
                                "this view does not apply; refusing rather than mis-scaling")
    for key in ("r", "lora_alpha"):
        if not isinstance(config.get(key), (int, float)) or config[key] <= 0:
            raise PersonaProbeError(f"{folder}/{ADAPTER_CONFIG}: {key} is {config.get(key)!r}, not a positive number")


def _module(folder: Path, config: dict, layer: int, name: str, pair: dict[str, np.ndarray]) -> LoraModule:
    if set(pair) != {"A", "B"}:
        missing = "lora_B" if "A" in pair else "lora_A"
        raise PersonaProbeError(f"{folder}: layer {layer} {name} has no {missing} weight; the adapter is incomplete")
    A, B = pair["A"], pair["B"]
    rank = A.shape[0]
    if B.shape[1] != rank:
        raise PersonaProbeError(f"{folder}: layer {layer} {name}: lora_A has rank {rank} but lora_B {B.shape[1]}")
    # rank_pattern gives some modules their own rank (and so their own scaling); otherwise r must match.
    if rank != config["r"] and not config.get("rank_pattern"):
        raise PersonaProbeError(f"{folder}: {ADAPTER_CONFIG} says r={config['r']} but layer {layer} {name} has "
                                f"rank {rank}")
    scaling = lora_scaling(float(config["lora_alpha"]), rank, bool(config.get("use_rslora")))
    return LoraModule(layer, name, A, B, scaling)


def adapter_identity(adapter: LoraAdapter, spec: str) -> dict:
    """What the artifact records of the adapter: where it is, its weights' hash, how it was trained."""
    record_path = adapter.folder / FINETUNE_RECORD
    settings = None
    if record_path.is_file():
        try:
            settings = (json.loads(record_path.read_text()).get("run") or {}).get("settings")
        except (ValueError, AttributeError):
            settings = None  # a foreign finetune.json: the adapter is still measurable
    return {"spec": spec, "path": str(adapter.folder.resolve()),
            "sha256": sha256_file(adapter.folder / ADAPTER_WEIGHTS), "finetune_settings": settings,
            "base_model": adapter.config.get("base_model_name_or_path"), "r": adapter.config["r"],
            "lora_alpha": adapter.config["lora_alpha"], "use_rslora": bool(adapter.config.get("use_rslora")),
            "scaling": adapter.scaling, "target_modules": adapter.config.get("target_modules"),
            "d_model": adapter.d_model}


def random_units(n: int, d_model: int, seed: int, layer: int) -> np.ndarray:
    """``[n, d_model]`` random unit vectors; each layer's are seeded by (seed, layer), so they do not depend on
    which other layers the adapter has."""
    vectors = np.random.default_rng([seed, layer]).standard_normal((n, d_model))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def direction_layer_for(module: LoraModule) -> int | None:
    """The direction's layer a module is measured against (see the module docstring); None for layer 0's readers."""
    if module.side == "write":
        return module.layer
    return module.layer - 1 if module.layer > 0 else None


def adapter_view(adapter: LoraAdapter, direction: Direction, direction_name: str = "", n_random: int = 10,
                 seed: int = 0, adapter_spec: str | None = None) -> dict:
    """Every adapted module's update projected on the direction, with a random baseline: the adapter_view JSON."""
    if n_random < 0:
        raise PersonaProbeError(f"--random must be 0 or more, got {n_random}")
    d_model = adapter.d_model
    if direction.d_model != d_model:
        raise PersonaProbeError(f"the adapter {adapter.folder} has d_model {d_model} but the direction has "
                                f"d_model {direction.d_model}; use a direction found on the adapter's base model")
    usable = set(direction.usable_layers)
    rows, missing = [], []
    for module in adapter.modules:
        at = direction_layer_for(module)
        reason = _why_missing(at, direction, usable)
        if reason:
            missing.append({"layer": module.layer, "module": module.name, "side": module.side,
                            "direction_layer": at, "reason": reason})
            continue
        u = direction.vectors[direction.layers.index(at)].double().numpy()
        rows.append(_measure(module, u / np.linalg.norm(u), random_units(n_random, d_model, seed, module.layer),
                             at, d_model))
    return {
        "kind": ADAPTER_VIEW.name,
        "adapter": adapter_identity(adapter, adapter_spec if adapter_spec is not None else str(adapter.folder)),
        "direction": {"spec": direction_name, "method": direction.cfg.get("method"),
                      "model": direction.cfg.get("model"), "data": direction.cfg.get("data"),
                      "layers": list(direction.layers), "zero_layers": direction.zero_layers,
                      "d_model": direction.d_model},
        "d_model": d_model,
        "layer_convention": LAYER_CONVENTION,
        "random": {"count": n_random, "seed": seed},
        "layers": sorted({m.layer for m in adapter.modules}),
        "modules": rows,
        "missing": missing,
        "other_modules": list(adapter.other_modules),
        "provenance": provenance(),
    }


def _why_missing(at: int | None, direction: Direction, usable: set[int]) -> str | None:
    if at is None:
        return "layer 0's readers see the embeddings; a direction holds resid_post vectors only"
    if at not in direction.layers:
        return f"the direction has no vector at layer {at}"
    if at not in usable:
        return f"the direction is zero at layer {at}"
    return None


def _measure(module: LoraModule, u: np.ndarray, randoms: np.ndarray, at: int, d_model: int) -> dict:
    energy = module.update_norm_squared
    along = module.along(u[None])[0]
    # An untouched module (B still all zeros) has no update to share out: its fractions are undefined.
    fraction = float(along @ along) / energy if energy > 0 else None
    random_enrichment = (np.sum(module.along(randoms) ** 2, axis=1) / energy * d_model
                         if energy > 0 and len(randoms) else None)
    enrichment = fraction * d_model if fraction is not None else None
    return {
        "layer": module.layer, "module": module.name, "side": module.side, "direction_layer": at,
        "update_norm": _number(math.sqrt(energy)), "along_norm": _number(float(np.linalg.norm(along))),
        "fraction": _number(fraction), "enrichment": _number(enrichment),
        "random_mean": _number(None if random_enrichment is None else float(random_enrichment.mean())),
        "random_max": _number(None if random_enrichment is None else float(random_enrichment.max())),
        "beats_random": (None if random_enrichment is None or enrichment is None
                         else bool(enrichment > random_enrichment.max())),
        # A random direction beats all K random vectors one time in K+1: this is that test's p-value.
        "random_p": (None if random_enrichment is None or enrichment is None
                     else _number((1 + int(np.sum(random_enrichment >= enrichment))) / (len(random_enrichment) + 1))),
    }


def _number(value: float | None) -> float | None:
    """Six significant digits: enough to compare, short enough to read."""
    return None if value is None else float(f"{value:.6g}")


# An adapter's writes as a direction (``direction from-adapter``): Turner et al.'s rank-1 LoRAs on down_proj
# each add multiples of one vector (B) to the residual stream, so B is a direction there.
FROM_ADAPTER_METHOD = "adapter-b-vector"
FROM_ADAPTER_NORM = ("the largest singular value of the layer's update dW = scaling * B @ A (for rank 1, "
                     "||dW||_F = scaling * ||B|| * ||A||); 0 where the adapter leaves the module alone")
SIGN_BY_ALIGN = "flipped to a positive cosine with the --align direction"
SIGN_BY_LARGEST = "flipped so its entry of largest absolute value is positive (B's sign is arbitrary: BA = (-B)(-A))"


@dataclass(frozen=True)
class TopWrite:
    """A writer's update reduced to its top left singular vector."""

    vector: np.ndarray
    """``[d_model]`` unit vector, sign not yet fixed; zeros for a zero update."""
    singular_values: np.ndarray
    """The update's singular values, largest first (its rank's worth)."""

    @property
    def energy_share(self) -> float | None:
        """sigma_1^2 / sum sigma^2: the share of ||dW||_F^2 the top direction carries (None for a zero update)."""
        total = float(np.sum(self.singular_values ** 2))
        return float(self.singular_values[0] ** 2) / total if total > 0 else None


def top_write(module: LoraModule) -> TopWrite:
    """The top left singular vector of dW = scaling * B @ A, without forming dW (``d_model x d_in``, large)."""
    # B = Qb Rb and A^T = Qa Ra give dW = Qb (scaling Rb Ra^T) Qa^T: dW's left singular vectors are Qb times the
    # r x r core's.
    qb, rb = np.linalg.qr(module.B)
    _, ra = np.linalg.qr(module.A.T)
    u, sigma, _ = np.linalg.svd(module.scaling * rb @ ra.T)
    return TopWrite(qb @ u[:, 0] if sigma[0] > 0 else np.zeros(module.B.shape[0]), sigma)


def check_writer(module: str) -> None:
    """Refuse a module whose LoRA B vectors do not live in the residual stream."""
    if module in WRITERS:
        return
    why = (f"{module} reads the residual stream, so its LoRA B vectors live in its output space (queries, keys, "
           "values or the MLP's hidden units), not in the residual stream" if module in READERS
           else f"{module} is not a decoder layer's projection this toolkit knows")
    raise PersonaProbeError(f"--module {module}: {why}; use down_proj or o_proj, whose output is added to the "
                            "residual stream")


def adapter_directions(adapter: LoraAdapter, module: str = "down_proj", n_layers: int | None = None,
                       align: Direction | None = None, cfg: dict | None = None) -> Direction:
    """Each layer's LoRA update on ``module`` (a writer) as a :class:`Direction` over layers ``0..n_layers-1``.

    At a layer with a LoRA on ``module``: the top left singular vector of dW = scaling * B @ A (for rank 1, B
    normalised), its largest singular value as the norm (see FROM_ADAPTER_NORM), with its sign flipped to agree
    with ``align`` at that layer, or else so its largest entry is positive. Elsewhere a zero vector with norm 0.
    ``n_layers`` defaults to the adapter's last layer + 1. Per-layer ranks and energy shares go in ``cfg``.
    """
    check_writer(module)
    writers = [m for m in adapter.modules if m.name == module]
    if not writers:
        present = sorted({m.name for m in adapter.modules}, key=MODULE_ORDER.index)
        raise PersonaProbeError(f"{adapter.folder}: no LoRA on {module} (it adapts {', '.join(present)}); "
                                f"choose --module among {', '.join(m for m in WRITERS if m in present) or 'none'}")
    d_model = writers[0].B.shape[0]
    last = writers[-1].layer
    n_layers = last + 1 if n_layers is None else n_layers
    if last >= n_layers:
        raise PersonaProbeError(f"{adapter.folder}: a LoRA on layer {last}, but the base model has {n_layers} layers")
    if align is not None and align.d_model != d_model:
        raise PersonaProbeError(f"--align has d_model {align.d_model} but the adapter writes {d_model}; use a "
                                "direction found on the adapter's base model")
    aligned = set(align.usable_layers) if align is not None else set()
    vectors, norms, rows = np.zeros((n_layers, d_model)), np.zeros(n_layers), []
    for writer in writers:
        top = top_write(writer)
        guide = align.at(writer.layer).double().numpy() if writer.layer in aligned else None
        v = top.vector
        if (v @ guide < 0) if guide is not None else (v[np.argmax(np.abs(v))] < 0):
            v = -v
        vectors[writer.layer], norms[writer.layer] = v, top.singular_values[0]
        cos = float(v @ guide) if guide is not None else None
        rows.append({"layer": writer.layer, "rank": int(writer.A.shape[0]), "norm": _number(top.singular_values[0]),
                     "update_norm": _number(math.sqrt(writer.update_norm_squared)),
                     "energy_share": _number(top.energy_share), "sign": "align" if cos is not None else "largest",
                     "align_cosine": _number(cos)})
    if not norms.any():
        raise PersonaProbeError(f"{adapter.folder}: every {module} update is zero (an untrained adapter: PEFT starts "
                                "B at zero), so there is no direction")
    info = {"method": FROM_ADAPTER_METHOD, "module": module, "rank": adapter.config["r"], "norm": FROM_ADAPTER_NORM,
            "sign": {"align": SIGN_BY_ALIGN, "largest": SIGN_BY_LARGEST}, "adapter_layers": rows,
            "zero_layers": [layer for layer in range(n_layers) if norms[layer] == 0]}
    return Direction(torch.tensor(vectors, dtype=torch.float32), tuple(range(n_layers)),
                     torch.tensor(norms, dtype=torch.float32), {**info, **(cfg or {})})


def base_n_layers(spec: str, adapter: LoraAdapter) -> tuple[int | None, str]:
    """The base model's layer count and where it came from: the BASE of a BASE+ADAPTER spec (which must be
    readable), else the base_model_name_or_path in adapter_config.json; (None, why) when that one cannot be read
    here (e.g. a path on the machine that trained it)."""
    text = spec.strip()
    named = text.rpartition("+")[0] if "+" in text and not Path(text).expanduser().exists() else ""
    base = named or adapter.config.get("base_model_name_or_path")
    if not base:
        return None, "the adapter's last layer (adapter_config.json names no base model)"
    try:
        arch = architecture(base)
    except PersonaProbeError as err:
        if named:
            raise
        return None, f"the adapter's last layer (its base {base!r} is not readable here: {err})"
    if arch.d_model != adapter.d_model:
        raise PersonaProbeError(f"{adapter.folder}: the adapter has d_model {adapter.d_model} but its base {base!r} "
                                f"has {arch.d_model}; name the right base as BASE+ADAPTER")
    return arch.n_layers, f"the base model {base!r}"
