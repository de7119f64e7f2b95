"""--device-map / --max-memory: accelerate's planner splits the layers by the budget, and a
placed model gives the single-device results.

A CPU has one device, so here the plan's GPUs are mapped back onto it: this checks the
plan and the whole placed-model path (loading through transformers' device_map, the
bridge, capture, hooks), not transfers between devices. The ``gpu`` tests do those,
where two GPUs are present.
"""

import json
import logging

import pytest
import torch
from tiny_models import build_model

from persona_probe.activations.store import ActivationStore
from persona_probe.cli.main import main
from persona_probe.errors import ModelSpecError
from persona_probe.models.loading import load_model
from persona_probe.models.placement import parse_max_memory, plan_device_map


@pytest.fixture(scope="module")
def four_layers(tmp_path_factory):
    return build_model(tmp_path_factory.mktemp("placement") / "tiny4", "llama", layers=4)


def test_parse_max_memory():
    assert parse_max_memory("0=70GiB, cuda:1=60GiB,cpu=200GiB") == {0: "70GiB", 1: "60GiB", "cpu": "200GiB"}
    assert parse_max_memory(None) is None
    for bad in ("70GiB", "0=lots", "tpu=3GiB"):
        with pytest.raises(ModelSpecError, match="--max-memory"):
            parse_max_memory(bad)


def test_max_memory_forces_a_split_over_two_gpus(four_layers, caplog):
    caplog.set_level(logging.ERROR, logger="accelerate")  # "device 0 is not available": planning only
    small = plan_device_map(four_layers, torch.float32, "sequential", {0: "700KB", 1: "700KB"})
    assert small["model.embed_tokens"] == 0 and small["lm_head"] == 1
    layers = [small[f"model.layers.{i}"] for i in range(4)]
    assert layers == sorted(layers) and set(layers) == {0, 1}  # in order, over both
    roomy = plan_device_map(four_layers, torch.float32, "sequential", {0: "10MB", 1: "10MB"})
    assert set(roomy.values()) == {0}  # the budget, not the mode, forced the split
    with pytest.raises(ModelSpecError, match="does not fit"):
        plan_device_map(four_layers, torch.float32, "sequential", {0: "100KB", 1: "100KB"})


def test_a_plan_naming_absent_gpus_is_refused(four_layers):
    if torch.cuda.device_count() >= 2:
        pytest.skip("two GPUs are present")
    with pytest.raises(ModelSpecError, match="visible GPUs"):
        load_model(str(four_layers), device_map="auto", max_memory="0=700KB,1=700KB")


def test_cache_over_a_placed_model_equals_the_single_device_cache(four_layers, chat_file, tmp_path, caplog):
    caplog.set_level(logging.ERROR, logger="accelerate")
    plan = plan_device_map(four_layers, torch.float32, "sequential", {0: "700KB", 1: "700KB"})
    on_cpu = tmp_path / "map.json"
    on_cpu.write_text(json.dumps({module: "cpu" for module in plan}))
    common = ["cache", "--model", str(four_layers), "--data", str(chat_file), "--pool", "tokens", "--device", "cpu"]
    assert main(["-q", *common, "--out", str(tmp_path / "single")]) == 0
    placed = [c for c in common if c not in ("--device", "cpu")]
    assert main(["-q", *placed, "--out", str(tmp_path / "placed"), "--device-map", str(on_cpu)]) == 0
    assert main(["-q", *placed, "--out", str(tmp_path / "auto"), "--device-map", "auto"]) == 0
    single = ActivationStore(tmp_path / "single")
    for name in ("placed", "auto"):
        store = ActivationStore(tmp_path / name)
        assert store.cfg["device_map"]
        for (row_a, a), (row_b, b) in zip(single.iter_rows(), store.iter_rows()):
            assert row_a == row_b and torch.equal(a.acts, b.acts)


def test_device_map_and_device_are_exclusive(four_layers, chat_file, tmp_path, capsys):
    code = main(["-q", "cache", "--model", str(four_layers), "--data", str(chat_file), "--out", str(tmp_path / "x"),
                 "--device", "cpu", "--device-map", "auto"])
    assert code == 2 and "give only one" in capsys.readouterr().err
    code = main(["-q", "cache", "--model", str(four_layers), "--data", str(chat_file), "--out", str(tmp_path / "y"),
                 "--max-memory", "cpu=1GiB"])
    assert code == 2 and "--max-memory needs --device-map" in capsys.readouterr().err


@pytest.mark.gpu
def test_split_over_two_gpus_equals_one_gpu(four_layers, tmp_path):
    """Real cross-device transfers: capture and steering on a model whose layers sit on two GPUs."""
    if torch.cuda.device_count() < 2:
        pytest.skip("needs two GPUs")
    from persona_probe.activations.capture import ActivationCapture
    from persona_probe.datasets.conversations import Conversation, Message
    from persona_probe.datasets.rendering import render_conversation
    from persona_probe.directions.direction import Direction
    from persona_probe.interventions.steering import Steering

    one = load_model(str(four_layers), "cuda:0", "float32")
    two = load_model(str(four_layers), dtype="float32", device_map="sequential", max_memory="0=700KB,1=10MB")
    assert two.extra["devices"] == ["cuda:0", "cuda:1"]
    conv = Conversation((Message("user", "what should I do"), Message("assistant", "you are kind")), "0", "0")
    rendered = [render_conversation(conv, one.tokenizer)]
    layers = list(range(4))
    a = ActivationCapture(one.bridge, layers, "tokens", one.tokenizer.pad_token_id, torch.float32).run(rendered)
    b = ActivationCapture(two.bridge, layers, "tokens", two.tokenizer.pad_token_id, torch.float32).run(rendered)
    assert torch.allclose(a.acts, b.acts, atol=1e-5)
    v = torch.nn.functional.normalize(torch.randn(one.d_model), dim=0)
    direction = Direction(v.expand(4, -1).clone(), tuple(layers), torch.ones(4))
    ids = torch.tensor([[1, 5, 9, 12, 30]])
    with torch.no_grad(), Steering(one.bridge, direction, 4.0, layers=[3]):
        x = one.bridge(ids.to(one.device)).cpu()
    with torch.no_grad(), Steering(two.bridge, direction, 4.0, layers=[3]):
        y = two.bridge(ids.to(two.device)).cpu()
    assert torch.allclose(x, y, atol=1e-4)
