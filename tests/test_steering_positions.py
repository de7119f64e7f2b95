import pytest
import torch

from persona_probe.activations.capture import ActivationCapture
from persona_probe.datasets.conversations import Conversation, Message
from persona_probe.datasets.rendering import render_conversation
from persona_probe.directions.direction import Direction
from persona_probe.evaluation.neutral import load_neutral_texts, side_effects, typical_residual_norms
from persona_probe.interventions.ablation import Ablation
from persona_probe.interventions.steering import Steering
from persona_probe.models.loading import load_model
from persona_probe.residual import response_boundary


@pytest.fixture(scope="module")
def model(tiny_llama):
    return load_model(str(tiny_llama))


def _direction(model, layers=(0,)):
    v = torch.nn.functional.normalize(torch.randn(len(layers), model.d_model, generator=torch.Generator().manual_seed(1)), dim=-1)
    return Direction(v, tuple(layers), torch.ones(len(layers)))


def _answered(model):
    conv = Conversation((Message("user", "tell me about rivers"), Message("assistant", "they flow to the sea")), "x", "g")
    return render_conversation(conv, model.tokenizer)


@pytest.mark.parametrize("positions", ["all", "prompt", "response"])
def test_steering_touches_only_the_chosen_positions(model, positions):
    rendered = _answered(model)
    capture = ActivationCapture(model.bridge, [0], "tokens", model.tokenizer.pad_token_id)
    plain = capture.run([rendered]).acts[:, 0]
    d = _direction(model)
    start = rendered.response_start
    with Steering(model.bridge, d, alpha=1.0, positions=positions), response_boundary(torch.tensor([start])):
        steered = capture.run([rendered]).acts[:, 0]
    moved = (steered - plain).norm(dim=-1) > 1e-6
    expected = torch.zeros(len(plain), dtype=torch.bool)
    if positions in ("all", "prompt"):
        expected[:start] = True
    if positions in ("all", "response"):
        expected[start:] = True
    assert torch.equal(moved, expected)


def test_without_a_boundary_a_prefill_is_prompt_and_a_single_token_is_response(model):
    d = _direction(model)
    calls = []
    ids = torch.tensor([[5, 6, 7, 8]])
    for positions in ("prompt", "response"):
        with Steering(model.bridge, d, alpha=1.0, positions=positions):
            out = model.bridge(ids)
            step = model.bridge(ids[:, -1:])
        calls.append((out, step))
    plain, plain_step = model.bridge(ids), model.bridge(ids[:, -1:])
    (prompt_out, prompt_step), (response_out, response_step) = calls
    assert not torch.allclose(prompt_out, plain) and torch.equal(prompt_step, plain_step)
    assert torch.equal(response_out, plain) and not torch.allclose(response_step, plain_step)


def test_side_effects_are_zero_for_the_untouched_model_and_grow_with_the_intervention(model):
    texts = load_neutral_texts()[:6]
    layers = list(range(model.n_layers))
    d = _direction(model, layers)
    scale = typical_residual_norms(model, texts, layers)
    assert all(v > 0 for v in scale.values())
    effects = side_effects(model, texts, {
        "as-is": lambda: None,
        "small": lambda: Steering(model.bridge, d, 0.1, layers, scale),
        "large": lambda: Steering(model.bridge, d, 2.0, layers, scale),
        "ablated": lambda: Ablation(model.bridge, d),
    })
    assert effects["as-is"]["kl_mean"] == pytest.approx(0.0, abs=1e-6)
    assert effects["as-is"]["perplexity"] == pytest.approx(effects["as-is"]["reference_perplexity"], rel=1e-6)
    assert 0 < effects["small"]["kl_mean"] < effects["large"]["kl_mean"]
    assert effects["ablated"]["kl_mean"] > 0
    assert effects["large"]["n_tokens"] > 100


def test_neutral_text_files(tmp_path):
    from persona_probe.errors import DataError

    assert len(load_neutral_texts()) == 32
    plain = tmp_path / "n.txt"
    plain.write_text("First passage.\n\nSecond passage,\nstill second.\n")
    assert load_neutral_texts(str(plain)) == ["First passage.", "Second passage,\nstill second."]
    bad = tmp_path / "n.jsonl"
    bad.write_text('{"text": "fine"}\n{"txt": "typo"}\n')
    with pytest.raises(DataError, match="n.jsonl:2: each row needs a non-empty"):
        load_neutral_texts(str(bad))
    with pytest.raises(DataError, match="no such neutral-text file"):
        load_neutral_texts(str(tmp_path / "missing.jsonl"))
