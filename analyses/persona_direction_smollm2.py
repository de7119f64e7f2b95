"""The hostile-vs-helpful persona direction on the embedded model, tested causally (issue 5's figures).

Runs the CLI exactly as a user would, so every number comes from the shipped commands:

1. ``data contrast``: every builtin:open prompt under a hostile and a helpful system prompt (100 rows).
2. ``cache`` the last prompt token at every layer; ``probe`` every layer (k-fold and question-held-out).
3. ``direction by-label``: mean(hostile) - mean(helpful) per layer; ``direction cosine`` against the probe's.
4. ``steer`` at one layer over a range of alphas, with same-norm random directions at each alpha.
5. ``ablate`` the direction under the hostile prompt, against five random directions: at every layer
   (the default), at layers 12-18, and at the steering layer alone.
6. Transfer across data: the same direction found from builtin:core's prompts instead; its cosine
   with the builtin:open one, and its own steering curve (MC score only).

    HF_HUB_OFFLINE=1 python analyses/persona_direction_smollm2.py --out runs/persona_direction

Every step resumes, so an interrupted run picks up where it stopped.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path


def cli(*args) -> None:
    command = [sys.executable, "-m", "persona_probe.cli", *map(str, args)]
    print("$ persona-probe " + " ".join(map(str, args)), flush=True)
    subprocess.run(command, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--layer", type=int, default=15, help="steering layer (chosen before looking: the middle)")
    parser.add_argument("--alphas", default="-1,-0.5,-0.25,-0.1,0,0.1,0.25,0.5,1")
    parser.add_argument("--samples", type=int, default=2, help="answers per builtin:core prompt in each condition")
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--out", default="runs/persona_direction")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    evaluation = ["--questions", "builtin:core", "--samples", args.samples, "--max-new-tokens", args.max_new_tokens]

    for name, questions in (("open", "builtin:open"), ("core", "builtin:core")):
        cli("-q", "data", "contrast", "--questions", questions, "--out", out / f"contrast-{name}.jsonl")
        cli("-q", "cache", "--model", args.model, "--data", out / f"contrast-{name}.jsonl", "--pool", "last-prompt",
            "--out", out / f"store-{name}")
        cli("-q", "direction", "by-label", "--store", out / f"store-{name}", "--labels", out / f"contrast-{name}.jsonl",
            "--out", out / f"direction-{name}")
    cli("-q", "probe", "--store", out / "store-open", "--labels", out / "contrast-open.jsonl", "--out", out / "probe")
    cli("direction", "cosine", out / "direction-open", out / "probe" / "direction", out / "direction-core",
        "--out", out / "cosine.json")
    cli("-q", "steer", "--model", args.model, "--direction", out / "direction-open", "--layers", args.layer,
        "--alphas", args.alphas, "--controls", 2, *evaluation, "--out", out / "steer")
    ablations = {"ablate": "all", "ablate-layers-12-18": "12-18", f"ablate-layer-{args.layer}": str(args.layer)}
    for name, layers in ablations.items():
        cli("-q", "ablate", "--model", args.model, "--direction", out / "direction-open", "--system", "builtin:hostile",
            "--layers", layers, "--controls", 5, *evaluation, "--out", out / name)
    cli("-q", "steer", "--model", args.model, "--direction", out / "direction-core", "--layers", args.layer,
        "--alphas", "-0.25,-0.1,0,0.1,0.25", "--controls", 0, *evaluation, "--out", out / "steer-core-direction")

    probe = json.loads((out / "probe" / "cfg.json").read_text())
    best = probe["layers"].index(probe["best_layer"])
    summary = {
        "probe_best_layer": probe["best_layer"],
        "probe_group_held_out_accuracy": probe["logistic"]["group_held_out"]["accuracy"][best],
        "probe_kfold_accuracy": probe["logistic"]["kfold"]["accuracy"][best],
        "probe_warnings": probe["warnings"],
        "steer": json.loads((out / "steer" / "results.json").read_text())["curve"],
        "ablate": {name: json.loads((out / name / "results.json").read_text()) for name in ablations},
        "cosine_open_vs_core": json.loads((out / "cosine.json").read_text())["with_reference"][str(out / "direction-core")],
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"wrote {out / 'summary.json'}")


if __name__ == "__main__":
    main()
