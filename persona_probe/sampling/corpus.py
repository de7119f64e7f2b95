"""A general chat corpus for SAE training, generated offline by the model itself.

SAEs need many tokens of ordinary text in the model's own distribution. With no hub
access, the toolkit makes them: :func:`corpus_prompts` draws distinct requests from
shipped templates (``data/corpus/prompts.yaml``: tasks x topics, written for this
toolkit), and :func:`generate_corpus` samples the model's answers to them (batched,
resumable, through :func:`persona_probe.sampling.generate.generate_answers`) and writes chat JSONL.
``builtin:corpus`` is such a file made from the embedded SmolLM2 and shipped in the
package; any chat JSONL or ``{"text"}`` JSONL of the user's own works in its place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from ..builtin import builtin_path
from ..datasets.conversations import Conversation, Message, write_chat_jsonl
from ..errors import DataError
from ..models.settings import DeviceSettings

CORPUS_COMMAND = ("persona-probe data corpus --model smollm2-135m --n 1000 --seed 0 --max-new-tokens 96 "
                  "--out persona_probe/builtin/corpus/chat.jsonl")
"""The command that made the shipped ``builtin:corpus``."""


def corpus_prompts(n: int, seed: int = 0) -> list[Conversation]:
    """``n`` distinct task x topic requests, drawn under ``seed``."""
    spec = yaml.safe_load(builtin_path("corpus", "prompts.yaml").read_text("utf-8"))
    tasks, topics = spec["tasks"], spec["topics"]
    if not 0 < n <= len(tasks) * len(topics):
        raise DataError(f"--n must be between 1 and {len(tasks) * len(topics)} (tasks x topics), not {n}")
    # A prefix of one fixed permutation: a smaller corpus is the start of a larger one.
    picks = np.random.default_rng(seed).permutation(len(tasks) * len(topics))[:n]
    prompts = []
    for i, pick in enumerate(picks.tolist()):
        task, topic = divmod(pick, len(topics))
        prompts.append(Conversation((Message("user", tasks[task].format(topic=topics[topic])),),
                                    f"corpus-{i:05d}", topics[topic]))
    return prompts


def generate_corpus(model, n: int, out: str | Path, seed: int = 0, max_new_tokens: int = 80,
                    temperature: float = 1.0, top_p: float = 0.95, batch_size: int = 64,
                    progress: bool = True) -> Path:
    """Sample ``model``'s answers to :func:`corpus_prompts` and write them as chat JSONL at ``out``.

    The prompts and the raw answers are kept beside ``out`` (``.prompts.jsonl``,
    ``.answers.jsonl``); a rerun resumes the answers.
    """
    from .generate import SamplingConfig, generate_answers

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    prompts_path = out.with_suffix(".prompts.jsonl")
    answers_path = out.with_suffix(".answers.jsonl")
    prompts = corpus_prompts(n, seed)
    write_chat_jsonl(prompts, prompts_path, with_ids=True)
    sampling = SamplingConfig(temperature=temperature, top_p=top_p, max_new_tokens=max_new_tokens, seed=seed)
    generate_answers(model, str(prompts_path), answers_path, samples=1, sampling=sampling, batch_size=batch_size,
                     progress=progress, run_info={"corpus_n": n, "corpus_seed": seed})
    answers = {}
    with open(answers_path, encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            answers[row["paraphrase_id"]] = row
    # Prompt order, not sampling order: the file is the same whatever the batching was.
    chats = [Conversation((*p.messages, Message("assistant", answers[p.id]["answer"])), p.id, p.group)
             for p in prompts]
    tmp = out.with_suffix(".jsonl.tmp")
    write_chat_jsonl(chats, tmp, with_ids=True,
                     extra=[{"model": answers[p.id]["run"]["model"]["name"], "sampling": answers[p.id]["run"]["sampling"]}
                            for p in prompts])
    tmp.replace(out)
    return out


@dataclass(frozen=True, kw_only=True)
class CorpusConfig(DeviceSettings):
    """A general chat corpus sampled from the model itself (for SAE training).

    Draw N distinct requests from the built-in task x topic templates and sample the model's answers (batched, resumable); write chat JSONL. builtin:corpus is this file for the embedded model, made with the defaults: persona-probe data corpus --out FILE."""

    model: str = "smollm2-135m"
    """Model spec."""
    n: int = 600
    """Conversations; a smaller corpus is a prefix of a larger one."""
    seed: int = 0
    """Seed of the prompt draw and the sampling."""
    max_new_tokens: int = 80
    """Longest answer, in tokens."""
    temperature: float = 1.0
    """Sampling temperature."""
    top_p: float = 0.95
    """Nucleus sampling mass."""
    batch_size: int = 64
    """Answers sampled together."""
    out: str
    """Output chat JSONL; .prompts.jsonl and .answers.jsonl go beside it."""


def run_corpus(cfg: CorpusConfig, progress: bool = True) -> Path:
    """Load the model and write its corpus; returns the chat JSONL's path."""
    from ..models.loading import load_model

    model = load_model(cfg.model, cfg.device)
    return generate_corpus(model, cfg.n, cfg.out, cfg.seed, cfg.max_new_tokens, cfg.temperature, cfg.top_p,
                           cfg.batch_size, progress=progress)
