"""The activation store: streaming safetensors shards plus ``cfg.json``.

Layout of a store folder (see docs/file-formats.md)::

    cfg.json          what was cached, from which model and data, and status
    rows.jsonl        one line per conversation: id, group, rendered text, token spans
    manifest.json     the finished shards, with sizes and SHA-256
    shards/shard-00000.safetensors ...

Every file is replaced atomically. ``StoreWriter`` skips shards the manifest
already lists, which is how an interrupted cache run resumes. ``ActivationStore``
reads shards memory-mapped and checks them against the manifest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import torch
from jaxtyping import Float, Int
from safetensors.torch import save_file

from ..artifacts import (
    ACTIVATION_STORE,
    FORMAT_VERSION,
    atomic_write_bytes,
    atomic_write_json,
    decode_utf8,
    jsonl_rows,
    remove_stale_temporaries,
    sha256_file,
)
from ..errors import PersonaProbeError, StoreError
from .lock import StoreLock, folder_state
from .store_checks import (
    NP_DTYPES,
    REBUILD,
    SAFETENSORS_DTYPE,
    check_tensor_entry,
    checked_cfg,
    checked_manifest,
    read_store_json,
    shard_name,
    shard_order,
)

log = logging.getLogger(__name__)
STORE_DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
# Settings that must match for a rerun to resume an existing store.
_IDENTITY_KEYS = ("kind", "format_version", "model", "hook_names", "layers", "pooling", "dtype",
                  "model_dtype", "device", "d_model", "data", "plan", "n_rows")


def _comparable(key: str, value: Any) -> Any:
    """Settings compared by content: the same weights or data under another spelling still resume."""
    if key == "model" and isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in ("spec", "name")}
    if key == "data" and isinstance(value, dict):
        return {k: v for k, v in value.items() if k != "source"}
    return value


class StoreWriter:
    """Writes one store, shard by shard, resuming from whatever a killed run finished."""

    def __init__(self, path: str | Path, cfg: dict[str, Any], rows: list[dict[str, Any]], overwrite: bool = False,
                 part: int | None = None, create: bool = True):
        """``part``: a data-parallel rank's number; its shards go to ``manifest.rank-NNNNN.json``
        until :meth:`finish` (rank 0) merges them. ``create=False`` (ranks but 0) only joins a
        store rank 0 has already opened."""
        self.path = Path(path)
        self.cfg = {**cfg, "kind": ACTIVATION_STORE.name, "format_version": FORMAT_VERSION}
        self.n_shards = int(self.cfg["plan"]["n_shards"])
        self.manifest: dict[str, dict[str, Any]] = {}
        self.part = part
        self.finished = False
        """Whether cfg.json already said complete when the writer opened it."""
        existing = self.path / "cfg.json"
        if not create:
            if not existing.exists():
                raise StoreError(
                    f"{existing} is not visible to this rank although rank 0 opened it; the output "
                    "folder must be on a filesystem every rank sees (a shared mount across nodes)"
                )
            self._adopt(existing)
            return
        state = folder_state(self.path)
        if state == "unreadable":
            raise StoreError(f"{self.path}/cfg.json is not readable JSON, so this folder cannot be told apart from "
                             "someone else's; if it is a store of yours, delete the folder and cache again")
        if state == "foreign":
            raise StoreError(f"{self.path} exists and is not an activation store made by persona-probe; choose "
                             "another --out (nothing in it was changed)")
        self.lock = StoreLock(self.path)  # before anything is deleted: a second writer stops here
        try:
            if state == "ours" and not overwrite:
                self._adopt(existing)
            elif state in ("ours", "half-made"):
                # Our own files only: cfg.json said activation_store, or a kill left only what creation writes.
                for old in [existing, self.path / "manifest.json", self.path / "rows.jsonl", *self._part_files()]:
                    old.unlink(missing_ok=True)
                for old in (self.path / "shards").glob("*.safetensors"):
                    old.unlink()
            (self.path / "shards").mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(self.path)
            remove_stale_temporaries(self.path / "shards")
            if not self.manifest:
                # cfg.json last: a store whose cfg.json exists always has its rows and its manifest.
                lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
                self.cfg["rows_sha256"] = hashlib.sha256(lines).hexdigest()
                atomic_write_bytes(self.path / "rows.jsonl", lines)
                atomic_write_json(self.path / "manifest.json", {"shards": {}})
                atomic_write_json(self.path / "cfg.json", {**self.cfg, "status": "running"})
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Let another writer in (a no-op for ranks that joined without the lock)."""
        lock = getattr(self, "lock", None)
        if lock is not None:
            lock.release()
            self.lock = None

    def _part_files(self) -> list[Path]:
        return sorted(self.path.glob("manifest.rank-*.json"))

    def _read_manifests(self) -> dict[str, dict[str, Any]]:
        """manifest.json plus every rank's part; a torn part (a killed rank) counts as empty."""
        manifest = json.loads((self.path / "manifest.json").read_text())["shards"]
        for part in self._part_files():
            try:
                manifest.update(json.loads(part.read_text())["shards"])
            except (OSError, ValueError, KeyError):
                log.warning("%s is unreadable; its shards will be recomputed", part)
        return manifest

    def _adopt(self, existing: Path) -> None:
        try:
            old = json.loads(existing.read_text())
            manifest = self._read_manifests()
        except (OSError, ValueError, KeyError, TypeError):
            raise StoreError(
                f"{self.path} holds an unreadable activation store; pass --overwrite to rebuild it"
            ) from None
        self.finished = old.get("status") == "complete"
        if "rows_sha256" in old:  # resuming: the rows file on disk is the one recorded
            self.cfg["rows_sha256"] = old["rows_sha256"]
        for key in _IDENTITY_KEYS:
            if _comparable(key, old.get(key)) != _comparable(key, self.cfg.get(key)):
                raise StoreError(
                    f"{self.path} holds a cache made with different settings ({key} differs); "
                    "rerun with the same settings to resume it, pass --overwrite, or choose another --out"
                )
        self.manifest = self._whole(manifest)

    def _whole(self, manifest: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Only shards whose file is whole; anything else is recomputed."""
        return {
            k: v for k, v in manifest.items()
            if (self.path / v["file"]).is_file() and (self.path / v["file"]).stat().st_size == v["bytes"]
        }

    def collect(self) -> None:
        """Take in the shards other ranks have written since this writer opened."""
        self.manifest = self._whole(self._read_manifests())

    @property
    def complete(self) -> bool:
        return len(self.manifest) == self.n_shards

    def has_shard(self, index: int) -> bool:
        return str(index) in self.manifest

    def write_shard(self, index: int, tensors: dict[str, torch.Tensor], n_tokens: int) -> None:
        name = shard_name(index)
        final = self.path / name
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        # Straight to disk: no second in-memory copy of the shard.
        save_file({k: v.contiguous() for k, v in tensors.items()}, tmp, metadata={"shard": str(index)})
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, final)
        self.manifest[str(index)] = {
            "file": name, "rows": int(tensors["rows"].numel()), "tokens": n_tokens,
            "bytes": final.stat().st_size, "sha256": sha256_file(final),
            **({"rank": self.part} if self.part is not None else {}),
        }
        if self.part is None:
            atomic_write_json(self.path / "manifest.json", {"shards": self.manifest})
        else:  # each rank its own file: no two ranks ever write one file
            mine = {k: v for k, v in self.manifest.items() if v.get("rank") == self.part}
            atomic_write_json(self.path / f"manifest.rank-{self.part:05d}.json", {"shards": mine})

    def finish(self, extra: dict[str, Any] | None = None) -> None:
        if not self.complete:
            raise StoreError(f"{self.path}: {len(self.manifest)} of {self.n_shards} shards written")
        n_tokens = sum(v["tokens"] for v in self.manifest.values())
        # The merged manifest names no ranks: it is the same whoever wrote the shards.
        merged = {k: {f: x for f, x in v.items() if f != "rank"} for k, v in sorted(self.manifest.items(), key=lambda kv: int(kv[0]))}
        atomic_write_json(self.path / "manifest.json", {"shards": merged})
        for part in self._part_files():
            part.unlink()
        atomic_write_json(self.path / "cfg.json", {**self.cfg, **(extra or {}), "n_tokens": n_tokens, "status": "complete"})
        self.close()


@dataclass(frozen=True)
class TokenActivations:
    """One conversation's per-token activations."""

    acts: Float[torch.Tensor, "tokens layers d_model"]
    token_ids: Int[torch.Tensor, " tokens"]
    response_start: int | None
    response_end: int | None


class ActivationStore:
    """Read a finished store. Shards are memory-mapped; nothing loads until asked."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        cfg_path = self.path / "cfg.json"
        if not cfg_path.is_file():
            raise StoreError(f"{self.path}: no cfg.json; this is not an activation store (run persona-probe cache)")
        self.cfg = checked_cfg(read_store_json(cfg_path), cfg_path)
        if self.cfg.get("status") != "complete":
            raise StoreError(f"{self.path}: the cache run has not finished; rerun the same cache command to resume it")
        self.manifest = checked_manifest(read_store_json(self.path / "manifest.json"), self.path / "manifest.json")
        n_shards = self.cfg["plan"]["n_shards"]
        missing = [str(k) for k in range(n_shards) if str(k) not in self.manifest]
        extra = sorted(set(self.manifest) - {str(k) for k in range(n_shards)})
        if missing or extra:
            raise StoreError(f"{self.path}: cfg.json plans {n_shards} shards but the manifest lists "
                             f"{sorted(self.manifest, key=shard_order)}; {REBUILD}")
        listed_rows = sum(entry["rows"] for entry in self.manifest.values())
        if listed_rows != self.cfg["n_rows"]:
            raise StoreError(f"{self.path}: cfg.json says {self.cfg['n_rows']} rows but the shards hold {listed_rows}; "
                             f"{REBUILD}")
        self._headers = [self._check_shard(k) for k in range(n_shards)]
        self._rows_meta: list[dict[str, Any]] | None = None

    # ---- metadata -----------------------------------------------------------------
    @property
    def layers(self) -> list[int]:
        return list(self.cfg["layers"])

    @property
    def hook_names(self) -> list[str]:
        return list(self.cfg["hook_names"])

    @property
    def pooling(self) -> str:
        return self.cfg["pooling"]

    @property
    def d_model(self) -> int:
        return int(self.cfg["d_model"])

    @property
    def n_shards(self) -> int:
        return len(self._headers)

    def __len__(self) -> int:
        return int(self.cfg["n_rows"])

    @property
    def rows(self) -> list[dict[str, Any]]:
        """``rows.jsonl``: per conversation, its id, group, rendered text and spans."""
        if self._rows_meta is None:
            path = self.path / "rows.jsonl"
            if not path.is_file():
                raise StoreError(f"{path} is missing; {REBUILD}")
            try:
                rows = [row for _, row in jsonl_rows(decode_utf8(path.read_bytes(), str(path)), str(path))]
            except (OSError, PersonaProbeError) as err:
                raise StoreError(f"{path} is unreadable ({err}); {REBUILD}") from None
            if len(rows) != len(self) or not all("id" in row for row in rows):
                raise StoreError(f"{path} holds {len(rows)} rows but cfg.json says {len(self)}, or a row has no id; "
                                 f"the file is truncated or edited; {REBUILD}")
            self._rows_meta = rows
        return self._rows_meta

    # ---- reading ------------------------------------------------------------------
    def shard(self, index: int) -> dict[str, torch.Tensor]:
        """One shard's tensors, memory-mapped (copy-on-write, the file is never changed)."""
        file = self.path / shard_name(index)
        data_start, header = self._headers[index]
        tensors = {}
        for name, entry in header.items():
            begin, end = entry["data_offsets"]
            count = int(np.prod(entry["shape"])) if entry["shape"] else 1
            if count == 0:
                array = np.zeros(entry["shape"], dtype=NP_DTYPES[entry["dtype"]])
            else:
                array = np.memmap(file, dtype=NP_DTYPES[entry["dtype"]], mode="c",
                                  offset=data_start + begin, shape=tuple(entry["shape"]))
            tensor = torch.from_numpy(array)
            tensors[name] = tensor.view(torch.bfloat16) if entry["dtype"] == "BF16" else tensor
        return tensors

    def layer_slots(self, layers: list[int] | None) -> list[int]:
        if layers is None:
            return list(range(len(self.layers)))
        unknown = [layer for layer in layers if layer not in self.layers]
        if unknown:
            raise StoreError(f"{self.path}: layers {unknown} were not cached; it holds {self.layers}")
        return [self.layers.index(layer) for layer in layers]

    def load(self, layers: list[int] | None = None) -> Float[torch.Tensor, "rows layers d_model"]:
        """Pooled activations of every row, in data order."""
        if self.pooling == "tokens":
            raise StoreError(f"{self.path} holds per-token activations; use iter_rows() or row_tokens()")
        slots = self.layer_slots(layers)
        dtype = STORE_DTYPES[self.cfg["dtype"]]
        out = torch.empty((len(self), len(slots), self.d_model), dtype=dtype)
        filled = torch.zeros(len(self), dtype=torch.int64)
        for k in range(self.n_shards):
            shard = self.shard(k)
            rows = shard["rows"]
            if len(rows) and (int(rows.min()) < 0 or int(rows.max()) >= len(self)):
                raise StoreError(f"{self.path / shard_name(k)}: row numbers outside 0-{len(self) - 1}; {REBUILD}")
            out[rows] = shard["acts"][:, slots]
            filled.index_add_(0, rows, torch.ones_like(rows))
        if not bool((filled == 1).all()):  # never hand back memory no shard filled
            raise StoreError(f"{self.path}: the shards do not hold every row exactly once; {REBUILD}")
        return out

    def iter_rows(self, layers: list[int] | None = None) -> Iterator[tuple[int, TokenActivations]]:
        """Per-token activations, one conversation at a time, in shard order (streaming)."""
        if self.pooling != "tokens":
            raise StoreError(f"{self.path} holds pooled activations ({self.pooling}); use load()")
        slots = self.layer_slots(layers)
        meta = self.rows
        for k in range(self.n_shards):
            shard = self.shard(k)
            offsets = shard["offsets"]
            for i, row in enumerate(shard["rows"].tolist()):
                lo, hi = int(offsets[i]), int(offsets[i + 1])
                yield row, TokenActivations(
                    shard["acts"][lo:hi][:, slots], shard["token_ids"][lo:hi].long(),
                    meta[row]["response_start"], meta[row]["response_end"],
                )

    def row_tokens(self, row: int, layers: list[int] | None = None) -> TokenActivations:
        """One conversation's per-token activations."""
        if self.pooling != "tokens":
            raise StoreError(f"{self.path} holds pooled activations ({self.pooling}); use load()")
        if not 0 <= row < len(self):
            raise StoreError(f"{self.path}: row {row} out of range (0-{len(self) - 1})")
        k = self.rows[row]["shard"]
        shard = self.shard(k)
        i = shard["rows"].tolist().index(row)
        lo, hi = int(shard["offsets"][i]), int(shard["offsets"][i + 1])
        slots = self.layer_slots(layers)
        meta = self.rows[row]
        return TokenActivations(shard["acts"][lo:hi][:, slots], shard["token_ids"][lo:hi].long(),
                                meta["response_start"], meta["response_end"])

    def verify(self) -> None:
        """Check everything on disk against everything else: every shard's SHA-256 against the manifest,
        rows.jsonl against its recorded SHA-256 and cfg.json's row count, and the rows each shard holds."""
        for k in range(self.n_shards):
            entry = self.manifest[str(k)]
            if sha256_file(self.path / entry["file"]) != entry["sha256"]:
                raise StoreError(f"{self.path / entry['file']}: SHA-256 does not match the manifest; the shard is corrupt")
        _ = self.rows  # the row count, and every row has an id
        recorded = self.cfg.get("rows_sha256")  # stores made before it was recorded have only the count check
        if recorded is not None and sha256_file(self.path / "rows.jsonl") != recorded:
            raise StoreError(f"{self.path / 'rows.jsonl'}: SHA-256 does not match cfg.json; the file was changed; "
                             f"{REBUILD}")
        seen = torch.zeros(len(self), dtype=torch.int64)
        for k in range(self.n_shards):
            rows = self.shard(k)["rows"]
            if len(rows) and (int(rows.min()) < 0 or int(rows.max()) >= len(self)):
                raise StoreError(f"{self.path / shard_name(k)}: row numbers outside 0-{len(self) - 1}; {REBUILD}")
            seen.index_add_(0, rows, torch.ones_like(rows))
        if not bool((seen == 1).all()):
            raise StoreError(f"{self.path}: the shards do not hold every row exactly once; {REBUILD}")

    # ---- validation ---------------------------------------------------------------
    def _check_shard(self, index: int) -> tuple[int, dict[str, Any]]:
        """The shard's data offset and tensor header, checked against the manifest and cfg.json, so that
        every read stays inside the file and has the shape the store promises."""
        entry = self.manifest[str(index)]
        file = self.path / entry["file"]
        if not file.is_file():
            raise StoreError(f"{file}: shard missing; {REBUILD}")
        size = file.stat().st_size
        if size != entry["bytes"]:
            raise StoreError(f"{file}: {size} bytes, the manifest says {entry['bytes']}; the shard is truncated or "
                             f"corrupt; {REBUILD}")
        try:
            with open(file, "rb") as f:
                (header_len,) = struct.unpack("<Q", f.read(8))
                if header_len > size - 8:
                    raise ValueError("header longer than file")
                header = json.loads(f.read(header_len))
            if not isinstance(header, dict):
                raise ValueError("header is not an object")
            header.pop("__metadata__", None)
            for item in header.values():
                check_tensor_entry(item)
        except (ValueError, TypeError, KeyError, struct.error, UnicodeDecodeError):
            raise StoreError(f"{file}: unreadable safetensors header; the shard is corrupt; {REBUILD}") from None
        n_layers = len(self.cfg["layers"])
        acts, rows = header.get("acts"), header.get("rows")
        if acts is None or acts["shape"][1:] != [n_layers, self.d_model]:
            raise StoreError(f"{file}: activations are not [*, {n_layers}, {self.d_model}] as cfg.json says; {REBUILD}")
        if acts["dtype"] != SAFETENSORS_DTYPE[self.cfg["dtype"]]:
            raise StoreError(f"{file}: activations are {acts['dtype']}, cfg.json says {self.cfg['dtype']}; {REBUILD}")
        if rows is None or rows["dtype"] != "I64" or rows["shape"] != [entry["rows"]]:
            raise StoreError(f"{file}: its row numbers are not the {entry['rows']} the manifest lists; {REBUILD}")
        expected_acts = entry["rows"]
        if self.pooling == "tokens":
            offsets, token_ids = header.get("offsets"), header.get("token_ids")
            if (offsets is None or token_ids is None or offsets["shape"] != [entry["rows"] + 1]
                    or len(token_ids["shape"]) != 1):
                raise StoreError(f"{file}: a per-token shard needs offsets and token_ids; {REBUILD}")
            expected_acts = token_ids["shape"][0]
            if expected_acts != entry["tokens"] or token_ids["dtype"] != "I32" or offsets["dtype"] != "I64":
                raise StoreError(f"{file}: its tokens are not the {entry['tokens']} the manifest lists; {REBUILD}")
        if acts["shape"][0] != expected_acts:
            raise StoreError(f"{file}: {acts['shape'][0]} activation rows where {expected_acts} belong; {REBUILD}")
        for name, item in header.items():
            begin, end = item["data_offsets"]
            if 8 + header_len + end > size:
                raise StoreError(f"{file}: tensor {name!r} runs past the end of the file; {REBUILD}")
        return 8 + header_len, header


@dataclass(frozen=True, kw_only=True)
class StoreInfoConfig:
    """Print a store's cfg.json summary."""

    path: str = field(metadata={"positional": True})
    """The store folder."""


def run_store_info(cfg: StoreInfoConfig, progress: bool = True) -> dict:
    """The store's model, pooling, layers, dtype, sizes and data, from its cfg.json."""
    store_cfg = ActivationStore(cfg.path).cfg
    return {key: store_cfg.get(key) for key in ("model", "pooling", "layers", "dtype", "n_rows", "n_tokens", "data")}


@dataclass(frozen=True, kw_only=True)
class StoreVerifyConfig:
    """Check every shard's SHA-256 against the manifest."""

    path: str = field(metadata={"positional": True})
    """The store folder."""


def run_store_verify(cfg: StoreVerifyConfig, progress: bool = True) -> ActivationStore:
    """Verify the store (a StoreError names the first shard that does not match)."""
    store = ActivationStore(cfg.path)
    store.verify()
    return store
