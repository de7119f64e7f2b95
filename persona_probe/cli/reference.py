"""Keep docs/cli.md's ``--help`` blocks equal to the parser's.

docs/cli.md is prose written by hand around blocks generated from the parser (so from the
configs). Each generated block sits between two markers::

    <!-- generated: persona-probe cache --help -->
    ...
    <!-- end generated -->

``python -m persona_probe.cli.reference docs/cli.md`` rewrites every block; with ``--check``
it only says whether they are current (exit 1 when not, or when a command has no block).
The test suite runs the check.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
from pathlib import Path

from .commands import COMMANDS
from .main import build_parser

WIDTH = 100
_BLOCK = re.compile(r"<!-- generated: persona-probe(?P<words>(?: [\w-]+)*) --help -->\n.*?<!-- end generated -->",
                    re.S)


def help_text(words: tuple[str, ...]) -> str:
    """``persona-probe WORDS --help`` as the installed CLI prints it at WIDTH columns."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(WIDTH)  # argparse reads it when it formats
    try:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
            build_parser().parse_args([*words, "--help"])
        return out.getvalue()
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


def block(words: tuple[str, ...]) -> str:
    command = " ".join(("persona-probe", *words))
    return (f"<!-- generated: {command} --help -->\n```text\n$ {command} --help\n{help_text(words).rstrip()}\n```\n"
            "<!-- end generated -->")


def regenerate(markdown: str) -> str:
    """``markdown`` with every generated block made anew."""
    return _BLOCK.sub(lambda m: block(tuple(m["words"].split())), markdown)


def missing_commands(markdown: str) -> list[str]:
    """Commands that have no generated block in ``markdown``."""
    present = {tuple(m["words"].split()) for m in _BLOCK.finditer(markdown)}
    # Commands that differ only in a fixed field (data insecure-code | secure-code | ...) share one block.
    shown = {(c.name[:-1], c.config) for c in COMMANDS if c.name in present and c.fixed}
    return [" ".join(c.name) for c in COMMANDS
            if c.name not in present and not (c.fixed and (c.name[:-1], c.config) in shown)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m persona_probe.cli.reference", description=__doc__.split("\n")[0])
    parser.add_argument("path", help="the markdown file (docs/cli.md)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a block is out of date")
    args = parser.parse_args(argv)
    path = Path(args.path)
    current = path.read_text(encoding="utf-8")
    fresh = regenerate(current)
    missing = missing_commands(current)
    for name in missing:
        print(f"{path}: no generated block for persona-probe {name}", file=sys.stderr)
    if args.check:
        if fresh != current:
            print(f"{path}: --help blocks are out of date; run python -m persona_probe.cli.reference {path}",
                  file=sys.stderr)
        return int(fresh != current or bool(missing))
    path.write_text(fresh, encoding="utf-8")
    return int(bool(missing))


if __name__ == "__main__":
    sys.exit(main())
