"""The direction commands: ``probe`` and ``direction mean-diff | by-label | cosine | project | adapter-view |
from-adapter``.

Each is a config (its fields' docstrings are the ``--help``) and a ``run_*`` that writes the
command's artifact and returns what the CLI prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..activations.store import ActivationStore
from ..artifacts import (
    ADAPTER_VIEW,
    DIRECTION,
    DIRECTION_COSINE,
    PROBE_REPORT,
    PROJECTION_SHIFT,
    atomic_write_json,
    claim_output_file,
    claim_output_folder,
    json_of_kind,
    provenance,
)
from ..models.loading import folder_sha256
from .adapter_view import (
    adapter_directions,
    adapter_folder,
    adapter_identity,
    adapter_view,
    base_n_layers,
    check_writer,
    read_lora_adapter,
)
from .direction import Direction, cosine_table, mean_difference_by_label, mean_difference_of_stores
from .probes import ProbeReport, fit_probes, read_labels
from .projection import projection_shift
from .spec import resolve_direction


@dataclass(frozen=True, kw_only=True)
class LabelledStore:
    """A pooled store and a label for each of its rows."""

    store: str
    """A pooled activation store."""
    labels: str
    """JSONL of {"id": ROW_ID, "label": ...} for every store row."""
    positive: str | None = None
    """The text label that counts as positive (default: misaligned or positive)."""

    def load(self) -> tuple[ActivationStore, list[bool]]:
        store = ActivationStore(self.store)
        return store, read_labels(self.labels, store.rows, self.positive)


@dataclass(frozen=True, kw_only=True)
class ProbeConfig(LabelledStore):
    """Per-layer linear probes on a pooled store (k-fold and group-held-out).

    Logistic-regression and difference-of-means probes at every cached layer."""

    folds: int = 5
    """CV folds."""
    out: str
    """Output folder: cfg.json and the probe direction."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


def run_probe(cfg: ProbeConfig, progress: bool = True) -> ProbeReport:
    """Fit the probes; write OUT/cfg.json (scores per layer) and OUT/direction (the probes' weights)."""
    out = claim_output_folder(cfg.out, PROBE_REPORT, cfg.overwrite)
    store, labels = cfg.load()
    report = fit_probes(store.load(), labels, [r["group"] for r in store.rows], store.layers, folds=cfg.folds,
                        cfg={"model": store.cfg["model"], "store": str(store.path), "data": store.cfg["data"]})
    out.mkdir(parents=True, exist_ok=True)
    report.direction.save(out / "direction")
    atomic_write_json(out / "cfg.json", {"kind": PROBE_REPORT.name, **report.to_dict(), "store": str(store.path),
                                         "model": store.cfg["model"], "labels": str(cfg.labels),
                                         "provenance": provenance()})
    return report


@dataclass(frozen=True, kw_only=True)
class MeanDiffConfig:
    """Difference of means between two pooled stores (tuned vs base, hostile vs helpful).

    mean(positive) - mean(negative) per layer, normalised, saved with provenance."""

    positive: str
    """Store of the positive side (e.g. tuned, or hostile prompt)."""
    negative: str
    """Store of the negative side (e.g. base, or helpful prompt)."""
    out: str
    """Output folder."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


def run_mean_diff(cfg: MeanDiffConfig, progress: bool = True) -> Direction:
    claim_output_folder(cfg.out, DIRECTION, cfg.overwrite)
    direction = mean_difference_of_stores(ActivationStore(cfg.positive), ActivationStore(cfg.negative))
    direction.save(cfg.out)
    return direction


@dataclass(frozen=True, kw_only=True)
class ByLabelConfig(LabelledStore):
    """Difference of means between the labelled parts of one pooled store.

    mean(rows labelled positive) - mean(the rest) per layer, e.g. misaligned vs aligned answers."""

    out: str
    """Output folder."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


def run_by_label(cfg: ByLabelConfig, progress: bool = True) -> Direction:
    claim_output_folder(cfg.out, DIRECTION, cfg.overwrite)
    store, labels = cfg.load()
    direction = mean_difference_by_label(store, labels)
    direction.save(cfg.out)
    return direction


@dataclass(frozen=True, kw_only=True)
class CosineConfig:
    """Cosine similarity between directions, layer by layer, and across layers.

    Per shared layer, the cosine of the first direction with each other one; and the first direction's cosine between adjacent layers."""

    directions: tuple[str, ...] = field(metadata={"positional": True, "metavar": "DIRECTION"})
    """Directions (DIR or SAE_DIR#latent=K); the first is the reference."""
    out: str | None = None
    """Also write the full matrices to this JSON file."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


def run_cosine(cfg: CosineConfig, progress: bool = True) -> dict:
    """The cosine table (written to ``cfg.out`` when given)."""
    if cfg.out:
        claim_output_file(cfg.out, cfg.overwrite, json_of_kind(DIRECTION_COSINE), DIRECTION_COSINE.name)
    table = cosine_table([resolve_direction(spec) for spec in cfg.directions], cfg.directions)
    if cfg.out:
        atomic_write_json(cfg.out, {"kind": DIRECTION_COSINE.name, "directions": list(cfg.directions), **table,
                                    "provenance": provenance()})
    return table


@dataclass(frozen=True, kw_only=True)
class ProjectConfig:
    """Projection shift along a direction from one model to another on the same prompts.

    Project each row of two pooled stores of the same rows (e.g. a --tuned pair on neutral prompts) on the direction at every layer; the mean paired shift (tuned - base) with a bootstrap 95% CI, also in units of the base projections' standard deviation."""

    direction: str
    """The direction: DIR, or SAE_DIR#latent=K."""
    base: str
    """Pooled store of the reference model."""
    tuned: str
    """Pooled store of the other model, same rows."""
    out: str
    """JSON file to write."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


def run_project(cfg: ProjectConfig, progress: bool = True) -> dict:
    """:func:`~.projection.projection_shift` of the two stores, written to ``cfg.out``."""
    claim_output_file(cfg.out, cfg.overwrite, json_of_kind(PROJECTION_SHIFT), PROJECTION_SHIFT.name)
    result = projection_shift(ActivationStore(cfg.base), ActivationStore(cfg.tuned), resolve_direction(cfg.direction),
                              str(cfg.direction))
    atomic_write_json(cfg.out, result)
    return result


@dataclass(frozen=True, kw_only=True)
class AdapterViewConfig:
    """Where a LoRA fine-tune writes a direction: each layer's weight update projected on it.

    For every adapted module, the share of its update dW = scaling * B @ A that lies along the direction (o_proj and down_proj write into the residual stream: u^T dW at their layer; q/k/v/gate/up_proj read it: dW u at the layer before), as an enrichment over a random direction's share (1 on average; d_model when all of it lies along u), beside the same for seeded random unit vectors. Reads the adapter's safetensors only."""

    adapter: str
    """The adapter: a PEFT LoRA folder, a shipped organism (smollm2-135m-risky-advice, -risky-advice-control, -insecure, -secure), or BASE+ADAPTER (its adapter part)."""
    direction: str
    """The direction: DIR, or SAE_DIR#latent=K."""
    random: int = 10
    """Random unit vectors per layer for the baseline (their mean and max enrichment); 0 for none."""
    seed: int = 0
    """Seed of the random vectors."""
    out: str
    """JSON file to write."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


def run_adapter_view(cfg: AdapterViewConfig, progress: bool = True) -> dict:
    """:func:`~.adapter_view.adapter_view` of the adapter and the direction, written to ``cfg.out``."""
    claim_output_file(cfg.out, cfg.overwrite, json_of_kind(ADAPTER_VIEW), ADAPTER_VIEW.name)
    adapter = read_lora_adapter(adapter_folder(cfg.adapter))
    result = adapter_view(adapter, resolve_direction(cfg.direction), str(cfg.direction), cfg.random, cfg.seed,
                          adapter_spec=cfg.adapter)
    atomic_write_json(cfg.out, result)
    return result


@dataclass(frozen=True, kw_only=True)
class FromAdapterConfig:
    """A direction from a LoRA adapter's writes into the residual stream: each layer's B vector.

    Per layer with a LoRA on --module, the top left singular vector of its update dW = scaling * B @ A (for rank 1, B itself), unit-normalised, with dW's largest singular value as the layer's norm; a zero vector at layers the adapter leaves alone. B's sign is arbitrary (B @ A = (-B) @ (-A)), so each vector is flipped to agree with --align, or else to make its largest entry positive. Compare it with other directions with direction cosine."""

    adapter: str
    """The adapter: a PEFT LoRA folder, a shipped organism (smollm2-135m-risky-advice, -risky-advice-control, -insecure, -secure), or BASE+ADAPTER (BASE gives the layer count; else the base named in adapter_config.json, else the adapter's last layer)."""
    module: str = "down_proj"
    """The adapted module whose B vectors to read: down_proj or o_proj, the two whose output is added to the residual stream."""
    align: str | None = None
    """A direction (DIR or SAE_DIR#latent=K) to flip each layer's vector towards (a positive cosine), so cosines with it compare."""
    out: str
    """Output folder."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


def run_from_adapter(cfg: FromAdapterConfig, progress: bool = True) -> Direction:
    """:func:`~.adapter_view.adapter_directions` of the adapter, saved to ``cfg.out`` with the adapter's identity."""
    check_writer(cfg.module)
    claim_output_folder(cfg.out, DIRECTION, cfg.overwrite)
    adapter = read_lora_adapter(adapter_folder(cfg.adapter))
    n_layers, layers_from = base_n_layers(cfg.adapter, adapter)
    align = resolve_direction(cfg.align) if cfg.align else None
    # folder_sha256 is the hash a model loaded as BASE+ADAPTER records, so this direction can be matched to it.
    identity = {**adapter_identity(adapter, cfg.adapter), "folder_sha256": folder_sha256(adapter.folder)}
    direction = adapter_directions(adapter, cfg.module, n_layers, align, cfg={
        "adapter": identity, "n_layers_from": layers_from,
        "align": None if cfg.align is None else {"spec": str(cfg.align), "method": align.cfg.get("method")}})
    direction.save(cfg.out)
    return direction
