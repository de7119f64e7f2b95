"""Training checkpoints as one folder of tensors (safetensors) and JSON: no pickles, nothing executes on load.

A save writes a staging folder and then swaps it in, so an interrupted save leaves the previous
checkpoint whole. ``info["run"]`` identifies the run; a checkpoint of another run is refused.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

from .artifacts import atomic_write_json
from .errors import PersonaProbeError

STATE_FILE = "state.safetensors"
INFO_FILE = "trainer.json"


def save_checkpoint(folder: Path, tensors: dict[str, torch.Tensor], info: dict) -> None:
    """Replace ``folder`` with these tensors and this JSON (which must hold ``run``)."""
    from safetensors.torch import save_file

    folder = Path(folder)
    staging = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    save_file({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, str(staging / STATE_FILE))
    atomic_write_json(staging / INFO_FILE, info)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)


def load_checkpoint(folder: Path, run_key, device: str = "cpu") -> tuple[dict[str, torch.Tensor], dict] | None:
    """The tensors and JSON of ``folder`` if it is a checkpoint of ``run_key``; None without one."""
    from safetensors.torch import load_file

    info_path = Path(folder) / INFO_FILE
    if not info_path.is_file():
        return None
    info = json.loads(info_path.read_text())
    if info.get("run") != run_key:
        raise PersonaProbeError(f"{folder} is a checkpoint of a run with other settings, data or model; "
                                "delete it or rerun with the settings it was made with")
    return load_file(str(Path(folder) / STATE_FILE), device=device), info
