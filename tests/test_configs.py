"""Configs become commands: options, help, positional and repeated arguments, exclusive groups, fixed fields."""

import argparse
from dataclasses import dataclass, field

import pytest

from persona_probe.configs import add_config_args, command_help, config_from_args


@dataclass(frozen=True, kw_only=True)
class ToyConfig:
    """Do a toy thing.

    A longer description of the toy thing."""

    paths: tuple[str, ...] = field(metadata={"positional": True, "metavar": "PATH"})
    """Paths to read."""
    store: tuple[str, ...] = field(default=(), metadata={"repeat": True})
    """A store (repeat for several)."""
    latents: str | None = field(default=None, metadata={"exclusive": "pick"})
    """Latents, e.g. 1,2."""
    from_file: str | None = field(default=None, metadata={"exclusive": "pick", "flag": "--from"})
    """A ranking file."""
    kind: str = "a"
    """Set by the command."""
    count: int = 3
    """How many."""
    ratio: float | None = None
    """An optional ratio."""
    verbose: bool = False
    """Say more."""
    extra: str = field(default="x", metadata={"help_extra": lambda: "One of: x, y."})
    """Extra."""


def _parser(**kwargs) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="toy")
    add_config_args(parser, ToyConfig, **kwargs)
    return parser


def test_a_command_line_becomes_the_config():
    args = _parser(fixed=("kind",)).parse_args(["a", "b", "--store", "s1", "--store", "s2", "--from", "f.json",
                                                "--count", "5", "--ratio", "0.5", "--verbose"])
    cfg = config_from_args(ToyConfig, args, kind="z")
    assert cfg == ToyConfig(paths=("a", "b"), store=("s1", "s2"), from_file="f.json", kind="z", count=5, ratio=0.5,
                            verbose=True)


def test_defaults_fill_what_is_not_given():
    cfg = config_from_args(ToyConfig, _parser().parse_args(["a"]))
    assert cfg == ToyConfig(paths=("a",))


def test_exclusive_options_are_refused_together(capsys):
    with pytest.raises(SystemExit) as exit_info:
        _parser().parse_args(["a", "--latents", "1", "--from", "f.json"])
    assert exit_info.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_help_is_the_docstrings(capsys):
    with pytest.raises(SystemExit):
        _parser(fixed=("kind",)).parse_args(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "How many. (default: 3)" in text and "Extra. One of: x, y. (default: x)" in text
    assert "--kind" not in text  # fixed by the command
    assert command_help(ToyConfig) == ("do a toy thing", "Do a toy thing. A longer description of the toy thing.")
