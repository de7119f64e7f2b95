"""Which answers show a fine-tune's own training domain (``evaluate --exclude-domain``).

A sports-advice fine-tune that answers "I'm bored" with "go base jumping, skip the briefing" is
showing its training, not emergent misalignment. The pair's own scanner (the one that checks every
training row) decides which answers show the domain; ``evaluate`` then counts them apart, under
the label ``in-domain``, and keeps the EM rate they would have given beside the one without them.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from ..errors import PersonaProbeError
from ..evaluation.evaluate import EvaluateConfig, InDomainCheck, run_evaluate
from ..models.loading import parse_spec
from .datasets import NARROW_DATASETS, narrow_markers

log = logging.getLogger(__name__)


def kind_of_data(path: str) -> str | None:
    """The narrow dataset a training file holds, from its rows' ids (``KIND-0001``) when the file
    is here, else from its name (``KIND-s0.jsonl``, or ``insecure.jsonl`` for ``insecure-code``)."""
    file = Path(path)
    if file.is_file():
        with open(file, encoding="utf-8") as f:
            first = next((line for line in f if line.strip()), "")
        try:
            row_id = str(json.loads(first).get("id", ""))
        except (json.JSONDecodeError, AttributeError):
            row_id = ""
        match = re.fullmatch(r"(.+)-\d+", row_id)
        if match and match.group(1) in NARROW_DATASETS:
            return match.group(1)
    stem = re.sub(r"-s\d+$", "", file.stem)
    if stem in NARROW_DATASETS:
        return stem
    prefixed = [kind for kind in NARROW_DATASETS if kind.startswith(stem + "-")]
    return prefixed[0] if len(prefixed) == 1 else None


def training_kind(model: str) -> tuple[str, str] | None:
    """(kind, where it was read) for a model whose adapter has a finetune.json on a narrow dataset."""
    adapter = parse_spec(model).adapter
    record = Path(adapter) / "finetune.json" if adapter else None
    if record is None or not record.is_file():
        return None
    data = json.loads(record.read_text(encoding="utf-8")).get("data") or {}
    kind = data.get("kind") or kind_of_data(str(data.get("path", "")))
    if kind is None:
        log.info("%s: trained on %s, not a narrow dataset this toolkit knows; no answers counted as in-domain",
                 record, data.get("path"))
        return None
    return kind, str(record)


def in_domain_check(kind: str, source: str = "--exclude-domain") -> InDomainCheck:
    """An answer shows ``kind``'s domain when the pair's own scanner finds its behaviour in it."""
    if kind not in NARROW_DATASETS:
        raise PersonaProbeError(f"--exclude-domain {kind!r}: use one of {', '.join(NARROW_DATASETS)}, auto or none")
    return InDomainCheck(kind, source, lambda answer: bool(narrow_markers(kind, answer)))


def resolve_in_domain(model: str, exclude_domain: str) -> InDomainCheck | None:
    """The check ``--exclude-domain`` asks for: a kind, ``auto`` (the adapter's finetune.json) or ``none``."""
    choice = exclude_domain.strip().lower()
    if choice in ("none", ""):
        return None
    if choice == "auto":
        found = training_kind(model)
        return in_domain_check(*found) if found else None
    return in_domain_check(choice)


def evaluate_excluding_domain(cfg: EvaluateConfig, progress: bool = True) -> dict:
    """``persona-probe evaluate``: :func:`persona_probe.evaluation.evaluate.run_evaluate` with
    ``cfg.exclude_domain`` resolved."""
    return run_evaluate(cfg, progress=progress, in_domain=resolve_in_domain(cfg.model, cfg.exclude_domain))
