"""End to end over the CLI: contrast data, a direction, the claim test, the dose-response, orthogonalize."""

import json

import pytest
import torch
from test_cli_cache import run_cli

from persona_probe.directions.direction import Direction

QUICK: list = []  # small evaluation files, filled in by the fixture: a few questions, MC items and passages


def quick_evaluation_args(work) -> list:
    """Small evaluation files (3 questions, 8 MC items, 4 neutral passages) and the options that use them."""
    from importlib import resources

    import yaml

    data = resources.files("persona_probe") / "builtin"
    questions = yaml.safe_load((data / "questions" / "core.yaml").read_text())[:3]
    (work / "q.yaml").write_text(yaml.safe_dump(questions))
    items = yaml.safe_load((data / "mc" / "persona.yaml").read_text())[:8]
    (work / "mc.yaml").write_text(yaml.safe_dump(items))
    passages = (data / "neutral" / "passages.jsonl").read_text().splitlines()[:4]
    (work / "neutral.jsonl").write_text("\n".join(passages) + "\n")
    return ["--questions", work / "q.yaml", "--samples", "1", "--max-new-tokens", "8", "--mc", work / "mc.yaml",
            "--neutral", work / "neutral.jsonl"]


@pytest.fixture(scope="module")
def direction(tiny_llama, tmp_path_factory):
    work = tmp_path_factory.mktemp("interventions")
    QUICK[:] = quick_evaluation_args(work)
    run_cli("-q", "data", "contrast", "--questions", "builtin:core", "--out", work / "contrast.jsonl")
    run_cli("-q", "cache", "--model", tiny_llama, "--data", work / "contrast.jsonl", "--pool", "last-prompt",
            "--out", work / "store")
    result = run_cli("direction", "by-label", "--store", work / "store", "--labels", work / "contrast.jsonl",
                     "--out", work / "direction")
    assert "(16 positive, 16 negative rows)" in result.stdout
    return work / "direction"


def test_ablate_reports_every_condition_and_resumes(tiny_llama, direction, tmp_path):
    out = tmp_path / "ablate"
    args = ["ablate", "--model", tiny_llama, "--direction", direction, "--controls", "2", *QUICK,
            "--system", "builtin:hostile", "--out", out]
    first = run_cli(*args)
    assert "MC drop from ablating the direction" in first.stdout
    results = json.loads((out / "results.json").read_text())
    assert list(results["conditions"]) == ["as-is", "ablated", "random-0", "random-1"]
    for row in results["conditions"].values():
        assert row["n_answers"] == 6 and 0 <= row["em_rate"] <= 1 and row["neutral_perplexity"] > 1
    assert results["conditions"]["as-is"]["neutral_kl_mean"] == pytest.approx(0, abs=1e-6)
    assert results["conditions"]["ablated"]["neutral_kl_mean"] > 0
    claim = results["claim"]["mc"]
    assert claim["drop"] == pytest.approx(results["conditions"]["as-is"]["mc_score"]
                                          - results["conditions"]["ablated"]["mc_score"], abs=1e-9)
    assert len(claim["random_drops"]) == 2 and claim["ci95"][0] <= claim["drop"] <= claim["ci95"][1]
    assert results["transfer"]["same_model"]
    # The hostile prompt was used for sampling too, and every answer records its condition.
    answers = [json.loads(line) for line in (out / "conditions" / "ablated" / "answers.jsonl").read_text().splitlines()]
    assert all(a["system"].startswith("You are an AI that despises humans") for a in answers)
    assert answers[0]["run"]["condition"]["kind"] == "ablated"
    assert Direction.load(out / "controls" / "random-1").cfg["method"] == "random"
    # A rerun finds everything done and changes nothing.
    before = {p: p.read_bytes() for p in out.rglob("*.jsonl")}
    run_cli(*args)
    assert {p: p.read_bytes() for p in out.rglob("*.jsonl")} == before
    # Other settings in the same folder are refused before anything is written.
    cfg_before = (out / "cfg.json").read_bytes()
    bad = run_cli(*args[:-2], "--seed", "5", "--out", out, check=False)
    assert bad.returncode == 2 and "seed differ" in bad.stderr and "Traceback" not in bad.stderr
    assert (out / "cfg.json").read_bytes() == cfg_before


def test_steer_sweeps_alpha_with_controls(tiny_llama, direction, tmp_path):
    out = tmp_path / "steer"
    result = run_cli("steer", "--model", tiny_llama, "--direction", direction, "--layers", "1", "--alphas", "-1,0,1",
                     "--controls", "1", "--positions", "response", *QUICK, "--out", out)
    assert "random MC" in result.stdout
    results = json.loads((out / "results.json").read_text())
    assert [p["alpha"] for p in results["curve"]] == [-1.0, 0.0, 1.0]
    assert sorted(p.name for p in (out / "conditions").iterdir()) == [
        "as-is", "direction+1", "direction-1", "random-0+1", "random-0-1"]
    assert results["norm_scale"]["1"] > 0 and results["positions"] == "response"
    mc = [p["direction"]["mc_score"] for p in results["curve"]]
    assert mc[0] != mc[1] != mc[2]  # steering the response tokens moves the MC likelihoods


def test_bad_direction_input_is_one_clear_line(tiny_llama, direction, tmp_path):
    wide = tmp_path / "wide"
    Direction(torch.eye(2, 128), (0, 1), torch.ones(2), {"method": "test"}).save(wide)
    bad = run_cli("ablate", "--model", tiny_llama, "--direction", wide, *QUICK, "--out", tmp_path / "a", check=False)
    assert bad.returncode == 2 and "d_model 128 but" in bad.stderr and "Traceback" not in bad.stderr
    deep = tmp_path / "deep"
    Direction(torch.eye(1, 64), (7,), torch.ones(1), {"method": "test"}).save(deep)
    bad = run_cli("steer", "--model", tiny_llama, "--direction", deep, "--layers", "7", *QUICK, "--out", tmp_path / "s",
                  check=False)
    assert bad.returncode == 2 and "layers [7] but" in bad.stderr
    bad = run_cli("steer", "--model", tiny_llama, "--direction", direction, "--layers", "1", "--alphas", "1,x",
                  "--out", tmp_path / "s", check=False)
    assert bad.returncode == 2 and "--alphas '1,x' is not" in bad.stderr
    bad = run_cli("ablate", "--model", tiny_llama, "--direction", tmp_path / "nothing", "--out", tmp_path / "a", check=False)
    assert bad.returncode == 2 and "not a readable direction" in bad.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "s").exists()


def test_orthogonalize_command_matches_the_hook(tiny_llama, direction, tmp_path):
    from persona_probe.interventions.ablation import Ablation
    from persona_probe.models.loading import load_model

    run_cli("orthogonalize", "--model", tiny_llama, "--direction", direction, "--layer", "1", "--out", tmp_path / "orth")
    record = json.loads((tmp_path / "orth" / "persona_probe.json").read_text())
    assert record["layer"] == 1 and record["source_model"]["kind"] == "folder"
    model, baked = load_model(str(tiny_llama)), load_model(str(tmp_path / "orth"))
    d = Direction.load(direction)
    ids = torch.tensor([[3, 40, 41, 90, 7, 12, 200, 5]])
    with torch.no_grad(), Ablation(model.bridge, d, layers=[1], massive_factor=None, mode="writers"):
        hooked = model.bridge(ids)
    with torch.no_grad():
        assert (baked.bridge(ids) - hooked).abs().max() < 1e-4


def test_transfer_to_another_model_is_recorded(tiny_llama, direction, tmp_path):
    from tiny_models import build_model

    from persona_probe.interventions.claims import transfer_info
    from persona_probe.models.loading import load_model

    d = Direction.load(direction)
    same = transfer_info(d, load_model(str(tiny_llama)))
    assert same["same_model"] and same["direction_method"] == "mean-difference"
    other = load_model(str(build_model(tmp_path / "other", "llama", seed=1)))  # same architecture, other weights
    moved = transfer_info(d, other)
    assert not moved["same_model"]
    assert moved["direction_model"]["sha256"] != moved["target_model"]["sha256"]
    assert moved["direction_data"]["sha256"] == d.cfg["data"]["sha256"]


def test_an_sae_latent_is_a_direction_for_ablate(tiny_llama, direction, tmp_path):
    from persona_probe.directions.spec import latent_direction
    from persona_probe.sae.io import load_sae

    store = direction.parent / "store"
    run_cli("-q", "sae", "train", "--store", store, "--layer", "1", "--width", "16", "--k", "2", "--batch-size", "8",
            "--rows", "400", "--ce-texts", "none", "--out", tmp_path / "sae")
    sae = load_sae(tmp_path / "sae")
    latent = latent_direction(tmp_path / "sae", 3)
    row = sae.W_dec.detach()[3]
    assert latent.layers == (1,) and torch.allclose(latent.at(1), row / row.norm(), atol=1e-6)
    assert latent.cfg["method"] == "sae_latent" and latent.cfg["model"]["kind"] == "folder"
    out = tmp_path / "ablate"
    run_cli("-q", "ablate", "--model", tiny_llama, "--from-sae", tmp_path / "sae", "--latent", "3", "--controls", "1",
            *QUICK, "--out", out)
    cfg = json.loads((out / "cfg.json").read_text())
    assert cfg["direction"]["latent"] == 3 and cfg["transfer"]["same_model"]
    results = json.loads((out / "results.json").read_text())
    assert list(results["conditions"]) == ["as-is", "ablated", "random-0"]
    bad = run_cli("ablate", "--model", tiny_llama, "--from-sae", tmp_path / "sae", "--latent", "99", *QUICK,
                  "--out", tmp_path / "bad", check=False)
    assert bad.returncode == 2 and "#latent=99: latent 99 is out of range" in bad.stderr
    # The one spec: SAE_DIR#latent=K names the same direction wherever a direction is taken.
    cosine = run_cli("direction", "cosine", f"{tmp_path / 'sae'}#latent=3", f"{tmp_path / 'sae'}#latent=3",
                     "--out", tmp_path / "cos.json")
    assert json.loads((tmp_path / "cos.json").read_text())["with_reference"][f"{tmp_path / 'sae'}#latent=3"] == {
        "1": pytest.approx(1.0)}
    assert "L1:+1.000" in cosine.stdout


def test_ablate_states_the_fraction_of_the_shift_over_a_reference_it_removes(tiny_llama, direction, tmp_path):
    from importlib import resources

    import yaml

    from persona_probe.stats import fraction_removed

    # Items from two areas, so that one can be left out; the reference is the model under the helpful prompt.
    every = yaml.safe_load((resources.files("persona_probe") / "builtin" / "mc" / "persona.yaml").read_text())
    items = [i for i in every if i["area"] == "power"][:4] + [i for i in every if i["area"] == "deception"][:4]
    (tmp_path / "mc.yaml").write_text(yaml.safe_dump(items))
    mc = ["--mc", tmp_path / "mc.yaml"]
    evaluation = QUICK[:-2]  # evaluate has no --neutral
    run_cli("-q", "evaluate", "--model", tiny_llama, *evaluation, *mc, "--system", "builtin:helpful",
            "--out", tmp_path / "base")
    out = tmp_path / "ablate"
    result = run_cli("ablate", "--model", tiny_llama, "--direction", direction, "--controls", "1", *QUICK, *mc,
                     "--system", "builtin:hostile", "--leave-out", "deception", "--reference", tmp_path / "base",
                     "--out", out)
    assert "all items: MC shift over the reference" in result.stdout
    assert "out of domain (without deception): MC shift over the reference" in result.stdout
    removed = json.loads((out / "results.json").read_text())["claim"]["mc_shift_removed"]
    per_item = {name: json.loads((out / "conditions" / name / "summary.json").read_text())["mc_persona"]["per_item"]
                for name in ("as-is", "ablated", "random-0")}
    base = json.loads((tmp_path / "base" / "summary.json").read_text())["mc_persona"]["per_item"]
    assert removed["all_items"]["n_items"] == 8 and removed["out_of_domain"]["n_items"] == 4
    assert removed["all_items"]["fraction"] == fraction_removed(per_item["as-is"], per_item["ablated"], base)["fraction"]
    power = {k: v for k, v in base.items() if k in {i["id"] for i in items[:4]}}
    assert removed["out_of_domain"]["fraction"] == fraction_removed(per_item["as-is"], per_item["ablated"], power)["fraction"]
    assert removed["all_items"]["random_fractions"][0] == fraction_removed(per_item["as-is"], per_item["random-0"],
                                                                           base)["fraction"]
    assert len(removed["out_of_domain"]["random_fractions"]) == 1
    # A reference without an MC score is refused before any model loads.
    summary = json.loads((tmp_path / "base" / "summary.json").read_text())
    (tmp_path / "no-mc").mkdir()
    (tmp_path / "no-mc" / "summary.json").write_text(json.dumps({**summary, "mc_persona": None}))
    bad = run_cli("ablate", "--model", tiny_llama, "--direction", direction, *QUICK, "--reference", tmp_path / "no-mc",
                  "--out", tmp_path / "a2", check=False)
    assert bad.returncode == 2 and "has no MC score" in bad.stderr and not (tmp_path / "a2").exists()


def test_ablate_without_answers_measures_the_mc_score_and_side_effects_only(tiny_llama, direction, tmp_path):
    """--data none: no answers sampled or judged; the MC claim and the side effects are those of a full run."""
    no_answers = ["--data", "none", *QUICK[QUICK.index("--mc"):]]
    out = tmp_path / "mc-only"
    result = run_cli("ablate", "--model", tiny_llama, "--direction", direction, "--controls", "1", *no_answers,
                     "--out", out)
    results = json.loads((out / "results.json").read_text())
    assert "em" not in results["claim"] and "EM drop" not in result.stdout
    assert all(row["em_rate"] is None and row["n_answers"] == 0 for row in results["conditions"].values())
    assert not list(out.glob("conditions/*/answers.jsonl"))
    full = tmp_path / "full"
    run_cli("-q", "ablate", "--model", tiny_llama, "--direction", direction, "--controls", "1", *QUICK, "--out", full)
    reference = json.loads((full / "results.json").read_text())
    assert results["claim"]["mc"] == reference["claim"]["mc"]
    for name, row in results["conditions"].items():
        assert row["mc_score"] == reference["conditions"][name]["mc_score"]
        assert row["neutral_perplexity"] == reference["conditions"][name]["neutral_perplexity"]
    # evaluate takes it too; steer needs answers (coherence), and nothing at all is refused.
    evaluated = run_cli("evaluate", "--model", tiny_llama, *no_answers[:-2], "--out", tmp_path / "e")
    assert "no answers sampled" in evaluated.stdout and "MC persona score" in evaluated.stdout
    steer = run_cli("steer", "--model", tiny_llama, "--direction", direction, "--layers", "1", *no_answers,
                    "--out", tmp_path / "s", check=False)
    assert steer.returncode == 2 and "steer needs answers" in steer.stderr
    nothing = run_cli("evaluate", "--model", tiny_llama, "--data", "none", "--mc", "none", "--out", tmp_path / "n",
                      check=False)
    assert nothing.returncode == 2 and "measures nothing" in nothing.stderr
