"""Checks of a store's files against each other, so that nothing read from disk is believed.

``cfg.json`` field by field, the manifest's shard records, and every safetensors header entry
(its dtype, shape and byte range must agree exactly); each failure is one StoreError that
names the file and the fix.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..artifacts import ACTIVATION_STORE, FORMAT_VERSION
from ..errors import StoreError
from .capture import POOLINGS

# safetensors dtype names as numpy dtypes (bf16 is read as uint16 and viewed as bfloat16)
NP_DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16, "I64": np.int64,
             "I32": np.int32, "U8": np.uint8, "BOOL": np.bool_}
SAFETENSORS_DTYPE = {"float32": "F32", "float16": "F16", "bfloat16": "BF16"}
"""The safetensors dtype that each storage dtype (cfg.json's ``dtype``) is written as."""
REBUILD = "rebuild the store: rerun the cache command with --overwrite"


def shard_name(index: int) -> str:
    return f"shards/shard-{index:05d}.safetensors"


def shard_order(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (1 << 62, key)


def check_tensor_entry(item: Any) -> None:
    """A safetensors header entry whose byte range fits its dtype and shape exactly (ValueError if not)."""
    if not isinstance(item, dict) or item.get("dtype") not in NP_DTYPES:
        raise ValueError("bad tensor entry")
    shape, offsets = item.get("shape"), item.get("data_offsets")
    if (not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0 for n in shape)
            or not isinstance(offsets, list) or len(offsets) != 2
            or not all(isinstance(n, int) and n >= 0 for n in offsets) or offsets[1] < offsets[0]):
        raise ValueError("bad tensor entry")
    count = int(np.prod(shape)) if shape else 1
    if offsets[1] - offsets[0] != count * np.dtype(NP_DTYPES[item["dtype"]]).itemsize:
        raise ValueError("byte range does not match the shape")




def read_store_json(path: Path) -> Any:
    if not path.is_file():
        raise StoreError(f"{path} is missing; {REBUILD}")
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError) as err:
        raise StoreError(f"{path}: corrupt JSON ({err}); {REBUILD}") from None


def checked_cfg(cfg: Any, path: Path) -> dict:
    """cfg.json, refused with one line naming the field when it is not what a store writes."""
    if not isinstance(cfg, dict):
        raise StoreError(f"{path}: not a JSON object; {REBUILD}")
    if cfg.get("kind") != ACTIVATION_STORE.name or cfg.get("format_version") != FORMAT_VERSION:
        raise StoreError(f"{path}: not a format-{FORMAT_VERSION} activation store "
                         f"(kind={cfg.get('kind')!r}, format_version={cfg.get('format_version')!r})")
    problems = []
    layers = cfg.get("layers")
    if not (isinstance(layers, list) and layers and all(isinstance(x, int) and x >= 0 for x in layers)
            and len(set(layers)) == len(layers)):
        problems.append(f"layers {layers!r} is not a list of distinct layer numbers")
    hooks = cfg.get("hook_names")
    if not (isinstance(hooks, list) and isinstance(layers, list) and len(hooks) == len(layers)):
        problems.append("hook_names does not name one hook per layer")
    if not isinstance(cfg.get("pooling"), str) or cfg["pooling"] not in POOLINGS:
        problems.append(f"pooling {cfg.get('pooling')!r} is not one of {', '.join(POOLINGS)}")
    if not isinstance(cfg.get("dtype"), str) or cfg["dtype"] not in SAFETENSORS_DTYPE:
        problems.append(f"dtype {cfg.get('dtype')!r} is not one of {', '.join(SAFETENSORS_DTYPE)}")
    for key, least in (("d_model", 1), ("n_rows", 0)):
        if not (isinstance(cfg.get(key), int) and not isinstance(cfg.get(key), bool) and cfg[key] >= least):
            problems.append(f"{key} {cfg.get(key)!r} is not a whole number of at least {least}")
    plan = cfg.get("plan")
    if not (isinstance(plan, dict) and isinstance(plan.get("n_shards"), int) and plan["n_shards"] >= 0):
        problems.append("plan.n_shards is missing or not a whole number")
    if problems:
        raise StoreError(f"{path}: {'; '.join(problems)}; {REBUILD}")
    return cfg


def checked_manifest(manifest: Any, path: Path) -> dict[str, dict[str, Any]]:
    shards = manifest.get("shards") if isinstance(manifest, dict) else None
    if not isinstance(shards, dict):
        raise StoreError(f"{path}: no shards table; {REBUILD}")
    for key, entry in shards.items():
        if not (isinstance(entry, dict) and key.isdigit() and entry.get("file") == shard_name(int(key))
                and all(isinstance(entry.get(f), int) and entry[f] >= 0 for f in ("rows", "bytes", "tokens"))
                and isinstance(entry.get("sha256"), str)):
            raise StoreError(f"{path}: entry {key!r} is not a shard record of this store; {REBUILD}")
    return shards
