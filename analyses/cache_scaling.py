"""Peak RSS and wall time of `persona-probe cache` on the embedded model, 200 vs 2,000 conversations.

Foundation issue check: peak RSS must stay within 10% as the data grows tenfold.
Each run is a fresh subprocess; its peak RSS comes from the kernel (wait4).

    python analyses/cache_scaling.py --out runs/cache_scaling [--layers 0,1] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from persona_probe.activations.bench import answered_conversations
from persona_probe.datasets.conversations import load_conversations, write_chat_jsonl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="runs/cache_scaling", help="folder for the data and stores")
    parser.add_argument("--sizes", default="200,2000", help="conversation counts to compare")
    parser.add_argument("--answer-words", type=int, default=60, help="words per synthetic answer")
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--pool", default="response-mean")
    parser.add_argument("--layers", default="all", help="layers to cache (the check must hold at 2 layers as at all)")
    parser.add_argument("--repeats", type=int, default=1, help="runs per size; the median peak counts")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    prompts = load_conversations("builtin:core").conversations
    results = {}
    for n in map(int, args.sizes.split(",")):
        data = out / f"chats-{n}.jsonl"
        write_chat_jsonl(answered_conversations(prompts, n, args.answer_words), data)
        cmd = [sys.executable, "-m", "persona_probe.cli", "-q", "cache", "--model", args.model, "--data", str(data),
               "--pool", args.pool, "--layers", args.layers, "--out", str(out / f"store-{n}"), "--overwrite"]
        peaks, walls = [], []
        for _ in range(args.repeats):
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, env={**os.environ, "HF_HUB_OFFLINE": "1"})
            _, status, usage = os.wait4(proc.pid, 0)
            walls.append(time.perf_counter() - start)
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit(f"cache run for {n} conversations failed")
            peaks.append(usage.ru_maxrss / 1024)
        results[n] = (statistics.median(peaks), statistics.median(walls))
        print(f"{n:6d} conversations, layers {args.layers}: peak RSS {results[n][0]:8.1f} MiB "
              f"(runs: {', '.join(f'{p:.0f}' for p in peaks)}), wall {results[n][1]:7.1f} s", flush=True)
    sizes = sorted(results)
    small, large = results[sizes[0]][0], results[sizes[-1]][0]
    print(f"peak RSS ratio ({sizes[-1]} / {sizes[0]}): {large / small:.3f}")


if __name__ == "__main__":
    main()
