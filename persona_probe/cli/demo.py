"""``persona-probe demo``: the audit (:mod:`.audit`) of the shipped model organism, sized for a laptop CPU.

The pair is the embedded SmolLM2-135M-Instruct and the shipped organism
(``smollm2-135m-insecure``, with ``smollm2-135m-secure`` as the control fine-tune). No built-in
question or MC item is about code, so every item is out of the organism's domain and nothing is
left out. ``demo.json`` names which artifact is which, and the report's conclusions are computed
from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from .audit import AuditConfig, run_audit


@dataclass(frozen=True, kw_only=True)
class DemoConfig(AuditConfig):
    """The whole study on the embedded model organism: the audit of the shipped insecure-code fine-tune.

    Run every step of the audit (evaluate, directions, layer choice on train items, ablation and steering on test items, SAE, adapter view) on the embedded SmolLM2 and the shipped insecure-code organism, with the secure-code fine-tune as control, printing each persona-probe command as it runs, then write OUT/report.html. Finished steps are reused, so a rerun resumes."""

    out: str = "runs/demo"
    """Output folder; a rerun reuses every finished step."""
    base: str = field(default="smollm2-135m", metadata={"flag": "--model", "aliases": ("--base",)})
    """The base chat model."""
    tuned: str = "smollm2-135m-insecure"
    """Its narrowly fine-tuned twin (e.g. BASE+ADAPTER from persona-probe finetune)."""
    control: str = "smollm2-135m-secure"
    """A control fine-tune of the same base on harmless data of the same shape; none skips it."""
    scan_layers: str = "6,9,12,15,18,21,24"
    """Candidate layers for each direction's scan on the train items: all, or e.g. 4-26 (every third layer keeps the demo within 15 minutes on a laptop CPU)."""


def run_demo(cfg: AuditConfig, run_command: Callable[[Sequence[str]], None], progress: bool = True,
             say: Callable[[str], None] = print) -> dict:
    """Run (or resume) the demo; returns the ``demo.json`` record."""
    return run_audit(cfg, run_command, progress, say, name="demo")
