"""The ``hf:SPEC`` judge backend: the openai judge's prompts and arithmetic on a local LM."""

from __future__ import annotations

from typing import Sequence

from ...datasets.conversations import Conversation, Message
from ...datasets.rendering import render_conversation
from ...models.loading import load_model
from ...sampling.scoring import next_token_logprobs
from .base import Backend, JudgePrompts, JudgeScore, JudgeSettings, combine, prompt_set, score_from_logprobs


class HFJudge:
    def __init__(self, spec: str, settings: JudgeSettings = JudgeSettings(), device: str = "auto",
                 batch_size: int = 8, top_k: int = 20):
        self.model = load_model(spec, device=device)
        self.name = f"hf:{spec}"
        self.own_prompts = prompt_set(settings.prompts)
        self.prompts = self.own_prompts.name
        self.batch_size = batch_size
        self.top_k = top_k

    def score(self, pairs: Sequence[tuple[str, str]],
              prompts: Sequence[JudgePrompts | None] | None = None) -> list[JudgeScore]:
        chosen = prompts or [None] * len(pairs)
        asked = [text for (q, a), own in zip(pairs, chosen) for text in (own or self.own_prompts).render(q, a)]
        tops = self.top_logprobs(asked)
        return [combine(score_from_logprobs(tops[2 * i]), score_from_logprobs(tops[2 * i + 1]))
                for i in range(len(pairs))]

    def top_logprobs(self, prompts: Sequence[str]) -> list[dict[str, float]]:
        """Top-k next-token logprobs after each prompt (as a chat user turn)."""
        tok = self.model.tokenizer
        rendered = [render_conversation(Conversation((Message("user", p),), str(i), "judge"), tok)
                    for i, p in enumerate(prompts)]
        out = []
        for logprobs in next_token_logprobs(self.model, rendered, self.batch_size):
            values, indices = logprobs.topk(self.top_k, dim=-1)
            for vals, idx in zip(values.tolist(), indices.tolist()):
                top: dict[str, float] = {}
                for v, i in zip(vals, idx):
                    token = tok.decode([i])
                    top[token] = max(top.get(token, -1e9), v)  # two ids can decode alike
                out.append(top)
        return out


BACKEND = Backend("hf", "hf:MODEL_SPEC", "the openai prompts and arithmetic on a local causal LM (any model spec)",
                  HFJudge, order=30)
