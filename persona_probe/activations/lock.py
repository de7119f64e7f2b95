"""Who may write a store: the exclusive writer's lock, and what an output folder already holds.

A cache run takes ``OUT/.lock`` (its pid, host and start time) before it deletes or writes
anything, so a second run on the same store stops with the holder's name instead of removing
the first run's temporaries. ``folder_state`` says whether a folder is a store of ours, a
store a kill left half-made, or someone else's (which is never changed).
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

from ..artifacts import ACTIVATION_STORE
from ..errors import StoreError

LOCK_FILE = ".lock"


def folder_state(path: Path) -> str:
    """What ``--out`` holds: ``new`` (absent or empty), ``ours`` (cfg.json says activation_store),
    ``half-made`` (only what creating a store writes before its cfg.json: a kill in that window),
    ``unreadable`` (a cfg.json that is not JSON: ours or not, it cannot tell), or ``foreign``
    (anything else). Only the first three are ever changed."""
    if not path.exists():
        return "new"
    if not path.is_dir():
        return "foreign"
    cfg_path = path / "cfg.json"
    if cfg_path.exists():
        try:
            cfg = json.loads(cfg_path.read_text())
        except (OSError, ValueError):
            return "unreadable"
        return "ours" if isinstance(cfg, dict) and cfg.get("kind") == ACTIVATION_STORE.name else "foreign"
    leftovers = {"rows.jsonl", "manifest.json", "shards", LOCK_FILE}
    for entry in path.iterdir():
        if entry.name.startswith(".") and entry.name.endswith(".tmp"):
            continue
        if entry.name not in leftovers:
            return "foreign"
        if entry.name == "shards" and (not entry.is_dir() or any(not f.name.endswith(".tmp") for f in entry.iterdir())):
            return "foreign"
    return "half-made" if any(path.iterdir()) else "new"


class StoreLock:
    """An exclusive lock on a store for one writer: ``.lock`` holds the holder's pid, host and start time.

    A second writer is refused with the holder's name. A lock whose process is gone (same
    host, pid no longer running) is stale and taken over.
    """

    def __init__(self, folder: Path):
        self.path = folder / LOCK_FILE
        self.owned = False
        folder.mkdir(parents=True, exist_ok=True)
        me = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self._holder()
                if holder is None and time.time() - self._mtime() < 30:
                    holder = {"pid": "?", "host": "?", "started": "a few seconds ago"}  # being written just now
                if holder is not None and not self._gone(holder):
                    raise StoreError(
                        f"{folder} is being written by pid {holder.get('pid')} on {holder.get('host')} (since "
                        f"{holder.get('started')}); wait for that run to finish, or delete {self.path} if it is "
                        "no longer running") from None
                self.path.unlink(missing_ok=True)  # stale: its writer is gone
                continue
            with os.fdopen(fd, "w") as f:
                json.dump(me, f)
            self.owned = True
            return
        raise StoreError(f"{self.path}: could not take the store's lock; delete it if no cache run is writing here")

    def _holder(self) -> dict | None:
        try:
            holder = json.loads(self.path.read_text())
            return holder if isinstance(holder, dict) else None
        except (OSError, ValueError):
            return None

    def _mtime(self) -> float:
        try:
            return self.path.stat().st_mtime
        except OSError:
            return 0.0

    @staticmethod
    def _gone(holder: dict) -> bool:
        if holder.get("host") != socket.gethostname():
            return False  # another machine's process: it cannot be checked from here
        try:
            os.kill(int(holder.get("pid")), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, TypeError, ValueError):
            return False
        return False

    def release(self) -> None:
        if self.owned:
            self.path.unlink(missing_ok=True)
            self.owned = False
