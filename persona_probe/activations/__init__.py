"""Step 3: cache residual-stream activations into resumable, streaming stores.

* :mod:`.store`: the on-disk store (``cfg.json``, ``rows.jsonl``, safetensors shards) and ``store info|verify``;
* :mod:`.capture`: length-grouped batches and pooled capture on the model's device;
* :mod:`.cache`: ``persona-probe cache`` (one model or a base/tuned pair on identical tokens);
* :mod:`.bench`: ``bench cache``, the cache against a bare forward pass.
"""

from .bench import BenchCacheConfig, BenchCacheResult, bench_cache
from .cache import CacheConfig, CacheResult, run_cache
from .capture import POOLINGS, ActivationCapture
from .store import ActivationStore, TokenActivations

__all__ = ["ActivationCapture", "ActivationStore", "BenchCacheConfig", "BenchCacheResult", "CacheConfig",
           "CacheResult", "POOLINGS", "TokenActivations", "bench_cache", "run_cache"]
