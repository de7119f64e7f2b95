"""Frozen config dataclasses become CLI commands.

Each field's docstring (the string literal under it) is its ``--help`` text, as in
sparsify, and the class docstring is the command's description (its first line the
one-line help). Field types: str, int, float, bool, ``X | None`` of those, and
``tuple[str, ...]`` for repeated or positional lists.

Field ``metadata`` refines the option:

* ``choices``: the allowed values;
* ``metavar``: the placeholder in ``--help``;
* ``help_extra``: a function whose text is appended to the help when the parser is built
  (help that depends on what is installed, such as the judge backends);
* ``positional``: an argument rather than an option (``nargs="+"`` for a tuple);
* ``repeat``: a tuple option given once per value (``--store A --store B``);
* ``flag``: the option's name when it is not the field's (``--from`` for ``from_file``);
* ``aliases``: further option names that set the same field;
* ``exclusive``: a group name; at most one option of a group may be given.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import inspect
import textwrap
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")


@lru_cache(maxsize=None)
def field_docs(cls: type) -> dict[str, str]:
    """Map each field to the docstring written under it (in ``cls`` or a dataclass it extends)."""
    docs: dict[str, str] = {}
    for base in reversed(cls.__mro__):
        if dataclasses.is_dataclass(base) and "__dataclass_fields__" in vars(base):
            docs.update(_own_field_docs(base))
    return docs


def _own_field_docs(cls: type) -> dict[str, str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs = {}
    for node, after in zip(body, body[1:]):
        if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)):
            docs[node.target.id] = " ".join(after.value.value.split())
    return docs


def command_help(cls: type) -> tuple[str, str]:
    """A command's one-line help and its description, from the config class's docstring."""
    doc = inspect.getdoc(cls) or ""
    paragraphs = [" ".join(p.split()) for p in doc.split("\n\n") if p.strip()]
    if not paragraphs:
        return "", ""
    short = paragraphs[0].rstrip(".")
    if len(short) > 1 and short[1].islower():  # "Cache ..." lists as "cache ...", "SAE ..." stays
        short = short[0].lower() + short[1:]
    return short, " ".join(paragraphs)


def flag_of(field: dataclasses.Field) -> str:
    """The option that sets ``field``: ``--max-new-tokens`` for ``max_new_tokens``."""
    return field.metadata.get("flag") or "--" + field.name.replace("_", "-")


def add_config_args(parser: argparse.ArgumentParser, cls: type, fixed: tuple[str, ...] = ()) -> None:
    """Add one argument per field of ``cls``; fields in ``fixed`` are set by the command, not the user."""
    docs = field_docs(cls)
    groups: dict = {}  # exclusive group name -> its argparse group
    for f in _fields_most_specific_first(cls):
        if f.name in fixed:
            continue
        help_text = docs.get(f.name, "")
        if "help_extra" in f.metadata:  # help that depends on what is installed (e.g. the judge backends)
            help_text = f"{help_text} {f.metadata['help_extra']()}".strip()
        default = f.default if f.default is not dataclasses.MISSING else None
        kind = _type_name(f.type)
        is_list = kind.startswith("tuple[")
        if f.metadata.get("positional"):
            extra = {"nargs": "+"} if is_list else {}
            parser.add_argument(f.name, help=help_text, metavar=f.metadata.get("metavar"), **extra, **_typed(kind))
            continue
        exclusive = f.metadata.get("exclusive")
        target = parser
        if exclusive:
            if exclusive not in groups:
                groups[exclusive] = parser.add_mutually_exclusive_group()
            target = groups[exclusive]
        names = (flag_of(f), *f.metadata.get("aliases", ()))
        if kind == "bool":
            target.add_argument(*names, dest=f.name, action=argparse.BooleanOptionalAction, default=default,
                                help=help_text)
            continue
        extra = _typed(kind)
        if "choices" in f.metadata:
            extra["choices"] = f.metadata["choices"]
        if f.metadata.get("repeat"):
            extra["action"] = "append"
            default = None
        suffix = f" (default: {default})" if default not in (None, "", ()) else ""
        required = f.default is dataclasses.MISSING
        metavar = f.metadata.get("metavar") or (flag_of(f).lstrip("-").replace("-", "_").upper()
                                                 if "flag" in f.metadata else None)
        target.add_argument(*names, dest=f.name, default=default, required=required, help=help_text + suffix,
                            metavar=metavar, **extra)


def _fields_most_specific_first(cls: type) -> list[dataclasses.Field]:
    """Fields of ``cls`` ordered so that its own come first, then those of the class it extends, and so on."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    ordered: list[dataclasses.Field] = []
    for klass in cls.__mro__:
        for name in vars(klass).get("__annotations__", {}):
            if name in fields and fields[name] not in ordered:
                ordered.append(fields[name])
    return ordered


def config_from_args(cls: type[T], namespace: argparse.Namespace, **overrides: Any) -> T:
    """The config a parsed command line describes (lists become tuples; ``overrides`` win)."""
    values = {}
    for f in dataclasses.fields(cls):
        if hasattr(namespace, f.name):
            value = getattr(namespace, f.name)
            if isinstance(value, list):
                value = tuple(value)
            if value is None and _type_name(f.type).startswith("tuple[") and f.default is not dataclasses.MISSING:
                value = f.default
            values[f.name] = value
    return cls(**{**values, **overrides})


def _type_name(annotation: Any) -> str:
    """``int``, ``str|None``, ``tuple[str,...]``: the annotation as text, whether it is a string (modules with
    ``from __future__ import annotations``) or the type itself."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", None) \
        if isinstance(annotation, type) else str(annotation)
    return str(text).replace(" ", "")


def _typed(kind: str) -> dict[str, Any]:
    if kind.startswith("int"):
        return {"type": int}
    if kind.startswith("float"):
        return {"type": float}
    return {"type": str}
