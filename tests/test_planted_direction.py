"""The planted-direction test: a tiny model adds a known unit vector u to the residual stream
at one layer whenever a trigger token has appeared. The toolkit must find u (difference of
means, probes) from cached activations, and ablating what it found must undo the trigger's
effect on the logits, while random directions must not.

The trigger token T and its twin C share one embedding row, so the only way the model can
tell them apart is the plant: every difference between a T-row and its C-twin is caused by u.
Each block's writes (attention and MLP output projections) are halved: at random init they
are as large as the residual stream itself, where a trained model's are small updates to it.
"""

from contextlib import nullcontext

import pytest
import torch
from tiny_models import build_model
from transformers import AutoModelForCausalLM

from persona_probe.activations.capture import ActivationCapture
from persona_probe.datasets.rendering import RenderedConversation
from persona_probe.directions.direction import Direction, mean_difference
from persona_probe.directions.probes import fit_probes
from persona_probe.interventions.ablation import Ablation
from persona_probe.interventions.claims import random_directions
from persona_probe.models.loading import load_model

LAYERS, PLANT_LAYER, TRIGGER, TWIN = 4, 1, 300, 301
PLANT_SIZE = 0.3  # about the residual norm at the plant layer (0.34 with the plant, measured)
WRITE_SCALE = 0.5


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    folder = build_model(tmp_path_factory.mktemp("planted") / "model", "llama", layers=LAYERS, seed=3)
    hf = AutoModelForCausalLM.from_pretrained(folder)
    with torch.no_grad():  # the twins look the same to everything but the plant
        hf.model.embed_tokens.weight[TRIGGER] = hf.model.embed_tokens.weight[TWIN]
        for layer in hf.model.layers:
            layer.self_attn.o_proj.weight *= WRITE_SCALE
            layer.mlp.down_proj.weight *= WRITE_SCALE
    hf.save_pretrained(folder)
    model = load_model(str(folder))
    g = torch.Generator().manual_seed(7)
    u = torch.nn.functional.normalize(torch.randn(model.d_model, generator=g), dim=0)
    seen = {}

    def remember_ids(module, args, kwargs):
        seen["ids"] = args[0] if args else kwargs["input"]

    def plant(resid, hook):
        present = ((seen["ids"] == TRIGGER).cumsum(1) > 0).to(resid.dtype)[..., None]
        return resid + PLANT_SIZE * present * u.to(resid.dtype)
    model.bridge.register_forward_pre_hook(remember_ids, with_kwargs=True)
    model.bridge.add_hook(f"blocks.{PLANT_LAYER}.hook_resid_post", plant, is_permanent=True)
    return model, u


def _pairs(n: int, seed: int, length: int = 14) -> tuple[torch.Tensor, torch.Tensor]:
    """n random contexts, each with the trigger (and, as its twin, with C) at a random position."""
    g = torch.Generator().manual_seed(seed)
    contexts = torch.randint(20, 290, (n, length), generator=g)
    where = torch.randint(0, length - 1, (n,), generator=g)
    with_trigger, with_twin = contexts.clone(), contexts.clone()
    with_trigger[torch.arange(n), where] = TRIGGER
    with_twin[torch.arange(n), where] = TWIN
    return with_trigger, with_twin


def _rendered(ids: torch.Tensor) -> list[RenderedConversation]:
    return [RenderedConversation("", tuple(row.tolist()), len(row) - 1, None, None) for row in ids]


def _trigger_effect(model, with_trigger, with_twin, hooks=None) -> float:
    """Mean norm of the trigger's change to the next-token logits."""
    with torch.no_grad(), (hooks or nullcontext()):
        diff = model.bridge(with_trigger)[:, -1] - model.bridge(with_twin)[:, -1]
    return float(diff.norm(dim=-1).mean())


def test_planted_direction_is_found_and_its_ablation_undoes_the_trigger(planted):
    model, u = planted
    layers = list(range(PLANT_LAYER, LAYERS))
    trigger, twin = _pairs(200, seed=0)
    capture = ActivationCapture(model.bridge, layers, "last-prompt", model.tokenizer.pad_token_id)
    with torch.no_grad():
        acts_trigger, acts_twin = capture.run(_rendered(trigger)).acts, capture.run(_rendered(twin)).acts

    direction = mean_difference(acts_trigger, acts_twin, layers)
    cosines = direction.vectors @ u
    assert cosines.min() >= 0.95, f"mean-difference cosine with u by layer: {cosines.tolist()}"

    acts = torch.cat([acts_trigger, acts_twin])
    labels = [True] * len(trigger) + [False] * len(twin)
    groups = [f"context-{i}" for i in range(len(trigger))] * 2  # a context and its twin are held out together
    report = fit_probes(acts, labels, groups, layers)
    assert min(report.logistic_grouped.accuracy) >= 0.95, report.to_dict()
    assert (report.direction.vectors @ u).min() > 0.5  # the probe's weights lean on u as well

    test_trigger, test_twin = _pairs(64, seed=1)  # fresh contexts
    effect = _trigger_effect(model, test_trigger, test_twin)
    assert effect > 1e-3, "the plant must change the logits, or the test proves nothing"
    ablated = _trigger_effect(model, test_trigger, test_twin, Ablation(model.bridge, direction, layers))
    assert ablated < 0.05 * effect, f"ablation leaves {ablated / effect:.1%} of the trigger's effect"
    for control in random_directions(direction, 5, seed=0):
        left = _trigger_effect(model, test_trigger, test_twin, Ablation(model.bridge, control, layers))
        assert left > 0.5 * effect, f"a random direction removed {1 - left / effect:.1%} of the effect"


def test_a_direction_for_another_width_or_depth_is_refused(planted):
    model, _ = planted
    from persona_probe.errors import PersonaProbeError

    wide = Direction(torch.eye(1, 128), (0,), torch.ones(1))
    with pytest.raises(PersonaProbeError, match="d_model 128 but tiny has 64"):
        wide.check_model(model.n_layers, model.d_model, name="tiny")
    deep = Direction(torch.eye(1, 64), (9,), torch.ones(1))
    with pytest.raises(PersonaProbeError, match="layers \\[9\\] but tiny has only 4 layers"):
        deep.check_model(model.n_layers, model.d_model, name="tiny")
