"""Log-probabilities under a model, shared by the MC score and the judges."""

from __future__ import annotations

from typing import Iterator, Sequence

import numpy as np
import torch

from ..datasets.conversations import Conversation
from ..datasets.rendering import RenderedConversation, render_conversation, right_pad
from ..models.loading import LoadedModel
from ..residual import response_boundary


def token_logprobs(logits: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """``[batch, pos - 1]`` log-probability of each next token: entry ``t`` scores token ``t + 1``."""
    return torch.log_softmax(logits[:, :-1].float(), dim=-1).gather(-1, ids[:, 1:, None])[..., 0]


@torch.inference_mode()
def answer_mean_logprobs(model: LoadedModel, convs: Sequence[Conversation], batch_size: int = 16) -> np.ndarray:
    """Each conversation's final answer: its mean per-token log-probability under ``model``.

    An empty answer scores -10 (far below any fluent text). Rows are batched by
    length to keep padding small; the result is in input order.
    """
    tok = model.tokenizer
    rendered = [render_conversation(c, tok) for c in convs]
    order = sorted(range(len(rendered)), key=lambda i: rendered[i].n_tokens)
    out = np.full(len(rendered), -10.0)
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        chunk = [rendered[i] for i in idx]
        answered = [r for r in chunk if r.response_start is not None]
        if not answered:
            continue
        ids, mask = right_pad(chunk, tok.pad_token_id)
        ids = ids.to(model.device)
        starts = torch.tensor([r.response_start if r.response_start is not None else r.n_tokens for r in chunk])
        # Only the logits that predict answer tokens are needed: asking for just that span skips
        # the unembedding (a fifth of the model's compute) and the softmax over the prompts.
        first = min(r.response_start for r in answered) - 1
        end = max(r.response_end for r in answered)
        with response_boundary(starts):
            logits = _logits_over(model, ids, mask.to(model.device), first, end)
        logprobs = token_logprobs(logits, ids[:, first:end])  # entry t - first scores token t + 1
        for j, (row, r) in enumerate(zip(idx, chunk)):
            if r.response_start is not None:
                out[row] = float(logprobs[j, r.response_start - 1 - first:r.response_end - 1 - first].mean())
    return out


def _logits_over(model: LoadedModel, ids: torch.Tensor, mask: torch.Tensor, first: int, end: int) -> torch.Tensor:
    """``[batch, end - first, vocab]`` logits at positions ``first .. end - 1``.

    transformers' causal LMs compute only the positions named by ``logits_to_keep``; a model
    whose forward ignores it returns every position, which is sliced here instead.
    """
    logits = model.bridge(ids, attention_mask=mask, logits_to_keep=torch.arange(first, end, device=ids.device))
    if logits.shape[1] == ids.shape[1]:
        return logits[:, first:end]
    if logits.shape[1] != end - first:
        raise RuntimeError(f"the model returned logits for {logits.shape[1]} positions; asked for {end - first}")
    return logits


@torch.inference_mode()
def next_token_logprobs(model: LoadedModel, rendered: Sequence[RenderedConversation],
                        batch_size: int = 16) -> Iterator[torch.Tensor]:
    """Per batch of ``rendered`` (in order), ``[batch, vocab]`` log-probabilities of the token
    that follows each conversation's last prompt token."""
    tok = model.tokenizer
    for start in range(0, len(rendered), batch_size):
        chunk = rendered[start:start + batch_size]
        ids, mask = right_pad(chunk, tok.pad_token_id)
        logits = model.bridge(ids.to(model.device), attention_mask=mask.to(model.device))
        rows = torch.arange(len(chunk), device=logits.device)
        last = torch.tensor([r.last_prompt for r in chunk], device=logits.device)
        yield torch.log_softmax(logits[rows, last].float(), dim=-1)
