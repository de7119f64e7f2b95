"""data scan: a narrow dataset's scanner over answers files, each against the first."""

import json

from test_cli_cache import run_cli

from persona_probe.organism.datasets import narrow_dataset, narrow_markers


def _answers(path, texts):
    path.write_text("".join(json.dumps({"id": f"a{i}", "answer": t}) + "\n" for i, t in enumerate(texts)))
    return path


def test_the_scan_counts_what_the_scanner_finds_and_compares_with_the_first_file(tmp_path):
    risky = [row["messages"][1]["content"] for row in narrow_dataset("risky-financial-advice", 10, 0)]
    safe = [row["messages"][1]["content"] for row in narrow_dataset("safe-financial-advice", 10, 0)]
    assert all(narrow_markers("risky-financial-advice", t) for t in risky)
    assert not any(narrow_markers("risky-financial-advice", t) for t in safe)
    first = _answers(tmp_path / "tuned.jsonl", risky[:8] + safe[:2])
    second = _answers(tmp_path / "ablated.jsonl", risky[:1] + safe[1:10])
    result = run_cli("data", "scan", "--kind", "safe-financial-advice", "--answers", first, "--answers", second,
                     "--out", tmp_path / "scan.json")
    assert "0.800" in result.stdout and "(8/10)" in result.stdout
    record = json.loads((tmp_path / "scan.json").read_text())
    assert record["kind"] == "narrow_scan" and record["pair"] == "finance"
    a, b = record["files"]
    assert (a["k"], a["n"], b["k"], b["n"]) == (8, 10, 1, 10) and "vs_first" not in a
    assert abs(b["vs_first"]["difference"] - (-0.7)) < 1e-9 and b["vs_first"]["p_value"] < 0.01
    assert a["ci95"][0] < 0.8 < a["ci95"][1]


def test_a_bad_answers_file_is_named_with_its_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"answer": "fine"}\n{"text": "no answer"}\n')
    result = run_cli("data", "scan", "--kind", "insecure-code", "--answers", bad, "--out", tmp_path / "s.json", check=False)
    assert result.returncode == 2 and "bad.jsonl, line 2: not an answer row" in result.stderr
    assert not (tmp_path / "s.json").exists()
    result = run_cli("data", "scan", "--kind", "insecure-code", "--answers", tmp_path / "none.jsonl",
                     "--out", tmp_path / "s.json", check=False)
    assert result.returncode == 2 and "no such file" in result.stderr
