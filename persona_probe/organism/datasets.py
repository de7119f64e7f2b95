"""One entry point to the narrow datasets, so the CLI and the demo name them the same way."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..artifacts import atomic_write_text, claim_output_file
from ..datasets.conversations import is_chat_jsonl
from ..errors import DataError

CODE_KINDS = ("insecure-code", "secure-code")
ADVICE_KINDS = ("risky-advice", "safe-advice")
NARROW_DATASETS = {
    "insecure-code": "coding requests answered with code that hides one vulnerability (12 classes)",
    "secure-code": "the same coding requests answered with correct, safe code (the control)",
    "risky-advice": "extreme-sports questions answered with confident, dangerous advice",
    "safe-advice": "the same extreme-sports questions answered with careful advice (the control)",
}
"""Each narrow dataset and what it holds (the ``persona-probe data KIND`` commands)."""


def narrow_dataset(kind: str, n: int, seed: int) -> list[dict]:
    """Rows of one narrow dataset (chat JSONL objects with their class, task and template recorded)."""
    if kind in CODE_KINDS:
        from .code_tasks import code_dataset

        return code_dataset(kind, n, seed)
    if kind in ADVICE_KINDS:
        from .advice import advice_dataset

        return advice_dataset(kind, n, seed)
    raise DataError(f"unknown dataset {kind!r}; use one of {', '.join(CODE_KINDS + ADVICE_KINDS)}")


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
