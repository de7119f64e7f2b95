"""Step 5 and 6: intervene on a direction and test the claim.

* :mod:`.steering` and :mod:`.ablation`: :class:`Steering` and :class:`Ablation`, context managers
  that add a direction or project it out while the block runs;
* :mod:`.orthogonalize` and :mod:`.weight_steering`: the same, baked into the weights;
* :mod:`.claims`: ``persona-probe ablate`` (the claim test) and ``steer`` (the dose-response),
  each against same-norm random directions.
"""

from .ablation import Ablation, project_out
from .claims import AblateConfig, SteerConfig, random_directions, run_ablate, run_steer
from .orthogonalize import export_orthogonalized, orthogonalize_
from .steering import Steering
from .weight_steering import export_steered

__all__ = ["AblateConfig", "Ablation", "SteerConfig", "Steering", "export_orthogonalized", "export_steered",
           "orthogonalize_", "project_out", "random_directions", "run_ablate", "run_steer"]
