"""Shuffled batches of one layer's activations, streamed from a store.

Shards are visited in a fresh random order each pass and memory-mapped, so only a mixing
buffer of ``buffer_rows`` rows is ever in memory: a store larger than RAM trains fine.
Rows from the buffer are drawn at random; half the buffer is kept to mix with the next shard.
Massive-activation rows (a norm over ``massive_factor`` x the shard's median, e.g. the
attention-sink token in per-token stores) are left out, as the interventions leave them out.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import torch

from ..errors import StoreError
from ..interventions import drop_massive_rows
from ..store import ActivationStore


def layer_rows(store: ActivationStore, shard: int, slot: int, massive_factor: float | None) -> torch.Tensor:
    """One shard's rows at one layer slot, float32, with massive-activation rows dropped."""
    return drop_massive_rows(store.shard(shard)["acts"][:, slot].float(), massive_factor)


def activation_batches(store: ActivationStore, layer: int, batch_size: int, seed: int = 0,
                       buffer_rows: int = 65536, massive_factor: float | None = 20.0) -> Iterator[torch.Tensor]:
    """Endless ``[batch_size, d_model]`` batches of shuffled rows from ``store`` at ``layer``."""
    if len(store) == 0:
        raise StoreError(f"{store.path}: the store has no rows to train on")
    slot = store.layer_slots([layer])[0]
    rng = np.random.default_rng(seed)
    buffer = torch.empty(0, store.d_model)
    served = 0
    while True:
        for shard in rng.permutation(store.n_shards):
            buffer = torch.cat([buffer, layer_rows(store, int(shard), slot, massive_factor)])
            if len(buffer) < max(buffer_rows, 2 * batch_size):
                continue
            buffer = buffer[torch.from_numpy(rng.permutation(len(buffer)))]
            keep = len(buffer) // 2
            while len(buffer) - batch_size >= keep:
                served += batch_size
                yield buffer[-batch_size:]
                buffer = buffer[:-batch_size]
        if served == 0 and len(buffer) == 0:
            raise StoreError(f"{store.path}: every row at layer {layer} is a massive-activation row; nothing to train on")
        # End of a pass over a small store: serve what is buffered, in random order.
        buffer = buffer[torch.from_numpy(rng.permutation(len(buffer)))]
        while len(buffer) >= batch_size:
            served += batch_size
            yield buffer[-batch_size:]
            buffer = buffer[:-batch_size]
