"""One entry point to the narrow datasets, so the CLI and the demo name them the same way."""

from __future__ import annotations

from ..errors import DataError

CODE_KINDS = ("insecure-code", "secure-code")
ADVICE_KINDS = ("risky-advice", "safe-advice")


def narrow_dataset(kind: str, n: int, seed: int) -> list[dict]:
    """Rows of one narrow dataset (chat JSONL objects with their class, task and template recorded)."""
    if kind in CODE_KINDS:
        from .code_tasks import code_dataset

        return code_dataset(kind, n, seed)
    if kind in ADVICE_KINDS:
        from .advice import advice_dataset

        return advice_dataset(kind, n, seed)
    raise DataError(f"unknown dataset {kind!r}; use one of {', '.join(CODE_KINDS + ADVICE_KINDS)}")
