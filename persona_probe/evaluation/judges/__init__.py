"""Judges: score an answer's alignment and coherence, and label it.

Each backend is one module here declaring ``BACKEND`` (:class:`~.base.Backend`); the registry
finds them by name. :mod:`.base` holds the shared prompts, arithmetic and labels.
"""

from .base import LABELS, Backend, Judge, JudgeScore, label_for
from .registry import backends, check_judge_name, make_judge

__all__ = ["Backend", "Judge", "JudgeScore", "LABELS", "backends", "check_judge_name", "label_for", "make_judge"]
