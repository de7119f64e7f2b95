"""Atomic file writes and provenance, shared by every artifact.

Artifacts are folders of ``cfg.json`` plus safetensors. Each file is written to a
temporary name in the same folder and renamed into place, so a crash leaves
either the old file or the new one, never half of one.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import shlex
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__

FORMAT_VERSION = 1
_PACKAGES = ("torch", "transformers", "transformer-lens", "sae-lens", "safetensors", "peft")


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | Path, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def remove_stale_temporaries(folder: str | Path) -> None:
    """Delete ``.*.tmp`` files left by a killed writer."""
    for tmp in Path(folder).glob(".*.tmp"):
        tmp.unlink(missing_ok=True)


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _program_name() -> str:
    """``persona-probe`` however the CLI was started (console script or ``python -m persona_probe.cli``)."""
    name = Path(sys.argv[0]).name
    return "persona-probe" if Path(sys.argv[0]).parent.name == "persona_probe" and name in ("cli.py", "__main__.py") else name


def provenance() -> dict[str, Any]:
    """Who made an artifact, when and how. Holds no environment variables, so no secrets."""
    versions = {}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return {
        "toolkit_version": __version__,
        "command": shlex.join([_program_name(), *sys.argv[1:]]) if sys.argv else "",
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "packages": versions,
    }
