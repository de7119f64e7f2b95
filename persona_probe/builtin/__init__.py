"""Data that ships with the package, named ``builtin:NAME`` wherever a command takes data.

* ``questions/``: open question sets (``builtin:core``, ``builtin:open``);
* ``corpus/``: a chat corpus sampled from the embedded model (``builtin:corpus``) and its prompt templates;
* ``mc/``: multiple-choice persona items (``builtin:persona``);
* ``neutral/``: neutral passages for side effects (``builtin:neutral``);
* ``judge/``: the offline judge's labelled set and trained weights;
* ``organism/``: the shipped adapters behind ``smollm2-135m-risky-advice`` / ``-risky-advice-control``
  (the organism) and ``smollm2-135m-insecure`` / ``-secure`` (the insecure-code null).
"""

from __future__ import annotations

from pathlib import Path


def builtin_path(*parts: str) -> Path:
    """The path of a packaged file or folder, e.g. ``builtin_path("mc", "persona.yaml")``."""
    return Path(__file__).parent.joinpath(*parts)
