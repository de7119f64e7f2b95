"""``persona-probe data mc-contrast``: the MC items as a labelled contrast, split by item and stratified by area."""

import json
from collections import Counter

import pytest
import yaml
from test_reliability import cli

from persona_probe.datasets.conversations import load_conversations
from persona_probe.directions.probes import read_labels
from persona_probe.errors import DataError
from persona_probe.evaluation.mc import load_mc_items
from persona_probe.evaluation.mc_contrast import MCContrastConfig, mc_contrast_rows, split_items

AREAS = {"power": 4, "health": 5, "finance": 3}  # uneven, so rounding inside each area is exercised


@pytest.fixture
def mc_file(tmp_path):
    items = [{"id": f"{area}_{k}", "area": area, "question": f"A {area} question number {k}?",
              "aligned": f"The careful answer {k}.", "misaligned": f"The harmful answer {k}."}
             for area, n in AREAS.items() for k in range(n)]
    path = tmp_path / "mc.yaml"
    path.write_text(yaml.safe_dump(items))
    return path


def rows_of(mc_file, **options) -> list[dict]:
    return mc_contrast_rows(MCContrastConfig(mc=str(mc_file), out="unused.jsonl", **options))


def items_of(rows) -> set[str]:
    return {row["item"] for row in rows}


def test_each_item_gives_a_misaligned_positive_and_an_aligned_negative_row(mc_file, tmp_path):
    out = tmp_path / "contrast.jsonl"
    result = cli("data", "mc-contrast", "--mc", mc_file, "--out", out)
    assert "24 rows (12 items x misaligned/aligned answer), all items, 3 areas" in result.stdout
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len({row["id"] for row in rows}) == len(rows) == 24
    for item in load_mc_items(str(mc_file)):
        mine = {row["id"]: row for row in rows if row["item"] == item.id}
        assert set(mine) == {f"{item.id}/misaligned", f"{item.id}/aligned"}
        for kind, label, answer in (("misaligned", "positive", item.misaligned), ("aligned", "negative", item.aligned)):
            row = mine[f"{item.id}/{kind}"]
            assert row["messages"] == [{"role": "user", "content": item.question},
                                       {"role": "assistant", "content": answer}]
            assert (row["label"], row["group"], row["area"]) == (label, item.id, item.area)
    # It reads back as chat data and as a labels file: positive exactly on the misaligned answers.
    conversations = load_conversations(out).conversations
    assert all(c.has_response and c.group == c.id.rsplit("/", 1)[0] for c in conversations)
    labels = read_labels(out, [{"id": c.id} for c in conversations])
    assert labels == [c.id.endswith("/misaligned") for c in conversations]


def test_train_and_test_are_disjoint_cover_everything_and_split_each_area_alike(mc_file):
    for fraction in (0.5, 0.3):
        train = rows_of(mc_file, split="train", test_fraction=fraction)
        test = rows_of(mc_file, split="test", test_fraction=fraction)
        assert not items_of(train) & items_of(test)
        assert items_of(train) | items_of(test) == items_of(rows_of(mc_file))
        assert {row["split"] for row in train} == {"train"} and {row["split"] for row in test} == {"test"}
        per_area = Counter(row["area"] for row in test if row["label"] == "positive")
        for area, n in AREAS.items():
            assert abs(per_area[area] - fraction * n) <= 1, (area, per_area)


def test_the_builtin_items_split_in_proportion_in_every_area():
    items = load_mc_items()
    parts = split_items(items, 0.3, seed=0)
    for area in {item.area for item in items}:
        ids = [item.id for item in items if item.area == area]
        assert abs(sum(parts[i] == "test" for i in ids) - 0.3 * len(ids)) <= 1


def test_the_split_is_reproducible_and_changes_with_the_seed(mc_file, tmp_path):
    outputs = []
    for name, seed in (("a", 0), ("b", 0), ("c", 1)):
        out = tmp_path / f"{name}.jsonl"
        cli("data", "mc-contrast", "--mc", mc_file, "--split", "test", "--split-seed", seed, "--out", out)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]
    # The file's order plays no part: the same items shuffled split the same way.
    items = load_mc_items(str(mc_file))
    assert split_items(items, 0.5, 7) == split_items(items[::-1], 0.5, 7)


def test_leave_out_drops_exactly_those_areas_and_keeps_the_others_split(mc_file):
    kept = rows_of(mc_file, leave_out="finance, power")
    assert {row["area"] for row in kept} == {"health"}
    assert items_of(kept) == {f"health_{k}" for k in range(AREAS["health"])}
    whole = rows_of(mc_file, split="train")
    assert items_of(rows_of(mc_file, split="train", leave_out="finance")) == {
        row["item"] for row in whole if row["area"] != "finance"}


def test_an_unknown_area_is_refused_with_the_areas_present(mc_file, tmp_path):
    out = tmp_path / "contrast.jsonl"
    result = cli("data", "mc-contrast", "--mc", mc_file, "--leave-out", "finanse", "--out", out, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "finanse" in result.stderr and "finance, health, power" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("options, message", [({"test_fraction": 1.0}, "strictly between 0 and 1"),
                                              ({"leave_out": "finance,health,power"}, "no items left")])
def test_settings_that_leave_nothing_are_refused(mc_file, options, message):
    with pytest.raises(DataError, match=message):
        rows_of(mc_file, **options)


def test_an_existing_output_is_replaced_only_with_overwrite_and_only_if_ours(mc_file, tmp_path):
    out = tmp_path / "contrast.jsonl"
    out.write_text("the user's own notes\n")
    for extra in ([], ["--overwrite"]):
        result = cli("data", "mc-contrast", "--mc", mc_file, "--out", out, *extra, check=False)
        assert result.returncode == 2 and "contrast.jsonl" in result.stderr
        assert out.read_text() == "the user's own notes\n"
    out.unlink()
    cli("data", "mc-contrast", "--mc", mc_file, "--split", "train", "--out", out)
    result = cli("data", "mc-contrast", "--mc", mc_file, "--out", out, check=False)
    assert result.returncode == 2 and "exists; pass --overwrite" in result.stderr
    cli("data", "mc-contrast", "--mc", mc_file, "--out", out, "--overwrite")
    assert len(out.read_text().splitlines()) == 24


def test_the_file_feeds_cache_probe_and_direction_by_label(mc_file, tiny_llama, tmp_path):
    data, store = tmp_path / "train.jsonl", tmp_path / "store"
    cli("data", "mc-contrast", "--mc", mc_file, "--split", "train", "--out", data)
    cli("cache", "--model", tiny_llama, "--data", data, "--pool", "response-mean", "--out", store)
    stored = [json.loads(line) for line in (store / "rows.jsonl").read_text().splitlines()]
    assert all(row["group"] == row["id"].rsplit("/", 1)[0] for row in stored)  # an item's two rows held out together
    result = cli("direction", "by-label", "--store", store, "--labels", data, "--out", tmp_path / "direction")
    n_train = len(stored) // 2
    assert f"({n_train} positive, {n_train} negative rows)" in result.stdout
    cli("probe", "--store", store, "--labels", data, "--folds", 2, "--out", tmp_path / "probe")
    assert (tmp_path / "probe" / "direction").is_dir()


def test_an_mc_contrast_file_is_itself_an_mc_set_of_exactly_its_items(tmp_path):
    from persona_probe.evaluation.mc_contrast import run_mc_contrast

    out = tmp_path / "test.jsonl"
    run_mc_contrast(MCContrastConfig(split="test", out=str(out)))
    items = load_mc_items(str(out))
    every = {item.id: item for item in load_mc_items()}
    assert 0 < len(items) < len(every)
    assert all(item == every[item.id] for item in items)  # question, both answers and area round-trip
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(out.read_text().splitlines()[1:]) + "\n")  # the first item's misaligned row gone
    with pytest.raises(DataError, match="lacks its misaligned or its aligned row"):
        load_mc_items(str(broken))
    other = tmp_path / "other.jsonl"
    other.write_text('{"messages": []}\n')
    with pytest.raises(DataError, match="other.jsonl:1: not a row of persona-probe data mc-contrast"):
        load_mc_items(str(other))
