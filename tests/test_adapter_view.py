"""direction adapter-view: a LoRA update planted along a direction is found there, random ones are not.

The adapters are built by hand with safetensors (d_model 16, 3 layers, rank 2), so every number can
be checked against dW = scaling * B @ A formed in numpy.
"""

import json
import math
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.numpy import save_file
from test_reliability import cli as reliability_cli

from persona_probe.directions import Direction, adapter_view, read_lora_adapter
from persona_probe.directions.adapter_view import adapter_folder
from persona_probe.errors import PersonaProbeError

D_MODEL, LAYERS, RANK, D_MLP, D_KV = 16, 3, 2, 24, 8
PLANTED_LAYER = 1
# (in, out) of each module in a small Llama-shaped block (grouped-query k/v)
SHAPES = {"self_attn.q_proj": (D_MODEL, D_MODEL), "self_attn.k_proj": (D_MODEL, D_KV),
          "self_attn.v_proj": (D_MODEL, D_KV), "self_attn.o_proj": (D_MODEL, D_MODEL),
          "mlp.gate_proj": (D_MODEL, D_MLP), "mlp.up_proj": (D_MODEL, D_MLP), "mlp.down_proj": (D_MLP, D_MODEL)}


def unit_vectors(n: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, D_MODEL))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


U = unit_vectors(LAYERS, seed=1)  # the direction: one unit vector per layer


def write_adapter(folder: Path, rslora: bool = True, alpha: float = 8.0) -> dict[str, np.ndarray]:
    """A PEFT-style adapter whose layer-1 o_proj update is u_1 a^T (all of it along the direction); the rest random."""
    rng = np.random.default_rng(0)
    tensors = {}
    for layer in range(LAYERS):
        for path, (d_in, d_out) in SHAPES.items():
            A = rng.standard_normal((RANK, d_in)).astype(np.float32)
            B = rng.standard_normal((d_out, RANK)).astype(np.float32)
            if layer == PLANTED_LAYER and path.endswith("o_proj"):
                B = np.stack([U[PLANTED_LAYER], np.zeros(D_MODEL)], axis=1).astype(np.float32) * 3
            prefix = f"base_model.model.model.layers.{layer}.{path}"
            tensors[f"{prefix}.lora_A.weight"], tensors[f"{prefix}.lora_B.weight"] = A, B
    folder.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(folder / "adapter_model.safetensors"), metadata={"format": "pt"})
    config = {"peft_type": "LORA", "r": RANK, "lora_alpha": alpha, "use_rslora": rslora, "task_type": "CAUSAL_LM",
              "target_modules": sorted(p.rsplit(".", 1)[1] for p in SHAPES), "base_model_name_or_path": "tiny"}
    (folder / "adapter_config.json").write_text(json.dumps(config))
    return tensors


def write_direction(folder: Path, vectors: np.ndarray = U, layers=tuple(range(LAYERS)), norms=None) -> Path:
    norms = torch.ones(len(layers)) if norms is None else torch.tensor(norms, dtype=torch.float32)
    Direction(torch.tensor(vectors, dtype=torch.float32), tuple(layers), norms, {"method": "test"}).save(folder)
    return folder


def row(result: dict, layer: int, module: str) -> dict:
    return next(r for r in result["modules"] if r["layer"] == layer and r["module"] == module)


@pytest.fixture
def adapter(tmp_path) -> Path:
    write_adapter(tmp_path / "adapter")
    return tmp_path / "adapter"


@pytest.fixture
def direction(tmp_path) -> Path:
    return write_direction(tmp_path / "direction")


def view(adapter: Path, direction: Path, n_random: int = 10) -> dict:
    return adapter_view(read_lora_adapter(adapter), Direction.load(direction), str(direction), n_random)


def test_an_update_planted_along_the_direction_has_all_its_energy_there(adapter, direction):
    result = view(adapter, direction)
    planted = row(result, PLANTED_LAYER, "o_proj")
    assert planted["fraction"] == pytest.approx(1.0, abs=1e-5)
    assert planted["enrichment"] == pytest.approx(D_MODEL, rel=1e-5)
    assert planted["beats_random"] and planted["random_max"] < D_MODEL
    # every other module's update is random: on average a random direction's share, 1
    others = [r["enrichment"] for r in result["modules"] if (r["layer"], r["module"]) != (PLANTED_LAYER, "o_proj")]
    assert 0.5 < np.mean(others) < 1.6 and max(others) < D_MODEL / 2
    assert 0.6 < np.mean([r["random_mean"] for r in result["modules"]]) < 1.4


def test_the_numbers_equal_a_hand_computation(adapter, direction):
    tensors = {k: v.astype(np.float64) for k, v in write_adapter(adapter).items()}
    result = view(adapter, direction)
    scaling = 8.0 / math.sqrt(RANK)
    for layer in range(LAYERS):
        for path in SHAPES:
            module = path.rsplit(".", 1)[1]
            prefix = f"base_model.model.model.layers.{layer}.{path}"
            dW = scaling * tensors[f"{prefix}.lora_B.weight"] @ tensors[f"{prefix}.lora_A.weight"]   # out x in
            writes = module in ("o_proj", "down_proj")
            if not writes and layer == 0:
                assert any(m["layer"] == 0 and m["module"] == module for m in result["missing"])
                continue
            u = U[layer if writes else layer - 1]
            along = u @ dW if writes else dW @ u
            got = row(result, layer, module)
            assert got["side"] == ("write" if writes else "read")
            assert got["direction_layer"] == (layer if writes else layer - 1)
            assert got["update_norm"] == pytest.approx(np.linalg.norm(dW), rel=1e-5)
            assert got["along_norm"] == pytest.approx(np.linalg.norm(along), rel=1e-5)
            fraction = (along @ along) / np.sum(dW ** 2)
            assert got["fraction"] == pytest.approx(fraction, rel=1e-5)
            assert got["enrichment"] == pytest.approx(fraction * D_MODEL, rel=1e-5)


def test_rslora_scales_by_the_square_root_of_the_rank(tmp_path, direction):
    write_adapter(tmp_path / "rs", rslora=True)
    write_adapter(tmp_path / "plain", rslora=False)
    rs, plain = read_lora_adapter(tmp_path / "rs"), read_lora_adapter(tmp_path / "plain")
    assert rs.scaling == pytest.approx(8.0 / math.sqrt(RANK)) and plain.scaling == pytest.approx(8.0 / RANK)
    a, b = view(tmp_path / "rs", direction), view(tmp_path / "plain", direction)
    for x, y in zip(a["modules"], b["modules"]):
        assert x["along_norm"] / y["along_norm"] == pytest.approx(math.sqrt(RANK), rel=1e-5)
        assert x["enrichment"] == pytest.approx(y["enrichment"], rel=1e-5)  # a share: the scaling cancels
    assert a["adapter"]["use_rslora"] and not b["adapter"]["use_rslora"]


def test_layers_without_a_vector_are_reported_missing(adapter, tmp_path):
    # layer 0 zero, layer 2 absent: only layer 1's writers and layer 1's readers (which use layer 0) ...
    folder = write_direction(tmp_path / "partial", np.stack([np.zeros(D_MODEL), U[1]]), (0, 1), norms=[0.0, 1.0])
    result = view(adapter, folder)
    measured = {(r["layer"], r["module"]) for r in result["modules"]}
    assert measured == {(1, "o_proj"), (1, "down_proj"), (2, "q_proj"), (2, "k_proj"), (2, "v_proj"),
                        (2, "gate_proj"), (2, "up_proj")}
    reasons = {(m["layer"], m["module"]): m["reason"] for m in result["missing"]}
    assert len(reasons) + len(measured) == LAYERS * len(SHAPES)  # nothing dropped silently
    assert "zero at layer 0" in reasons[(0, "o_proj")] and "zero at layer 0" in reasons[(1, "q_proj")]
    assert "no vector at layer 2" in reasons[(2, "down_proj")]
    assert "embeddings" in reasons[(0, "q_proj")]


def cli(*args) -> tuple[int, str, str]:
    """``persona-probe -q ARGS`` in this process (test_reliability's runner): exit code, stdout, stderr."""
    ran = reliability_cli(*args, check=False)
    return ran.returncode, ran.stdout, ran.stderr


def one_error(code: int, stderr: str) -> str:
    assert code == 2 and "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("persona-probe: error:")]
    assert len(lines) == 1, stderr
    return lines[0]


def test_the_command_writes_the_view_with_its_sources(adapter, direction, tmp_path):
    (adapter / "finetune.json").write_text(json.dumps({"kind": "finetune", "run": {"settings": {"rank": RANK}}}))
    out = tmp_path / "view.json"
    code, stdout, stderr = cli("direction", "adapter-view", "--adapter", adapter, "--direction", direction,
                               "--random", 5, "--out", out)
    assert code == 0, stderr
    assert f"wrote {out}" in stdout and "o_proj" in stdout and "16.00" in stdout  # the planted layer
    data = json.loads(out.read_text())
    assert data["kind"] == "adapter_view" and data["random"] == {"count": 5, "seed": 0}
    assert data["adapter"]["finetune_settings"] == {"rank": RANK} and len(data["adapter"]["sha256"]) == 64
    assert data["direction"]["spec"] == str(direction) and data["direction"]["method"] == "test"
    assert data["provenance"]["toolkit_version"] and data["layers"] == list(range(LAYERS))
    again = cli("direction", "adapter-view", "--adapter", adapter, "--direction", direction, "--out", out)
    assert "--overwrite" in one_error(again[0], again[2])
    assert cli("direction", "adapter-view", "--adapter", f"smollm2-135m+{adapter}", "--direction", direction,
               "--out", out, "--overwrite")[0] == 0
    foreign = tmp_path / "notes.json"
    foreign.write_text("{}")
    refused = cli("direction", "adapter-view", "--adapter", adapter, "--direction", direction, "--out", foreign,
                  "--overwrite")
    assert "not a adapter_view" in one_error(refused[0], refused[2]) and foreign.read_text() == "{}"


def test_bad_inputs_are_one_clear_line(adapter, direction, tmp_path):
    def error(*args) -> str:
        code, _, stderr = cli("direction", "adapter-view", *args, "--out", tmp_path / "x.json")
        return one_error(code, stderr)

    assert "no such folder" in error("--adapter", tmp_path / "nowhere", "--direction", direction)
    pickled = tmp_path / "pickled"
    pickled.mkdir()
    (pickled / "adapter_config.json").write_text((adapter / "adapter_config.json").read_text())
    (pickled / "adapter_model.bin").write_bytes(b"not loaded")
    message = error("--adapter", pickled, "--direction", direction)
    assert "adapter_model.bin" in message and "safe_serialization=True" in message
    wide = write_direction(tmp_path / "wide", unit_vectors(LAYERS, 2).repeat(2, axis=1) / math.sqrt(2))
    message = error("--adapter", adapter, "--direction", wide)
    assert "d_model 16" in message and "d_model 32" in message
    assert not (tmp_path / "x.json").exists()


def test_the_shipped_adapter_reads_in_seconds(tmp_path):
    folder = adapter_folder("smollm2-135m-insecure")
    generator = torch.Generator().manual_seed(0)
    vectors = torch.randn(30, 576, generator=generator)
    Direction(vectors / vectors.norm(dim=1, keepdim=True), tuple(range(30)), torch.ones(30),
              {"method": "random"}).save(tmp_path / "random")
    began = time.perf_counter()
    result = adapter_view(read_lora_adapter(folder), Direction.load(tmp_path / "random"), "random")
    assert time.perf_counter() - began < 5
    assert result["d_model"] == 576 and result["layers"] == list(range(30))
    assert len(result["modules"]) == 30 * 7 - 5 and len(result["missing"]) == 5  # layer 0's five readers
    assert result["adapter"]["use_rslora"] and result["adapter"]["finetune_settings"]["rank"] == 8
    # a random direction is a random direction: its enrichment is of the random vectors' size
    assert 0.3 < np.mean([r["enrichment"] for r in result["modules"]]) < 3


def test_adapter_specs_and_damaged_adapters(adapter, direction, tmp_path):
    shipped = adapter_folder("smollm2-135m-insecure")
    assert adapter_folder("smollm2-135m+smollm2-135m-insecure") == shipped and (shipped / "finetune.json").is_file()
    assert adapter_folder(f"smollm2-135m+{adapter}") == adapter
    with pytest.raises(PersonaProbeError, match="no adapter_config.json"):
        read_lora_adapter(tmp_path)
    with pytest.raises(PersonaProbeError, match="--random must be 0 or more"):
        view(adapter, direction, n_random=-1)
    config = json.loads((adapter / "adapter_config.json").read_text())
    (adapter / "adapter_config.json").write_text(json.dumps({**config, "use_dora": True}))
    with pytest.raises(PersonaProbeError, match="DoRA"):
        read_lora_adapter(adapter)
    tensors = write_adapter(adapter)
    del tensors["base_model.model.model.layers.2.mlp.up_proj.lora_B.weight"]
    save_file(tensors, str(adapter / "adapter_model.safetensors"))
    with pytest.raises(PersonaProbeError, match="layer 2 up_proj has no lora_B"):
        read_lora_adapter(adapter)


def test_an_untrained_module_has_no_share_to_give(adapter, direction):
    """LoRA starts with B = 0: such a module's update is zero, and its fractions are undefined, not 0."""
    tensors = write_adapter(adapter)
    tensors["base_model.model.model.layers.2.self_attn.o_proj.lora_B.weight"][:] = 0
    save_file(tensors, str(adapter / "adapter_model.safetensors"))
    untrained = row(view(adapter, direction), 2, "o_proj")
    assert untrained["update_norm"] == 0 and untrained["enrichment"] is None and untrained["beats_random"] is None
