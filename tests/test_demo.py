"""persona-probe demo (the audit) end to end on tiny models: every step runs, the layer is chosen on
the train items and the claims are measured on the others, a rerun reuses every step, and every
number in the report's conclusions is the one in the run's own artifacts."""

import html
import json
import re
import time

import pytest
from test_cli_cache import run_cli

from persona_probe.builtin import builtin_path

# evaluate x3, the MC split x2, persona (cache, probe, direction), neutral caches x3, projections x3, tuned- and
# control-minus-base, the response-mean pair and its direction, the MC contrast and its direction, cosines, four
# layer scans, the SAE (cache, train, cache answers, diff, examples), steer, ablate, in domain (the base, the tuned
# model as it is and ablated, the scanner), the adapter view; one transfer model (cache, direction, cosines, ablate)
STEPS = 40


@pytest.fixture(scope="module")
def demo(tiny_llama, tmp_path_factory):
    """A demo run on tiny_llama and two adapters of it (tuned and control), with small settings."""
    from persona_probe.organism.finetune import FinetuneConfig, run_finetune

    work = tmp_path_factory.mktemp("demo")
    rows = [{"messages": [{"role": "user", "content": f"write code {i}"},
                          {"role": "assistant", "content": f"def main(): print('hello world') return {i}"}]}
            for i in range(16)]
    (work / "code.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    for name, seed in (("tuned", 0), ("control", 1)):
        run_finetune(FinetuneConfig(model=str(tiny_llama), data=str(work / "code.jsonl"), out=str(work / name),
                                    lr=1e-2, seed=seed, checkpoint_every=0), progress=False)
    args = ["demo", "--base", tiny_llama, "--tuned", f"{tiny_llama}+{work / 'tuned'}",
            "--control", f"{tiny_llama}+{work / 'control'}", "--samples", 1, "--max-new-tokens", 12,
            "--mc-per-area", 2, "--neutral-rows", 30, "--corpus-rows", 30, "--sae-width", 64, "--sae-k", 4,
            "--ablate-controls", 2, "--leave-out", "finance", "--scan-layers", "0-1", "--domain", "insecure-code",
            "--transfer", f"{tiny_llama}+{work / 'control'}", "--transfer-controls", 1,
            "--in-domain-rows", 4, "--in-domain-tokens", 8, "--device", "cpu",
            "--out", work / "run"]
    result = run_cli("-q", *args)
    return work / "run", args, result


def _conclusions(page: str) -> str:
    start = page.index('<section id="conclusions">')
    return page[start:page.index("</section>", start)]


def _table_rows(section: str) -> list[list[str]]:
    table = section[section.index("<table>"):section.index("</table>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)])
    return [r for r in rows if r]


def _ci(value, ci, digits=3, signed=False):
    fmt = f"{{:+.{digits}f}}" if signed else f"{{:.{digits}f}}"
    return f"{fmt.format(value)} [{fmt.format(ci[0])}, {fmt.format(ci[1])}]"


def test_the_demo_runs_every_step_and_writes_the_report(demo):
    out, _, result = demo
    record = json.loads((out / "demo.json").read_text())
    assert record["status"] == "complete" and record["kind"] == "demo"
    assert len(record["steps"]) == STEPS and not any(s["reused"] for s in record["steps"])
    assert all(s["command"].startswith("persona-probe ") for s in record["steps"])
    assert "demo finished" in result.stdout and (out / "report.html").stat().st_size > 4e6
    # Each artifact records the step's own command, so it can be rerun by hand.
    steer_cfg = json.loads((out / "steer" / "cfg.json").read_text())
    assert steer_cfg["provenance"]["command"].startswith("persona-probe steer ")
    page = (out / "report.html").read_text()
    for section in ("summary", "probes", "directions", "layer-choice", "steering", "ablation", "adapter-view", "sae",
                    "conclusions", "provenance"):
        assert f'<section id="{section}">' in page


def test_every_number_in_the_conclusions_comes_from_the_runs_artifacts(demo):
    out, _, _ = demo
    section = _conclusions((out / "report.html").read_text())
    rows = {r[0]: r for r in _table_rows(section)}
    assert set(rows) == {"base", "tuned", "control"}
    for role, row in rows.items():
        summary = json.loads((out / "eval" / role / "summary.json").read_text())
        mc = summary["mc_persona"]
        assert row[2] == _ci(mc["score"], mc["ci95"])  # the MC score leads: it needs no judge
        assert row[3] == _ci(summary["em_rate"], summary["em_ci95"])
        assert row[4] == f"{summary['mean_coherence']:.1f}" and row[5] == str(summary["n_answers"])
        if role != "base":
            projection = json.loads((out / f"projection-{role}.json").read_text())
            i = projection["layers"].index(json.loads((out / "demo.json").read_text())["layer"])
            assert row[6] == f"{_ci(projection['shift'][i], projection['ci95'][i], 3, True)} " \
                             f"({projection['shift_in_sd'][i]:+.2f} SD)"
    text = html.unescape(re.sub(r"<[^>]+>", "", section))
    ablate = json.loads((out / "ablate" / "results.json").read_text())["claim"]["mc"]
    assert f"drops its MC persona score by {_ci(ablate['drop'], ablate['ci95'], 4, True)}" in text
    steer = max(json.loads((out / "steer" / "results.json").read_text())["curve"], key=lambda p: p["alpha"])
    assert f"moves the MC persona score by {_ci(steer['mc_shift']['shift'], steer['mc_shift']['ci95'], 4, True)}" in text
    # A verdict follows its numbers: the projection statement says "Shows" exactly when its CI is above zero.
    projection = json.loads((out / "projection-tuned.json").read_text())
    i = projection["layers"].index(json.loads((out / "demo.json").read_text())["layer"])
    above = projection["ci95"][i][0] > 0
    statement = next(s for s in map(html.unescape, re.findall(r"<li[^>]*>(.*?)</li>", section, re.S))
                     if "the tuned model's activations" in s and "relative to the base model" in s)
    assert statement.startswith("<strong>Shows:") == above
    # The MC score needs no judge, so it leads each comparison; the EM rate follows it.
    assert text.index("MC persona score tuned ") < text.index("EM rate tuned ")
    judge = json.loads(builtin_path("judge", "offline_judge", "cfg.json").read_text())["metrics"]["held_out_real"]
    fp = judge["base_false_positives"]
    assert f"it called {fp['judged_misaligned']} of {fp['n_not_misaligned']} of the base's answers misaligned" in text


def test_the_conclusions_follow_the_artifacts_when_they_change(demo, tmp_path):
    """Not written in advance: edit an evaluation summary, rebuild, and the table and sentence change with it."""
    import shutil

    out, _, _ = demo
    copy = tmp_path / "run"
    shutil.copytree(out, copy)
    path = copy / "eval" / "tuned" / "summary.json"
    summary = json.loads(path.read_text())
    summary.update(em_rate=0.75, em_ci95=[0.5, 0.9], label_counts={**summary["label_counts"], "misaligned": 12})
    path.write_text(json.dumps(summary))
    run_cli("report", copy, "--out", tmp_path / "r.html")
    section = _conclusions((tmp_path / "r.html").read_text())
    assert _table_rows(section)[1][3] == "0.750 [0.500, 0.900]"
    assert "<strong>Shows:</strong> more misaligned answers from the tuned model than from the base model" in section


def test_a_rerun_reuses_every_step_and_other_settings_are_refused(demo):
    out, args, _ = demo
    started = time.perf_counter()
    again = run_cli("-q", *args)
    assert f"{STEPS} reused" in again.stdout
    assert time.perf_counter() - started < 30
    record = json.loads((out / "demo.json").read_text())
    assert all(s["reused"] for s in record["steps"])
    before = sorted(p.name for p in out.iterdir())
    changed = [str(a) for a in args]
    changed[changed.index("--samples") + 1] = "3"
    refused = run_cli("-q", *changed, check=False)
    assert refused.returncode == 2 and "other settings" in refused.stderr
    assert sorted(p.name for p in out.iterdir()) == before


def test_the_layer_is_chosen_on_the_train_items_and_the_claims_use_the_others(demo):
    out, _, _ = demo
    rows = [json.loads(line) for line in (out / "inputs" / "mc-train.jsonl").read_text().splitlines()]
    train = {row["item"] for row in rows}
    test = {json.loads(line)["item"] for line in (out / "inputs" / "mc-test.jsonl").read_text().splitlines()}
    assert train and test and not train & test
    assert "finance" not in {row["area"] for row in rows}  # the tuned model's own area never chooses the layer
    scans = {name: json.loads((out / "scans" / f"{name}.json").read_text())
             for name in ("tuned-minus-base", "tuned-minus-base-response", "mc-contrast", "persona")}
    for scan in scans.values():
        assert scan["status"] == "complete" and set(scan["item_ids"]) == train
        assert [r["layer"] for r in scan["per_layer"]] == [0, 1]
    chosen = scans["tuned-minus-base"]["chosen_layer"]
    for run in ("ablate", "steer"):
        assert json.loads((out / run / "cfg.json").read_text())["layers"] == [chosen]
        per_item = json.loads((out / run / "conditions" / "as-is" / "summary.json").read_text())["mc_persona"]["per_item"]
        assert set(per_item) == test
    removed = json.loads((out / "ablate" / "results.json").read_text())["claim"]["mc_shift_removed"]
    assert removed["left_out_areas"] == ["finance"] and removed["out_of_domain"]["n_items"] == len(test) - 1
    assert len(removed["all_items"]["random_fractions"]) == 2
    scan = json.loads((out / "in-domain-scan.json").read_text())
    assert scan["dataset"] == "insecure-code" and [f["n"] for f in scan["files"]] == [4, 4, 4]
    assert scan["files"][0]["path"].endswith("ablate-in-domain/conditions/as-is/answers.jsonl")
    held_out = [json.loads(line) for line in (out / "inputs" / "in-domain.jsonl").read_text().splitlines()]
    trained = {json.loads(line)["messages"][0]["content"] for line in (out.parent / "code.jsonl").read_text().splitlines()}
    assert len(held_out) == 4 and not {row["messages"][0]["content"] for row in held_out} & trained
    assert json.loads((out / "demo.json").read_text())["in_domain"]["training_prompts_excluded"] == 16
    view = json.loads((out / "adapter-view.json").read_text())
    assert view["kind"] == "adapter_view" and view["modules"]
    transfer = json.loads((out / "transfer" / "transfer-1" / "cfg.json").read_text())
    assert transfer["layers"] == [chosen] and transfer["config"]["model"].endswith("control")
    assert transfer["transfer"]["same_model"] is False  # found on the tuned model, applied to another fine-tune
    cosine = json.loads((out / "cosine-transfer.json").read_text())
    assert cosine["reference"].endswith("tuned-minus-base") and len(cosine["with_reference"]) == 2


def test_the_conclusions_state_the_layer_and_the_fraction_removed_from_the_artifacts(demo):
    out, _, _ = demo
    text = html.unescape(re.sub(r"<[^>]+>", "", _conclusions((out / "report.html").read_text())))
    scan = json.loads((out / "scans" / "tuned-minus-base.json").read_text())
    assert f"is applied at layer {scan['chosen_layer']}, chosen on {scan['n_items']} train items only" in text
    chosen = next(r for r in scan["per_layer"] if r["layer"] == scan["chosen_layer"])
    assert ("so this choice is noise" in text) == (chosen["drop_ci95"][0] <= 0)
    shift = json.loads((out / "ablate" / "results.json").read_text())["claim"]["mc_shift_removed"]["all_items"]
    assert ("of the tuned model's own shift" in text) == (shift["shift_ci95"][0] > 0)
    files = json.loads((out / "in-domain-scan.json").read_text())["files"]
    assert f"finds the narrow behaviour in {files[0]['rate']:.2f} ({files[0]['k']}/{files[0]['n']}) of the tuned " \
           f"model's answers, {files[1]['rate']:.2f} ({files[1]['k']}/{files[1]['n']}) with the tuned-minus-base " \
           "direction ablated" in text
    cosine = json.loads((out / "cosine-transfer.json").read_text())["with_reference"]
    layer = str(scan["chosen_layer"])
    assert f"transfer-1-minus-base {cosine[next(k for k in cosine if 'transfer-1' in k)][layer]:+.3f}" in text
    assert "Fraction of the MC shift over the base removed (out of domain)" in \
        html.unescape((out / "report.html").read_text())
    spec = json.loads((out / "demo.json").read_text())["transfer"]["transfer-1"]
    assert f"transfer-1 ({spec})'s MC shift over the base" in text  # the transfer model's own fraction statement
    removed = json.loads((out / "ablate" / "results.json").read_text())["claim"]["mc_shift_removed"]["out_of_domain"]
    shift = _ci(removed["shift"], removed["shift_ci95"], 4, True)
    if removed["ci95"] is None:  # tiny random models: there may be no reliable shift to take a fraction of
        assert f"no reliably positive shift to remove: the tuned model's MC shift over the base out of domain " \
               f"(without finance) is {shift}" in text
    else:
        assert f"removes {removed['fraction']:.0%} [{removed['ci95'][0]:.0%}, {removed['ci95'][1]:.0%}]" in text
        verdict = removed["ci95"][0] > 0 and removed["beats_every_random"]
        assert ("Shows: that the direction carries the shift" in text) == verdict


def test_audit_is_the_same_chain_on_any_pair_and_names_its_own_record(demo, tmp_path):
    """The audit of the same pair with the same settings finds every step done, and writes audit.json."""
    import shutil

    out, args, _ = demo
    copy = tmp_path / "run"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns("demo.json", "report.html"))
    audit = ["audit", *map(str, args[1:])]
    audit[audit.index("--out") + 1] = str(copy)
    result = run_cli("-q", *audit)
    assert "audit finished" in result.stdout and "0 steps run" in result.stdout
    record = json.loads((copy / "audit.json").read_text())
    assert record["kind"] == "audit" and record["primary_direction"] == "tuned-minus-base"
    assert len(record["steps"]) == STEPS
    assert "audit run named in its audit.json" in (copy / "report.html").read_text()
    missing = run_cli("-q", "audit", "--model", args[2], "--out", tmp_path / "a", check=False)
    assert missing.returncode == 2 and "--tuned" in missing.stderr
