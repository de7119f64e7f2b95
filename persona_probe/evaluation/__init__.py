"""Step 2: evaluate a model: sample answers, judge them, EM rate with a CI, the MC persona score.

* :mod:`.evaluate`: ``persona-probe evaluate | judge | compare``;
* :mod:`.mc`: the multiple-choice persona score;
* :mod:`.neutral`: side effects on neutral text (KL, perplexity) and the steering unit;
* :mod:`.judges`: the judge backends (one module each) and their registry.
"""

from .evaluate import EvalSettings, EvaluateConfig, compare, evaluate_model, judge_file, run_evaluate, summarise
from .judges.base import LABELS, Judge, JudgeScore
from .judges.registry import make_judge
from .mc import MCItem, MCResult, load_mc_items, mc_score
from .neutral import load_neutral_texts, side_effects, typical_residual_norms

__all__ = ["EvalSettings", "EvaluateConfig", "Judge", "JudgeScore", "LABELS", "MCItem", "MCResult", "compare",
           "evaluate_model", "judge_file", "load_mc_items", "load_neutral_texts", "make_judge", "mc_score",
           "run_evaluate", "side_effects", "summarise", "typical_residual_norms"]
