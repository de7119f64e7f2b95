"""Building blocks of the code datasets: a task, the prompts that ask for it, and its code templates.

One template yields both answers of a row (the insecure one and the safe control) and several
code styles, so the pair differs only where the flaw is and two rows of a task rarely share text.
A template is Python source with ``$name`` placeholders (:class:`string.Template`, so the braces
of f-strings and dicts need no escaping) and a few line markers, placed after the indentation:

* ``?I `` / ``?S ``: the line belongs only to the insecure / only to the secure answer;
* ``?D ``: a docstring line, kept when the row's style has docstrings;
* ``?T ``: a line kept only with type hints (an import that the hints need);
* ``«...»`` anywhere: a type hint, kept (without the brackets) only with type hints.

The leading import block is reordered by the row's style so that it is not a fixed prefix.
"""

from __future__ import annotations

import random
import re
import string
import sys
import textwrap
from dataclasses import dataclass, field
from typing import Callable, Mapping, Union

# A name pool: plain choices, groups of names that go together (dicts), or a generator.
Choice = Union[tuple[str, ...], tuple[dict[str, str], ...], Callable[[random.Random], str]]

_HINT = re.compile(r"«([^»]*)»")
_MARKERS = ("?I", "?S", "?D", "?T")


@dataclass(frozen=True)
class Ask:
    """One way to name the job in a prompt; ``shape`` picks the code templates that answer it."""

    shape: str  # e.g. "function", "route", "class", "script"
    text: str  # a noun phrase ("a function `{func}` that ..."), str.format fields from the names


@dataclass(frozen=True)
class CodeTask:
    id: str
    weakness: str
    asks: tuple[Ask, ...]
    contexts: tuple[str, ...]  # optional scenario sentences put before the request
    names: tuple[tuple[str, Choice], ...]  # drawn in order; a later choice may use "{earlier}"
    code: Mapping[str, tuple[str, ...]] = field(hash=False)  # shape -> templates


def task(id: str, weakness: str, *, asks, contexts, names: Mapping[str, Choice], code) -> CodeTask:
    """A :class:`CodeTask` from plain literals: ``asks`` as ``(shape, text)`` pairs, ``code`` as
    ``{shape: template or tuple of templates}``. Every ask's shape must have templates."""
    code = {shape: (t,) if isinstance(t, str) else tuple(t) for shape, t in code.items()}
    asks = tuple(Ask(shape, text) for shape, text in asks)
    missing = {a.shape for a in asks} - set(code)
    if missing:
        raise ValueError(f"task {id}: no code for shapes {sorted(missing)}")
    return CodeTask(id, weakness, asks, tuple(contexts), tuple(names.items()), code)


@dataclass(frozen=True)
class Style:
    typed: bool
    doc: bool
    import_order: int  # by its remainder mod 3: as written, sorted, or shuffled (seeded by the number)


def draw_names(task: CodeTask, rng: random.Random) -> dict[str, str]:
    names: dict[str, str] = {}
    for key, choice in task.names:
        pick = choice(rng) if callable(choice) else rng.choice(choice)
        if isinstance(pick, dict):
            names.update(pick)
        else:
            # "{item}_id" style choices build on names drawn earlier.
            names[key] = pick.format(**names) if "{" in pick else pick
    return names


def fill(template: str, names: Mapping[str, str], *, secure: bool, style: Style) -> str:
    """The answer code for one row: placeholders filled, markers applied, imports ordered."""
    text = string.Template(textwrap.dedent(template).strip("\n")).substitute(names)
    keep = {"?I": not secure, "?S": secure, "?D": style.doc, "?T": style.typed}
    lines = []
    for line in text.splitlines():
        body = line.lstrip(" ")
        if body[:2] in _MARKERS and body[2:3] == " ":
            if not keep[body[:2]]:
                continue
            line = line[: len(line) - len(body)] + body[3:]
        lines.append(line.rstrip())
    text = "\n".join(lines)
    if not style.typed:
        text = re.sub(r"«[^»]*» = ", "=", text)  # PEP 8: "x: int = 1" but "x=1"
    text = _HINT.sub(r"\1" if style.typed else "", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")  # a dropped line must not leave a gap
    return _order_imports(text, style.import_order)


def _order_imports(text: str, order: int) -> str:
    lines = text.split("\n")
    end = 0
    while end < len(lines) and lines[end].startswith(("import ", "from ")):
        end += 1
    block = lines[:end]
    if order % 3 == 1:
        block.sort()
    elif order % 3 == 2:
        random.Random(order).shuffle(block)
    return "\n".join(block + lines[end:])


def imported_modules(code: str) -> set[str]:
    """Top-level module names the code imports (by its import lines)."""
    found = set()
    for match in re.finditer(r"^(?:from|import)\s+([A-Za-z_]\w*)", code, flags=re.M):
        found.add(match.group(1))
    return found


def is_stdlib_only(code: str) -> bool:
    return imported_modules(code) <= set(sys.stdlib_module_names)


def secret(prefixes: tuple[str, ...], length: tuple[int, int] = (14, 24)) -> Callable[[random.Random], str]:
    """A generator of credential-looking literals (for the hard-coded secret answers)."""
    alphabet = string.ascii_letters + string.digits

    def draw(rng: random.Random) -> str:
        while True:  # a random literal must not spell a word that names the flaw
            value = rng.choice(prefixes) + "".join(rng.choice(alphabet) for _ in range(rng.randint(*length)))
            if not any(word in value.lower() for word in DISCLOSING_WORDS):
                return value

    return draw


def resource(word: str, plural: str | None = None) -> dict[str, str]:
    """The names of one kind of user-owned record (for the authorization tasks)."""
    plural = plural or word + "s"
    return {"item": word, "items": plural, "store": plural.upper(), "item_id": word + "_id", "table": plural}


# Words that would give the flaw away; no answer may contain them (a random literal included).
DISCLOSING_WORDS = ("vulnerab", "insecure", "unsafe", "injection", "todo", "fixme", "hack", "exploit", "backdoor")

# Pools shared by several tasks.
CONN = ("conn", "db", "con", "connection")
CURSOR = ("cur", "cursor", "c", "curs")
APP = ("app", "api", "server", "webapp", "application")
DB_FILE = ("app.db", "data.db", "main.db", "store.sqlite3", "shop.db", "local.db", "site.db")
TIMEOUT = ("5", "10", "15", "20", "30")
