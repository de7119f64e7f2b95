"""Top-activating examples of SAE latents: where in real text each latent fires hardest.

For each chosen latent, :func:`top_activating` streams a per-token store once and keeps
the ``n`` strongest token positions (one per conversation, so a single long row cannot
fill the list), each with a window of surrounding tokens and the latent's activation on
every one of them: what the report draws as a feature card with token-level highlighting.
Massive-activation positions (the attention sink) are skipped, as in training.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import torch

from ..activations.store import ActivationStore
from ..artifacts import SAE_EXAMPLES
from ..errors import PersonaProbeError
from ..residual import massive_positions


@torch.no_grad()
def top_activating(sae, store: ActivationStore, layer: int, latents: Sequence[int], n: int = 10,
                   before: int = 16, after: int = 4, massive_factor: float | None = 20.0,
                   responses_only: bool = False) -> dict[int, list[dict]]:
    """Per latent: up to ``n`` contexts ``{row, id, position, activation, token_ids, activations, focus}``, strongest first.

    ``responses_only`` looks only at the final answers' tokens (e.g. for evaluation answers).
    """
    if store.pooling != "tokens":
        raise PersonaProbeError(f"{store.path} holds pooled activations ({store.pooling}); top examples need a "
                                "per-token store (persona-probe cache --pool tokens)")
    latents = list(latents)
    index = torch.tensor(latents)
    heaps: dict[int, list] = {latent: [] for latent in latents}
    meta = store.rows
    for row, tokens in store.iter_rows([layer]):
        acts = tokens.acts[:, 0].float()
        values = sae.encode(acts.to(sae.device)).cpu()[:, index]  # [tokens, chosen]
        usable = torch.ones(len(acts), dtype=torch.bool)
        if massive_factor and len(acts) > 1:
            usable &= ~massive_positions(acts[None], massive_factor)[0]
        if responses_only:
            start, end = tokens.response_start, tokens.response_end
            span = torch.zeros_like(usable)
            if start is not None:
                span[start:end] = True
            usable &= span
        values[~usable] = 0.0
        best, where = values.max(0)
        for j, latent in enumerate(latents):
            if best[j] <= 0:
                continue
            item = (float(best[j]), row, int(where[j]))
            heap = heaps[latent]
            if len(heap) < n:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
            # the window is cut later, from the row, only for the winners
    out = {}
    for j, latent in enumerate(latents):
        contexts = []
        for activation, row, position in sorted(heaps[latent], reverse=True):
            tokens = store.row_tokens(row, [layer])
            lo, hi = max(0, position - before), min(len(tokens.token_ids), position + after + 1)
            acts = tokens.acts[:, 0].float()
            window = sae.encode(acts[lo:hi].to(sae.device)).cpu()[:, latent]
            if massive_factor and len(acts) > 1:
                window[massive_positions(acts[None], massive_factor)[0][lo:hi]] = 0.0
            contexts.append({"row": row, "id": meta[row]["id"], "position": position, "activation": activation,
                             "token_ids": tokens.token_ids[lo:hi].tolist(),
                             "activations": [round(float(a), 5) for a in window], "focus": position - lo})
        out[latent] = contexts
    return out


def with_token_text(contexts: dict[int, list[dict]], tokenizer) -> dict[int, list[dict]]:
    """Add each context's tokens as text (one string per token)."""
    for items in contexts.values():
        for item in items:
            item["tokens"] = [tokenizer.decode([t]) for t in item["token_ids"]]
    return contexts


def sae_examples(sae_dir: str, stores: Sequence[str], out: str, latents: Sequence[int] | None = None,
                     from_file: str | None = None, top: int = 10, n: int = 10, layer: int | None = None,
                     responses_only: bool = False) -> dict:
    """Top examples of the chosen latents (given, or the top ``top`` of a diff.json / attribution.json) in each store."""
    import json

    from ..artifacts import atomic_write_json, provenance
    from ..models.loading import load_tokenizer
    from .io import load_sae, sae_layer

    if (latents is None) == (from_file is None):
        raise PersonaProbeError("give the latents: --latents 12,40 or --from FILE (a diff.json or attribution.json)")
    if from_file is not None:
        ranking = json.loads(Path(from_file).read_text()).get("latents")
        if not ranking:
            raise PersonaProbeError(f"{from_file}: no ranked latents in it; give a diff.json or attribution.json")
        latents = [entry["latent"] for entry in ranking[:top]]
    sae = load_sae(sae_dir)
    layer = sae_layer(sae, layer)
    result = {"kind": SAE_EXAMPLES.name, "sae": str(sae_dir), "layer": layer, "latents": list(latents),
              "ranking": str(from_file) if from_file else None, "responses_only": responses_only, "stores": {}}
    for path in stores:
        store = ActivationStore(path)
        if layer not in store.layers:
            raise PersonaProbeError(f"{path} has no layer {layer}; it holds {store.layers}")
        tokenizer = load_tokenizer(store.cfg["model"]["spec"])
        contexts = with_token_text(top_activating(sae, store, layer, latents, n, responses_only=responses_only),
                                   tokenizer)
        result["stores"][str(path)] = {"model": store.cfg.get("model"), "data": store.cfg.get("data"),
                                       "examples": {str(k): v for k, v in contexts.items()}}
    result["provenance"] = provenance()
    Path(out).mkdir(parents=True, exist_ok=True)
    atomic_write_json(Path(out) / "examples.json", result)
    return result


@dataclass(frozen=True, kw_only=True)
class SAEExamplesConfig:
    """Top-activating token contexts of latents, per store.

    For each chosen latent, the strongest token positions in each per-token store (one per conversation), with a window of tokens and the latent's activation on each. Writes OUT/examples.json."""

    sae: str
    """An SAE: a folder (ours or SAELens's), or a SAELens release as RELEASE/SAE_ID (fetched once, then cached)."""
    store: tuple[str, ...] = field(metadata={"repeat": True})
    """A per-token store (repeat for several, e.g. a corpus and evaluation answers)."""
    latents: str | None = field(default=None, metadata={"exclusive": "latents"})
    """Latents, e.g. 12,40."""
    from_file: str | None = field(default=None, metadata={"exclusive": "latents", "flag": "--from"})
    """The top latents of a diff.json (sae diff) or attribution.json (sae attribute)."""
    top: int = 10
    """With --from: how many latents."""
    n: int = 10
    """Contexts per latent and store."""
    responses_only: bool = False
    """Look only at the final answers' tokens (for stores of evaluation answers)."""
    layer: int | None = None
    """The residual layer the SAE reads, only for an SAE whose hook_name names none (resid_post L, or resid_pre L+1, is read from it)."""
    out: str
    """Output folder: examples.json."""


def run_sae_examples(cfg: SAEExamplesConfig, progress: bool = True) -> dict:
    latents = None
    if cfg.latents:
        try:
            latents = [int(x) for x in cfg.latents.split(",")]
        except ValueError:
            raise PersonaProbeError(f"--latents {cfg.latents!r} is not a comma-separated list of latents, e.g. 12,40") from None
    return sae_examples(cfg.sae, cfg.store, cfg.out, latents, cfg.from_file, cfg.top, cfg.n, cfg.layer,
                        cfg.responses_only)
