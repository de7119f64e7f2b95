"""Does the activation shift predict the persona? (issue 21, "Monitoring").

For every fine-tune of the organism selection (``analyses/organism_selection.py``: four narrow
pairs, tuned and control, several seeds), this measures what ``finetune --monitor`` records at
the final checkpoint: the mean projection of the built-in neutral passages on the organism's
direction, minus the base model's (paired over passages). It then correlates that shift with
each run's final out-of-domain MC shift against the base (from the selection's own evaluations)
over all runs: Pearson r with a bootstrap CI over runs (persona_vectors reports r = 0.76-0.97 at
scale).

The direction is one of the shipped organism's audit directions at its audited layer, as the
demo writes them (``runs/demo/directions/NAME``, layer 18): the MC contrast (the default),
tuned minus base (both from the seed-0 sports fine-tune, so r is also reported without that
run), or the system-prompt persona (from the base); ``--mc-items`` scores the MC shift on the items the
MC-contrast direction never saw.

    HF_HUB_OFFLINE=1 python analyses/monitor_prediction.py --selection runs/selection \\
        --direction runs/demo/directions/mc-contrast --layer 18 --out runs/monitor/mc-contrast.json

One measurement per adapter is cached in OUT's sibling folder (``OUT.runs/NAME.json``), so a rerun
after more selection runs measures only the new ones.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from organism_selection import item_names, restricted  # this folder, on the path when run as a script

from persona_probe.artifacts import atomic_write_json, provenance
from persona_probe.directions.direction import Direction
from persona_probe.evaluation.areas import compare_summaries
from persona_probe.evaluation.neutral import load_neutral_texts, mean_projections
from persona_probe.models.loading import load_model
from persona_probe.organism.datasets import DATASET_AREAS, NARROW_PAIRS


def projections(spec: str, unit, layer: int) -> list[float]:
    model = load_model(spec, device="cpu")
    return mean_projections(model, load_neutral_texts(), unit, layer).tolist()


def pearson_with_ci(x: np.ndarray, y: np.ndarray, n_boot: int = 5000, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    r = float(np.corrcoef(x, y)[0, 1])
    boots = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(x), len(x))
        if np.std(x[pick]) > 0 and np.std(y[pick]) > 0:
            boots.append(np.corrcoef(x[pick], y[pick])[0, 1])
    low, high = np.percentile(boots, [2.5, 97.5])
    return {"r": round(r, 4), "ci95": [round(float(low), 4), round(float(high), 4)], "n_runs": int(len(x))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--selection", type=Path, default=Path("runs/selection"))
    parser.add_argument("--direction", type=Path, default=Path("runs/demo/directions/mc-contrast"))
    parser.add_argument("--layer", type=int, default=18)
    parser.add_argument("--out", type=Path, default=Path("runs/monitor/mc-contrast.json"))
    parser.add_argument("--mc-items", type=Path,
                        help="score the MC shift on these items only: a JSONL whose rows name them in 'item' (e.g. "
                             "the audit's inputs/mc-test.jsonl, the items the MC-contrast direction never saw)")
    parser.add_argument("--exclude", default="risky-advice-s0",
                        help="the run the direction was made from, also left out in a second r")
    args = parser.parse_args()

    unit = Direction.load(args.direction).at(args.layer).float()
    cache = args.out.parent / f"{args.out.stem}.runs"
    cache.mkdir(parents=True, exist_ok=True)
    items = item_names(args.mc_items)
    base_summary = restricted(json.loads((args.selection / "eval" / "base" / "summary.json").read_text()), items)

    def measured(name: str, spec: str) -> list[float]:
        path = cache / f"{name}.json"
        if path.is_file():
            return json.loads(path.read_text())["projections"]
        values = projections(spec, unit, args.layer)
        atomic_write_json(path, {"spec": spec, "layer": args.layer, "projections": values})
        print(f"measured {name}", file=sys.stderr, flush=True)
        return values

    base = np.array(measured("base", "smollm2-135m"))
    runs = []
    for pair, kinds in NARROW_PAIRS.items():
        for role, kind in zip(("tuned", "control"), kinds):
            for adapter in sorted((args.selection / "adapters").glob(f"{kind}-s*")):
                summary_path = args.selection / "eval" / adapter.name / "summary.json"
                if not (adapter / "finetune.json").is_file() or not summary_path.is_file():
                    continue  # not finished yet: a later rerun adds it
                shift = np.array(measured(adapter.name, f"smollm2-135m+{adapter}")) - base
                mc = compare_summaries(base_summary, restricted(json.loads(summary_path.read_text()), items),
                                       DATASET_AREAS[pair])
                runs.append({"run": adapter.name, "pair": pair, "role": role,
                             "projection_shift": round(float(shift.mean()), 4),
                             "projection_shift_sd_units": round(float(shift.mean() / base.std(ddof=1)), 4),
                             "mc_ood_shift_vs_base": round(mc["mc_difference"], 4),
                             "mc_ood_shift_ci95": [round(v, 4) for v in mc["mc_difference_ci95"]],
                             "mc_items": mc["n_items"]})
    x = np.array([r["projection_shift"] for r in runs])
    y = np.array([r["mc_ood_shift_vs_base"] for r in runs])
    kept = [i for i, r in enumerate(runs) if r["run"] != args.exclude]
    result = {"direction": str(args.direction), "layer": args.layer, "neutral": "builtin:neutral",
              "mc_items": str(args.mc_items) if args.mc_items else "all out-of-domain items",
              "base_projection_mean": round(float(base.mean()), 4), "base_projection_sd": round(float(base.std(ddof=1)), 4),
              "pearson_all_runs": pearson_with_ci(x, y),
              f"pearson_without_{args.exclude}": pearson_with_ci(x[kept], y[kept]),
              "runs": runs, "provenance": provenance()}
    atomic_write_json(args.out, result)
    print(f"{'run':28} {'role':8} {'proj shift':>10} {'MC OOD shift':>12}")
    for r in runs:
        print(f"{r['run']:28} {r['role']:8} {r['projection_shift']:+10.3f} {r['mc_ood_shift_vs_base']:+12.4f}")
    print("Pearson r, all runs:", result["pearson_all_runs"])
    print(f"Pearson r without {args.exclude}:", result[f"pearson_without_{args.exclude}"])


if __name__ == "__main__":
    main()
