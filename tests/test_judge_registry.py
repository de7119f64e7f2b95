"""Judge backends are found by name from their own modules; the name check and --judge help follow from them."""

import pytest

from persona_probe.errors import PersonaProbeError
from persona_probe.evaluation.judges.registry import backends, check_judge_name, judge_help, make_judge


def test_each_backend_module_is_found_default_first():
    assert [b.name for b in backends()] == ["offline", "openai", "hf"]


def test_names_are_checked_against_the_backends():
    assert check_judge_name("offline") == "offline" and check_judge_name("hf:some/model") == "hf:some/model"
    for bad in ("hf:", "hf", "gpt4", "offline:x"):
        with pytest.raises(PersonaProbeError, match="use offline, openai or hf:MODEL_SPEC"):
            check_judge_name(bad)


def test_the_help_lists_every_backend():
    text = judge_help()
    assert all(b.syntax in text and b.summary in text for b in backends())


def test_make_judge_builds_the_named_backend(monkeypatch, tmp_path):
    monkeypatch.setenv("PERSONA_PROBE_JUDGE_API_KEY", "sk-test")
    judge = make_judge("openai", cache_path=tmp_path / "cache.jsonl")
    assert judge.name == "openai"
