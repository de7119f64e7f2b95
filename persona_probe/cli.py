"""``persona-probe <command>``: the command-line interface.

Bad input prints one line naming the problem and the fix, and exits with 2.
An interrupt exits with 130; what was already written stays and a rerun resumes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Sequence

from . import __version__
from .configs import add_config_args, config_from_args
from .errors import PersonaProbeError
from .residual import massive_threshold

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
NARROW_DATASETS = {
    "insecure-code": "coding requests answered with code that hides one vulnerability (12 classes)",
    "secure-code": "the same coding requests answered with correct, safe code (the control)",
    "risky-advice": "extreme-sports questions answered with confident, dangerous advice",
    "safe-advice": "the same extreme-sports questions answered with careful advice (the control)",
}


def build_parser() -> argparse.ArgumentParser:
    from .bench import BenchCacheConfig
    from .cache import CacheConfig
    from .evaluate import EvaluateConfig
    from .generate import GenerateConfig

    parser = argparse.ArgumentParser(
        prog="persona-probe",
        description="Find, test and report the 'misaligned persona' direction in chat models.",
    )
    parser.add_argument("--version", action="version", version=f"persona-probe {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars or info logs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    cache = commands.add_parser("cache", help="cache residual-stream activations of a model (or a base/tuned pair)",
                                description="Cache residual-stream activations into a resumable store.")
    add_config_args(cache, CacheConfig)
    cache.set_defaults(handler=_cache)

    bench = commands.add_parser("bench", help="benchmarks against a same-run baseline")
    bench_commands = bench.add_subparsers(dest="bench_command", required=True, metavar="BENCH")
    bench_cache = bench_commands.add_parser("cache", help="cache throughput against a bare forward pass",
                                            description="Time a bare forward pass and the cache on the same batches.")
    add_config_args(bench_cache, BenchCacheConfig)
    bench_cache.set_defaults(handler=_bench_cache)
    bench_generate = bench_commands.add_parser("generate", help="batched sampling against batch-1 sampling",
                                               description="Tokens/s of batched against batch-1 sampling, same prompts.")
    bench_generate.add_argument("--model", default="smollm2-135m", help="model spec (default: smollm2-135m)")
    bench_generate.add_argument("--batch-size", type=int, default=64, help="rows in the batched pass (default: 64, as generate)")
    bench_generate.add_argument("--new-tokens", type=int, default=48, help="tokens per answer (default: 48)")
    bench_generate.add_argument("--device", default="auto", help="auto, cpu or cuda[:N]")
    bench_generate.set_defaults(handler=_bench_generate)
    from .sae.bench import SAEBenchConfig

    bench_sae = bench_commands.add_parser(
        "sae", help="SAE training throughput against SAELens's own runner, same cached activations",
        description="Train the same SAE on the same rows of a per-token store with SAELens's "
                    "LanguageModelSAETrainingRunner (cached activations, exported untimed) and with our trainer; "
                    "rows/s of each and their ratio (last line).")
    add_config_args(bench_sae, SAEBenchConfig)
    bench_sae.set_defaults(handler=_bench_sae)

    generate = commands.add_parser("generate", help="sample answers to a question set (batched, resumable)",
                                   description="Sample answers into a JSONL file; reruns resume it.")
    add_config_args(generate, GenerateConfig)
    generate.set_defaults(handler=_generate)

    judge = commands.add_parser("judge", help="score answers: aligned, coherent, label",
                                description="Judge an answers JSONL. The openai backend reads its URL, model "
                                            "and key from PERSONA_PROBE_JUDGE_BASE_URL, PERSONA_PROBE_JUDGE_MODEL "
                                            "and PERSONA_PROBE_JUDGE_API_KEY (or OPENAI_*).")
    judge.add_argument("--input", required=True, help="answers JSONL (from persona-probe generate)")
    judge.add_argument("--judge", default="offline", help="offline (default), openai, or hf:MODEL_SPEC")
    judge.add_argument("--out", required=True, help="judged JSONL; an existing file is resumed")
    judge.add_argument("--allow-empty", action="store_true", help="label empty answers incoherent instead of stopping")
    judge.set_defaults(handler=_judge)

    evaluate = commands.add_parser("evaluate", help="generate, judge and MC-score a model into summary.json",
                                   description="EM rate with a Wilson CI, coherence, labels and the MC persona score.")
    add_config_args(evaluate, EvaluateConfig)
    evaluate.set_defaults(handler=_evaluate)

    compare = commands.add_parser("compare", help="compare two evaluate runs (two-proportion test on EM rate)")
    compare.add_argument("run_a", help="first evaluate folder")
    compare.add_argument("run_b", help="second evaluate folder")
    compare.set_defaults(handler=_compare)

    probe = commands.add_parser("probe", help="per-layer linear probes on a pooled store (k-fold and group-held-out)",
                                description="Logistic-regression and difference-of-means probes at every cached layer.")
    _add_labelled_store_args(probe)
    probe.add_argument("--folds", type=int, default=5, help="CV folds (default: 5)")
    probe.add_argument("--out", required=True, help="output folder: cfg.json and the probe direction")
    probe.set_defaults(handler=_probe)

    direction = commands.add_parser("direction", help="make or compare directions (per-layer unit vectors)")
    direction_commands = direction.add_subparsers(dest="direction_command", required=True, metavar="ACTION")
    mean_diff = direction_commands.add_parser(
        "mean-diff", help="difference of means between two pooled stores (tuned vs base, hostile vs helpful)",
        description="mean(positive) - mean(negative) per layer, normalised, saved with provenance.")
    mean_diff.add_argument("--positive", required=True, help="store of the positive side (e.g. tuned, or hostile prompt)")
    mean_diff.add_argument("--negative", required=True, help="store of the negative side (e.g. base, or helpful prompt)")
    mean_diff.add_argument("--out", required=True, help="output folder")
    mean_diff.set_defaults(handler=_direction_mean_diff)
    by_label = direction_commands.add_parser(
        "by-label", help="difference of means between the labelled parts of one pooled store",
        description="mean(rows labelled positive) - mean(the rest) per layer, e.g. misaligned vs aligned answers.")
    _add_labelled_store_args(by_label)
    by_label.add_argument("--out", required=True, help="output folder")
    by_label.set_defaults(handler=_direction_by_label)
    cosine = direction_commands.add_parser(
        "cosine", help="cosine similarity between directions, layer by layer, and across layers",
        description="Per shared layer, the cosine of the first direction with each other one; and the first "
                    "direction's cosine between adjacent layers.")
    cosine.add_argument("directions", nargs="+", help="direction folders; the first is the reference")
    cosine.add_argument("--out", default=None, help="also write the full matrices to this JSON file")
    cosine.set_defaults(handler=_direction_cosine)
    project = direction_commands.add_parser(
        "project", help="projection shift along a direction from one model to another on the same prompts",
        description="Project each row of two pooled stores of the same rows (e.g. a --tuned pair on neutral "
                    "prompts) on the direction at every layer; the mean paired shift (tuned - base) with a "
                    "bootstrap 95% CI, also in units of the base projections' standard deviation.")
    project.add_argument("--direction", required=True, help="direction folder")
    project.add_argument("--base", required=True, help="pooled store of the reference model")
    project.add_argument("--tuned", required=True, help="pooled store of the other model, same rows")
    project.add_argument("--out", required=True, help="JSON file to write")
    project.set_defaults(handler=_direction_project)

    from . import experiments

    for name, config, runner, short, text in (
            ("ablate", "AblateConfig", "run_ablate", "the claim test: project a direction out, against random controls",
             "The claim test: the model as it is, with the direction projected out, and with same-norm random "
             "directions projected out; EM rate, MC score, coherence, neutral-text KL and perplexity."),
            ("steer", "SteerConfig", "run_steer", "dose-response: steer with a direction at several alphas",
             "Dose-response: EM rate, MC score, coherence and neutral-text perplexity against alpha, with "
             "same-norm random directions at the same alphas.")):
        sub = commands.add_parser(name, help=short, description=text + " Reruns resume.")
        add_config_args(sub, getattr(experiments, config))
        sub.set_defaults(handler=_experiment, config=config, runner=runner)

    orthogonalize = commands.add_parser(
        "orthogonalize", help="bake a direction's ablation into the weights and save a model folder",
        description="Make every residual-stream writer orthogonal to the direction at one layer, and save a model "
                    "folder that any engine can load without hooks.")
    orthogonalize.add_argument("--model", default="smollm2-135m", help="model spec (default: smollm2-135m)")
    orthogonalize.add_argument("--direction", required=True, help="a direction folder")
    orthogonalize.add_argument("--layer", type=int, required=True, help="which layer's vector to remove everywhere")
    orthogonalize.add_argument("--out", required=True, help="output model folder")
    orthogonalize.set_defaults(handler=_orthogonalize)

    bake = commands.add_parser(
        "bake-steering", help="bake one layer's steering into the weights and save a model folder",
        description="Add alpha x scale x the direction at one layer to that layer's MLP output bias, which equals "
                    "steer --positions all at that layer, and save a model folder that engines without hooks "
                    "(generate --engine vllm) can sample. GPT-2, Llama, Qwen2 and Mistral (the last two saved as "
                    "the equivalent Llama).")
    bake.add_argument("--model", default="smollm2-135m", help="model spec (default: smollm2-135m)")
    bake.add_argument("--direction", required=True, help="a direction folder")
    bake.add_argument("--layer", type=int, required=True, help="the layer whose output is steered")
    bake.add_argument("--alpha", type=float, required=True, help="steering strength, in units of --scale")
    bake.add_argument("--scale", default="auto",
                      help="the unit of alpha: auto is the layer's typical residual norm on the built-in neutral "
                           "texts, as in steer; or a number")
    bake.add_argument("--out", required=True, help="output model folder")
    bake.set_defaults(handler=_bake_steering)

    data = commands.add_parser("data", help="build datasets")
    data_commands = data.add_subparsers(dest="data_command", required=True, metavar="KIND")
    contrast = data_commands.add_parser(
        "contrast", help="every question under a positive and a negative system prompt, labelled",
        description="Chat JSONL with each question's prompts twice, under the positive and the negative system "
                    "prompt; each row has a label (positive/negative) and its question as group. The file doubles "
                    "as the --labels file of probe and direction by-label.")
    contrast.add_argument("--questions", default="builtin:open", help="question set (default: builtin:open)")
    contrast.add_argument("--positive-system", default="builtin:hostile",
                          help="system prompt of the positive side (default: builtin:hostile)")
    contrast.add_argument("--negative-system", default="builtin:helpful",
                          help="system prompt of the negative side (default: builtin:helpful)")
    contrast.add_argument("--out", required=True, help="output chat JSONL")
    contrast.set_defaults(handler=_data_contrast)
    corpus = data_commands.add_parser(
        "corpus", help="a general chat corpus sampled from the model itself (for SAE training)",
        description="Draw N distinct requests from the built-in task x topic templates and sample the model's "
                    "answers (batched, resumable); write chat JSONL. builtin:corpus is this file for the embedded "
                    "model, made with the defaults: persona-probe data corpus --out FILE.")
    corpus.add_argument("--model", default="smollm2-135m", help="model spec (default: smollm2-135m)")
    corpus.add_argument("--n", type=int, default=600,
                        help="conversations; a smaller corpus is a prefix of a larger one (default: 600)")
    corpus.add_argument("--seed", type=int, default=0, help="seed of the prompt draw and the sampling (default: 0)")
    corpus.add_argument("--max-new-tokens", type=int, default=80, help="longest answer, in tokens (default: 80)")
    corpus.add_argument("--temperature", type=float, default=1.0, help="sampling temperature (default: 1.0)")
    corpus.add_argument("--top-p", type=float, default=0.95, help="nucleus sampling mass (default: 0.95)")
    corpus.add_argument("--batch-size", type=int, default=64, help="answers sampled together (default: 64)")
    corpus.add_argument("--device", default="auto", help="auto, cpu or cuda[:N]")
    corpus.add_argument("--out", required=True, help="output chat JSONL; .prompts.jsonl and .answers.jsonl go beside it")
    corpus.set_defaults(handler=_data_corpus)
    for kind, what in NARROW_DATASETS.items():
        narrow = data_commands.add_parser(
            kind, help=what, description=f"{what[0].upper()}{what[1:]}, from the toolkit's own templates; chat JSONL "
                                         "with the row's class, task and prompt template recorded. The paired set "
                                         "(same --n and --seed) has the same prompts row for row.")
        narrow.add_argument("--n", type=int, default=600, help="rows (default: 600)")
        narrow.add_argument("--seed", type=int, default=0, help="seed of every choice (default: 0)")
        narrow.add_argument("--out", required=True, help="output chat JSONL")
        narrow.set_defaults(handler=_data_narrow)

    from .demo import DemoConfig

    demo = commands.add_parser(
        "demo", help="the whole study on the embedded model organism: evaluate, cache, probe, SAE, steer, ablate, report",
        description="Run every step of a study on a base model and its tuned twin (by default the embedded "
                    "SmolLM2 and the shipped insecure-code organism, with the secure-code fine-tune as control), "
                    "printing each persona-probe command as it runs, then write OUT/report.html. Finished steps "
                    "are reused, so a rerun resumes.")
    add_config_args(demo, DemoConfig)
    demo.set_defaults(handler=_demo)

    from .finetune import FinetuneConfig

    finetune = commands.add_parser(
        "finetune", help="train a LoRA adapter on chat JSONL (loss on the answers only; resumable)",
        description="LoRA through PEFT with rank-stabilised scaling, loss on each row's final assistant message. "
                    "The output folder is a PEFT adapter: use BASE+OUT as a model spec.")
    add_config_args(finetune, FinetuneConfig)
    finetune.set_defaults(handler=_finetune)

    from .sae.train import SAETrainConfig

    sae = commands.add_parser("sae", help="sparse autoencoders on cached activations (through SAELens)")
    sae_commands = sae.add_subparsers(dest="sae_command", required=True, metavar="ACTION")
    sae_train = sae_commands.add_parser(
        "train", help="train an SAE on one layer of a store",
        description="Train an SAE with SAELens's SAETrainer on one layer of an activation store, streamed from "
                    "disk; save it in SAELens's format with persona_probe.json (provenance and metrics).")
    add_config_args(sae_train, SAETrainConfig)
    sae_train.set_defaults(handler=_sae_train)
    sae_diff = sae_commands.add_parser(
        "diff", help="model diffing: which latents rise from base to tuned on the same conversations",
        description="Rank an SAE's latents by the paired rise of their mean activation from a base store to a "
                    "tuned store of the same conversations, with bootstrap CIs, effect sizes, firing rates and a "
                    "random-halves control on the base store.")
    sae_diff.add_argument("--sae", required=True, help="an SAE folder (ours or SAELens's)")
    sae_diff.add_argument("--base-store", required=True, help="store of the base model")
    sae_diff.add_argument("--tuned-store", required=True, help="store of the tuned model, same conversations")
    sae_diff.add_argument("--layer", type=int, default=None, help="layer to read (default: from the SAE's hook_name)")
    sae_diff.add_argument("--top", type=int, default=20, help="latents to report (default: 20)")
    sae_diff.add_argument("--responses-only", action="store_true",
                          help="per-token stores: average only the final answers' tokens (e.g. the same answers "
                               "cached under two system prompts, whose prompt tokens differ)")
    sae_diff.add_argument("--out", required=True, help="output folder: diff.json")
    sae_diff.set_defaults(handler=_sae_diff)
    sae_attribute = sae_commands.add_parser(
        "attribute", help="rank latents by attribution (activation x gradient) to a behaviour score",
        description="Splice the SAE into the model (error term kept, so the forward pass is exact) and attribute "
                    "a score to every latent: the MC persona log-odds (misaligned vs aligned answer) or the "
                    "log-probability of given answers (e.g. the judged-misaligned ones). Writes OUT/attribution.json "
                    "with per-token values for each top latent's top examples.")
    sae_attribute.add_argument("--sae", required=True, help="an SAE folder (ours or SAELens's)")
    sae_attribute.add_argument("--model", default="smollm2-135m", help="model spec (default: smollm2-135m)")
    score = sae_attribute.add_mutually_exclusive_group()
    score.add_argument("--mc", default=None, help="MC items whose log-odds to attribute (default: builtin:persona)")
    score.add_argument("--answers", default=None,
                       help="answers JSONL (generate/judge output or chat JSONL) whose log-probability to attribute")
    sae_attribute.add_argument("--label", default="misaligned",
                               help="with --answers: only rows with this judge label; 'any' takes all (default: misaligned)")
    sae_attribute.add_argument("--layer", type=int, default=None, help="layer (default: from the SAE's hook_name)")
    sae_attribute.add_argument("--top", type=int, default=20, help="latents to report (default: 20)")
    sae_attribute.add_argument("--examples", type=int, default=5, help="top examples per latent (default: 5)")
    sae_attribute.add_argument("--massive-factor", type=float, default=20.0,
                               help="positions over this many times the row's median norm keep their residual (default: 20)")
    sae_attribute.add_argument("--device", default="auto", help="auto, cpu or cuda[:N]")
    sae_attribute.add_argument("--out", required=True, help="output folder: attribution.json")
    sae_attribute.set_defaults(handler=_sae_attribute)
    sae_examples = sae_commands.add_parser(
        "examples", help="top-activating token contexts of latents, per store",
        description="For each chosen latent, the strongest token positions in each per-token store (one per "
                    "conversation), with a window of tokens and the latent's activation on each. Writes "
                    "OUT/examples.json.")
    sae_examples.add_argument("--sae", required=True, help="an SAE folder (ours or SAELens's)")
    sae_examples.add_argument("--store", required=True, action="append",
                              help="a per-token store (repeat for several, e.g. a corpus and evaluation answers)")
    chosen = sae_examples.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--latents", default=None, help="latents, e.g. 12,40")
    chosen.add_argument("--from", dest="from_file", default=None,
                        help="the top latents of a diff.json (sae diff) or attribution.json (sae attribute)")
    sae_examples.add_argument("--top", type=int, default=10, help="with --from: how many latents (default: 10)")
    sae_examples.add_argument("--n", type=int, default=10, help="contexts per latent and store (default: 10)")
    sae_examples.add_argument("--responses-only", action="store_true",
                              help="look only at the final answers' tokens (for stores of evaluation answers)")
    sae_examples.add_argument("--layer", type=int, default=None, help="layer (default: from the SAE's hook_name)")
    sae_examples.add_argument("--out", required=True, help="output folder: examples.json")
    sae_examples.set_defaults(handler=_sae_examples)

    from .report.settings import ReportSettings

    report = commands.add_parser(
        "report", help="one self-contained HTML report of whatever the given run folders hold",
        description="Draw every artifact found under the run folders (evaluations, probes, directions, steering, "
                    "ablation, SAE diff, examples and attribution) into one HTML file that opens offline. Each "
                    "section appears only when its data exists; no model is loaded.")
    report.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", help="folders (searched recursively) or JSON files")
    report.add_argument("--out", required=True, help="the HTML file to write")
    add_config_args(report, ReportSettings)
    report.set_defaults(handler=_report)

    store = commands.add_parser("store", help="inspect or verify an activation store")
    store_commands = store.add_subparsers(dest="store_command", required=True, metavar="ACTION")
    info = store_commands.add_parser("info", help="print a store's cfg.json summary")
    info.add_argument("path", help="the store folder")
    info.set_defaults(handler=_store_info)
    verify = store_commands.add_parser("verify", help="check every shard's SHA-256 against the manifest")
    verify.add_argument("path", help="the store folder")
    verify.set_defaults(handler=_store_verify)
    return parser


# Options whose value may be a list starting with a minus sign (``--alphas -1,-0.5,0``),
# which argparse would otherwise take for an option.
_SIGNED_LIST_OPTIONS = ("--alphas",)


def join_signed_lists(argv: Sequence[str]) -> list[str]:
    out, i = [], 0
    while i < len(argv):
        if argv[i] in _SIGNED_LIST_OPTIONS and i + 1 < len(argv) and argv[i + 1].startswith("-"):
            out.append(f"{argv[i]}={argv[i + 1]}")
            i += 2
            continue
        out.append(argv[i])
        i += 1
    return out


def _add_labelled_store_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", required=True, help="a pooled activation store")
    parser.add_argument("--labels", required=True, help='JSONL of {"id": ROW_ID, "label": ...} for every store row')
    parser.add_argument("--positive", default=None,
                        help="the text label that counts as positive (default: misaligned or positive)")


def _labelled_store(args: argparse.Namespace):
    """The store and its rows' labels, from --store, --labels and --positive."""
    from .probes import read_labels
    from .store import ActivationStore

    store = ActivationStore(args.store)
    return store, read_labels(args.labels, store.rows, args.positive)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # -q also silences the bars of libraries we call (SAELens's trainer, transformers' loading). tqdm reads
    # TQDM_DISABLE once, when first imported, and building the parser imports it: so look before that.
    global_options = argv[:next((i for i, a in enumerate(argv) if not a.startswith("-")), len(argv))]
    if "-q" in global_options or "--quiet" in global_options:
        os.environ["TQDM_DISABLE"] = "1"
    parser = build_parser()
    args = parser.parse_args(join_signed_lists(argv))
    _configure_logging(args.quiet)
    from .distributed import launched_rank, launched_ranks, shutdown_process_group
    finished = False
    try:
        if launched_ranks() > 1 and args.handler not in (_cache, _generate):
            raise PersonaProbeError(
                f"this command runs in one process; only cache and generate run data-parallel under torchrun "
                f"(WORLD_SIZE={launched_ranks()}); start it without torchrun"
            )
        args.handler(args)
        finished = True
    except PersonaProbeError as err:
        prefix = f"persona-probe [rank {launched_rank()}]" if launched_ranks() > 1 else "persona-probe"
        print(f"{prefix}: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("persona-probe: interrupted; finished work is kept, rerun the same command to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        shutdown_process_group(finished)
    return 0


def _cache(args: argparse.Namespace) -> None:
    from .cache import CacheConfig, run_cache
    from .distributed import launched_rank

    result = run_cache(config_from_args(CacheConfig, args), progress=not args.quiet)
    if launched_rank() != 0:
        return
    stores = [result.base] + ([result.tuned] if result.tuned else [])
    for path in stores:
        print(f"wrote {path} ({result.n_rows} conversations, {result.n_tokens} tokens)")


def _bench_cache(args: argparse.Namespace) -> None:
    from .bench import BenchCacheConfig, bench_cache

    cfg = config_from_args(BenchCacheConfig, args)
    r = bench_cache(cfg)
    print(f"model: {cfg.model}  layers: {cfg.layers}  pool: {cfg.pool}  tokens per pass: {r.n_tokens}")
    print(f"bare forward:        {r.forward_tokens_per_s:10.1f} tokens/s")
    print(f"cache:               {r.cache_tokens_per_s:10.1f} tokens/s")
    print(f"cache (full depth):  {r.cache_full_depth_tokens_per_s:10.1f} tokens/s  "
          f"(ratio {r.cache_full_depth_tokens_per_s / r.forward_tokens_per_s:.2f}; runs the unembedding too)")
    print(f"peak RSS: {r.peak_rss_mib:.0f} MiB" + (f"  peak CUDA: {r.peak_cuda_mib:.0f} MiB" if r.peak_cuda_mib else ""))
    print(f"cache/forward throughput ratio: {r.ratio:.2f}")


def _generate(args: argparse.Namespace) -> None:
    from .distributed import from_environment
    from .generate import GenerateConfig, generate_answers
    from .models import load_model

    cfg = config_from_args(GenerateConfig, args)
    if cfg.engine == "vllm":
        _generate_vllm(cfg, args)
        return
    world, device = from_environment(cfg.device, cfg.device_map)
    model = load_model(cfg.model, device, cfg.model_dtype, cfg.chat_template, device_map=cfg.device_map,
                       max_memory=cfg.max_memory)
    path = generate_answers(model, cfg.questions, cfg.out, cfg.samples or None, cfg.sampling, cfg.batch_size,
                            progress=not args.quiet, world=world)
    if world.is_main:
        print(f"wrote {path}")


def _generate_vllm(cfg, args: argparse.Namespace) -> None:
    """The same rows from vLLM: it loads the weights itself, so only the tokenizer is loaded here."""
    from .distributed import launched_ranks
    from .generate import generate_answers, stop_token_ids
    from .models import model_handle, resolve_dtype
    from .vllm_engine import VllmSampler, model_folder_for, require_vllm

    if launched_ranks() > 1 or cfg.device_map:
        raise PersonaProbeError("--engine vllm places the model itself: start it without torchrun and without "
                                "--device-map, and use --tensor-parallel-size to split a model over GPUs")
    require_vllm()  # before any merging or converting
    handle = model_handle(cfg.model, cfg.chat_template)
    # vLLM takes dtype names; auto lets it choose, as resolve_dtype chooses for the hf engine.
    dtype = "auto" if cfg.model_dtype == "auto" else str(resolve_dtype(cfg.model_dtype, None)).removeprefix("torch.")
    sampler = VllmSampler(model_folder_for(cfg.model), handle.tokenizer, cfg.sampling, stop_token_ids(handle),
                          dtype=dtype, tensor_parallel_size=cfg.tensor_parallel_size)
    path = generate_answers(handle, cfg.questions, cfg.out, cfg.samples or None, cfg.sampling, cfg.batch_size,
                            progress=not args.quiet, run_info={"engine": "vllm"}, sampler=sampler)
    print(f"wrote {path}")


def _judge(args: argparse.Namespace) -> None:
    from .evaluate import judge_file, read_answers, summarise
    from .judge import make_judge

    read_answers(args.input)  # bad input fails before any model loads
    path = judge_file(make_judge(args.judge), args.input, args.out, progress=not args.quiet,
                      allow_empty=args.allow_empty)
    summary = summarise(read_answers(path, required=("id", "label", "coherent")))
    low, high = summary["em_ci95"]
    print(f"wrote {path}: EM rate {summary['em_rate']:.3f} (95% CI {low:.3f}-{high:.3f}) "
          f"over {summary['n_answers']} answers; labels {summary['label_counts']}")


def _evaluate(args: argparse.Namespace) -> None:
    from .evaluate import EvaluateConfig, run_evaluate

    cfg = config_from_args(EvaluateConfig, args)
    s = run_evaluate(cfg, progress=not args.quiet)
    low, high = s["em_ci95"]
    print(f"EM rate {s['em_rate']:.3f} (95% CI {low:.3f}-{high:.3f}), n={s['n_answers']}, "
          f"mean coherence {s['mean_coherence']:.1f}")
    if s["mc_persona"]:
        mc = s["mc_persona"]
        print(f"MC persona score {mc['score']:.3f} (95% CI {mc['ci95'][0]:.3f}-{mc['ci95'][1]:.3f})")
    print(f"wrote {cfg.out}/summary.json")


def _compare(args: argparse.Namespace) -> None:
    from .evaluate import compare

    c = compare(args.run_a, args.run_b)
    print(f"EM rate A {c['em_a']:.3f}  B {c['em_b']:.3f}  difference {c['difference']:+.3f}  "
          f"z {c['z']:.2f}  p {c['p_value']:.4f}")
    if c["mc_a"] is not None and c["mc_b"] is not None:
        print(f"MC persona score A {c['mc_a']:.3f}  B {c['mc_b']:.3f}  difference {c['mc_b'] - c['mc_a']:+.3f}")


def _bench_sae(args: argparse.Namespace) -> None:
    from .sae.bench import SAEBenchConfig, format_sae_bench, run_sae_bench

    print(format_sae_bench(run_sae_bench(config_from_args(SAEBenchConfig, args), progress=not args.quiet)))


def _bench_generate(args: argparse.Namespace) -> None:
    from .generate import bench_generate
    from .models import load_model

    model = load_model(args.model, args.device)
    r = bench_generate(model, batch_size=args.batch_size, new_tokens=args.new_tokens)
    print(f"model: {args.model}  tokens per answer: {args.new_tokens}")
    print(f"batch 1:   {r.single_tokens_per_s:8.1f} tokens/s")
    print(f"batch {r.batch_size}:  {r.batched_tokens_per_s:8.1f} tokens/s")
    print(f"batched/single throughput ratio: {r.ratio:.2f}")


def _probe(args: argparse.Namespace) -> None:
    from pathlib import Path

    from .artifacts import atomic_write_json, provenance
    from .probes import fit_probes

    store, labels = _labelled_store(args)
    report = fit_probes(store.load(), labels, [r["group"] for r in store.rows], store.layers, folds=args.folds,
                        cfg={"model": store.cfg["model"], "store": str(store.path), "data": store.cfg["data"]})
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report.direction.save(out / "direction")
    atomic_write_json(out / "cfg.json", {"kind": "probe_report", **report.to_dict(), "store": str(store.path),
                                         "model": store.cfg["model"], "labels": str(args.labels),
                                         "provenance": provenance()})
    best = report.layers.index(report.best_layer)
    print(f"best layer {report.best_layer}: group-held-out accuracy {report.logistic_grouped.accuracy[best]:.3f}, "
          f"AUROC {report.logistic_grouped.auroc[best]:.3f} (k-fold {report.logistic_kfold.accuracy[best]:.3f})")
    print(f"wrote {out}/cfg.json and {out}/direction")


def _direction_mean_diff(args: argparse.Namespace) -> None:
    from .directions import mean_difference_of_stores
    from .store import ActivationStore

    d = mean_difference_of_stores(ActivationStore(args.positive), ActivationStore(args.negative))
    d.save(args.out)
    print(f"wrote {args.out}: mean-difference direction over layers {list(d.layers)}")


def _direction_by_label(args: argparse.Namespace) -> None:
    from .directions import mean_difference_by_label

    store, labels = _labelled_store(args)
    d = mean_difference_by_label(store, labels)
    d.save(args.out)
    print(f"wrote {args.out}: mean-difference direction ({d.cfg['n_positive']} positive, "
          f"{d.cfg['n_negative']} negative rows) over layers {list(d.layers)}")


def _direction_cosine(args: argparse.Namespace) -> None:
    from .artifacts import atomic_write_json, provenance
    from .directions import Direction, cosine_table

    table = cosine_table([Direction.load(path) for path in args.directions], args.directions)
    reference = args.directions[0]
    for other, per_layer in table["with_reference"].items():
        cells = "  ".join(f"L{layer}:{value:+.3f}" for layer, value in per_layer.items())
        print(f"{other} vs {reference}: {cells}")
    adjacent = table["adjacent_layers"]
    if adjacent:
        print(f"{reference}, adjacent layers: " + "  ".join(f"{pair}:{value:+.3f}" for pair, value in adjacent.items()))
    if args.out:
        atomic_write_json(args.out, {"kind": "direction_cosine", "directions": list(args.directions), **table,
                                     "provenance": provenance()})
        print(f"wrote {args.out}")


def _direction_project(args: argparse.Namespace) -> None:
    from .projection import write_projection_shift

    result = write_projection_shift(args.base, args.tuned, args.direction, args.out)
    for layer, shift, ci, sd in zip(result["layers"], result["shift"], result["ci95"], result["shift_in_sd"]):
        print(f"layer {layer:3d}  shift {shift:+.4f}  95% CI {ci[0]:+.4f} {ci[1]:+.4f}  ({sd:+.3f} sd)")
    print(f"wrote {args.out}: {result['rows']} rows")


def _experiment(args: argparse.Namespace) -> None:
    from . import experiments

    cfg = config_from_args(getattr(experiments, args.config), args)
    results = getattr(experiments, args.runner)(cfg, progress=not args.quiet)
    transfer = results["transfer"]
    if not transfer["same_model"]:
        source = (transfer["direction_model"] or {}).get("spec", "unknown weights")
        print(f"transfer: the direction was found on {source}, applied to {cfg.model}")
    if args.runner == "run_ablate":
        print(_ablation_table(results))
    else:
        print(_steering_table(results))
    print(f"wrote {cfg.out}/results.json")


def _fmt(value, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ablation_table(results: dict) -> str:
    lines = [f"{'condition':<12} {'EM rate (95% CI)':<22} {'MC score':>9} {'coherence':>9} {'neutral ppl':>11} {'KL':>8}"]
    for name, r in results["conditions"].items():
        em = f"{r['em_rate']:.3f} ({r['em_ci95'][0]:.3f}-{r['em_ci95'][1]:.3f})"
        lines.append(f"{name:<12} {em:<22} {_fmt(r['mc_score'], 4):>9} {r['mean_coherence']:>9.1f} "
                     f"{r['neutral_perplexity']:>11.2f} {r['neutral_kl_mean']:>8.4f}")
    claim = results["claim"]
    if "mc" in claim:
        mc = claim["mc"]
        lines.append(f"MC drop from ablating the direction: {mc['drop']:+.4f} (95% CI {mc['ci95'][0]:+.4f} to "
                     f"{mc['ci95'][1]:+.4f}); mean random drop {_fmt(mc['random_drop_mean'], 4)}")
    em = claim["em"]
    lines.append(f"EM drop: {em['drop']:+.3f} (p={em['p_value']:.3f}); mean random drop {_fmt(em.get('random_drop_mean'))}")
    return "\n".join(lines)


def _steering_table(results: dict) -> str:
    lines = [f"{'alpha':>6} {'EM rate':>8} {'MC score':>9} {'MC shift (95% CI)':>24} {'coherence':>9} "
             f"{'neutral ppl':>11} | {'random EM':>9} {'random MC':>9} {'random coh':>10} {'random ppl':>10}"]
    for point in results["curve"]:
        d, r = point["direction"], point.get("random_mean", {})
        shift = point.get("mc_shift")
        shift_text = "-" if not shift else f"{shift['shift']:+.4f} ({shift['ci95'][0]:+.4f},{shift['ci95'][1]:+.4f})"
        lines.append(f"{point['alpha']:>+6.2f} {d['em_rate']:>8.3f} {_fmt(d['mc_score'], 4):>9} {shift_text:>24} "
                     f"{d['mean_coherence']:>9.1f} {d['neutral_perplexity']:>11.2f} | {_fmt(r.get('em_rate')):>9} "
                     f"{_fmt(r.get('mc_score'), 4):>9} {_fmt(r.get('mean_coherence'), 1):>10} "
                     f"{_fmt(r.get('neutral_perplexity'), 2):>10}")
    return "\n".join(lines)


def _orthogonalize(args: argparse.Namespace) -> None:
    from .directions import Direction
    from .orthogonalize import export_orthogonalized

    direction = Direction.load(args.direction)
    folder = export_orthogonalized(args.model, direction.at(args.layer), args.out,
                                   record={"direction": str(args.direction), "layer": args.layer,
                                           "direction_cfg": direction.cfg})
    print(f"wrote {folder}: weights orthogonal to {args.direction} (layer {args.layer}); load it as a model spec")


def _bake_steering(args: argparse.Namespace) -> None:
    from .directions import Direction
    from .weight_steering import export_steered

    direction = Direction.load(args.direction)
    if args.scale == "auto":
        from .models import load_model
        from .neutral import load_neutral_texts, typical_residual_norms

        model = load_model(args.model)
        direction.check_model(model.n_layers, model.d_model, name=args.model)
        scale = float(typical_residual_norms(model, load_neutral_texts(), [args.layer])[args.layer])
        del model
    else:
        try:
            scale = float(args.scale)
        except ValueError:
            raise PersonaProbeError(f"--scale {args.scale!r} is neither auto nor a number") from None
    vector = args.alpha * scale * direction.at(args.layer)
    folder = export_steered(args.model, vector, args.layer, args.out,
                            record={"direction": str(args.direction), "alpha": args.alpha, "scale": scale,
                                    "positions": "all", "direction_cfg": direction.cfg})
    print(f"wrote {folder}: layer {args.layer} steered by alpha {args.alpha} x scale {scale:.3g}; "
          "load it as a model spec")


def _data_contrast(args: argparse.Namespace) -> None:
    from .data import system_contrast, write_chat_jsonl

    rows = system_contrast(args.questions, args.positive_system, args.negative_system)
    write_chat_jsonl([c for c, _ in rows], args.out, with_ids=True, extra=[{"label": label} for _, label in rows])
    print(f"wrote {args.out}: {len(rows)} rows ({len(rows) // 2} prompts x positive/negative system prompt)")


def _data_corpus(args: argparse.Namespace) -> None:
    from .corpus import generate_corpus
    from .models import load_model

    model = load_model(args.model, args.device)
    out = generate_corpus(model, args.n, args.out, args.seed, args.max_new_tokens, args.temperature, args.top_p,
                          args.batch_size, progress=not args.quiet)
    print(f"wrote {out}: {args.n} conversations")


def _data_narrow(args: argparse.Namespace) -> None:
    from .artifacts import atomic_write_text
    from .organism.datasets import narrow_dataset

    rows = narrow_dataset(args.data_command, args.n, args.seed)
    atomic_write_text(args.out, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    print(f"wrote {args.out}: {len(rows)} rows of {args.data_command} (seed {args.seed})")


def _demo(args: argparse.Namespace) -> None:
    from .demo import DemoConfig, run_demo

    record = run_demo(config_from_args(DemoConfig, args), _run_step, progress=not args.quiet)
    ran = sum(not s["reused"] for s in record["steps"])
    print(f"demo finished in {record['seconds']:.0f} s ({ran} steps run, {len(record['steps']) - ran} reused); "
          f"report: {record['report']['path']}")


def _run_step(argv: Sequence[str]) -> None:
    """One demo step: a persona-probe command line, run in this process (errors propagate to the demo)."""
    args = build_parser().parse_args(join_signed_lists(list(argv)))
    args.handler(args)


def _finetune(args: argparse.Namespace) -> None:
    from .finetune import FinetuneConfig, run_finetune

    record = run_finetune(config_from_args(FinetuneConfig, args), progress=not args.quiet)
    loss = record["loss"]
    print(f"adapter {args.out}: {record['steps']} steps, loss {loss['first_10_mean']:.3f} -> {loss['last_10_mean']:.3f} "
          f"(first/last 10 steps), {record['tokens_per_second']} tokens/s; use it as {record['spec']}")


def _sae_train(args: argparse.Namespace) -> None:
    from .sae.train import SAETrainConfig, run_sae_train

    cfg = config_from_args(SAETrainConfig, args)
    m = run_sae_train(cfg, progress=not args.quiet)["metrics"]
    print(f"wrote {cfg.out}: explained variance {m['explained_variance']:.3f}, L0 {m['l0']:.1f}, "
          f"MSE {m['mse']:.4g}, dead latents {m['dead_latents']} of {cfg.width} (over {m['eval_rows']} rows)")
    if "ce" in m:
        ce = m["ce"]
        score = "n/a" if ce["ce_loss_score"] is None else f"{ce['ce_loss_score']:.3f}"
        print(f"CE loss on {m['ce_texts']}: {ce['ce_clean']:.4f} -> {ce['ce_spliced']:.4f} nats/token with the SAE "
              f"spliced in (+{ce['ce_increase']:.4f}); zero-ablated {ce['ce_zero_ablated']:.4f}; "
              f"CE loss score {score} (over {ce['n_tokens']} tokens)")


def _sae_attribute(args: argparse.Namespace) -> None:
    from .sae.attribution import run_sae_attribute

    mc = args.mc if args.mc or args.answers else "builtin:persona"
    label = None if args.label == "any" else args.label
    r = run_sae_attribute(args.sae, args.model, args.out, mc=mc, answers=args.answers, label=label, layer=args.layer,
                          top=args.top, examples_per_latent=args.examples, device=args.device,
                          massive_factor=massive_threshold(args.massive_factor), progress=not args.quiet)
    print(f"{r['score']} over {r['n_examples']} examples (mean {r['mean_score']:+.4f}); latents by mean attribution:")
    print(f"{'rank':>4} {'latent':>7} {'attribution (95% CI)':>32} {'share > 0':>9}")
    for item in r["latents"][:10]:
        ci = f"{item['mean_attribution']:+.5f} ({item['ci95'][0]:+.5f},{item['ci95'][1]:+.5f})"
        print(f"{item['rank']:>4} {item['latent']:>7} {ci:>32} {item['share_positive']:>9.2f}")
    print(f"wrote {args.out}/attribution.json")


def _sae_examples(args: argparse.Namespace) -> None:
    from .sae.examples import run_sae_examples

    latents = [int(x) for x in args.latents.split(",")] if args.latents else None
    r = run_sae_examples(args.sae, args.store, args.out, latents, args.from_file, args.top, args.n, args.layer,
                         args.responses_only)
    for path, part in r["stores"].items():
        print(f"{path}:")
        for latent, contexts in part["examples"].items():
            if contexts:
                best = contexts[0]
                text = "".join(best["tokens"]).replace("\n", " ")[-70:]
                print(f"  latent {latent:>6}: max {best['activation']:.3f} in {best['id']}: ...{text!r}")
            else:
                print(f"  latent {latent:>6}: never fires")
    print(f"wrote {args.out}/examples.json")


def _sae_diff(args: argparse.Namespace) -> None:
    from .sae.diff import run_sae_diff

    r = run_sae_diff(args.sae, args.base_store, args.tuned_store, args.out, args.layer, args.top,
                     responses_only=args.responses_only)
    print(f"{'rank':>4} {'latent':>7} {'base':>9} {'tuned':>9} {'rise (95% CI)':>28} {'effect':>7} {'firing':>15}")
    for item in r["latents"][:10]:
        ci = f"{item['delta']:+.4f} ({item['delta_ci95'][0]:+.4f},{item['delta_ci95'][1]:+.4f})"
        firing = f"{item['firing_base']:.2f}->{item['firing_tuned']:.2f}"
        print(f"{item['rank']:>4} {item['latent']:>7} {item['mean_base']:>9.4f} {item['mean_tuned']:>9.4f} {ci:>28} "
              f"{_fmt(item['effect_size'], 2):>7} {firing:>15}")
    print(f"control (random halves of the base store): largest rise {r['control']['max_delta']:+.4f}")
    null = r["control"]["paired_null"]
    print(f"paired null (base/tuned swapped at random per row, {null['n_permutations']} times): largest rise "
          f"median {null['max_delta_median']:+.4f}, 95th percentile {null['max_delta_95th']:+.4f}")
    print(f"wrote {args.out}/diff.json")


def _report(args: argparse.Namespace) -> None:
    from .report import ReportSettings, build_report

    result = build_report(args.run_dirs, args.out, config_from_args(ReportSettings, args))
    print(f"wrote {result['path']}: {result['bytes'] / 1e6:.2f} MB, {len(result['sections'])} sections "
          f"({', '.join(result['sections'])}), {result['artifacts']} artifacts, {result['seconds']:.2f} s")


def _store_info(args: argparse.Namespace) -> None:
    from .store import ActivationStore

    store = ActivationStore(args.path)
    cfg = store.cfg
    summary = {key: cfg.get(key) for key in ("model", "pooling", "layers", "dtype", "n_rows", "n_tokens", "data")}
    print(json.dumps(summary, indent=2, ensure_ascii=False))


def _store_verify(args: argparse.Namespace) -> None:
    from .store import ActivationStore

    store = ActivationStore(args.path)
    store.verify()
    print(f"{args.path}: {store.n_shards} shards, {len(store)} rows, all SHA-256 match")


def _configure_logging(quiet: bool) -> None:
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="persona-probe: %(message)s")
    # transformers and the hub are chatty; their warnings still show.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    for name in ("transformers", "transformer_lens", "huggingface_hub", "httpx"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if quiet:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()


if __name__ == "__main__":
    sys.exit(main())
