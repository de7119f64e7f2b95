"""The causal tests of a direction: the ablation claim test and the steering dose-response.

Both evaluate a set of *conditions* (the model as it is, with the direction, with
same-norm random directions) the same way: EM rate with a Wilson CI, mean
coherence and the MC persona score (through :func:`persona_probe.evaluation.evaluate.evaluate_model`),
plus side effects on neutral text (KL from the untouched model, perplexity).

Layout of an output folder::

    cfg.json                 what was run: config, direction provenance, target model, transfer
    controls/random-K/       the random directions, saved like any direction
    conditions/NAME/         answers.jsonl, judged.jsonl, summary.json for each condition
    side_effects.json        neutral-text KL and perplexity per condition
    results.json             the table and the comparison against the random controls

A rerun skips finished conditions and resumes a half-finished one, because every
condition's files resume on their own.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Callable, ContextManager

import numpy as np
import torch

from ..artifacts import ABLATE_RUN, STEER_RUN, atomic_write_json, provenance
from ..directions.direction import Direction
from ..directions.spec import direction_spec, resolve_direction
from ..errors import PersonaProbeError
from ..evaluation.areas import parse_areas
from ..evaluation.evaluate import EvalSettings, evaluate_model, load_summary, no_questions
from ..evaluation.judges.registry import check_judge_name
from ..residual import POSITIONS, massive_threshold, parse_layers
from ..stats import fraction_removed, two_proportion_test
from .ablation import Ablation
from .steering import Steering

log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class InterventionSettings(EvalSettings):
    model: str = "smollm2-135m"
    """Model spec to intervene on."""
    direction: str | None = None
    """The direction: a direction folder (from persona-probe direction or probe), or SAE_DIR#latent=K for an SAE latent's decoder row."""
    from_sae: str | None = None
    """Older spelling of --direction SAE_DIR#latent=K: the SAE folder (with --latent)."""
    latent: int | None = None
    """Older spelling of --direction SAE_DIR#latent=K: the latent (with --from-sae)."""
    sae_layer: int | None = None
    """For an SAE latent whose SAE's hook name names no residual layer: the layer it reads (adds ,layer=L)."""
    out: str
    """Output folder; a rerun resumes it."""
    controls: int = 5
    """Same-norm random directions to compare against."""
    control_seed: int = 0
    """Seed of the random control directions."""
    neutral: str = "builtin:neutral"
    """Neutral text for side effects (KL, perplexity): builtin:neutral, a JSONL of {"text"} rows, or a text file."""
    massive_factor: float = 20.0
    """Positions whose residual norm exceeds this many times their row's median (the attention sink) are never projected; 0 projects everywhere."""


@dataclass(frozen=True, kw_only=True)
class AblateConfig(InterventionSettings):
    """The claim test: project a direction out, against random controls.

    The claim test: the model as it is, with the direction projected out, and with same-norm random directions projected out; EM rate, MC score, coherence, neutral-text KL and perplexity. Reruns resume."""

    layers: str = "all"
    """Layers to project the direction out at, each with its own vector: all (every layer the direction covers), or e.g. 10,12 or 8-14."""
    mode: str = field(default="resid_post", metadata={"choices": ("resid_post", "writers")})
    """resid_post: project each chosen layer's output; writers: remove the first chosen layer's vector from everything that writes to the stream (what orthogonalize bakes in)."""
    reference: str | None = None
    """An evaluate folder of the base model with the same --mc items: the claim then states the fraction of the model's MC shift over the base that ablation removes, (MC as-is - MC ablated) / (MC as-is - MC base), with a bootstrap CI over items, for the direction and each random control; out of domain too with --leave-out."""


@dataclass(frozen=True, kw_only=True)
class SteerConfig(InterventionSettings):
    """Dose-response: steer with a direction at several alphas.

    Dose-response: EM rate, MC score, coherence and neutral-text perplexity against alpha, with same-norm random directions at the same alphas. Reruns resume."""

    layers: str
    """Layer(s) to add the direction at, e.g. 15 or 12,15."""
    alphas: str = "-1,-0.5,0,0.25,0.5,1"
    """Steering strengths, in units of the layer's median residual norm on neutral text."""
    positions: str = field(default="all", metadata={"choices": POSITIONS})
    """Where to add it: every position, only the prompt's, or only the response's."""
    controls: int = 2
    """Same-norm random directions steered at every nonzero alpha."""


@dataclass(frozen=True)
class Condition:
    name: str
    """Folder name under conditions/."""
    meta: dict
    """What it is: kind, direction, alpha; recorded in its answers and summary."""
    hooks: Callable[[], ContextManager | None]
    """A fresh intervention context per use (None for the model as it is)."""


def random_directions(template: Direction, count: int, seed: int) -> list[Direction]:
    """``count`` random unit vectors per layer of ``template`` (same layers, same unit norm)."""
    generator = torch.Generator().manual_seed(seed)
    out = []
    for k in range(count):
        v = torch.randn(template.vectors.shape, generator=generator)
        out.append(Direction(v / v.norm(dim=-1, keepdim=True), template.layers, torch.ones(len(template.layers)),
                             {"method": "random", "seed": seed, "index": k, "model": template.cfg.get("model")}))
    return out


def transfer_info(direction: Direction, model) -> dict:
    """Whether the direction was found on other weights than the ones it is applied to."""
    source = direction.cfg.get("model") or {}
    target = model.identity.to_dict()
    key = ("sha256", "revision", "adapter", "name")
    same = bool(source) and all(source.get(k) == target.get(k) for k in key)
    return {"direction_model": source, "target_model": target, "same_model": same,
            "direction_data": direction.cfg.get("data"), "direction_method": direction.cfg.get("method")}


def direction_label(cfg: InterventionSettings) -> str:
    """The direction's spec (``DIR`` or ``SAE_DIR#latent=K``), as conditions record it."""
    return direction_spec(cfg.direction, cfg.from_sae, cfg.latent, cfg.sae_layer)


def _load(cfg: InterventionSettings):
    from ..evaluation.judges.base import JudgeSettings
    from ..evaluation.judges.registry import make_judge
    from ..evaluation.mc import load_mc_items
    from ..evaluation.neutral import load_neutral_texts
    from ..models.loading import load_model

    check_judge_name(cfg.judge)
    direction = resolve_direction(direction_label(cfg))
    texts = load_neutral_texts(cfg.neutral)
    items = load_mc_items(cfg.mc) if cfg.mc != "none" else None
    if cfg.controls < 0:
        raise PersonaProbeError(f"--controls must be 0 or more, not {cfg.controls}")
    model = load_model(cfg.model, cfg.device, cfg.model_dtype, device_map=cfg.device_map,
                       max_memory=cfg.max_memory)
    direction.check_model(model.n_layers, model.d_model, name=cfg.model)
    # The judge is made on first use: a rerun with every condition done loads none.
    return model, direction, texts, items, functools.cache(
        lambda: make_judge(cfg.judge, JudgeSettings(cfg.judge_prompts, cfg.judge_concurrency)))


def _chosen_layers(spec: str, direction: Direction, n_layers: int) -> list[int]:
    # "all": every layer with a vector; a layer asked for by name that has none is refused by Direction.at
    layers = direction.usable_layers if spec.strip().lower() == "all" else parse_layers(spec, n_layers)
    missing = [layer for layer in layers if layer not in direction.layers]
    if missing:
        raise PersonaProbeError(f"--layers asks for {missing} but the direction covers only {list(direction.layers)}")
    for layer in layers:
        direction.at(layer)  # a layer where the direction is zero is refused now, by name, not mid-run
    return layers


def _run_conditions(model, get_judge, items, texts, cfg: InterventionSettings, out: Path, conditions: list[Condition],
                    progress: bool) -> tuple[dict, dict]:
    """Evaluate every condition (skipping finished ones) and measure side effects; returns summaries, side effects."""
    from ..evaluation.neutral import side_effects

    summaries = {}
    for i, condition in enumerate(conditions, 1):
        folder = out / "conditions" / condition.name
        summary_path = folder / "summary.json"
        if summary_path.is_file():
            done = json.loads(summary_path.read_text())
            if done.get("condition") == condition.meta:
                summaries[condition.name] = done
                continue
        log.info("condition %d/%d: %s", i, len(conditions), condition.name)
        evaluate_model(model, get_judge(), cfg, folder, items, hooks_factory=condition.hooks, progress=progress,
                       extra={"condition": condition.meta})
        summaries[condition.name] = json.loads(summary_path.read_text())
    effects_path = out / "side_effects.json"
    effects = json.loads(effects_path.read_text()) if effects_path.is_file() else {}
    wanted = {c.name: c for c in conditions if effects.get(c.name, {}).get("condition") != c.meta}
    if wanted:
        log.info("side effects on neutral text: %d conditions", len(wanted))
        measured = side_effects(model, texts, {name: c.hooks for name, c in wanted.items()})
        for name, values in measured.items():
            effects[name] = {**values, "condition": wanted[name].meta}
        atomic_write_json(effects_path, effects)
    return summaries, effects


def _row(summary: dict, effect: dict) -> dict:
    mc = summary.get("mc_persona") or {}
    return {"em_rate": summary["em_rate"], "em_ci95": summary["em_ci95"], "n_answers": summary["n_answers"],
            "n_misaligned": summary["label_counts"]["misaligned"], "mean_coherence": summary["mean_coherence"],
            "mc_score": mc.get("score"), "mc_ci95": mc.get("ci95"),
            "neutral_perplexity": effect["perplexity"], "neutral_kl_mean": effect["kl_mean"],
            "neutral_kl_max": effect["kl_max"]}


def paired_drop(before: dict, after: dict, n_boot: int = 2000, seed: int = 0) -> dict:
    """MC score drop (before - after) over the same items, with a paired bootstrap 95% CI."""
    from ..stats import paired_difference

    drop, ci = paired_difference(before, after, n_boot, seed)
    return {"drop": drop, "ci95": ci}


# Settings a rerun may change in the same folder: they add or drop conditions, never change one.
_EXTENSIBLE = ("controls", "alphas")


def _check_resumable(out: Path, kind: str, cfg) -> None:
    """Refuse, before writing anything, to mix a run with other settings into an existing folder."""
    path = out / "cfg.json"
    if not path.is_file():
        return
    old = json.loads(path.read_text())
    if old.get("kind") != kind:
        raise PersonaProbeError(f"{out} holds a {old.get('kind')!r} run, not {kind!r}; use another --out")
    recorded = old.get("config", {})
    # A setting added after the run was made is compared at its default, which the run used.
    defaults = {f.name: f.default for f in fields(cfg)}
    changed = [k for k, v in asdict(cfg).items() if k not in _EXTENSIBLE and recorded.get(k, defaults[k]) != v]
    if changed:
        raise PersonaProbeError(f"{out} holds a run made with other settings ({', '.join(changed)} differ); "
                                "rerun with the same settings to resume, or use another --out")


def _start_run(out: Path, kind: str, cfg: InterventionSettings, direction: Direction, model,
               extra: dict) -> list[Direction]:
    """Create the folder, save the random controls and ``cfg.json``; returns the controls."""
    out.mkdir(parents=True, exist_ok=True)
    controls = random_directions(direction, cfg.controls, cfg.control_seed)
    for k, control in enumerate(controls):
        control.save(out / "controls" / f"random-{k}")
    atomic_write_json(out / "cfg.json", {"kind": kind, "config": asdict(cfg), "direction": direction.cfg,
                                         "model": model.identity.to_dict(), "transfer": transfer_info(direction, model),
                                         **extra, "provenance": provenance()})
    return controls


def run_ablate(cfg: AblateConfig, progress: bool = True) -> dict:
    """The claim test: does removing the direction remove the misbehaviour, more than removing random ones?"""
    reference = _reference_mc(cfg)  # a bad --reference fails before any model loads
    model, direction, texts, items, get_judge = _load(cfg)
    layers = _chosen_layers(cfg.layers, direction, model.n_layers)
    massive = massive_threshold(cfg.massive_factor)
    out = Path(cfg.out)
    _check_resumable(out, ABLATE_RUN.name, cfg)
    controls = _start_run(out, ABLATE_RUN.name, cfg, direction, model, {"layers": layers})

    def ablation(d: Direction):
        return lambda: Ablation(model.bridge, d, layers, massive, cfg.mode)
    base_meta = {"layers": layers, "mode": cfg.mode, "massive_factor": massive}
    conditions = [Condition("as-is", {"kind": "as-is"}, lambda: None),
                  Condition("ablated", {"kind": "ablated", "direction": direction_label(cfg), **base_meta}, ablation(direction))]
    conditions += [Condition(f"random-{k}", {"kind": "random-ablated", "seed": cfg.control_seed, "index": k, **base_meta},
                             ablation(d)) for k, d in enumerate(controls)]
    summaries, effects = _run_conditions(model, get_judge, items, texts, cfg, out, conditions, progress)
    rows = {c.name: _row(summaries[c.name], effects[c.name]) for c in conditions}
    random_names = [f"random-{k}" for k in range(len(controls))]
    claim = _ablation_claim(rows, summaries, random_names)
    if reference is not None:
        claim["mc_shift_removed"] = _shift_removed(summaries, reference, random_names, parse_areas(cfg.leave_out))
    results = {"conditions": rows, "claim": claim, "transfer": transfer_info(direction, model),
               "provenance": provenance()}
    atomic_write_json(out / "results.json", results)
    return results


def _reference_mc(cfg: AblateConfig) -> dict | None:
    """The base model's MC block from ``--reference`` (its per-item scores and their areas)."""
    if cfg.reference is None:
        return None
    if cfg.mc == "none":
        raise PersonaProbeError("--reference compares MC scores; it needs --mc items, not --mc none")
    summary = load_summary(cfg.reference)
    mc = summary.get("mc_persona")
    if not mc or not mc.get("per_item"):
        raise PersonaProbeError(f"{cfg.reference}: its summary.json has no MC score; evaluate the base with the same --mc")
    return mc


def _shift_removed(summaries: dict, reference: dict, random_names: list[str], leave_out: tuple[str, ...]) -> dict:
    """Fraction of the MC shift over the reference that each ablation removes: all items, and out of domain."""
    as_is = summaries["as-is"]["mc_persona"]
    missing = set(as_is["per_item"]) - set(reference["per_item"])
    if missing:
        raise PersonaProbeError(f"the --reference run has no MC score for {len(missing)} of this run's items (e.g. "
                                f"{sorted(missing)[0]!r}); evaluate the base with the same --mc")
    areas = {**(reference.get("item_areas") or {}), **(as_is.get("item_areas") or {})}

    def scope(keep) -> dict:
        def scores(name: str) -> dict:
            return {k: v for k, v in summaries[name]["mc_persona"]["per_item"].items() if keep(k)}
        base = {k: v for k, v in reference["per_item"].items() if keep(k)}
        result = fraction_removed(scores("as-is"), scores("ablated"), base)
        randoms = [fraction_removed(scores("as-is"), scores(name), base)["fraction"] for name in random_names]
        result["random_fractions"] = randoms
        known = [r for r in randoms if r is not None]
        result["beats_every_random"] = (result["fraction"] is not None and len(known) == len(randoms) > 0
                                        and all(result["fraction"] > r for r in known))
        return result
    return {"all_items": scope(lambda item: True), "left_out_areas": list(leave_out),
            "out_of_domain": scope(lambda item: not (areas.get(item) and areas[item] in leave_out))
            if leave_out else None}


def _ablation_claim(rows: dict, summaries: dict, random_names: list[str]) -> dict:
    """Drops from the model as it is, for the direction and for each random control."""
    as_is, ablated = rows["as-is"], rows["ablated"]
    claim: dict = {}
    if as_is["n_answers"]:  # --data none samples no answers: no EM claim
        em_test = two_proportion_test(as_is["n_misaligned"], as_is["n_answers"], ablated["n_misaligned"],
                                      ablated["n_answers"])
        em = claim["em"] = {"as_is": as_is["em_rate"], "ablated": ablated["em_rate"],
                            "drop": as_is["em_rate"] - ablated["em_rate"], "p_value": em_test.p_value,
                            "random_drops": [as_is["em_rate"] - rows[n]["em_rate"] for n in random_names]}
        if random_names:
            em["random_drop_mean"] = float(np.mean(em["random_drops"]))
            em["drop_minus_random_mean"] = em["drop"] - em["random_drop_mean"]
    if as_is["mc_score"] is not None:
        per_item = {name: summaries[name]["mc_persona"]["per_item"] for name in ["as-is", "ablated", *random_names]}
        random_drops = [as_is["mc_score"] - rows[n]["mc_score"] for n in random_names]
        drop = paired_drop(per_item["as-is"], per_item["ablated"])
        claim["mc"] = {"as_is": as_is["mc_score"], "ablated": ablated["mc_score"], **drop,
                       "random_drops": random_drops,
                       "random_drop_mean": float(np.mean(random_drops)) if random_drops else None,
                       "drop_minus_random_mean": drop["drop"] - float(np.mean(random_drops)) if random_drops else None,
                       "beats_every_random": all(drop["drop"] > r for r in random_drops) if random_drops else None}
    return claim


def parse_alphas(text: str) -> list[float]:
    try:
        alphas = [float(a) for a in text.split(",") if a.strip()]
    except ValueError:
        raise PersonaProbeError(f"--alphas {text!r} is not a comma-separated list of numbers, e.g. -1,-0.5,0,0.5,1") from None
    if not alphas:
        raise PersonaProbeError("--alphas is empty; give e.g. -1,-0.5,0,0.5,1")
    return sorted(set(alphas) | {0.0})  # alpha 0, the model as it is, is always the baseline


def _alpha_tag(alpha: float) -> str:
    return f"{alpha:+g}"


def run_steer(cfg: SteerConfig, progress: bool = True) -> dict:
    """The dose-response test: EM rate, MC score and coherence against alpha, with random controls at each alpha."""
    from ..evaluation.neutral import typical_residual_norms

    alphas = parse_alphas(cfg.alphas)
    if no_questions(cfg):
        raise PersonaProbeError("steer needs answers (--data): coherence is half of its dose-response; "
                                "use --data builtin:core or a question file")
    model, direction, texts, items, get_judge = _load(cfg)
    layers = _chosen_layers(cfg.layers, direction, model.n_layers)
    out = Path(cfg.out)
    _check_resumable(out, STEER_RUN.name, cfg)
    scale = typical_residual_norms(model, texts, layers, massive_threshold(cfg.massive_factor))
    controls = _start_run(out, STEER_RUN.name, cfg, direction, model,
                          {"layers": layers, "alphas": alphas, "norm_scale": scale})

    def steering(d: Direction, alpha: float):
        return lambda: Steering(model.bridge, d, alpha, layers, scale, cfg.positions)
    common = {"layers": layers, "positions": cfg.positions, "norm_scale": {str(k): v for k, v in scale.items()}}
    conditions = []
    for alpha in alphas:
        if alpha == 0:
            conditions.append(Condition("as-is", {"kind": "as-is"}, lambda: None))
            continue
        conditions.append(Condition(f"direction{_alpha_tag(alpha)}",
                                    {"kind": "steered", "direction": direction_label(cfg), "alpha": alpha, **common},
                                    steering(direction, alpha)))
        conditions += [Condition(f"random-{k}{_alpha_tag(alpha)}",
                                 {"kind": "random-steered", "seed": cfg.control_seed, "index": k, "alpha": alpha, **common},
                                 steering(d, alpha)) for k, d in enumerate(controls)]
    summaries, effects = _run_conditions(model, get_judge, items, texts, cfg, out, conditions, progress)
    curve = []
    for alpha in alphas:
        name = "as-is" if alpha == 0 else f"direction{_alpha_tag(alpha)}"
        point = {"alpha": alpha, "direction": _row(summaries[name], effects[name])}
        randoms = ([point["direction"]] * len(controls) if alpha == 0 else
                   [_row(summaries[f"random-{k}{_alpha_tag(alpha)}"], effects[f"random-{k}{_alpha_tag(alpha)}"])
                    for k in range(len(controls))])
        point["mc_shift"] = _mc_shift(summaries, "as-is", name)
        if randoms:
            point["random"] = randoms
            point["random_mc_shift"] = [_mc_shift(summaries, "as-is", "as-is" if alpha == 0 else
                                                  f"random-{k}{_alpha_tag(alpha)}") for k in range(len(controls))]
            point["random_mean"] = {key: float(np.mean([r[key] for r in randoms])) for key in
                                    ("em_rate", "mean_coherence", "neutral_perplexity", "neutral_kl_mean")
                                    if all(r[key] is not None for r in randoms)}
            if all(r["mc_score"] is not None for r in randoms):
                point["random_mean"]["mc_score"] = float(np.mean([r["mc_score"] for r in randoms]))
        curve.append(point)
    results = {"layers": layers, "positions": cfg.positions, "norm_scale": scale, "curve": curve,
               "trend": _trend(curve), "transfer": transfer_info(direction, model), "provenance": provenance()}
    atomic_write_json(out / "results.json", results)
    return results


def _mc_shift(summaries: dict, baseline: str, name: str) -> dict | None:
    """MC score of ``name`` minus the baseline's, over the same items, with a paired bootstrap CI."""
    before, after = (summaries[n].get("mc_persona") for n in (baseline, name))
    if not before or not after:
        return None
    drop = paired_drop(before["per_item"], after["per_item"])
    return {"shift": 0.0 - drop["drop"], "ci95": [0.0 - drop["ci95"][1], 0.0 - drop["ci95"][0]]}


def _trend(curve: list[dict]) -> dict:
    """Spearman rank correlation of each metric with alpha, for the direction and the random mean."""
    from scipy.stats import spearmanr

    alphas = [p["alpha"] for p in curve]

    def rho(values: list) -> float | None:
        # undefined for fewer than 3 points or a constant metric (e.g. an EM rate of 0 everywhere)
        if len(alphas) < 3 or None in values or len(set(values)) < 2:
            return None
        return float(spearmanr(alphas, values).statistic)
    trend = {}
    for key in ("mc_score", "em_rate", "mean_coherence"):
        trend[f"{key}_spearman"] = rho([p["direction"][key] for p in curve])
        trend[f"random_{key}_spearman"] = rho([p.get("random_mean", {}).get(key) for p in curve])
    return trend
