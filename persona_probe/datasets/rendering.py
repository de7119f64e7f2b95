"""Chat rendering: a conversation as the model sees it, with its response tokens located.

Every step that runs a model on conversations (caching, sampling, scoring, fine-tuning,
judging) renders them here, so they all see the same tokens.
"""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass
from typing import Sequence

import torch

from ..errors import DataError, ModelSpecError
from .conversations import Conversation


@dataclass(frozen=True)
class RenderedConversation:
    """A conversation as the model sees it."""

    text: str
    """The exact text the chat template produced (system prompts it adds included)."""
    input_ids: Sequence[int]
    """Its tokens, as a compact ``array("i")``: a cache holds every row's ids for the whole run, and a tuple
    of Python ints costs nine times the memory."""
    last_prompt: int
    """Index of the last token before the response (the generation-prompt's end)."""
    response_start: int | None
    """First token of the final assistant message's content, or None without one."""
    response_end: int | None
    """One past its last token."""

    @property
    def n_tokens(self) -> int:
        return len(self.input_ids)


def render_conversation(conv: Conversation, tokenizer) -> RenderedConversation:
    """Apply the chat template and find the response tokens by character offsets.

    A plain-text row is tokenized as it is (with the tokenizer's own special tokens, e.g. BOS).
    """
    if conv.is_text:
        text = conv.messages[0].content
        ids = tokenizer(text)["input_ids"]
        if not ids:
            raise DataError(f"{conv.source or conv.id}: the text renders to no tokens")
        return RenderedConversation(text, array("i", ids), len(ids) - 1, None, None)
    messages = conv.as_dicts()
    try:
        if conv.has_response:
            prompt = tokenizer.apply_chat_template(messages[:-1], tokenize=False, add_generation_prompt=True)
            text = tokenizer.apply_chat_template(messages, tokenize=False)
        else:
            prompt = text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    except Exception as err:  # jinja raises its own errors for templates that reject a role order
        raise DataError(f"{conv.source or conv.id}: the chat template cannot render this conversation: {err}") from None
    if not text.startswith(prompt):
        raise ModelSpecError(
            f"{conv.source or conv.id}: the chat template renders the prompt differently once the "
            "answer is added, so response tokens cannot be located; pass --chat-template with a plain template"
        )
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = encoding["input_ids"], encoding["offset_mapping"]
    if not ids:
        raise DataError(f"{conv.source or conv.id}: the conversation renders to no tokens")
    prompt_tokens = [i for i, (start, _) in enumerate(offsets) if start < len(prompt)]
    last_prompt = prompt_tokens[-1] if prompt_tokens else 0
    start = end = None
    if conv.has_response:
        content = conv.messages[-1].content
        begin = text.find(content, len(prompt)) if content else -1
        if begin >= 0:
            finish = begin + len(content)
            inside = [i for i, (s, e) in enumerate(offsets) if s < finish and e > begin]
            if inside:
                start, end = inside[0], inside[-1] + 1
    return RenderedConversation(text, array("i", ids), last_prompt, start, end)


def rendered_sha256(rendered: Sequence[RenderedConversation]) -> str:
    """One hash over every rendered text and its tokens: the data the model saw."""
    digest = hashlib.sha256()
    for r in rendered:
        digest.update(r.text.encode("utf-8"))
        digest.update(b"\x00" + ",".join(map(str, r.input_ids)).encode() + b"\n")
    return digest.hexdigest()


def right_pad(rendered: Sequence[RenderedConversation], pad_token_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids padded on the right, and the attention mask. Causal attention means
    right padding never changes the real tokens' activations."""
    longest = max(r.n_tokens for r in rendered)
    ids = torch.full((len(rendered), longest), pad_token_id, dtype=torch.long)
    mask = torch.zeros((len(rendered), longest), dtype=torch.long)
    for b, r in enumerate(rendered):
        ids[b, : r.n_tokens] = torch.tensor(r.input_ids)
        mask[b, : r.n_tokens] = 1
    return ids, mask
