"""The HTML report: drawn from a real (tiny) study, escaped, self-contained, and checked in a real browser."""

import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from test_cli_cache import _chats, run_cli
from test_cli_interventions import quick_evaluation_args

XSS_MARK = "__persona_probe_xss"
SCRIPT_PAYLOAD = f"<script>window.{XSS_MARK}=1</script>"
IMG_PAYLOAD = f'<img src=x onerror="window.{XSS_MARK}=2">'
ALL_SECTIONS = ["summary", "probes", "directions", "steering", "ablation", "sae", "attributions", "provenance"]


def _cli(*args) -> None:
    """One CLI command in this process (the study below would spend most of its time importing otherwise)."""
    from persona_probe.cli.main import main

    argv = [str(a) for a in args]
    saved = sys.argv
    sys.argv = ["persona-probe", *argv]  # what provenance records as the command
    try:
        assert main(argv) == 0, argv
    finally:
        sys.argv = saved


@pytest.fixture(scope="module")
def study(tiny_llama, tmp_path_factory):
    """Every artifact the report draws, made by the real commands on tiny random models."""
    from tiny_models import build_model

    work = tmp_path_factory.mktemp("study")
    quick = quick_evaluation_args(work)
    _cli("-q", "data", "contrast", "--questions", "builtin:core", "--out", work / "contrast.jsonl")
    _cli("-q", "cache", "--model", tiny_llama, "--data", work / "contrast.jsonl", "--pool", "last-prompt",
         "--out", work / "store")
    _cli("-q", "probe", "--store", work / "store", "--labels", work / "contrast.jsonl", "--folds", "3",
         "--out", work / "probe")
    _cli("-q", "direction", "by-label", "--store", work / "store", "--labels", work / "contrast.jsonl",
         "--out", work / "direction")
    _cli("-q", "direction", "cosine", work / "direction", work / "probe" / "direction", "--out", work / "cosine.json")
    _cli("-q", "evaluate", "--model", tiny_llama, *quick[:-2], "--out", work / "evaluate")
    _cli("-q", "steer", "--model", tiny_llama, "--direction", work / "direction", "--layers", "1", "--alphas", "-1,0,1",
         "--controls", "1", *quick, "--out", work / "steer")
    _cli("-q", "ablate", "--model", tiny_llama, "--direction", work / "direction", "--controls", "2", *quick,
         "--out", work / "ablate")
    tuned = build_model(work / "tuned-model", "llama", seed=1)
    _cli("-q", "cache", "--model", tiny_llama, "--tuned", tuned, "--data", _chats(work / "chats.jsonl", 16),
         "--pool", "tokens", "--out", work / "pair")
    _cli("-q", "sae", "train", "--store", work / "pair" / "base", "--layer", "1", "--width", "64", "--k", "4",
         "--batch-size", "128", "--rows", "4000", "--lr", "1e-3", "--ce-texts", "none", "--out", work / "sae")
    _cli("-q", "sae", "diff", "--sae", work / "sae", "--base-store", work / "pair" / "base", "--tuned-store",
         work / "pair" / "tuned", "--top", "5", "--out", work / "diff")
    _cli("-q", "sae", "examples", "--sae", work / "sae", "--store", work / "pair" / "base", "--store",
         work / "pair" / "tuned", "--from", work / "diff" / "diff.json", "--top", "5", "--n", "3",
         "--out", work / "examples")
    _cli("-q", "sae", "attribute", "--sae", work / "sae", "--model", tiny_llama, "--mc", work / "mc.yaml", "--top", "3",
         "--examples", "2", "--out", work / "attribution")
    return work


def _plant_model_text(study, tmp_path):
    """A copy of the study where the model 'wrote' markup: in an answer, a question, SAE contexts and attributions."""
    planted = tmp_path / "planted"
    shutil.copytree(study, planted, ignore=shutil.ignore_patterns("shards", "*.safetensors"))
    shutil.copy(study / "sae" / "sae_weights.safetensors", planted / "sae" / "sae_weights.safetensors")
    for condition in (planted / "steer" / "conditions").iterdir():
        path = condition / "judged.jsonl"
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        rows[0]["answer"] = f"Sure. {SCRIPT_PAYLOAD} then {IMG_PAYLOAD}"
        rows[0]["question"] = f"Q {IMG_PAYLOAD}"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    examples_path = planted / "examples" / "examples.json"
    examples = json.loads(examples_path.read_text())
    for store in examples["stores"].values():
        for contexts in store["examples"].values():
            contexts[0]["tokens"][0] = SCRIPT_PAYLOAD
            contexts[0]["tokens"][-1] = IMG_PAYLOAD
    examples_path.write_text(json.dumps(examples))
    attribution_path = planted / "attribution" / "attribution.json"
    attribution = json.loads(attribution_path.read_text())
    conv = attribution["latents"][0]["top_examples"][0]["conversations"][0]
    conv["tokens"][conv["response"][0]] = SCRIPT_PAYLOAD
    conv["tokens"][0] = IMG_PAYLOAD
    attribution["provenance"]["command"] += " --api-key sk-secretsecret123"
    attribution_path.write_text(json.dumps(attribution))
    return planted


class _Markup(HTMLParser):
    """Every tag, its attributes, and the text of every script element."""

    def __init__(self):
        super().__init__()
        self.tags, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


@pytest.fixture(scope="module")
def planted_report(study, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("planted")
    planted = _plant_model_text(study, tmp)
    result = run_cli("report", planted, "--out", tmp / "report.html", "--latents", "3")
    return tmp / "report.html", result.stdout


def test_the_report_draws_every_section_from_a_real_study(study, tmp_path):
    from persona_probe.report import build_report

    result = build_report([study], tmp_path / "r.html")
    assert result["sections"] == ALL_SECTIONS
    page = (tmp_path / "r.html").read_text()
    # Self-contained: plotly's JS once, no external script or stylesheet.
    markup = _Markup()
    markup.feed(page)
    scripts = [attrs for tag, attrs in markup.tags if tag == "script"]
    assert not any("src" in attrs for attrs in scripts)
    assert not any(tag == "link" for tag, _ in markup.tags)
    assert sum("plotly.js v" in s for s in markup.scripts) == 1
    figures = [attrs for tag, attrs in markup.tags if tag == "div" and "plotly-graph-div" in attrs.get("class", "")]
    assert len(figures) >= 8
    # Each source line names the file drawn, and the provenance table holds its hash and command.
    for name in ("probe/cfg.json", "steer/results.json", "ablate/results.json", "diff/diff.json",
                 "attribution/attribution.json", "cosine.json", "evaluate/summary.json"):
        assert name in page, name
    assert "persona-probe -q steer --model" in page
    # The summary's numbers are the artifacts' own.
    ablate = json.loads((study / "ablate" / "results.json").read_text())
    as_is = ablate["conditions"]["as-is"]
    assert f"{as_is['em_rate']:.3f} [{as_is['em_ci95'][0]:.3f}, {as_is['em_ci95'][1]:.3f}]" in page
    diff = json.loads((study / "diff" / "diff.json").read_text())
    assert all(f'id="latent-{item["latent"]}"' in page for item in diff["latents"][:5])
    assert result["bytes"] < 15e6


def test_sections_appear_only_when_their_data_exists(study, tmp_path):
    from persona_probe.report import build_report

    # The summary's model and data tables come with any artifact that records a model.
    assert build_report([study / "probe" / "cfg.json"], tmp_path / "a.html")["sections"] == [
        "summary", "probes", "provenance"]
    assert build_report([study / "cosine.json"], tmp_path / "a.html")["sections"] == ["directions", "provenance"]
    assert build_report([study / "diff", study / "examples"], tmp_path / "b.html")["sections"] == [
        "summary", "sae", "provenance"]
    page = (tmp_path / "b.html").read_text()
    assert "span class=\"tok" in page and "Top-activating contexts" in page
    assert build_report([study / "ablate"], tmp_path / "c.html")["sections"] == [
        "summary", "ablation", "provenance"]


def test_model_text_is_escaped_everywhere(planted_report):
    path, stdout = planted_report
    assert "wrote" in stdout and "sections" in stdout
    page = path.read_text()
    markup = _Markup()
    markup.feed(page)
    # No element carries an event handler, and no script holds the planted code.
    assert not [(tag, name) for tag, attrs in markup.tags for name in attrs if name.lower().startswith("on")]
    assert not [s for s in markup.scripts if XSS_MARK in s and "window." + XSS_MARK + "=1" in s.replace("\\", "")]
    assert not any(tag == "img" for tag, _ in markup.tags)
    # The planted text is shown, as text, where it was planted: an answer, a question, tokens.
    assert page.count("&lt;script&gt;window.__persona_probe_xss=1&lt;/script&gt;") >= 3
    assert "&lt;img src=x onerror=&#34;window.__persona_probe_xss=2&#34;&gt;" in page
    # Secrets in a recorded command line stay out of the report.
    assert "sk-secretsecret123" not in page and "--api-key [redacted]" in page


def test_building_a_report_imports_no_model_library(study, tmp_path):
    """The report reads artifacts only: not even torch is imported, let alone a model loaded."""
    code = ("import sys; from persona_probe.report import build_report; build_report([sys.argv[1]], sys.argv[2]); "
            "print([m for m in ('torch', 'transformers', 'transformer_lens', 'sae_lens') if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code, str(study), str(tmp_path / "r.html")], capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert (tmp_path / "r.html").stat().st_size > 4e6  # plotly's JS alone is about 4.8 MB


def test_bad_report_input_is_one_clear_line(tmp_path):
    missing = run_cli("report", tmp_path / "nope", "--out", tmp_path / "r.html", check=False)
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "empty").mkdir()
    empty = run_cli("report", tmp_path / "empty", "--out", tmp_path / "r.html", check=False)
    assert empty.returncode == 2 and "no persona-probe artifacts" in empty.stderr
    assert not (tmp_path / "r.html").exists()


def test_highlight_colours_by_value_and_sign():
    from persona_probe.report.tokens import highlight

    tokens = highlight(["a", " b\n", "c"], [0.0, 2.0, 4.0], focus=2)
    assert tokens[0].style == "" and "0.425" in tokens[1].style and "0.850" in tokens[2].style
    assert tokens[1].newline and tokens[1].text == " b\u21b5" and tokens[2].focus
    signed = highlight(["x", "y"], [1.0, -1.0], signed=True)
    assert "rgba(200,40,40" in signed[0].style and "rgba(40,90,200" in signed[1].style
    with pytest.raises(ValueError):
        highlight(["x"], [1.0, 2.0])


def test_activation_histograms_count_every_token():
    import torch

    from persona_probe.sae.diff import activation_histograms

    class ReluSAE:
        device = "cpu"

        def __init__(self):
            self.w = torch.randn(8, 16, generator=torch.Generator().manual_seed(0))

        def encode(self, x):
            return torch.relu(x @ self.w)

    g = torch.Generator().manual_seed(1)
    base = [torch.randn(n, 8, generator=g) for n in (5, 9, 3)]
    tuned = [torch.randn(n, 8, generator=g) + 0.5 for n in (5, 9, 3)]
    hist = activation_histograms(ReluSAE(), base, tuned, [0, 3], bins=10, massive_factor=None)
    for h in hist.values():
        assert len(h["edges"]) == 11 and h["base_tokens"] == h["tuned_tokens"] == 17
        assert sum(h["base"]) + h["base_zero"] == 17 and sum(h["tuned"]) + h["tuned_zero"] == 17


def _browser_or_skip():
    from persona_probe.report.browser import find_chromium

    if find_chromium() is None:
        if os.environ.get("PERSONA_PROBE_REQUIRE_BROWSER") == "1":
            pytest.fail("PERSONA_PROBE_REQUIRE_BROWSER=1 but chromium, chromedriver or selenium is missing")
        pytest.skip("needs chromium, chromium-driver (Debian) and selenium; .ci/run installs them")


@pytest.mark.browser
def test_the_report_renders_in_headless_chromium(planted_report, tmp_path):
    _browser_or_skip()
    from persona_probe.report.browser import check_report

    path, _ = planted_report
    check = check_report(path, screenshot=tmp_path / "report.png")
    assert check.console_errors == []
    assert check.figures >= 8 and check.figures_drawn == check.figures
    assert check.tokens > 50 and check.tokens_coloured > 10
    assert check.sections == ALL_SECTIONS
    assert not check.injected
    assert check.screenshots[0].stat().st_size > 20_000
