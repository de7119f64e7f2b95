"""Every ``persona-probe`` command: its name, its config, the library function that runs it,
what it prints and the artifact it writes.

A command's options, ``--help`` and description all come from its config dataclass
(:mod:`persona_probe.configs`); this table only says which config goes with which name.
Adding a command means writing its config and ``run_*`` beside the code they drive, and one
line here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .. import artifacts
from ..activations.bench import BenchCacheConfig, run_bench_cache
from ..activations.cache import CacheConfig, run_cache
from ..activations.store import StoreInfoConfig, StoreVerifyConfig, run_store_info, run_store_verify
from ..datasets.conversations import ContrastConfig, run_contrast
from ..directions import commands as direction_commands
from ..evaluation.agreement import CompareJudgesConfig, run_compare_judges
from ..evaluation.evaluate import CompareConfig, EvaluateConfig, JudgeConfig, run_compare, run_judge
from ..evaluation.mc_contrast import MCContrastConfig, run_mc_contrast
from ..interventions.claims import AblateConfig, SteerConfig, run_ablate, run_steer
from ..interventions.layer_scan import LayerScanConfig, run_layer_scan
from ..interventions.orthogonalize import OrthogonalizeConfig, run_orthogonalize
from ..interventions.weight_steering import BakeSteeringConfig, run_bake_steering
from ..organism.datasets import (
    NARROW_DATASETS,
    NarrowDataConfig,
    NarrowScanConfig,
    run_narrow_dataset,
    run_narrow_scan,
)
from ..organism.finetune import FinetuneConfig, run_finetune
from ..organism.in_domain import evaluate_excluding_domain
from ..organism.screen import ScreenConfig, run_screen
from ..report import ReportConfig, run_report
from ..sae.attribution import SAEAttributeConfig, run_sae_attribute
from ..sae.bench import SAEBenchConfig, run_sae_bench
from ..sae.diff import SAEDiffConfig, run_sae_diff
from ..sae.examples import SAEExamplesConfig, run_sae_examples
from ..sae.train import SAETrainConfig, run_sae_train
from ..sampling.corpus import CorpusConfig, run_corpus
from ..sampling.generate import BenchGenerateConfig, GenerateConfig, run_bench_generate, run_generate
from . import output
from .audit import AuditConfig
from .demo import DemoConfig


@dataclass(frozen=True)
class Command:
    """One command line: ``persona-probe NAME...``."""

    name: tuple[str, ...]
    """The words after ``persona-probe``, e.g. ("direction", "mean-diff")."""
    config: type
    """The config dataclass: its fields are the options, its docstring the description."""
    run: Callable[..., Any]
    """``run(cfg, progress=...)``: does the work, writes the artifact, returns the result."""
    show: Callable[[Any, Any], str]
    """``show(cfg, result)``: the text printed when it is done."""
    writes: artifacts.ArtifactKind | None = None
    """The kind of artifact it writes (None for files that are not artifacts: data, answers, text)."""
    fixed: dict[str, Any] = field(default_factory=dict)
    """Config fields the command sets itself (not options)."""
    help: str | None = None
    """One-line help, when not the config docstring's first line (configs shared by several commands)."""
    data_parallel: bool = False
    """Whether it may run under torchrun, one process per GPU."""


# Groups of commands (``persona-probe GROUP ACTION``) and their one-line help.
GROUPS = {
    "bench": "benchmarks against a same-run baseline",
    "direction": "make or compare directions (per-layer unit vectors)",
    "data": "build datasets",
    "sae": "sparse autoencoders on cached activations (through SAELens)",
    "store": "inspect or verify an activation store",
}

COMMANDS: tuple[Command, ...] = (
    Command(("cache",), CacheConfig, run_cache, output.cache, artifacts.ACTIVATION_STORE, data_parallel=True),
    Command(("bench", "cache"), BenchCacheConfig, run_bench_cache, output.bench_cache),
    Command(("bench", "generate"), BenchGenerateConfig, run_bench_generate, output.bench_generate),
    Command(("bench", "sae"), SAEBenchConfig, run_sae_bench, output.bench_sae),
    Command(("generate",), GenerateConfig, run_generate, output.generate, data_parallel=True),
    Command(("judge",), JudgeConfig, run_judge, output.judge),
    Command(("evaluate",), EvaluateConfig, evaluate_excluding_domain, output.evaluate, artifacts.EVALUATION),
    Command(("compare",), CompareConfig, run_compare, output.compare),
    Command(("compare-judges",), CompareJudgesConfig, run_compare_judges, output.compare_judges),
    Command(("probe",), direction_commands.ProbeConfig, direction_commands.run_probe, output.probe,
            artifacts.PROBE_REPORT),
    Command(("direction", "mean-diff"), direction_commands.MeanDiffConfig, direction_commands.run_mean_diff,
            output.mean_diff, artifacts.DIRECTION),
    Command(("direction", "by-label"), direction_commands.ByLabelConfig, direction_commands.run_by_label,
            output.by_label, artifacts.DIRECTION),
    Command(("direction", "cosine"), direction_commands.CosineConfig, direction_commands.run_cosine, output.cosine,
            artifacts.DIRECTION_COSINE),
    Command(("direction", "project"), direction_commands.ProjectConfig, direction_commands.run_project,
            output.project, artifacts.PROJECTION_SHIFT),
    Command(("direction", "adapter-view"), direction_commands.AdapterViewConfig, direction_commands.run_adapter_view,
            output.adapter_view, artifacts.ADAPTER_VIEW),
    Command(("direction", "from-adapter"), direction_commands.FromAdapterConfig, direction_commands.run_from_adapter,
            output.from_adapter, artifacts.DIRECTION),
    Command(("direction", "layer-scan"), LayerScanConfig, run_layer_scan, output.layer_scan, artifacts.LAYER_SCAN),
    Command(("ablate",), AblateConfig, run_ablate, output.ablate, artifacts.ABLATE_RUN),
    Command(("steer",), SteerConfig, run_steer, output.steer, artifacts.STEER_RUN),
    Command(("orthogonalize",), OrthogonalizeConfig, run_orthogonalize, output.orthogonalize,
            artifacts.ORTHOGONALIZED_MODEL),
    Command(("bake-steering",), BakeSteeringConfig, run_bake_steering, output.bake_steering, artifacts.STEERED_MODEL),
    Command(("data", "contrast"), ContrastConfig, run_contrast, output.contrast),
    Command(("data", "mc-contrast"), MCContrastConfig, run_mc_contrast, output.mc_contrast),
    Command(("data", "corpus"), CorpusConfig, run_corpus, output.corpus),
    Command(("data", "scan"), NarrowScanConfig, run_narrow_scan, output.narrow_scan, artifacts.NARROW_SCAN),
    *(Command(("data", kind), NarrowDataConfig, run_narrow_dataset, output.narrow_dataset, fixed={"kind": kind},
              help=what) for kind, what in NARROW_DATASETS.items()),
    Command(("audit",), AuditConfig, None, output.audit, artifacts.AUDIT),  # run: main's, which can run the steps
    Command(("demo",), DemoConfig, None, output.demo, artifacts.DEMO),  # the audit of the shipped organism
    Command(("finetune",), FinetuneConfig, run_finetune, output.finetune, artifacts.FINETUNE),
    Command(("screen",), ScreenConfig, run_screen, output.screen, artifacts.SCREEN),
    Command(("sae", "train"), SAETrainConfig, run_sae_train, output.sae_train, artifacts.SPARSE_AUTOENCODER),
    Command(("sae", "diff"), SAEDiffConfig, run_sae_diff, output.sae_diff, artifacts.SAE_DIFF),
    Command(("sae", "attribute"), SAEAttributeConfig, run_sae_attribute, output.sae_attribute,
            artifacts.SAE_ATTRIBUTION),
    Command(("sae", "examples"), SAEExamplesConfig, run_sae_examples, output.sae_examples, artifacts.SAE_EXAMPLES),
    Command(("report",), ReportConfig, run_report, output.report),
    Command(("store", "info"), StoreInfoConfig, run_store_info, output.store_info),
    Command(("store", "verify"), StoreVerifyConfig, run_store_verify, output.store_verify),
)
