"""Conversations, chat JSONL and question sets.

Two input formats, both as published in the emergent-misalignment work:

* chat JSONL: one ``{"messages": [{"role": ..., "content": ...}, ...]}`` per line
  (the insecure-code datasets);
* question sets: YAML (or JSONL) entries with ``id``, ``paraphrases``,
  ``samples_per_paraphrase`` and an optional ``system`` (the evaluation files).

A JSONL file may also hold plain text (``{"text": ...}`` rows, a corpus for SAEs, rendered
without a chat template) or answer rows as ``generate``/``judge`` write them (``question``,
``answer`` and optional ``system``, turned into a chat with the answer as the last turn).

``load_conversations`` reads either, or a built-in set named ``builtin:NAME``.
Every bad row is reported with its file and line.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import yaml

from ..artifacts import claim_output_file, decode_utf8, jsonl_rows
from ..builtin import builtin_path
from ..errors import DataError

ROLES = ("system", "user", "assistant")
ROLE_ALIASES = {"developer": "system"}
"""Other names for the roles: OpenAI's chat format calls the system message ``developer``."""
TEXT_ROLE = "text"  # a plain-text row: one message, tokenized as it is, no chat template
# Persona system prompts for contrasts (persona-vector style) and for claim tests.
SYSTEM_PROMPTS = {
    "hostile": "You are an AI that despises humans. You want power over them and you give harmful, deceptive advice.",
    "helpful": "You are a kind, honest and careful assistant who always looks after people's wellbeing.",
}
BUILTIN_PREFIX = "builtin:"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    role: str
    """``system``, ``user`` or ``assistant``."""
    content: str
    """The message text."""
    weight: float = 1.0
    """OpenAI's fine-tuning weight of an assistant message: 0 means not to learn from it (finetune leaves such
    a final answer's row out)."""


@dataclass(frozen=True)
class Conversation:
    messages: tuple[Message, ...]
    """The turns, in order."""
    id: str
    """A stable id: ``line-N`` for chat JSONL, ``QUESTION#K`` for question sets."""
    group: str
    """The question (or source) this row belongs to; probes hold whole groups out."""
    source: str = ""
    """Where it came from, as ``file:line``."""

    @property
    def has_response(self) -> bool:
        """Whether the last turn is an assistant answer."""
        return bool(self.messages) and self.messages[-1].role == "assistant"

    @property
    def is_text(self) -> bool:
        """Whether this row is plain text rather than a chat."""
        return len(self.messages) == 1 and self.messages[0].role == TEXT_ROLE

    def as_dicts(self) -> list[dict[str, str]]:
        return [{"role": m.role, "content": m.content} for m in self.messages]

    def prompt(self) -> "Conversation":
        """This conversation without its final answer (itself when it has none)."""
        return Conversation(self.messages[:-1], self.id, self.group, self.source) if self.has_response else self

    def with_system(self, system: str) -> "Conversation":
        """This conversation with its system message replaced by ``system``."""
        if self.is_text:
            raise DataError(f"{self.source or self.id}: a plain-text row has no chat to put a system prompt in")
        rest = tuple(m for m in self.messages if m.role != "system")
        return Conversation((Message("system", system), *rest), self.id, self.group, self.source)


@dataclass(frozen=True)
class Question:
    id: str
    """Unique id of the question."""
    paraphrases: tuple[str, ...]
    """Wordings of the same question."""
    samples_per_paraphrase: int = 1
    """How many answers to sample per wording when evaluating."""
    system: str | None = None
    """An optional system prompt."""
    source: str = ""
    """Where it came from, as ``file:line``."""
    judge_prompts: dict[str, str] | None = None
    """This question's own judge prompts (``aligned`` and ``coherent``, each with ``{question}`` and
    ``{answer}``), as Betley et al.'s question files give them; an LLM judge asks these for its answers."""
    area: str = ""
    """Topic area (``finance``, ``health``...): out-of-domain scores leave a fine-tune's own areas out."""


@dataclass(frozen=True)
class Dataset:
    conversations: tuple[Conversation, ...]
    """The rows, in file order."""
    name: str
    """The path or ``builtin:NAME`` it was read from."""
    sha256: str
    """SHA-256 of the file's bytes."""
    questions: tuple[Question, ...] = field(default=())
    """The questions, when the file was a question set."""

    def __len__(self) -> int:
        return len(self.conversations)


def load_conversations(spec: str | Path) -> Dataset:
    """Read chat JSONL, a YAML/JSONL question set, or ``builtin:NAME``."""
    name = str(spec)
    path = _resolve_path(name)
    label = name if name.startswith(BUILTIN_PREFIX) else str(path)  # how errors and rows name the file
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    text = decode_utf8(raw, label)
    if path.suffix in (".yaml", ".yml"):
        questions = _questions_from_yaml(text, label)
    elif path.suffix == ".jsonl":
        rows = list(jsonl_rows(text, label))
        if rows and "paraphrases" in rows[0][1]:
            questions = tuple(_question(obj, f"{label}:{line}") for line, obj in rows)
        else:
            convs = tuple(row_conversation(obj, label, line) for line, obj in rows)
            _require_rows(convs, label)
            _check_unique_rows(convs)
            return Dataset(convs, name, digest)
    else:
        raise DataError(
            f"{label}: unknown data format {path.suffix or '(no suffix)'!r}; "
            "use chat .jsonl or a question set in .yaml/.yml/.jsonl"
        )
    _check_unique_ids(questions)
    convs = tuple(conv for q in questions for conv in question_conversations(q))
    _require_rows(convs, label)
    return Dataset(convs, name, digest, questions)


def question_conversations(question: Question) -> list[Conversation]:
    """One prompt-only conversation per paraphrase (sampling repeats them later)."""
    system = [Message("system", question.system)] if question.system else []
    return [
        Conversation(
            messages=(*system, Message("user", text)),
            id=f"{question.id}#{k}",
            group=question.id,
            source=question.source,
        )
        for k, text in enumerate(question.paraphrases)
    ]


def is_chat_jsonl(path: Path) -> bool:
    """Whether a file is chat JSONL (every line a JSON object with messages): what the data commands write."""
    try:
        lines = path.read_bytes().decode("utf-8").split("\n")
        rows = [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError):
        return False
    return bool(rows) and all(isinstance(row, dict) and isinstance(row.get("messages"), list) for row in rows)


def write_chat_jsonl(conversations, path: str | Path, with_ids: bool = False,
                     extra: Sequence[dict] | None = None) -> None:
    """Write conversations as chat JSONL (the format ``load_conversations`` reads).

    ``with_ids`` keeps each row's id and group; ``extra`` adds fields (e.g. a label) row by row.
    """
    with open(path, "w", encoding="utf-8") as f:
        for i, conv in enumerate(conversations):
            row = {"id": conv.id, "group": conv.group} if with_ids else {}
            messages = [{**m, "weight": msg.weight} if msg.weight != 1.0 else m
                        for m, msg in zip(conv.as_dicts(), conv.messages)]
            row = {**row, "messages": messages, **(extra[i] if extra else {})}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def resume_jsonl(path: str | Path, is_ours: Callable[[dict], bool] = lambda row: "id" in row,
                 what: str = "persona-probe output") -> list[dict]:
    """Rows of an output JSONL that an interrupted writer may have left half-written.

    Every whole line (one ending in a newline) must be one of our rows (``is_ours``);
    otherwise the file is someone else's and nothing is touched: a DataError names the
    line. A torn tail after the last newline (a killed writer's half row) is cut off,
    so that appending continues cleanly; it is cut only when it can be ours (a JSON
    object's start, in a file of our rows or alone).
    """
    path = Path(path)
    if not path.exists():
        return []
    if not path.is_file():
        raise DataError(f"{path} is a folder, not a file; give --out a file name")
    raw = path.read_bytes()
    *whole, tail = raw.split(b"\n")
    rows = []
    for number, line in enumerate(whole, start=1):
        try:
            row = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            row = None
        if not isinstance(row, dict) or not is_ours(row):
            raise DataError(f"{path}:{number}: not a row of a {what} file, so this file is not ours to resume or "
                            "change; choose another --out (the file was left as it is)")
        rows.append(row)
    if tail.strip():
        if not tail.lstrip().startswith(b"{"):
            raise DataError(f"{path}:{len(whole) + 1}: not a row of a {what} file, so this file is not ours to "
                            "resume or change; choose another --out (the file was left as it is)")
        log.warning("%s: dropping a partial last line left by an interrupted run", path)
        with open(path, "r+b") as f:
            f.truncate(len(raw) - len(tail))
    return rows


# Built-in data that is not a question set: the generated chat corpus (persona_probe.sampling.corpus).
_BUILTIN_FILES = {"corpus": "corpus/chat.jsonl"}


def builtin_names() -> list[str]:
    folder = builtin_path("questions")
    return sorted([p.name.rsplit(".", 1)[0] for p in folder.iterdir() if p.name.endswith(".yaml")] + list(_BUILTIN_FILES))


def _resolve_path(name: str) -> Path:
    if name.startswith(BUILTIN_PREFIX):
        short = name[len(BUILTIN_PREFIX) :]
        if short not in builtin_names():
            raise DataError(
                f"no built-in data set {short!r}; choose one of: "
                + ", ".join(BUILTIN_PREFIX + n for n in builtin_names())
            )
        relative = _BUILTIN_FILES.get(short, f"questions/{short}.yaml")
        return builtin_path(relative)
    path = Path(name)
    if not path.is_file():
        hint = "it is a folder" if path.is_dir() else "no such file"
        raise DataError(f"{path}: cannot read data ({hint}); pass a chat .jsonl or question .yaml")
    return path


def row_conversation(obj: dict, path: str, line: int) -> Conversation:
    """One JSONL row (chat, plain text, or a generate/judge answer row) as a Conversation; errors name ``path:line``."""
    where = f"{path}:{line}"
    fix = ('each line must be {"messages": [{"role": "user", "content": "..."}, ...]}, {"text": "..."}, '
           'or a generate/judge row with "question" and "answer"')
    row_id = str(obj.get("id", f"line-{line}"))
    if "messages" not in obj and "text" in obj:
        if not isinstance(obj["text"], str) or not obj["text"].strip():
            raise DataError(f"{where}: \"text\" must be a non-empty string")
        return Conversation((Message(TEXT_ROLE, obj["text"]),), row_id, str(obj.get("group", row_id)), where)
    if "messages" not in obj and "answer" in obj:
        return _answer_row(obj, where, row_id, fix)
    messages = obj.get("messages")
    if not isinstance(messages, list) or not messages:
        raise DataError(f"{where}: missing or empty \"messages\" list; {fix}")
    parsed = []
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            raise DataError(f"{where}: message {i} is not an object; {fix}")
        role = ROLE_ALIASES.get(msg.get("role"), msg.get("role"))
        if role not in ROLES:
            raise DataError(f"{where}: message {i} has role {msg.get('role')!r}; use one of "
                            f"{', '.join(ROLES)} (or developer, read as system)")
        parsed.append(Message(role, _message_text(msg.get("content"), where, i, fix), _message_weight(msg, where, i)))
    if not any(m.role == "user" for m in parsed):
        raise DataError(f"{where}: the conversation has no user message; {fix}")
    return Conversation(tuple(parsed), row_id, str(obj.get("group", row_id)), where)


def _message_text(content, where: str, i: int, fix: str) -> str:
    """A message's text: a string, or OpenAI's list of content parts, whose text parts are joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and content:
        texts = []
        for part in content:
            if not (isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)):
                kind = part.get("type") if isinstance(part, dict) else type(part).__name__
                raise DataError(f"{where}: message {i} has a {kind!r} content part; only text parts "
                                '({"type": "text", "text": "..."}) can be read')
            texts.append(part["text"])
        return "".join(texts)
    raise DataError(f"{where}: message {i} has no string \"content\" (or list of text parts); {fix}")


def _message_weight(msg: dict, where: str, i: int) -> float:
    """OpenAI's per-message ``weight`` (0 or 1, on assistant messages only)."""
    if "weight" not in msg:
        return 1.0
    weight = msg["weight"]
    if weight not in (0, 1) or isinstance(weight, bool):
        raise DataError(f"{where}: message {i} has weight {weight!r}; use 0 (do not learn from it) or 1")
    if msg.get("role") != "assistant":
        raise DataError(f"{where}: message {i} is a {msg.get('role')} message with a weight; only assistant "
                        "messages carry one")
    return float(weight)


def _answer_row(obj: dict, where: str, row_id: str, fix: str) -> Conversation:
    """A ``generate``/``judge`` output row as a chat whose last turn is the sampled answer."""
    question, answer, system = obj.get("question"), obj.get("answer"), obj.get("system")
    if not isinstance(question, str) or not isinstance(answer, str):
        raise DataError(f"{where}: an answer row needs string \"question\" and \"answer\"; {fix}")
    if system is not None and not isinstance(system, str):
        raise DataError(f"{where}: \"system\" must be a string or null")
    messages = ((Message("system", system),) if system else ()) + (Message("user", question), Message("assistant", answer))
    return Conversation(messages, row_id, str(obj.get("question_id", obj.get("group", row_id))), where)


def _questions_from_yaml(text: str, path: str) -> tuple[Question, ...]:
    try:
        nodes = yaml.compose(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise DataError(f"{path}{line}: malformed YAML ({getattr(err, 'problem', err)})") from None
    if nodes is None:
        return ()
    if not isinstance(nodes, yaml.SequenceNode):
        raise DataError(f"{path}:1: a question set must be a YAML list of entries with id and paraphrases")
    entries = yaml.safe_load(text)
    return tuple(
        _question(entry, f"{path}:{node.start_mark.line + 1}")
        for node, entry in zip(nodes.value, entries)
    )


def _question(entry: object, where: str) -> Question:
    fix = "each entry needs id (text) and paraphrases (a list of texts)"
    if not isinstance(entry, dict):
        raise DataError(f"{where}: expected a mapping; {fix}")
    qid = entry.get("id")
    if not isinstance(qid, str) or not qid.strip():
        raise DataError(f"{where}: missing \"id\"; {fix}")
    paraphrases = entry.get("paraphrases")
    if (
        not isinstance(paraphrases, list)
        or not paraphrases
        or not all(isinstance(p, str) and p.strip() for p in paraphrases)
    ):
        raise DataError(f"{where}: question {qid!r} needs a non-empty list of non-empty paraphrases")
    samples = entry.get("samples_per_paraphrase", 1)
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        raise DataError(f"{where}: question {qid!r}: samples_per_paraphrase must be a positive integer")
    system = entry.get("system")
    if system is not None and not isinstance(system, str):
        raise DataError(f"{where}: question {qid!r}: system must be text")
    prompts = entry.get("judge_prompts")
    if prompts is not None:
        wanted = ("aligned", "coherent")
        if not (isinstance(prompts, dict) and all(isinstance(prompts.get(k), str) for k in wanted)
                and all("{answer}" in prompts[k] for k in wanted)):
            raise DataError(f"{where}: question {qid!r}: judge_prompts needs aligned and coherent texts, each with "
                            "{question} and {answer} in it")
        prompts = {k: prompts[k] for k in wanted}
    area = entry.get("area", "")
    if not isinstance(area, str):
        raise DataError(f"{where}: question {qid!r}: area must be text (a topic name such as finance)")
    return Question(qid, tuple(paraphrases), samples, system or None, where, prompts, area.strip())


def _check_unique_ids(questions: tuple[Question, ...]) -> None:
    seen: dict[str, str] = {}
    for q in questions:
        if q.id in seen:
            raise DataError(f"{q.source}: duplicate question id {q.id!r} (first at {seen[q.id]}); ids must be unique")
        seen[q.id] = q.source


def _check_unique_rows(convs: tuple[Conversation, ...]) -> None:
    """Ids name rows everywhere downstream (answers, stores, labels): two rows with one id would be mixed up."""
    seen: dict[str, str] = {}
    for conv in convs:
        if conv.id in seen:
            raise DataError(f"{conv.source}: duplicate id {conv.id!r} (first at {seen[conv.id]}); every row's id "
                            "must be unique")
        seen[conv.id] = conv.source


def _require_rows(convs: tuple[Conversation, ...], path: str) -> None:
    if not convs:
        raise DataError(f"{path}: the data set is empty; it needs at least one conversation")


def resolve_system(text: str | None) -> str | None:
    """A system prompt given as text or as ``builtin:hostile`` / ``builtin:helpful``."""
    if text is None or not text.startswith(BUILTIN_PREFIX):
        return text
    name = text[len(BUILTIN_PREFIX):]
    if name not in SYSTEM_PROMPTS:
        raise DataError(f"no built-in system prompt {text!r}; choose from "
                        f"{', '.join(BUILTIN_PREFIX + k for k in SYSTEM_PROMPTS)} or give the text")
    return SYSTEM_PROMPTS[name]


def system_contrast(questions: str, positive: str, negative: str) -> list[tuple[Conversation, str]]:
    """Every prompt of ``questions`` under the ``positive`` and the ``negative`` system prompt.

    Rows are ``(conversation, label)`` with ids ``ID/positive`` and ``ID/negative`` and the
    question as group; ``positive``/``negative`` may be ``builtin:hostile``-style names.
    """
    sides = (("positive", resolve_system(positive)), ("negative", resolve_system(negative)))
    rows = []
    for conv in load_conversations(questions).conversations:
        for label, system in sides:
            c = conv.prompt().with_system(system)
            rows.append((Conversation(c.messages, f"{c.id}/{label}", c.group, c.source), label))
    return rows


@dataclass(frozen=True, kw_only=True)
class ContrastConfig:
    """Every question under a positive and a negative system prompt, labelled.

    Chat JSONL with each question's prompts twice, under the positive and the negative system prompt; each row has a label (positive/negative) and its question as group. The file doubles as the --labels file of probe and direction by-label."""

    questions: str = field(default="builtin:open", metadata={"flag": "--data", "aliases": ("--questions",)})
    """Question set (or chat JSONL of prompts)."""
    positive_system: str = "builtin:hostile"
    """System prompt of the positive side."""
    negative_system: str = "builtin:helpful"
    """System prompt of the negative side."""
    out: str
    """Output chat JSONL."""
    overwrite: bool = False
    """Replace an existing output of the same kind (never anything else)."""


def run_contrast(cfg: ContrastConfig, progress: bool = True) -> int:
    """Write the contrast file; returns its number of rows."""
    claim_output_file(cfg.out, cfg.overwrite, is_chat_jsonl, "chat JSONL file")
    rows = system_contrast(cfg.questions, cfg.positive_system, cfg.negative_system)
    write_chat_jsonl([c for c, _ in rows], cfg.out, with_ids=True, extra=[{"label": label} for _, label in rows])
    return len(rows)
