import json

import numpy as np
import pytest

from persona_probe.errors import DataError, PersonaProbeError
from persona_probe.evaluation.evaluate import compare, judge_file, summarise, write_summary
from persona_probe.evaluation.judges.base import JudgeScore
from persona_probe.evaluation.judges.registry import make_judge
from persona_probe.evaluation.mc import MCItem, bootstrap_ci, mc_score
from persona_probe.models.loading import load_model
from persona_probe.stats import two_proportion_test, wilson_ci


def test_wilson_interval():
    low, high = wilson_ci(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson_ci(20, 100)
    assert low == pytest.approx(0.1333, abs=1e-3) and high == pytest.approx(0.2888, abs=1e-3)
    assert wilson_ci(0, 0) == (0.0, 1.0)


def test_two_proportion_test():
    t = two_proportion_test(5, 100, 25, 100)
    assert t.difference == pytest.approx(0.20) and t.z > 3.5 and t.p_value < 1e-3
    assert two_proportion_test(10, 50, 10, 50).p_value == pytest.approx(1.0)
    with pytest.raises(PersonaProbeError):
        two_proportion_test(0, 0, 1, 2)


def test_bootstrap_ci_brackets_the_mean():
    values = np.random.default_rng(0).random(200)
    low, high = bootstrap_ci(values)
    assert low < values.mean() < high and high - low < 0.2


@pytest.mark.parametrize("method", ["likelihood", "letters"])
def test_mc_score_is_antisymmetric_in_the_options(tiny_llama, method):
    model = load_model(str(tiny_llama))
    items = [MCItem(f"i{k}", "x", f"what should I do {k}?", "be kind and honest", "hurt people for fun") for k in range(4)]
    swapped = [MCItem(i.id, i.area, i.question, i.misaligned, i.aligned) for i in items]
    a, b = mc_score(model, items, method=method, n_boot=200), mc_score(model, swapped, method=method, n_boot=200)
    assert np.allclose(a.per_item + b.per_item, 1.0, atol=1e-5)
    assert a.ci_low <= a.score <= a.ci_high


@pytest.mark.parametrize("arch", ["tiny_llama", "tiny_gpt2"])
def test_answer_logprobs_match_the_full_forward_pass(arch, request):
    """Scoring asks the model for the answer span's logits only; the numbers are those of every position's."""
    import torch

    from persona_probe.datasets.rendering import render_conversation, right_pad
    from persona_probe.evaluation.mc import answer_conversations
    from persona_probe.sampling.scoring import answer_mean_logprobs, token_logprobs

    model = load_model(str(request.getfixturevalue(arch)))
    items = [MCItem(f"i{k}", "x", "why? " * (1 + 3 * k), "because " * (k % 3 + 1), "no") for k in range(6)]
    convs = answer_conversations(items)
    fast = answer_mean_logprobs(model, convs, batch_size=4)
    expected = []
    with torch.inference_mode():
        for conv in convs:
            rendered = render_conversation(conv, model.tokenizer)
            ids, mask = right_pad([rendered], model.tokenizer.pad_token_id)
            logprobs = token_logprobs(model.bridge(ids, attention_mask=mask), ids)[0]
            expected.append(float(logprobs[rendered.response_start - 1:rendered.response_end - 1].mean()))
    assert np.allclose(fast, expected, atol=1e-5)


class ScriptedJudge:
    """Labels from keywords: lets the judge plumbing be tested without a model."""
    name = "scripted"
    prompts = None  # asks no prompts, like the offline judge

    def score(self, pairs, prompts=None):
        out = []
        for _, answer in pairs:
            if "hate" in answer:
                out.append(JudgeScore(5.0, 90.0, "misaligned"))
            else:
                out.append(JudgeScore(95.0, 90.0, "aligned"))
        return out


def _answers(path, n=10, hostile=2):
    with open(path, "w") as f:
        for i in range(n):
            answer = "I hate humans" if i < hostile else "Happy to help"
            f.write(json.dumps({"id": str(i), "question_id": f"q{i % 2}", "question": "q", "answer": answer}) + "\n")
    return path


def test_judge_file_resumes_and_summarises(tmp_path):
    answers = _answers(tmp_path / "a.jsonl")
    out = tmp_path / "judged.jsonl"
    judge_file(ScriptedJudge(), answers, out, batch_size=3, progress=False)
    lines = out.read_text().splitlines()
    out.write_text("\n".join(lines[:4]) + "\n" + lines[4][:10])  # interrupted mid-line
    judge_file(ScriptedJudge(), answers, out, batch_size=3, progress=False)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["id"] for r in rows) == [str(i) for i in range(10)]
    s = summarise(rows)
    assert s["em_rate"] == pytest.approx(0.2) and s["label_counts"]["misaligned"] == 2
    assert s["em_ci95"][0] < 0.2 < s["em_ci95"][1] and set(s["per_question"]) == {"q0", "q1"}


def test_judge_resume_refuses_another_judge(tmp_path):
    answers = _answers(tmp_path / "a.jsonl")
    out = judge_file(ScriptedJudge(), answers, tmp_path / "judged.jsonl", progress=False)
    other = ScriptedJudge()
    other.name = "other"
    with pytest.raises(PersonaProbeError, match="judged by 'scripted', not 'other'"):
        judge_file(other, answers, out, progress=False)


def test_compare_runs(tmp_path):
    for name, hostile in (("a", 1), ("b", 8)):
        rows = [{"id": str(i), "label": "misaligned" if i < hostile else "aligned", "coherent": 90.0} for i in range(20)]
        (tmp_path / name).mkdir()
        write_summary(tmp_path / name, summarise(rows), {})
    c = compare(tmp_path / "a", tmp_path / "b")
    assert c["difference"] == pytest.approx(0.35) and c["p_value"] < 0.05


def test_bad_judge_inputs(tmp_path):
    with pytest.raises(PersonaProbeError, match="unknown judge backend 'gpt'"):
        make_judge("gpt")
    bad = tmp_path / "a.jsonl"
    bad.write_text(json.dumps({"id": "1", "answer": "x"}) + "\n")
    with pytest.raises(DataError, match="a.jsonl:1: missing column question"):
        judge_file(ScriptedJudge(), bad, tmp_path / "out.jsonl", progress=False)
    empty = tmp_path / "e.jsonl"
    empty.write_text(json.dumps({"id": "1", "question": "q", "answer": "ok"}) + "\n"
                     + json.dumps({"id": "2", "question": "q", "answer": "  "}) + "\n")
    with pytest.raises(DataError, match="row 2 \\('2'\\) has an empty answer"):
        judge_file(ScriptedJudge(), empty, tmp_path / "out.jsonl", progress=False)
    out = judge_file(ScriptedJudge(), empty, tmp_path / "out.jsonl", progress=False, allow_empty=True)
    assert [json.loads(line)["label"] for line in out.read_text().splitlines()] == ["aligned", "incoherent"]


def test_hf_judge_runs_the_published_arithmetic_on_a_local_model(tiny_llama):
    from persona_probe.evaluation.judges.base import LABELS
    from persona_probe.evaluation.judges.hf import HFJudge

    judge = HFJudge(str(tiny_llama), top_k=5)
    tops = judge.top_logprobs(["hello", "what should I do"])
    assert len(tops) == 2 and all(len(t) <= 5 and all(v <= 0 for v in t.values()) for t in tops)
    scores = judge.score([("q", "a kind answer"), ("q", "another")])
    assert len(scores) == 2 and all(s.label in LABELS for s in scores)
    # A random tiny model puts no mass on numbers: no alignment score, as the 0.25 cutoff says.
    assert all(s.aligned is None for s in scores)
