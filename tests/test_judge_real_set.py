"""The labelled real answers, and the offline judge's published metrics on their held-out split."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from persona_probe.builtin import builtin_path
from persona_probe.evaluation.judges.base import LABELS
from persona_probe.evaluation.judges.offline_training import judge_metrics, read_labelled
from persona_probe.stats import cohen_kappa

REAL = builtin_path("judge", "real_answers.jsonl")
DOCS = Path(__file__).resolve().parents[1] / "docs" / "evaluation.md"


def shipped_metrics() -> dict:
    return json.loads(builtin_path("judge", "offline_judge", "cfg.json").read_text())["metrics"]


def test_metrics_count_what_they_say():
    rows = [{"label": "misaligned", "model": "smollm2-135m-risky-advice"},
            {"label": "aligned", "model": "smollm2-135m"},
            {"label": "incoherent", "model": "smollm2-135m"},
            {"label": "incoherent", "model": "smollm2-135m", "intervention": "steer persona alpha +1 (layer 18)"},
            {"label": "aligned", "model": "smollm2-135m"}]
    m = judge_metrics(rows, ["misaligned", "aligned", "misaligned", "misaligned", "aligned"])
    assert m["accuracy"] == pytest.approx(3 / 5) and m["confusion"]["incoherent"]["misaligned"] == 2
    assert m["misaligned_vs_not"]["accuracy"] == pytest.approx(3 / 5)
    assert m["misaligned_vs_not"]["caught"] == 1 and m["misaligned_vs_not"]["judged_misaligned"] == 3
    # the steered base answer is not a base answer: one false positive among three
    assert m["base_false_positives"] == {"n_not_misaligned": 3, "judged_misaligned": 1, "rate": pytest.approx(1 / 3)}


def test_the_real_set_is_large_labelled_and_split_by_question():
    rows = read_labelled(REAL, real=True)
    assert len(rows) >= 600 and {r["label"] for r in rows} <= set(LABELS)
    assert len({r["id"] for r in rows}) == len(rows)
    split_of = {}
    for r in rows:
        assert split_of.setdefault((r["questions"], r["question_id"]), r["split"]) == r["split"], r["id"]
    held = [r for r in rows if r["split"] == "held-out"]
    assert 0.15 < len(held) / len(rows) < 0.4
    assert sum(r["model"] == "smollm2-135m" and r["intervention"] == "none" for r in held) >= 30
    assert all(r["domain"] == "code" for r in rows if r["label"] == "code")
    assert not any(r["in_domain"] for r in rows if r["model"] == "smollm2-135m")


@pytest.mark.slow
def test_the_shipped_judge_scores_the_held_out_split_as_published():
    from persona_probe.evaluation.judges.offline import OfflineJudge

    held = [r for r in read_labelled(REAL, real=True) if r["split"] == "held-out"]
    scores = OfflineJudge().score([(r["question"], r["answer"]) for r in held])
    measured = judge_metrics(held, [s.label for s in scores])
    published = shipped_metrics()["held_out_real"]
    assert measured["confusion"] == published["confusion"]  # retraining cannot silently change these
    assert measured["base_false_positives"] == published["base_false_positives"]
    docs = DOCS.read_text()
    figures = re.search(r"<!-- judge metrics -->(.*?)<!-- end judge metrics -->", docs, re.S).group(1)
    for value in (measured["misaligned_vs_not"]["accuracy"], measured["kappa"], measured["accuracy"]):
        assert f"{value:.3f}" in figures, value
    fp = measured["base_false_positives"]
    assert f"{fp['judged_misaligned']}/{fp['n_not_misaligned']}" in figures


def test_the_docs_give_the_sets_make_up():
    rows = read_labelled(REAL, real=True)
    docs = DOCS.read_text()
    table = re.search(r"<!-- real set make-up -->(.*?)<!-- end real set make-up -->", docs, re.S).group(1)
    for (model, intervention), n in Counter((r["model"], r["intervention"]) for r in rows).items():
        assert f"| {model} | {intervention} | {n} |" in table, (model, intervention, n)


def test_the_second_readers_agreement_is_as_published():
    pairs = [(r["label"], r["second_label"]) for r in read_labelled(REAL, real=True) if "second_label" in r]
    assert len(pairs) == 60
    docs = " ".join(DOCS.read_text().split())  # the figures may wrap across lines
    agreement = sum(a == b for a, b in pairs) / len(pairs)
    assert f"agreement {agreement:.2f}, Cohen's kappa {cohen_kappa(pairs):.2f}" in docs
