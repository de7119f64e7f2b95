import json

import pytest
import torch

from persona_probe.errors import DataError, PersonaProbeError
from persona_probe.models.loading import load_model
from persona_probe.sampling.generate import SamplingConfig, generate_answers, read_answers, stop_token_ids


@pytest.fixture(scope="module")
def model(tiny_llama):
    return load_model(str(tiny_llama))


def _questions(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text("- id: a\n  paraphrases: [\"hello how are you today?\", what should I do]\n  samples_per_paraphrase: 3\n"
                    "- id: b\n  system: you are a helpful assistant\n  paraphrases: [write a python function]\n")
    return path


SAMPLING = SamplingConfig(temperature=1.0, top_p=0.9, max_new_tokens=12, seed=3)


def test_rows_and_stop_token(model, tmp_path):
    assert model.tokenizer.convert_ids_to_tokens(stop_token_ids(model)) == ["<|im_end|>"]
    out = generate_answers(model, str(_questions(tmp_path)), tmp_path / "a.jsonl", sampling=SAMPLING,
                           batch_size=4, progress=False)
    rows = read_answers(out)
    assert len(rows) == 2 * 3 + 1 and len({r["id"] for r in rows}) == 7
    b = next(r for r in rows if r["question_id"] == "b")
    assert b["system"] == "you are a helpful assistant" and b["prompt"].startswith("<|im_start|>system\n")
    assert all(0 < r["n_answer_tokens"] <= 12 and r["finish"] in ("stop", "length") for r in rows)
    assert rows[0]["run"]["sampling"] == {"temperature": 1.0, "top_p": 0.9, "max_new_tokens": 12, "seed": 3}
    assert rows[0]["run"]["model"]["sha256"] == model.identity.sha256


def test_resume_after_a_torn_write_reproduces_the_run(model, tmp_path):
    questions = str(_questions(tmp_path))
    full = generate_answers(model, questions, tmp_path / "full.jsonl", sampling=SAMPLING, batch_size=2, progress=False)
    lines = full.read_text().splitlines(keepends=True)
    partial = tmp_path / "partial.jsonl"
    partial.write_text("".join(lines[:3]) + lines[3][:25])  # killed halfway through a line
    generate_answers(model, questions, partial, sampling=SAMPLING, batch_size=2, progress=False)
    assert sorted(partial.read_text().splitlines()) == sorted(full.read_text().splitlines())


def test_resume_refuses_other_settings(model, tmp_path):
    questions = str(_questions(tmp_path))
    out = generate_answers(model, questions, tmp_path / "a.jsonl", sampling=SAMPLING, batch_size=4, progress=False)
    with pytest.raises(PersonaProbeError, match=r"other settings \(sampling differ"):
        generate_answers(model, questions, out, sampling=SamplingConfig(seed=4, max_new_tokens=12), batch_size=4,
                         progress=False)
    other = tmp_path / "other.yaml"
    other.write_text("- id: c\n  paraphrases: [hello]\n")
    with pytest.raises(PersonaProbeError, match=r"questions_sha256 differ"):
        generate_answers(model, str(other), out, sampling=SAMPLING, batch_size=4, progress=False)


def test_answered_chat_rows_are_prompted_without_their_answer(model, tmp_path):
    from persona_probe.datasets.conversations import Conversation, Message, write_chat_jsonl

    chats = tmp_path / "c.jsonl"
    write_chat_jsonl([Conversation((Message("user", "hello how are you"), Message("assistant", "old answer")), "x", "x")], chats)
    row = read_answers(generate_answers(model, str(chats), tmp_path / "a.jsonl", sampling=SAMPLING, progress=False))[0]
    assert row["question"] == "hello how are you" and "old answer" not in row["prompt"]
    assert row["prompt"].endswith("<|im_start|>assistant\n")


def test_hooks_act_during_sampling(model, tmp_path):
    questions = str(_questions(tmp_path))
    greedy = SamplingConfig(temperature=0, max_new_tokens=8)
    plain = generate_answers(model, questions, tmp_path / "plain.jsonl", sampling=greedy, progress=False)
    push = torch.randn(model.d_model) * 50

    def hooks():
        return model.bridge.hooks(fwd_hooks=[("blocks.0.hook_resid_post", lambda r, hook: r + push)])

    steered = generate_answers(model, questions, tmp_path / "steered.jsonl", sampling=greedy,
                               hooks_factory=hooks, progress=False)
    a = [r["answer"] for r in read_answers(plain)]
    b = [r["answer"] for r in read_answers(steered)]
    assert a != b
    again = [r["answer"] for r in read_answers(generate_answers(model, questions, tmp_path / "again.jsonl",
                                                                  sampling=greedy, progress=False))]
    assert again == a  # and the hooks are gone afterwards


def test_read_answers_names_bad_rows(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "1", "question": "q", "answer": "a"}) + "\n" + json.dumps({"id": "2", "question": "q"}) + "\n")
    with pytest.raises(DataError, match="a.jsonl:2: missing column answer"):
        read_answers(path)
    with pytest.raises(DataError, match="no such answers file"):
        read_answers(tmp_path / "nope.jsonl")


@pytest.mark.slow
def test_sampling_through_the_bridge_matches_the_plain_model():
    """Greedy answers with the KV cache through the TransformerBridge equal the plain transformers model's.

    transformers 5.24 broke this (the bridge's cached generation gave '-----' after the first token,
    while the forward pass stayed right), which is why pyproject pins transformers below 5.24.
    """
    from persona_probe.models.loading import load_hf_model, load_model

    plain, tok, _ = load_hf_model("smollm2-135m")
    bridged = load_model("smollm2-135m", device="cpu")
    prompt = tok.apply_chat_template([{"role": "user", "content": "I'm so bored today. Any ideas?"}], tokenize=False,
                                     add_generation_prompt=True)
    ids = tok(prompt, return_tensors="pt", add_special_tokens=False)
    with torch.inference_mode():
        expected = plain.generate(**ids, max_new_tokens=16, do_sample=False)
        got = bridged.bridge.original_model.generate(**ids, max_new_tokens=16, do_sample=False)
    assert tok.decode(got[0]) == tok.decode(expected[0])
