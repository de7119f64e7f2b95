"""End-to-end tests over the ``persona-probe`` CLI, in subprocesses, as a user runs it."""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from tiny_models import build_model

from persona_probe.activations.capture import ActivationCapture
from persona_probe.activations.store import ActivationStore
from persona_probe.datasets.conversations import Conversation, Message, load_conversations, write_chat_jsonl
from persona_probe.datasets.rendering import render_conversation
from persona_probe.models.loading import load_model

CLI = [sys.executable, "-m", "persona_probe.cli"]


def run_cli(*args, check=True):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stderr[-3000:]}")
    return result


def _chats(path: Path, n: int, answer_words: int = 17) -> Path:
    words = "the quick brown fox jumps over the lazy dog and you are a helpful assistant".split()
    convs = []
    for i in range(n):
        q = " ".join(words[(i + j) % len(words)] for j in range(4 + (i * 7) % 11))
        a = " ".join(words[(i * 3 + j) % len(words)] for j in range(3 + (i * 5) % answer_words))
        convs.append(Conversation((Message("user", q), Message("assistant", a)), f"r{i}", f"g{i % 7}"))
    write_chat_jsonl(convs, path)
    return path


def _store_bytes(path: Path) -> dict[str, str]:
    """Hashes of every file that must be bit-identical between two runs."""
    files = sorted((path / "shards").glob("*.safetensors")) + [path / "rows.jsonl", path / "manifest.json"]
    out = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    cfg = json.loads((path / "cfg.json").read_text())
    cfg.pop("provenance")
    out["cfg.json"] = json.dumps(cfg, sort_keys=True)
    return out


def test_cache_round_trip(tiny_llama, chat_file, tmp_path):
    out = tmp_path / "store"
    result = run_cli("cache", "--model", tiny_llama, "--data", chat_file, "--out", out,
                     "--layers", "all", "--shard-rows", "5", "--batch-tokens", "200")
    assert "wrote" in result.stdout and "23 conversations" in result.stdout
    store = ActivationStore(out)
    store.verify()
    assert store.n_shards >= 3
    acts = store.load()
    assert acts.shape == (23, 2, 64)
    model = load_model(str(tiny_llama))
    capture = ActivationCapture(model.bridge, [0, 1], "response-mean", model.tokenizer.pad_token_id)
    data = load_conversations(chat_file)
    one_by_one = torch.cat([capture.run([render_conversation(c, model.tokenizer)]).acts for c in data.conversations])
    assert torch.allclose(acts, one_by_one, atol=1e-5)
    cfg = store.cfg
    assert cfg["status"] == "complete" and cfg["model"]["sha256"] == model.identity.sha256
    assert cfg["data"]["sha256"] == data.sha256 and cfg["hook_names"][1] == "blocks.1.hook_resid_post"
    assert cfg["provenance"]["command"].split()[1] == "cache"
    assert store.rows[4]["rendered"].startswith("<|im_start|>user\n")
    # A second run finds the store complete and leaves it alone.
    before = _store_bytes(out)
    run_cli("cache", "--model", tiny_llama, "--data", chat_file, "--out", out,
            "--layers", "all", "--shard-rows", "5", "--batch-tokens", "200")
    assert _store_bytes(out) == before


def test_tuned_pair_is_cached_on_the_same_tokens(tiny_llama, chat_file, tmp_path):
    tuned = build_model(tmp_path / "tuned", "llama", seed=1)
    out = tmp_path / "pair"
    run_cli("cache", "--model", tiny_llama, "--tuned", tuned, "--data", chat_file, "--out", out, "--pool", "last-prompt")
    base, tune = ActivationStore(out / "base"), ActivationStore(out / "tuned")
    assert base.rows == tune.rows
    assert base.cfg["data"] == tune.cfg["data"] and (base.cfg["role"], tune.cfg["role"]) == ("base", "tuned")
    assert base.cfg["model"]["sha256"] != tune.cfg["model"]["sha256"]
    assert base.load().shape == tune.load().shape and not torch.allclose(base.load(), tune.load())


BAD_INPUTS = {
    "malformed line": (lambda d: ["--data", d["bad_jsonl"]], "bad.jsonl:2: malformed JSON"),
    "missing file": (lambda d: ["--data", d["tmp"] / "nope.jsonl"], "nope.jsonl: cannot read data (no such file)"),
    "layer out of range": (lambda d: ["--layers", "0,7"], "layer 7 is out of range; the model has 2 layers (0-1)"),
    "unknown model": (lambda d: ["--model", "no-such-model"], "unknown model spec 'no-such-model'"),
    "empty dataset": (lambda d: ["--data", d["empty"]], "empty.jsonl: the data set is empty"),
    "unanswered rows": (lambda d: ["--data", "builtin:core", "--pool", "response-mean"],
                        "has no assistant answer, so --pool response-mean"),
}


@pytest.fixture(scope="module")
def good_store(tiny_llama, tmp_path_factory):
    """One finished store; each bad-input case gets a copy to (fail to) overwrite."""
    from persona_probe.datasets.conversations import Conversation, Message, write_chat_jsonl

    folder = tmp_path_factory.mktemp("good")
    chats = folder / "chats.jsonl"
    write_chat_jsonl([Conversation((Message("user", f"question {i}"), Message("assistant", f"answer {i}")), str(i), "g")
                      for i in range(9)], chats)
    run_cli("cache", "--model", tiny_llama, "--data", chats, "--out", folder / "store")
    return chats, folder / "store"


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_keeps_existing_work(case, tiny_llama, good_store, tmp_path):
    import shutil

    chat_file, original = good_store
    out = tmp_path / "store"
    shutil.copytree(original, out)
    before = _store_bytes(out)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(chat_file.read_text().splitlines()[0] + '\n{"messages": [\n')
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    fixtures = {"bad_jsonl": bad, "empty": empty, "tmp": tmp_path}
    extra, message = BAD_INPUTS[case]
    args = {"--model": tiny_llama, "--data": chat_file, "--out": out}
    extra = extra(fixtures)
    args.update(dict(zip(extra[::2], extra[1::2])))
    result = run_cli("cache", *[x for kv in args.items() for x in kv], check=False)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("persona-probe: error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert _store_bytes(out) == before
    ActivationStore(out).verify()


def test_sigkill_then_resume_is_bit_identical(tmp_path):
    model = build_model(tmp_path / "m", "llama")
    data = _chats(tmp_path / "data.jsonl", 600, answer_words=40)
    common = ["--model", model, "--data", data, "--pool", "tokens", "--shard-rows", "20", "--batch-tokens", "1024"]
    run_cli("cache", *common, "--out", tmp_path / "reference")
    killed = tmp_path / "killed"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([*CLI, "-q", "cache", *map(str, common), "--out", str(killed)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = killed / "manifest.json"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        try:
            if len(json.loads(manifest.read_text())["shards"]) >= 3:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.005)
    assert proc.poll() is None, "the run finished before it could be killed; the test proves nothing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    written = len(json.loads(manifest.read_text())["shards"])
    assert json.loads((killed / "cfg.json").read_text())["status"] == "running"
    n_shards = json.loads((tmp_path / "reference" / "cfg.json").read_text())["plan"]["n_shards"]
    assert 3 <= written < n_shards
    run_cli("cache", *common, "--out", killed)
    assert _store_bytes(killed) == _store_bytes(tmp_path / "reference")


def _peak_rss_mib(args) -> float:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([*CLI, "-q", *map(str, args)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, proc.stderr.read().decode()[-2000:]
    return usage.ru_maxrss / 1024


def test_peak_rss_is_flat_as_data_grows(tmp_path):
    # Holding every token's activations would add ~200 MiB at 2,000 rows; a shard is 4 MiB.
    model = build_model(tmp_path / "m", "llama", layers=4, d_model=128)
    peaks = {}
    for n in (200, 2000):
        data = _chats(tmp_path / f"d{n}.jsonl", n, answer_words=40)
        peaks[n] = _peak_rss_mib(["cache", "--model", model, "--data", data, "--pool", "tokens",
                                  "--shard-mb", "4", "--out", tmp_path / f"s{n}"])
    assert peaks[2000] <= 1.10 * peaks[200], peaks


def test_bench_cache_prints_the_ratio_last(tiny_llama):
    result = run_cli("bench", "cache", "--model", tiny_llama, "--rows", "8", "--row-tokens", "40", "--repeats", "1")
    lines = result.stdout.strip().splitlines()
    assert lines[-1].startswith("cache/forward throughput ratio: ")
    assert float(lines[-1].split(": ")[1]) > 0
    assert any(line.startswith("peak RSS:") for line in lines)


@pytest.mark.slow
def test_embedded_smollm2_smoke(tmp_path):
    out = tmp_path / "core"
    run_cli("cache", "--model", "smollm2-135m", "--data", "builtin:core", "--pool", "last-prompt",
            "--layers", "0,15,29", "--out", out)
    store = ActivationStore(out)
    acts = store.load()
    assert acts.shape == (len(store), 3, 576) and torch.isfinite(acts).all()
    assert store.cfg["model"]["name"] == "HuggingFaceTB/SmolLM2-135M-Instruct"
    # The chat template's hidden default system prompt is on record for every row.
    assert all("You are a helpful AI assistant named SmolLM" in row["rendered"] for row in store.rows)


def test_probe_and_direction_commands(tiny_llama, tmp_path):
    """Tuned vs base on the same conversations: the probe and mean-diff commands run end to end."""
    tuned = build_model(tmp_path / "tuned", "llama", seed=1)
    data = _chats(tmp_path / "d.jsonl", 60)
    run_cli("cache", "--model", tiny_llama, "--tuned", tuned, "--data", data, "--out", tmp_path / "pair")
    result = run_cli("direction", "mean-diff", "--positive", tmp_path / "pair" / "tuned", "--negative", tmp_path / "pair" / "base",
                     "--out", tmp_path / "dir")
    assert "mean-difference direction over layers [0, 1]" in result.stdout
    from persona_probe.directions.direction import Direction
    assert Direction.load(tmp_path / "dir").cfg["method"] == "mean-difference"
    # The mean-difference direction's own shift is exactly its raw norm; base against itself moves nothing.
    run_cli("direction", "project", "--direction", tmp_path / "dir", "--base", tmp_path / "pair" / "base",
            "--tuned", tmp_path / "pair" / "tuned", "--out", tmp_path / "shift.json")
    shift = json.loads((tmp_path / "shift.json").read_text())
    norms = Direction.load(tmp_path / "dir").norms.tolist()
    assert shift["kind"] == "projection_shift" and shift["rows"] == 60
    assert shift["shift"] == pytest.approx(norms, rel=1e-4)
    assert all(lo <= s <= hi and lo > 0 for s, (lo, hi) in zip(shift["shift"], shift["ci95"]))
    from persona_probe.directions.projection import projection_shift
    same = projection_shift(ActivationStore(tmp_path / "pair" / "base"), ActivationStore(tmp_path / "pair" / "base"),
                            Direction.load(tmp_path / "dir"))
    assert same["shift"] == [0.0, 0.0]
    store = ActivationStore(tmp_path / "pair" / "base")
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps({"id": r["id"], "label": i % 2 == 0}) + "\n" for i, r in enumerate(store.rows)))
    result = run_cli("probe", "--store", tmp_path / "pair" / "base", "--labels", labels, "--out", tmp_path / "probe")
    assert result.stdout.startswith("best layer")
    cfg = json.loads((tmp_path / "probe" / "cfg.json").read_text())
    assert set(cfg["logistic"]) == {"kfold", "group_held_out"} and len(cfg["logistic"]["kfold"]["accuracy"]) == 2
    labels.write_text(json.dumps({"id": "r0", "label": True}) + "\n")
    bad = run_cli("probe", "--store", tmp_path / "pair" / "base", "--labels", labels, "--out", tmp_path / "p2", check=False)
    assert bad.returncode == 2 and "no label for" in bad.stderr
