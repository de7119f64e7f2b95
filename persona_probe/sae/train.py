"""``persona-probe sae train``: an SAE on one layer of a store, trained by SAELens's ``SAETrainer``.

The folder it writes is an SAELens folder (``cfg.json`` + ``sae_weights.safetensors``, opened by
``sae_lens.SAE.load_from_disk``), plus ``persona_probe.json``: where the activations came
from, the training settings and the metrics measured on held-out batches.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from ..activations.store import ActivationStore
from ..artifacts import SPARSE_AUTOENCODER, atomic_write_json, provenance
from ..errors import PersonaProbeError
from ..residual import massive_threshold
from .architectures import SAESettings, training_sae
from .data import activation_batches

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class SAETrainConfig(SAESettings):
    """Train an SAE on one layer of a store.

    Train an SAE with SAELens's SAETrainer on one layer of an activation store, streamed from disk; save it in SAELens's format with persona_probe.json (provenance and metrics)."""

    store: str
    """Activation store to train on (per-token stores suit SAEs best; pooled ones work)."""
    layer: int
    """Which cached layer."""
    out: str
    """Output folder (an SAELens folder plus persona_probe.json)."""
    rows: int = 0
    """Training rows (activations) to see; 0 means one pass over the store."""
    batch_size: int = 1024
    """Rows per training step."""
    eval_rows: int = 8192
    """Rows from a separately seeded stream to measure MSE, explained variance, L0 and dead latents on."""
    massive_factor: float = 20.0
    """Rows with a norm over this many times their shard's median (the attention sink) are left out; 0 keeps them."""
    ce_texts: str = "builtin:neutral"
    """Text to measure the CE-loss increase on with the SAE spliced into the store's model: builtin:neutral, a JSONL of {"text"} rows, a text file, or none (loads no model)."""
    checkpoints: int = 4
    """Checkpoints during training (OUT/checkpoint, safetensors + JSON); a rerun resumes from the last one."""


def train_sae(batches, d_in: int, arch: str, width: int, k: int, sparsity_coefficient: float, rows: int,
              batch_size: int, lr: float, device: str = "cpu", metadata: dict | None = None, seed: int = 0,
              checkpoint_dir: str | Path | None = None, checkpoints: int = 0, run_key: dict | None = None):
    """Train an SAE with SAELens's ``SAETrainer`` on an iterator of ``[batch, d_in]`` batches.

    With ``checkpoint_dir``, ``checkpoints`` evenly spaced checkpoints are written there
    (:mod:`.checkpoint`), and a checkpoint already there from the same ``run_key`` is resumed:
    the iterator is fast-forwarded past the batches it had consumed.
    """
    from sae_lens.config import LoggingConfig, SAETrainerConfig

    from .checkpoint import CheckpointingTrainer, SteppedTrainer

    torch.manual_seed(seed)
    sae = training_sae(arch, d_in, width, k, sparsity_coefficient, metadata or {}, device)
    trainer_cfg = SAETrainerConfig(
        total_training_samples=rows, train_batch_size_samples=batch_size, lr=lr, lr_end=lr, device=device,
        logger=LoggingConfig(log_to_wandb=False), n_checkpoints=checkpoints if checkpoint_dir else 0,
        checkpoint_path=None, save_final_checkpoint=False, n_batches_for_norm_estimate=1,
        # windows in steps: short runs still get dead-latent resampling statistics
        dead_feature_window=max(10, rows // batch_size // 10), feature_sampling_window=max(10, rows // batch_size // 5))
    if checkpoint_dir is None:
        SteppedTrainer(trainer_cfg, sae, batches).fit()
        return sae
    trainer = CheckpointingTrainer(trainer_cfg, sae, batches, Path(checkpoint_dir), run_key or {})
    consumed = trainer.restore()
    if consumed:
        log.info("resuming SAE training from %s after %d rows", checkpoint_dir, trainer.n_training_samples)
        for _ in range(consumed):  # the same stream as an uninterrupted run
            next(batches)
    trainer.fit()
    return sae


@torch.no_grad()
def sae_metrics(sae, batches, n_rows: int) -> dict:
    """MSE, explained variance, mean L0 and dead latents of ``sae`` over ``n_rows`` rows."""
    seen, squared_error, total_variance, l0 = 0, 0.0, 0.0, 0.0
    fired = torch.zeros(sae.cfg.d_sae, dtype=torch.bool)
    rows = []
    for batch in batches:
        rows.append(batch)
        seen += len(batch)
        if seen >= n_rows:
            break
    x = torch.cat(rows)[:n_rows].to(sae.device)
    for chunk in x.split(4096):
        acts = sae.encode(chunk)
        recon = sae.decode(acts)
        squared_error += float(((recon - chunk) ** 2).sum())
        l0 += float((acts > 0).sum())
        fired |= (acts > 0).any(0).cpu()
    total_variance = float(((x - x.mean(0)) ** 2).sum())
    return {"mse": squared_error / x.numel(), "explained_variance": 1 - squared_error / total_variance,
            "l0": l0 / len(x), "dead_latents": int((~fired).sum()), "dead_fraction": float((~fired).float().mean()),
            "eval_rows": len(x)}


def spliced_ce(sae, store: ActivationStore, layer: int, texts_spec: str, device: str,
               massive_factor: float | None) -> dict:
    """The CE-loss figures of :func:`.splice.splice_loss` on the store's own model."""
    from ..evaluation.neutral import load_neutral_texts
    from ..models.loading import load_model
    from .splice import splice_loss

    texts = load_neutral_texts(texts_spec)
    spec = store.cfg.get("model", {}).get("spec")
    log.info("CE loss with the SAE spliced in: loading %s", spec)
    model = load_model(spec, device, store.cfg.get("model_dtype", "auto"))
    if model.identity.to_dict().get("sha256") != store.cfg["model"].get("sha256"):
        raise PersonaProbeError(f"{spec} now has other weights than when {store.path} was cached; "
                                "the CE loss would be of another model (pass --ce-texts none to skip it)")
    return {"ce": splice_loss(model, sae, layer, texts, massive_factor), "ce_texts": texts_spec}


def run_sae_train(cfg: SAETrainConfig, progress: bool = True) -> dict:
    from ..models.loading import resolve_device

    store = ActivationStore(cfg.store)
    if cfg.layer not in store.layers:
        raise PersonaProbeError(f"--layer {cfg.layer} was not cached in {cfg.store}; it holds layers {store.layers}")
    if cfg.width < 1 or cfg.k < 1 or cfg.batch_size < 1:
        raise PersonaProbeError("--width, --k and --batch-size must be positive")
    available = int(store.cfg.get("n_tokens", 0)) if store.pooling == "tokens" else len(store)
    rows = cfg.rows or available
    device = str(resolve_device(cfg.device))
    massive = massive_threshold(cfg.massive_factor)
    model = store.cfg.get("model", {})
    metadata = {"model_name": model.get("name"), "hook_name": f"blocks.{cfg.layer}.hook_resid_post",
                "persona_probe_store": str(store.path)}
    out = Path(cfg.out)
    settings = {k: v for k, v in asdict(cfg).items() if k not in ("device", "out")}
    finished = _finished_record(out, settings)
    if finished is not None:
        log.info("%s already holds this SAE; rerun with other settings or another --out to train again", out)
        return finished
    run_key = {"settings": settings, "store_data": store.cfg.get("data"), "model": model.get("sha256")}
    log.info("training a %s SAE (width %d) on %d rows of layer %d from %s", cfg.arch, cfg.width, rows, cfg.layer,
             cfg.store)
    # the mixing buffer on the training device: rows cross to a GPU once, the shuffling runs there
    batches = activation_batches(store, cfg.layer, cfg.batch_size, cfg.seed, massive_factor=massive, device=device)
    sae = train_sae(batches, store.d_model, cfg.arch, cfg.width, cfg.k, cfg.sparsity_coefficient, rows,
                    cfg.batch_size, cfg.lr, device, metadata, cfg.seed, checkpoint_dir=out / "checkpoint",
                    checkpoints=cfg.checkpoints, run_key=run_key)
    sae.save_inference_model(out)
    eval_stream = activation_batches(store, cfg.layer, min(cfg.batch_size, cfg.eval_rows), cfg.seed + 1,
                                     massive_factor=massive)
    from sae_lens import SAE

    trained = SAE.load_from_disk(out, device=device)
    metrics = sae_metrics(trained, eval_stream, min(cfg.eval_rows, available))
    # SAELens counts a latent dead when it has not fired over its last training window (cfg.json's
    # num_dead_features); ours is over the held-out rows. Both are kept, each under its own name.
    metrics["dead_latents_training"] = getattr(trained.cfg.metadata, "num_dead_features", None)
    metrics["dead_training_window_steps"] = max(10, rows // cfg.batch_size // 10)
    if metrics["explained_variance"] < 0:
        message = (f"explained variance {metrics['explained_variance']:.3f} is below 0: the SAE reconstructs the "
                   f"held-out rows worse than their mean does; train on more rows (--rows), or raise --k or --width")
        log.warning(message)
        metrics["warnings"] = [message]
    if cfg.ce_texts != "none":
        metrics.update(spliced_ce(trained, store, cfg.layer, cfg.ce_texts, device, massive))
    record = {"kind": SPARSE_AUTOENCODER.name, "config": asdict(cfg), "training_rows": rows, "store_rows": available,
              "model": model, "store": str(store.path), "store_data": store.cfg.get("data"),
              "hook_name": metadata["hook_name"], "metrics": metrics, "provenance": provenance()}
    atomic_write_json(out / "persona_probe.json", record)
    shutil.rmtree(out / "checkpoint", ignore_errors=True)  # the finished SAE supersedes it
    return record


def _finished_record(out: Path, settings: dict) -> dict | None:
    """The record of a finished SAE in ``out`` with these settings; None if there is none; an error if other settings."""
    path = out / "persona_probe.json"
    if not path.is_file():
        return None
    record = json.loads(path.read_text())
    old = {k: v for k, v in record.get("config", {}).items() if k not in ("device", "out")}
    if old != settings:
        changed = sorted(k for k in set(old) | set(settings) if old.get(k) != settings.get(k))
        raise PersonaProbeError(f"{out} holds an SAE trained with other settings ({', '.join(changed)} differ); "
                                "use another --out")
    return record
