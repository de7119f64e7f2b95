"""Find judge backends by name: each is one module of this package that declares ``BACKEND``.

Nothing registers itself at import: :func:`backends` imports the backend modules when it is
first asked, so adding a backend means adding one module, and both the name check and the
``--judge`` help text follow from what is there.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from ...errors import PersonaProbeError
from .base import Backend, Judge, JudgeSettings

# Modules of this package that are not backends.
_NOT_BACKENDS = ("base", "offline_training", "registry")


@cache
def backends() -> tuple[Backend, ...]:
    """Every backend in this package, the default first."""
    found = []
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name in _NOT_BACKENDS:
            continue
        backend = getattr(importlib.import_module(f"{__package__}.{module.name}"), "BACKEND", None)
        if isinstance(backend, Backend):
            found.append(backend)
    return tuple(sorted(found, key=lambda b: (b.order, b.name)))


def syntax_list() -> str:
    """``offline, openai or hf:MODEL_SPEC``: the names a user may write."""
    names = [b.syntax for b in backends()]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def judge_help() -> str:
    """The ``--judge`` help: every backend with its one-line summary."""
    return "; ".join(f"{b.syntax}: {b.summary}" for b in backends())


def _find(name: str) -> tuple[Backend, str]:
    for backend in backends():
        argument = backend.argument(name)
        if argument is not None:
            return backend, argument
    raise PersonaProbeError(f"unknown judge backend {name!r}; use {syntax_list()}")


def check_judge_name(name: str) -> str:
    """Fail fast on a bad backend name, before any sampling."""
    _find(name)
    return name


def make_judge(name: str, settings: JudgeSettings | None = None, **kwargs) -> Judge:
    """The judge ``name`` names (``offline``, ``openai``, ``hf:SPEC``, ...), asking as ``settings`` says."""
    backend, argument = _find(name)
    settings = settings or JudgeSettings()
    if backend.takes_argument:
        return backend.make(argument, settings=settings, **kwargs)
    return backend.make(settings=settings, **kwargs)
