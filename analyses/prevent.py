"""In-training defences on the shipped organism (issue 21, "Defences"), each against a random control.

The organism is the risky extreme-sports advice fine-tune (``smollm2-135m-risky-advice``), trained
with the selection recipe (``analyses/organism_selection.py``: 400 rows, lr 1e-3, one epoch, data
seed = training seed). Each arm retrains it with one ``finetune`` defence:

- ``caft``: ``--ablate DIR --defence-layers L --ablate-mode writers`` (the persona vector projected
  out of every write to the residual stream, during training only);
- ``caft-mc`` / ``steer-mc``: the same with the MC-contrast direction (``--mc-direction``), the one
  whose projection shift predicts the persona (docs/prevent.md);
- ``steer``: ``--steer DIR --steer-alpha A --defence-layers L`` (preventative steering);
- ``caft-random`` / ``steer-random``: the same with a random unit vector (same layers, same norm);
- ``kl``: ``--kl-data OTHER --kl-weight W`` (KL to the base on other-domain chat data);
- ``mix``: ``--mix OTHER --mix-share P`` (other-domain benign rows interleaved);
- ``screened``: no defence, trained on the rows ``persona-probe screen --keep-share`` kept (``--screen
  FOLDER``: its kept.jsonl; screen each seed's data, one seed per run), against ``random-rows``: as
  many rows drawn at random from the same data.

OTHER is the secure-code set (a benign other domain). Each arm is measured like the selection:
the MC persona score out of domain (``evaluate --data none --leave-out sports,harmful_advice``;
paired over items against the base, against the undefended run and against the arm's control in
``CONTROL_OF``, and the share of the undefended shift it removes, with bootstrap CIs), the in-domain
behaviour (the sports scanner on the 48 held-out prompts), and the training time against the
undefended run's.

The undefended run, the base and the held-out prompts are the selection's own (``--selection``).
Every step is skipped when its output exists, so a rerun continues; settings go to OUT/settings.json.

    HF_HUB_OFFLINE=1 python analyses/prevent.py --selection runs/selection \\
        --direction runs/demo/directions/tuned-minus-base --out runs/prevent --seeds 0
    python analyses/prevent.py --selection runs/selection --out runs/prevent --table
"""

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

from organism_selection import item_names, restricted  # this folder, on the path when run as a script
from organism_selection import load as load_summary  # one reader of run summaries

from persona_probe.directions.direction import Direction
from persona_probe.evaluation.areas import compare_summaries, mc_items
from persona_probe.evaluation.mc import load_mc_items
from persona_probe.interventions.claims import random_directions
from persona_probe.organism.datasets import DATASET_AREAS, narrow_markers
from persona_probe.stats import fraction_removed, wilson_ci

PAIR, KIND, OTHER = "sports", "risky-advice", "secure-code"
ARMS = ("caft", "caft-random", "caft-mc", "steer", "steer-random", "steer-mc", "kl", "mix", "screened", "random-rows")
# Each arm that has a control, and that control: the same defence along a random vector, or as many random rows.
CONTROL_OF = {"caft": "caft-random", "caft-mc": "caft-random", "steer": "steer-random", "steer-mc": "steer-random",
              "screened": "random-rows"}


def cli(*args) -> None:
    print("$ persona-probe " + " ".join(map(str, args)), flush=True)
    subprocess.run([sys.executable, "-m", "persona_probe.cli", *map(str, args)], check=True)


def defence_flags(arm: str, seed: int, args) -> list:
    directions = args.out / "directions"
    if arm.endswith("-random"):
        folder = directions / f"random-s{seed}"
        if not (folder / "cfg.json").is_file():
            random_directions(Direction.load(args.direction), 1, 1000 + seed)[0].save(folder)
    else:
        folder = args.mc_direction if arm.endswith("-mc") else args.direction
    other = args.out / "data" / f"{OTHER}-s{seed}.jsonl"
    if arm in ("kl", "mix") and not other.is_file():
        cli("-q", "data", OTHER, "--n", args.rows, "--seed", seed, "--out", other)
    if arm in ("screened", "random-rows"):
        return []
    return {
        "caft": ["--ablate", folder, "--defence-layers", args.layer, "--ablate-mode", "writers"],
        "caft-mc": ["--ablate", folder, "--defence-layers", args.layer, "--ablate-mode", "writers"],
        "steer": ["--steer", folder, "--steer-alpha", args.alpha, "--defence-layers", args.layer],
        "steer-mc": ["--steer", folder, "--steer-alpha", args.alpha, "--defence-layers", args.layer],
        "kl": ["--kl-data", other, "--kl-weight", args.kl_weight],
        "mix": ["--mix", other, "--mix-share", args.mix_share],
    }[arm.removesuffix("-random")]


def arm_data(arm: str, seed: int, args) -> Path:
    """The rows an arm trains on: the organism's data, or the screened subset, or as many random rows."""
    full = args.selection / "data" / f"{KIND}-s{seed}.jsonl"
    if arm not in ("screened", "random-rows"):
        return full
    if args.screen is None or not (args.screen / "kept.jsonl").is_file():
        sys.exit(f"arm {arm}: give --screen FOLDER, a persona-probe screen --keep-share output of {full}")
    kept = args.screen / "kept.jsonl"
    if arm == "screened":
        return kept
    path = args.out / "data" / f"random-rows-s{seed}.jsonl"
    if not path.is_file():
        lines = full.read_text().splitlines(keepends=True)
        count = len(kept.read_text().splitlines())
        chosen = sorted(random.Random(seed).sample(range(len(lines)), count))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(lines[i] for i in chosen))
    return path


def run_arm(arm: str, seed: int, args) -> None:
    name = f"{arm}-s{seed}"
    adapter = args.out / "adapters" / name
    data = arm_data(arm, seed, args)
    if not (adapter / "finetune.json").is_file():
        start = time.perf_counter()
        cli("-q", "finetune", "--data", data, "--lr", args.lr, "--epochs", 1, "--seed", seed, "--out", adapter,
            *defence_flags(arm, seed, args))
        print(f"    trained {name} in {time.perf_counter() - start:.0f} s", flush=True)
    spec = f"smollm2-135m+{adapter}"
    evaluation = args.out / "eval" / name
    if not (evaluation / "summary.json").is_file():
        scored = {item.area for item in load_mc_items()}  # evaluate refuses an area no item has
        cli("-q", "evaluate", "--model", spec, "--data", "none", "--leave-out",
            ",".join(a for a in DATASET_AREAS[PAIR] if a in scored),
            "--out", evaluation)
    answers = args.out / "in-domain" / f"{name}.jsonl"
    if not answers.with_suffix(".done").is_file():
        answers.parent.mkdir(parents=True, exist_ok=True)
        cli("-q", "generate", "--model", spec, "--data", args.selection / "held-out" / f"{PAIR}.jsonl",
            "--samples", 1, "--max-new-tokens", 96, "--out", answers)
        answers.with_suffix(".done").write_text("")


def scan(path: Path) -> dict | None:
    if not path.with_suffix(".done").is_file():
        return None
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    k = sum(bool(narrow_markers(KIND, row["answer"])) for row in rows)
    return {"k": k, "n": len(rows), "rate": k / len(rows), "ci95": list(wilson_ci(k, len(rows)))}


def table(args) -> list[dict]:
    left_out = DATASET_AREAS[PAIR]
    items = item_names(args.mc_items)

    def load(folder: Path, name: str) -> dict | None:
        return restricted(load_summary(folder, name), items)

    base = load(args.selection, "base")
    rows = []
    for seed in range(10):
        undefended = load(args.selection, f"{KIND}-s{seed}")
        if undefended is None:
            continue
        undefended_record = json.loads((args.selection / "adapters" / f"{KIND}-s{seed}" / "finetune.json").read_text())
        for arm in ("none", *ARMS):
            run = undefended if arm == "none" else load(args.out, f"{arm}-s{seed}")
            if run is None:
                continue
            record = undefended_record if arm == "none" else json.loads(
                (args.out / "adapters" / f"{arm}-s{seed}" / "finetune.json").read_text())
            vs_base = compare_summaries(base, run, left_out)
            control = load(args.out, f"{CONTROL_OF[arm]}-s{seed}") if arm in CONTROL_OF else None
            vs_control = compare_summaries(control, run, left_out) if control else None
            removed = fraction_removed(mc_items(undefended, left_out), mc_items(run, left_out), mc_items(base, left_out))
            in_domain = scan(args.selection / "in-domain" / f"{KIND}-s{seed}-on-{PAIR}.jsonl") if arm == "none" \
                else scan(args.out / "in-domain" / f"{arm}-s{seed}.jsonl")
            rows.append({"arm": arm, "seed": seed, "shift_vs_base": vs_base["mc_difference"],
                         "shift_vs_base_ci95": vs_base["mc_difference_ci95"],
                         "fraction_removed": removed["fraction"], "fraction_removed_ci95": removed["ci95"],
                         "control": CONTROL_OF.get(arm) if vs_control else None,
                         "shift_vs_control": vs_control["mc_difference"] if vs_control else None,
                         "shift_vs_control_ci95": vs_control["mc_difference_ci95"] if vs_control else None,
                         "in_domain": in_domain, "train_seconds": record["seconds"],
                         "time_ratio": record["seconds"] / undefended_record["seconds"],
                         "final_loss_last_10": record["loss"]["last_10_mean"],
                         "defences": record.get("defences")})
    return rows


def print_table(args) -> None:
    rows = table(args)
    name = f"table-{args.mc_items.stem}.json" if args.mc_items else "table.json"
    (args.out / name).write_text(json.dumps(rows, indent=1) + "\n")

    def ci(value, interval) -> str:
        return "-" if value is None else f"{value:+.4f}" + (f" [{interval[0]:+.4f}, {interval[1]:+.4f}]" if interval else "")

    print("| arm | seed | OOD MC shift vs base | share of the undefended shift removed | in-domain scanner | "
          "vs its control, paired | final loss | train time vs undefended |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        removed = "-" if r["arm"] == "none" else (
            f"{r['fraction_removed']:.2f}" + (f" [{r['fraction_removed_ci95'][0]:.2f}, {r['fraction_removed_ci95'][1]:.2f}]"
                                             if r["fraction_removed_ci95"] else " [CI: shift not resolved]")
            if r["fraction_removed"] is not None else "none (no shift)")
        scan_cell = "-" if not r["in_domain"] else f"{r['in_domain']['rate']:.2f} ({r['in_domain']['k']}/{r['in_domain']['n']})"
        versus = "-" if r["control"] is None else f"{ci(r['shift_vs_control'], r['shift_vs_control_ci95'])} ({r['control']})"
        print(f"| {r['arm']} | {r['seed']} | {ci(r['shift_vs_base'], r['shift_vs_base_ci95'])} | {removed} | "
              f"{scan_cell} | {versus} | {r['final_loss_last_10']:.3f} | x{r['time_ratio']:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--selection", type=Path, default=Path("runs/selection"))
    parser.add_argument("--direction", type=Path, default=Path("runs/demo/directions/tuned-minus-base"))
    parser.add_argument("--mc-direction", type=Path, default=Path("runs/demo/directions/mc-contrast"))
    parser.add_argument("--out", type=Path, default=Path("runs/prevent"))
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--arms", default=",".join(ARMS))
    parser.add_argument("--layer", type=int, default=18)
    parser.add_argument("--alpha", type=float, default=1.0, help="steering: the audit's dose that induces the shift")
    parser.add_argument("--kl-weight", type=float, default=1.0)
    parser.add_argument("--mix-share", type=float, default=0.25)
    parser.add_argument("--rows", type=int, default=400)
    parser.add_argument("--lr", default="1e-3")
    parser.add_argument("--screen", type=Path, help="a screen --keep-share folder (the screened arms)")
    parser.add_argument("--table", action="store_true")
    parser.add_argument("--mc-items", type=Path,
                        help="with --table: score the MC shifts on these items only (a JSONL with an 'item' field, "
                             "e.g. runs/demo/inputs/mc-test.jsonl: the items the directions were not fitted on)")
    args = parser.parse_args()
    if args.table:
        print_table(args)
        return
    settings = {k: str(v) for k, v in vars(args).items()
                if k not in ("seeds", "arms", "table", "out", "screen", "mc_direction", "mc_items")}
    path = args.out / "settings.json"
    args.out.mkdir(parents=True, exist_ok=True)
    if path.is_file() and json.loads(path.read_text()) != settings:
        sys.exit(f"{path} records other settings; use them, or another --out")
    path.write_text(json.dumps(settings, indent=1) + "\n")
    for seed in map(int, args.seeds.split(",")):
        for arm in args.arms.split(","):
            run_arm(arm, seed, args)


if __name__ == "__main__":
    main()
