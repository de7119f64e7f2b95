"""One grammar names a direction: a folder, or SAE_DIR#latent=K; --from-sae/--latent spell the same."""

import pytest
import torch

from persona_probe.directions import Direction, direction_spec, resolve_direction
from persona_probe.errors import PersonaProbeError


def test_a_folder_resolves_to_its_direction(tmp_path):
    d = Direction(torch.eye(3)[:2], (0, 1), torch.ones(2), {"method": "test"})
    d.save(tmp_path / "d")
    back = resolve_direction(str(tmp_path / "d"))
    assert back.layers == (0, 1) and torch.equal(back.vectors, d.vectors)


def test_the_older_spelling_makes_the_same_spec():
    assert direction_spec(None, "runs/sae", 7) == "runs/sae#latent=7"
    assert direction_spec("runs/v", None, None) == "runs/v"
    for bad in (("runs/v", "runs/sae", 7), (None, None, None), (None, "runs/sae", None)):
        with pytest.raises(PersonaProbeError, match="SAE_DIR#latent=K"):
            direction_spec(*bad)


def test_a_malformed_spec_is_one_clear_error(tmp_path):
    with pytest.raises(PersonaProbeError, match="SAE_DIR#latent=K"):
        resolve_direction(str(tmp_path / "sae#latent=x"))
    with pytest.raises(PersonaProbeError, match="not a readable direction"):
        resolve_direction(str(tmp_path / "missing"))
