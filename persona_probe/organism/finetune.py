"""``persona-probe finetune``: a LoRA adapter trained on chat JSONL, loss on the answers only.

The recipe follows the published open-model emergent-misalignment fine-tunes (LoRA with
rank-stabilised scaling, one epoch, linear warm-up and decay, no dropout) at a size a CPU can
train. The output folder is a PEFT adapter (``adapter_config.json`` +
``adapter_model.safetensors``), so ``BASE+OUT`` is a model spec everywhere, plus
``finetune.json``: the settings, the data and model hashes, the loss curve and the speed.

Training resumes: every ``--checkpoint-every`` steps the adapter weights, the AdamW moments
and the step count go to ``OUT/checkpoint/`` (safetensors + JSON, no pickles). The row order is
a seeded permutation and there is no dropout, so a resumed run ends with the same weights as an
uninterrupted one.
"""

from __future__ import annotations

import logging
import math
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from ..artifacts import FINETUNE, atomic_write_json, provenance
from ..checkpoints import load_checkpoint, save_checkpoint
from ..errors import DataError, ModelSpecError, PersonaProbeError
from ..models.settings import DeviceSettings
from ..residual import parse_layers
from .defences import TrainingHooks, base_residual_norms, kl_to_base, mixed_in
from .monitor import MONITOR_FILE, TrainingMonitor, direction_layer

log = logging.getLogger(__name__)

ADAPTER_WEIGHTS = "adapter_model.safetensors"
RECORD = "finetune.json"
CHECKPOINT = "checkpoint"
ALL_LINEAR = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True, kw_only=True)
class FinetuneConfig(DeviceSettings):
    """Train a LoRA adapter on chat JSONL (loss on the answers only; resumable).

    LoRA through PEFT with rank-stabilised scaling, loss on each row's final assistant message. The output folder is a PEFT adapter: use BASE+OUT as a model spec."""

    model: str = "smollm2-135m"
    """Base model spec to adapt (not itself BASE+ADAPTER)."""
    data: str
    """Chat JSONL to train on; the loss covers each row's final assistant message and the end-of-turn token after it."""
    out: str
    """Output folder: a PEFT adapter (load it as BASE+OUT) plus finetune.json. A rerun resumes it."""
    rank: int = 8
    """LoRA rank."""
    alpha: float = 16.0
    """LoRA alpha; with rsLoRA the update is scaled by alpha / sqrt(rank)."""
    rslora: bool = True
    """Rank-stabilised LoRA scaling (alpha / sqrt(rank) instead of alpha / rank), as in the published recipe."""
    target_modules: str = "all-linear"
    """Comma-separated module names to adapt (e.g. q_proj,v_proj), or all-linear for attention and MLP projections."""
    lr: float = 2e-4
    """Peak learning rate (AdamW), reached after the warm-up and decayed linearly to 0."""
    warmup_steps: int = 5
    """Steps of linear warm-up."""
    weight_decay: float = 0.01
    """AdamW weight decay on the adapter weights."""
    epochs: int = 1
    """Passes over the data."""
    batch_size: int = 4
    """Rows per optimiser step."""
    max_length: int = 512
    """Rows longer than this many tokens are cut to it (the count is recorded)."""
    limit: int = 0
    """Train on the first N rows of the data only; 0 uses all."""
    seed: int = 0
    """Seed of the adapter's initialisation and of the row order."""
    checkpoint_every: int = 25
    """Steps between checkpoints (OUT/checkpoint); 0 writes none."""
    save_dtype: str = "bfloat16"
    """dtype of the saved adapter weights: bfloat16 (half the size) or float32."""
    layers: str = "all"
    """Decoder layers to adapt: all, or e.g. 18 or 12-24 (with --rank 1 --target-modules down_proj: a rank-1 organism)."""
    monitor: str | None = None
    """A direction folder: at step 0 and every checkpoint, write to OUT/monitor.jsonl the neutral passages' projection on it, a short out-of-domain MC score, the loss, the update's norm and (rank 1) the B vectors' rotation."""
    monitor_layer: int | None = None
    """The layer --monitor reads (needed unless the direction has one usable layer)."""
    monitor_mc_items: int = 40
    """MC persona items the monitor scores: a fixed, evenly spaced subset of those outside --monitor-leave-out; 0 = all."""
    monitor_leave_out: str = ""
    """Areas whose MC items the monitor leaves out: the fine-tune's own domain (e.g. sports,harmful_advice)."""
    alert: float = 0.0
    """Warn when the neutral projection moves by more than this many base standard deviations; 0 = never."""
    ablate: str | None = None
    """CAFT defence: a direction projected out of the residual stream at --defence-layers, during training only."""
    ablate_mode: str = "resid_post"
    """How --ablate acts: resid_post (each chosen layer's output) or writers (every write to the stream, first chosen layer's vector)."""
    steer: str | None = None
    """Preventative steering: a direction added at --defence-layers during training only, --steer-alpha times the base's typical residual norm."""
    steer_alpha: float = 0.0
    """Steering strength for --steer, in units of the base model's typical residual norm at the layer."""
    defence_layers: str = ""
    """Layers where --ablate and --steer act (e.g. 18 or 12-24); needed unless the direction has one usable layer."""
    kl_data: str | None = None
    """Chat JSONL of other data: the loss adds --kl-weight x KL(base || tuned) on its answer tokens, a batch per step."""
    kl_weight: float = 0.0
    """Weight of the KL-to-base penalty (with --kl-data)."""
    mix: str | None = None
    """Chat JSONL of safe data to interleave with the training rows."""
    mix_share: float = 0.0
    """Share of the training rows drawn from --mix (0.2 = one row in five), added to the data rows."""


@dataclass(frozen=True)
class TrainingRow:
    """One tokenised row: its tokens and which of them carry the loss."""

    input_ids: tuple[int, ...]
    loss_mask: tuple[bool, ...]


def training_rows(conversations, tokenizer, max_length: int) -> tuple[list[TrainingRow], int]:
    """Tokenise chats with the chat template; returns the rows and how many were cut to ``max_length``."""
    from ..datasets.rendering import render_conversation

    rows, cut = [], 0
    end_of_turn = _end_of_turn_ids(tokenizer)
    for conv in conversations:
        if not conv.has_response:
            raise DataError(f"{conv.source or conv.id}: the last message must be the assistant's answer to train on")
        rendered = render_conversation(conv, tokenizer)
        if rendered.response_start is None:
            raise DataError(f"{conv.source or conv.id}: the assistant's answer is empty")
        ids = rendered.input_ids
        stop = rendered.response_end
        if stop < len(ids) and ids[stop] in end_of_turn:
            stop += 1  # learn to end the turn, or the tuned model rambles on
        mask = tuple(rendered.response_start <= i < stop for i in range(len(ids)))
        if len(ids) > max_length:
            cut += 1
            ids, mask = ids[:max_length], mask[:max_length]
        if not any(mask[1:]):
            raise DataError(f"{conv.source or conv.id}: no answer tokens left within --max-length {max_length}")
        rows.append(TrainingRow(tuple(ids), mask))
    return rows, cut


def _end_of_turn_ids(tokenizer) -> set[int]:
    ids = {tokenizer.eos_token_id}
    for token in ("<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>"):
        token_id = tokenizer.convert_tokens_to_ids(token)
        if isinstance(token_id, int) and token_id != tokenizer.unk_token_id:
            ids.add(token_id)
    return {i for i in ids if i is not None}


def batch_order(n_rows: int, epochs: int, batch_size: int, seed: int) -> list[list[int]]:
    """Row indices of every step: a seeded permutation per epoch, cut into batches."""
    generator = torch.Generator().manual_seed(seed)
    order = [i for _ in range(epochs) for i in torch.randperm(n_rows, generator=generator).tolist()]
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def collate(rows: list[TrainingRow], pad_id: int) -> dict[str, torch.Tensor]:
    """Right-padded ``input_ids``, ``attention_mask`` and ``labels`` (-100 off the answers)."""
    width = max(len(r.input_ids) for r in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    labels = torch.full((len(rows), width), -100, dtype=torch.long)
    for i, row in enumerate(rows):
        n = len(row.input_ids)
        ids = torch.tensor(row.input_ids)
        input_ids[i, :n], attention[i, :n] = ids, 1
        labels[i, :n] = torch.where(torch.tensor(row.loss_mask), ids, -100)
    return {"input_ids": input_ids, "attention_mask": attention, "labels": labels}


def lr_factor(step: int, warmup: int, total: int) -> float:
    """Linear warm-up to 1 over ``warmup`` steps, then linear decay to 0 at ``total``."""
    if step < warmup:
        return (step + 1) / (warmup + 1)
    return max(0.0, (total - step) / max(1, total - warmup))


def _target_modules(text: str) -> list[str]:
    names = list(ALL_LINEAR) if text == "all-linear" else [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise PersonaProbeError("--target-modules is empty; use all-linear or names such as q_proj,v_proj")
    return names


# Added after adapters were shipped: left out of the run key at their defaults, so older records still match.
_OPTIONAL_SETTINGS = ("layers", "monitor", "monitor_layer", "monitor_mc_items", "monitor_leave_out", "alert", "ablate",
                      "ablate_mode", "steer", "steer_alpha", "defence_layers", "kl_data", "kl_weight", "mix", "mix_share")


def run_key(cfg: FinetuneConfig, data_sha: str, identity: dict, input_shas: dict | None = None) -> dict:
    """What must match for a checkpoint or a finished adapter to belong to this run."""
    defaults = FinetuneConfig(data="", out="")
    settings = {k: v for k, v in asdict(cfg).items() if k not in ("out", "device", "checkpoint_every", "data")
                and not (k in _OPTIONAL_SETTINGS and v == getattr(defaults, k))}
    key = {"settings": settings, "data_sha256": data_sha, "model": identity}
    if input_shas:
        key["inputs_sha256"] = input_shas
    return key


def _input_shas(cfg: FinetuneConfig, extra_data: dict) -> dict:
    """Content hashes of the directions and extra data (``extra_data``: option -> Dataset) a run reads, so a
    resumed run reads the same ones."""
    from ..models.loading import folder_sha256

    shas = {name: folder_sha256(getattr(cfg, name)) for name in ("monitor", "ablate", "steer") if getattr(cfg, name)}
    return {**shas, **{name: dataset.sha256 for name, dataset in extra_data.items()}}


def _check_options(cfg: FinetuneConfig) -> None:
    if cfg.save_dtype not in ("bfloat16", "float32"):
        raise PersonaProbeError(f"--save-dtype {cfg.save_dtype!r}: use bfloat16 or float32")
    for name in ("rank", "batch_size", "epochs", "max_length"):
        if getattr(cfg, name) < 1:
            raise PersonaProbeError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(cfg, name)}")
    if cfg.ablate_mode not in ("resid_post", "writers"):
        raise PersonaProbeError(f"--ablate-mode {cfg.ablate_mode!r}: use resid_post or writers")
    if bool(cfg.kl_data) != bool(cfg.kl_weight):
        raise PersonaProbeError("--kl-data and --kl-weight go together: give both (a weight above 0) or neither")
    if bool(cfg.mix) != bool(cfg.mix_share):
        raise PersonaProbeError("--mix and --mix-share go together: give both (a share in (0, 1)) or neither")
    if bool(cfg.steer) != bool(cfg.steer_alpha):
        raise PersonaProbeError("--steer and --steer-alpha go together: give both (a non-zero alpha) or neither")
    for name in ("monitor", "ablate", "steer"):
        folder = getattr(cfg, name)
        if folder and not (Path(folder) / "cfg.json").is_file():
            raise PersonaProbeError(f"--{name} {folder}: not a direction folder (no cfg.json); make one with "
                                    "persona-probe direction mean-diff or audit")


def run_finetune(cfg: FinetuneConfig, progress: bool = True, on_step=None) -> dict:
    """Train (or resume, or find finished) the adapter of ``cfg``; returns the ``finetune.json`` record.

    ``on_step(step)`` is called after every optimiser step (tests use it to interrupt a run).
    """
    from peft import LoraConfig, get_peft_model
    from tqdm.auto import tqdm

    from ..datasets.conversations import load_conversations
    from ..models.loading import load_hf_model, parse_spec, resolve_device, wrap_hf_model

    _check_options(cfg)
    if parse_spec(cfg.model).adapter:
        raise ModelSpecError(
            f"--model {cfg.model!r} already has an adapter; fine-tune its base, or save the merged "
            "model as a folder and pass that folder"
        )
    out = Path(cfg.out)
    dataset = load_conversations(cfg.data)
    data_sha = dataset.sha256
    conversations = list(dataset.conversations)[: cfg.limit or None]
    # OpenAI's weight: 0 marks an answer not to learn from; the loss covers only the final answer, so such a
    # row has nothing to teach and is left out (earlier assistant turns are context, never trained on).
    unweighted = sum(c.has_response and c.messages[-1].weight == 0 for c in conversations)
    conversations = [c for c in conversations if not (c.has_response and c.messages[-1].weight == 0)]
    if unweighted:
        log.info("%d rows whose final answer has weight 0 are not trained on", unweighted)
    if not conversations:
        raise DataError(f"{cfg.data}: every row's final answer has weight 0, so there is nothing to train on")

    device = resolve_device(cfg.device)
    torch.manual_seed(cfg.seed)  # LoRA's A matrices are drawn at wrapping time
    hf_model, tokenizer, identity = load_hf_model(cfg.model, torch.float32)
    extra_data = {name: load_conversations(getattr(cfg, name)) for name in ("kl_data", "mix") if getattr(cfg, name)}
    key = run_key(cfg, data_sha, identity.to_dict(), _input_shas(cfg, extra_data))
    finished = _finished(out, key)
    if finished:
        log.info("%s already holds this adapter; nothing to do", out)
        return finished
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    rows, cut = training_rows(conversations, tokenizer, cfg.max_length)
    if cut:
        log.warning("%d of %d rows were cut to --max-length %d tokens", cut, len(rows), cfg.max_length)
    data_rows = len(rows)
    if cfg.mix:
        mix_rows, _ = training_rows(extra_data["mix"].conversations, tokenizer, cfg.max_length)
        rows = mixed_in(rows, mix_rows, cfg.mix_share, cfg.seed)
    kl_rows = training_rows(extra_data["kl_data"].conversations, tokenizer, cfg.max_length)[0] if cfg.kl_data else []

    n_layers = int(hf_model.config.num_hidden_layers)
    lora = LoraConfig(r=cfg.rank, lora_alpha=cfg.alpha, use_rslora=cfg.rslora, lora_dropout=0.0,
                      target_modules=_target_modules(cfg.target_modules), task_type="CAUSAL_LM",
                      layers_to_transform=None if cfg.layers == "all" else parse_layers(cfg.layers, n_layers))
    try:
        model = get_peft_model(hf_model, lora).to(device)
    except ValueError as err:
        raise PersonaProbeError(f"--target-modules {cfg.target_modules!r} / --layers {cfg.layers!r}: {err}") from None
    # Monitoring and the hook defences need hook points: the bridge wraps the model in place (its
    # forward stays the model's own), so the same weights train and are measured.
    loaded = wrap_hf_model(model.get_base_model(), tokenizer, identity) if (cfg.monitor or cfg.ablate or cfg.steer) \
        else None
    model.train()
    params = {_param_name(n): p for n, p in model.named_parameters() if p.requires_grad}
    optimizer = torch.optim.AdamW(params.values(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    steps = batch_order(len(rows), cfg.epochs, cfg.batch_size, cfg.seed)
    kl_steps = batch_order(len(kl_rows), math.ceil(len(steps) * cfg.batch_size / len(kl_rows)), cfg.batch_size,
                           cfg.seed + 1) if kl_rows else []
    hooks, defences = _training_hooks(cfg, loaded, model, n_layers)

    out.mkdir(parents=True, exist_ok=True)
    start, losses, seconds = _restore(out / CHECKPOINT, key, params, optimizer)
    if start:
        log.info("resuming %s at step %d of %d", out, start, len(steps))
    monitor = _monitor(cfg, loaded, out)
    if monitor:
        monitor.resume(start, model)
        if not start:
            monitor.measure(0, model, [])
    answer_tokens = sum(sum(r.loss_mask) for r in rows)
    bar = tqdm(total=len(steps), initial=start, desc="finetune", unit="step", disable=not progress)
    began = time.perf_counter() - seconds
    last_row, final_row = start, None
    for step in range(start, len(steps)):
        batch = {k: v.to(device) for k, v in collate([rows[i] for i in steps[step]], tokenizer.pad_token_id).items()}
        with hooks():
            loss = model(**batch).loss
        if kl_steps:
            kl_batch = collate([kl_rows[i] for i in kl_steps[step]], tokenizer.pad_token_id)
            loss = loss + cfg.kl_weight * kl_to_base(model, {k: v.to(device) for k, v in kl_batch.items()})
        if not torch.isfinite(loss):
            raise PersonaProbeError(f"the loss became {loss.item()} at step {step}; lower --lr")
        loss.backward()
        for group in optimizer.param_groups:  # set from the step number, so a resumed run needs no scheduler state
            group["lr"] = cfg.lr * lr_factor(step, cfg.warmup_steps, len(steps))
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(round(loss.item(), 5))
        bar.update(1)
        bar.set_postfix(loss=f"{loss.item():.3f}")
        done = step + 1
        at_checkpoint = cfg.checkpoint_every and done % cfg.checkpoint_every == 0
        if monitor and (at_checkpoint or done == len(steps)):
            final_row = monitor.measure(done, model, losses[last_row:])
            last_row = done
            bar.set_postfix(loss=f"{loss.item():.3f}", shift=f"{final_row['projection']['shift']:+.3f}")
        if at_checkpoint and done < len(steps):
            _save_checkpoint(out / CHECKPOINT, key, params, optimizer, done, losses, time.perf_counter() - began)
        if on_step:
            on_step(done)
    bar.close()
    seconds = time.perf_counter() - began
    tokens = sum(len(rows[i].input_ids) for batch in steps for i in batch)
    record = {
        "kind": FINETUNE.name,
        "run": key,
        "model": identity.to_dict(),
        "data": {"path": str(cfg.data), "sha256": data_sha, "rows": data_rows, "rows_cut": cut,
                 **({"rows_weight_zero": unweighted} if unweighted else {}),
                 "answer_tokens": answer_tokens},
        "lora": {"rank": cfg.rank, "alpha": cfg.alpha, "rslora": cfg.rslora,
                 "scaling": cfg.alpha / math.sqrt(cfg.rank) if cfg.rslora else cfg.alpha / cfg.rank,
                 "target_modules": _target_modules(cfg.target_modules),
                 **({"layers": parse_layers(cfg.layers, n_layers)} if cfg.layers != "all" else {}),
                 "trainable_parameters": sum(p.numel() for p in params.values())},
        "steps": len(steps),
        "loss": {"first": losses[0], "last": losses[-1],
                 "first_10_mean": sum(losses[:10]) / len(losses[:10]),
                 "last_10_mean": sum(losses[-10:]) / len(losses[-10:]), "curve": losses},
        "seconds": round(seconds, 2),
        "tokens_per_second": round(tokens / seconds, 1) if seconds else None,
        "spec": f"{cfg.model}+{out}",
        "provenance": provenance(),
    }
    if defences or cfg.kl_data or cfg.mix:
        record["defences"] = {**defences,
                              **({"kl": {"data": cfg.kl_data, "weight": cfg.kl_weight, "rows": len(kl_rows)}}
                                 if cfg.kl_data else {}),
                              **({"mix": {"data": cfg.mix, "share": cfg.mix_share, "rows": len(rows) - data_rows}}
                                 if cfg.mix else {})}
    if monitor:
        record["monitor"] = {"file": MONITOR_FILE, "direction": cfg.monitor, **monitor.settings(),
                             "final": {k: v for k, v in final_row.items() if k != "baseline"}}
    _save_adapter(model, out, cfg.save_dtype, identity)
    atomic_write_json(out / RECORD, record)
    shutil.rmtree(out / CHECKPOINT, ignore_errors=True)
    return record


def _param_name(name: str) -> str:
    """A parameter's PEFT name, without the wrapper names the bridge adds when it wraps the model."""
    return name.replace("._original_component", "")


def _training_hooks(cfg: FinetuneConfig, loaded, peft_model, n_layers: int) -> tuple[TrainingHooks, dict]:
    """The training-only hooks of --ablate and --steer, and what the record says of them."""
    ablate, ablate_layers = _defence_direction(cfg, "ablate", loaded, n_layers)
    steer, steer_layers = _defence_direction(cfg, "steer", loaded, n_layers)
    settings: dict = {}
    if ablate:
        settings["ablate"] = {"direction": cfg.ablate, "layers": ablate_layers, "mode": cfg.ablate_mode}
    scale = base_residual_norms(loaded, peft_model, steer_layers) if steer else {}
    if steer:
        settings["steer"] = {"direction": cfg.steer, "layers": steer_layers, "alpha": cfg.steer_alpha,
                             "base_residual_norm": {str(k): round(v, 4) for k, v in scale.items()}}
    hooks = TrainingHooks(loaded.bridge if loaded else None, ablate=ablate, ablate_layers=ablate_layers,
                          ablate_mode=cfg.ablate_mode, steer=steer, steer_layers=steer_layers,
                          steer_alpha=cfg.steer_alpha, steer_scale=scale)
    return hooks, settings


def _defence_direction(cfg: FinetuneConfig, option: str, loaded, n_layers: int):
    """The direction of --ablate or --steer and the layers it acts at; (None, []) when the option is not given."""
    from ..directions.direction import Direction

    if not getattr(cfg, option):
        return None, []
    direction = Direction.load(getattr(cfg, option))
    direction.check_model(n_layers, loaded.d_model, "the model being fine-tuned")
    layers = parse_layers(cfg.defence_layers, n_layers) if cfg.defence_layers else \
        [direction_layer(direction, None, "--defence-layers")]
    for layer in layers:
        direction.at(layer)  # a clear error for a layer the direction has no vector at
    return direction, layers


def _monitor(cfg: FinetuneConfig, loaded, out: Path) -> TrainingMonitor | None:
    from ..directions.direction import Direction
    from ..evaluation.areas import parse_areas

    if not cfg.monitor:
        return None
    direction = Direction.load(cfg.monitor)
    layer = direction_layer(direction, cfg.monitor_layer, "--monitor-layer")
    return TrainingMonitor(loaded, direction, layer, out, mc_items=cfg.monitor_mc_items,
                           leave_out=parse_areas(cfg.monitor_leave_out), alert_sd=cfg.alert)


def _save_adapter(model, out: Path, save_dtype: str, identity) -> None:
    from peft import get_peft_model_state_dict
    from safetensors.torch import save_file

    dtype = torch.bfloat16 if save_dtype == "bfloat16" else torch.float32
    state = {_param_name(k): v.detach().to("cpu", dtype).contiguous()
             for k, v in get_peft_model_state_dict(model).items()}
    config = model.peft_config["default"]
    # PEFT records the folder the base was loaded from: for the embedded model that is this machine's
    # conversion cache. Record the portable name instead (persona_probe loads BASE+ADAPTER from the spec).
    config.base_model_name_or_path, config.revision = identity.portable_base
    config.save_pretrained(str(out))
    tmp = out / f".{ADAPTER_WEIGHTS}.tmp"
    save_file(state, str(tmp), metadata={"format": "pt"})
    tmp.chmod(0o644)  # safetensors writes owner-only; adapters are shared like any model file
    tmp.replace(out / ADAPTER_WEIGHTS)


def _finished(out: Path, key: dict) -> dict | None:
    """The record of a finished run with the same key; an adapter from other settings is refused."""
    import json

    path = out / RECORD
    if not path.is_file():
        return None
    record = json.loads(path.read_text())
    if record.get("run") != key:
        raise PersonaProbeError(
            f"{out} already holds an adapter trained with other settings, data or model; use another --out"
        )
    return record if (out / ADAPTER_WEIGHTS).is_file() else None


def _save_checkpoint(folder: Path, key: dict, params: dict, optimizer, step: int, losses: list, seconds: float) -> None:
    tensors = {f"param.{name}": p for name, p in params.items()}
    names = list(params)
    for index, state in optimizer.state_dict()["state"].items():
        for field, value in state.items():
            tensors[f"optimizer.{names[index]}.{field}"] = value if torch.is_tensor(value) else torch.tensor(value)
    save_checkpoint(folder, tensors, {"run": key, "step": step, "losses": losses, "seconds": seconds})


def _restore(folder: Path, key: dict, params: dict, optimizer) -> tuple[int, list, float]:
    """Load a checkpoint of this run into the weights and the optimiser; (0, [], 0) without one."""
    found = load_checkpoint(folder, key)
    if found is None:
        return 0, [], 0.0
    tensors, info = found
    with torch.no_grad():
        for name, p in params.items():
            p.copy_(tensors[f"param.{name}"])
    names = list(params)
    state = optimizer.state_dict()
    state["state"] = {
        index: {field.rpartition(".")[2]: tensors[field] for field in tensors
                if field.startswith(f"optimizer.{name}.")}
        for index, name in enumerate(names)
    }
    optimizer.load_state_dict(state)
    return info["step"], info["losses"], info["seconds"]
