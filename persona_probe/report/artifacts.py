"""Find and read the artifacts a report draws: every JSON file the toolkit writes, by its kind.

The report never loads a model; it reads JSON, JSONL and (for SAE decoder rows against
directions) small safetensors files. Each artifact keeps its path and the SHA-256 of the file
read, so every figure can name exactly what it came from.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..artifacts import kind_of_file
from ..errors import PersonaProbeError

# Folders inside runs that hold bulk data or per-condition parts the run's own files summarise.
_SKIP_FOLDERS = {"shards", "conditions", "controls", "checkpoints", ".git", "__pycache__"}


@dataclass
class Artifact:
    kind: str
    """The name of its :class:`~persona_probe.artifacts.ArtifactKind` (one the report draws)."""
    path: Path
    """The JSON file read (for steer and ablate runs: results.json; their cfg.json is in ``extra``)."""
    data: dict
    sha256: str
    extra: dict = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def provenance(self) -> dict:
        return self.data.get("provenance") or self.extra.get("cfg", {}).get("provenance") or {}

    def models(self) -> list[dict]:
        """Every model identity this artifact records (a base/tuned pair gives two), base before tuned."""
        return [source[key] for source in (self.data, self.extra.get("cfg", {}))
                for key in ("model", "base_model", "tuned_model") if isinstance(source.get(key), dict)]

    @property
    def model(self) -> dict | None:
        """The model a source line names: the artifact's one model, or the tuned one of a pair."""
        for source in (self.data, self.extra.get("cfg", {})):
            for key in ("model", "tuned_model", "base_model"):
                if isinstance(source.get(key), dict):
                    return source[key]
        return None


def _read_json(path: Path) -> tuple[dict, str] | None:
    """A JSON object and the SHA-256 of the bytes it was parsed from (one read serves both), or None."""
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return (data, hashlib.sha256(raw).hexdigest()) if isinstance(data, dict) else None


def _load(path: Path) -> Artifact | None:
    read = _read_json(path)
    if read is None:
        return None
    data, sha256 = read
    kind = kind_of_file(path.name, data)
    if kind is None or not kind.drawn:
        return None
    if kind.results:
        results = _read_json(path.parent / kind.results)
        if results is None:
            return None  # a run that has not finished: nothing to draw yet
        side_effects = _read_json(path.parent / "side_effects.json")
        return Artifact(kind.name, path.parent / kind.results, *results,
                        {"cfg": data, "side_effects": side_effects[0] if side_effects else {}})
    return Artifact(kind.name, path, data, sha256)


def find_artifacts(run_dirs: list[str | Path]) -> list[Artifact]:
    """Every drawable artifact under ``run_dirs`` (folders, searched recursively, or single JSON files)."""
    found: dict[Path, Artifact] = {}
    for run_dir in run_dirs:
        root = Path(run_dir)
        if not root.exists():
            raise PersonaProbeError(f"{root}: no such file or folder; pass run folders made by persona-probe")
        if root.is_file():
            candidates = [root]
        else:
            candidates = []
            for folder, subfolders, files in os.walk(root):
                subfolders[:] = sorted(d for d in subfolders if d not in _SKIP_FOLDERS)
                candidates += [Path(folder) / name for name in sorted(files) if name.endswith(".json")]
        for path in candidates:
            artifact = _load(path)
            if artifact is not None:
                found.setdefault(artifact.path.resolve(), artifact)
    return list(found.values())


def same_path(a: str | Path | None, b: str | Path | None) -> bool:
    """Whether two recorded paths name the same folder (artifacts record paths as they were given)."""
    if not a or not b:
        return False
    return Path(a).resolve() == Path(b).resolve()
