"""Render conversations, plan length-grouped batches, and capture pooled activations.

Capture hooks ``blocks.{i}.hook_resid_post`` and pools on the model's device,
so only ``[batch, layers, d_model]`` (or the real tokens) leave it. After the
last requested layer the forward pass stops: the final norm and unembedding
are never needed for the residual stream.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Sequence

import torch
from jaxtyping import Float, Int

from .data import Conversation
from .errors import DataError, ModelSpecError
from .hooks import resid_post

POOLINGS = ("response-mean", "last-prompt", "tokens")


@dataclass(frozen=True)
class RenderedConversation:
    """A conversation as the model sees it."""

    text: str
    """The exact text the chat template produced (system prompts it adds included)."""
    input_ids: tuple[int, ...]
    """Its tokens."""
    last_prompt: int
    """Index of the last token before the response (the generation-prompt's end)."""
    response_start: int | None
    """First token of the final assistant message's content, or None without one."""
    response_end: int | None
    """One past its last token."""

    @property
    def n_tokens(self) -> int:
        return len(self.input_ids)


def render_conversation(conv: Conversation, tokenizer) -> RenderedConversation:
    """Apply the chat template and find the response tokens by character offsets.

    A plain-text row is tokenized as it is (with the tokenizer's own special tokens, e.g. BOS).
    """
    if conv.is_text:
        text = conv.messages[0].content
        ids = tokenizer(text)["input_ids"]
        if not ids:
            raise DataError(f"{conv.source or conv.id}: the text renders to no tokens")
        return RenderedConversation(text, tuple(ids), len(ids) - 1, None, None)
    messages = conv.as_dicts()
    try:
        if conv.has_response:
            prompt = tokenizer.apply_chat_template(messages[:-1], tokenize=False, add_generation_prompt=True)
            text = tokenizer.apply_chat_template(messages, tokenize=False)
        else:
            prompt = text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    except Exception as err:  # jinja raises its own errors for templates that reject a role order
        raise DataError(f"{conv.source or conv.id}: the chat template cannot render this conversation: {err}") from None
    if not text.startswith(prompt):
        raise ModelSpecError(
            f"{conv.source or conv.id}: the chat template renders the prompt differently once the "
            "answer is added, so response tokens cannot be located; pass --chat-template with a plain template"
        )
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = encoding["input_ids"], encoding["offset_mapping"]
    if not ids:
        raise DataError(f"{conv.source or conv.id}: the conversation renders to no tokens")
    prompt_tokens = [i for i, (start, _) in enumerate(offsets) if start < len(prompt)]
    last_prompt = prompt_tokens[-1] if prompt_tokens else 0
    start = end = None
    if conv.has_response:
        content = conv.messages[-1].content
        begin = text.find(content, len(prompt)) if content else -1
        if begin >= 0:
            finish = begin + len(content)
            inside = [i for i, (s, e) in enumerate(offsets) if s < finish and e > begin]
            if inside:
                start, end = inside[0], inside[-1] + 1
    return RenderedConversation(text, tuple(ids), last_prompt, start, end)


def rendered_sha256(rendered: Sequence[RenderedConversation]) -> str:
    """One hash over every rendered text and its tokens: the data the model saw."""
    digest = hashlib.sha256()
    for r in rendered:
        digest.update(r.text.encode("utf-8"))
        digest.update(b"\x00" + ",".join(map(str, r.input_ids)).encode() + b"\n")
    return digest.hexdigest()


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


def right_pad(rendered: Sequence[RenderedConversation], pad_token_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids padded on the right, and the attention mask. Causal attention means
    right padding never changes the real tokens' activations."""
    longest = max(r.n_tokens for r in rendered)
    ids = torch.full((len(rendered), longest), pad_token_id, dtype=torch.long)
    mask = torch.zeros((len(rendered), longest), dtype=torch.long)
    for b, r in enumerate(rendered):
        ids[b, : r.n_tokens] = torch.tensor(r.input_ids)
        mask[b, : r.n_tokens] = 1
    return ids, mask


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
