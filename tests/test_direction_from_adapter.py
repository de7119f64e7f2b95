"""direction from-adapter: a LoRA's B vectors on down_proj become a direction in the residual stream.

The adapters are real PEFT adapters on the tiny random Llama (2 layers, d_model 64), with a LoRA on
layer 1 only and B set by hand, so the expected vectors are known.
"""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from test_reliability import cli

from persona_probe.directions import Direction
from persona_probe.directions.adapter_view import read_lora_adapter
from persona_probe.directions.commands import FromAdapterConfig, run_from_adapter

D_MODEL, LAYERS = 64, 2


def write_adapter(base: Path, folder: Path, rank: int = 1, module: str = "down_proj", seed: int = 0) -> dict:
    """A PEFT LoRA on layer 1's ``module`` with random A and B (B set by hand); returns them as numpy."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(base),
                           LoraConfig(r=rank, lora_alpha=2 * rank, target_modules=[module], layers_to_transform=[1],
                                      init_lora_weights=False))
    layer = model.base_model.model.model.layers[1]
    lora = getattr(layer.mlp if module.endswith(("down_proj", "up_proj", "gate_proj")) else layer.self_attn, module)
    B = torch.randn(lora.lora_B["default"].weight.shape, generator=torch.Generator().manual_seed(seed + 1))
    with torch.no_grad():
        lora.lora_B["default"].weight.copy_(B)
    model.save_pretrained(folder)
    return {"A": lora.lora_A["default"].weight.detach().double().numpy(), "B": B.double().numpy(),
            "scaling": lora.scaling["default"]}


def cosine(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


@pytest.fixture(scope="module")
def rank1(tiny_llama, tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("adapters") / "rank1"
    return folder, write_adapter(tiny_llama, folder)


def test_the_command_writes_b_as_the_layer_1_vector(rank1, tiny_llama, tmp_path):
    adapter, weights = rank1
    out = tmp_path / "v"
    ran = cli("direction", "from-adapter", "--adapter", f"{tiny_llama}+{adapter}", "--out", out, check=False)
    assert ran.returncode == 0, ran.stderr
    assert f"wrote {out}" in ran.stdout and "down_proj" in ran.stdout
    direction = Direction.load(out)
    b = weights["B"][:, 0]
    assert direction.layers == (0, 1) and direction.d_model == D_MODEL
    assert direction.zero_layers == [0] and not direction.vectors[0].any()
    assert cosine(direction.vectors[1], b) == pytest.approx(1, abs=1e-6) or \
        cosine(direction.vectors[1], b) == pytest.approx(-1, abs=1e-6)
    # Rank 1: the norm is the whole update's, scaling * |B| * |A|.
    expected = weights["scaling"] * np.linalg.norm(b) * np.linalg.norm(weights["A"])
    assert float(direction.norms[1]) == pytest.approx(expected, rel=1e-5)
    # Without --align, the largest entry is made positive.
    v = direction.vectors[1]
    assert v[v.abs().argmax()] > 0
    cfg = json.loads((out / "cfg.json").read_text())
    assert cfg["method"] == "adapter-b-vector" and cfg["module"] == "down_proj" and cfg["rank"] == 1
    assert cfg["adapter"]["path"] == str(adapter.resolve()) and len(cfg["adapter"]["sha256"]) == 64
    assert len(cfg["adapter"]["folder_sha256"]) == 64 and cfg["provenance"]["toolkit_version"]
    assert cfg["adapter_layers"] == [{"layer": 1, "rank": 1, "norm": pytest.approx(expected, rel=1e-5),
                                      "update_norm": pytest.approx(expected, rel=1e-5), "energy_share": 1.0,
                                      "sign": "largest", "align_cosine": None}]
    assert "base model" in cfg["n_layers_from"]
    again = cli("direction", "from-adapter", "--adapter", adapter, "--out", out, check=False)
    assert again.returncode != 0 and "--overwrite" in again.stderr
    assert cli("direction", "from-adapter", "--adapter", adapter, "--out", out, "--overwrite").returncode == 0


def test_align_flips_each_layer_to_agree(rank1, tmp_path):
    adapter, weights = rank1
    b = weights["B"][:, 0] / np.linalg.norm(weights["B"][:, 0])
    unflipped = run_from_adapter(FromAdapterConfig(adapter=str(adapter), out=str(tmp_path / "plain")), progress=False)
    for sign in (1, -1):
        target = np.stack([np.eye(D_MODEL)[0], sign * b + 0.1 * np.eye(D_MODEL)[1]])
        guide = Direction(torch.tensor(target / np.linalg.norm(target, axis=1, keepdims=True), dtype=torch.float32),
                          (0, 1), torch.ones(2), {"method": "test"}).save(tmp_path / f"guide{sign}")
        aligned = run_from_adapter(FromAdapterConfig(adapter=str(adapter), align=str(guide),
                                                     out=str(tmp_path / f"aligned{sign}")), progress=False)
        assert cosine(aligned.vectors[1], b) == pytest.approx(sign, abs=1e-6)
        assert aligned.cosine(Direction.load(guide))[1, 1] > 0.9
        row = aligned.cfg["adapter_layers"][0]
        assert row["sign"] == "align" and row["align_cosine"] > 0.9
        assert aligned.zero_layers == [0] and torch.equal(aligned.norms, unflipped.norms)


def test_a_rank_2_update_gives_its_top_singular_vector(tiny_llama, tmp_path):
    weights = write_adapter(tiny_llama, tmp_path / "rank2", rank=2, seed=3)
    direction = run_from_adapter(FromAdapterConfig(adapter=str(tmp_path / "rank2"), out=str(tmp_path / "v")),
                                 progress=False)
    update = weights["scaling"] * weights["B"] @ weights["A"]
    u, sigma, _ = np.linalg.svd(update)
    assert abs(cosine(direction.vectors[1], u[:, 0])) == pytest.approx(1, abs=1e-5)
    assert float(direction.norms[1]) == pytest.approx(sigma[0], rel=1e-5)
    row = direction.cfg["adapter_layers"][0]
    assert row["rank"] == 2 and row["energy_share"] == pytest.approx(sigma[0] ** 2 / np.sum(sigma ** 2), rel=1e-5)
    assert 0.5 <= row["energy_share"] < 1


def test_o_proj_is_read_and_readers_are_refused(tiny_llama, rank1, tmp_path):
    write_adapter(tiny_llama, tmp_path / "o", module="o_proj")
    direction = run_from_adapter(FromAdapterConfig(adapter=str(tmp_path / "o"), module="o_proj",
                                                   out=str(tmp_path / "v")), progress=False)
    assert direction.usable_layers == [1] and direction.cfg["module"] == "o_proj"
    ran = cli("direction", "from-adapter", "--adapter", rank1[0], "--module", "q_proj", "--out", tmp_path / "q",
              check=False)
    assert ran.returncode != 0 and "--module q_proj" in ran.stderr and "residual stream" in ran.stderr
    assert "Traceback" not in ran.stderr and not (tmp_path / "q").exists()
    # A writer the adapter does not have: named, with what it does have.
    ran = cli("direction", "from-adapter", "--adapter", rank1[0], "--module", "o_proj", "--out", tmp_path / "x",
              check=False)
    assert ran.returncode != 0 and "no LoRA on o_proj" in ran.stderr and "down_proj" in ran.stderr


def test_an_untrained_adapter_has_no_direction(tiny_llama, tmp_path):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    get_peft_model(AutoModelForCausalLM.from_pretrained(tiny_llama),
                   LoraConfig(r=1, target_modules=["down_proj"])).save_pretrained(tmp_path / "fresh")
    assert not read_lora_adapter(tmp_path / "fresh").modules[0].B.any()
    ran = cli("direction", "from-adapter", "--adapter", tmp_path / "fresh", "--out", tmp_path / "v", check=False)
    assert ran.returncode != 0 and "zero" in ran.stderr


def test_an_unreadable_base_ends_the_direction_at_the_last_adapted_layer(rank1, tmp_path):
    adapter, _ = rank1
    moved = tmp_path / "moved"
    moved.mkdir()
    for file in adapter.iterdir():
        (moved / file.name).write_bytes(file.read_bytes())
    config = json.loads((moved / "adapter_config.json").read_text())
    (moved / "adapter_config.json").write_text(json.dumps({**config, "base_model_name_or_path": "/nowhere/model"}))
    direction = run_from_adapter(FromAdapterConfig(adapter=str(moved), out=str(tmp_path / "v")), progress=False)
    assert direction.layers == (0, 1) and "not readable" in direction.cfg["n_layers_from"]
