"""The report's options, apart from the builder so that the CLI can list them without importing plotly."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class ReportSettings:
    """What the report draws, and how much of it."""

    title: str = "persona_probe report"
    """The page title."""
    latents: int = 8
    """SAE latents to draw a card for, per diff (highest rise first)."""
    examples: int = 4
    """Top-activating contexts per latent card, per store."""
    answers: int = 2
    """Example answers shown per steering alpha."""
    attributions: int = 3
    """Latents whose top examples get per-token attribution highlighting, per attribution file."""


@dataclass(frozen=True, kw_only=True)
class ReportConfig(ReportSettings):
    """One self-contained HTML report of whatever the given run folders hold.

    Draw every artifact found under the run folders (evaluations, probes, directions, steering, ablation, SAE diff, examples and attribution) into one HTML file that opens offline. Each section appears only when its data exists; no model is loaded."""

    run_dirs: tuple[str, ...] = field(metadata={"positional": True, "metavar": "RUN_DIR"})
    """Folders (searched recursively) or JSON files."""
    out: str
    """The HTML file to write."""
