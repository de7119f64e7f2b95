"""What each in-training defence and the monitor cost per training step (issue 21, "training time ratio").

Trains the organism's first rows (``--rows``, one epoch, the selection recipe) plainly and with each
option, in one process, the configurations alternating over ``--rounds`` rounds so that a busy
machine slows them alike; reports each one's training-loop seconds per step as a ratio to the plain
run's in the same round (median over rounds). Set-up (loading, the bridge, steering's base norms) is
left out: it is paid once per run, not per step.

    HF_HUB_OFFLINE=1 python analyses/defence_overhead.py --data runs/selection/data/risky-advice-s0.jsonl \\
        --direction runs/demo/directions/tuned-minus-base --monitor runs/demo/directions/mc-contrast \\
        --other runs/prevent/data/secure-code-s0.jsonl --out runs/defence_overhead.json
"""

import argparse
import json
import statistics
import tempfile
from pathlib import Path

from persona_probe.artifacts import atomic_write_json, provenance
from persona_probe.organism.finetune import FinetuneConfig, run_finetune


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--direction", required=True)
    parser.add_argument("--monitor", required=True)
    parser.add_argument("--other", required=True, help="other-domain chat data for --kl-data and --mix")
    parser.add_argument("--layer", type=int, default=18)
    parser.add_argument("--rows", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("runs/defence_overhead.json"))
    args = parser.parse_args()

    layer = str(args.layer)
    options = {
        "plain": {},
        "caft (writers)": {"ablate": args.direction, "defence_layers": layer, "ablate_mode": "writers"},
        "caft (resid_post)": {"ablate": args.direction, "defence_layers": layer},
        "steer": {"steer": args.direction, "steer_alpha": 1.0, "defence_layers": layer},
        "kl": {"kl_data": args.other, "kl_weight": 1.0},
        "mix 0.25": {"mix": args.other, "mix_share": 0.25},
        # a checkpoint (and so a measurement) every 4 steps: ten times the organism runs' rate
        "monitor every 4 steps": {"monitor": args.monitor, "monitor_layer": args.layer, "checkpoint_every": 4},
    }
    seconds: dict[str, list[float]] = {name: [] for name in options}
    steps: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for round_index in range(args.rounds):
            for name, extra in options.items():
                settings = {"checkpoint_every": 0, **extra}
                cfg = FinetuneConfig(data=args.data, out=f"{tmp}/{round_index}-{list(options).index(name)}", lr=1e-3,
                                     limit=args.rows, **settings)
                record = run_finetune(cfg, progress=False)
                seconds[name].append(record["seconds"] / record["steps"])  # mixing adds rows, so compare per step
                steps[name] = record["steps"]
                print(f"round {round_index}: {name}: {record['seconds']:.1f} s for {record['steps']} steps", flush=True)
    ratios = {name: statistics.median(s / p for s, p in zip(seconds[name], seconds["plain"])) for name in options}
    result = {"rows": args.rows, "rounds": args.rounds, "steps": steps, "seconds_per_step": seconds,
              "ratio_to_plain_median": {k: round(v, 3) for k, v in ratios.items()}, "provenance": provenance()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_json(args.out, result)
    print(json.dumps(result["ratio_to_plain_median"], indent=1))


if __name__ == "__main__":
    main()
