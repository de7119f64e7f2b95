"""Plan length-grouped batches and capture pooled activations (conversations are rendered by
:mod:`persona_probe.datasets.rendering`).

Capture hooks ``blocks.{i}.hook_resid_post`` and pools on the model's device,
so only ``[batch, layers, d_model]`` (or the real tokens) leave it. After the
last requested layer the forward pass stops: the final norm and unembedding
are never needed for the residual stream.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Sequence

import torch
from jaxtyping import Float, Int

from ..datasets.rendering import RenderedConversation, right_pad
from ..residual import resid_post

POOLINGS = ("response-mean", "last-prompt", "tokens")


def plan_batches(lengths: Sequence[int], batch_tokens: int, max_batch_size: int) -> list[list[int]]:
    """Group rows of similar length so padding stays small.

    Rows are sorted longest first (ties by row), then packed while
    ``rows * longest <= batch_tokens``. The plan depends only on its inputs, so
    a resumed run recomputes exactly the same batches.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    batches: list[list[int]] = []
    for row in order:
        if batches:
            batch = batches[-1]
            longest = lengths[batch[0]]
            if len(batch) < max_batch_size and (len(batch) + 1) * longest <= batch_tokens:
                batch.append(row)
                continue
        batches.append([row])
    return batches


def plan_shards(batches: list[list[int]], row_bytes: Sequence[int], shard_rows: int,
                shard_bytes: int) -> list[list[list[int]]]:
    """Cut the batch list into shards at batch boundaries, closing a shard once it
    holds ``shard_rows`` rows or ``shard_bytes`` bytes of activations. Memory while
    caching is bounded by one shard, however much data there is."""
    shards: list[list[list[int]]] = []
    current: list[list[int]] = []
    rows = size = 0
    for batch in batches:
        current.append(batch)
        rows += len(batch)
        size += sum(row_bytes[i] for i in batch)
        if rows >= shard_rows or size >= shard_bytes:
            shards.append(current)
            current, rows, size = [], 0, 0
    if current:
        shards.append(current)
    return shards


@dataclass(frozen=True)
class CapturedBatch:
    """Activations for one batch, on the CPU."""

    acts: Float[torch.Tensor, "rows_or_tokens layers d_model"]
    """Pooled: one row per conversation. Tokens: every real token, row after row."""
    n_tokens: Int[torch.Tensor, " rows"]
    """Tokens per conversation (the per-token layout's row lengths)."""


class _StopForward(Exception):
    """Raised after the last hooked layer; nothing downstream is needed."""


class ActivationCapture:
    """Runs batches through a bridge and pools ``hook_resid_post`` at chosen layers."""

    def __init__(self, bridge, layers: Sequence[int], pooling: str, pad_token_id: int,
                 out_dtype: torch.dtype = torch.float32, early_exit: bool = True):
        if pooling not in POOLINGS:
            raise ValueError(f"pooling {pooling!r} is not one of {POOLINGS}")
        self.bridge = bridge
        self.layers = list(layers)
        self.pooling = pooling
        self.pad_token_id = pad_token_id
        self.out_dtype = out_dtype
        self.early_exit = early_exit

    @property
    def device(self) -> torch.device:
        """Where the token ids go in: the embedding's device (the first of several when split)."""
        return self.bridge.original_model.get_input_embeddings().weight.device

    def collate(self, rendered: Sequence[RenderedConversation]):
        """Right-padded ids, the attention mask, and per-row pooling weights."""
        ids, mask = right_pad(rendered, self.pad_token_id)
        weights = torch.zeros(ids.shape, dtype=torch.float32)
        for b, r in enumerate(rendered):
            if self.pooling == "response-mean":
                weights[b, r.response_start : r.response_end] = 1.0 / (r.response_end - r.response_start)
            elif self.pooling == "last-prompt":
                weights[b, r.last_prompt] = 1.0
        return ids, mask, weights

    @torch.inference_mode()
    def run(self, rendered: Sequence[RenderedConversation]) -> CapturedBatch:
        device = self.device
        ids, mask, weights = (t.to(device, non_blocking=True) for t in self.collate(rendered))
        tokens = self.pooling == "tokens"
        n_out = int(mask.sum()) if tokens else len(rendered)
        out = torch.empty((n_out, len(self.layers), self.bridge.cfg.d_model), dtype=torch.float32, device=device)
        real = mask.bool()
        last_layer = max(self.layers)
        # A model split over GPUs (--device-map) runs each layer on its own device: pool there.
        on_device = functools.cache(lambda d: (real.to(d), weights.unsqueeze(1).to(d)))

        def make_hook(slot: int, layer: int):
            def hook(resid: torch.Tensor, hook) -> torch.Tensor:
                here, w = on_device(resid.device)
                if tokens:
                    out[:, slot] = resid[here].float()
                else:
                    out[:, slot] = torch.bmm(w, resid.float()).squeeze(1)
                if self.early_exit and layer == last_layer:
                    raise _StopForward
                return resid
            return hook

        fwd_hooks = [(resid_post(layer), make_hook(slot, layer)) for slot, layer in enumerate(self.layers)]
        with self.bridge.hooks(fwd_hooks=fwd_hooks):
            try:
                self.bridge(ids, attention_mask=mask, return_type=None)
            except _StopForward:
                pass
        return CapturedBatch(out.to(self.out_dtype).cpu(), mask.sum(1).cpu())

    @torch.inference_mode()
    def bare_forward(self, rendered: Sequence[RenderedConversation]) -> None:
        """The baseline: the same batch through the bridge with no hooks."""
        ids, mask, _ = (t.to(self.device) for t in self.collate(rendered))
        logits = self.bridge(ids, attention_mask=mask)
        if logits.is_cuda:
            torch.cuda.synchronize()
