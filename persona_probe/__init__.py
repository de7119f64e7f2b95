"""persona_probe: find, test and report the 'misaligned persona' direction in chat models."""

__version__ = "0.1.0"
