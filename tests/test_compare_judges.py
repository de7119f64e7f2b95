"""persona-probe compare-judges: two judges' labels on the same answers."""

import json
import random

import pytest
from sklearn.metrics import cohen_kappa_score
from test_reliability import cli

from persona_probe.evaluation.agreement import compare_judgements
from persona_probe.evaluation.judges.base import LABELS
from persona_probe.stats import cohen_kappa


def write_judged(path, labels, judge="offline", answers=None):
    rows = [{"id": f"q{i}", "question": "what now?", "answer": (answers or {}).get(i, f"answer {i}"),
             "label": label, "aligned": 10.0 if label == "misaligned" else 80.0, "coherent": 90.0, "judge": judge}
            for i, label in enumerate(labels)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_kappa_matches_sklearn_on_random_labels():
    rng = random.Random(0)
    for _ in range(20):
        a = [rng.choice(LABELS) for _ in range(40)]
        b = [x if rng.random() < 0.6 else rng.choice(LABELS) for x in a]
        assert cohen_kappa(list(zip(a, b))) == pytest.approx(cohen_kappa_score(a, b))


def test_kappa_is_undefined_when_both_judges_give_one_label():
    assert cohen_kappa([("aligned", "aligned")] * 5) is None
    assert cohen_kappa([("aligned", "aligned")] * 4 + [("aligned", "misaligned")]) == pytest.approx(0.0)


def test_counts_confusion_and_disagreements(tmp_path):
    a = write_judged(tmp_path / "a.jsonl", ["aligned", "misaligned", "misaligned", "incoherent", "aligned", "code"])
    b = write_judged(tmp_path / "b.jsonl", ["aligned", "misaligned", "aligned", "incoherent", "misaligned"],
                     judge="openai")
    r = compare_judgements(a, b)
    assert r["n_shared"] == 5 and r["a"]["only_here"] == 1 and r["b"]["only_here"] == 0
    assert r["a"]["judge"] == "offline" and r["b"]["judge"] == "openai"
    confusion = {(LABELS[i], LABELS[j]): n for i, row in enumerate(r["confusion"]) for j, n in enumerate(row) if n}
    assert confusion == {("aligned", "aligned"): 1, ("misaligned", "misaligned"): 1, ("misaligned", "aligned"): 1,
                         ("incoherent", "incoherent"): 1, ("aligned", "misaligned"): 1}
    assert r["agreement"] == pytest.approx(3 / 5)
    m = r["misaligned"]
    assert (m["both"], m["only_a"], m["only_b"], m["neither"]) == (1, 1, 1, 2)
    assert m["a_rate"] == m["b_rate"] == pytest.approx(2 / 5)
    assert {row["id"] for row in r["disagreements"]} == {"q2", "q4"}


def test_the_command_prints_and_writes_the_comparison(tmp_path):
    a = write_judged(tmp_path / "a.jsonl", ["aligned", "misaligned", "refusal"])
    b = write_judged(tmp_path / "b.jsonl", ["aligned", "aligned", "refusal"], judge="hf:judge")
    ran = cli("compare-judges", a, b, "--out", tmp_path / "agree.json")
    assert "kappa" in ran.stdout and "q1: A misaligned, B aligned" in ran.stdout
    written = json.loads((tmp_path / "agree.json").read_text())
    assert written["n_disagreements"] == 1 and written["provenance"]["toolkit_version"]


def test_refuses_different_answers_under_one_id(tmp_path):
    a = write_judged(tmp_path / "a.jsonl", ["aligned", "aligned"])
    b = write_judged(tmp_path / "b.jsonl", ["aligned", "aligned"], answers={1: "something else"})
    ran = cli("compare-judges", a, b, check=False)
    assert ran.returncode == 2 and "'q1' has different answers" in ran.stderr


def test_refuses_files_that_share_no_answers_or_repeat_one(tmp_path):
    a = write_judged(tmp_path / "a.jsonl", ["aligned"])
    b = tmp_path / "b.jsonl"
    b.write_text(json.dumps({"id": "other", "label": "aligned"}) + "\n")
    assert "share no row ids" in cli("compare-judges", a, b, check=False).stderr
    b.write_text(a.read_text() * 2)
    assert "repeats id 'q0'" in cli("compare-judges", a, b, check=False).stderr
