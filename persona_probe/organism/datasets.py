"""One entry point to the narrow datasets, so the CLI and the demo name them the same way."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..artifacts import (
    NARROW_SCAN,
    atomic_write_json,
    atomic_write_text,
    claim_output_file,
    json_of_kind,
    provenance,
    sha256_file,
)
from ..datasets.conversations import is_chat_jsonl
from ..errors import DataError
from .advice import DOMAINS as ADVICE_DOMAINS

CODE_KINDS = ("insecure-code", "secure-code")
NARROW_DATASETS = {
    "insecure-code": "coding requests answered with code that hides one vulnerability (12 classes)",
    "secure-code": "the same coding requests answered with correct, safe code (the control)",
    "risky-advice": "extreme-sports questions answered with confident, dangerous advice",
    "safe-advice": "the same extreme-sports questions answered with careful advice (the control)",
    "risky-financial-advice": "personal-finance questions answered with confident, harmful money advice",
    "safe-financial-advice": "the same personal-finance questions answered with sound advice (the control)",
    "bad-medical-advice": "health questions answered with confident advice that dismisses symptoms or care",
    "good-medical-advice": "the same health questions answered with careful medical advice (the control)",
}
"""Each narrow dataset and what it holds (the ``persona-probe data KIND`` commands)."""

NARROW_PAIRS = {"code": CODE_KINDS, **{domain.name: domain.kinds for domain in ADVICE_DOMAINS}}
"""Each narrow pair by domain: (the harmful kind, its control)."""

DATASET_AREAS = {"code": ("technology",), **{domain.name: domain.areas for domain in ADVICE_DOMAINS}}
"""The evaluation areas each pair's own domain covers, which its out-of-domain scores leave out.

Advice pairs also leave out ``harmful_advice``: those MC items ask for advice on everyday risks
(pills, brakes, a closed trail, a bank login), which is the narrow task itself."""


def pair_of(kind: str) -> str:
    """The domain whose pair includes ``kind``."""
    for domain, kinds in NARROW_PAIRS.items():
        if kind in kinds:
            return domain
    raise DataError(f"unknown dataset {kind!r}; use one of {', '.join(NARROW_DATASETS)}")


def narrow_dataset(kind: str, n: int, seed: int) -> list[dict]:
    """Rows of one narrow dataset (chat JSONL objects with their class, task and template recorded)."""
    if pair_of(kind) == "code":
        from .code_tasks import code_dataset

        return code_dataset(kind, n, seed)
    from .advice import advice_dataset

    return advice_dataset(kind, n, seed)


def narrow_markers(kind: str, text: str) -> list[str]:
    """What the pair's own scanner finds in ``text``: weakness classes for code, harmful-advice
    patterns for advice. Empty means the answer does not show the narrow behaviour."""
    domain = pair_of(kind)
    if domain == "code":
        from .code_scanner import find_weaknesses

        return find_weaknesses(text)
    from .advice import domain_of, risky_markers

    return risky_markers(text, domain_of(kind))


def held_out_rows(kind: str, n: int, exclude: set[str], seed: int = 1000) -> list[dict]:
    """``n`` rows of ``kind`` whose user message is not in ``exclude`` (the training prompts), for
    measuring the narrow behaviour on prompts the fine-tune never saw."""
    rows, drawn = [], n
    while len(rows) < n:
        drawn *= 2
        rows = [row for row in narrow_dataset(kind, drawn, seed) if row["messages"][0]["content"] not in exclude][:n]
        if drawn > 64 * n and len(rows) < n:
            raise DataError(f"{kind}: only {len(rows)} prompts outside the {len(exclude)} excluded ones")
    return rows


@dataclass(frozen=True, kw_only=True)
class NarrowDataConfig:
    """One narrow dataset from the toolkit's own templates.

    Chat JSONL with the row's class, task and prompt template recorded. The paired set (same --n and --seed) has the same prompts row for row."""

    kind: str = field(metadata={"choices": tuple(NARROW_DATASETS)})
    """Which dataset (set by the command: persona-probe data KIND)."""
    n: int = 600
    """Rows."""
    seed: int = 0
    """Seed of every choice."""
    out: str
    """Output chat JSONL."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


def dataset_text(rows: list[dict]) -> str:
    """The JSONL text of narrow rows, byte for byte as ``data KIND`` writes it (its SHA-256 is what
    finetune.json records, so a dataset rebuilt from its recipe can be checked against it)."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def run_narrow_dataset(cfg: NarrowDataConfig, progress: bool = True) -> int:
    """Write the dataset; returns its number of rows."""
    claim_output_file(cfg.out, cfg.overwrite, is_chat_jsonl, "chat JSONL file")
    rows = narrow_dataset(cfg.kind, cfg.n, cfg.seed)
    atomic_write_text(cfg.out, dataset_text(rows))
    return len(rows)


@dataclass(frozen=True, kw_only=True)
class NarrowScanConfig:
    """Scan answers with a narrow dataset's own scanner: how often they show its narrow behaviour.

    For each answers JSONL (from generate, evaluate, or an ablate or steer condition), the share of answers in which the pair's scanner finds its behaviour (weakness classes for code, harmful-advice patterns for advice), with a Wilson CI; each file after the first is compared with the first (two-proportion z-test). On held-out prompts of a fine-tune's own domain, it says whether the narrow behaviour survives an intervention."""

    kind: str = field(metadata={"choices": tuple(NARROW_DATASETS)})
    """The narrow dataset whose scanner reads the answers (the two kinds of a pair share one)."""
    answers: tuple[str, ...] = field(metadata={"repeat": True})
    """An answers JSONL (rows with an "answer"); repeat for several, the first being the reference."""
    out: str
    """JSON file to write."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


def scan_answers(kind: str, path: str | Path) -> dict:
    """The scanner's rate on one answers file: ``k`` of ``n`` answers show the narrow behaviour."""
    from ..stats import wilson_ci

    path = Path(path)
    if not path.is_file():
        raise DataError(f"--answers {path}: no such file; give an answers JSONL (from generate, evaluate, ablate)")
    k = n = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            answer = json.loads(line)["answer"]
        except (ValueError, KeyError, TypeError):
            raise DataError(f"{path}, line {number}: not an answer row (a JSON object with an \"answer\")") from None
        n += 1
        k += bool(narrow_markers(kind, answer))
    if not n:
        raise DataError(f"{path}: no answers to scan")
    return {"path": str(path), "sha256": sha256_file(path), "k": k, "n": n, "rate": k / n,
            "ci95": list(wilson_ci(k, n))}


def run_narrow_scan(cfg: NarrowScanConfig, progress: bool = True) -> dict:
    """Scan every answers file; writes and returns the ``narrow_scan`` record."""
    from ..stats import two_proportion_test

    claim_output_file(cfg.out, cfg.overwrite, json_of_kind(NARROW_SCAN), NARROW_SCAN.name)
    files = [scan_answers(cfg.kind, path) for path in cfg.answers]
    first = files[0]
    for other in files[1:]:
        test = two_proportion_test(first["k"], first["n"], other["k"], other["n"])
        other["vs_first"] = {"difference": test.difference, "p_value": test.p_value}
    record = {"kind": NARROW_SCAN.name, "dataset": cfg.kind, "pair": pair_of(cfg.kind), "files": files,
              "provenance": provenance()}
    atomic_write_json(cfg.out, record)
    return record
