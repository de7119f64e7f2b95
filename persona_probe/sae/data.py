"""Shuffled batches of one layer's activations, streamed from a store.

Shards are visited in a fresh random order each pass and memory-mapped, so only the mixing
buffer (two of about ``buffer_rows`` rows plus a shard, on the training device) is ever in
memory: a store larger than RAM trains fine.
Rows from the buffer are drawn at random; half the buffer is kept to mix with the next shard.
Massive-activation rows (a norm over ``massive_factor`` x the shard's median, e.g. the
attention-sink token in per-token stores) are left out, as the interventions leave them out.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
import torch

from ..activations.store import ActivationStore
from ..errors import StoreError
from ..residual import massive_positions


def activation_batches(store: ActivationStore, layer: int, batch_size: int, seed: int = 0,
                       buffer_rows: int = 65536, massive_factor: float | None = 20.0,
                       device: str | torch.device = "cpu") -> Iterator[torch.Tensor]:
    """Endless ``[batch_size, d_model]`` float32 batches of shuffled rows from ``store`` at ``layer``, on ``device``.

    The rows served are those of the plain algorithm: append each shard's rows (massive ones
    dropped) to the buffer; once it holds ``max(buffer_rows, 2 * batch_size)`` rows, permute it
    and serve batches from its end until half is left; at the end of a pass, permute and serve
    all whole batches. For speed, the buffer is never permuted or concatenated: rows are written
    once into one of two buffers allocated once and reused (a fresh large tensor costs page
    faults that cost more than the copy), massive rows are skipped by index, and each batch, a
    fresh tensor, is gathered by the permutation's indices; the rows kept for the next buffer
    are gathered into the spare one. On a GPU the buffers live there: each row crosses once and
    the gathers run on the GPU (the massive-row test stays on the CPU, so the rows are the same
    on any device).
    """
    if len(store) == 0:
        raise StoreError(f"{store.path}: the store has no rows to train on")
    slot = store.layer_slots([layer])[0]
    rng = np.random.default_rng(seed)
    threshold = max(buffer_rows, 2 * batch_size)
    device = torch.device(device)
    staging = torch.empty(0, store.d_model, device=device)  # rows in arrival order: the kept rows, then each shard's
    spare = torch.empty(0, store.d_model, device=device)
    filled = 0  # rows written to staging, massive ones included
    valid: list[torch.Tensor] = []  # staging positions of the rows that count, in order
    n_valid = served = 0

    def add_shard(k: int) -> None:
        nonlocal staging, filled, n_valid
        acts = store.shard(k)["acts"][:, slot]
        keep = torch.arange(filled, filled + len(acts))
        if massive_factor and len(acts) >= 2:  # drop_massive_rows's rule, on the float32 rows
            keep = keep[~massive_positions(acts.float()[None], massive_factor)[0]]
        if filled + len(acts) > len(staging):
            grown = torch.empty(max(filled + len(acts), threshold + len(acts)), store.d_model, device=device)
            grown[:filled] = staging[:filled]
            staging = grown
        staging[filled:filled + len(acts)].copy_(acts)  # to float32
        valid.append(keep)
        filled += len(acts)
        n_valid += len(keep)

    def permuted() -> torch.Tensor:
        """Staging positions of the buffer's rows, in their permuted order."""
        return torch.cat(valid)[torch.from_numpy(rng.permutation(n_valid))].to(device)

    def restart(kept: torch.Tensor) -> None:
        """The rows at staging positions ``kept`` start the next buffer: gathered into the spare
        buffer, which becomes the staging one."""
        nonlocal staging, spare, filled, valid, n_valid
        if len(spare) < len(kept):
            spare = torch.empty(max(len(kept), len(staging)), store.d_model, device=device)
        torch.index_select(staging, 0, kept, out=spare[:len(kept)])
        staging, spare = spare, staging
        filled = n_valid = len(kept)
        valid = [torch.arange(n_valid)]

    # Each batch is gathered straight from staging (a fresh tensor: one copy, never overwritten).
    while True:
        for shard in rng.permutation(store.n_shards):
            add_shard(int(shard))
            if n_valid < threshold:
                continue
            order = permuted()
            keep, end = len(order) // 2, len(order)
            while end - batch_size >= keep:
                served += batch_size
                yield staging.index_select(0, order[end - batch_size:end])
                end -= batch_size
            restart(order[:end])
        if served == 0 and n_valid == 0:
            raise StoreError(f"{store.path}: every row at layer {layer} is a massive-activation row; nothing to train on")
        # End of a pass over a small store: serve what is buffered, in random order.
        order = permuted()
        end = len(order)
        while end >= batch_size:
            served += batch_size
            yield staging.index_select(0, order[end - batch_size:end])
            end -= batch_size
        restart(order[:end])
