import pytest
import torch
from tiny_models import build_model

from persona_probe.directions.direction import Direction
from persona_probe.interventions.ablation import Ablation
from persona_probe.interventions.orthogonalize import export_orthogonalized
from persona_probe.models.loading import load_model


@pytest.mark.parametrize("arch", ["llama", "gpt2", "qwen2", "mistral"])  # gpt2 ties its embedding and unembedding
def test_orthogonalized_weights_equal_hook_ablation(arch, tmp_path):
    folder = build_model(tmp_path / arch, arch, layers=3)
    model = load_model(str(folder))
    g = torch.Generator().manual_seed(0)
    v = torch.nn.functional.normalize(torch.randn(model.d_model, generator=g), dim=0)
    layers = tuple(range(model.n_layers))
    direction = Direction(v.expand(len(layers), -1).clone(), layers, torch.ones(len(layers)))
    ids = torch.tensor([[1, 5, 9, 12, 30, 44, 7, 3]])
    with torch.no_grad():
        plain = model.bridge(ids)
        with Ablation(model.bridge, direction, massive_factor=None, mode="writers"):
            hooked = model.bridge(ids)
    baked = load_model(str(export_orthogonalized(folder, v, tmp_path / "orth")))
    with torch.no_grad():
        orth = baked.bridge(ids)
        again = model.bridge(ids)
    assert (orth - hooked).abs().max() < 1e-4
    assert (hooked - plain).abs().max() > 1e-3  # the ablation does something
    assert torch.equal(again, plain)  # and the hooked model is unchanged
