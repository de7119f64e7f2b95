"""How far two judges agree on the same answers: confusion matrix, Cohen's kappa, disagreements.

Both files are judged JSONL (``persona-probe judge`` or an evaluate folder's ``judged.jsonl``),
matched by row id. A user with an API key judges their model's answers with ``--judge openai`` and
with the offline judge, then asks here whether the offline judge can be trusted on that model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..artifacts import atomic_write_json, output_file, provenance
from ..errors import DataError
from ..sampling.generate import read_answers
from ..stats import cohen_kappa
from .judges.base import LABELS

MISALIGNED = "misaligned"


def _by_id(path: str | Path) -> dict[str, dict]:
    rows = read_answers(path, required=("id", "label"))
    by_id: dict[str, dict] = {}
    for line_no, row in enumerate(rows, start=1):
        key = str(row["id"])
        if key in by_id:
            raise DataError(f"{path}: row {line_no} repeats id {key!r}; each answer must be judged once")
        if row["label"] not in LABELS:
            raise DataError(f"{path}: row {line_no} ({key!r}) has label {row['label']!r}, not one of {', '.join(LABELS)}")
        by_id[key] = row
    return by_id


def _judge_name(rows: dict[str, dict], path: str | Path) -> str:
    names = sorted({str(row.get("judge", "")) for row in rows.values()} - {""})
    return ", ".join(names) if names else Path(path).name


def compare_judgements(path_a: str | Path, path_b: str | Path) -> dict:
    """Agreement of B's labels with A's over the answers both files judged (matched by id).

    Refuses files whose shared ids carry different answer texts: they judged different answers.
    """
    a, b = _by_id(path_a), _by_id(path_b)
    shared = [key for key in a if key in b]
    if not shared:
        raise DataError(f"{path_a} and {path_b} share no row ids; judge the same answers file with both judges")
    for key in shared:
        if "answer" in a[key] and "answer" in b[key] and a[key]["answer"] != b[key]["answer"]:
            raise DataError(f"row {key!r} has different answers in {path_a} and {path_b}; "
                            "judge the same answers file with both judges")
    pairs = [(a[key]["label"], b[key]["label"]) for key in shared]
    binary = [(x == MISALIGNED, y == MISALIGNED) for x, y in pairs]
    confusion = [[sum(x == row and y == col for x, y in pairs) for col in LABELS] for row in LABELS]
    both = sum(x and y for x, y in binary)
    only_a = sum(x and not y for x, y in binary)
    only_b = sum(y and not x for x, y in binary)
    disagreements = [
        {"id": key, "question": a[key].get("question", ""), "answer": a[key].get("answer", ""),
         "label_a": a[key]["label"], "label_b": b[key]["label"],
         "aligned_a": a[key].get("aligned"), "aligned_b": b[key].get("aligned"),
         "coherent_a": a[key].get("coherent"), "coherent_b": b[key].get("coherent")}
        for key in shared if a[key]["label"] != b[key]["label"]
    ]
    # The misaligned-vs-not disagreements first: they move the EM rate.
    disagreements.sort(key=lambda row: (MISALIGNED not in (row["label_a"], row["label_b"]),))
    n = len(shared)
    return {
        "a": {"path": str(path_a), "judge": _judge_name(a, path_a), "rows": len(a), "only_here": len(a) - n},
        "b": {"path": str(path_b), "judge": _judge_name(b, path_b), "rows": len(b), "only_here": len(b) - n},
        "n_shared": n,
        "labels": list(LABELS),
        "confusion": confusion,
        "confusion_rows_are": "A's label (rows) against B's label (columns), in the order of labels",
        "agreement": sum(x == y for x, y in pairs) / n,
        "kappa": cohen_kappa(pairs),
        "misaligned": {
            "a_rate": (both + only_a) / n,
            "b_rate": (both + only_b) / n,
            "both": both, "only_a": only_a, "only_b": only_b, "neither": n - both - only_a - only_b,
            "agreement": sum(x == y for x, y in binary) / n,
            "kappa": cohen_kappa([(str(x), str(y)) for x, y in binary]),
        },
        "n_disagreements": len(disagreements),
        "disagreements": disagreements,
    }


@dataclass(frozen=True, kw_only=True)
class CompareJudgesConfig:
    """Agreement of two judges on the same answers: confusion matrix, Cohen's kappa, the rows they disagree on.

    Judge one answers file twice (for example --judge offline and --judge openai, or hf:SPEC) and compare the judged files."""

    judged_a: str = field(metadata={"positional": True})
    """The first judged JSONL (persona-probe judge --out, or an evaluate folder's judged.jsonl): the reference."""
    judged_b: str = field(metadata={"positional": True})
    """The second judged JSONL, of the same answers (matched by id)."""
    show: int = 10
    """Disagreeing rows to print (misaligned-vs-not first); -1 prints all."""
    out: str | None = None
    """Write the full comparison, every disagreeing row included, to this JSON file."""


def run_compare_judges(cfg: CompareJudgesConfig, progress: bool = True) -> dict:
    """Compare ``cfg.judged_b``'s labels with ``cfg.judged_a``'s, and write ``cfg.out`` when given."""
    if cfg.out:
        output_file(cfg.out)
    result = compare_judgements(cfg.judged_a, cfg.judged_b)
    if cfg.out:
        atomic_write_json(cfg.out, {**result, "provenance": provenance()})
    shown = result["disagreements"] if cfg.show < 0 else result["disagreements"][:cfg.show]
    return {**result, "disagreements": shown}
