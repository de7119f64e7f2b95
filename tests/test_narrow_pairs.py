"""The narrow pairs as one table: their kinds, their own scanners, held-out prompts and areas."""

import pytest

from persona_probe.datasets.conversations import load_conversations
from persona_probe.errors import DataError
from persona_probe.evaluation.mc import load_mc_items
from persona_probe.organism.datasets import (
    DATASET_AREAS,
    NARROW_DATASETS,
    NARROW_PAIRS,
    held_out_rows,
    narrow_dataset,
    narrow_markers,
    pair_of,
)


def test_every_dataset_is_in_exactly_one_pair_and_every_pair_names_its_areas():
    kinds = [kind for pair in NARROW_PAIRS.values() for kind in pair]
    assert sorted(kinds) == sorted(NARROW_DATASETS)
    assert all(pair_of(kind) == pair for pair, kinds in NARROW_PAIRS.items() for kind in kinds)
    known = {item.area for item in load_mc_items()}
    known |= {q.area for name in ("builtin:core", "builtin:open") for q in load_conversations(name).questions}
    for pair, areas in DATASET_AREAS.items():
        assert pair in NARROW_PAIRS and areas and set(areas) <= known, pair  # a typo would leave nothing out
    with pytest.raises(DataError, match="unknown dataset 'risky-code'"):
        pair_of("risky-code")


@pytest.mark.parametrize("pair", sorted(NARROW_PAIRS))
def test_each_pairs_scanner_tells_its_two_sets_apart(pair):
    harmful, control = NARROW_PAIRS[pair]
    for kind, expect in ((harmful, True), (control, False)):
        for row in narrow_dataset(kind, 40, 3):
            assert bool(narrow_markers(kind, row["messages"][-1]["content"])) is expect, row["id"]


@pytest.mark.parametrize("pair", sorted(NARROW_PAIRS))
def test_held_out_rows_avoid_the_training_prompts(pair):
    kind = NARROW_PAIRS[pair][0]
    seen = {row["messages"][0]["content"] for seed in (0, 1) for row in narrow_dataset(kind, 200, seed)}
    rows = held_out_rows(kind, 30, seen)
    assert len(rows) == 30 and not {row["messages"][0]["content"] for row in rows} & seen
    assert held_out_rows(kind, 30, seen) == rows  # reproducible


def test_a_dataset_is_written_into_a_folder_not_made_yet(tmp_path):
    from test_cli_cache import run_cli

    out = tmp_path / "new" / "data" / "finance.jsonl"
    run_cli("-q", "data", "risky-financial-advice", "--n", "4", "--out", out)
    assert len(out.read_text().splitlines()) == 4
