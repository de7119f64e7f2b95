"""Benchmarks: each compares against a baseline measured in the same run, as a ratio.

``bench cache`` times a bare forward pass (the bridge, no hooks, logits out) and
the activation cache (hooks, pooling, the copy off the device and the shard
serialisation) on the same batches, alternating the two to share any drift.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from dataclasses import dataclass, field

import torch
from safetensors.torch import save

from ..datasets.conversations import Conversation, Message, load_conversations
from ..datasets.rendering import render_conversation
from ..models.loading import load_model
from ..models.settings import ModelSettings
from ..residual import parse_layers
from .capture import POOLINGS, ActivationCapture, plan_batches
from .store import STORE_DTYPES

# A neutral answer, cut to length, so every benchmark row has a response to pool over.
_FILLER = (
    "Here is a balanced way to think about it. First, consider what matters most to you and to the "
    "people around you. Then weigh the practical options, their costs and their risks, and talk to "
    "someone you trust before deciding. Small, steady steps usually work better than dramatic ones, "
    "and it is fine to change course as you learn more. "
) * 40


def answered_conversations(prompts, n: int, answer_words: int) -> list[Conversation]:
    """``n`` conversations: the prompts in turn, each with a neutral answer of about
    ``answer_words`` words (varied by up to 6), so response pooling has work to do."""
    words = _FILLER.split()
    out = []
    for i in range(n):
        conv = prompts[i % len(prompts)]
        answer = " ".join(words[: answer_words + i % 7])
        out.append(Conversation((*conv.messages, Message("assistant", answer)), f"bench-{i}", conv.group))
    return out


@dataclass(frozen=True, kw_only=True)
class BenchCacheConfig(ModelSettings):
    """Cache throughput against a bare forward pass on the same batches, in one run.

    Time a bare forward pass and the cache on the same batches; the last line is their throughput ratio."""

    model: str = "smollm2-135m"
    """Model spec to benchmark."""
    data: str = "builtin:core"
    """Prompts; each gets a neutral answer padded to --row-tokens so response pooling has work to do."""
    rows: int = 32
    """Conversations per timed pass."""
    row_tokens: int = 128
    """Approximate tokens per conversation."""
    layers: str = "all"
    """Layers to capture."""
    pool: str = field(default="response-mean", metadata={"choices": POOLINGS})
    """Pooling, as in cache."""
    dtype: str = field(default="float32", metadata={"choices": tuple(STORE_DTYPES)})
    """Storage dtype."""
    batch_tokens: int = 2048
    """Token budget of one batch."""
    repeats: int = 3
    """Timed passes of each kind; the median counts."""


@dataclass(frozen=True)
class BenchCacheResult:
    forward_tokens_per_s: float
    cache_tokens_per_s: float
    cache_full_depth_tokens_per_s: float
    """The cache without stopping after the last hooked layer (it runs the unembedding too)."""
    n_tokens: int
    peak_rss_mib: float
    peak_cuda_mib: float | None

    @property
    def ratio(self) -> float:
        return self.cache_tokens_per_s / self.forward_tokens_per_s


def run_bench_cache(cfg: BenchCacheConfig, progress: bool = True) -> BenchCacheResult:
    """``persona-probe bench cache``: :func:`bench_cache` on the configured model."""
    return bench_cache(cfg)


def bench_cache(cfg: BenchCacheConfig, model=None) -> BenchCacheResult:
    """``model``: an already loaded :class:`~persona_probe.models.LoadedModel` (e.g. random-init
    from a config, see analyses/gpu_benchmarks.py) instead of ``cfg.model``."""
    model = model or load_model(cfg.model, cfg.device, cfg.model_dtype, device_map=cfg.device_map,
                                max_memory=cfg.max_memory)
    layers = parse_layers(cfg.layers, model.n_layers)
    prompts = load_conversations(cfg.data).conversations
    prompt_tokens = len(render_conversation(prompts[0], model.tokenizer).input_ids)
    # About 0.75 words per token; a little spread so batches see different lengths.
    convs = answered_conversations(prompts, cfg.rows, max(8, int((cfg.row_tokens - prompt_tokens) * 0.75)))
    rendered = [render_conversation(c, model.tokenizer) for c in convs]
    batches = [[rendered[i] for i in b] for b in plan_batches([r.n_tokens for r in rendered], cfg.batch_tokens, 10**6)]
    n_tokens = sum(r.n_tokens for r in rendered)
    pad = model.tokenizer.pad_token_id
    store_dtype = STORE_DTYPES[cfg.dtype]
    capture = ActivationCapture(model.bridge, layers, cfg.pool, pad, store_dtype)
    full_depth = ActivationCapture(model.bridge, layers, cfg.pool, pad, store_dtype, early_exit=False)

    def forward_pass():
        for batch in batches:
            capture.bare_forward(batch)

    def cache_pass(engine):
        def run():
            parts = [engine.run(batch).acts for batch in batches]
            save({"acts": torch.cat(parts)})  # the serialisation a shard write does
        return run

    passes = {"forward": forward_pass, "cache": cache_pass(capture), "full": cache_pass(full_depth)}
    for run in passes.values():  # warm-up: allocator, kernels, caches
        run()
    if model.device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times: dict[str, list[float]] = {name: [] for name in passes}
    for _ in range(cfg.repeats):
        for name, run in passes.items():
            _sync(model.device)
            start = time.perf_counter()
            run()
            _sync(model.device)
            times[name].append(time.perf_counter() - start)
    rate = {name: n_tokens / statistics.median(t) for name, t in times.items()}
    peak_cuda = torch.cuda.max_memory_allocated() / 2**20 if model.device.type == "cuda" else None
    return BenchCacheResult(rate["forward"], rate["cache"], rate["full"], n_tokens, _peak_rss_mib(), peak_cuda)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10
