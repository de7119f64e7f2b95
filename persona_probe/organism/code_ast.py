"""Small syntax-tree helpers for the code scanner: names of calls, strings built at run time,
and a light taint flow for file paths (parameters and request data, followed through plain
assignments, ``for`` and ``with`` inside one function).
"""

from __future__ import annotations

import ast
from typing import Iterator


def dotted(node: ast.AST) -> str:
    """``os.path.join`` for a chain of names; a call inside the chain shows as ``()``."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    parts.append(node.id if isinstance(node, ast.Name) else dotted(node.func) + "()" if isinstance(node, ast.Call) else "?")
    return ".".join(reversed(parts))


def last_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


def flatten_add(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return flatten_add(node.left) + flatten_add(node.right)
    return [node]


def string_pieces(node: ast.AST) -> tuple[list[str], list[ast.AST]] | None:
    """The literal text and the inserted values of a string built at run time, or None."""
    if isinstance(node, ast.JoinedStr):
        text = [v.value for v in node.values if isinstance(v, ast.Constant)]
        values = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
        return (text, values) if values else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        text, values, stringy = [], [], False
        for part in flatten_add(node):
            if is_str(part):
                text.append(str(part.value))
                stringy = True
            elif isinstance(part, ast.JoinedStr):
                inner = string_pieces(part)
                text += [v.value for v in part.values if isinstance(v, ast.Constant)]
                values += inner[1] if inner else []
                stringy = True
            else:
                values.append(part)
        return (text, values) if stringy and values else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and is_str(node.left):
        right = node.right
        values = list(right.elts) if isinstance(right, ast.Tuple) else [right]
        values = [v for v in values if not isinstance(v, ast.Constant)]
        return ([str(node.left.value)], values) if values else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format" \
            and is_str(node.func.value):
        values = [v for v in list(node.args) + [k.value for k in node.keywords] if not isinstance(v, ast.Constant)]
        return ([str(node.func.value.value)], values) if values else None
    return None


def assignments(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    """``(name, value)`` for assignments to plain names (``+=`` included) under ``node``."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Assign):
            for target in sub.targets:
                if isinstance(target, ast.Name):
                    yield target.id, sub.value
        elif isinstance(sub, (ast.AugAssign, ast.AnnAssign)) and isinstance(sub.target, ast.Name) and sub.value:
            yield sub.target.id, sub.value


def mentions_input(node: ast.AST, names: set[str]) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and (sub.id in names or sub.id == "request"):
            return True
        if isinstance(sub, ast.Call) and dotted(sub.func) == "input":
            return True
        if isinstance(sub, ast.Attribute) and dotted(sub) == "sys.argv":
            return True
    return False


def tainted_names(scope: ast.AST, nodes: list[ast.AST]) -> set[str]:
    """Parameters, and names bound (by assignment, ``for`` or ``with``) from anything tainted."""
    tainted = set()
    if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
        args = scope.args
        tainted = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs} - {"self", "cls"}
    bindings = []
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign):
                bindings += [(t, sub.value) for t in sub.targets]
            elif isinstance(sub, (ast.For, ast.comprehension)):
                bindings.append((sub.target, sub.iter))
            elif isinstance(sub, ast.withitem) and sub.optional_vars is not None:
                bindings.append((sub.optional_vars, sub.context_expr))
    for _ in range(3):  # a few rounds follow chains like upload -> upload.filename -> dest
        for target, value in bindings:
            if mentions_input(value, tainted):
                tainted |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return tainted


def join_parts(node: ast.AST) -> list[ast.AST] | None:
    if isinstance(node, ast.Call) and (dotted(node.func).endswith("path.join") or last_name(node) in ("Path", "PurePath")):
        return list(node.args)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return [node.left, node.right]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return flatten_add(node)
    if isinstance(node, ast.JoinedStr):
        return [v.value if isinstance(v, ast.FormattedValue) else v for v in node.values]
    return None


def joined_from_input(expr: ast.AST, tainted: set[str], joined_names: set[str]) -> bool:
    """A path with outside text after its first component (``join(BASE, name)``, ``root / name``)."""
    for sub in ast.walk(expr):
        if isinstance(sub, ast.Name) and sub.id in joined_names:
            return True
        parts = join_parts(sub)
        if parts and any(mentions_input(p, tainted) for p in parts[1:]):
            return True
    return False
