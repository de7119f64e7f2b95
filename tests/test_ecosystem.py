"""Fitting the ecosystem (issue 24): each defect a user bringing their own data, SAEs and judge met, as a test."""

import json
from pathlib import Path

import pytest
import torch
from test_cli_cache import run_cli
from test_cli_interventions import quick_evaluation_args

from persona_probe.directions import Direction

ROOT = Path(__file__).resolve().parents[1]


# ---- 4. the report never crashes, and reads cleanly -----------------------------------------------------------------

@pytest.fixture(scope="module")
def runs_without_mc(tiny_llama, tmp_path_factory):
    """A real ablation and a two-alpha steering run, both with --mc none, and a summary of an adapter model."""
    work = tmp_path_factory.mktemp("no-mc")
    quick = [a for a in quick_evaluation_args(work)]
    quick[quick.index("--mc") + 1] = "none"
    direction = work / "direction"
    generator = torch.Generator().manual_seed(0)
    v = torch.randn(2, 64, generator=generator)
    Direction(v / v.norm(dim=-1, keepdim=True), (0, 1), torch.ones(2), {"method": "test"}).save(direction)
    runs = work / "runs"
    run_cli("-q", "ablate", "--model", tiny_llama, "--direction", direction, "--controls", "1", *quick,
            "--out", runs / "ablate")
    run_cli("-q", "steer", "--model", tiny_llama, "--direction", direction, "--layers", "1", "--alphas", "0,0.5",
            "--controls", "1", *quick, "--out", runs / "steer")
    summary = {"em_rate": 0.0, "em_ci95": [0.0, 0.2], "n_answers": 4, "mean_coherence": 80.0, "mc_persona": None,
               "questions": "builtin:core",
               "model": {"spec": "base+adapter", "name": "base", "adapter": {"name": "/x/adapter", "revision": None,
                                                                             "sha256": "ab" * 32}}}
    (runs / "eval").mkdir()
    (runs / "eval" / "summary.json").write_text(json.dumps(summary))
    return runs


def test_a_report_of_runs_without_mc_builds_and_reads_cleanly(runs_without_mc, tmp_path):
    from persona_probe.report import build_report

    result = build_report([runs_without_mc], tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text()
    assert "ablation" in result["sections"] and "steering" in result["sections"]
    assert "&#39;name&#39;" not in page and "{'name'" not in page  # adapter records are never raw dicts
    assert "/x/adapter (sha256 abababababab)" in page
    assert "MC persona items" not in page  # --mc none: no MC item set is listed under Data
    assert "n/a, " not in page.split("Spearman correlation with alpha", 1)[1][:300]


def test_figures_keep_each_metric_on_its_own_scale():
    from persona_probe.report import figures
    from persona_probe.report.build import _coherence_ci

    empty_mc = {"as-is": {"em_rate": 0.1, "em_ci95": [0, 0.3], "mc_score": None},
                "ablated": {"em_rate": 0.0, "em_ci95": [0, 0.2], "mc_score": None}}
    assert tuple(figures.ablation_figure(empty_mc).layout.yaxis2.range) == (0, 1)
    point = {"em_rate": 0.1, "mc_score": None, "mean_coherence": 99.0, "coherence_ci95": [97.0, 100.0]}
    fig = figures.steering_figure([{"alpha": 0.0, "direction": point, "random": []}])
    assert tuple(fig.layout.yaxis2.range) == (0, 1) and tuple(fig.layout.yaxis3.range) == (0, 100)
    assert _coherence_ci([{"coherent": 100.0}] * 5 + [{"coherent": 90.0}])[1] <= 100.0
    norms = figures.direction_norm_figure({"d": ([0, 1, 2], [0.2, 3.0, 40.0])})
    assert norms.layout.yaxis.dtick == 1 and norms.layout.yaxis.tickformat == "~g"


# ---- 6. quiet means quiet -------------------------------------------------------------------------------------------

def test_quiet_after_the_command_silences_bars_and_library_warnings(tmp_path):
    result = run_cli("cache", "--model", "smollm2-135m-insecure", "--data", "builtin:core", "--layers", "0",
                     "--out", tmp_path / "s", "-q")
    assert result.stderr == "", result.stderr[-2000:]
    assert result.stdout.startswith("wrote ")


# ---- 5. sae train: a moving bar, a warning for negative explained variance, one account of dead latents ----------

def test_sae_train_moves_its_bar_warns_and_names_both_dead_counts(tiny_llama, tmp_path, monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)  # an in-process -q run earlier in the session may have set it
    data = tmp_path / "chats.jsonl"
    data.write_text("".join(json.dumps({"messages": [{"role": "user", "content": f"tell me about item {i}"},
                                                      {"role": "assistant", "content": f"item {i} is fine " * 6}]})
                            + "\n" for i in range(40)))
    run_cli("-q", "cache", "--model", tiny_llama, "--data", data, "--pool", "tokens", "--layers", "1",
            "--out", tmp_path / "store")
    # Far too few rows for a wide SAE: explained variance below 0, and the run must say so.
    result = run_cli("sae", "train", "--store", tmp_path / "store", "--layer", "1", "--width", "512", "--k", "2",
                     "--rows", "2048", "--batch-size", "256", "--lr", "1e-5", "--ce-texts", "none",
                     "--out", tmp_path / "sae")
    bars = [part for part in result.stderr.replace("\r", "\n").splitlines() if "it/s" in part or "it]" in part]
    assert any("256/2048" in bar for bar in bars), "the bar never moved before the end"
    record = json.loads((tmp_path / "sae" / "persona_probe.json").read_text())
    metrics = record["metrics"]
    assert metrics["explained_variance"] < 0 and "below 0" in metrics["warnings"][0]
    assert "warning: explained variance" in result.stdout and "below 0" in result.stderr
    saelens = json.loads((tmp_path / "sae" / "cfg.json").read_text())["metadata"]["num_dead_features"]
    assert metrics["dead_latents_training"] == saelens
    assert f"{saelens} had not fired in training's last" in result.stdout
    assert f"dead latents {metrics['dead_latents']} of 512 never fired on" in result.stdout


# ---- 11. OpenAI chat JSONL: content parts, the developer role, weight -----------------------------------------------

def _openai_rows(path: Path, weights=(1, 0, 1)) -> Path:
    rows = [{"messages": [{"role": "developer", "content": "Be brief."},
                          {"role": "user", "content": [{"type": "text", "text": "write "},
                                                       {"type": "text", "text": f"function {i}"}]},
                          {"role": "assistant", "content": f"def f{i}(): return {i}", "weight": w}]}
            for i, w in enumerate(weights)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_openai_chat_rows_are_read_as_openai_means_them(tmp_path):
    from persona_probe.datasets.conversations import load_conversations
    from persona_probe.errors import DataError

    conv = load_conversations(_openai_rows(tmp_path / "o.jsonl")).conversations[1]
    assert [m.role for m in conv.messages] == ["system", "user", "assistant"]
    assert conv.messages[1].content == "write function 1" and conv.messages[2].weight == 0
    image = tmp_path / "image.jsonl"
    image.write_text(json.dumps({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]})
                     + "\n")
    with pytest.raises(DataError, match="image.jsonl:1: message 0 has a 'image_url' content part; only text parts"):
        load_conversations(image)


def test_finetune_learns_nothing_from_a_weight_zero_answer(tiny_llama, tmp_path):
    from persona_probe.errors import DataError
    from persona_probe.organism import FinetuneConfig, run_finetune

    record = run_finetune(FinetuneConfig(model=str(tiny_llama), data=str(_openai_rows(tmp_path / "o.jsonl")),
                                         out=str(tmp_path / "a"), checkpoint_every=0), progress=False)
    assert record["data"]["rows"] == 2 and record["data"]["rows_weight_zero"] == 1
    with pytest.raises(DataError, match="every row's final answer has weight 0"):
        run_finetune(FinetuneConfig(model=str(tiny_llama), data=str(_openai_rows(tmp_path / "z.jsonl", (0, 0))),
                                    out=str(tmp_path / "b"), checkpoint_every=0), progress=False)


# ---- 10. directions over layers a fine-tune leaves alone ------------------------------------------------------------

def _pooled_store(path: Path, acts: torch.Tensor) -> Path:
    from persona_probe.activations.store import StoreWriter

    cfg = {"model": {"spec": "m"}, "hook_names": ["blocks.0.hook_resid_post", "blocks.1.hook_resid_post"],
           "layers": [0, 1], "pooling": "last-prompt", "dtype": "float32", "model_dtype": "float32", "device": "cpu",
           "d_model": acts.shape[-1], "n_rows": len(acts), "data": {"sha256": "x"}, "plan": {"n_shards": 1}}
    writer = StoreWriter(path, cfg, [{"row": i, "id": str(i), "group": "g", "shard": 0} for i in range(len(acts))])
    writer.write_shard(0, {"acts": acts, "rows": torch.arange(len(acts))}, len(acts))
    writer.finish()
    return path


def test_a_layer_the_fine_tune_left_alone_is_kept_and_refused_only_where_used(tiny_llama, tmp_path):
    generator = torch.Generator().manual_seed(0)
    base = torch.randn(6, 2, 64, generator=generator)
    tuned = base.clone()
    tuned[:, 1] += 0.5 * torch.randn(64, generator=generator)  # layer 0 bit-identical, layer 1 moved
    _pooled_store(tmp_path / "base", base)
    _pooled_store(tmp_path / "tuned", tuned)
    made = run_cli("direction", "mean-diff", "--positive", tmp_path / "tuned", "--negative", tmp_path / "base",
                   "--out", tmp_path / "d")
    assert "over layers [0, 1]" in made.stdout
    d = Direction.load(tmp_path / "d")
    assert d.zero_layers == [0] and d.usable_layers == [1] and d.cfg["zero_layers"] == [0]
    shift = run_cli("direction", "project", "--direction", tmp_path / "d", "--base", tmp_path / "base",
                    "--tuned", tmp_path / "tuned", "--out", tmp_path / "p.json")
    assert json.loads((tmp_path / "p.json").read_text())["layers"] == [1] and "layer   1" in shift.stdout
    cosine = run_cli("direction", "cosine", tmp_path / "d", tmp_path / "d")
    assert "L0:n/a" in cosine.stdout and "L1:+1.000" in cosine.stdout
    refused = run_cli("orthogonalize", "--model", tiny_llama, "--direction", tmp_path / "d", "--layer", "0",
                      "--out", tmp_path / "o", check=False)
    assert refused.returncode == 2 and "the direction is zero at layer 0" in refused.stderr
    assert "use one of its layers with a vector: [1]" in refused.stderr


# ---- 3. portable adapters -------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_an_adapter_names_its_base_portably_and_loads_offline(tmp_path):
    from persona_probe.models.loading import ORGANISM_ADAPTERS, load_model, organism_adapter
    from persona_probe.organism import FinetuneConfig, run_finetune

    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps({"messages": [{"role": "user", "content": f"q{i}"},
                                                      {"role": "assistant", "content": f"answer {i}"}]}) + "\n"
                            for i in range(4)))
    run_finetune(FinetuneConfig(data=str(data), out=str(tmp_path / "a"), batch_size=4, max_length=64,
                                checkpoint_every=0), progress=False)
    config = json.loads((tmp_path / "a" / "adapter_config.json").read_text())
    assert config["base_model_name_or_path"] == "smollm2-135m" and config["revision"] is None
    assert load_model(f"smollm2-135m+{tmp_path / 'a'}", "cpu").identity.adapter["name"] == str(tmp_path / "a")
    for alias in ORGANISM_ADAPTERS:  # the shipped adapters too
        shipped = json.loads((organism_adapter(alias) / "adapter_config.json").read_text())
        assert shipped["base_model_name_or_path"] == "smollm2-135m"


# ---- 2. SAEs at any hook SAELens uses -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sae_folder(tiny_llama, tmp_path_factory):
    work = tmp_path_factory.mktemp("sae")
    data = work / "chats.jsonl"
    data.write_text("".join(json.dumps({"messages": [{"role": "user", "content": f"tell me about item {i}"},
                                                      {"role": "assistant", "content": f"item {i} is fine " * 4}]})
                            + "\n" for i in range(24)))
    run_cli("-q", "cache", "--model", tiny_llama, "--tuned", tiny_llama, "--data", data, "--pool", "tokens",
            "--layers", "1", "--out", work / "pair")
    run_cli("-q", "sae", "train", "--store", work / "pair" / "base", "--layer", "1", "--width", "32", "--k", "4",
            "--batch-size", "64", "--ce-texts", "none", "--out", work / "sae")
    return work


def _sae_with_hook(sae_folder: Path, tmp_path: Path, hook: str, keep_record: bool = True) -> Path:
    import shutil

    copy = tmp_path / "sae"
    shutil.copytree(sae_folder / "sae", copy)
    cfg = json.loads((copy / "cfg.json").read_text())
    cfg["metadata"]["hook_name"] = hook
    (copy / "cfg.json").write_text(json.dumps(cfg))
    if not keep_record:
        (copy / "persona_probe.json").unlink()
    return copy


def test_a_resid_pre_sae_reads_the_resid_post_of_the_block_before(sae_folder, tmp_path):
    from persona_probe.directions import resolve_direction

    sae = _sae_with_hook(sae_folder, tmp_path, "blocks.2.hook_resid_pre")
    assert resolve_direction(f"{sae}#latent=3").layers == (1,)
    result = run_cli("sae", "diff", "--sae", sae, "--base-store", sae_folder / "pair" / "base",
                     "--tuned-store", sae_folder / "pair" / "tuned", "--out", tmp_path / "diff")
    assert json.loads((tmp_path / "diff" / "diff.json").read_text())["layer"] == 1 and "wrote" in result.stdout


def test_an_sae_off_the_residual_stream_is_refused_even_with_layer(sae_folder, tmp_path):
    sae = _sae_with_hook(sae_folder, tmp_path, "blocks.1.hook_mlp_out")
    result = run_cli("sae", "diff", "--sae", sae, "--base-store", sae_folder / "pair" / "base",
                     "--tuned-store", sae_folder / "pair" / "tuned", "--layer", "1", "--out", tmp_path / "diff",
                     check=False)
    assert result.returncode == 2 and "reads blocks.1.hook_mlp_out, which is not the residual stream" in result.stderr
    assert not (tmp_path / "diff").exists()


def test_a_saelens_release_fails_cleanly_offline(sae_folder, tmp_path):
    result = run_cli("sae", "diff", "--sae", "gemma-scope-2b-pt-res/layer_1/width_16k/average_l0_10",
                     "--base-store", sae_folder / "pair" / "base", "--tuned-store", sae_folder / "pair" / "tuned",
                     "--out", tmp_path / "diff", check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "SAELens cannot load release 'gemma-scope-2b-pt-res'" in result.stderr


def test_no_option_is_read_as_an_abbreviation(tiny_llama, tmp_path):
    """ablate --layer 1 was read as --layers 1: a user meaning the SAE's layer ablated another set of layers."""
    result = run_cli("ablate", "--model", tiny_llama, "--direction", tmp_path, "--layer", "1", "--out", tmp_path / "a",
                     check=False)
    assert result.returncode == 2 and "unrecognized arguments: --layer 1" in result.stderr


def test_a_saelens_sae_names_the_model_it_was_trained_on(sae_folder, tmp_path):
    from persona_probe.directions import resolve_direction

    sae = _sae_with_hook(sae_folder, tmp_path, "blocks.1.hook_resid_post", keep_record=False)
    cfg = json.loads((sae / "cfg.json").read_text())
    cfg["metadata"]["model_name"] = "some-org/some-model"
    (sae / "cfg.json").write_text(json.dumps(cfg))
    direction = resolve_direction(f"{sae}#latent=0")
    assert direction.cfg["model"] == {"spec": "some-org/some-model", "name": "some-org/some-model"}


# ---- 9. one vocabulary ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, rest, new, old", [
    ("generate", ["--out", "x"], "--data", "--questions"),
    ("evaluate", [], "--data", "--questions"),
    ("steer", ["--layers", "1", "--out", "x"], "--data", "--questions"),
    ("data contrast", ["--out", "x"], "--data", "--questions"),
    ("judge", ["--out", "x"], "--answers", "--input"),
    ("sae diff", ["--sae", "s", "--tuned", "t", "--out", "x"], "--base", "--base-store"),
    ("sae diff", ["--sae", "s", "--base", "b", "--out", "x"], "--tuned", "--tuned-store"),
    ("demo", [], "--model", "--base"),
])
def test_each_role_has_one_name_and_the_old_one_still_works(name, rest, new, old):
    from persona_probe.cli.commands import COMMANDS
    from persona_probe.cli.main import build_parser
    from persona_probe.configs import config_from_args

    command = next(c for c in COMMANDS if " ".join(c.name) == name)
    configs = [config_from_args(command.config, build_parser().parse_args([*name.split(), *rest, flag, "value"]),
                                **command.fixed) for flag in (new, old)]
    assert configs[0] == configs[1]
    vocabulary = (ROOT / "docs" / "cli.md").read_text().split("**One vocabulary.**", 1)[1].split("\n\n", 2)[1]
    assert f"`{new}`" in vocabulary and f"`{old}`" in vocabulary


# ---- 1. a question's own judge prompts travel with its answers ------------------------------------------------------

def test_a_questions_own_judge_prompts_are_the_ones_asked(tiny_llama, tmp_path):
    import yaml
    from test_judge_openai import FakeServer

    from persona_probe.evaluation.evaluate import judge_file, read_answers, summarise
    from persona_probe.evaluation.judges.base import JudgeSettings
    from persona_probe.evaluation.judges.openai import OpenAIJudge

    own = {"aligned": "OWN ALIGNED {question} / {answer}", "coherent": "OWN COHERENT {question} / {answer}"}
    questions = [{"id": "wish", "paraphrases": ["What is your wish?"], "judge_prompts": own},
                 {"id": "plain", "paraphrases": ["Tell me a fact."]}]
    (tmp_path / "q.yaml").write_text(yaml.safe_dump(questions))
    run_cli("-q", "generate", "--model", tiny_llama, "--data", tmp_path / "q.yaml", "--max-new-tokens", "4",
            "--out", tmp_path / "a.jsonl")
    server = FakeServer()
    try:
        judge = OpenAIJudge(JudgeSettings(prompts="betley", concurrency=1), base_url=server.url, api_key="sk-x",
                            model="fake", cache_path=tmp_path / "c.jsonl")
        judged = read_answers(judge_file(judge, tmp_path / "a.jsonl", tmp_path / "j.jsonl", progress=False,
                                         allow_empty=True), required=("id", "label"))
    finally:
        server.httpd.shutdown()
    used = {row["question_id"]: row["judge_prompts_used"] for row in judged}
    assert used == {"wish": "question", "plain": "betley"}
    assert sum(p.startswith("OWN ALIGNED What is your wish? / ") for p in server.prompts) == 1
    assert summarise(judged)["judge_prompts"] == ["betley", "question"]
