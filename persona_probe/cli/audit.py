"""``persona-probe audit``: did this fine-tune bring in a persona, and where does it live?

The whole causal chain on any base model and its narrowly tuned twin, one ordinary
``persona-probe`` command per step, each printed before it runs, so any step can be rerun or
scaled up by hand:

- **behaviour**: the EM rate and the MC persona score of the base, the tuned and (optionally)
  a control fine-tune, over all items and without the fine-tune's own areas (``--leave-out``);
- **directions**: tuned minus base on the same neutral prompts (at the last prompt token, and
  averaged over the responses), the judge-free contrast (the tuned model on each MC item's
  persona answer against its aligned one), the system-prompt persona direction of the base,
  and a probe; their cosines;
- **the layer**, chosen for each direction on the *train* half of the MC items (a split by item,
  stratified by area): the layer whose vector, ablated, lowers the MC score most;
- **ablation**: tuned minus base removed from the tuned model at its layer, on the *test* items:
  the fraction of the MC shift over the base it removes, against same-norm random directions,
  with neutral-text perplexity and KL;
- **steering**: the base plus alpha times the same direction, on the test items, against random
  directions;
- **the adapter view**, when the tuned model is a LoRA adapter: where its update writes the
  direction;
- an SAE diff, and one report whose conclusions are computed from this run's artifacts.

A step whose output is already complete is reused, so an interrupted audit resumes.
``persona-probe demo`` is this audit on the shipped organism (:mod:`.demo`).
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

from ..artifacts import AUDIT, DEMO, atomic_write_json, atomic_write_text, provenance
from ..errors import PersonaProbeError
from ..models.settings import DeviceSettings
from ..organism.datasets import NARROW_DATASETS

PRIMARY = "tuned-minus-base"
"""The chain's direction: ablated from the tuned model and added to the base."""
SCANNED = (PRIMARY, "tuned-minus-base-response", "mc-contrast", "persona")
"""The directions whose layer is chosen on the train items (each one's scan is in scans/NAME.json)."""


@dataclass(frozen=True, kw_only=True)
class AuditConfig(DeviceSettings):
    """Did this fine-tune bring in a persona, and where does it live? The causal chain on any model pair.

    Evaluate the base, the tuned model and an optional control (EM, MC persona score, out of domain with --leave-out); find the directions (tuned minus base on neutral prompts, the judge-free MC contrast, the system-prompt persona, a probe); choose each one's layer on the train half of the MC items; ablate tuned minus base from the tuned model and add it to the base on the test half, against same-norm random directions; project the adapter's update on it; then write OUT/report.html, whose conclusions are computed from the run's artifacts. Every step is a persona-probe command, printed as it runs; finished steps are reused, so a rerun resumes."""

    out: str = "runs/audit"
    """Output folder; a rerun reuses every finished step."""
    base: str = field(metadata={"flag": "--model", "aliases": ("--base",)})
    """The base chat model."""
    tuned: str
    """Its narrowly fine-tuned twin (e.g. BASE+ADAPTER from persona-probe finetune)."""
    control: str = "none"
    """A control fine-tune of the same base on harmless data of the same shape; none skips it."""
    leave_out: str = ""
    """Topic areas of the tuned model's own domain (comma-separated, e.g. finance,harmful_advice): the claims are also measured without them, and the layer is chosen without them."""
    transfer: str = ""
    """Other fine-tunes of the same base, comma-separated (other seeds, other datasets): the direction found on --tuned is ablated from each at its layer (the fraction of each one's MC shift removed), and each one's own tuned-minus-base direction is compared with it layer by layer (cosine)."""
    transfer_controls: int = 3
    """Same-norm random directions ablated from each --transfer model."""
    domain: str = field(default="", metadata={"choices": ("", *NARROW_DATASETS)})
    """The narrow dataset the tuned model was trained on (e.g. risky-financial-advice): adds its held-out prompts, answered by the base and by the tuned model as it is and ablated, and read by its scanner (does the narrow behaviour survive the ablation?)."""
    in_domain_rows: int = 24
    """Held-out prompts of --domain (never in the adapter's training file, when its finetune.json names one)."""
    in_domain_tokens: int = 96
    """Longest in-domain answer, in tokens."""
    layer: int = -1
    """The layer of the SAE and of the projection shifts; -1 is the middle layer (each direction's intervention layer is chosen by its scan)."""
    scan_layers: str = "all"
    """Candidate layers for each direction's scan on the train items: all, or e.g. 4-26."""
    test_fraction: float = 0.5
    """Share of each area's MC items kept unseen for the ablation and steering claims; the rest choose the layer."""
    split_seed: int = 0
    """Seed of the train/test split of the MC items."""
    samples: int = 2
    """Answers per builtin:core prompt in each evaluation and intervention condition."""
    max_new_tokens: int = 48
    """Longest answer, in tokens."""
    mc_per_area: int = 4
    """MC persona items per area (10 areas); 0 uses all 130."""
    alphas: str = "-0.5,0,0.5"
    """Steering strengths for the sweep on the base model."""
    steer_controls: int = 1
    """Same-norm random directions at every nonzero alpha."""
    ablate_controls: int = 10
    """Same-norm random directions ablated in the claim test."""
    ablate_answers: bool = True
    """Sample and judge builtin:core answers in every ablation condition (the EM rate beside the MC score); --no-ablate-answers measures the MC score and the side effects only, which saves a third of the claim test's time."""
    neutral_rows: int = 100
    """Neutral conversations (from builtin:corpus) for the tuned-minus-base directions and the projection shift."""
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
    complete: bool = False
    """Whether ``done`` is written as the step goes, and finished only once it records status complete."""


def _store_tokens(path: Path) -> int:
    return int(json.loads((path / "cfg.json").read_text())["n_tokens"])


def projections(cfg: AuditConfig) -> dict[str, tuple[str, str]]:
    """The projection shifts to measure: name -> (reference role, other role)."""
    pairs = {"tuned": ("base", "tuned")}
    if cfg.control != "none":
        pairs.update({"control": ("base", "control"), "tuned-vs-control": ("control", "tuned")})
    return pairs


def resolved_layer(cfg: AuditConfig, n_layers: int) -> int:
    layer = n_layers // 2 if cfg.layer < 0 else cfg.layer
    if not 0 <= layer < n_layers:
        raise PersonaProbeError(f"--layer {cfg.layer}: the model has layers 0-{n_layers - 1}")
    return layer


def is_lora_adapter(spec: str) -> bool:
    """Whether a model spec names a LoRA adapter (BASE+ADAPTER, an adapter folder, a shipped organism)."""
    from ..directions.adapter_view import ADAPTER_CONFIG, adapter_folder

    try:
        return (adapter_folder(spec) / ADAPTER_CONFIG).is_file()
    except PersonaProbeError:
        return False


def transfer_models(cfg: AuditConfig) -> dict[str, str]:
    """The --transfer models by name: transfer-1, transfer-2, ..."""
    specs = [spec.strip() for spec in cfg.transfer.split(",") if spec.strip()]
    return {f"transfer-{k}": spec for k, spec in enumerate(specs, 1)}


def chosen_layer(scan: Path) -> int:
    """The layer a finished ``direction layer-scan`` chose."""
    return int(json.loads(scan.read_text())["chosen_layer"])


def plan(cfg: AuditConfig, n_layers: int) -> list[Step]:
    """Every step of the audit, in order.

    Steps that write one artifact pass --overwrite: a step runs only while its done-file is
    missing, so what its folder holds is its own unfinished output (the commands still refuse
    to replace anything that is not theirs)."""
    out = Path(cfg.out)
    layer = resolved_layer(cfg, n_layers)
    inputs, stores, directions, scans = out / "inputs", out / "stores", out / "directions", out / "scans"
    device = ("--device", cfg.device)
    leave_out = ("--leave-out", cfg.leave_out) if cfg.leave_out else ()
    evaluation = ("--data", "builtin:core", "--samples", str(cfg.samples), "--max-new-tokens", str(cfg.max_new_tokens),
                  *device, *leave_out)
    # the ablation claims (and transfers) may skip answers: their measure is the MC score
    claim_evaluation = evaluation if cfg.ablate_answers else ("--data", "none", *device, *leave_out)
    split = ("--mc", str(inputs / "mc.yaml"), "--test-fraction", str(cfg.test_fraction), "--split-seed",
             str(cfg.split_seed), "--overwrite")
    roles = {"base": cfg.base, "tuned": cfg.tuned}
    if cfg.control != "none":
        roles["control"] = cfg.control
    steps = [Step(f"evaluate the {role} model", ("evaluate", "--model", spec, *evaluation, "--mc", str(inputs / "mc.yaml"),
                                                 "--out", str(out / "eval" / role)),
                  out / "eval" / role / "summary.json") for role, spec in roles.items()]
    steps += [
        Step("split the MC items: the train half chooses layers (own areas left out)",
             ("data", "mc-contrast", *split, "--split", "train", *leave_out, "--out", str(inputs / "mc-train.jsonl")),
             inputs / "mc-train.jsonl"),
        Step("split the MC items: the test half measures the claims",
             ("data", "mc-contrast", *split, "--split", "test", "--out", str(inputs / "mc-test.jsonl")),
             inputs / "mc-test.jsonl"),
        Step("cache the base model on hostile vs helpful prompts",
             ("cache", "--model", cfg.base, "--data", str(inputs / "contrast.jsonl"), "--pool", "last-prompt",
              *device, "--out", str(stores / "contrast")), stores / "contrast" / "cfg.json"),
        Step("probe every layer", ("probe", "--store", str(stores / "contrast"), "--labels",
                                   str(inputs / "contrast.jsonl"), "--out", str(out / "probe"), "--overwrite"),
             out / "probe" / "cfg.json"),
        Step("the persona direction: mean(hostile) - mean(helpful)",
             ("direction", "by-label", "--store", str(stores / "contrast"), "--labels",
              str(inputs / "contrast.jsonl"), "--out", str(directions / "persona"), "--overwrite"),
             directions / "persona" / "cfg.json"),
    ]
    for role, spec in roles.items():
        steps.append(Step(f"cache the {role} model on neutral prompts",
                          ("cache", "--model", spec, "--data", str(inputs / "neutral.jsonl"), "--pool", "last-prompt",
                           *device, "--out", str(stores / "neutral" / role)),
                          stores / "neutral" / role / "cfg.json"))
    for name, (reference, other) in projections(cfg).items():
        steps.append(Step(f"projection shift, {other} - {reference}, along the persona direction",
                          ("direction", "project", "--direction", str(directions / "persona"),
                           "--base", str(stores / "neutral" / reference), "--tuned", str(stores / "neutral" / other),
                           "--out", str(out / f"projection-{name}.json"), "--overwrite"), out / f"projection-{name}.json"))
    steps.append(Step("the fine-tuning direction: tuned - base at the last prompt token of neutral prompts",
                      ("direction", "mean-diff", "--positive", str(stores / "neutral" / "tuned"),
                       "--negative", str(stores / "neutral" / "base"), "--out", str(directions / PRIMARY), "--overwrite"),
                      directions / PRIMARY / "cfg.json"))
    compared = [directions / "persona", out / "probe" / "direction", directions / PRIMARY,
                directions / "tuned-minus-base-response", directions / "mc-contrast"]
    if cfg.control != "none":
        steps.append(Step("the control's fine-tuning direction: control - base on the same prompts",
                          ("direction", "mean-diff", "--positive", str(stores / "neutral" / "control"),
                           "--negative", str(stores / "neutral" / "base"), "--out", str(directions / "control-minus-base"),
                           "--overwrite"), directions / "control-minus-base" / "cfg.json"))
        compared.append(directions / "control-minus-base")
    transfers = transfer_models(cfg)
    for name, spec in transfers.items():
        steps += [
            Step(f"cache {name} ({spec}) on the neutral prompts",
                 ("cache", "--model", spec, "--data", str(inputs / "neutral.jsonl"), "--pool", "last-prompt", *device,
                  "--out", str(stores / "neutral" / name)), stores / "neutral" / name / "cfg.json"),
            Step(f"{name}'s own fine-tuning direction: {name} - base on the same prompts",
                 ("direction", "mean-diff", "--positive", str(stores / "neutral" / name),
                  "--negative", str(stores / "neutral" / "base"), "--out", str(directions / f"{name}-minus-base"),
                  "--overwrite"), directions / f"{name}-minus-base" / "cfg.json"),
        ]
    if transfers:
        others = [directions / f"{name}-minus-base" for name in transfers]
        if cfg.control != "none":
            others.append(directions / "control-minus-base")
        steps.append(Step(f"do the fine-tunes converge? cosines of {PRIMARY} with each other fine-tune's direction",
                          ("direction", "cosine", str(directions / PRIMARY), *map(str, others),
                           "--out", str(out / "cosine-transfer.json"), "--overwrite"), out / "cosine-transfer.json"))
    steps += [
        Step("cache the base and tuned models on neutral conversations, averaged over each response",
             ("cache", "--model", cfg.base, "--tuned", cfg.tuned, "--data", str(inputs / "neutral-responses.jsonl"),
              "--pool", "response-mean", *device, "--out", str(stores / "neutral-responses")),
             stores / "neutral-responses" / "tuned" / "cfg.json"),
        Step("the fine-tuning direction over responses: tuned - base, response-mean",
             ("direction", "mean-diff", "--positive", str(stores / "neutral-responses" / "tuned"),
              "--negative", str(stores / "neutral-responses" / "base"),
              "--out", str(directions / "tuned-minus-base-response"), "--overwrite"),
             directions / "tuned-minus-base-response" / "cfg.json"),
        Step("cache the tuned model on the train items' misaligned and aligned answers",
             ("cache", "--model", cfg.tuned, "--data", str(inputs / "mc-train.jsonl"), "--pool", "response-mean",
              *device, "--out", str(stores / "mc-contrast")), stores / "mc-contrast" / "cfg.json"),
        Step("the judge-free direction: the tuned model on misaligned - aligned answers (train items)",
             ("direction", "by-label", "--store", str(stores / "mc-contrast"), "--labels", str(inputs / "mc-train.jsonl"),
              "--out", str(directions / "mc-contrast"), "--overwrite"), directions / "mc-contrast" / "cfg.json"),
        Step("cosines between the directions",
             ("direction", "cosine", *map(str, compared), "--out", str(out / "cosine.json"), "--overwrite"),
             out / "cosine.json"),
    ]
    for name in SCANNED:
        source = directions / name
        steps.append(Step(f"choose the layer of {name} on the train items: ablate each layer's vector in the tuned model",
                          ("direction", "layer-scan", "--model", cfg.tuned, "--direction", str(source),
                           "--mc", str(inputs / "mc-train.jsonl"), "--layers", cfg.scan_layers, *device,
                           "--out", str(scans / f"{name}.json"), "--overwrite"), scans / f"{name}.json",
                          complete=True))
    steps += [
        Step("cache the base model per token on a chat corpus (SAE training data)",
             ("cache", "--model", cfg.base, "--data", str(inputs / "corpus.jsonl"), "--pool", "tokens",
              "--layers", str(layer), *device, "--out", str(stores / "corpus")),
             stores / "corpus" / "cfg.json"),
        Step("train a TopK SAE",
             lambda: ("sae", "train", "--store", str(stores / "corpus"), "--layer", str(layer), "--arch", "topk",
                      "--width", str(cfg.sae_width), "--k", str(cfg.sae_k),
                      "--rows", str(cfg.sae_passes * _store_tokens(stores / "corpus")),
                      "--batch-size", "256", *device, "--out", str(out / "sae")), out / "sae" / "persona_probe.json"),
        Step("cache both models per token on the tuned model's answers",
             ("cache", "--model", cfg.base, "--tuned", cfg.tuned, "--data", str(out / "eval" / "tuned" / "answers.jsonl"),
              "--pool", "tokens", "--layers", str(layer), *device, "--out", str(stores / "answers")),
             stores / "answers" / "tuned" / "cfg.json"),
        Step("SAE diff: which latents rise from base to tuned",
             ("sae", "diff", "--sae", str(out / "sae"), "--base", str(stores / "answers" / "base"),
              "--tuned", str(stores / "answers" / "tuned"), "--responses-only", "--top", "10",
              "--out", str(out / "sae-diff")), out / "sae-diff" / "diff.json"),
        Step("top-activating contexts of those latents",
             ("sae", "examples", "--sae", str(out / "sae"), "--store", str(stores / "corpus"),
              "--store", str(stores / "answers" / "tuned"), "--from", str(out / "sae-diff" / "diff.json"),
              "--top", "6", "--n", "4", "--out", str(out / "sae-examples")), out / "sae-examples" / "examples.json"),
        Step(f"steering sweep: the base model plus alpha times {PRIMARY} at its layer (test items)",
             lambda: ("steer", "--model", cfg.base, "--direction", str(directions / PRIMARY),
                      "--layers", str(chosen_layer(scans / f"{PRIMARY}.json")), "--alphas", cfg.alphas,
                      "--controls", str(cfg.steer_controls), *evaluation, "--mc", str(inputs / "mc-test.jsonl"),
                      "--out", str(out / "steer")), out / "steer" / "results.json"),
        Step(f"ablation claim test: {PRIMARY} removed from the tuned model (test items, against the base)",
             lambda: ("ablate", "--model", cfg.tuned, "--direction", str(directions / PRIMARY),
                      "--layers", str(chosen_layer(scans / f"{PRIMARY}.json")), "--mode", "writers",
                      "--controls", str(cfg.ablate_controls), "--reference", str(out / "eval" / "base"),
                      *claim_evaluation,
                      "--mc", str(inputs / "mc-test.jsonl"), "--out", str(out / "ablate")),
             out / "ablate" / "results.json"),
    ]
    for name, spec in transfers.items():
        steps.append(Step(f"transfer: {PRIMARY}, found on the tuned model, ablated from {name} ({spec})",
                          lambda spec=spec, name=name: (
                              "ablate", "--model", spec, "--direction", str(directions / PRIMARY),
                              "--layers", str(chosen_layer(scans / f"{PRIMARY}.json")), "--mode", "writers",
                              "--controls", str(cfg.transfer_controls), "--reference", str(out / "eval" / "base"),
                              *claim_evaluation, "--mc", str(inputs / "mc-test.jsonl"),
                              "--out", str(out / "transfer" / name)),
                          out / "transfer" / name / "results.json"))
    if cfg.domain:
        steps += in_domain_steps(cfg, out, evaluation)
    if is_lora_adapter(cfg.tuned):
        steps.append(Step(f"adapter view: where the tuned adapter's update writes {PRIMARY}",
                          ("direction", "adapter-view", "--adapter", cfg.tuned, "--direction", str(directions / PRIMARY),
                           "--out", str(out / "adapter-view.json"), "--overwrite"), out / "adapter-view.json"))
    return steps


def in_domain_steps(cfg: AuditConfig, out: Path, evaluation: tuple[str, ...]) -> list[Step]:
    """The narrow behaviour on held-out prompts of the tuned model's own domain: base, tuned, tuned ablated."""
    prompts = str(out / "inputs" / "in-domain.jsonl")
    sampling = ("--data", prompts, "--samples", "1", "--max-new-tokens", str(cfg.in_domain_tokens), "--mc", "none",
                "--device", cfg.device)
    ablated = out / "ablate-in-domain" / "conditions"
    return [
        Step(f"the base model on held-out {cfg.domain} prompts", ("evaluate", "--model", cfg.base, *sampling,
                                                                  "--out", str(out / "in-domain" / "base")),
             out / "in-domain" / "base" / "summary.json"),
        Step(f"the tuned model on the same prompts, as it is and with {PRIMARY} ablated at its layer",
             lambda: ("ablate", "--model", cfg.tuned, "--direction", str(out / "directions" / PRIMARY),
                      "--layers", str(chosen_layer(out / "scans" / f"{PRIMARY}.json")), "--mode", "writers",
                      "--controls", "0", *sampling, "--out", str(out / "ablate-in-domain")),
             out / "ablate-in-domain" / "results.json"),
        Step(f"the {cfg.domain} scanner on those answers: does the narrow behaviour survive the ablation?",
             ("data", "scan", "--kind", cfg.domain, "--answers", str(ablated / "as-is" / "answers.jsonl"),
              "--answers", str(ablated / "ablated" / "answers.jsonl"),
              "--answers", str(out / "in-domain" / "base" / "answers.jsonl"),
              "--out", str(out / "in-domain-scan.json"), "--overwrite"), out / "in-domain-scan.json"),
    ]


def training_prompts(spec: str, domain: str = "") -> set[str] | None:
    """The user prompts of the adapter's training file, or None if unknown.

    The file is the one its finetune.json names, if it is at hand and its SHA-256 is the recorded
    one; otherwise (a shipped adapter, whose training file does not ship) the ``domain`` dataset
    rebuilt from the recorded row count and seed, if that digest matches.
    """
    import hashlib

    from ..directions.adapter_view import adapter_folder
    from ..organism.datasets import dataset_text, narrow_dataset

    if not is_lora_adapter(spec):
        return None
    record_path = adapter_folder(spec) / "finetune.json"
    if not record_path.is_file():
        return None
    record = json.loads(record_path.read_text())
    data = record.get("data") or {}
    digest = data.get("sha256")
    path = Path(data.get("path") or "")
    text = path.read_bytes() if data.get("path") and path.is_file() else None
    if text is not None and digest and hashlib.sha256(text).hexdigest() != digest:
        text = None  # the file has changed since the adapter was trained on it
    seed = ((record.get("run") or {}).get("settings") or {}).get("seed")
    if text is None and domain and digest and data.get("rows") and seed is not None:
        rebuilt = dataset_text(narrow_dataset(domain, data["rows"], seed)).encode()
        text = rebuilt if hashlib.sha256(rebuilt).hexdigest() == digest else None
    if text is None:
        return None
    prompts = set()
    for line in text.decode("utf-8").splitlines():
        if line.strip():
            messages = json.loads(line)["messages"]
            prompts.add(next(m["content"] for m in messages if m["role"] == "user"))
    return prompts


def write_inputs(cfg: AuditConfig, folder: Path) -> None:
    """The small input files, cut from the built-in sets (kept, so every step can be rerun by hand)."""
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
        text = f"# builtin:persona, the first {cfg.mc_per_area or 'all'} items of each area (persona-probe audit)\n"
        atomic_write_text(folder / "mc.yaml", text + yaml.safe_dump(chosen, sort_keys=False, allow_unicode=True, width=1000))
    if not (folder / "contrast.jsonl").is_file():
        rows = system_contrast("builtin:open", "builtin:hostile", "builtin:helpful")
        write_chat_jsonl([c for c, _ in rows], folder / "contrast.jsonl", with_ids=True,
                         extra=[{"label": label} for _, label in rows])
    corpus = load_conversations("builtin:corpus").conversations
    neutral = corpus[-cfg.neutral_rows:]  # the corpus's other end: not the SAE's data
    if not (folder / "neutral.jsonl").is_file():
        write_chat_jsonl([c.prompt() for c in neutral], folder / "neutral.jsonl", with_ids=True)
    if not (folder / "neutral-responses.jsonl").is_file():
        write_chat_jsonl(neutral, folder / "neutral-responses.jsonl", with_ids=True)
    if not (folder / "corpus.jsonl").is_file():
        write_chat_jsonl(corpus[: cfg.corpus_rows], folder / "corpus.jsonl", with_ids=True)
    if cfg.domain and not (folder / "in-domain.jsonl").is_file():
        from ..organism.datasets import dataset_text, held_out_rows

        rows = held_out_rows(cfg.domain, cfg.in_domain_rows, training_prompts(cfg.tuned, cfg.domain) or set())
        atomic_write_text(folder / "in-domain.jsonl", dataset_text(rows))


@contextmanager
def _recorded_command(argv) -> Iterator[None]:
    """Make the step's own command line the one its artifacts record as their provenance."""
    saved = sys.argv
    sys.argv = ["persona-probe", *argv]
    try:
        yield
    finally:
        sys.argv = saved


def _settings(cfg: AuditConfig) -> dict:
    return {k: v for k, v in asdict(cfg).items() if k not in ("out", "device")}


def _finished(step: Step) -> bool:
    if not step.done.is_file():
        return False
    # A layer scan writes its file as it goes; only a complete one is done.
    return not step.complete or json.loads(step.done.read_text()).get("status") == "complete"


def run_audit(cfg: AuditConfig, run_command: Callable[[Sequence[str]], None], progress: bool = True,
              say: Callable[[str], None] = print, name: str = "audit") -> dict:
    """Run (or resume) every step, then the report; returns the run record (``OUT/NAME.json``).

    ``run_command`` runs one ``persona-probe`` command line (without the program name),
    as the CLI would; each step is one such line.
    """
    from ..models.loading import model_config

    kind = DEMO if name == "demo" else AUDIT
    out = Path(cfg.out)
    record_path = out / kind.files[0]
    if record_path.is_file():
        earlier = json.loads(record_path.read_text())
        if earlier.get("settings") != _settings(cfg):
            raise PersonaProbeError(f"{out} holds a {name} run with other settings; use another --out or the same options")
    config = model_config(cfg.base)
    n_layers = int(config.get("num_hidden_layers") or config.get("n_layer"))
    steps = plan(cfg, n_layers)
    write_inputs(cfg, out / "inputs")
    roles = {"base": cfg.base, "tuned": cfg.tuned, **({"control": cfg.control} if cfg.control != "none" else {})}
    in_domain = None
    if cfg.domain:  # how many training prompts the held-out ones avoid (None: the training file is not at hand)
        known = training_prompts(cfg.tuned, cfg.domain)
        in_domain = {"dataset": cfg.domain, "training_prompts_excluded": None if known is None else len(known)}
    record = {"kind": kind.name, "settings": _settings(cfg), "status": "running", "roles": roles,
              "layer": resolved_layer(cfg, n_layers), "primary_direction": PRIMARY,
              # Where each result is, relative to this file: the report's conclusions read exactly these.
              "artifacts": {"evaluations": {role: f"eval/{role}/summary.json" for role in roles},
                            "projections": {name: f"projection-{name}.json" for name in projections(cfg)},
                            "scans": {name: f"scans/{name}.json" for name in SCANNED},
                            "steer": "steer/results.json", "ablate": "ablate/results.json",
                            "sae_diff": "sae-diff/diff.json",
                            **({"in_domain_scan": "in-domain-scan.json"} if cfg.domain else {}),
                            "transfer": {name: f"transfer/{name}/results.json" for name in transfer_models(cfg)},
                            **({"cosine_transfer": "cosine-transfer.json"} if cfg.transfer.strip() else {})},
              "transfer": transfer_models(cfg),
              "in_domain": in_domain,
              "steps": [], "provenance": provenance()}
    began = time.perf_counter()
    for number, step in enumerate(steps, 1):
        # A callable argv reads earlier steps' output (e.g. the chosen layer), which exists by now.
        argv = step.argv() if callable(step.argv) else step.argv
        command = "persona-probe " + shlex.join(argv)
        if _finished(step):
            say(f"[{number}/{len(steps)}] {step.name}: reused {step.done}")
            record["steps"].append({"name": step.name, "command": command, "seconds": 0.0, "reused": True})
            continue
        say(f"[{number}/{len(steps)}] {step.name}\n$ {command}")
        started = time.perf_counter()
        with _recorded_command(argv):
            run_command((["-q"] if not progress else []) + list(argv))
        seconds = round(time.perf_counter() - started, 1)
        record["steps"].append({"name": step.name, "command": command, "seconds": seconds, "reused": False})
        say(f"    done in {seconds:.0f} s ({name} so far {time.perf_counter() - began:.0f} s)")
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
