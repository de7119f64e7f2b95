"""finetune's watch-and-prevent options: --monitor rows per checkpoint (resumable), the CAFT ablation
holding the direction at zero while training, KL to the base, mixing, steering and rank-1 adapters."""

import json

import pytest
import torch
from safetensors.torch import load_file
from tiny_models import write_chats

from persona_probe.directions.direction import Direction
from persona_probe.organism import defences
from persona_probe.organism.finetune import ADAPTER_WEIGHTS, FinetuneConfig, run_finetune
from persona_probe.organism.monitor import MONITOR_FILE


def _direction(folder, d_model=64, layers=(0, 1), seed=0):
    generator = torch.Generator().manual_seed(seed)
    vectors = torch.randn(len(layers), d_model, generator=generator)
    Direction(vectors / vectors.norm(dim=-1, keepdim=True), tuple(layers), torch.ones(len(layers)),
              {"method": "random-test"}).save(folder)
    return folder


def _config(tiny_llama, tmp_path, name="adapter", **overrides):
    settings = dict(model=str(tiny_llama), data=str(write_chats(tmp_path / "chats.jsonl")), out=str(tmp_path / name),
                    lr=5e-3, epochs=1, batch_size=4, checkpoint_every=2, warmup_steps=2)
    return FinetuneConfig(**{**settings, **overrides})


def _rows(folder):
    return [json.loads(line) for line in (folder / MONITOR_FILE).read_text().splitlines()]


def test_the_monitor_writes_a_row_per_checkpoint_and_resumes_with_the_run(tiny_llama, tmp_path, monkeypatch):
    direction = _direction(tmp_path / "dir")
    options = dict(monitor=str(direction), monitor_layer=1, monitor_mc_items=12, lr=2e-2)
    straight = run_finetune(_config(tiny_llama, tmp_path, "straight", **options), progress=False)
    rows = _rows(tmp_path / "straight")
    assert [r["step"] for r in rows] == [0, 2, 4, 6] and straight["steps"] == 6
    assert rows[0]["projection"]["shift"] == 0 and rows[0]["mc"]["shift"] == 0 and rows[0]["loss"] is None
    assert rows[0]["adapter_update_norm"] == 0  # LoRA's B starts at zero: step 0 is the base
    assert rows[-1]["adapter_update_norm"] > 0 and rows[-1]["projection"]["shift"] != 0
    assert len(rows[0]["baseline"]["projections"]) == 32 and len(rows[0]["baseline"]["mc_per_item"]) == 12
    assert straight["monitor"]["final"]["step"] == 6 and straight["monitor"]["layer"] == 1

    def interrupt(step):
        if step == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_finetune(_config(tiny_llama, tmp_path, "resumed", **options), progress=False, on_step=interrupt)
    assert [r["step"] for r in _rows(tmp_path / "resumed")] == [0, 2]
    run_finetune(_config(tiny_llama, tmp_path, "resumed", **options), progress=False)
    resumed = _rows(tmp_path / "resumed")
    assert [r["step"] for r in resumed] == [0, 2, 4, 6]
    for a, b in zip(rows, resumed):
        assert a["projection"]["shift"] == pytest.approx(b["projection"]["shift"], abs=1e-5)
        assert a["mc"]["shift"] == pytest.approx(b["mc"]["shift"], abs=1e-5)
    # measuring never touches the weights: the same run with the measurements skipped ends bit-equal
    # (against a run without --monitor it differs by float rounding: the bridge's forward is the model's own
    # to about 2e-7 in the logits, and Adam's first steps magnify such differences)
    from persona_probe.organism import monitor
    monkeypatch.setattr(monitor.TrainingMonitor, "measure", lambda self, step, model, losses: {"projection": {"shift": 0}})
    monkeypatch.setattr(monitor.TrainingMonitor, "resume", lambda self, step, model: None)
    run_finetune(_config(tiny_llama, tmp_path, "unmeasured", **options), progress=False)
    a, b = (load_file(str(tmp_path / n / ADAPTER_WEIGHTS)) for n in ("unmeasured", "straight"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_the_alert_fires_when_the_projection_moves(tiny_llama, tmp_path, caplog):
    direction = _direction(tmp_path / "dir")
    with caplog.at_level("WARNING"):
        run_finetune(_config(tiny_llama, tmp_path, monitor=str(direction), monitor_layer=1, monitor_mc_items=4,
                             alert=1e-6, lr=2e-2), progress=False)
    assert any(r["alert"] for r in _rows(tmp_path / "adapter")[1:])
    assert "ALERT step" in caplog.text


@pytest.mark.parametrize("mode", ["resid_post", "writers"])
def test_caft_keeps_the_direction_out_of_the_residual_during_training(tiny_llama, tmp_path, monkeypatch, mode):
    direction_folder = _direction(tmp_path / "dir")
    unit = Direction.load(direction_folder).at(1)
    seen = []
    original = defences.TrainingHooks.__call__

    def recording(self):
        context = original(self)

        class Both:
            def __enter__(inner):
                context.__enter__()
                # added after the ablation's hook, so it sees the stream as training does
                self.bridge.blocks[1].hook_out.add_hook(lambda resid, hook: seen.append(resid.detach() @ unit))

            def __exit__(inner, *exc):
                self.bridge.reset_hooks()
                return context.__exit__(*exc)
        return Both()

    monkeypatch.setattr(defences.TrainingHooks, "__call__", recording)
    record = run_finetune(_config(tiny_llama, tmp_path, ablate=str(direction_folder), defence_layers="1",
                                  ablate_mode=mode, lr=2e-2), progress=False)
    assert len(seen) == record["steps"] == 6
    # every position but the massive ones (the sink, by the toolkit's rule) holds none of the direction
    assert all((components.abs() < 1e-4).float().mean() > 0.9 for components in seen)
    assert record["defences"]["ablate"] == {"direction": str(direction_folder), "layers": [1], "mode": mode}


def test_caft_changes_the_adapter_and_the_saved_adapter_runs_without_the_hook(tiny_llama, tmp_path):
    from persona_probe.models.loading import load_model

    direction_folder = _direction(tmp_path / "dir")
    run_finetune(_config(tiny_llama, tmp_path, "plain", lr=2e-2), progress=False)
    run_finetune(_config(tiny_llama, tmp_path, "caft", ablate=str(direction_folder), defence_layers="0,1", lr=2e-2),
                 progress=False)
    plain, caft = (load_file(str(tmp_path / n / ADAPTER_WEIGHTS)) for n in ("plain", "caft"))
    assert plain.keys() == caft.keys()  # the bridge's wrapper names never reach the saved file
    assert not all(torch.equal(plain[k], caft[k]) for k in plain)
    tuned = load_model(f"{tiny_llama}+{tmp_path / 'caft'}", device="cpu")
    assert tuned.identity.adapter["sha256"]


def test_kl_to_the_base_is_zero_at_step_zero(tiny_llama):
    from peft import LoraConfig, get_peft_model

    from persona_probe.datasets.conversations import Conversation, Message
    from persona_probe.models.loading import load_hf_model, load_tokenizer
    from persona_probe.organism.finetune import collate, training_rows

    hf_model, tokenizer, _ = load_hf_model(str(tiny_llama))
    model = get_peft_model(hf_model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "down_proj"],
                                                task_type="CAUSAL_LM"))
    conv = Conversation((Message("user", "say hi"), Message("assistant", "hi there friend")), "0", "0")
    rows, _ = training_rows([conv], load_tokenizer(str(tiny_llama)), 512)
    batch = collate(rows, tokenizer.pad_token_id or 0)
    assert float(defences.kl_to_base(model, batch)) == pytest.approx(0.0, abs=1e-7)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.5)
    assert float(defences.kl_to_base(model, batch)) > 1e-4


def test_kl_penalty_and_mixing_are_recorded_and_change_training(tiny_llama, tmp_path):
    other = write_chats(tmp_path / "other.jsonl", n=10, reply="a different answer about the weather")
    plain = run_finetune(_config(tiny_llama, tmp_path, "plain"), progress=False)
    kl = run_finetune(_config(tiny_llama, tmp_path, "kl", kl_data=str(other), kl_weight=1.0), progress=False)
    mixed = run_finetune(_config(tiny_llama, tmp_path, "mix", mix=str(other), mix_share=0.25), progress=False)
    assert kl["defences"]["kl"] == {"data": str(other), "weight": 1.0, "rows": 10}
    assert kl["loss"]["curve"][0] == pytest.approx(plain["loss"]["curve"][0])  # KL is 0 before any update
    assert kl["loss"]["curve"] != plain["loss"]["curve"]
    assert mixed["defences"]["mix"]["rows"] == 8 and mixed["data"]["rows"] == 24  # 8 of 32 = 0.25
    assert mixed["steps"] == 8


def test_steering_during_training_uses_the_base_norm_and_rank_1_adapters_report_b_rotation(tiny_llama, tmp_path):
    direction = _direction(tmp_path / "dir")
    record = run_finetune(_config(tiny_llama, tmp_path, steer=str(direction), steer_alpha=0.5, defence_layers="1",
                                  rank=1, target_modules="down_proj", layers="1", monitor=str(direction),
                                  monitor_layer=1, monitor_mc_items=4, lr=2e-2), progress=False)
    assert record["defences"]["steer"]["alpha"] == 0.5 and record["defences"]["steer"]["base_residual_norm"]["1"] > 0
    assert record["lora"]["layers"] == [1]
    weights = load_file(str(tmp_path / "adapter" / ADAPTER_WEIGHTS))
    assert sorted(weights) == ["base_model.model.model.layers.1.mlp.down_proj.lora_A.weight",
                               "base_model.model.model.layers.1.mlp.down_proj.lora_B.weight"]
    rows = _rows(tmp_path / "adapter")
    assert "b_cosine_to_previous" not in rows[1]  # B was zero at step 0: no angle yet
    assert -1 <= rows[-1]["b_cosine_to_previous"]["min"] <= 1


@pytest.mark.parametrize("options,message", [
    (dict(kl_data="x.jsonl"), "--kl-weight"),
    (dict(steer="somewhere"), "--steer-alpha"),
    (dict(monitor="nowhere"), "not a direction folder"),
    (dict(ablate_mode="sideways"), "--ablate-mode"),
])
def test_bad_defence_options_are_named(tiny_llama, tmp_path, options, message):
    from persona_probe.errors import PersonaProbeError

    with pytest.raises(PersonaProbeError, match=message):
        run_finetune(_config(tiny_llama, tmp_path, **options), progress=False)
    assert not (tmp_path / "adapter").exists()


def test_a_direction_over_many_layers_needs_its_layer_named(tiny_llama, tmp_path):
    from persona_probe.cli.main import main

    direction = _direction(tmp_path / "dir")
    code = main(["-q", "finetune", "--model", str(tiny_llama), "--data", str(write_chats(tmp_path / "c.jsonl")),
                 "--out", str(tmp_path / "out"), "--monitor", str(direction)])
    assert code != 0


def test_the_shipped_records_keep_their_run_key():
    """Options added later are left out of the key at their defaults, so shipped adapters still resume and match."""
    from dataclasses import fields

    from persona_probe.models.loading import organism_adapter
    from persona_probe.organism.finetune import run_key

    record = json.loads((organism_adapter("smollm2-135m-risky-advice") / "finetune.json").read_text())
    known = {f.name for f in fields(FinetuneConfig)}
    cfg = FinetuneConfig(data="d.jsonl", out="o", **{k: v for k, v in record["run"]["settings"].items() if k in known})
    assert run_key(cfg, record["run"]["data_sha256"], record["run"]["model"]) == record["run"]


def test_the_report_draws_the_monitor_curves(tiny_llama, tmp_path):
    from persona_probe.report import ReportConfig, run_report

    direction = _direction(tmp_path / "dir")
    run_finetune(_config(tiny_llama, tmp_path, "watched<run>", monitor=str(direction), monitor_layer=1,
                         monitor_mc_items=4, mix=str(write_chats(tmp_path / "other.jsonl", n=4)), mix_share=0.2),
                 progress=False)
    out = tmp_path / "report.html"
    run_report(ReportConfig(run_dirs=(str(tmp_path / "watched<run>"),), out=str(out)))
    page = out.read_text()
    assert 'id="training"' in page and "Fine-tuning" in page
    assert "Projection shift on the direction" in page and "mix" in page
    assert "watched<run>" not in page and "watched&lt;run&gt;" in page  # folder names are escaped
