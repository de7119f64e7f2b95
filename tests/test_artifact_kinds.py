"""One table of artifact kinds: each kind is found by its file and its recorded kind, and only there."""

from persona_probe.artifacts import ARTIFACT_KINDS, EVALUATION, PROBE_REPORT, SAE_DIFF, STEER_RUN, kind_of_file


def test_every_kind_has_one_name():
    names = [kind.name for kind in ARTIFACT_KINDS]
    assert len(names) == len(set(names))


def test_a_file_is_known_by_its_kind_and_name():
    assert kind_of_file("cfg.json", {"kind": "probe_report"}) is PROBE_REPORT
    assert kind_of_file("cfg.json", {"kind": "steer_run"}) is STEER_RUN and STEER_RUN.results == "results.json"
    assert kind_of_file("notes.json", {"kind": "probe_report"}) is None  # right kind, wrong file
    assert kind_of_file("cfg.json", {"kind": "something_else"}) is None


def test_files_older_than_the_kind_field_are_recognised_by_their_keys():
    assert kind_of_file("summary.json", {"em_rate": 0.1, "n_answers": 10}) is EVALUATION
    assert kind_of_file("diff.json", {"latents": [], "control": {}}) is SAE_DIFF
    assert kind_of_file("summary.json", {"em_rate": 0.1}) is None


def test_the_file_formats_page_lists_every_kind():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "file-formats.md").read_text()
    assert all(f"| `{kind.name}` |" in text for kind in ARTIFACT_KINDS)
