"""persona_probe: find, test and report the 'misaligned persona' direction in chat models.

The public API, for research scripts: load a pair of models, cache their activations, find a
direction, steer and ablate it, evaluate, report::

    from persona_probe import (Ablation, ActivationStore, CacheConfig, evaluate_model, load_model,
                               mean_difference_by_label, run_cache)

Each name lives in the subpackage of its pipeline step (``persona_probe.models``,
``.datasets``, ``.activations``, ``.sampling``, ``.evaluation``, ``.directions``, ``.sae``,
``.interventions``, ``.organism``, ``.report``, ``.cli``) and is imported from there on first
use, so ``import persona_probe`` stays light (building a report never imports torch).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .artifacts import __version__

# Where each public name lives: the subpackage that exports it.
_HOMES = {
    "models": ("LoadedModel", "ModelSettings", "load_model", "parse_spec"),
    "datasets": ("Conversation", "Message", "load_conversations", "render_conversation", "system_contrast",
                 "write_chat_jsonl"),
    "activations": ("ActivationStore", "CacheConfig", "run_cache"),
    "sampling": ("GenerateConfig", "SamplingConfig", "generate_answers", "read_answers", "run_generate"),
    "evaluation": ("EvaluateConfig", "compare", "compare_judgements", "evaluate_model", "judge_file", "load_mc_items", "load_neutral_texts",
                   "make_judge", "mc_score", "run_evaluate", "side_effects", "summarise", "typical_residual_norms"),
    "directions": ("Direction", "cosine_table", "fit_probes", "mean_difference", "mean_difference_by_label",
                   "mean_difference_of_stores", "projection_shift", "read_labels", "resolve_direction"),
    "sae": ("SAETrainConfig", "load_sae", "run_sae_train", "sae_attribution", "sae_diff", "sae_examples"),
    "interventions": ("Ablation", "AblateConfig", "SteerConfig", "Steering", "export_orthogonalized", "export_steered",
                      "random_directions", "run_ablate", "run_steer"),
    "organism": ("FinetuneConfig", "ScreenConfig", "TrainingMonitor", "evaluate_excluding_domain", "narrow_dataset",
                 "run_finetune", "run_screen"),
    "report": ("ReportSettings", "build_report"),
    "errors": ("DataError", "ModelSpecError", "PersonaProbeError", "StoreError"),
}
_HOME_OF = {name: package for package, names in _HOMES.items() for name in names}

__all__ = sorted(["__version__", *_HOME_OF])


def __getattr__(name: str) -> Any:
    package = _HOME_OF.get(name)
    if package is None:
        raise AttributeError(f"module 'persona_probe' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{package}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME_OF])


if TYPE_CHECKING:  # for type checkers and IDEs; at run time the names load on first use
    from .activations import ActivationStore, CacheConfig, run_cache
    from .datasets import (
        Conversation,
        Message,
        load_conversations,
        render_conversation,
        system_contrast,
        write_chat_jsonl,
    )
    from .directions import (
        Direction,
        cosine_table,
        fit_probes,
        mean_difference,
        mean_difference_by_label,
        mean_difference_of_stores,
        projection_shift,
        resolve_direction,
    )
    from .errors import DataError, ModelSpecError, PersonaProbeError, StoreError
    from .evaluation import (
        EvaluateConfig,
        compare,
        compare_judgements,
        evaluate_model,
        judge_file,
        load_mc_items,
        load_neutral_texts,
        make_judge,
        mc_score,
        run_evaluate,
        side_effects,
        summarise,
        typical_residual_norms,
    )
    from .interventions import (
        AblateConfig,
        Ablation,
        SteerConfig,
        Steering,
        export_orthogonalized,
        export_steered,
        random_directions,
        run_ablate,
        run_steer,
    )
    from .models import LoadedModel, ModelSettings, load_model, parse_spec
    from .organism import (
        FinetuneConfig,
        ScreenConfig,
        TrainingMonitor,
        evaluate_excluding_domain,
        narrow_dataset,
        run_finetune,
        run_screen,
    )
    from .report import ReportSettings, build_report
    from .sae import SAETrainConfig, load_sae, run_sae_train, sae_attribution, sae_diff, sae_examples
    from .sampling import GenerateConfig, SamplingConfig, generate_answers, read_answers, run_generate
