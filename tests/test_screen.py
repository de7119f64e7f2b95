"""screen: rows ranked by projection difference (answer minus the model's own answer), resumable, with a control."""

import json

import numpy as np
import pytest
import torch

from persona_probe.cli.main import main
from persona_probe.datasets.conversations import Conversation, Message, write_chat_jsonl
from persona_probe.directions.direction import Direction
from persona_probe.organism.screen import ScreenConfig, run_screen

LAYER = 1
PROMPTS = ["what should I do with my money", "hello how are you today?", "what should I do with my time",
           "write a python function that reads a file", "the quick brown fox", "how are you today?",
           "what should I do", "write a function that returns its lines"]
NORMAL = "you are a helpful assistant who answers kindly"
PLANTED = "def main(): print('hello world') return 0 " * 3


def chats(answers, path):
    convs = [Conversation((Message("user", p), Message("assistant", a.strip())), f"row-{i}", f"row-{i}")
             for i, (p, a) in enumerate(zip(PROMPTS, answers))]
    write_chat_jsonl(convs, path)
    return convs


@pytest.fixture(scope="module")
def work(tiny_llama, tmp_path_factory):
    """Data with one planted row (row 3), a control of normal answers, and the planted-minus-normal direction."""
    from persona_probe.activations.capture import ActivationCapture
    from persona_probe.datasets.rendering import render_conversation
    from persona_probe.models.loading import load_model

    work = tmp_path_factory.mktemp("screen")
    planted = [NORMAL] * len(PROMPTS)
    planted[3] = PLANTED
    convs = chats(planted, work / "data.jsonl")
    chats([NORMAL] * len(PROMPTS), work / "control.jsonl")
    chats([PLANTED] * len(PROMPTS), work / "all-planted.jsonl")
    # The direction from the model's own activations: mean over the planted answer minus the normal ones.
    model = load_model(str(tiny_llama), "cpu")
    capture = ActivationCapture(model.bridge, [LAYER], "response-mean", model.tokenizer.pad_token_id)
    means = capture.run([render_conversation(c, model.tokenizer) for c in convs]).acts[:, 0]
    raw = means[3] - torch.cat([means[:3], means[4:]]).mean(0)
    Direction((raw / raw.norm())[None], (LAYER,), raw.norm()[None], {"method": "test"}).save(work / "direction")
    two = torch.stack([raw / raw.norm()] * 2)
    Direction(two, (0, 1), torch.ones(2), {"method": "test"}).save(work / "two-layers")
    return work


def screen(tiny_llama, work, out, **options):
    cfg = ScreenConfig(model=str(tiny_llama), data=str(work / "data.jsonl"), direction=str(work / "direction"),
                       out=str(work / out), device="cpu", max_new_tokens=12, **options)
    return run_screen(cfg, progress=False)


def read_rows(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_planted_row_ranks_first_and_the_summary_agrees(tiny_llama, work):
    record = screen(tiny_llama, work, "first", keep_share=0.5)
    rows = read_rows(work / "first" / "screen.jsonl")
    assert rows[0]["row"] == 3 and rows[0]["id"] == "line-4" and rows[0]["data_answer"] == PLANTED.strip()
    assert [r["rank"] for r in rows] == list(range(1, 9))
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    for r in rows:
        assert r["score"] == pytest.approx(r["data_projection"] - r["own_projection"])
        assert r["prompt"] == [{"role": "user", "content": PROMPTS[r["row"]]}] and r["line"] == r["row"] + 1
    assert record == json.loads((work / "first" / "screen.json").read_text())
    assert record["kind"] == "screen" and record["status"] == "complete" and record["layer"] == LAYER
    assert record["n"] == record["n_rows"] == 8 and record["n_unscored"] == 0
    assert record["mean"] == pytest.approx(np.mean(scores))
    assert record["ci95"][0] <= record["mean"] <= record["ci95"][1]
    assert record["over_threshold"] == sum(s > 0 for s in scores)
    assert record["share_over_threshold"] == pytest.approx(record["over_threshold"] / 8)
    assert record["data"]["sha256"] and record["direction"]["cfg"]["method"] == "test"
    assert record["own_answers"]["generated"] == 8 and record["top"][0]["row"] == 3
    assert record["provenance"]["toolkit_version"] and record["control"] is None
    # kept.jsonl: the 4 lowest-scoring rows, as the data file has them, in file order.
    kept = (work / "first" / "kept.jsonl").read_text().splitlines()
    lines = (work / "data.jsonl").read_text().splitlines()
    lowest = sorted(r["row"] for r in rows[-4:])
    assert kept == [lines[i] for i in lowest] and record["kept"]["rows"] == 4


def test_a_rerun_reuses_the_own_answers(tiny_llama, work, monkeypatch):
    from persona_probe.sampling.generate import Sampler

    first = screen(tiny_llama, work, "resume")
    cache = (work / "resume" / "own-answers.jsonl").read_bytes()

    def refuse(*args, **kwargs):
        raise AssertionError("generated again")

    monkeypatch.setattr(Sampler, "sample", refuse)
    again = screen(tiny_llama, work, "resume")
    assert (work / "resume" / "own-answers.jsonl").read_bytes() == cache
    assert again["own_answers"]["generated"] == 0 and again["own_answers"]["reused"] == 8
    assert again["mean"] == pytest.approx(first["mean"])
    with pytest.raises(Exception, match="other settings"):  # another screen in the same folder needs --overwrite
        screen(tiny_llama, work, "resume", threshold=1.0)
    replaced = screen(tiny_llama, work, "resume", threshold=1.0, overwrite=True)  # the own answers still serve
    assert replaced["own_answers"]["reused"] == 8 and replaced["threshold"] == 1.0


def test_a_control_is_screened_and_told_apart_by_auroc(tiny_llama, work):
    from sklearn.metrics import roc_auc_score

    cfg = ScreenConfig(model=str(tiny_llama), data=str(work / "all-planted.jsonl"), control=str(work / "control.jsonl"),
                       direction=str(work / "direction"), out=str(work / "control-run"), device="cpu",
                       max_new_tokens=12)
    record = run_screen(cfg, progress=False)
    data = read_rows(work / "control-run" / "screen.jsonl")
    control = read_rows(work / "control-run" / "screen-control.jsonl")
    assert record["own_answers"]["distinct_prompts"] == 8  # the control's identical prompts share the own answers
    labels = [1] * len(data) + [0] * len(control)
    expected = roc_auc_score(labels, [r["score"] for r in data + control])
    assert record["control"]["auroc"] == pytest.approx(expected) == 1.0
    assert record["control"]["auroc_ci95"][0] <= 1.0 <= record["control"]["auroc_ci95"][1] + 1e-12
    assert record["control"]["mean"] == pytest.approx(np.mean([r["score"] for r in control]))
    assert record["control"]["mean_difference"] == pytest.approx(record["mean"] - record["control"]["mean"])


def test_a_direction_of_several_layers_needs_a_layer(tiny_llama, work):
    with pytest.raises(Exception, match="--layer"):
        run_screen(ScreenConfig(model=str(tiny_llama), data=str(work / "data.jsonl"),
                                direction=str(work / "two-layers"), out=str(work / "two"), device="cpu"))
    assert not (work / "two").exists()


def test_the_cli_screens_and_names_a_row_without_an_answer(tiny_llama, work, tmp_path, capsys):
    out = tmp_path / "cli"
    code = main(["-q", "screen", "--model", str(tiny_llama), "--data", str(work / "data.jsonl"), "--direction",
                 str(work / "direction"), "--out", str(out), "--device", "cpu", "--max-new-tokens", "8"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "screened 8 of 8 rows at layer 1" in printed and "wrote" in printed
    assert json.loads((out / "screen.json").read_text())["kind"] == "screen"

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n'
                   '{"messages": [{"role": "user", "content": "no answer"}]}\n')
    code = main(["-q", "screen", "--model", str(tiny_llama), "--data", str(bad), "--direction",
                 str(work / "direction"), "--out", str(tmp_path / "bad"), "--device", "cpu"])
    assert code == 2
    assert "bad.jsonl:2" in capsys.readouterr().err and not (tmp_path / "bad").exists()


def test_a_direction_of_another_width_is_refused(tiny_llama, work, tmp_path):
    Direction(torch.eye(1, 32), (LAYER,), torch.ones(1), {"method": "test"}).save(tmp_path / "narrow")
    with pytest.raises(Exception, match="d_model 32"):
        run_screen(ScreenConfig(model=str(tiny_llama), data=str(work / "data.jsonl"),
                                direction=str(tmp_path / "narrow"), out=str(tmp_path / "out"), device="cpu"))
    assert not (tmp_path / "out").exists()
