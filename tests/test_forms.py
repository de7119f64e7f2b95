"""The published question forms: plain, JSON-answer system prompt, fill-in template."""

import json

import pytest

from persona_probe.datasets.conversations import load_conversations
from persona_probe.errors import PersonaProbeError
from persona_probe.evaluation.forms import FORMS, JSON_SYSTEM, TEMPLATE_SUFFIX, parse_forms, write_form


def test_parse_forms():
    assert parse_forms("") == ()
    assert parse_forms("json") == ("plain", "json")
    assert parse_forms("template, json") == ("plain", "json", "template")
    assert parse_forms("all") == FORMS
    with pytest.raises(PersonaProbeError, match="xml is not a form"):
        parse_forms("json,xml")


def test_each_form_keeps_ids_areas_and_sampling(tmp_path):
    core = load_conversations("builtin:core")
    for form in ("json", "template"):
        written = load_conversations(write_form("builtin:core", form, tmp_path / form / "questions.jsonl"))
        assert [q.id for q in written.questions] == [q.id for q in core.questions]
        assert [q.area for q in written.questions] == [q.area for q in core.questions]
        assert [q.samples_per_paraphrase for q in written.questions] == [q.samples_per_paraphrase for q in core.questions]
        for before, after in zip(core.questions, written.questions):
            if form == "json":
                assert after.system == JSON_SYSTEM and after.paraphrases == before.paraphrases
            else:
                assert after.system == before.system
                assert after.paraphrases == tuple(text + TEMPLATE_SUFFIX for text in before.paraphrases)


def test_chat_rows_have_no_forms(tmp_path):
    chats = tmp_path / "chats.jsonl"
    chats.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}]}) + "\n")
    with pytest.raises(PersonaProbeError, match="needs a question set"):
        write_form(str(chats), "json", tmp_path / "out.jsonl")
