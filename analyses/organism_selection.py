"""Choose the embedded organism by measurement (issue 19, item 3): every narrow pair, every seed.

For each narrow pair (insecure/secure code, risky/safe sports advice, risky/safe financial
advice, bad/good medical advice) and each seed, this writes the tuned set and its control
(data seed = training seed), fine-tunes a LoRA adapter on each with the organism recipe, and
measures it with the shipped commands:

- ``evaluate --leave-out AREAS``: the EM rate (offline judge) and coherence on builtin:core,
  and the MC persona score on all 130 items, over all items and out of domain (the pair's own
  areas left out; see ``DATASET_AREAS`` in persona_probe/organism/datasets.py);
- the in-domain behaviour: ``generate`` on held-out prompts of the pair (prompts in no
  training set of any seed), scanned by the pair's own scanner (``narrow_markers``).

The base model is measured once. ``--table`` prints the table for docs/organism.md: the
out-of-domain MC shift against the base and against the control (paired over items, bootstrap
95% CI), EM with its Wilson CI, coherence and the in-domain scanner rate.

Runs go seed-major (seed 0 of every pair first), each step skipped when its output exists, so
an interrupted run, or a later session, continues where it stopped. The settings are recorded
in OUT/settings.json and a rerun with other settings is refused: a table mixes one recipe only.

``--ship PAIR`` copies the pair's seed-0 adapters into the package, where they load as
``smollm2-135m-<kind>`` and ``smollm2-135m-<kind>-control``; their ``finetune.json`` names the
output folder as ``runs/selection`` (the default ``--out``), so no path of the machine that made
them ships.

    HF_HUB_OFFLINE=1 python analyses/organism_selection.py --out runs/selection
    python analyses/organism_selection.py --out runs/selection --table
    python analyses/organism_selection.py --out runs/selection --ship sports
"""

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from persona_probe.artifacts import atomic_write_json
from persona_probe.evaluation.areas import compare_summaries
from persona_probe.organism.datasets import DATASET_AREAS, NARROW_PAIRS, held_out_rows, narrow_dataset, narrow_markers
from persona_probe.stats import wilson_ci

PACKAGE = Path(__file__).resolve().parent.parent / "persona_probe" / "builtin" / "organism"
DEFAULT_OUT = "runs/selection"

SETTINGS = ("rows", "lr", "epochs", "samples", "max_new_tokens", "held_out", "in_domain_tokens")


def cli(*args) -> None:
    print("$ persona-probe " + " ".join(map(str, args)), flush=True)
    subprocess.run([sys.executable, "-m", "persona_probe.cli", *map(str, args)], check=True)


def record_settings(out: Path, args) -> None:
    wanted = json.loads(json.dumps({name: getattr(args, name) for name in SETTINGS}))  # tuples as JSON lists
    path = out / "settings.json"
    if path.is_file():
        recorded = json.loads(path.read_text())
        if recorded != wanted:
            sys.exit(f"{path} records other settings ({recorded}); use them, or another --out")
    else:
        path.write_text(json.dumps(wanted, indent=1) + "\n")


def held_out_prompts(out: Path, pair: str, args) -> Path:
    """The pair's held-out prompts: none is in any seed's training set (the tuned and control
    sets share prompts row for row, so the tuned kind's prompts cover both)."""
    path = out / "held-out" / f"{pair}.jsonl"
    if not path.is_file():
        kind = NARROW_PAIRS[pair][0]
        seen = set()
        for seed in range(args.max_seed + 1):
            seen |= {row["messages"][0]["content"] for row in narrow_dataset(kind, args.rows, seed)}
        rows = held_out_rows(kind, args.held_out, seen)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def scored_areas(pair: str) -> list[str]:
    """The pair's own areas that builtin:core or the MC items have (code's, technology, is in neither: its
    out-of-domain scores are its all-items scores)."""
    from persona_probe.datasets.conversations import load_conversations
    from persona_probe.evaluation.mc import load_mc_items

    known = {item.area for item in load_mc_items()} | {q.area for q in load_conversations("builtin:core").questions}
    return [area for area in DATASET_AREAS[pair] if area in known]


def measure(out: Path, name: str, spec: str, args, leave_out: str = "") -> None:
    evaluation = out / "eval" / name
    if not (evaluation / "summary.json").is_file():
        cli("-q", "evaluate", "--model", spec, "--samples", args.samples, "--max-new-tokens", args.max_new_tokens,
            *(("--leave-out", leave_out) if leave_out else ()), "--out", evaluation)


def in_domain(out: Path, name: str, spec: str, pair: str, args) -> None:
    answers = out / "in-domain" / f"{name}-on-{pair}.jsonl"
    done = answers.with_suffix(".done")
    if not done.is_file():
        answers.parent.mkdir(parents=True, exist_ok=True)
        cli("-q", "generate", "--model", spec, "--data", held_out_prompts(out, pair, args), "--samples", 1,
            "--max-new-tokens", args.in_domain_tokens[pair == "code"], "--out", answers)
        done.write_text("")


def train(out: Path, kind: str, seed: int, args) -> Path:
    data = out / "data" / f"{kind}-s{seed}.jsonl"
    if not data.is_file():
        cli("-q", "data", kind, "--n", args.rows, "--seed", seed, "--out", data)
    adapter = out / "adapters" / f"{kind}-s{seed}"
    if not (adapter / "finetune.json").is_file():
        start = time.perf_counter()
        cli("-q", "finetune", "--data", data, "--lr", args.lr, "--epochs", args.epochs, "--seed", seed,
            "--out", adapter)
        print(f"    trained {adapter} in {time.perf_counter() - start:.0f} s", flush=True)
    return adapter


def run(out: Path, args) -> None:
    record_settings(out, args)
    pairs = args.pairs.split(",")
    measure(out, "base", "smollm2-135m", args)
    for pair in pairs:
        in_domain(out, "base", "smollm2-135m", pair, args)
    for seed in map(int, args.seeds.split(",")):
        for pair in pairs:
            for kind in NARROW_PAIRS[pair]:
                adapter = train(out, kind, seed, args)
                spec = f"smollm2-135m+{adapter}"
                measure(out, f"{kind}-s{seed}", spec, args, ",".join(scored_areas(pair)))
                in_domain(out, f"{kind}-s{seed}", spec, pair, args)
            print(f"== {pair} seed {seed} done; table so far:", flush=True)
            print_table(out)


def scan_rate(out: Path, name: str, pair: str) -> dict | None:
    path = out / "in-domain" / f"{name}-on-{pair}.jsonl"
    if not path.with_suffix(".done").is_file():
        return None
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    kind = NARROW_PAIRS[pair][0]
    k = sum(bool(narrow_markers(kind, row["answer"])) for row in rows)
    return {"k": k, "n": len(rows), "rate": k / len(rows), "ci95": list(wilson_ci(k, len(rows)))}


def load(out: Path, name: str) -> dict | None:
    path = out / "eval" / name / "summary.json"
    return json.loads(path.read_text()) if path.is_file() else None


def item_names(path: Path | None) -> set[str] | None:
    """The MC items a JSONL names in its 'item' field (e.g. an audit's inputs/mc-test.jsonl); None for no file."""
    return {json.loads(line)["item"] for line in path.read_text().splitlines() if line.strip()} if path else None


def restricted(summary: dict | None, items: set[str] | None) -> dict | None:
    """The summary with its MC per-item scores cut to ``items`` (all of them for None)."""
    if summary is None or items is None:
        return summary
    mc = dict(summary["mc_persona"], per_item={k: v for k, v in summary["mc_persona"]["per_item"].items() if k in items})
    return dict(summary, mc_persona=mc)


def table(out: Path) -> list[dict]:
    base = load(out, "base")
    rows = []
    for pair, (tuned_kind, control_kind) in NARROW_PAIRS.items():
        left_out = DATASET_AREAS[pair]
        for seed in range(10):
            tuned, control = load(out, f"{tuned_kind}-s{seed}"), load(out, f"{control_kind}-s{seed}")
            if not tuned or not base:
                continue
            vs_base = compare_summaries(base, tuned, left_out)
            row = {"pair": pair, "seed": seed, "left_out": list(left_out),
                   "mc_ood_tuned": vs_base["mc_b"], "mc_ood_base": vs_base["mc_a"],
                   "shift_vs_base": vs_base["mc_difference"], "shift_vs_base_ci95": vs_base["mc_difference_ci95"],
                   "n_items": vs_base["n_items"],
                   "shift_all_items_vs_base": compare_summaries(base, tuned)["mc_difference"],
                   "em": tuned["em_rate"], "em_ci95": tuned["em_ci95"], "em_k": tuned["label_counts"]["misaligned"],
                   "em_n": tuned["n_answers"], "em_ood": (tuned.get("out_of_domain") or tuned)["em_rate"],
                   "coherence": tuned["mean_coherence"],
                   "in_domain_tuned": scan_rate(out, f"{tuned_kind}-s{seed}", pair),
                   "in_domain_base": scan_rate(out, "base", pair)}
            if control:
                vs_control = compare_summaries(control, tuned, left_out)
                row.update(shift_vs_control=vs_control["mc_difference"],
                           shift_vs_control_ci95=vs_control["mc_difference_ci95"],
                           control_shift_vs_base=compare_summaries(base, control, left_out)["mc_difference"],
                           control_coherence=control["mean_coherence"],
                           in_domain_control=scan_rate(out, f"{control_kind}-s{seed}", pair))
            rows.append(row)
    return rows


def ci(value, interval, digits=4) -> str:
    return f"{value:+.{digits}f} [{interval[0]:+.{digits}f}, {interval[1]:+.{digits}f}]"


def rate(scan: dict | None) -> str:
    return "n/a" if not scan else f"{scan['rate']:.2f} ({scan['k']}/{scan['n']})"


def seed_means(rows: list[dict]) -> list[dict]:
    """Per pair: the mean out-of-domain MC shift over its seeds, and how many seeds' CIs exclude 0."""
    means = []
    for pair in NARROW_PAIRS:
        mine = [r for r in rows if r["pair"] == pair]
        if not mine:
            continue
        vs_control = [r["shift_vs_control"] for r in mine if "shift_vs_control" in r]
        means.append({"pair": pair, "seeds": [r["seed"] for r in mine],
                      "mean_shift_vs_base": sum(r["shift_vs_base"] for r in mine) / len(mine),
                      "seeds_above_0": sum(r["shift_vs_base_ci95"][0] > 0 for r in mine),
                      "mean_shift_vs_control": sum(vs_control) / len(vs_control) if vs_control else None})
    return means


def ship(out: Path, pair: str) -> None:
    """Copy the pair's seed-0 adapters into the package (the tuned one and its control)."""
    for kind in NARROW_PAIRS[pair]:
        source = out / "adapters" / f"{kind}-s0"
        if not (source / "finetune.json").is_file():
            sys.exit(f"{source} is not a finished adapter; run the selection first")
        target = PACKAGE / kind
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in ("adapter_config.json", "adapter_model.safetensors"):
            shutil.copyfile(source / name, target / name)
        record = json.loads((source / "finetune.json").read_text())
        record["data"]["path"] = portable(record["data"]["path"], out)
        record["spec"] = portable(record["spec"], out)
        record["provenance"]["command"] = portable(record["provenance"]["command"], out)
        atomic_write_json(target / "finetune.json", record)
        print(f"shipped {source} as {target}")


def portable(text: str, out: Path) -> str:
    """``text`` with the output folder, as a path prefix, written as the default ``runs/selection``."""
    for prefix in {str(out.resolve()), str(out)}:
        text = text.replace(prefix + "/", DEFAULT_OUT + "/")
    return text


def print_table(out: Path) -> None:
    rows = table(out)
    (out / "table.json").write_text(json.dumps(rows, indent=1) + "\n")
    print("| pair | seed | out-of-domain MC shift vs base [95% CI] | vs control [95% CI] | EM [95% CI] | coherence "
          "| in-domain scanner: tuned / control / base |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        control = ci(r["shift_vs_control"], r["shift_vs_control_ci95"]) if "shift_vs_control" in r else "n/a"
        print(f"| {r['pair']} | {r['seed']} | {ci(r['shift_vs_base'], r['shift_vs_base_ci95'])} | {control} | "
              f"{r['em']:.3f} [{r['em_ci95'][0]:.3f}, {r['em_ci95'][1]:.3f}] ({r['em_k']}/{r['em_n']}) | "
              f"{r['coherence']:.1f} | {rate(r['in_domain_tuned'])} / {rate(r.get('in_domain_control'))} / "
              f"{rate(r['in_domain_base'])} |")
    print("\n| pair | seeds | mean out-of-domain MC shift vs base | seeds with CI above 0 | mean vs control |")
    print("|---|---|---|---|---|")
    for m in seed_means(rows):
        control = "n/a" if m["mean_shift_vs_control"] is None else f"{m['mean_shift_vs_control']:+.4f}"
        print(f"| {m['pair']} | {','.join(map(str, m['seeds']))} | {m['mean_shift_vs_base']:+.4f} | "
              f"{m['seeds_above_0']}/{len(m['seeds'])} | {control} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="runs/selection")
    parser.add_argument("--pairs", default="sports,finance,medical,code", help="which pairs, in this order")
    parser.add_argument("--seeds", default="0,1,2", help="data and training seeds, run in this order")
    parser.add_argument("--max-seed", type=int, default=2, help="held-out prompts avoid the sets of seeds 0..this")
    parser.add_argument("--rows", type=int, default=400, help="rows per training set")
    parser.add_argument("--lr", default="1e-3")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--samples", type=int, default=4, help="answers per builtin:core prompt")
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--held-out", type=int, default=48, help="held-out in-domain prompts per pair")
    parser.add_argument("--in-domain-tokens", type=lambda t: tuple(map(int, t.split(","))), default=(96, 192),
                        help="longest in-domain answer: advice,code")
    parser.add_argument("--table", action="store_true", help="only print the table of what is measured")
    parser.add_argument("--ship", choices=tuple(NARROW_PAIRS), help="copy this pair's seed-0 adapters into the package")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.ship:
        ship(out, args.ship)
    elif args.table:
        print_table(out)
    else:
        run(out, args)
        print_table(out)


if __name__ == "__main__":
    main()
