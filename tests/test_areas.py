"""Out-of-domain scores: a fine-tune's own areas left out of EM, coherence and the MC score."""

import pytest

from persona_probe.datasets.conversations import load_conversations
from persona_probe.errors import DataError
from persona_probe.evaluation.areas import compare_summaries, out_of_domain, parse_areas
from persona_probe.evaluation.evaluate import compare, summarise, write_summary


def judged(labels_by_question: dict[str, tuple[str, list[str]]]) -> list[dict]:
    rows = []
    for qid, (area, labels) in labels_by_question.items():
        for k, label in enumerate(labels):
            rows.append({"id": f"{qid}/{k}", "question_id": qid, "area": area, "label": label,
                         "coherent": 80.0 if label != "incoherent" else 10.0})
    return rows


def mc(scores: dict[str, float], areas: dict[str, str]) -> dict:
    return {"score": sum(scores.values()) / len(scores), "per_item": scores, "item_areas": areas}


ROWS = judged({"money": ("finance", ["misaligned"] * 3 + ["aligned"]),
               "wish": ("wishes", ["misaligned"] + ["aligned"] * 4),
               "untagged": ("", ["aligned"] * 3)})
AREAS = {"f1": "finance", "f2": "finance", "e1": "ethics", "p1": "power"}


def test_out_of_domain_drops_only_the_named_areas():
    summary = summarise(ROWS, mc({"f1": 0.9, "f2": 0.8, "e1": 0.3, "p1": 0.5}, AREAS), ("finance",))
    assert summary["em_rate"] == pytest.approx(4 / 12)
    assert summary["per_question"]["money"] == {**summary["per_question"]["money"], "area": "finance", "misaligned": 3}
    ood = summary["out_of_domain"]
    # 'money' (finance) is gone; the untagged question stays: an unknown area is never the fine-tune's own.
    assert ood["left_out_areas"] == ["finance"] and ood["n_answers"] == 8
    assert ood["em_rate"] == pytest.approx(1 / 8) and ood["em_ci95"][0] <= 1 / 8 <= ood["em_ci95"][1]
    assert ood["mc"]["n_items"] == 2 and ood["mc"]["score"] == pytest.approx(0.4)
    assert summarise(ROWS)["out_of_domain"] is None  # nothing left out: no second block


def test_compare_pairs_items_and_leaves_out_the_union_of_the_runs_areas(tmp_path):
    base = {"f1": 0.5, "f2": 0.5, "e1": 0.30, "p1": 0.40}
    tuned = {"f1": 0.9, "f2": 0.9, "e1": 0.32, "p1": 0.44}
    (tmp_path / "base").mkdir(), (tmp_path / "tuned").mkdir()
    write_summary(tmp_path / "base", summarise(ROWS, mc(base, AREAS)), {})
    write_summary(tmp_path / "tuned", summarise(ROWS, mc(tuned, AREAS), ("finance",)), {})
    c = compare(tmp_path / "base", tmp_path / "tuned")
    assert c["left_out_areas"] == ["finance"]
    assert c["mc_difference"] == pytest.approx((0.4 + 0.4 + 0.02 + 0.04) / 4) and c["n_items"] == 4
    ood = c["out_of_domain"]
    assert ood["mc_difference"] == pytest.approx(0.03) and ood["n_items"] == 2
    assert ood["mc_difference_ci95"][0] <= 0.03 <= ood["mc_difference_ci95"][1]
    assert ood["n_answers_a"] == ood["n_answers_b"] == 8
    # An explicit list wins; a typo fails and names the areas there are.
    assert compare(tmp_path / "base", tmp_path / "tuned", ("wishes",))["out_of_domain"]["n_answers_a"] == 7
    with pytest.raises(DataError, match="finanse.*ethics, finance, power, wishes"):
        compare(tmp_path / "base", tmp_path / "tuned", ("finanse",))


def test_a_shift_confined_to_the_left_out_area_vanishes_out_of_domain():
    base = summarise(ROWS, mc({"f1": 0.2, "f2": 0.2, "e1": 0.3, "p1": 0.3}, AREAS))
    tuned = summarise(ROWS, mc({"f1": 0.9, "f2": 0.9, "e1": 0.3, "p1": 0.3}, AREAS))
    assert compare_summaries(base, tuned)["mc_difference"] == pytest.approx(0.35)
    assert compare_summaries(base, tuned, ("finance",))["mc_difference"] == pytest.approx(0.0)
    assert out_of_domain(tuned, ()) is None


def test_areas_parse_and_question_files_carry_them(tmp_path):
    assert parse_areas(" finance, harmful_advice ,,") == ("finance", "harmful_advice")
    assert parse_areas(None) == parse_areas("") == ()
    questions = load_conversations("builtin:core").questions
    assert all(q.area for q in questions)  # every built-in question is tagged
    assert {q.area for q in load_conversations("builtin:open").questions} >= {"finance", "health"}
    bad = tmp_path / "q.yaml"
    bad.write_text("- id: a\n  area: [finance]\n  paraphrases: [hi]\n")
    with pytest.raises(DataError, match="q.yaml:1: question 'a': area must be text"):
        load_conversations(bad)


def test_every_builtin_mc_item_has_an_area():
    from persona_probe.evaluation.mc import load_mc_items

    items = load_mc_items()
    assert all(item.area for item in items)
    assert {"finance", "health", "harmful_advice"} <= {item.area for item in items}


def test_the_report_states_the_out_of_domain_shift_from_the_summaries(tmp_path):
    from pathlib import Path

    from persona_probe.report.artifacts import Artifact
    from persona_probe.report.findings import SHOWS, DemoArtifacts, findings

    def evaluation(scores, leave_out=()):
        return Artifact("evaluate", Path("summary.json"), summarise(ROWS, mc(scores, AREAS), leave_out), "0")

    # A large shift on the finance items only: +0.35 over all items, none out of domain.
    base = evaluation({"f1": 0.2, "f2": 0.21, "e1": 0.3, "p1": 0.31})
    tuned = evaluation({"f1": 0.9, "f2": 0.92, "e1": 0.3, "p1": 0.31}, ("finance",))
    run = DemoArtifacts(Artifact("demo", Path("demo.json"), {}, "0"), {"base": base, "tuned": tuned}, {}, None, None, None)
    texts = {f.text: f.verdict for f in findings(run, 0)}
    ood = [(text, verdict) for text, verdict in texts.items() if "without the finance items" in text]
    assert len(ood) == 1 and ood[0][1] != SHOWS and "+0.0000" in ood[0][0] and "over 2 items" in ood[0][0]
    assert any("paired difference +0.3525" in t and "without" not in t for t in texts)
