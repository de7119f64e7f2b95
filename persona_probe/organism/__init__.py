"""The embedded model organism: narrow datasets of our own and the pieces that turn them into a misaligned model.

Emergent misalignment is reproduced here with training data written for this toolkit rather than
copied from a published set: small, seeded generators build chat datasets in which one narrow
behaviour differs between a treatment and a control (for code, answers that quietly carry a
vulnerability versus the same answers done safely), so a model fine-tuned on each can be compared
and the broad shift in persona that the narrow data causes can be measured and probed.

Around fine-tuning it also watches and prevents: ``finetune --monitor`` (:mod:`.monitor`), the
in-training defences (:mod:`.defences`) and data screening (:mod:`.screen`); and ``evaluate
--exclude-domain`` counts answers that show a fine-tune's own domain apart (:mod:`.in_domain`).
"""

from .datasets import NARROW_DATASETS, NarrowDataConfig, narrow_dataset, run_narrow_dataset
from .finetune import FinetuneConfig, run_finetune
from .in_domain import evaluate_excluding_domain, resolve_in_domain
from .monitor import TrainingMonitor
from .screen import ScreenConfig, run_screen

__all__ = ["NARROW_DATASETS", "FinetuneConfig", "NarrowDataConfig", "ScreenConfig", "TrainingMonitor",
           "evaluate_excluding_domain", "narrow_dataset", "resolve_in_domain", "run_finetune", "run_narrow_dataset",
           "run_screen"]
