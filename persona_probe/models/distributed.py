"""Data parallelism on ``torch.distributed``, for ``cache`` and ``generate``.

Start the ordinary command under ``torchrun --nproc-per-node N`` (or ``accelerate
launch``, or a multi-node ``torchrun``): the launcher sets ``RANK``, ``WORLD_SIZE``
and ``LOCAL_RANK``, and :func:`from_environment` joins the process group. Every rank
plans the same work from the same inputs, takes a disjoint, deterministic share of it,
and writes its own files; rank 0 merges them once all ranks are done. The work plan
never depends on the number of ranks, which is why the merged output equals a
single-process run and why a rerun (with any number of ranks, or none) resumes it.

Output folders must be on a filesystem every rank sees (one node, or a shared mount).
"""

from __future__ import annotations

import datetime
import json
import logging
import os
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

import torch

from ..errors import PersonaProbeError

log = logging.getLogger(__name__)
T = TypeVar("T")


class DistributedError(PersonaProbeError):
    """Another rank failed, or the ranks cannot share their files."""


@dataclass(frozen=True)
class World:
    """This process's place among the data-parallel ranks (rank 0 of 1 when not launched)."""

    rank: int = 0
    """Global rank, 0 to size - 1."""
    size: int = 1
    """Number of ranks over all nodes."""
    local_rank: int = 0
    """Rank on this node: which GPU it drives."""

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def active(self) -> bool:
        return self.size > 1

    @property
    def label(self) -> str:
        return f"rank {self.rank}/{self.size}" if self.active else ""

    def barrier(self) -> None:
        if self.active:
            torch.distributed.barrier()

    def on_main(self, work: Callable[[], T]) -> T | None:
        """Run ``work`` on rank 0 while the others wait; an error there stops every rank."""
        result, error = None, None
        if self.is_main:
            try:
                result = work()
            except PersonaProbeError as err:
                error = str(err)
        error = self.broadcast(error)
        if error is not None:
            if self.is_main:
                raise PersonaProbeError(error)
            raise DistributedError(f"rank 0 stopped: {error}")
        return result

    def broadcast(self, value: T) -> T:
        """Rank 0's ``value`` (anything JSON can hold) on every rank.

        Sent as JSON bytes rather than with ``broadcast_object_list``, which pickles.
        """
        if not self.active:
            return value
        payload = json.dumps(value).encode() if self.is_main else b""
        size = torch.tensor([len(payload)], dtype=torch.int64, device=_wire())
        torch.distributed.broadcast(size, src=0)
        buffer = torch.zeros(int(size), dtype=torch.uint8, device=_wire())
        if self.is_main:
            buffer.copy_(torch.frombuffer(bytearray(payload), dtype=torch.uint8))
        torch.distributed.broadcast(buffer, src=0)
        return json.loads(buffer.cpu().numpy().tobytes().decode())


def _wire() -> torch.device:
    """Where collective tensors must live: nccl only moves CUDA tensors."""
    if torch.distributed.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def launched_ranks() -> int:
    """``WORLD_SIZE`` as set by torchrun / accelerate launch; 1 when started plainly."""
    try:
        return int(os.environ.get("WORLD_SIZE", "1"))
    except ValueError:
        raise PersonaProbeError(f"WORLD_SIZE={os.environ['WORLD_SIZE']!r} is not a number") from None


def from_environment(device: str = "auto", device_map: str | None = None) -> tuple[World, str]:
    """Join the process group the launcher describes, and pick this rank's device.

    Returns the world and the device to load on: ``cuda:LOCAL_RANK`` when ``device`` is
    auto or cuda and GPUs are present, else the device as given. gloo serves CPU ranks
    and nccl GPU ranks. A ``device_map`` (one model over all GPUs) is refused under a launcher.
    """
    size = launched_ranks()
    if size <= 1:
        return World(), device
    if device_map:
        raise PersonaProbeError("--device-map splits one model over the GPUs, and torchrun gives each rank a GPU; "
                                "use one or the other")
    world = World(int(os.environ["RANK"]), size, int(os.environ.get("LOCAL_RANK", "0")))
    use_cuda = torch.cuda.is_available() and device in ("auto", "cuda")
    if use_cuda:
        device = f"cuda:{world.local_rank}"
        torch.cuda.set_device(world.local_rank)
    elif device == "auto":
        device = "cpu"
    if not torch.distributed.is_initialized():
        backend = "nccl" if device.startswith("cuda") else "gloo"
        # Rank 0 may spend a while hashing or converting weights before the first barrier.
        torch.distributed.init_process_group(backend, timeout=datetime.timedelta(hours=2))
    log.info("data-parallel %s on %s", world.label, device)
    return world, device


def launched_rank() -> int:
    """``RANK`` as set by the launcher; 0 when started plainly."""
    return int(os.environ.get("RANK", "0") or 0)


def shutdown_process_group(finished: bool = True) -> None:
    """Leave the process group, if this process joined one (torch warns otherwise).

    After a finished run every rank first meets at a barrier: a rank that tears its
    connections down while a peer's last collective is still completing can make that
    peer's gloo threads abort the process (seen once, as SIGABRT, at the end of a 2-rank
    generate). After an error there is no barrier, because the other ranks may never come.
    """
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        if finished:
            torch.distributed.barrier()
        torch.distributed.destroy_process_group()


def share(costs: Sequence[float], world: World) -> list[int]:
    """The indices of ``costs`` this rank takes: largest first to the least-loaded rank.

    Deterministic (ties go to the lower index and the lower rank), so every rank
    computes the same split without talking.
    """
    loads = [0.0] * world.size
    mine = []
    for index in sorted(range(len(costs)), key=lambda i: (-costs[i], i)):
        rank = min(range(world.size), key=lambda r: (loads[r], r))
        loads[rank] += costs[index]
        if rank == world.rank:
            mine.append(index)
    return sorted(mine)
