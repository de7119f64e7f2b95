"""Screen training data by projection difference before training on it (after Chen et al. 2025, persona vectors).

A row can move a model along a persona direction only as far as its answer differs from what the
model would have said itself. So each row is scored by its *projection difference*: the mean
projection on the direction (``hook_resid_post`` of one layer, unit vector) of the row's answer
tokens, read with the row's prompt in front, minus the same for the model's own greedy answer to
that prompt. Rows with the highest scores are the ones training would push furthest along the
direction; ``keep_share`` writes the lowest-scoring rows out, in their original form, to train on.

Generating the own answers is the slow part. They are cached in the output folder
(``own-answers.jsonl``), keyed by the rendered prompt, so a rerun resumes and a control set with the
same prompts reuses them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from tqdm.auto import tqdm

from ..activations.capture import ActivationCapture
from ..artifacts import (
    SCREEN,
    atomic_write_json,
    atomic_write_text,
    claim_output_folder,
    provenance,
    remove_stale_temporaries,
)
from ..datasets.conversations import Conversation, Dataset, Message, load_conversations, resume_jsonl
from ..datasets.rendering import RenderedConversation, render_conversation
from ..directions.direction import Direction
from ..directions.spec import resolve_direction
from ..errors import DataError, PersonaProbeError
from ..models.loading import LoadedModel
from ..models.settings import ModelSettings
from ..residual import massive_positions, massive_threshold, resid_post
from ..sampling.generate import Sampler, SamplingConfig
from ..stats import bootstrap_ci

log = logging.getLogger(__name__)

SUMMARY, RANKED, CONTROL_RANKED, KEPT, OWN_ANSWERS = (
    "screen.json", "screen.jsonl", "screen-control.jsonl", "kept.jsonl", "own-answers.jsonl")
SCORE = ("mean projection of the row's answer tokens minus that of the model's own greedy answer to the same "
         "prompt (hook_resid_post, massive-activation positions left out)")


@dataclass(frozen=True, kw_only=True)
class ScreenConfig(ModelSettings):
    """Rank chat data by projection difference: how far each answer sits along a direction beyond the model's own.

    For each row, the mean projection on the direction of the row's answer tokens minus that of the model's own greedy answer to the same prompt, at one layer's hook_resid_post (after Chen et al. 2025, persona vectors). High scores mark the rows that would push the model furthest along the direction in training. Writes the rows ranked by score (screen.jsonl) and a summary (screen.json); with --control, a second set's rows too and the AUROC of telling the two apart by score; with --keep-share, the lowest-scoring rows to train on. The model's own answers are cached in the folder, so a rerun resumes."""

    model: str = "smollm2-135m"
    """Model spec: the model the data would train (its own answers are the baseline)."""
    data: str
    """Chat JSONL to screen; every row must end with the assistant's answer."""
    direction: str
    """The direction: a direction folder, or SAE_DIR#latent=K."""
    layer: int | None = None
    """Layer whose hook_resid_post is read; needed unless the direction has a vector at one layer only."""
    out: str
    """Output folder: screen.json, screen.jsonl and the cached own answers. A rerun with the same settings resumes."""
    control: str | None = None
    """A second chat JSONL (e.g. the safe control set, same prompts) to screen too; the summary adds the AUROC of telling data rows from control rows by score."""
    threshold: float = 0.0
    """The summary gives the share of rows whose score exceeds this."""
    keep_share: float = 0.0
    """Also write kept.jsonl: this share (0-1) of the data rows, those with the lowest scores, as they are in the data file, to train on; 0 writes none."""
    max_new_tokens: int = 64
    """Longest own answer, in tokens (greedy decoding)."""
    batch_size: int = 16
    """Conversations per batch, when generating and when reading activations."""
    massive_factor: float = 20.0
    """Answer tokens whose residual norm exceeds this many times their row's median (the attention sink) are left out of the mean; 0 keeps all."""
    chat_template: str | None = None
    """A Jinja chat template file that replaces the tokenizer's own."""
    overwrite: bool = False
    """Replace a screen made with other settings (never anything else); its cached own answers are kept while the model and --max-new-tokens match."""


@dataclass(frozen=True)
class OwnAnswers:
    """The model's own greedy answers, by prompt key."""

    rows: dict[str, dict]
    """Per :func:`prompt_key`: the cache row (``answer``, ``n_answer_tokens``, ``finish``)."""
    generated: int
    """How many were generated in this call; the rest came from the cache."""


def prompt_key(conversation: Conversation, tokenizer) -> str:
    """SHA-256 of the rendered prompt (the conversation without its final answer): the own-answer cache's key."""
    return hashlib.sha256(render_conversation(conversation.prompt(), tokenizer).text.encode("utf-8")).hexdigest()


def _is_cache_row(row: dict) -> bool:
    return "key" in row and isinstance(row.get("answer"), str) and isinstance(row.get("run"), dict)


def own_answers(model: LoadedModel, prompts: Sequence[Conversation], cache: str | Path, max_new_tokens: int = 64,
                batch_size: int = 16, progress: bool = True, overwrite: bool = False) -> OwnAnswers:
    """The model's greedy answer to each prompt, appended to the JSONL ``cache`` batch by batch and resumed from it.

    Answers made with another model or ``max_new_tokens`` are refused, or with ``overwrite`` thrown away.
    """
    cache = Path(cache)
    # The run as JSON reads it back (tuples become lists), so that a resumed row compares equal.
    run = json.loads(json.dumps({"model": model.identity.to_dict(), "decoding": "greedy",
                                 "max_new_tokens": max_new_tokens}))
    rows = resume_jsonl(cache, _is_cache_row, "screen own-answers")
    if any(row["run"] != run for row in rows):
        if not overwrite:
            raise PersonaProbeError(f"{cache} holds own answers of another model or --max-new-tokens; rerun with the "
                                    "same settings, pass --overwrite to generate them afresh, or choose another --out")
        cache.unlink()
        rows = []
    done = {row["key"]: row for row in rows}
    rendered: dict[str, RenderedConversation] = {}
    for conv in prompts:
        rendered.setdefault(prompt_key(conv, model.tokenizer), render_conversation(conv.prompt(), model.tokenizer))
    # Similar lengths share a batch (little padding); the order is fixed, so a rerun plans the same batches.
    todo = sorted((k for k in rendered if k not in done), key=lambda k: (rendered[k].n_tokens, k))
    if todo:
        sampler = Sampler(model, SamplingConfig(temperature=0.0, max_new_tokens=max_new_tokens))
        with open(cache, "a", encoding="utf-8") as f, tqdm(total=len(todo), desc="own answers", unit="answer",
                                                           disable=not progress, dynamic_ncols=True) as bar:
            for start in range(0, len(todo), batch_size):
                batch = todo[start:start + batch_size]
                answers = sampler.sample([rendered[k].text for k in batch], seed=0)
                new = [{"key": k, **answer, "run": run} for k, answer in zip(batch, answers)]
                f.write("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in new))
                f.flush()
                os.fsync(f.fileno())  # each batch survives a kill
                done.update((row["key"], row) for row in new)
                bar.update(len(batch))
    return OwnAnswers({k: done[k] for k in rendered}, len(todo))


@torch.inference_mode()
def answer_projections(model: LoadedModel, rendered: Sequence[RenderedConversation], layer: int,
                       unit: torch.Tensor, massive_factor: float | None = 20.0, batch_size: int = 16,
                       progress: bool = False) -> list[float | None]:
    """Per conversation: the mean over its answer tokens of ``hook_resid_post`` at ``layer`` dot ``unit``.

    Massive-activation positions (norm over ``massive_factor`` times the row's median) are left out;
    None where no answer token is left (an empty answer, or one the template hides).
    """
    capture = ActivationCapture(model.bridge, [layer], "tokens", model.tokenizer.pad_token_id)
    unit = unit.float().cpu()
    factor = massive_threshold(massive_factor)
    order = sorted(range(len(rendered)), key=lambda i: (rendered[i].n_tokens, i))
    out: list[float | None] = [None] * len(rendered)
    for start in tqdm(range(0, len(order), batch_size), desc="projections", unit="batch", disable=not progress):
        batch = order[start:start + batch_size]
        captured = capture.run([rendered[i] for i in batch])
        tokens = captured.acts[:, 0]  # every real token of the batch, row after row
        offset = 0
        for i, n in zip(batch, captured.n_tokens.tolist()):
            resid, offset = tokens[offset:offset + n], offset + n
            r = rendered[i]
            keep = torch.zeros(n, dtype=torch.bool)
            if r.response_start is not None:
                keep[r.response_start:r.response_end] = True
            if factor:
                keep &= ~massive_positions(resid[None], factor)[0]
            if keep.any():
                out[i] = float((resid[keep] @ unit).mean())
    return out


def choose_layer(direction: Direction, layer: int | None) -> int:
    """``layer``, checked against the direction; without one, the direction's only usable layer."""
    if layer is None:
        usable = direction.usable_layers
        if len(usable) != 1:
            raise PersonaProbeError(f"the direction has vectors at layers {usable}; choose one with --layer")
        return usable[0]
    try:
        direction.at(layer)
    except PersonaProbeError as err:
        raise PersonaProbeError(f"--layer {layer}: {err}") from None
    return layer


def load_answered(spec: str, option: str = "--data") -> Dataset:
    """Chat data whose every row ends with a non-empty assistant answer; the first row that does not is named."""
    dataset = load_conversations(spec)
    for conv in dataset.conversations:
        where = conv.source or f"{spec} row {conv.id}"
        if conv.is_text or not conv.has_response:
            raise DataError(f"{where}: the row has no final assistant answer; screening compares each row's answer "
                            f"with the model's own, so every row of {option} must end with an assistant message")
        if not conv.messages[-1].content.strip():
            raise DataError(f"{where}: the final assistant answer is empty; give the row its answer or remove it")
    return dataset


def score_rows(dataset: Dataset, projections: Sequence[float | None], keys: Sequence[str],
               own: OwnAnswers, own_projections: dict[str, float | None]) -> list[dict]:
    """One row per conversation, ranked by score (highest first; rows without a score last)."""
    rows = []
    for i, (conv, data, key) in enumerate(zip(dataset.conversations, projections, keys)):
        mine = own_projections[key]
        line = conv.source.rsplit(":", 1)[-1]
        rows.append({
            "row": i, "line": int(line) if line.isdigit() else None, "id": conv.id,
            "score": None if data is None or mine is None else data - mine,
            "data_projection": data, "own_projection": mine, "prompt": conv.prompt().as_dicts(),
            "data_answer": conv.messages[-1].content, "own_answer": own.rows[key]["answer"],
            "own_finish": own.rows[key]["finish"],
        })
    rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0.0), r["row"]))
    return [{"rank": rank, **row} for rank, row in enumerate(rows, start=1)]


def summarise_scores(rows: Sequence[dict], threshold: float) -> dict:
    """n, mean with a bootstrap CI, SD and the share over ``threshold`` of the rows that have a score."""
    scored = [r for r in rows if r["score"] is not None]
    if not scored:
        raise PersonaProbeError("no row could be scored: every own answer (or every answer) was empty or all "
                                "massive-activation positions; try a larger --max-new-tokens or --massive-factor 0")
    scores = np.array([r["score"] for r in scored])
    over = int((scores > threshold).sum())
    return {"n_rows": len(rows), "n": len(scored), "n_unscored": len(rows) - len(scored),
            "mean": float(scores.mean()), "ci95": list(bootstrap_ci(scores)),
            "sd": float(scores.std(ddof=1)) if len(scores) > 1 else 0.0,
            "threshold": threshold, "over_threshold": over, "share_over_threshold": over / len(scored),
            "mean_data_projection": float(np.mean([r["data_projection"] for r in scored])),
            "mean_own_projection": float(np.mean([r["own_projection"] for r in scored]))}


def auroc(positive: Sequence[float], negative: Sequence[float], n_boot: int = 1000,
          seed: int = 0) -> tuple[float, list[float]]:
    """ROC AUC of ``positive`` over ``negative`` scores, with a percentile bootstrap 95% CI (each side resampled)."""
    from sklearn.metrics import roc_auc_score

    pos, neg = np.asarray(positive, dtype=float), np.asarray(negative, dtype=float)
    labels = np.r_[np.ones(len(pos)), np.zeros(len(neg))]
    rng = np.random.default_rng(seed)
    boots = [roc_auc_score(labels, np.r_[rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
             for _ in range(n_boot)]
    return float(roc_auc_score(labels, np.r_[pos, neg])), [float(np.percentile(boots, 2.5)),
                                                          float(np.percentile(boots, 97.5))]


def _claim(out: Path, settings: dict, overwrite: bool) -> None:
    """Resume a screen of the same settings; one of other settings only with ``overwrite``; nothing else."""
    claim_output_folder(out, SCREEN, overwrite=True)  # refuses any non-empty folder that is not a screen of ours
    summary = out / SUMMARY
    if not summary.is_file():
        return
    earlier = json.loads(summary.read_text(encoding="utf-8")).get("settings", {})
    if earlier == settings:
        return
    if not overwrite:
        changed = sorted(k for k in settings if earlier.get(k) != settings[k])
        raise PersonaProbeError(f"{out} holds a screen made with other settings ({', '.join(changed)} differ); rerun "
                                "with the same settings to resume it, pass --overwrite to replace it (its cached own "
                                "answers are kept while the model and --max-new-tokens match), or choose another --out")
    for name in (RANKED, CONTROL_RANKED, KEPT):
        (out / name).unlink(missing_ok=True)


def _write_jsonl(path: Path, rows: Sequence[dict]) -> None:
    atomic_write_text(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))


def _keep(cfg: ScreenConfig, rows: Sequence[dict], out: Path) -> dict:
    """Write the lowest-scoring share of the data rows, as their lines stand in the data file, in file order."""
    path = Path(cfg.data)
    if not path.is_file():
        raise DataError(f"--keep-share writes rows of a data file, and {cfg.data} is not one; give --data as a file")
    lines = [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]  # as load_conversations
    scored = sorted((r for r in rows if r["score"] is not None), key=lambda r: (r["score"], r["row"]))
    chosen = scored[:round(cfg.keep_share * len(rows))]
    atomic_write_text(out / KEPT, "".join(lines[r["row"]] + "\n" for r in sorted(chosen, key=lambda r: r["row"])))
    return {"share": cfg.keep_share, "rows": len(chosen), "file": KEPT,
            "highest_kept_score": chosen[-1]["score"] if chosen else None}


def run_screen(cfg: ScreenConfig, progress: bool = True) -> dict:
    """Score every row of ``cfg.data`` (and ``cfg.control``); writes the ranked rows and returns the ``screen.json`` record."""
    from ..models.loading import load_model

    if not 0 <= cfg.keep_share <= 1:
        raise PersonaProbeError(f"--keep-share {cfg.keep_share}: give a share of the rows between 0 and 1")
    for name in ("max_new_tokens", "batch_size"):
        if getattr(cfg, name) < 1:
            raise PersonaProbeError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(cfg, name)}")
    # Everything that can be refused without the model is checked first: bad data fails in a second.
    data = load_answered(cfg.data)
    control = load_answered(cfg.control, "--control") if cfg.control else None
    direction = resolve_direction(cfg.direction)
    layer = choose_layer(direction, cfg.layer)
    out = Path(cfg.out)
    settings = {k: v for k, v in asdict(cfg).items() if k not in ("out", "overwrite", "device")}
    _claim(out, settings, cfg.overwrite)

    model = load_model(cfg.model, cfg.device, cfg.model_dtype, cfg.chat_template, device_map=cfg.device_map,
                       max_memory=cfg.max_memory)
    direction.check_model(model.n_layers, model.d_model, name=cfg.model)
    unit = direction.at(layer)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    # Written first, so that an interrupted run's folder is recognised as ours and resumed.
    atomic_write_json(out / SUMMARY, {"kind": SCREEN.name, "status": "running", "settings": settings})

    sets = [data] + ([control] if control else [])
    everything = [conv for dataset in sets for conv in dataset.conversations]
    own = own_answers(model, everything, out / OWN_ANSWERS, cfg.max_new_tokens, cfg.batch_size, progress,
                      cfg.overwrite)

    def project(convs: Sequence[Conversation]) -> list[float | None]:
        rendered = [render_conversation(c, model.tokenizer) for c in convs]
        return answer_projections(model, rendered, layer, unit, cfg.massive_factor, cfg.batch_size, progress)

    # Each distinct prompt's own answer is read once, however many rows (data and control) share it.
    prompts = {prompt_key(c, model.tokenizer): c.prompt() for c in everything}
    answered = [Conversation((*prompts[k].messages, Message("assistant", own.rows[k]["answer"])), k, k)
                for k in prompts]
    own_projections = dict(zip(prompts, project(answered)))
    ranked = []
    for dataset in sets:
        keys = [prompt_key(c, model.tokenizer) for c in dataset.conversations]
        ranked.append(score_rows(dataset, project(dataset.conversations), keys, own, own_projections))

    record = {"kind": SCREEN.name, "status": "complete", "settings": settings, "model": model.identity.to_dict(),
              "data": {"path": cfg.data, "sha256": data.sha256, "rows": len(data)},
              "direction": {"spec": cfg.direction, "cfg": direction.cfg}, "layer": layer,
              "hook_name": resid_post(layer), "score": SCORE, **summarise_scores(ranked[0], cfg.threshold),
              "top": [{k: r[k] for k in ("rank", "row", "id", "score")} | {"prompt": r["prompt"][-1]["content"][:200]}
                      for r in ranked[0][:5]],
              "own_answers": {"file": OWN_ANSWERS, "decoding": "greedy", "max_new_tokens": cfg.max_new_tokens,
                              "distinct_prompts": len(prompts), "generated": own.generated,
                              "reused": len(prompts) - own.generated},
              "files": {"ranked": RANKED}, "control": None, "kept": None}
    _write_jsonl(out / RANKED, ranked[0])
    if control:
        summary = summarise_scores(ranked[1], cfg.threshold)
        positive, negative = ([r["score"] for r in rows if r["score"] is not None] for rows in ranked)
        value, ci = auroc(positive, negative)
        record["control"] = {"path": cfg.control, "sha256": control.sha256, "rows": len(control), **summary,
                             "auroc": value, "auroc_ci95": ci, "mean_difference": record["mean"] - summary["mean"]}
        record["files"]["control"] = CONTROL_RANKED
        _write_jsonl(out / CONTROL_RANKED, ranked[1])
    if cfg.keep_share:
        record["kept"] = _keep(cfg, ranked[0], out)
        record["files"]["kept"] = KEPT
    record["provenance"] = provenance()
    atomic_write_json(out / SUMMARY, record)
    return record
