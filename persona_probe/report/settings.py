"""The report's options, apart from the builder so that the CLI can list them without importing plotly."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ReportSettings:
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
