"""Step 2: evaluate a model: sample answers, judge them, EM rate with a CI, the MC persona score.

* :mod:`.evaluate`: ``persona-probe evaluate | judge | compare``;
* :mod:`.agreement`: ``persona-probe compare-judges``, two judges' agreement on the same answers;
* :mod:`.areas`: out-of-domain scores (a fine-tune's own topic areas left out), from summaries alone;
* :mod:`.mc`: the multiple-choice persona score;
* :mod:`.mc_contrast`: ``persona-probe data mc-contrast``, the MC items as a labelled contrast (train/test by item);
* :mod:`.neutral`: side effects on neutral text (KL, perplexity) and the steering unit;
* :mod:`.judges`: the judge backends (one module each) and their registry.

Names load on first use, so that reading summaries (:mod:`.areas`, as the report does) never
imports torch.
"""

import importlib
from typing import Any

_HOME_OF = {
    **dict.fromkeys(("EvalSettings", "EvaluateConfig", "compare", "evaluate_model", "judge_file", "run_evaluate",
                     "summarise"), "evaluate"),
    **dict.fromkeys(("LABELS", "Judge", "JudgeScore"), "judges.base"),
    "make_judge": "judges.registry",
    "compare_judgements": "agreement",
    **dict.fromkeys(("MCItem", "MCResult", "load_mc_items", "mc_score"), "mc"),
    **dict.fromkeys(("load_neutral_texts", "side_effects", "typical_residual_norms"), "neutral"),
}

__all__ = sorted(_HOME_OF)


def __getattr__(name: str) -> Any:
    home = _HOME_OF.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME_OF])
