import json

import pytest
import torch
from tiny_models import build_model

from persona_probe.directions.direction import Direction
from persona_probe.errors import PersonaProbeError
from persona_probe.interventions.steering import Steering
from persona_probe.interventions.weight_steering import add_steering_bias_, export_steered, llamafy
from persona_probe.models.loading import load_model

IDS = torch.tensor([[1, 5, 9, 12, 30, 44, 7, 3], [3, 8, 2, 11, 90, 17, 4, 6]])


@pytest.mark.parametrize("arch", ["llama", "gpt2", "qwen2", "mistral"])
def test_baked_steering_equals_hook_steering(arch, tmp_path):
    folder = build_model(tmp_path / arch, arch, layers=3)
    model = load_model(str(folder), device="cpu")
    g = torch.Generator().manual_seed(1)
    layers = tuple(range(model.n_layers))
    direction = Direction(torch.nn.functional.normalize(torch.randn(len(layers), model.d_model, generator=g), dim=-1),
                          layers, torch.ones(len(layers)))
    layer, alpha, scale = 1, 4.0, 2.5
    with torch.no_grad():
        plain = model.bridge(IDS)
        with Steering(model.bridge, direction, alpha, layers=[layer], norm_scale={layer: scale}, positions="all"):
            hooked = model.bridge(IDS)
    vector = alpha * scale * direction.at(layer)
    out = export_steered(folder, vector, layer, tmp_path / "steered", record={"alpha": alpha})
    baked = load_model(str(out), device="cpu")
    with torch.no_grad():
        steered = baked.bridge(IDS)
        again = model.bridge(IDS)
    assert (steered - hooked).abs().max() < 1e-4
    assert (hooked - plain).abs().max() > 1e-3  # the steering does something
    assert torch.equal(again, plain)  # and the original model is unchanged
    meta = json.loads((out / "persona_probe.json").read_text())
    assert meta["kind"] == "steered_model" and meta["layer"] == layer and meta["alpha"] == alpha
    assert meta["vector_norm"] == pytest.approx(alpha * scale, rel=1e-5)
    assert meta["source_model"]["name"] == str(folder.resolve())
    expected_arch = "GPT2LMHeadModel" if arch == "gpt2" else "LlamaForCausalLM"
    assert json.loads((out / "config.json").read_text())["architectures"] == [expected_arch]


def test_steered_folder_loads_with_plain_transformers(tmp_path):
    from transformers import AutoModelForCausalLM

    folder = build_model(tmp_path / "qwen2", "qwen2", tie_word_embeddings=True)
    vector = torch.randn(64, generator=torch.Generator().manual_seed(0))
    out = export_steered(folder, vector, 0, tmp_path / "steered")
    model = AutoModelForCausalLM.from_pretrained(out)
    config = model.config
    assert type(model).__name__ == "LlamaForCausalLM" and config.mlp_bias and config.attention_bias
    assert config.tie_word_embeddings and model.lm_head.weight is model.model.embed_tokens.weight
    assert torch.allclose(model.model.layers[0].mlp.down_proj.bias, vector)
    assert not model.model.layers[1].mlp.down_proj.bias.any() and not model.model.layers[0].mlp.up_proj.bias.any()


@pytest.mark.parametrize("tied", [False, True])
def test_llamafy_keeps_qwen2_logits_and_weights(tied, tmp_path):
    from transformers import AutoModelForCausalLM

    rope = {"rope_type": "default", "rope_theta": 1e6 if tied else 1e4}  # Qwen2.5 uses 1e6
    folder = build_model(tmp_path / "qwen2", "qwen2", layers=2, tie_word_embeddings=tied, rope_parameters=rope)
    qwen = AutoModelForCausalLM.from_pretrained(folder).eval()
    assert qwen.model.layers[0].self_attn.q_proj.bias.abs().max() > 0.1  # the biases that must carry over
    llama = llamafy(qwen)
    with torch.no_grad():
        assert torch.equal(llama(IDS).logits, qwen(IDS).logits)
    assert llama.model.layers[1].self_attn.k_proj.bias is qwen.model.layers[1].self_attn.k_proj.bias  # shared, not copied
    assert (llama.lm_head.weight is llama.model.embed_tokens.weight) == tied
    assert llama.config.rope_parameters["rope_theta"] == rope["rope_theta"]


def test_sliding_window_is_refused(tmp_path):
    from transformers import AutoModelForCausalLM

    folder = build_model(tmp_path / "mistral", "mistral", sliding_window=4)
    model = AutoModelForCausalLM.from_pretrained(folder)
    with pytest.raises(PersonaProbeError, match="sliding-window attention"):
        add_steering_bias_(model, 0, torch.ones(64))


def test_unsupported_architecture_and_bad_input_give_clear_errors(tmp_path):
    from transformers import GPTNeoXConfig, GPTNeoXForCausalLM

    neox = GPTNeoXForCausalLM(GPTNeoXConfig(vocab_size=50, hidden_size=32, num_hidden_layers=1, num_attention_heads=4,
                                            intermediate_size=64))
    with pytest.raises(PersonaProbeError, match="GPTNeoXForCausalLM.*hook steering") as err:
        add_steering_bias_(neox, 0, torch.ones(32))
    assert "LlamaForCausalLM" in str(err.value) and "Qwen2ForCausalLM" in str(err.value)
    llama = load_model(str(build_model(tmp_path / "llama", "llama")), device="cpu").bridge.original_model
    with pytest.raises(PersonaProbeError, match="layers 0 to 1"):
        add_steering_bias_(llama, 2, torch.ones(64))
    with pytest.raises(PersonaProbeError, match="64 finite numbers"):
        add_steering_bias_(llama, 0, torch.ones(63))


def test_llamafy_refuses_a_conversion_that_changes_the_logits(tmp_path, monkeypatch):
    from transformers import AutoModelForCausalLM

    qwen = AutoModelForCausalLM.from_pretrained(build_model(tmp_path / "qwen2", "qwen2", layers=2)).eval()
    monkeypatch.setattr("persona_probe.interventions.weight_steering._rope_fields",  # stands in for a field Llama misreads
                        lambda src: {"rope_parameters": {"rope_type": "default", "rope_theta": 3.0}})
    with pytest.raises(PersonaProbeError, match="gives other logits"):
        llamafy(qwen)
