"""Which SAE latents drive a behaviour score: activation x gradient through the SAE splice.

With the SAE spliced in at layer L (:class:`.splice.SAESplice` with ``keep_error``: the
forward pass is exactly the model's), a latent's attribution to a score S at one position
is ``f_i * dS/df_i``, the first-order change in S if that latent were switched off there.
Summed over positions it is the latent's attribution on that example.

Scores (each a sum of signed conversation scores; a conversation's score is the mean
log-probability of its final answer's tokens):

* ``mc``: the MC persona score's log-odds per item, ``lp(misaligned answer) - lp(aligned answer)``
  (the likelihood method of :mod:`persona_probe.evaluation.mc`): two conversations, signs +1 and -1.
* ``answers``: the log-probability of each given answer (e.g. the judged-misaligned ones).

Positive attribution means the latent pushes the score up (toward the misaligned answer).
Only the positions where a latent fires carry attribution, so each conversation's
per-token values are kept sparsely and the report can highlight them over the text.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import torch

from ..artifacts import SAE_ATTRIBUTION
from ..datasets.conversations import Conversation
from ..datasets.rendering import render_conversation
from ..errors import PersonaProbeError
from ..models.settings import DeviceSettings
from ..residual import massive_threshold
from ..sampling.scoring import token_logprobs
from .splice import SAESplice


@dataclass(frozen=True)
class ConversationAttribution:
    id: str
    """The conversation (for MC items: ``ITEM/misaligned`` or ``ITEM/aligned``)."""
    example: str
    """The example it counts toward (the MC item, or the answer's own id)."""
    sign: float
    """+1 or -1: how its score enters the example's score."""
    score: float
    """Mean log-probability of the final answer's tokens."""
    token_ids: list[int]
    """Every token of the rendered conversation."""
    response: tuple[int, int]
    """The answer's token span ``[start, end)``."""
    total: torch.Tensor
    """``[d_sae]``: each latent's attribution summed over positions, times ``sign``."""
    positions: torch.Tensor
    """Sparse per-token values: token position of each entry..."""
    latents: torch.Tensor
    """... its latent ..."""
    activations: torch.Tensor
    """... the latent's activation there ..."""
    attributions: torch.Tensor
    """... and its attribution there (times ``sign``)."""


@contextmanager
def _frozen(module) -> Iterator[None]:
    """No parameter gradients: only the latents' are needed."""
    flags = [(p, p.requires_grad) for p in module.parameters()]
    for p, _ in flags:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)


def attribute_conversation(model, sae, layer: int, conv: Conversation, sign: float = 1.0, example: str | None = None,
                           massive_factor: float | None = 20.0) -> ConversationAttribution:
    """Attribution of every latent to ``conv``'s answer log-probability (times ``sign``)."""
    rendered = render_conversation(conv, model.tokenizer)
    if rendered.response_start is None:
        raise ValueError(f"{conv.source or conv.id}: no answer tokens to score")
    ids = torch.tensor([rendered.input_ids], device=model.device)
    splice = SAESplice(model.bridge, sae, layer, massive_factor, keep_error=True)
    with _frozen(model.bridge), torch.enable_grad(), splice:
        logprobs = token_logprobs(model.bridge(ids), ids)[0]
        start, end = rendered.response_start, rendered.response_end
        score = logprobs[start - 1:end - 1].mean()  # logprobs[t] scores token t + 1
        score.backward()
    latents = splice.latents[0]
    per_token = (latents * latents.grad)[0].detach().float().cpu() * sign  # [pos, d_sae]
    acts = latents[0].detach().float().cpu()
    acts[splice.massive[0][0].cpu()] = 0.0  # the splice kept the model's own residual there: no latent acted
    position, latent = torch.nonzero(acts > 0, as_tuple=True)
    return ConversationAttribution(
        conv.id, example or conv.id, sign, float(score.detach()), list(rendered.input_ids), (start, end), per_token.sum(0),
        position, latent, acts[position, latent], per_token[position, latent])


def mc_conversations_for_attribution(items) -> list[tuple[Conversation, float, str]]:
    """Each MC item's two conversations (question + misaligned / aligned answer) with signs +1 / -1."""
    from ..evaluation.mc import answer_conversations

    return [(conv, 1.0 if conv.id.endswith("/misaligned") else -1.0, conv.group)
            for conv in answer_conversations(items)]


def aggregate(records: Sequence[ConversationAttribution], top: int = 20, n_boot: int = 1000, seed: int = 0) -> dict:
    """Per example: summed attributions; latents ranked by their mean over examples, with bootstrap CIs."""
    from .diff import bootstrap_mean_ci

    examples: dict[str, torch.Tensor] = {}
    scores: dict[str, float] = {}
    for r in records:
        examples[r.example] = examples.get(r.example, 0) + r.total
        scores[r.example] = scores.get(r.example, 0.0) + r.sign * r.score
    names = list(examples)
    per_example = torch.stack([examples[n] for n in names])  # [examples, d_sae]
    mean = per_example.mean(0)
    order = torch.argsort(mean, descending=True)[:top]
    low, high = bootstrap_mean_ci(per_example[:, order], n_boot, seed)
    ranked = []
    for rank, latent in enumerate(order.tolist()):
        column = per_example[:, latent]
        best = torch.argsort(column, descending=True)[:5]
        ranked.append({"rank": rank + 1, "latent": latent, "mean_attribution": float(mean[latent]),
                       "ci95": [float(low[rank]), float(high[rank])],
                       "share_positive": float((column > 0).float().mean()),
                       "top_examples": [{"example": names[i], "attribution": float(column[i])} for i in best.tolist()]})
    return {"n_examples": len(names), "mean_score": sum(scores.values()) / len(scores), "latents": ranked,
            "most_negative": [{"latent": int(k), "mean_attribution": float(mean[k])}
                              for k in torch.argsort(mean)[:top].tolist()]}


def token_attributions(record: ConversationAttribution, latent: int, tokenizer) -> dict:
    """One conversation's tokens with one latent's per-token activation and attribution (zeros where it is off)."""
    n = len(record.token_ids)
    acts, attrs = torch.zeros(n), torch.zeros(n)
    mask = record.latents == latent
    acts[record.positions[mask]] = record.activations[mask]
    attrs[record.positions[mask]] = record.attributions[mask]
    return {"id": record.id, "example": record.example, "score": record.score, "response": list(record.response),
            "tokens": [tokenizer.decode([t]) for t in record.token_ids],
            "activation": [round(float(a), 5) for a in acts], "attribution": [round(float(a), 6) for a in attrs],
            "attribution_total": float(record.total[latent])}


def answer_conversations(path: str, label: str | None = None) -> list[tuple[Conversation, float, str]]:
    """Answer rows of ``path`` (chat JSONL or generate/judge output), those with ``label`` when given."""
    from ..artifacts import read_jsonl
    from ..datasets.conversations import row_conversation
    from ..errors import DataError

    out = []
    for line, obj in read_jsonl(path, "answers"):
        if label is not None and obj.get("label") != label:
            continue
        conv = row_conversation(obj, str(path), line)
        if not conv.has_response:
            raise DataError(f"{path}:{line}: the row has no final assistant answer to score")
        out.append((conv, 1.0, conv.id))
    if not out:
        raise DataError(f"{path}: no rows{f' labelled {label!r}' if label else ''} to attribute"
                        f"{'; judge the answers first (persona-probe judge) or drop --label' if label else ''}")
    return out


def sae_attribution(sae_dir: str, model_spec: str, out: str, mc: str | None = "builtin:persona",
                      answers: str | None = None, label: str | None = "misaligned", layer: int | None = None,
                      top: int = 20, examples_per_latent: int = 5, device: str = "auto",
                      massive_factor: float | None = 20.0, progress: bool = True) -> dict:
    """Attribute the MC log-odds (``mc``) or the answers' log-probability (``answers``) to the SAE's latents.

    Writes ``OUT/attribution.json``: the ranking with CIs, and for each top latent its
    top examples with per-token activations and attributions.
    """
    from pathlib import Path

    from tqdm.auto import tqdm

    from ..artifacts import atomic_write_json, provenance
    from ..errors import PersonaProbeError
    from ..models.loading import load_model
    from .io import load_sae, sae_layer

    if (mc is None) == (answers is None):
        raise PersonaProbeError("give exactly one score: --mc (the MC persona log-odds) or --answers FILE")
    model = load_model(model_spec, device)
    sae = load_sae(sae_dir, device=str(model.device))
    layer = sae_layer(sae, layer)
    if sae.cfg.d_in != model.d_model or layer >= model.n_layers:
        raise PersonaProbeError(f"the SAE reads width {sae.cfg.d_in} at layer {layer}; {model_spec} has width "
                                f"{model.d_model} and {model.n_layers} layers")
    if mc is not None:
        from ..evaluation.mc import load_mc_items

        jobs, score_name = mc_conversations_for_attribution(load_mc_items(mc)), "mc_log_odds"
    else:
        jobs, score_name = answer_conversations(answers, label), "answer_logprob"
    records = [attribute_conversation(model, sae, layer, conv, sign, example, massive_factor)
               for conv, sign, example in tqdm(jobs, desc="attribute", unit="conv", disable=not progress)]
    result = aggregate(records, top)
    by_example: dict[str, list[ConversationAttribution]] = {}
    for r in records:
        by_example.setdefault(r.example, []).append(r)
    for entry in result["latents"]:
        entry["top_examples"] = [
            {**ex, "conversations": [token_attributions(r, entry["latent"], model.tokenizer)
                                     for r in by_example[ex["example"]]]}
            for ex in entry["top_examples"][:examples_per_latent]]
    result.update({"kind": SAE_ATTRIBUTION.name, "score": score_name, "sae": str(sae_dir), "layer": layer,
                   "model": model.identity.to_dict(), "mc": mc, "answers": answers,
                   "label": label if answers else None, "massive_factor": massive_factor, "provenance": provenance()})
    Path(out).mkdir(parents=True, exist_ok=True)
    atomic_write_json(Path(out) / "attribution.json", result)
    return result


@dataclass(frozen=True, kw_only=True)
class SAEAttributeConfig(DeviceSettings):
    """Rank latents by attribution (activation x gradient) to a behaviour score.

    Splice the SAE into the model (error term kept, so the forward pass is exact) and attribute a score to every latent: the MC persona log-odds (misaligned vs aligned answer) or the log-probability of given answers (e.g. the judged-misaligned ones). Writes OUT/attribution.json with per-token values for each top latent's top examples."""

    sae: str
    """An SAE: a folder (ours or SAELens's), or a SAELens release as RELEASE/SAE_ID (fetched once, then cached)."""
    model: str = "smollm2-135m"
    """Model spec."""
    mc: str | None = field(default=None, metadata={"exclusive": "score"})
    """MC items whose log-odds to attribute (default: builtin:persona)."""
    answers: str | None = field(default=None, metadata={"exclusive": "score"})
    """Answers JSONL (generate/judge output or chat JSONL) whose log-probability to attribute."""
    label: str = "misaligned"
    """With --answers: only rows with this judge label; 'any' takes all."""
    layer: int | None = None
    """The residual layer the SAE reads, only for an SAE whose hook_name names none (resid_post L, or resid_pre L+1, is read from it)."""
    top: int = 20
    """Latents to report."""
    examples: int = 5
    """Top examples per latent."""
    massive_factor: float = 20.0
    """Positions over this many times the row's median norm keep their residual; 0 splices everywhere."""
    out: str
    """Output folder: attribution.json."""


def run_sae_attribute(cfg: SAEAttributeConfig, progress: bool = True) -> dict:
    if cfg.mc is not None and cfg.answers is not None:
        raise PersonaProbeError("give --mc or --answers, not both")
    mc = cfg.mc if cfg.mc or cfg.answers else "builtin:persona"
    return sae_attribution(cfg.sae, cfg.model, cfg.out, mc=mc, answers=cfg.answers,
                           label=None if cfg.label == "any" else cfg.label, layer=cfg.layer, top=cfg.top,
                           examples_per_latent=cfg.examples, device=cfg.device,
                           massive_factor=massive_threshold(cfg.massive_factor), progress=progress)
