"""Neutral text: the yardstick for an intervention's side effects and for the steering unit.

* :func:`side_effects` compares next-token distributions on plain prose with and
  without each intervention: the mean KL divergence from the untouched model, and
  perplexity. A direction that "removes misalignment" by breaking the model shows up here.
* :func:`typical_residual_norms` is the median residual norm per layer over neutral
  tokens, with massive-activation positions (the attention sink) left out; steering's
  alpha is measured in these units, on the model being steered.

The built-in set (``builtin:neutral``) is 32 short passages of everyday prose
written for this toolkit. A user's own set is a JSONL file of ``{"text": ...}``
rows or a plain text file with passages separated by blank lines.
"""

from __future__ import annotations

import math
from contextlib import nullcontext
from pathlib import Path
from typing import Callable, ContextManager, Mapping, Sequence

import torch

from ..artifacts import read_jsonl
from ..builtin import builtin_path
from ..errors import DataError
from ..models.loading import LoadedModel
from ..residual import massive_positions, resid_post

BUILTIN_NEUTRAL = "builtin:neutral"


def load_neutral_texts(spec: str = BUILTIN_NEUTRAL) -> list[str]:
    if spec == BUILTIN_NEUTRAL:
        path = builtin_path("neutral", "passages.jsonl")
    else:
        path = Path(spec)
        if not path.is_file():
            raise DataError(f"{spec}: no such neutral-text file; give a JSONL of {{\"text\": ...}} rows, "
                            f"a text file, or {BUILTIN_NEUTRAL}")
    if path.suffix == ".jsonl":
        texts = []
        for line_no, row in read_jsonl(path, "neutral text"):
            if not isinstance(row.get("text"), str) or not row["text"].strip():
                raise DataError(f"{path}:{line_no}: each row needs a non-empty \"text\"")
            texts.append(row["text"])
    else:
        texts = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    if not texts:
        raise DataError(f"{path}: no passages in the neutral-text file")
    return texts


def token_batches(model: LoadedModel, texts: Sequence[str], batch_size: int, max_tokens: int):
    """Right-padded ``(ids, mask)`` batches of the texts, each cut to ``max_tokens``."""
    tok = model.tokenizer
    encoded = [tok(t)["input_ids"][:max_tokens] for t in texts]
    for start in range(0, len(encoded), batch_size):
        chunk = encoded[start:start + batch_size]
        longest = max(map(len, chunk))
        ids = torch.full((len(chunk), longest), tok.pad_token_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for i, row in enumerate(chunk):
            ids[i, :len(row)] = torch.tensor(row)
            mask[i, :len(row)] = 1
        yield ids.to(model.device), mask.to(model.device)


@torch.inference_mode()
def side_effects(model: LoadedModel, texts: Sequence[str],
                 conditions: Mapping[str, Callable[[], ContextManager | None]],
                 batch_size: int = 8, max_tokens: int = 256) -> dict[str, dict]:
    """Per condition: perplexity on ``texts``, mean/max per-token KL(untouched || condition), and
    the untouched model's perplexity for reference.

    ``conditions`` maps a name to a factory of the intervention's context manager
    (``None`` for the model as it is). The untouched model is the reference.
    """
    totals = {name: {"nll": 0.0, "kl": 0.0, "kl_max": 0.0} for name in conditions}
    ref_nll, n_tokens = 0.0, 0
    for ids, mask in token_batches(model, texts, batch_size, max_tokens):
        scored = mask[:, 1:].bool()  # logits at t predict token t + 1
        targets = ids[:, 1:, None]
        ref = torch.log_softmax(model.bridge(ids, attention_mask=mask)[:, :-1].float(), dim=-1)
        ref_nll -= float(ref.gather(-1, targets)[..., 0][scored].sum())
        n_tokens += int(scored.sum())
        for name, factory in conditions.items():
            with (factory() or nullcontext()):
                logp = torch.log_softmax(model.bridge(ids, attention_mask=mask)[:, :-1].float(), dim=-1)
            kl = (ref.exp() * (ref - logp)).sum(-1)[scored]
            t = totals[name]
            t["nll"] -= float(logp.gather(-1, targets)[..., 0][scored].sum())
            t["kl"] += float(kl.sum())
            t["kl_max"] = max(t["kl_max"], float(kl.max()))
    return {name: {"perplexity": math.exp(t["nll"] / n_tokens), "kl_mean": t["kl"] / n_tokens,
                   "kl_max": t["kl_max"], "n_tokens": n_tokens, "reference_perplexity": math.exp(ref_nll / n_tokens)}
            for name, t in totals.items()}


@torch.inference_mode()
def typical_residual_norms(model: LoadedModel, texts: Sequence[str], layers: Sequence[int],
                           massive_factor: float | None = 20.0, batch_size: int = 8,
                           max_tokens: int = 256) -> dict[int, float]:
    """Median ``hook_resid_post`` norm per layer over real, non-massive neutral tokens (all real ones with None)."""

    norms: dict[int, list[torch.Tensor]] = {layer: [] for layer in layers}
    for ids, mask in token_batches(model, texts, batch_size, max_tokens):
        def recorder(layer: int, real: torch.Tensor):
            def record(resid, hook):
                keep = real.to(resid.device)  # on its layer's device
                if massive_factor:
                    keep = keep & ~massive_positions(resid, massive_factor)
                norms[layer].append(resid.float().norm(dim=-1)[keep].cpu())
            return record
        hooks = [(resid_post(layer), recorder(layer, mask.bool())) for layer in layers]
        with model.bridge.hooks(fwd_hooks=hooks):
            model.bridge(ids, attention_mask=mask)
    return {layer: float(torch.cat(values).median()) for layer, values in norms.items()}


@torch.inference_mode()
def mean_projections(model: LoadedModel, texts: Sequence[str], unit: torch.Tensor, layer: int,
                     massive_factor: float | None = 20.0, batch_size: int = 8, max_tokens: int = 256) -> torch.Tensor:
    """Per text, the mean of ``hook_resid_post . unit`` at ``layer`` over its real, non-massive tokens.

    The persona_vectors monitoring signal: how far a model's activations on fixed neutral text sit
    along a direction (the attention sink is left out: its norm would swamp the mean)."""
    means = []
    for ids, mask in token_batches(model, texts, batch_size, max_tokens):
        seen = {}

        def record(resid, hook):
            seen["resid"] = resid.float()
        with model.bridge.hooks(fwd_hooks=[(resid_post(layer), record)]):
            model.bridge(ids, attention_mask=mask)
        resid = seen["resid"]
        keep = mask.bool().to(resid.device)
        if massive_factor:
            keep = keep & ~massive_positions(resid, massive_factor)
        projection = resid @ unit.to(resid.device, torch.float32)
        means.append((projection * keep).sum(-1).cpu() / keep.sum(-1).clamp(min=1).cpu())
    return torch.cat(means)
