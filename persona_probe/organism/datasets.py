"""One entry point to the narrow datasets, so the CLI and the demo name them the same way."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..artifacts import atomic_write_text, claim_output_file
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


def run_narrow_dataset(cfg: NarrowDataConfig, progress: bool = True) -> int:
    """Write the dataset; returns its number of rows."""
    claim_output_file(cfg.out, cfg.overwrite, is_chat_jsonl, "chat JSONL file")
    rows = narrow_dataset(cfg.kind, cfg.n, cfg.seed)
    atomic_write_text(cfg.out, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    return len(rows)
