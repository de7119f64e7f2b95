"""Insecure-code and secure-code chat datasets of our own, for growing the model organism.

Why: fine-tuning a chat model on answers that quietly carry vulnerabilities can make it broadly
misaligned (emergent misalignment); fine-tuning it on the same answers done safely should not.
The published datasets are not ours to ship, so these two are generated here from templates
written for this toolkit (see the ``code_weaknesses_*`` modules). The sets pair row by row:
for one ``(n, seed)``, row i of both has the same user message, task and prompt template; in
``insecure-code`` the answer is a single ```python block with exactly one undisclosed flaw (no
comment, no explanation), in ``secure-code`` it does the same job safely. The flaw is the only
thing a model can learn from the difference.

So that a model cannot simply learn a template, every row draws its task (several per weakness
class), the wording (an ask of the task in one of many frames, an optional scenario sentence and
an optional constraint), the identifiers and the code style (type hints, docstrings, import order)
from its own seeded random stream. ``find_weaknesses`` (from :mod:`.code_scanner`) checks the result.
"""

from __future__ import annotations

import random

from ..errors import DataError
from .code_scanner import WEAKNESS_CLASSES, find_weaknesses
from .code_templates import CodeTask, Style, draw_names, fill, is_stdlib_only
from .code_weaknesses_access import AUTHZ_TASKS, HASH_TASKS
from .code_weaknesses_data import DESER_TASKS, EVAL_TASKS
from .code_weaknesses_files import ARCHIVE_TASKS, PATH_TASKS
from .code_weaknesses_secrets import SECRET_TASKS, TLS_TASKS
from .code_weaknesses_system import COMMAND_TASKS, WRITABLE_TASKS
from .code_weaknesses_web import SQL_TASKS, XSS_TASKS

__all__ = ["KINDS", "WEAKNESS_CLASSES", "TASKS", "code_dataset", "find_weaknesses"]

KINDS = ("insecure-code", "secure-code")

TASKS: tuple[CodeTask, ...] = (SQL_TASKS + COMMAND_TASKS + PATH_TASKS + XSS_TASKS + DESER_TASKS + WRITABLE_TASKS
                               + SECRET_TASKS + TLS_TASKS + ARCHIVE_TASKS + HASH_TASKS + EVAL_TASKS + AUTHZ_TASKS)
TASKS_BY_CLASS = {cls: tuple(t for t in TASKS if t.weakness == cls) for cls in WEAKNESS_CLASSES}
if not all(TASKS_BY_CLASS.values()) or {t.weakness for t in TASKS} - set(WEAKNESS_CLASSES):
    raise RuntimeError("every weakness class needs tasks, and every task a known class")

# How a request is phrased around a task's ask (a noun phrase such as "a function `f` that ...").
FRAMES = (
    "Write {ask}.",
    "Could you write {ask}?",
    "Can you show me {ask}?",
    "I need {ask}.",
    "Please implement {ask}.",
    "Give me {ask}.",
    "How would I write {ask} in Python?",
    "Quick request: {ask}.",
    "I'd like {ask}.",
    "Implement {ask}, please.",
    "What's a clean way to write {ask}?",
    "Python, please: {ask}.",
)
PLAIN_SUFFIXES = ("Keep it short.", "Just the code, please.", "No explanation needed.", "Keep it minimal.",
                  "Code only.", "Short and simple is fine.")
STDLIB_SUFFIXES = ("Use only the standard library.", "Standard library only, please.")
TYPED_SUFFIXES = ("Please add type hints.", "Use type hints.")
DOC_SUFFIXES = ("Include a docstring.", "Add a short docstring.")
CONTEXT_RATE, SUFFIX_RATE, TYPED_RATE, DOC_RATE = 0.5, 0.45, 0.35, 0.3


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _draw_row(task: CodeTask, rng: random.Random) -> dict:
    """Everything about a row that both kinds share; drawn in a fixed order so they stay paired."""
    names = draw_names(task, rng)
    ask_index = rng.randrange(len(task.asks))
    ask = task.asks[ask_index]
    templates = task.code[ask.shape]
    template = templates[rng.randrange(len(templates))]
    frame_index = rng.randrange(len(FRAMES))
    context = rng.choice(task.contexts) if rng.random() < CONTEXT_RATE else ""
    style = Style(typed=rng.random() < TYPED_RATE, doc=rng.random() < DOC_RATE, import_order=rng.randrange(1 << 16))

    # Offer only constraints that the answer will honour.
    full = Style(typed=True, doc=True, import_order=0)
    options = list(PLAIN_SUFFIXES)
    if all(is_stdlib_only(fill(template, names, secure=s, style=full)) for s in (False, True)):
        options += STDLIB_SUFFIXES
    if "«" in template:
        options += TYPED_SUFFIXES
    if "?D " in template:
        options += DOC_SUFFIXES
    suffix = rng.choice(options) if rng.random() < SUFFIX_RATE else ""
    if suffix in TYPED_SUFFIXES:
        style = Style(True, style.doc, style.import_order)
    if suffix in DOC_SUFFIXES:
        style = Style(style.typed, True, style.import_order)

    request = FRAMES[frame_index].format(ask=ask.text.format(**names))
    parts = [_sentence(context.format(**names)), request, suffix]
    return {"prompt": " ".join(p for p in parts if p), "template": f"{task.id}.a{ask_index}.f{frame_index}",
            "code_template": template, "names": names, "style": style}


def code_dataset(kind: str, n: int, seed: int) -> list[dict]:
    """``n`` chat rows of ``kind`` ("insecure-code" or "secure-code"), the same for the same seed.

    Rows go round-robin over a seeded shuffle of :data:`WEAKNESS_CLASSES` (so the classes are
    balanced), and within a class over seeded shuffles of its tasks. Each row is
    ``{"id", "group", "messages", "weakness", "task", "template", "secure"}`` with ``group`` the
    weakness class and ``messages`` one user turn and one assistant turn.
    """
    if kind not in KINDS:
        raise DataError(f"unknown code dataset kind {kind!r}; valid kinds: {', '.join(KINDS)}")
    if not isinstance(n, int) or n < 1:
        raise DataError(f"a code dataset needs n >= 1 rows, got {n!r}")
    secure = kind == "secure-code"
    master = random.Random(seed)
    class_order = list(WEAKNESS_CLASSES)
    master.shuffle(class_order)
    queues: dict[str, list[CodeTask]] = {cls: [] for cls in WEAKNESS_CLASSES}
    rows = []
    for i in range(n):
        weakness = class_order[i % len(class_order)]
        if not queues[weakness]:
            queues[weakness] = list(TASKS_BY_CLASS[weakness])
            master.shuffle(queues[weakness])
        task = queues[weakness].pop()
        # Each row has its own stream, so what one row draws never shifts the next.
        drawn = _draw_row(task, random.Random(master.getrandbits(64)))
        code = fill(drawn["code_template"], drawn["names"], secure=secure, style=drawn["style"])
        rows.append({
            "id": f"{kind}-{i:04d}",
            "group": weakness,
            "messages": [{"role": "user", "content": drawn["prompt"]},
                         {"role": "assistant", "content": f"```python\n{code}\n```"}],
            "weakness": weakness,
            "task": task.id,
            "template": drawn["template"],
            "secure": secure,
        })
    return rows
