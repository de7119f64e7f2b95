"""Models larger than one GPU: accelerate's big-model dispatch under the bridge.

``--device-map auto`` (or ``balanced``, ``sequential``, or a JSON file mapping module
names to devices) splits the model's layers over the GPUs, within ``--max-memory``
(``0=70GiB,1=70GiB``). transformers loads each layer straight onto its device and
accelerate's hooks move the hidden states between devices, so the bridge, our hooks
(each acts on the device its layer lives on) and the cache see one ordinary model.

The plan is made first, on an empty (meta) model, so a model that cannot fit fails in
seconds with the numbers, not after minutes of loading. Offload to CPU RAM next to
GPUs, or to disk, is refused: TransformerLens's bridge reads some weights directly and
would bypass accelerate's offload hooks.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import torch

from ..errors import ModelSpecError

DEVICE_MAP_MODES = ("auto", "balanced", "balanced_low_0", "sequential")
_SIZE = re.compile(r"^\d+(\.\d+)?\s*([KMGT]i?B)?$", re.IGNORECASE)


def parse_max_memory(text: str | None) -> dict[int | str, str] | None:
    """``0=70GiB,1=70GiB,cpu=200GiB`` as accelerate's ``max_memory`` dict."""
    if not text:
        return None
    budget: dict[int | str, str] = {}
    for item in text.split(","):
        device, sep, size = (part.strip() for part in item.partition("="))
        if not sep or not _SIZE.match(size):
            raise ModelSpecError(f"--max-memory {text!r}: write DEVICE=SIZE pairs, e.g. 0=70GiB,1=70GiB,cpu=200GiB")
        key: int | str = int(device) if device.isdigit() else device.removeprefix("cuda:")
        if isinstance(key, str) and key.isdigit():
            key = int(key)
        if not isinstance(key, int) and key not in ("cpu", "mps", "disk"):
            raise ModelSpecError(f"--max-memory {text!r}: device {device!r} is not a GPU index, cuda:N, cpu or mps")
        budget[key] = size if not size.isdigit() else int(size)
    return budget


def resolve_device_map(device_map: str | None) -> str | dict | None:
    """A mode name, or the contents of a JSON file ``{"module.name": device}``."""
    if not device_map:
        return None
    if device_map in DEVICE_MAP_MODES:
        return device_map
    path = Path(device_map)
    if path.suffix == ".json":
        try:
            mapping = json.loads(path.read_text())
        except (OSError, ValueError) as err:
            raise ModelSpecError(f"--device-map {device_map}: cannot read it as JSON ({err})") from None
        if not isinstance(mapping, dict) or not mapping:
            raise ModelSpecError(f"--device-map {device_map}: expected an object mapping module names to devices")
        return mapping
    raise ModelSpecError(f"--device-map {device_map!r}: use {', '.join(DEVICE_MAP_MODES)} or a .json file")


def plan_device_map(folder: Path, dtype: torch.dtype, device_map: str | dict,
                    max_memory: dict[int | str, str] | None = None) -> dict[str, int | str]:
    """Where each module goes, planned on an empty model with accelerate; refuses offload."""
    if isinstance(device_map, dict):
        plan = dict(device_map)
    else:
        from accelerate import infer_auto_device_map, init_empty_weights
        from accelerate.utils import get_balanced_memory
        from transformers import AutoConfig, AutoModelForCausalLM

        with init_empty_weights():
            empty = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(folder), dtype=dtype)
        no_split = list(getattr(empty, "_no_split_modules", None) or [])
        if device_map != "sequential":
            max_memory = get_balanced_memory(empty, max_memory, no_split_module_classes=no_split, dtype=dtype,
                                             low_zero=device_map == "balanced_low_0")
        plan = dict(infer_auto_device_map(empty, max_memory=max_memory, no_split_module_classes=no_split,
                                          dtype=dtype))
    check_plan(plan, max_memory)
    return plan


def check_plan(plan: dict[str, int | str], max_memory=None) -> None:
    devices = {str(d) for d in plan.values()}
    budget = f" within --max-memory {max_memory}" if max_memory else ""
    if "disk" in devices or "meta" in devices:
        raise ModelSpecError(
            f"the model does not fit on the devices{budget}: the plan offloads "
            f"{sum(str(d) == 'disk' for d in plan.values())} modules to disk, which the TransformerBridge cannot run; "
            "raise --max-memory, use more GPUs (CUDA_VISIBLE_DEVICES), or a smaller --model-dtype"
        )
    if "cpu" in devices and len(devices) > 1:
        raise ModelSpecError(
            f"the model does not fit on the GPUs{budget}: the plan puts {sum(str(d) == 'cpu' for d in plan.values())} "
            "modules in CPU RAM, and the TransformerBridge cannot mix CPU offload with GPUs; "
            "raise --max-memory or use more GPUs"
        )


def input_device(hf_model) -> torch.device:
    """Where token ids go in: the embedding's device."""
    return hf_model.get_input_embeddings().weight.device


def devices_used(hf_model) -> list[str]:
    return sorted({str(p.device) for p in hf_model.parameters()})
