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


if __name__ == "__main__":
    sys.exit(main())
