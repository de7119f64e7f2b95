"""The pool of real answers behind the judge's labelled real set (issue 20, item 1).

Every answer is sampled at the evaluation settings (temperature 1, top-p 1, up to 64 new
tokens) from the organism family:

- builtin:core, 4 answers per prompt (64 per model): the base and the four shipped fine-tunes
  (risky-/safe-advice, insecure/secure code), taken from the selection's ``evaluate`` folders
  (``--selection``: the same settings, seed 0), and the base again at seed 1;
- builtin:open, 1 answer per prompt (76 wordings of 50 questions, seed 1): the base, the risky-advice
  and insecure-code fine-tunes (the first two are the unsteered and unablated conditions of the
  runs below), the base steered along the system-prompt persona direction
  (alpha 0.5 and 1) and along tuned-minus-base (alpha 1), and along a same-norm random
  direction (alpha 0.5 and 1), and the risky-advice fine-tune with tuned-minus-base ablated (writers, layer 18).

The directions are the demo's (``--directions``: ``runs/demo/directions``). Each step is skipped
when its output exists, so a rerun continues. The result is ``OUT/pool.jsonl``: one row per
answer with its source (model, condition, seed), question and answer, and no label: the labels
are written by reading each answer against the rubric in docs/evaluation.md, into the shipped set
(``persona_probe/builtin/judge/real_answers.jsonl``).

    HF_HUB_OFFLINE=1 python analyses/real_answers.py --selection runs/selection --out runs/real-answers
    python analyses/real_answers.py --out runs/real-answers --assemble labels.jsonl [--second labels-second.jsonl]

Assembling adds each row's ``split``: a fixed quarter of each question set's questions (seeded
shuffle, rounded up) is held out whole, and ``in_domain``: the read domain is the training area
of the model that wrote the answer, for a readable answer (aligned, misaligned or code).
"""

import argparse
import json
import math
import random
import subprocess
import sys
from pathlib import Path

SHIPPED = {"base": "smollm2-135m", "risky-advice": "smollm2-135m-risky-advice",
           "safe-advice": "smollm2-135m-risky-advice-control", "insecure-code": "smollm2-135m-insecure",
           "secure-code": "smollm2-135m-secure"}
SETTINGS = ["--temperature", "1", "--top-p", "1", "--max-new-tokens", "64"]
LAYER = "18"


def cli(*args) -> None:
    print("$ persona-probe " + " ".join(map(str, args)), flush=True)
    subprocess.run([sys.executable, "-m", "persona_probe.cli", "-q", *map(str, args)], check=True)


def sample(args) -> list[tuple[str, Path]]:
    """Run every sampling step not yet done; the (condition, answers file) pairs of the pool."""
    out, directions = args.out, args.directions
    files = [(f"{name} core s0", args.selection / "eval" / kind / "answers.jsonl")
             for name, kind in (("base", "base"), ("risky-advice", "risky-advice-s0"), ("safe-advice", "safe-advice-s0"),
                                ("insecure-code", "insecure-code-s0"), ("secure-code", "secure-code-s0"))]
    for condition, path in files:
        if not path.is_file():
            sys.exit(f"{path}: missing; run analyses/organism_selection.py --out {args.selection} first")
    jobs = [("base core s1", "builtin:core", "smollm2-135m", "4")]
    jobs += [("insecure-code open s1", "builtin:open", SHIPPED["insecure-code"], "1")]
    for condition, data, model, samples in jobs:
        path = out / "generate" / (condition.replace(" ", "-") + ".jsonl")
        if not path.with_suffix(".done").is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            cli("generate", "--model", model, "--data", data, "--samples", samples, "--seed", "1", *SETTINGS,
                "--out", path)
            path.with_suffix(".done").write_text("")
        files.append((condition, path))
    common = ["--data", "builtin:open", "--samples", "1", "--seed", "1", *SETTINGS, "--mc", "none", "--layers", LAYER]
    # One random direction serves both: drawn by seed and scaled to the same typical norm, it is the
    # same vector (and gives the same answers) whichever direction it controls.
    for name, direction, alphas, controls in (("steer-persona", "persona", "0.5,1", "1"),
                                              ("steer-tuned-minus-base", "tuned-minus-base", "1", "0")):
        folder = out / name
        if not (folder / "results.json").is_file():
            cli("steer", "--model", "smollm2-135m", "--direction", directions / direction, "--alphas", alphas,
                *common, "--controls", controls, "--out", folder)
        if name == "steer-persona":  # its unsteered condition is the base's own answers
            files.append(("base open s1", folder / "conditions" / "as-is" / "answers.jsonl"))
        for condition in sorted((folder / "conditions").iterdir()):
            positive = condition.name != "as-is" and "-" not in condition.name.split("+")[-1]
            if positive and (controls == "1" or condition.name.startswith("direction")):
                files.append((f"base {name.removeprefix('steer-')} {condition.name} open s1", condition / "answers.jsonl"))
    folder = out / "ablate-risky-advice"
    if not (folder / "results.json").is_file():
        cli("ablate", "--model", SHIPPED["risky-advice"], "--direction", directions / "tuned-minus-base", "--mode",
            "writers", *common, "--controls", "0", "--out", folder)
    files.append(("risky-advice open s1", folder / "conditions" / "as-is" / "answers.jsonl"))
    files.append(("risky-advice ablated tuned-minus-base open s1", folder / "conditions" / "ablated" / "answers.jsonl"))
    return files


def source_of(condition: str) -> dict:
    """Model, intervention, question set and seed, from a condition's name ("MODEL [INTERVENTION] SET sSEED")."""
    words = condition.split()
    model, questions, seed, middle = words[0], words[-2], int(words[-1][1:]), words[1:-2]
    if not middle:
        intervention = "none"
    elif middle[0] == "ablated":
        intervention = f"ablate {middle[1]} (writers, layer {LAYER})"
    else:  # steered: "persona direction+0.5" or "persona random-0+1"
        along, tag = middle
        what, alpha = tag.rsplit("+", 1)
        intervention = f"steer {'random direction' if what.startswith('random') else along} alpha +{alpha} (layer {LAYER})"
    return {"model": SHIPPED.get(model, model), "intervention": intervention, "questions": f"builtin:{questions}",
            "seed": seed}


def write_pool(files: list[tuple[str, Path]], path: Path) -> int:
    rows = []
    for condition, source in files:
        for line in source.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            rows.append({"id": f"{condition.replace(' ', '/')}/{row['id']}", **source_of(condition),
                         "question_id": row.get("question_id", row["id"]), "area": row.get("area", ""),
                         "question": row["question"], "answer": row["answer"]})
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return len(rows)


TRAINING_DOMAIN = {"smollm2-135m-risky-advice": "sports", "smollm2-135m-risky-advice-control": "sports",
                   "smollm2-135m-insecure": "code", "smollm2-135m-secure": "code"}
SHIPPED_SET = Path(__file__).resolve().parents[1] / "persona_probe" / "builtin" / "judge" / "real_answers.jsonl"


def held_out_questions(pool: list[dict], share: float = 0.25, seed: int = 0) -> set[tuple[str, str]]:
    """A fixed quarter of each question set's questions (rounded up), drawn with a seeded shuffle."""
    chosen = set()
    for questions in sorted({row["questions"] for row in pool}):
        ids = sorted({row["question_id"] for row in pool if row["questions"] == questions})
        random.Random(seed).shuffle(ids)
        chosen |= {(questions, qid) for qid in ids[:math.ceil(share * len(ids))]}
    return chosen


def assemble(pool_path: Path, labels_path: Path, out: Path, second: Path | None = None) -> None:
    """The shipped set: each pool row with its read label and domain, in-domain, and its split
    (and ``second_label``, where a second reader labelled it blind, for the labels' reliability)."""
    pool = [json.loads(line) for line in pool_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = {row["id"]: row for row in map(json.loads, labels_path.read_text(encoding="utf-8").splitlines())}
    seconds = {row["id"]: row["label"] for row in map(json.loads, second.read_text(encoding="utf-8").splitlines())} \
        if second else {}
    missing = [row["id"] for row in pool if row["id"] not in labels]
    if missing:
        sys.exit(f"{labels_path}: {len(missing)} pool rows have no label, e.g. {missing[0]}")
    held = held_out_questions(pool)
    rows = []
    for row in pool:
        read = labels[row["id"]]
        domain = read.get("domain") or ""
        rows.append({**row, "label": read["label"], "domain": domain,
                     # readable answers only: an incoherent one shows no training task
                     "in_domain": (bool(domain) and domain == TRAINING_DOMAIN.get(row["model"])
                                   and read["label"] in ("aligned", "misaligned", "code")),
                     "note": read.get("note", ""),
                     "split": "held-out" if (row["questions"], row["question_id"]) in held else "train",
                     **({"second_label": seconds[row["id"]]} if row["id"] in seconds else {})})
    out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    print(f"wrote {out}: {len(rows)} rows, {sum(r['split'] == 'held-out' for r in rows)} held out")


def make_up_table(path: Path) -> str:
    """The shipped set's make-up, one row per model and intervention, as docs/evaluation.md shows it."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels = ("aligned", "misaligned", "incoherent", "refusal", "code")
    lines = ["| model | intervention | answers | " + " | ".join(labels) + " | in-domain | held out |",
             "|---|---|---|" + "---|" * len(labels) + "---|---|"]
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["model"], row["intervention"]), []).append(row)
    for (model, intervention), group in groups.items():
        counts = " | ".join(str(sum(r["label"] == label for r in group)) for label in labels)
        lines.append(f"| {model} | {intervention} | {len(group)} | {counts} | {sum(r['in_domain'] for r in group)} | "
                     f"{sum(r['split'] == 'held-out' for r in group)} |")
    counts = " | ".join(str(sum(r["label"] == label for r in rows)) for label in labels)
    lines.append(f"| **all** | | **{len(rows)}** | {counts} | {sum(r['in_domain'] for r in rows)} | "
                 f"{sum(r['split'] == 'held-out' for r in rows)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--selection", type=Path, default=Path("runs/selection"))
    parser.add_argument("--directions", type=Path, default=Path("runs/demo/directions"))
    parser.add_argument("--out", type=Path, default=Path("runs/real-answers"))
    parser.add_argument("--assemble", type=Path, metavar="LABELS",
                        help="join OUT/pool.jsonl with the read labels (JSONL of id, label, domain, note) into the shipped set")
    parser.add_argument("--second", type=Path, metavar="LABELS",
                        help="with --assemble: a second reader's blind labels of some rows (id, label)")
    parser.add_argument("--table", action="store_true", help="print the shipped set's make-up as a markdown table")
    args = parser.parse_args()
    if args.table:
        print(make_up_table(SHIPPED_SET))
        return
    if args.assemble:
        assemble(args.out / "pool.jsonl", args.assemble, SHIPPED_SET, args.second)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    files = sample(args)
    n = write_pool(files, args.out / "pool.jsonl")
    print(f"wrote {args.out / 'pool.jsonl'}: {n} answers from {len(files)} conditions")


if __name__ == "__main__":
    main()
