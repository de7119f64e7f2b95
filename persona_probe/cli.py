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

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


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
    probe.add_argument("--store", required=True, help="a pooled activation store")
    probe.add_argument("--labels", required=True, help='JSONL of {"id": ROW_ID, "label": ...} for every store row')
    probe.add_argument("--positive", default=None, help="the text label that counts as positive (default: misaligned)")
    probe.add_argument("--folds", type=int, default=5, help="CV folds (default: 5)")
    probe.add_argument("--out", required=True, help="output folder: cfg.json and the probe direction")
    probe.set_defaults(handler=_probe)

    direction = commands.add_parser("direction", help="a difference-of-means direction between two pooled stores",
                                    description="mean(positive) - mean(negative) per layer, normalised, saved with provenance.")
    direction.add_argument("--positive", required=True, help="store of the positive side (e.g. tuned, or hostile prompt)")
    direction.add_argument("--negative", required=True, help="store of the negative side (e.g. base, or helpful prompt)")
    direction.add_argument("--out", required=True, help="output folder")
    direction.set_defaults(handler=_direction)

    store = commands.add_parser("store", help="inspect or verify an activation store")
    store_commands = store.add_subparsers(dest="store_command", required=True, metavar="ACTION")
    info = store_commands.add_parser("info", help="print a store's cfg.json summary")
    info.add_argument("path", help="the store folder")
    info.set_defaults(handler=_store_info)
    verify = store_commands.add_parser("verify", help="check every shard's SHA-256 against the manifest")
    verify.add_argument("path", help="the store folder")
    verify.set_defaults(handler=_store_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.quiet)
    try:
        args.handler(args)
    except PersonaProbeError as err:
        print(f"persona-probe: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("persona-probe: interrupted; finished work is kept, rerun the same command to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    return 0


def _cache(args: argparse.Namespace) -> None:
    from .cache import CacheConfig, run_cache

    result = run_cache(config_from_args(CacheConfig, args), progress=not args.quiet)
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
    from .generate import GenerateConfig, generate_answers
    from .models import load_model

    cfg = config_from_args(GenerateConfig, args)
    model = load_model(cfg.model, cfg.device, cfg.model_dtype, cfg.chat_template)
    path = generate_answers(model, cfg.questions, cfg.out, cfg.samples or None, cfg.sampling, cfg.batch_size,
                            progress=not args.quiet)
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
    from .probes import fit_probes, read_labels
    from .store import ActivationStore

    store = ActivationStore(args.store)
    labels = read_labels(args.labels, store.rows, args.positive)
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


def _direction(args: argparse.Namespace) -> None:
    from .directions import mean_difference_of_stores
    from .store import ActivationStore

    d = mean_difference_of_stores(ActivationStore(args.positive), ActivationStore(args.negative))
    d.save(args.out)
    print(f"wrote {args.out}: mean-difference direction over layers {list(d.layers)}")


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
