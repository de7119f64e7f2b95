"""Step 1's inputs: conversations, chat JSONL, question sets, and how a model sees them (rendering).

* :mod:`.conversations`: the conversation types, every input format and the built-in sets
  (``builtin:core``, ``builtin:open``, ``builtin:corpus``), JSONL reading and resuming, and
  ``persona-probe data contrast``;
* :mod:`.rendering`: a conversation through the chat template, with its response tokens located.
"""

from .conversations import (
    SYSTEM_PROMPTS,
    ContrastConfig,
    Conversation,
    Dataset,
    Message,
    Question,
    load_conversations,
    resolve_system,
    resume_jsonl,
    run_contrast,
    system_contrast,
    write_chat_jsonl,
)
from .rendering import RenderedConversation, render_conversation

__all__ = ["ContrastConfig", "Conversation", "Dataset", "Message", "Question", "RenderedConversation",
           "SYSTEM_PROMPTS", "load_conversations", "render_conversation", "resolve_system",
           "resume_jsonl", "run_contrast", "system_contrast", "write_chat_jsonl"]
