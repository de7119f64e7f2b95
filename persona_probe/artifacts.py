"""What every artifact shares: the table of artifact kinds, atomic writes, JSONL reading, provenance.

Artifacts are folders of ``cfg.json`` plus safetensors (or single JSON files). Each file is
written to a temporary name in the same folder and renamed into place, so a crash leaves
either the old file or the new one, never half of one.

Each artifact's JSON names its kind (``"kind": "probe_report"``). :data:`ARTIFACT_KINDS` is the
one table of those kinds: the writers take their name from it, the report finds artifacts by
it, and the CLI reference says which command writes which.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import shlex
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Iterator

from .errors import DataError, PersonaProbeError

__version__ = "0.1.0"
"""The toolkit version: recorded in every artifact, and the package's version (pyproject reads it here)."""
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ArtifactKind:
    """One kind of artifact: its name on disk, in the report and on the CLI, and where it lives."""

    name: str
    """The ``kind`` its JSON records (the evaluation summary, older than the table, records none)."""
    files: tuple[str, ...]
    """File names that may hold it; empty for a single JSON file of any name (``--out FILE.json``)."""
    command: str
    """The ``persona-probe`` command that writes it."""
    drawn: bool = True
    """Whether the report draws it."""
    results: str | None = None
    """For runs: the file with the results the report draws, beside the one that names the kind."""
    recognised_by: tuple[str, ...] = ()
    """Top-level keys that identify a file of this kind written without a ``kind`` field."""

    def matches(self, filename: str, data: dict) -> bool:
        """Whether a JSON object read from ``filename`` is an artifact of this kind."""
        if self.files and filename not in self.files:
            return False
        if data.get("kind") == self.name:
            return True
        return bool(self.recognised_by) and "kind" not in data and all(key in data for key in self.recognised_by)


ACTIVATION_STORE = ArtifactKind("activation_store", ("cfg.json",), "cache")
DIRECTION = ArtifactKind("direction", ("cfg.json",), "direction mean-diff / by-label / from-adapter, probe")
PROBE_REPORT = ArtifactKind("probe_report", ("cfg.json",), "probe")
DIRECTION_COSINE = ArtifactKind("direction_cosine", (), "direction cosine --out",
                                recognised_by=("matrices", "with_reference"))
PROJECTION_SHIFT = ArtifactKind("projection_shift", (), "direction project")
ADAPTER_VIEW = ArtifactKind("adapter_view", (), "direction adapter-view")
LAYER_SCAN = ArtifactKind("layer_scan", (), "direction layer-scan")
EVALUATION = ArtifactKind("evaluation", ("summary.json",), "evaluate", recognised_by=("em_rate", "n_answers"))
STEER_RUN = ArtifactKind("steer_run", ("cfg.json",), "steer", results="results.json")
ABLATE_RUN = ArtifactKind("ablate_run", ("cfg.json",), "ablate", results="results.json")
SPARSE_AUTOENCODER = ArtifactKind("sae", ("persona_probe.json",), "sae train")
SAE_DIFF = ArtifactKind("sae_diff", ("diff.json",), "sae diff", recognised_by=("latents", "control"))
SAE_ATTRIBUTION = ArtifactKind("sae_attribution", ("attribution.json",), "sae attribute")
SAE_EXAMPLES = ArtifactKind("sae_examples", ("examples.json",), "sae examples")
DEMO = ArtifactKind("demo", ("demo.json",), "demo")
AUDIT = ArtifactKind("audit", ("audit.json",), "audit")
NARROW_SCAN = ArtifactKind("narrow_scan", (), "data scan")
FINETUNE = ArtifactKind("finetune", ("finetune.json",), "finetune")
ORTHOGONALIZED_MODEL = ArtifactKind("orthogonalized_model", ("persona_probe.json",), "orthogonalize", drawn=False)
STEERED_MODEL = ArtifactKind("steered_model", ("persona_probe.json",), "bake-steering", drawn=False)
MERGED_MODEL = ArtifactKind("merged_model", ("persona_probe.json",), "generate --engine vllm", drawn=False)
OFFLINE_JUDGE = ArtifactKind("offline_judge", ("cfg.json",), "analyses/train_offline_judge.py", drawn=False)
SCREEN = ArtifactKind("screen", ("screen.json",), "screen", drawn=False)

ARTIFACT_KINDS: tuple[ArtifactKind, ...] = (
    ACTIVATION_STORE, DIRECTION, PROBE_REPORT, DIRECTION_COSINE, PROJECTION_SHIFT, ADAPTER_VIEW, LAYER_SCAN, EVALUATION,
    STEER_RUN, ABLATE_RUN, SPARSE_AUTOENCODER, SAE_DIFF, SAE_ATTRIBUTION, SAE_EXAMPLES, DEMO, AUDIT, NARROW_SCAN,
    FINETUNE, ORTHOGONALIZED_MODEL, STEERED_MODEL, MERGED_MODEL, OFFLINE_JUDGE,
    SCREEN,
)


def kind_of_file(filename: str, data: dict) -> ArtifactKind | None:
    """The kind of a JSON object read from a file named ``filename``, or None for other files."""
    return next((kind for kind in ARTIFACT_KINDS if kind.matches(filename, data)), None)
_PACKAGES = ("torch", "transformers", "transformer-lens", "sae-lens", "safetensors", "peft")


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)  # an output in a folder not made yet is made, not refused
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # never leave a half-written temporary behind
        raise


def output_folder(path: str | Path, option: str = "--out") -> Path:
    """An output path that must be a folder, refused in one line when it cannot be one."""
    path = Path(path)
    try:
        path.resolve()
        if path.exists() and not path.is_dir():
            raise PersonaProbeError(f"{option} {path} is a file, but this command writes a folder; give a folder name")
        if path.is_symlink() and not path.exists():
            raise PersonaProbeError(f"{option} {path} is a link to nothing; give a folder name")
    except (OSError, RuntimeError) as err:  # a symlink loop, a path through a file
        raise PersonaProbeError(f"{option} {path} cannot be used as a folder ({err}); give another path") from None
    return path


def output_file(path: str | Path, option: str = "--out") -> Path:
    """An output path that must be a file, refused in one line when it cannot be one."""
    path = Path(path)
    try:
        path.resolve()
        if path.is_dir():
            raise PersonaProbeError(f"{option} {path} is a folder, but this command writes a file; give a file name")
        if path.is_symlink() and not path.exists():
            raise PersonaProbeError(f"{option} {path} is a link to nothing; give a file name")
        if path.parent.exists() and not path.parent.is_dir():
            raise PersonaProbeError(f"{option} {path}: {path.parent} is a file, not a folder")
    except (OSError, RuntimeError) as err:
        raise PersonaProbeError(f"{option} {path} cannot be used as a file ({err}); give another path") from None
    return path


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | Path, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def read_jsonl(path: str | Path, what: str = "data", strict: bool = True) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-blank line of a JSONL file.

    ``strict``: a missing file, a line that is not UTF-8 or not one JSON object is a
    :class:`~persona_probe.errors.DataError` naming the file and line. Not strict (a report
    shows what is there rather than fail): a missing file has no rows and bad lines are skipped.
    """
    path = Path(path)
    if not path.is_file():
        if strict:
            raise DataError(f"{path}: no such {what} file")
        return
    raw = path.read_bytes()
    if strict:
        yield from jsonl_rows(decode_utf8(raw, str(path)), str(path))
        return
    for line_no, line in enumerate(raw.decode("utf-8", errors="replace").split("\n"), start=1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            yield line_no, obj


def decode_utf8(raw: bytes, where: str) -> str:
    """``raw`` as text; a file that is not UTF-8 is a DataError naming its first bad line."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError(f"{where}:{line}: not valid UTF-8; re-save the file as UTF-8") from None


def jsonl_rows(text: str, where: str) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-blank line; a line that is not one JSON object is a DataError.

    Lines end at ``\\n`` only: U+2028, U+2029 and U+0085 are legal inside JSON strings (our own writers leave
    them raw, with ensure_ascii=False), and ``str.splitlines`` would cut a row there."""
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise DataError(
                f"{where}:{line_no}: malformed JSON ({err.msg} at column {err.colno}); "
                "each line must be one JSON object"
            ) from None
        if not isinstance(obj, dict):
            raise DataError(f"{where}:{line_no}: expected a JSON object, got {type(obj).__name__}")
        yield line_no, obj


def claim_output_folder(path: str | Path, kind: ArtifactKind, overwrite: bool, option: str = "--out") -> Path:
    """An output folder for an artifact of ``kind``: new or empty, or, with ``overwrite``, one of ours to replace.

    Anything else is refused in one line before a byte is written: a user's folder is never touched.
    """
    path = output_folder(path, option)
    if not path.exists() or not any(path.iterdir()):
        return path
    if not overwrite:
        raise PersonaProbeError(f"{option} {path} already holds files; pass --overwrite to replace the {kind.name} "
                                "there, or choose another folder")
    if not _holds_only_ours(path, kind):
        raise PersonaProbeError(f"{option} {path} is not a {kind.name} made by persona-probe; --overwrite replaces only "
                                "this tool's own output, so choose another folder (nothing was changed)")
    return path


def claim_output_file(path: str | Path, overwrite: bool, is_ours, what: str, option: str = "--out") -> Path:
    """An output file: new, or, with ``overwrite``, one ``is_ours(path)`` recognises (e.g. by its kind)."""
    path = output_file(path, option)
    if not path.exists():
        return path
    if not overwrite:
        raise PersonaProbeError(f"{option} {path} exists; pass --overwrite to replace it, or choose another file")
    if not is_ours(path):
        raise PersonaProbeError(f"{option} {path} is not a {what} made by persona-probe; --overwrite replaces only "
                                "this tool's own output, so choose another file (nothing was changed)")
    return path


def json_of_kind(kind: ArtifactKind):
    """``is_ours`` for a JSON file: it records ``kind``."""
    def check(path: Path) -> bool:
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(data, dict) and data.get("kind") == kind.name
    return check


def _holds_only_ours(folder: Path, kind: ArtifactKind) -> bool:
    """The folder's kind file names ``kind``; or, absent (a run killed before writing it), everything in it is
    a temporary or an artifact of ours (e.g. the direction a probe run writes first)."""
    kind_file = folder / kind.files[0]
    if kind_file.exists():
        return json_of_kind(kind)(kind_file)
    for entry in folder.iterdir():
        if entry.name.startswith(".") and entry.name.endswith(".tmp"):
            continue
        if not entry.is_dir() or not any(json_of_kind(k)(entry / f) for k in ARTIFACT_KINDS for f in k.files):
            return False
    return True


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
    path = Path(sys.argv[0])
    started_as_module = path.name == "__main__.py" and path.parent.name == "cli" and path.parent.parent.name == "persona_probe"
    return "persona-probe" if started_as_module else path.name


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
