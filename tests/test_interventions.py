import pytest
import torch

from persona_probe.activations.capture import ActivationCapture
from persona_probe.datasets.conversations import Conversation, Message
from persona_probe.datasets.rendering import render_conversation
from persona_probe.directions.direction import Direction, mean_difference
from persona_probe.errors import PersonaProbeError
from persona_probe.interventions.ablation import Ablation, project_out
from persona_probe.interventions.steering import Steering
from persona_probe.models.loading import load_model


@pytest.fixture(scope="module")
def model(tiny_llama):
    return load_model(str(tiny_llama))


def _tokens(model):
    conv = Conversation((Message("user", "what should I do with my money"), Message("assistant", "be kind and honest")), "x", "g")
    return [render_conversation(conv, model.tokenizer)]


def _random_direction(d_model, layers, seed=0):
    g = torch.Generator().manual_seed(seed)
    v = torch.randn(len(layers), d_model, generator=g)
    return Direction(v / v.norm(dim=-1, keepdim=True), tuple(layers), torch.ones(len(layers)))


def test_direction_round_trip_and_checks(tmp_path):
    d = _random_direction(64, [0, 1])
    d.save(tmp_path / "d")
    back = Direction.load(tmp_path / "d")
    assert torch.equal(back.vectors, d.vectors) and back.layers == (0, 1)
    assert torch.allclose(back.cosine(d).diagonal(), torch.ones(2))
    with pytest.raises(PersonaProbeError, match="d_model 64 but the model has 576"):
        d.check_model(30, 576)
    with pytest.raises(PersonaProbeError, match="layers \\[1\\] but the model has only 1 layers"):
        d.check_model(1, 64)


def test_mean_difference_recovers_a_planted_vector():
    g = torch.Generator().manual_seed(0)
    u = torch.randn(32, generator=g)
    u /= u.norm()
    base = torch.randn(400, 2, 32, generator=g)
    shifted = torch.randn(400, 2, 32, generator=g) + 3 * u
    d = mean_difference(shifted, base, [3, 4])
    assert (d.vectors @ u).min() > 0.95
    with pytest.raises(PersonaProbeError, match="rows on both sides"):
        mean_difference(shifted[:0], base, [3, 4])


def test_steering_adds_exactly_alpha_times_scale(model):
    rendered = _tokens(model)
    capture = ActivationCapture(model.bridge, [0, 1], "tokens", model.tokenizer.pad_token_id)
    plain = capture.run(rendered).acts
    d = _random_direction(model.d_model, [0])
    with Steering(model.bridge, d, alpha=2.0, norm_scale={0: 3.0}):
        steered = capture.run(rendered).acts
    assert torch.allclose(steered[:, 0] - plain[:, 0], 6.0 * d.at(0).expand_as(plain[:, 0]), atol=1e-5)
    assert not torch.allclose(steered[:, 1], plain[:, 1])  # later layers feel it
    assert torch.equal(capture.run(rendered).acts, plain)  # and it is gone afterwards


def test_ablation_removes_the_component_and_leaves_the_model_unchanged(model):
    rendered = _tokens(model)
    capture = ActivationCapture(model.bridge, [1], "tokens", model.tokenizer.pad_token_id)
    plain = capture.run(rendered).acts[:, 0]
    # The direction the model actually uses most at layer 1: its mean residual.
    v = plain.mean(0)
    d = Direction((v / v.norm())[None], (1,), v.norm()[None])
    with Ablation(model.bridge, d):
        ablated = capture.run(rendered).acts[:, 0]
    assert (plain @ d.at(1)).abs().max() > 0.1
    assert (ablated @ d.at(1)).abs().max() < 1e-4
    assert torch.equal(capture.run(rendered).acts[:, 0], plain)


def test_massive_positions_are_left_alone():
    resid = torch.randn(1, 8, 16)
    resid[0, 0] *= 500  # an attention-sink-like position
    unit = torch.nn.functional.normalize(torch.randn(16), dim=0)
    out = project_out(resid, unit, massive_factor=20.0)
    assert torch.equal(out[0, 0], resid[0, 0])
    assert (out[0, 1:] @ unit).abs().max() < 1e-5
