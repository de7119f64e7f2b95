"""``persona-probe bench sae``: our SAE trainer's throughput against SAELens's own runner.

Both sides train the same SAE (architecture, width, k, batch size, learning rate, dtype,
device, number of rows) with the same ``SAETrainer``; what differs is the data path:

* SAELens: ``LanguageModelSAETrainingRunner`` with ``use_cached_activations=True``, reading
  the store's rows exported (untimed) to the folder ``CacheActivationsRunner`` writes: a
  HuggingFace ``datasets`` folder with one ``[context_size, d_in]`` float32 array per row,
  named after the hook, plus ``token_ids``.
* ours: :func:`~persona_probe.sae.train.train_sae` fed by
  :func:`~persona_probe.sae.data.activation_batches` straight from the store's shards.

Timers (``time.perf_counter``, with a CUDA sync on GPU):

* SAELens: ``runner.run()``: SAETrainer and Adam set-up, then ``fit``: arrow slices read and
  converted to torch, the mixing buffer, the training steps. Not the runner's construction
  (config, opening the arrow folder memory-mapped, initialising the SAE); nothing is saved
  (``output_path=None``), wandb, evals and checkpoints are off.
* ours: ``train_sae(...)``: initialising the SAE, SAETrainer and Adam set-up, then ``fit``:
  memory-mapped shard reads, the float32 conversion, dropping massive-activation rows, the
  mixing buffer (on the training device, as SAELens's), the training steps. Opening the store
  is not timed.

Each side gets an untimed warm-up run of a few steps first; timed runs alternate which
side goes first, and the median of each side counts. Inside each timer, the host time spent
fetching batches is also summed, to show how much of a difference is the data path.
"""

from __future__ import annotations

import math
import shutil
import statistics
import tempfile
import time
import warnings
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch

from ..activations.store import ActivationStore
from ..errors import PersonaProbeError
from ..residual import massive_positions, massive_threshold
from .architectures import SAESettings, training_sae
from .data import activation_batches


@dataclass(frozen=True, kw_only=True)
class SAEBenchConfig(SAESettings):
    """SAE training throughput against SAELens's own runner, same cached activations.

    Train the same SAE on the same rows of a per-token store with SAELens's LanguageModelSAETrainingRunner (cached activations, exported untimed) and with our trainer; rows/s of each and their ratio (last line). The same SAE settings go to both trainers."""

    store: str
    """Per-token activation store (cache --pool tokens) whose rows both trainers train on."""
    layer: int
    """Which cached layer."""
    rows: int = 200_000
    """Training rows per timed run (rounded up to whole batches); 0 means one pass over the exported rows."""
    batch_size: int = 4096
    """Rows per training step."""
    context_size: int = 128
    """Tokens per row of the exported SAELens dataset (its context_size); a last partial row is left out."""
    buffer_rows: int = 65536
    """Mixing buffer in rows, both sides (SAELens: n_batches_in_buffer x context_size); both keep half of it."""
    massive_factor: float = 20.0
    """Massive-activation rows (norm over this many x the shard's median) are left out on both sides; 0 keeps them."""
    repeats: int = 2
    """Timed runs of each trainer, alternating which goes first; the median counts."""
    warmup_steps: int = 2
    """Untimed training steps each side runs first (allocator, kernels, page cache); 0 skips it."""
    export_dir: str = ""
    """Where to write the SAELens dataset (must be empty or absent); empty means a temporary folder, removed after."""


def store_layer_rows(store: ActivationStore, layer: int, massive_factor: float | None):
    """Per shard, in shard order: the float32 rows at ``layer`` and their token ids, with the
    massive-activation rows dropped by the rule ``activation_batches`` applies."""
    slot = store.layer_slots([layer])[0]
    for k in range(store.n_shards):
        shard = store.shard(k)
        acts, token_ids = shard["acts"][:, slot].float(), shard["token_ids"]
        if massive_factor and len(acts) >= 2:  # as drop_massive_rows
            keep = ~massive_positions(acts[None], massive_factor)[0]
            acts, token_ids = acts[keep], token_ids[keep]
        yield acts, token_ids


def export_saelens_cache(store: ActivationStore, layer: int, out: str | Path, context_size: int,
                         massive_factor: float | None = 20.0, chunk_rows: int = 1 << 18) -> dict:
    """Write ``store``'s rows at ``layer`` as the cached-activation folder SAELens's
    ``CacheActivationsRunner`` writes and its training runner reads (``datasets.load_from_disk``):
    a column named after the hook of ``[context_size, d_model]`` float32 arrays plus ``token_ids``.

    Rows keep store order, ``context_size`` tokens to a dataset row; the last partial one is left out.
    """
    from datasets import Array2D, Dataset, Features, Sequence, Value, concatenate_datasets, load_from_disk

    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise PersonaProbeError(f"{out} is not empty; choose an empty or new folder for the SAELens dataset")
    hook, d = store.hook_names[store.layer_slots([layer])[0]], store.d_model
    # The features CacheActivationsRunner declares.
    features = Features({hook: Array2D(shape=(context_size, d), dtype="float32"),
                         "token_ids": Sequence(Value("int32"), length=context_size)})
    out.parent.mkdir(parents=True, exist_ok=True)
    parts_dir = Path(tempfile.mkdtemp(prefix=".saelens-parts-", dir=out.parent))
    parts: list[str] = []
    pending: list[tuple[torch.Tensor, torch.Tensor]] = []
    kept = 0

    def write_whole_rows() -> None:
        """Write the pending rows that fill whole dataset rows (in chunks, so memory stays bounded)."""
        nonlocal pending
        acts, ids = torch.cat([a for a, _ in pending]), torch.cat([t for _, t in pending])
        whole = len(acts) // context_size * context_size
        if whole:
            parts.append(str(parts_dir / f"part-{len(parts):05d}"))
            Dataset.from_dict({hook: acts[:whole].numpy().reshape(-1, context_size, d),
                               "token_ids": ids[:whole].to(torch.int32).numpy().reshape(-1, context_size)},
                              features=features).save_to_disk(parts[-1])
        pending = [(acts[whole:], ids[whole:])]

    try:
        for acts, token_ids in store_layer_rows(store, layer, massive_factor):
            kept += len(acts)
            pending.append((acts, token_ids))
            if sum(len(a) for a, _ in pending) >= chunk_rows:
                write_whole_rows()
        if pending:
            write_whole_rows()
        if not parts:
            raise PersonaProbeError(f"{store.path}: fewer than --context-size {context_size} rows at layer {layer}")
        # One folder, as load_from_disk reads it (the parts are memory-mapped, not loaded).
        concatenate_datasets([load_from_disk(p) for p in parts]).save_to_disk(str(out))
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
    tail = len(pending[0][0]) if pending else 0
    return {"path": str(out), "hook_name": hook, "rows": kept - tail, "context_size": context_size,
            "massive_rows_left_out": int(store.cfg.get("n_tokens", 0)) - kept, "tail_rows_left_out": tail}


class CountingIterator:
    """Hands on an iterator's batches, counting their rows (what each trainer really consumed) and
    the host time spent fetching them (on a GPU, work queued there finishes later: a lower bound)."""

    def __init__(self, batches):
        self.batches, self.rows, self.seconds = iter(batches), 0, 0.0

    def __iter__(self):
        return self

    def __next__(self) -> torch.Tensor:
        start = time.perf_counter()
        batch = next(self.batches)
        self.seconds += time.perf_counter() - start
        self.rows += len(batch)
        return batch


def _windows(rows: int, batch_size: int) -> dict:
    # The dead-latent windows train_sae sets, so both trainers do the same bookkeeping.
    return {"dead_feature_window": max(10, rows // batch_size // 10),
            "feature_sampling_window": max(10, rows // batch_size // 5)}


@contextmanager
def _quiet(progress: bool):
    """Silence SAELens's repeated epoch-wrap warnings and override notices, and, unless
    ``progress``, the progress bars (SAETrainer's, patched alike for both sides, and datasets')."""
    import logging
    from functools import partial
    from unittest import mock

    import datasets
    from sae_lens.training import sae_trainer

    saelens_log = logging.getLogger("sae_lens")
    level, bars = saelens_log.level, datasets.is_progress_bar_enabled()
    saelens_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), mock.patch.object(sae_trainer, "tqdm",
                                                          partial(sae_trainer.tqdm, disable=not progress)):
            warnings.simplefilter("ignore")
            if not progress:
                datasets.disable_progress_bars()
            yield
    finally:
        saelens_log.setLevel(level)
        if bars:
            datasets.enable_progress_bars()


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize(device)


def _saelens_run(cfg: SAEBenchConfig, store: ActivationStore, export: dict, rows: int, device: str) -> tuple:
    """Train with SAELens's ``LanguageModelSAETrainingRunner`` on the exported folder:
    (seconds, rows served, seconds fetching data, dead latents at the end)."""
    from datasets import Dataset
    from sae_lens import LanguageModelSAERunnerConfig, LanguageModelSAETrainingRunner
    from sae_lens.config import LoggingConfig

    ctx, hook = export["context_size"], export["hook_name"]
    n_seq = export["rows"] // ctx
    sae_cfg = training_sae(cfg.arch, store.d_model, cfg.width, cfg.k, cfg.sparsity_coefficient, {}, device).cfg
    runner_cfg = LanguageModelSAERunnerConfig(
        sae=sae_cfg, model_name=str(store.cfg.get("model", {}).get("name")), hook_name=hook,
        use_cached_activations=True, cached_activations_path=export["path"], context_size=ctx,
        training_tokens=rows, train_batch_size_tokens=cfg.batch_size,
        # Reads of (up to) SAELens's default 32 dataset rows; its mixing buffer sized like ours.
        store_batch_size_prompts=min(32, n_seq),
        n_batches_in_buffer=math.ceil(max(cfg.buffer_rows, 2 * cfg.batch_size) / ctx),
        activations_mixing_fraction=0.5, device=device, act_store_device=device, dtype="float32",
        lr=cfg.lr, lr_end=cfg.lr, n_batches_for_norm_estimate=1, **_windows(rows, cfg.batch_size),
        logger=LoggingConfig(log_to_wandb=False), n_eval_batches=0, n_checkpoints=0, checkpoint_path=None,
        save_final_checkpoint=False, output_path=None, verbose=False, seed=cfg.seed)
    torch.manual_seed(cfg.seed)
    # The runner insists on a model and a token dataset even with cached activations, but with
    # wandb (hence evals) off and no special tokens excluded it never calls either. A placeholder
    # module stands in for the model, so nothing is loaded or downloaded; the one-row token
    # dataset only passes the store's format check (and keeps it from calling load_dataset).
    runner = LanguageModelSAETrainingRunner(
        runner_cfg, override_model=torch.nn.Module(),
        override_dataset=Dataset.from_dict({"tokens": [[0] * ctx]}))
    counted = CountingIterator(runner.activations_store)
    runner.activations_store = counted  # what run() hands to SAETrainer
    _sync(device)
    start = time.perf_counter()
    sae = runner.run()
    _sync(device)
    return time.perf_counter() - start, counted.rows, counted.seconds, sae.cfg.metadata.num_dead_features


def _ours_run(cfg: SAEBenchConfig, store: ActivationStore, rows: int, device: str) -> tuple:
    """Train with our ``train_sae`` on ``activation_batches`` from the store:
    (seconds, rows served, seconds fetching data, dead latents at the end)."""
    from .train import train_sae

    counted = CountingIterator(activation_batches(store, cfg.layer, cfg.batch_size, cfg.seed, cfg.buffer_rows,
                                                  massive_threshold(cfg.massive_factor), device))
    _sync(device)
    start = time.perf_counter()
    sae = train_sae(counted, store.d_model, cfg.arch, cfg.width, cfg.k, cfg.sparsity_coefficient, rows,
                    cfg.batch_size, cfg.lr, device, seed=cfg.seed)
    _sync(device)
    return time.perf_counter() - start, counted.rows, counted.seconds, sae.cfg.metadata.num_dead_features


def run_sae_bench(cfg: SAEBenchConfig, progress: bool = True) -> dict:
    """Time SAELens's runner and our trainer on the same rows; ``ratio`` is ours / SAELens in rows/s."""
    import datasets
    import sae_lens

    from ..models.loading import resolve_device

    store = ActivationStore(cfg.store)
    if store.pooling != "tokens":
        raise PersonaProbeError(f"{cfg.store} holds pooled activations ({store.pooling}); "
                                "bench sae needs a per-token store (cache --pool tokens)")
    if cfg.layer not in store.layers:
        raise PersonaProbeError(f"--layer {cfg.layer} was not cached in {cfg.store}; it holds layers {store.layers}")
    if min(cfg.width, cfg.k, cfg.batch_size, cfg.context_size, cfg.repeats) < 1 or cfg.rows < 0:
        raise PersonaProbeError("--width, --k, --batch-size, --context-size and --repeats must be positive")
    device = str(resolve_device(cfg.device))
    work = Path(cfg.export_dir) if cfg.export_dir else Path(tempfile.mkdtemp(prefix="saelens-cache-"))
    try:
        with _quiet(progress):
            start = time.perf_counter()
            export = export_saelens_cache(store, cfg.layer, work, cfg.context_size, massive_threshold(cfg.massive_factor))
            export_seconds = time.perf_counter() - start
            # SAETrainer trains whole batches until it has seen `rows`: round up so both report the same.
            rows = math.ceil((cfg.rows or export["rows"]) / cfg.batch_size) * cfg.batch_size
            sides = {"saelens": lambda n: _saelens_run(cfg, store, export, n, device),
                     "ours": lambda n: _ours_run(cfg, store, n, device)}
            if cfg.warmup_steps:
                for run in sides.values():
                    run(cfg.warmup_steps * cfg.batch_size)
            runs: dict[str, list[tuple]] = {name: [] for name in sides}
            order = list(sides)  # SAELens first, then alternate
            for _ in range(cfg.repeats):
                for name in order:
                    runs[name].append(sides[name](rows))
                order.reverse()
    finally:
        if not cfg.export_dir:
            shutil.rmtree(work, ignore_errors=True)
    result = {"config": asdict(cfg), "device": device, "threads": torch.get_num_threads(),
              "store": str(store.path), "model": store.cfg.get("model", {}).get("name"), "d_in": store.d_model,
              "store_rows": int(store.cfg.get("n_tokens", 0)), "export": export, "export_seconds": export_seconds,
              "rows": rows, "versions": {"torch": torch.__version__, "sae_lens": sae_lens.__version__,
                                         "datasets": datasets.__version__, "numpy": np.__version__}}
    for name in sides:
        seconds, served, data_seconds, dead = (list(x) for x in zip(*runs[name]))
        # Dead latents (none fired in the last dead_feature_window steps) switch on topk's auxiliary
        # loss, which costs compute: a difference here is a difference in work, not in data loading.
        result[name] = {"seconds": seconds, "rows_served": served, "data_seconds": data_seconds, "dead_latents": dead,
                        "median_seconds": statistics.median(seconds), "rows_per_s": rows / statistics.median(seconds)}
    result["ratio"] = result["ours"]["rows_per_s"] / result["saelens"]["rows_per_s"]
    return result


def format_sae_bench(result: dict) -> str:
    """A short report; its last line is the throughput ratio."""
    cfg, export = result["config"], result["export"]

    def side(name: str) -> str:
        r = result[name]
        runs = ", ".join(f"{s:.2f} s ({d:.2f} s fetching data)" for s, d in zip(r["seconds"], r["data_seconds"]))
        dead = ", ".join(str(n) for n in r["dead_latents"])
        return f"{r['rows_per_s']:,.0f} rows/s (median of {len(r['seconds'])}: {runs}; dead latents at the end: {dead})"

    return "\n".join([
        (f"SAE training: {cfg['arch']} width {cfg['width']} k {cfg['k']}, batch {cfg['batch_size']}, "
         f"{result['rows']:,} rows per run, {result['device']} ({result['threads']} threads)"),
        (f"store {result['store']} layer {cfg['layer']}: {result['store_rows']:,} rows, "
         f"{export['massive_rows_left_out']} massive and {export['tail_rows_left_out']} tail rows left out; "
         f"{export['rows']:,} exported to SAELens's cached-activation format in {result['export_seconds']:.1f} s "
         "(not timed)"),
        f"SAELens LanguageModelSAETrainingRunner (cached activations): {side('saelens')}",
        f"ours (train_sae on activation_batches): {side('ours')}",
        f"ours/SAELens throughput ratio: {result['ratio']:.2f}",
    ])
