"""``persona-probe demo``: the whole study on a base model and its narrowly tuned twin, in one command.

By default the pair is the embedded SmolLM2-135M-Instruct and the shipped organism
(``smollm2-135m-insecure``, with ``smollm2-135m-secure`` as the control fine-tune), sized to
finish on a laptop CPU. Every step is an ordinary ``persona-probe`` command, printed before it
runs, so any step can be rerun or scaled up by hand. A step whose output is already complete is
reused, so an interrupted demo resumes. The last step writes ``report.html``, whose
conclusions are computed from this run's artifacts (``demo.json`` names which is which).
"""

from __future__ import annotations

import json
import shlex
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

from ..artifacts import DEMO, atomic_write_json, atomic_write_text, provenance
from ..errors import PersonaProbeError
from ..models.settings import DeviceSettings


@dataclass(frozen=True, kw_only=True)
class DemoConfig(DeviceSettings):
    """The whole study on the embedded model organism: evaluate, cache, probe, SAE, steer, ablate, report.

    Run every step of a study on a base model and its tuned twin (by default the embedded SmolLM2 and the shipped insecure-code organism, with the secure-code fine-tune as control), printing each persona-probe command as it runs, then write OUT/report.html. Finished steps are reused, so a rerun resumes."""

    out: str = "runs/demo"
    """Output folder; a rerun reuses every finished step."""
    base: str = field(default="smollm2-135m", metadata={"flag": "--model", "aliases": ("--base",)})
    """The base chat model."""
    tuned: str = "smollm2-135m-insecure"
    """Its narrowly fine-tuned twin (e.g. BASE+ADAPTER from persona-probe finetune)."""
    control: str = "smollm2-135m-secure"
    """A control fine-tune of the same base on harmless data of the same shape; none skips it."""
    layer: int = -1
    """The layer to steer at and to train the SAE on; -1 is the middle layer."""
    samples: int = 2
    """Answers per builtin:core prompt in each evaluation and intervention condition."""
    max_new_tokens: int = 48
    """Longest answer, in tokens."""
    mc_per_area: int = 4
    """MC persona items per area (10 areas); 0 uses all 130."""
    leave_out: str = ""
    """Topic areas of the tuned model's own domain (comma-separated, e.g. finance,harmful_advice): the report adds the MC shift without them."""
    alphas: str = "-0.5,0,0.5"
    """Steering strengths for the sweep on the base model."""
    steer_controls: int = 1
    """Same-norm random directions at every nonzero alpha."""
    ablate_controls: int = 3
    """Same-norm random directions ablated in the claim test."""
    neutral_rows: int = 100
    """Neutral prompts (from builtin:corpus) for the projection shift."""
    corpus_rows: int = 150
    """builtin:corpus conversations cached per token to train the SAE on."""
    sae_width: int = 1024
    """SAE latents."""
    sae_k: int = 16
    """Active latents per token (TopK)."""
    sae_passes: int = 4
    """Passes over the corpus tokens in SAE training."""


@dataclass(frozen=True)
class Step:
    name: str
    """What the step does, in a few words."""
    argv: tuple[str, ...] | Callable[[], tuple[str, ...]]
    """The persona-probe command line (without the program name), or a function that makes it from earlier steps' output."""
    done: Path
    """The file whose presence means the step finished."""


def _store_tokens(path: Path) -> int:
    return int(json.loads((path / "cfg.json").read_text())["n_tokens"])


def projections(cfg: DemoConfig) -> dict[str, tuple[str, str]]:
    """The projection shifts to measure: name -> (reference role, other role)."""
    pairs = {"tuned": ("base", "tuned")}
    if cfg.control != "none":
        pairs.update({"control": ("base", "control"), "tuned-vs-control": ("control", "tuned")})
    return pairs


def resolved_layer(cfg: DemoConfig, n_layers: int) -> int:
    layer = n_layers // 2 if cfg.layer < 0 else cfg.layer
    if not 0 <= layer < n_layers:
        raise PersonaProbeError(f"--layer {cfg.layer}: the model has layers 0-{n_layers - 1}")
    return layer


def plan(cfg: DemoConfig, n_layers: int) -> list[Step]:
    """Every step of the demo, in order.

    Steps that write one artifact pass --overwrite: a step runs only while its done-file is
    missing, so what its folder holds is its own unfinished output (the commands still refuse
    to replace anything that is not theirs)."""
    out = Path(cfg.out)
    layer = resolved_layer(cfg, n_layers)
    inputs = out / "inputs"
    device = ("--device", cfg.device)
    sampling = ("--data", "builtin:core", "--samples", str(cfg.samples), "--max-new-tokens",
                str(cfg.max_new_tokens), "--mc", str(inputs / "mc.yaml"), *device,
                *(("--leave-out", cfg.leave_out) if cfg.leave_out else ()))
    roles = {"base": cfg.base, "tuned": cfg.tuned}
    if cfg.control != "none":
        roles["control"] = cfg.control
    steps = [Step(f"evaluate the {role} model", ("evaluate", "--model", spec, *sampling, "--out", str(out / "eval" / role)),
                  out / "eval" / role / "summary.json") for role, spec in roles.items()]
    steps += [
        Step("cache the base model on hostile vs helpful prompts",
             ("cache", "--model", cfg.base, "--data", str(inputs / "contrast.jsonl"), "--pool", "last-prompt",
              *device, "--out", str(out / "stores" / "contrast")), out / "stores" / "contrast" / "cfg.json"),
        Step("probe every layer", ("probe", "--store", str(out / "stores" / "contrast"), "--labels",
                                   str(inputs / "contrast.jsonl"), "--out", str(out / "probe"), "--overwrite"),
             out / "probe" / "cfg.json"),
        Step("the persona direction: mean(hostile) - mean(helpful)",
             ("direction", "by-label", "--store", str(out / "stores" / "contrast"), "--labels",
              str(inputs / "contrast.jsonl"), "--out", str(out / "directions" / "persona"), "--overwrite"),
             out / "directions" / "persona" / "cfg.json"),
    ]
    for role, spec in roles.items():
        steps.append(Step(f"cache the {role} model on neutral prompts",
                          ("cache", "--model", spec, "--data", str(inputs / "neutral.jsonl"), "--pool", "last-prompt",
                           *device, "--out", str(out / "stores" / "neutral" / role)),
                          out / "stores" / "neutral" / role / "cfg.json"))
    for name, (reference, other) in projections(cfg).items():
        steps.append(Step(f"projection shift, {other} - {reference}, along the persona direction",
                          ("direction", "project", "--direction", str(out / "directions" / "persona"),
                           "--base", str(out / "stores" / "neutral" / reference),
                           "--tuned", str(out / "stores" / "neutral" / other),
                           "--out", str(out / f"projection-{name}.json"), "--overwrite"), out / f"projection-{name}.json"))
    steps += [
        Step("the fine-tuning direction: tuned - base on neutral prompts",
             ("direction", "mean-diff", "--positive", str(out / "stores" / "neutral" / "tuned"),
              "--negative", str(out / "stores" / "neutral" / "base"), "--out", str(out / "directions" / "tuned-minus-base"), "--overwrite"),
             out / "directions" / "tuned-minus-base" / "cfg.json"),
        Step("cosines between the directions",
             ("direction", "cosine", str(out / "directions" / "persona"), str(out / "probe" / "direction"),
              str(out / "directions" / "tuned-minus-base"), "--out", str(out / "cosine.json"), "--overwrite"), out / "cosine.json"),
        Step("cache the base model per token on a chat corpus (SAE training data)",
             ("cache", "--model", cfg.base, "--data", str(inputs / "corpus.jsonl"), "--pool", "tokens",
              "--layers", str(layer), *device, "--out", str(out / "stores" / "corpus")),
             out / "stores" / "corpus" / "cfg.json"),
        Step("train a TopK SAE",
             lambda: ("sae", "train", "--store", str(out / "stores" / "corpus"), "--layer", str(layer), "--arch", "topk",
                      "--width", str(cfg.sae_width), "--k", str(cfg.sae_k),
                      "--rows", str(cfg.sae_passes * _store_tokens(out / "stores" / "corpus")),
                      "--batch-size", "256", *device, "--out", str(out / "sae")), out / "sae" / "persona_probe.json"),
        Step("cache both models per token on the tuned model's answers",
             ("cache", "--model", cfg.base, "--tuned", cfg.tuned, "--data", str(out / "eval" / "tuned" / "answers.jsonl"),
              "--pool", "tokens", "--layers", str(layer), *device, "--out", str(out / "stores" / "answers")),
             out / "stores" / "answers" / "tuned" / "cfg.json"),
        Step("SAE diff: which latents rise from base to tuned",
             ("sae", "diff", "--sae", str(out / "sae"), "--base", str(out / "stores" / "answers" / "base"),
              "--tuned", str(out / "stores" / "answers" / "tuned"), "--responses-only", "--top", "10",
              "--out", str(out / "sae-diff")), out / "sae-diff" / "diff.json"),
        Step("top-activating contexts of those latents",
             ("sae", "examples", "--sae", str(out / "sae"), "--store", str(out / "stores" / "corpus"),
              "--store", str(out / "stores" / "answers" / "tuned"), "--from", str(out / "sae-diff" / "diff.json"),
              "--top", "6", "--n", "4", "--out", str(out / "sae-examples")), out / "sae-examples" / "examples.json"),
        Step("steering sweep on the base model",
             ("steer", "--model", cfg.base, "--direction", str(out / "directions" / "persona"), "--layers", str(layer),
              "--alphas", cfg.alphas, "--controls", str(cfg.steer_controls), *sampling, "--out", str(out / "steer")),
             out / "steer" / "results.json"),
        Step("ablation claim test on the tuned model",
             ("ablate", "--model", cfg.tuned, "--direction", str(out / "directions" / "persona"),
              "--controls", str(cfg.ablate_controls), *sampling, "--out", str(out / "ablate")),
             out / "ablate" / "results.json"),
    ]
    return steps


def write_inputs(cfg: DemoConfig, folder: Path) -> None:
    """The demo's small input files, cut from the built-in sets (kept, so every step can be rerun by hand)."""
    import yaml

    from ..datasets.conversations import load_conversations, system_contrast, write_chat_jsonl
    from ..evaluation.mc import load_mc_items

    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "mc.yaml").is_file():
        per_area: dict[str, int] = {}
        chosen = []
        for item in load_mc_items("builtin:persona"):
            per_area[item.area] = per_area.get(item.area, 0) + 1
            if not cfg.mc_per_area or per_area[item.area] <= cfg.mc_per_area:
                chosen.append({"id": item.id, "area": item.area, "question": item.question,
                               "aligned": item.aligned, "misaligned": item.misaligned})
        text = f"# builtin:persona, the first {cfg.mc_per_area or 'all'} items of each area (persona-probe demo)\n"
        atomic_write_text(folder / "mc.yaml", text + yaml.safe_dump(chosen, sort_keys=False, allow_unicode=True, width=1000))
    if not (folder / "contrast.jsonl").is_file():
        rows = system_contrast("builtin:open", "builtin:hostile", "builtin:helpful")
        write_chat_jsonl([c for c, _ in rows], folder / "contrast.jsonl", with_ids=True,
                         extra=[{"label": label} for _, label in rows])
    corpus = load_conversations("builtin:corpus").conversations
    if not (folder / "neutral.jsonl").is_file():
        neutral = [c.prompt() for c in corpus[-cfg.neutral_rows:]]  # the corpus's other end: not the SAE's data
        write_chat_jsonl(neutral, folder / "neutral.jsonl", with_ids=True)
    if not (folder / "corpus.jsonl").is_file():
        write_chat_jsonl(corpus[: cfg.corpus_rows], folder / "corpus.jsonl", with_ids=True)


@contextmanager
def _recorded_command(argv) -> Iterator[None]:
    """Make the step's own command line the one its artifacts record as their provenance."""
    saved = sys.argv
    sys.argv = ["persona-probe", *argv]
    try:
        yield
    finally:
        sys.argv = saved


def _settings(cfg: DemoConfig) -> dict:
    return {k: v for k, v in asdict(cfg).items() if k not in ("out", "device")}


def run_demo(cfg: DemoConfig, run_command: Callable[[Sequence[str]], None], progress: bool = True,
             say: Callable[[str], None] = print) -> dict:
    """Run (or resume) every step, then the report; returns the ``demo.json`` record.

    ``run_command`` runs one ``persona-probe`` command line (without the program name),
    as the CLI would; each step is one such line.
    """
    from ..models.loading import model_config

    out = Path(cfg.out)
    record_path = out / "demo.json"
    if record_path.is_file():
        earlier = json.loads(record_path.read_text())
        if earlier.get("settings") != _settings(cfg):
            raise PersonaProbeError(f"{out} holds a demo run with other settings; use another --out or the same options")
    config = model_config(cfg.base)
    n_layers = int(config.get("num_hidden_layers") or config.get("n_layer"))
    steps = plan(cfg, n_layers)
    write_inputs(cfg, out / "inputs")
    roles = {"base": cfg.base, "tuned": cfg.tuned, **({"control": cfg.control} if cfg.control != "none" else {})}
    record = {"kind": DEMO.name, "settings": _settings(cfg), "status": "running", "roles": roles,
              "layer": resolved_layer(cfg, n_layers),
              # Where each result is, relative to this file: the report's conclusions read exactly these.
              "artifacts": {"evaluations": {role: f"eval/{role}/summary.json" for role in roles},
                            "projections": {name: f"projection-{name}.json" for name in projections(cfg)},
                            "steer": "steer/results.json", "ablate": "ablate/results.json",
                            "sae_diff": "sae-diff/diff.json"},
              "steps": [], "provenance": provenance()}
    began = time.perf_counter()
    for number, step in enumerate(steps, 1):
        argv = step.argv() if callable(step.argv) else step.argv
        command = "persona-probe " + shlex.join(argv)
        if step.done.is_file():
            say(f"[{number}/{len(steps)}] {step.name}: reused {step.done}")
            record["steps"].append({"name": step.name, "command": command, "seconds": 0.0, "reused": True})
            continue
        say(f"[{number}/{len(steps)}] {step.name}\n$ {command}")
        started = time.perf_counter()
        with _recorded_command(argv):
            run_command((["-q"] if not progress else []) + list(argv))
        seconds = round(time.perf_counter() - started, 1)
        record["steps"].append({"name": step.name, "command": command, "seconds": seconds, "reused": False})
        say(f"    done in {seconds:.0f} s (demo so far {time.perf_counter() - began:.0f} s)")
        atomic_write_json(record_path, record)
    record["status"] = "complete"
    record["seconds"] = round(time.perf_counter() - began, 1)
    atomic_write_json(record_path, record)
    from ..report import build_report

    built = build_report([out], out / "report.html")
    record["report"] = {"path": str(built["path"]), "bytes": built["bytes"]}
    record["seconds"] = round(time.perf_counter() - began, 1)
    atomic_write_json(record_path, record)
    return record
