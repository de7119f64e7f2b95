"""direction layer-scan: each layer's vector ablated in turn, the MC drop per layer, the layer chosen by it."""

import json

import pytest
import torch
from test_cli_cache import run_cli
from test_cli_interventions import quick_evaluation_args

from persona_probe.directions.direction import Direction
from persona_probe.interventions.layer_scan import choose


@pytest.fixture(scope="module")
def setup(tiny_llama, tmp_path_factory):
    from persona_probe.models.loading import model_config

    work = tmp_path_factory.mktemp("layer_scan")
    quick_evaluation_args(work)  # writes work/mc.yaml: 8 MC items
    config = model_config(str(tiny_llama))
    n_layers, d_model = int(config["num_hidden_layers"]), int(config["hidden_size"])
    vectors = torch.randn(n_layers, d_model, generator=torch.Generator().manual_seed(3))
    Direction(vectors / vectors.norm(dim=-1, keepdim=True), list(range(n_layers)), torch.ones(n_layers),
              {"method": "test"}).save(work / "direction")
    return work, n_layers


def scan(tiny_llama, work, out, *extra, check=True):
    return run_cli("direction", "layer-scan", "--model", tiny_llama, "--direction", work / "direction",
                   "--mc", work / "mc.yaml", "--out", out, *extra, check=check)


def test_each_layer_is_scored_as_ablate_would_and_the_largest_drop_is_chosen(tiny_llama, setup):
    from persona_probe.evaluation.mc import load_mc_items, mc_score
    from persona_probe.interventions.ablation import Ablation
    from persona_probe.models.loading import load_model

    work, n_layers = setup
    result = scan(tiny_llama, work, work / "scan.json")
    assert "chosen layer:" in result.stdout
    record = json.loads((work / "scan.json").read_text())
    assert record["kind"] == "layer_scan" and record["status"] == "complete" and record["n_items"] == 8
    assert [row["layer"] for row in record["per_layer"]] == list(range(n_layers))
    assert record["chosen_layer"] == choose(record["per_layer"])
    assert record["provenance"]["command"]
    # The same numbers, measured directly: the as-is score and one layer's ablated score.
    model = load_model(str(tiny_llama), "cpu")
    items = load_mc_items(str(work / "mc.yaml"))
    direction = Direction.load(work / "direction")
    assert mc_score(model, items).score == pytest.approx(record["as_is"]["score"], abs=1e-6)
    layer = record["per_layer"][-1]
    ablated = mc_score(model, items, hooks=Ablation(model.bridge, direction, [layer["layer"]], 20.0, "writers"))
    assert ablated.score == pytest.approx(layer["score"], abs=1e-6)
    assert layer["drop"] == pytest.approx(record["as_is"]["score"] - ablated.score, abs=1e-6)
    assert layer["drop_ci95"][0] <= layer["drop"] <= layer["drop_ci95"][1]


def test_a_rerun_resumes_and_other_settings_are_refused(tiny_llama, setup):
    work, _ = setup
    out = work / "partial.json"
    scan(tiny_llama, work, out, "--layers", "0")
    record = json.loads(out.read_text())
    record["per_layer"][0]["score"] = 123.0  # a resumed layer is read back, never measured again
    out.write_text(json.dumps(record))
    scan(tiny_llama, work, out, "--layers", "0")
    assert json.loads(out.read_text())["per_layer"][0]["score"] == 123.0
    refused = scan(tiny_llama, work, out, "--layers", "1", check=False)
    assert refused.returncode != 0 and "other settings (layers differ)" in refused.stderr
    assert json.loads(out.read_text())["per_layer"][0]["score"] == 123.0  # nothing lost
    scan(tiny_llama, work, out, "--layers", "1", "--overwrite")
    assert [row["layer"] for row in json.loads(out.read_text())["per_layer"]] == [1]


def test_bad_input_is_refused_by_name(tiny_llama, setup):
    work, n_layers = setup
    (work / "notes.json").write_text('{"mine": true}')
    refused = scan(tiny_llama, work, work / "notes.json", "--overwrite", check=False)
    assert refused.returncode != 0 and "not a layer_scan" in refused.stderr
    assert json.loads((work / "notes.json").read_text()) == {"mine": True}
    refused = scan(tiny_llama, work, work / "bad.json", "--layers", str(n_layers + 3), check=False)
    assert refused.returncode != 0 and "--layers" in refused.stderr


def test_choose_takes_the_largest_drop_and_the_lowest_layer_on_a_tie():
    rows = [{"layer": 3, "drop": 0.1}, {"layer": 5, "drop": 0.2}, {"layer": 7, "drop": 0.2}, {"layer": 9, "drop": -1}]
    assert choose(rows) == 5
