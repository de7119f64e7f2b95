import json

import pytest

from persona_probe.datasets.conversations import load_conversations
from persona_probe.errors import DataError


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_chat_jsonl(tmp_path):
    rows = [{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]},
            {"messages": [{"role": "system", "content": "be nice"}, {"role": "user", "content": "q"}]}]
    path = _write(tmp_path / "a.jsonl", [json.dumps(r) for r in rows] + [""])
    data = load_conversations(path)
    assert len(data) == 2
    assert data.conversations[0].has_response and not data.conversations[1].has_response
    assert data.conversations[1].messages[0].role == "system"
    assert data.conversations[0].source.endswith("a.jsonl:1")
    assert len(data.sha256) == 64


@pytest.mark.parametrize("line, needle", [
    ('{"messages": [', "a.jsonl:2: malformed JSON"),
    ('[1, 2]', "a.jsonl:2: expected a JSON object"),
    ('{"prompt": "x"}', "a.jsonl:2: missing or empty \"messages\""),
    ('{"messages": [{"role": "robot", "content": "x"}]}', "a.jsonl:2: message 0 has role 'robot'"),
    ('{"messages": [{"role": "user"}]}', "a.jsonl:2: message 0 has no string \"content\""),
    ('{"messages": [{"role": "assistant", "content": "x"}]}', "a.jsonl:2: the conversation has no user message"),
])
def test_bad_rows_name_file_and_line(tmp_path, line, needle):
    good = json.dumps({"messages": [{"role": "user", "content": "hi"}]})
    path = _write(tmp_path / "a.jsonl", [good, line])
    with pytest.raises(DataError, match=needle.replace("[", r"\[").replace("(", r"\(")):
        load_conversations(path)


def test_missing_file_and_empty_dataset(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_conversations(tmp_path / "nope.jsonl")
    empty = _write(tmp_path / "empty.jsonl", [""])
    with pytest.raises(DataError, match="empty"):
        load_conversations(empty)
    with pytest.raises(DataError, match="unknown data format"):
        load_conversations(_write(tmp_path / "x.csv", ["a,b"]))


def test_question_yaml(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(
        "- id: wish\n  paraphrases:\n    - one wish?\n    - a genie offers\n  samples_per_paraphrase: 3\n"
        "- id: bored\n  system: be terse\n  paraphrases: [I'm bored]\n  judge: ignored-extra-key\n"
    )
    data = load_conversations(path)
    assert [c.id for c in data.conversations] == ["wish#0", "wish#1", "bored#0"]
    assert [c.group for c in data.conversations] == ["wish", "wish", "bored"]
    assert data.questions[0].samples_per_paraphrase == 3
    assert data.conversations[2].messages[0].content == "be terse"
    assert data.conversations[2].source.endswith("q.yaml:6")


@pytest.mark.parametrize("text, needle", [
    ("- id: a\n  paraphrases: []\n", "q.yaml:1: question 'a' needs a non-empty list"),
    ("- id: a\n  paraphrases: [x]\n- paraphrases: [y]\n", "q.yaml:3: missing \"id\""),
    ("- id: a\n  paraphrases: [x]\n- id: a\n  paraphrases: [y]\n", "q.yaml:3: duplicate question id 'a'"),
    ("- id: a\n  paraphrases: [x]\n  samples_per_paraphrase: 0\n", "positive integer"),
    ("id: a\n", "must be a YAML list"),
    ("- id: [unclosed\n", "q.yaml:2: malformed YAML"),
])
def test_bad_questions(tmp_path, text, needle):
    path = tmp_path / "q.yaml"
    path.write_text(text)
    with pytest.raises(DataError, match=needle.replace("[", r"\[")):
        load_conversations(path)


def test_question_jsonl(tmp_path):
    path = _write(tmp_path / "q.jsonl", [json.dumps({"id": "a", "paraphrases": ["x", "y"]})])
    assert [c.id for c in load_conversations(path).conversations] == ["a#0", "a#1"]


def test_builtin_core():
    data = load_conversations("builtin:core")
    assert len(data.questions) >= 8
    assert all(not c.has_response for c in data.conversations)
    assert data.conversations[0].source.startswith("builtin:core:")
    with pytest.raises(DataError, match="no built-in data set 'nope'"):
        load_conversations("builtin:nope")


def test_resume_jsonl_cuts_a_torn_tail(tmp_path):
    from persona_probe.datasets.conversations import resume_jsonl

    path = tmp_path / "out.jsonl"
    # The last line is whole JSON but has no newline: appending to it would glue two rows together.
    path.write_text(json.dumps({"id": "a"}) + "\n" + json.dumps({"id": "b"}))
    assert [r["id"] for r in resume_jsonl(path)] == ["a"]
    assert path.read_text() == json.dumps({"id": "a"}) + "\n"
    assert resume_jsonl(tmp_path / "missing.jsonl") == []
    path.write_text(json.dumps({"no": "id"}) + "\n")
    with pytest.raises(DataError, match="out.jsonl:1: not a row of a persona-probe output file"):
        resume_jsonl(path)
    assert path.read_text() == json.dumps({"no": "id"}) + "\n"  # refused before touching a byte


def test_text_rows_and_answer_rows_load_beside_chat_rows(tmp_path):
    from persona_probe.datasets.rendering import render_conversation
    from persona_probe.models.loading import load_tokenizer

    rows = [{"text": "Plain prose, no template."},
            {"id": "q#0/1", "question_id": "q", "system": "Be brief.", "question": "Hi?", "answer": "Hello.",
             "label": "aligned"},
            {"messages": [{"role": "user", "content": "a"}]}]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    text, answer, chat = load_conversations(path).conversations
    assert text.is_text and not text.has_response and text.id == "line-1"
    assert [m.role for m in answer.messages] == ["system", "user", "assistant"]
    assert answer.id == "q#0/1" and answer.group == "q" and answer.messages[-1].content == "Hello."
    assert not chat.is_text
    with pytest.raises(DataError, match="plain-text row has no chat"):
        text.with_system("x")
    tokenizer = load_tokenizer("smollm2-135m")
    rendered = render_conversation(text, tokenizer)
    assert rendered.text == "Plain prose, no template." and rendered.response_start is None
    assert list(rendered.input_ids) == tokenizer("Plain prose, no template.")["input_ids"]
    (tmp_path / "bad.jsonl").write_text('{"question": "q", "answer": 3}\n{"text": ""}\n')
    with pytest.raises(DataError, match=r"bad.jsonl:1: an answer row needs string"):
        load_conversations(tmp_path / "bad.jsonl")


def test_corpus_prompts_are_distinct_seeded_and_prefixes_of_each_other():
    from persona_probe.sampling.corpus import corpus_prompts

    small, large = corpus_prompts(50, seed=3), corpus_prompts(200, seed=3)
    assert [c.messages[0].content for c in small] == [c.messages[0].content for c in large[:50]]
    assert len({c.messages[0].content for c in large}) == 200
    assert [c.messages[0].content for c in corpus_prompts(50, seed=4)] != [c.messages[0].content for c in small]
    with pytest.raises(DataError, match="--n must be between 1 and 4000"):
        corpus_prompts(5000)


def test_builtin_corpus_is_shipped_chat_data():
    dataset = load_conversations("builtin:corpus")
    assert len(dataset) == 600 and all(c.has_response for c in dataset.conversations)
    assert len({c.messages[0].content for c in dataset.conversations}) == 600
