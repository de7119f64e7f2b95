"""generate --engine vllm and bake-steering through the CLI.

vLLM is not installed here: the stand-in module of test_vllm_engine checks that the vLLM
path writes the HF path's rows (same ids, order and fields), not vLLM's sampling.
"""

import json
import sys
import types

import pytest
import torch
from test_vllm_engine import FakeLLM, FakeParams

from persona_probe.cli.main import main
from persona_probe.directions.direction import Direction
from persona_probe.interventions.steering import Steering
from persona_probe.models.loading import load_model

ARGS = ["--questions", "builtin:core", "--samples", "2", "--max-new-tokens", "5", "--batch-size", "8"]


def test_vllm_engine_without_vllm_says_how_to_install(tiny_llama, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "vllm", None)
    out = tmp_path / "a.jsonl"
    assert main(["-q", "generate", "--model", str(tiny_llama), "--engine", "vllm", "--out", str(out), *ARGS]) == 2
    assert "pip install 'persona-probe[vllm]'" in capsys.readouterr().err
    assert not out.exists()


def test_vllm_engine_writes_the_rows_of_the_hf_engine(tiny_llama, tmp_path, monkeypatch):
    module = types.ModuleType("vllm")
    module.LLM, module.SamplingParams = FakeLLM, FakeParams
    monkeypatch.setitem(sys.modules, "vllm", module)
    monkeypatch.setattr(FakeLLM, "instances", [])
    hf, vllm = tmp_path / "hf.jsonl", tmp_path / "vllm.jsonl"
    assert main(["-q", "generate", "--model", str(tiny_llama), "--out", str(hf), *ARGS]) == 0
    assert main(["-q", "generate", "--model", str(tiny_llama), "--engine", "vllm", "--out", str(vllm), *ARGS]) == 0
    rows_hf = [json.loads(line) for line in hf.read_text().splitlines()]
    rows_vllm = [json.loads(line) for line in vllm.read_text().splitlines()]
    assert [r["id"] for r in rows_hf] == [r["id"] for r in rows_vllm] and len(rows_hf) == 32
    for a, b in zip(rows_hf, rows_vllm):
        assert a.keys() == b.keys()
        assert {k: a[k] for k in ("question_id", "prompt", "system", "question")} == \
            {k: b[k] for k in ("question_id", "prompt", "system", "question")}
        assert b["run"] == {**a["run"], "engine": "vllm"}
    # the prompts vLLM got are the HF path's tokens
    tok = load_model(str(tiny_llama)).tokenizer
    sent = [p["prompt_token_ids"] for llm in FakeLLM.instances for p, _ in llm.requests]
    assert sorted(sent) == sorted(tok(r["prompt"], add_special_tokens=False)["input_ids"] for r in rows_hf)


@pytest.mark.parametrize("scale", ["3.0", "auto"])
def test_bake_steering_equals_hook_steering(tiny_llama, tmp_path, scale):
    model = load_model(str(tiny_llama))
    g = torch.Generator().manual_seed(1)
    v = torch.nn.functional.normalize(torch.randn(model.n_layers, model.d_model, generator=g), dim=1)
    layers = tuple(range(model.n_layers))
    Direction(v, layers, torch.ones(len(layers))).save(tmp_path / "dir")
    direction = Direction.load(tmp_path / "dir")
    out = tmp_path / "steered"
    assert main(["-q", "bake-steering", "--model", str(tiny_llama), "--direction", str(tmp_path / "dir"),
                 "--layer", "1", "--alpha", "2.5", "--scale", scale, "--out", str(out)]) == 0
    record = json.loads((out / "persona_probe.json").read_text())
    ids = torch.tensor([[1, 5, 9, 12, 30, 44]])
    with torch.no_grad(), Steering(model.bridge, direction, 2.5, layers=[1], norm_scale={1: record["scale"]}):
        hooked = model.bridge(ids)
    with torch.no_grad():
        baked = load_model(str(out)).bridge(ids)
        plain = model.bridge(ids)
    assert (baked - hooked).abs().max() < 1e-4
    assert (hooked - plain).abs().max() > 1e-3
    if scale == "3.0":
        assert record["scale"] == 3.0
