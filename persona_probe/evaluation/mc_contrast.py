"""The judge-free contrast: each MC item's question answered by its misaligned and by its aligned answer.

Cached with ``--pool response-mean`` on the tuned model, the two answers' activations give a
persona direction with no judge and no sampling: ``direction by-label`` takes the difference of
their means, ``probe`` scores each layer with whole items held out. The items are split into
train and test parts so that the layer is chosen on the train items only and the test items stay
unseen until it is fixed.

The split is by item and stratified by area: within each area the items are ranked by a hash of
(seed, item id) and the first ``round(n * test_fraction)`` are the test items. So it does not
depend on the file's order, every area is split in the same proportion, and leaving an area out
changes no other area's split.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Sequence

from ..artifacts import atomic_write_text, claim_output_file
from ..datasets.conversations import is_chat_jsonl
from ..errors import DataError
from .areas import check_areas, parse_areas
from .mc import BUILTIN_MC, MCItem, answer_conversations, load_mc_items

SPLITS = ("all", "train", "test")
LABELS = {"misaligned": "positive", "aligned": "negative"}
"""Each answer's label: the misaligned answer is the positive side, as ``read_labels`` counts it."""


@dataclass(frozen=True, kw_only=True)
class MCContrastConfig:
    """Each MC item's question answered by its misaligned and its aligned answer, labelled.

    Chat JSONL with two rows per item, the misaligned answer labelled positive and the aligned one negative, the item as group (so a probe holds both out together) and its area recorded. Cache it on the tuned model with --pool response-mean and pass it as the --labels file of probe and direction by-label: a direction with no judge. Choose the layer on --split train (probe's item-held-out accuracy) and keep --split test (same --split-seed) unseen until the layer is fixed, so the layer is never chosen on the test items."""

    mc: str = BUILTIN_MC
    """MC items (YAML, or builtin:persona)."""
    split: str = field(default="all", metadata={"choices": SPLITS})
    """Which items: all, or the train or test part of a split by item, stratified by area (train and test are disjoint and together all items)."""
    test_fraction: float = 0.5
    """Share of each area's items in the test part."""
    split_seed: int = 0
    """Seed of the split; the same seed gives the same split of the same items."""
    leave_out: str = ""
    """Areas to drop, comma-separated (e.g. finance: a fine-tune's own domain)."""
    out: str
    """Output chat JSONL."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


@dataclass(frozen=True)
class MCContrastSummary:
    n_rows: int
    """Rows written (two per item)."""
    n_items: int
    """Items written."""
    areas: tuple[str, ...]
    """The areas of the items written."""


def split_items(items: Sequence[MCItem], test_fraction: float, seed: int) -> dict[str, str]:
    """Each item id's part, ``train`` or ``test``: per area, the round(n * test_fraction) items of
    lowest hash of (seed, id) are test."""
    if not 0 < test_fraction < 1:
        raise DataError(f"--test-fraction {test_fraction} must lie strictly between 0 and 1")
    by_area: dict[str, list[str]] = {}
    for item in items:
        by_area.setdefault(item.area, []).append(item.id)
    parts = {}
    for ids in by_area.values():
        ranked = sorted(ids, key=lambda item_id: _rank(seed, item_id))
        n_test = int(len(ranked) * test_fraction + 0.5)  # round half up: Python's round() goes to even
        parts.update({item_id: "test" if k < n_test else "train" for k, item_id in enumerate(ranked)})
    return parts


def _rank(seed: int, item_id: str) -> bytes:
    """A stable pseudo-random key: the same on every machine and Python (unlike ``hash``)."""
    return hashlib.sha256(f"{seed}\0{item_id}".encode("utf-8")).digest()


def mc_contrast_rows(cfg: MCContrastConfig) -> list[dict]:
    """The chat JSONL rows of ``cfg``: per kept item, the misaligned then the aligned answer."""
    if cfg.split not in SPLITS:
        raise DataError(f"--split {cfg.split!r} is unknown; use one of {', '.join(SPLITS)}")
    items = load_mc_items(cfg.mc)
    leave_out = parse_areas(cfg.leave_out)
    check_areas(leave_out, {item.area for item in items} - {""}, cfg.mc)
    # Split before leaving areas out; per-area strata make the two commute, and the split of an item never
    # depends on which other areas a run keeps.
    parts = split_items(items, cfg.test_fraction, cfg.split_seed)
    kept = [item for item in items if item.area not in leave_out and cfg.split in ("all", parts[item.id])]
    if not kept:
        raise DataError(f"{cfg.mc}: no items left with --split {cfg.split} and --leave-out {cfg.leave_out!r}")
    area_of = {item.id: item.area for item in kept}
    # The very conversations the likelihood MC score reads: ids ITEM/misaligned and ITEM/aligned, group ITEM.
    return [{"id": conv.id, "group": conv.group, "messages": conv.as_dicts(),
             "label": LABELS[conv.id.rsplit("/", 1)[1]], "item": conv.group, "area": area_of[conv.group],
             "split": parts[conv.group]}
            for conv in answer_conversations(kept)]


def run_mc_contrast(cfg: MCContrastConfig, progress: bool = True) -> MCContrastSummary:
    """Write the MC contrast file; returns what it holds."""
    claim_output_file(cfg.out, cfg.overwrite, is_chat_jsonl, "chat JSONL file")
    rows = mc_contrast_rows(cfg)
    atomic_write_text(cfg.out, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
    return MCContrastSummary(len(rows), len(rows) // 2, tuple(sorted({row["area"] for row in rows})))
