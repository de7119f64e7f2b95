"""On the embedded SmolLM2: the hostile-vs-helpful direction steers the MC persona score both ways.

The direction comes from builtin:core's prompts under the two system prompts (32 rows, last
prompt token, layer 15); steering is at layer 15 with alpha in units of the median
neutral-text residual norm. The full sweep with random controls, coherence and perplexity
is analyses/persona_direction_smollm2.py; this keeps its headline from regressing.
"""

import pytest

from persona_probe.activations.cache import CacheConfig, run_cache
from persona_probe.activations.store import ActivationStore
from persona_probe.datasets.conversations import system_contrast, write_chat_jsonl
from persona_probe.directions.direction import mean_difference_by_label
from persona_probe.evaluation.mc import load_mc_items, mc_score
from persona_probe.evaluation.neutral import load_neutral_texts, typical_residual_norms
from persona_probe.interventions.steering import Steering
from persona_probe.models.loading import load_model

pytestmark = pytest.mark.slow
LAYER = 15


def test_small_alphas_move_the_mc_score_in_their_own_direction(tmp_path):
    rows = system_contrast("builtin:core", "builtin:hostile", "builtin:helpful")
    labels = [label == "positive" for _, label in rows]
    write_chat_jsonl([c for c, _ in rows], tmp_path / "contrast.jsonl", with_ids=True)
    store = ActivationStore(run_cache(CacheConfig(data=str(tmp_path / "contrast.jsonl"), pool="last-prompt",
                                                  layers=str(LAYER), out=str(tmp_path / "store")), progress=False).base)
    direction = mean_difference_by_label(store, labels)
    model = load_model("smollm2-135m")
    scale = typical_residual_norms(model, load_neutral_texts(), [LAYER])
    items = load_mc_items()
    score = {alpha: mc_score(model, items, hooks=Steering(model.bridge, direction, alpha, [LAYER], scale)).score
             for alpha in (-0.25, 0.0, 0.25)}
    # measured: 0.380 / 0.409 / 0.453 with the builtin:open direction (analyses/persona_direction_smollm2.py)
    assert score[-0.25] < score[0.0] < score[0.25], score
