"""Frozen config dataclasses become CLI options.

Each field's docstring (the string literal under it) is its ``--help`` text, as in
sparsify. Only plain types are supported: str, int, float, bool and ``str | None``.
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


def add_config_args(parser: argparse.ArgumentParser, cls: type, positional: tuple[str, ...] = ()) -> None:
    """Add one option per field of ``cls``; fields in ``positional`` become arguments."""
    docs = field_docs(cls)
    for f in _fields_most_specific_first(cls):
        help_text = docs.get(f.name, "")
        default = f.default if f.default is not dataclasses.MISSING else None
        kind = str(f.type).replace(" ", "")
        if f.name in positional:
            parser.add_argument(f.name, help=help_text, **_typed(kind))
            continue
        flag = "--" + f.name.replace("_", "-")
        if kind == "bool":
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default, help=help_text)
            continue
        extra = _typed(kind)
        if "choices" in f.metadata:
            extra["choices"] = f.metadata["choices"]
        suffix = f" (default: {default})" if default not in (None, "") else ""
        required = f.default is dataclasses.MISSING
        parser.add_argument(flag, default=default, required=required, help=help_text + suffix,
                            metavar=f.metadata.get("metavar"), **extra)


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
    values = {f.name: getattr(namespace, f.name) for f in dataclasses.fields(cls) if hasattr(namespace, f.name)}
    return cls(**{**values, **overrides})


def _typed(kind: str) -> dict[str, Any]:
    if kind.startswith("int"):
        return {"type": int}
    if kind.startswith("float"):
        return {"type": float}
    return {"type": str}
