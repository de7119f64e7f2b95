"""SAELens's training classes by architecture name, and the one sparsity knob each takes.

No registry at import: :func:`training_sae` builds the one asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import PersonaProbeError
from ..models.settings import DeviceSettings

ARCHITECTURES = ("topk", "batchtopk", "standard", "jumprelu")


@dataclass(frozen=True, kw_only=True)
class SAEArchitecture:
    """The SAE and its optimiser."""

    arch: str = field(default="topk", metadata={"choices": ARCHITECTURES})
    """SAE architecture, as SAELens trains it."""
    width: int = 4096
    """Number of latents."""
    k: int = 32
    """Active latents per row (topk), or per row on average over a batch (batchtopk)."""
    sparsity_coefficient: float = 5.0
    """L1 coefficient (standard) or L0 coefficient (jumprelu)."""
    lr: float = 3e-4
    """Adam learning rate (constant)."""
    seed: int = 0
    """Seed for the initial weights and the data order."""


# The device comes after the architecture, as SAE records have always listed it.
@dataclass(frozen=True, kw_only=True)
class SAESettings(DeviceSettings, SAEArchitecture):
    """The SAE, its optimiser and the device, as ``sae train`` and ``bench sae`` both take them."""


def training_sae(arch: str, d_in: int, width: int, k: int, sparsity_coefficient: float, metadata: dict,
                 device: str = "cpu", normalize_activations: str = "none"):
    """A fresh SAELens training SAE of architecture ``arch``.

    ``k`` is the number of active latents for ``topk`` and ``batchtopk`` (per row, or per row on
    average over the batch); ``sparsity_coefficient`` is the L1 coefficient of ``standard`` and the
    L0 coefficient of ``jumprelu``.
    """
    import sae_lens
    from sae_lens.saes.sae import SAEMetadata

    common = dict(d_in=d_in, d_sae=width, metadata=SAEMetadata(**metadata), dtype="float32", device=device,
                  normalize_activations=normalize_activations)
    if arch == "topk":
        return sae_lens.TopKTrainingSAE(sae_lens.TopKTrainingSAEConfig(k=k, **common))
    if arch == "batchtopk":
        return sae_lens.BatchTopKTrainingSAE(sae_lens.BatchTopKTrainingSAEConfig(k=k, **common))
    if arch == "standard":
        return sae_lens.StandardTrainingSAE(sae_lens.StandardTrainingSAEConfig(l1_coefficient=sparsity_coefficient,
                                                                               **common))
    if arch == "jumprelu":
        return sae_lens.JumpReLUTrainingSAE(sae_lens.JumpReLUTrainingSAEConfig(l0_coefficient=sparsity_coefficient,
                                                                               **common))
    raise PersonaProbeError(f"unknown SAE architecture {arch!r}; choose from {', '.join(ARCHITECTURES)}")
