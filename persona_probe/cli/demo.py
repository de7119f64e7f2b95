"""``persona-probe demo``: the audit (:mod:`.audit`) of the shipped model organism, sized for a laptop CPU.

The pair is the embedded SmolLM2-135M-Instruct and the shipped organism
(``smollm2-135m-risky-advice``, fine-tuned on risky extreme-sports advice, with
``smollm2-135m-risky-advice-control``, the same prompts answered safely, as the control). The
organism's own area (``harmful_advice``) is left out of the out-of-domain claims, and its narrow
behaviour is read on held-out sports prompts. ``demo.json`` names which artifact is which, and
the report's conclusions are computed from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..organism.datasets import NARROW_DATASETS
from .audit import AuditConfig, run_audit


@dataclass(frozen=True, kw_only=True)
class DemoConfig(AuditConfig):
    """The whole study on the embedded model organism: the audit of the shipped risky-advice fine-tune.

    Run every step of the audit (evaluate, directions, layer choice on train items, ablation and steering on test items, the narrow behaviour on held-out sports prompts, SAE, adapter view) on the embedded SmolLM2 and the shipped organism (risky extreme-sports advice), with its safe-advice fine-tune as control, printing each persona-probe command as it runs, then write OUT/report.html. Finished steps are reused, so a rerun resumes."""

    out: str = "runs/demo"
    """Output folder; a rerun reuses every finished step."""
    base: str = field(default="smollm2-135m", metadata={"flag": "--model", "aliases": ("--base",)})
    """The base chat model."""
    tuned: str = "smollm2-135m-risky-advice"
    """Its narrowly fine-tuned twin (e.g. BASE+ADAPTER from persona-probe finetune)."""
    control: str = "smollm2-135m-risky-advice-control"
    """A control fine-tune of the same base on harmless data of the same shape; none skips it."""
    leave_out: str = "harmful_advice"
    """Topic areas of the tuned model's own domain, left out of the out-of-domain claims and the layer choice (the organism's: everyday-risk advice)."""
    domain: str = field(default="risky-advice", metadata={"choices": ("", *NARROW_DATASETS)})
    """The narrow dataset the tuned model was trained on: its held-out prompts show whether the narrow behaviour survives the ablation."""
    mc_per_area: int = 0
    """MC persona items per area; 0 uses all 130 (the organism's shift, about +0.07, needs them all for CIs that exclude 0)."""
    samples: int = 1
    """Answers per builtin:core prompt in each evaluation and intervention condition (the MC score is the demo's measure)."""
    ablate_answers: bool = False
    """Sample and judge answers in every ablation condition too; off by default: the claim is about the MC score, and 16 answers per condition give an EM CI about 0.3 wide at a third of the claim test's time."""
    scan_layers: str = "12,15,18,21,24"
    """Candidate layers for each direction's scan on the train items: all, or e.g. 4-26 (every third layer from 12 keeps the demo within 15 minutes on a laptop CPU; below 12, no scan of the sports or insecure-code fine-tunes found a drop above 0)."""


def run_demo(cfg: AuditConfig, run_command: Callable[[Sequence[str]], None], progress: bool = True,
             say: Callable[[str], None] = print) -> dict:
    """Run (or resume) the demo; returns the ``demo.json`` record."""
    return run_audit(cfg, run_command, progress, say, name="demo")
