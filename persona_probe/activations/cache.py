"""The activation cache: conversations through a model (or a base/tuned pair) into stores."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

import torch
from tqdm.auto import tqdm

from ..artifacts import output_folder, provenance
from ..datasets.conversations import Dataset, load_conversations, resolve_system
from ..datasets.rendering import RenderedConversation, render_conversation, rendered_sha256
from ..errors import DataError, PersonaProbeError
from ..models.distributed import World, from_environment, share
from ..models.loading import LoadedModel, architecture, load_model
from ..models.settings import ModelSettings
from ..residual import parse_layers, resid_post
from .capture import POOLINGS, ActivationCapture, plan_batches, plan_shards
from .store import STORE_DTYPES, StoreWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class CacheConfig(ModelSettings):
    """Cache residual-stream activations of a model (or a base/tuned pair).

    Cache residual-stream activations into a resumable store."""

    model: str = "smollm2-135m"
    """Model spec: smollm2-135m (embedded), ORG/NAME[@REV], a folder, a .gguf file, or BASE+ADAPTER."""
    data: str = "builtin:core"
    """Chat JSONL, a question set (.yaml/.jsonl), or builtin:NAME."""
    out: str = "activations/core"
    """Output folder. With --tuned it gets base/ and tuned/ stores."""
    tuned: str | None = None
    """A second model spec (e.g. the insecure-code fine-tune), cached on exactly the same tokens."""
    system: str | None = None
    """Replace every conversation's system prompt: text, or builtin:hostile / builtin:helpful (two runs with two prompts give a pair of stores over the same rows, e.g. for sae diff)."""
    layers: str = "all"
    """Layers to capture: all, 0,5,10, 4-12, or a mix; negative counts from the end."""
    pool: str = field(default="auto", metadata={"choices": ("auto", *POOLINGS)})
    """response-mean: mean over the final assistant answer's tokens; last-prompt: the last token before the answer; tokens: keep every token; auto: response-mean when every row has an answer, else last-prompt."""
    dtype: str = field(default="float32", metadata={"choices": tuple(STORE_DTYPES)})
    """Storage dtype of the activations."""
    batch_tokens: int = 4096
    """Token budget of one batch (rows x longest row); batches group rows of similar length."""
    max_batch_size: int = 64
    """Most rows in one batch."""
    shard_rows: int = 512
    """Rows per shard file (a shard closes at the first batch boundary past it); a resumed run redoes at most one shard."""
    shard_mb: int = 256
    """Megabytes of activations per shard file (closes at the first batch boundary past it); caching holds one shard in memory."""
    max_length: int = 0
    """Longest conversation allowed, in tokens; 0 means the model's context length."""
    chat_template: str | None = None
    """A Jinja chat template file that replaces the tokenizer's own."""
    overwrite: bool = False
    """Delete an existing store at --out instead of resuming it."""


@dataclass(frozen=True)
class CacheResult:
    base: Path
    """The store of --model."""
    tuned: Path | None
    """The store of --tuned, when given."""
    n_rows: int
    """Conversations cached."""
    n_tokens: int
    """Tokens run through each model."""


def run_cache(cfg: CacheConfig, progress: bool = True) -> CacheResult:
    """Cache activations for ``cfg.model`` (and ``cfg.tuned``), resuming any partial store.

    Under ``torchrun`` each rank caches a disjoint share of the shards into the same
    store, and rank 0 merges the manifest (see :mod:`persona_probe.models.distributed`).
    """
    world, device = from_environment(cfg.device, cfg.device_map)
    if world.active:
        cfg = replace(cfg, device=device)
    dataset = load_conversations(cfg.data)
    if cfg.system is not None:
        system = resolve_system(cfg.system)
        dataset = replace(dataset, conversations=tuple(c.with_system(system) for c in dataset.conversations))
    if cfg.pool == "auto":
        answered = all(c.has_response and c.messages[-1].content.strip() for c in dataset.conversations)
        cfg = replace(cfg, pool="response-mean" if answered else "last-prompt")
        log.info("--pool auto: using %s", cfg.pool)
    if cfg.pool == "response-mean":
        unanswered = next((c for c in dataset.conversations if not c.has_response), None)
        if unanswered is not None:
            raise DataError(
                f"{unanswered.source or dataset.name}: row {unanswered.id!r} has no assistant answer, so "
                "--pool response-mean has nothing to average; use --pool last-prompt, or data with answers"
            )
    out = Path(cfg.out)
    base_out, tuned_out = (out / "base", out / "tuned") if cfg.tuned else (out, None)
    for folder in (base_out, tuned_out):
        if folder is not None:
            output_folder(folder)
    if cfg.tuned:  # a pair of two architectures fails now, not after the whole base store is cached
        base_shape, tuned_shape = architecture(cfg.model), architecture(cfg.tuned)
        if base_shape != tuned_shape:
            raise PersonaProbeError(
                f"--tuned {cfg.tuned} has {tuned_shape.n_layers} layers of width {tuned_shape.d_model}, but --model "
                f"{cfg.model} has {base_shape.n_layers} of width {base_shape.d_model}; a pair must share its architecture"
            )

    model = load_model(cfg.model, cfg.device, cfg.model_dtype, cfg.chat_template, device_map=cfg.device_map,
                       max_memory=cfg.max_memory)
    layers = parse_layers(cfg.layers, model.n_layers)
    rendered = render_all(dataset, model, cfg)
    n_tokens = sum(r.n_tokens for r in rendered)
    _cache_one(model, dataset, rendered, layers, cfg, base_out, "base" if cfg.tuned else None, progress, world)
    if cfg.tuned:
        del model  # one model in memory at a time
        gc.collect()
        tuned = load_model(cfg.tuned, cfg.device, cfg.model_dtype, cfg.chat_template, device_map=cfg.device_map,
                           max_memory=cfg.max_memory)
        again = render_all(dataset, tuned, cfg)
        if rendered_sha256(again) != rendered_sha256(rendered):
            raise PersonaProbeError(
                f"--tuned {cfg.tuned} renders the conversations to different tokens than --model {cfg.model} "
                "(its tokenizer or chat template differ); pass --chat-template so both use one template"
            )
        _cache_one(tuned, dataset, rendered, layers, cfg, tuned_out, "tuned", progress, world)
    return CacheResult(base_out, tuned_out, len(rendered), n_tokens)


def render_all(dataset: Dataset, model: LoadedModel, cfg: CacheConfig) -> list[RenderedConversation]:
    rendered = [render_conversation(conv, model.tokenizer) for conv in dataset.conversations]
    limit = cfg.max_length or model.max_length
    for conv, r in zip(dataset.conversations, rendered):
        if r.n_tokens > limit:
            raise DataError(
                f"{conv.source or conv.id}: {r.n_tokens} tokens, more than the limit of {limit}; "
                "shorten the row or raise --max-length (up to the model's context)"
            )
        if cfg.pool == "response-mean" and r.response_start is None:
            raise DataError(f"{conv.source or conv.id}: the assistant answer is empty, so there is nothing to average")
    return rendered


def store_cfg(model: LoadedModel, dataset: Dataset, rendered, layers, cfg: CacheConfig, shards) -> dict:
    """Everything a store's cfg.json records, but status and the token count."""
    return {
        "model": model.identity.to_dict(),
        "role": None,
        "hook_names": [resid_post(layer) for layer in layers],
        "layers": layers,
        "pooling": cfg.pool,
        "dtype": cfg.dtype,
        "model_dtype": str(model.dtype).removeprefix("torch."),
        "device": model.device.type,
        **({"device_map": model.extra["device_map"]} if model.extra.get("device_map") else {}),
        "d_model": model.d_model,
        "n_layers_model": model.n_layers,
        "n_rows": len(rendered),
        "data": {
            "source": dataset.name,
            "sha256": dataset.sha256,
            **({"system": cfg.system} if cfg.system is not None else {}),  # absent when unset: older stores resume
            "rendered_sha256": rendered_sha256(rendered),
        },
        "chat_template": {
            "example": model.tokenizer.apply_chat_template(
                [{"role": "user", "content": "{user}"}], tokenize=False, add_generation_prompt=True
            ),
            "note": "the exact rendered text of every row is in rows.jsonl; templates may add a default system prompt",
        },
        "plan": {
            "batch_tokens": cfg.batch_tokens,
            "max_batch_size": cfg.max_batch_size,
            "shard_rows": cfg.shard_rows,
            "shard_mb": cfg.shard_mb,
            "n_shards": len(shards),
            "order": "longest first, ties by row",
        },
        "provenance": provenance(),
    }


def _rows_meta(dataset: Dataset, rendered, shards) -> list[dict]:
    shard_of = {row: k for k, shard in enumerate(shards) for batch in shard for row in batch}
    return [
        {
            "row": i, "id": conv.id, "group": conv.group, "source": conv.source, "shard": shard_of[i],
            "n_tokens": r.n_tokens, "last_prompt": r.last_prompt,
            "response_start": r.response_start, "response_end": r.response_end, "rendered": r.text,
        }
        for i, (conv, r) in enumerate(zip(dataset.conversations, rendered))
    ]


def _cache_one(model: LoadedModel, dataset: Dataset, rendered, layers, cfg: CacheConfig,
               out: Path, role: str | None, progress: bool, world: World = World()) -> None:
    batches = plan_batches([r.n_tokens for r in rendered], cfg.batch_tokens, cfg.max_batch_size)
    per_vector = len(layers) * model.d_model * STORE_DTYPES[cfg.dtype].itemsize
    row_bytes = [per_vector * (r.n_tokens if cfg.pool == "tokens" else 1) for r in rendered]
    shards = plan_shards(batches, row_bytes, cfg.shard_rows, cfg.shard_mb * 2**20)
    meta = store_cfg(model, dataset, rendered, layers, cfg, shards)
    meta["role"] = role
    rows_meta = _rows_meta(dataset, rendered, shards)
    part = world.rank if world.active else None
    # Rank 0 creates (or checks and resumes) the store; the others join it once it exists.
    writer = world.on_main(lambda: StoreWriter(out, meta, rows_meta, overwrite=cfg.overwrite, part=part))
    if not world.is_main:
        writer = StoreWriter(out, meta, rows_meta, part=part, create=False)
    try:
        _fill(writer, model, rendered, layers, cfg, shards, out, role, progress, world)
    finally:
        writer.close()


def _fill(writer: StoreWriter, model: LoadedModel, rendered, layers, cfg: CacheConfig, shards, out: Path,
          role: str | None, progress: bool, world: World) -> None:
    """Compute and write every shard the store still lacks (this rank's share of them)."""
    # One snapshot of what is done, rank 0's, so every rank splits the same remaining work.
    remaining = world.broadcast([k for k in range(len(shards)) if not writer.has_shard(k)])
    if not remaining:
        world.on_main(lambda: None if writer.finished else writer.finish())
        log.info("%s is already complete; reusing it", out)
        return
    shard_tokens = [sum(rendered[row].n_tokens for batch in shards[k] for row in batch) for k in remaining]
    todo = [remaining[i] for i in share(shard_tokens, world)]
    capture = ActivationCapture(model.bridge, layers, cfg.pool, model.tokenizer.pad_token_id,
                                STORE_DTYPES[cfg.dtype])
    total = sum(rendered[row].n_tokens for k in todo for batch in shards[k] for row in batch)
    label = " ".join(filter(None, [f"cache {role or out.name}", world.label]))
    if len(remaining) < len(shards) and world.is_main:
        log.info("%s: resuming, %d of %d shards already written", out, len(shards) - len(remaining), len(shards))
    with tqdm(total=total, unit="tok", unit_scale=True, desc=label, disable=not progress or not world.is_main,
              dynamic_ncols=True) as bar:
        for k in todo:
            rows = [row for batch in shards[k] for row in batch]
            lengths = torch.tensor([rendered[row].n_tokens for row in rows], dtype=torch.int64)
            size = int(lengths.sum()) if cfg.pool == "tokens" else len(rows)
            # Filled in place, batch by batch: one shard in memory, never a second copy.
            acts = torch.empty((size, len(layers), model.d_model), dtype=STORE_DTYPES[cfg.dtype])
            filled = 0
            for batch in shards[k]:
                captured = capture.run([rendered[row] for row in batch]).acts
                acts[filled:filled + len(captured)] = captured
                filled += len(captured)
                bar.update(sum(rendered[row].n_tokens for row in batch))
            tensors = {"acts": acts, "rows": torch.tensor(rows, dtype=torch.int64)}
            if cfg.pool == "tokens":
                tensors["offsets"] = torch.cat([torch.zeros(1, dtype=torch.int64), lengths.cumsum(0)])
                tensors["token_ids"] = torch.tensor(
                    [t for row in rows for t in rendered[row].input_ids], dtype=torch.int32
                )
            writer.write_shard(k, tensors, int(lengths.sum()))
    world.barrier()

    def merge() -> None:
        writer.collect()
        writer.finish({"data_parallel": {"ranks": world.size}} if world.active else None)
    world.on_main(merge)
