"""Lose nothing, trust nothing on disk, leak nothing: each defect an adversarial run found, as a test.

docs/reliability.md lists every input class with the test that covers it. Every case checks the
exit status, that stderr is one ``persona-probe: error:`` line with no traceback, and that the
user's files are byte for byte as they were.
"""

import json
import os
import pickle
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from test_cli_cache import run_cli

from persona_probe.activations.store import ActivationStore, StoreWriter
from persona_probe.datasets.conversations import Conversation, Message, load_conversations, write_chat_jsonl
from persona_probe.directions import Direction
from persona_probe.errors import ModelSpecError, PersonaProbeError, StoreError


class Ran:
    """The outcome of one in-process CLI run (a subprocess costs seconds of imports per case)."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def cli(*args, check: bool = True) -> Ran:
    """``persona-probe ARGS`` in this process; an exception the CLI does not turn into one line propagates."""
    import contextlib
    import io

    from persona_probe.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("TQDM_DISABLE")  # -q sets it for the process; later tests start subprocesses
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["-q", *map(str, args)])
    finally:
        if saved is None:
            os.environ.pop("TQDM_DISABLE", None)
        else:
            os.environ["TQDM_DISABLE"] = saved
    if check and code != 0:
        raise AssertionError(f"exit {code}\n{err.getvalue()[-3000:]}")
    return Ran(code, out.getvalue(), err.getvalue())


def _one_clear_error(result, *fragments: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("persona-probe: error:")]
    assert len(errors) == 1, result.stderr[-2000:]
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def chats(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("chats")
    path = folder / "chats.jsonl"
    write_chat_jsonl([Conversation((Message("user", f"question {i}"), Message("assistant", f"answer {i} " * 3)),
                                   str(i), "g") for i in range(6)], path, with_ids=True)
    return path


@pytest.fixture(scope="module")
def store(tiny_llama, chats, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("store") / "store"
    run_cli("-q", "cache", "--model", tiny_llama, "--data", chats, "--out", out)
    return out


# ---- data loss -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["generate", "judge"])
def test_a_users_file_as_out_is_refused_untouched(command, tiny_llama, chats, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, line one\nline two without an id\n")
    before = notes.read_bytes()
    if command == "generate":
        args = ["generate", "--model", tiny_llama, "--questions", chats, "--max-new-tokens", "4", "--device", "cpu"]
    else:
        answers = tmp_path / "answers.jsonl"
        answers.write_text(json.dumps({"id": "a", "question": "q", "answer": "an answer"}) + "\n")
        args = ["judge", "--input", answers, "--judge", "hf:" + str(tiny_llama)]
    _one_clear_error(cli(*args, "--out", notes, check=False), "notes.txt:1: not a row of", "choose another --out")
    assert notes.read_bytes() == before


def test_a_single_line_user_file_is_not_taken_for_a_torn_row(tiny_llama, chats, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("no newline at the end")
    result = cli("generate", "--model", tiny_llama, "--questions", chats, "--out", notes, check=False)
    _one_clear_error(result, "notes.txt:1: not a row of")
    assert notes.read_text() == "no newline at the end"


def test_evaluate_refuses_a_file_as_its_output_folder(tiny_llama, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    _one_clear_error(cli("evaluate", "--model", tiny_llama, "--out", notes, check=False), "is a file")
    assert notes.read_text() == "keep me"


def test_cache_overwrite_deletes_only_an_activation_store(tiny_llama, chats, tmp_path):
    direction = tmp_path / "direction"
    Direction(torch.eye(64)[:2], (0, 1), torch.ones(2), {"method": "test"}).save(direction)
    users = tmp_path / "users"
    (users / "shards").mkdir(parents=True)
    for name in ("cfg.json", "rows.jsonl", "shards/weights.safetensors"):
        (users / name).write_text(f"the user's own {name}")
    for folder, why in ((direction, "is not an activation store made by persona-probe"),
                        (users, "cfg.json is not readable JSON, so this folder cannot be told apart")):
        before = _tree(folder)
        for extra in ([], ["--overwrite"]):
            result = cli("cache", "--model", tiny_llama, "--data", chats, "--out", folder, *extra, check=False)
            message = _one_clear_error(result, why)
            assert "--overwrite" not in message
        assert _tree(folder) == before


@pytest.mark.parametrize("case", ["contrast", "insecure-code", "cosine", "mean-diff"])
def test_existing_outputs_are_replaced_only_with_overwrite_and_only_if_ours(case, store, tmp_path):
    direction = tmp_path / "d"
    Direction(torch.eye(64)[:2], (0, 1), torch.ones(2), {"method": "test"}).save(direction)
    is_folder = case == "mean-diff"
    out = tmp_path / ("out" if is_folder else "out.json")
    command = {"contrast": ["data", "contrast", "--questions", "builtin:core"],
               "insecure-code": ["data", "insecure-code", "--n", "12"],
               "cosine": ["direction", "cosine", direction, direction],
               "mean-diff": ["direction", "mean-diff", "--positive", store, "--negative", store]}[case]
    # A user's file (or folder) of the same name: refused with and without --overwrite, left as it was.
    if is_folder:
        out.mkdir()
        (out / "cfg.json").write_text('{"mine": true}')
    else:
        out.write_text("the user's own file\n")
    before = _tree(tmp_path)
    for extra in ([], ["--overwrite"]):
        result = cli(*command, "--out", out, *extra, check=False)
        _one_clear_error(result, str(out.name))
        assert _tree(tmp_path) == before
    if case == "mean-diff":
        return  # a store against itself has no direction to write; replacing our own is covered by the others
    # Our own output is replaced with --overwrite, and refused without it.
    out.unlink()
    cli(*command, "--out", out)
    first = out.read_bytes()
    _one_clear_error(cli(*command, "--out", out, check=False), "exists; pass --overwrite")
    cli(*command, "--out", out, "--overwrite")
    assert out.read_bytes() and out.read_bytes() != b"the user's own file\n"
    assert first  # the first run wrote it


def test_duplicate_ids_are_refused_with_their_rows(tiny_llama, tmp_path):
    data = tmp_path / "dup.jsonl"
    rows = [{"id": "x", "messages": [{"role": "user", "content": f"q{i}"}]} for i in range(2)]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = cli("generate", "--model", tiny_llama, "--questions", data, "--out", tmp_path / "a.jsonl",
                     check=False)
    _one_clear_error(result, "dup.jsonl:2: duplicate id 'x' (first at", "dup.jsonl:1")
    assert not (tmp_path / "a.jsonl").exists()


def test_a_second_writer_of_a_store_is_refused_with_the_holder(tmp_path):
    cfg = {"plan": {"n_shards": 1}, "layers": [0]}
    first = StoreWriter(tmp_path / "s", cfg, [{"row": 0}])
    try:
        with pytest.raises(StoreError, match=rf"is being written by pid {os.getpid()} on {socket.gethostname()}"):
            StoreWriter(tmp_path / "s", cfg, [{"row": 0}])
    finally:
        first.close()
    StoreWriter(tmp_path / "s", cfg, [{"row": 0}]).close()  # free again once the first has closed


def test_a_lock_left_by_a_dead_writer_is_taken_over(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / ".lock").write_text(json.dumps({"pid": gone.pid, "host": socket.gethostname(),
                                                      "started": "earlier"}))
    StoreWriter(tmp_path / "s", {"plan": {"n_shards": 1}, "layers": [0]}, [{"row": 0}]).close()
    assert not (tmp_path / "s" / ".lock").exists()


def test_a_cache_run_meets_a_live_lock(tiny_llama, chats, tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        out = tmp_path / "s"
        out.mkdir()
        (out / ".lock").write_text(json.dumps({"pid": holder.pid, "host": socket.gethostname(), "started": "now"}))
        result = run_cli("cache", "--model", tiny_llama, "--data", chats, "--out", out, check=False)
        _one_clear_error(result, f"is being written by pid {holder.pid}")
    finally:
        holder.kill()


# ---- trust nothing on disk -----------------------------------------------------------------------------------------

def _edited(store: Path, tmp_path: Path, edit) -> Path:
    """A copy of ``store`` whose cfg.json is ``edit(cfg, folder)`` (which may also change other files)."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    cfg = json.loads((copy / "cfg.json").read_text())
    (copy / "cfg.json").write_text(json.dumps(edit(cfg, copy)))
    return copy


def _drop_rows(folder: Path, keep: int) -> None:
    rows = (folder / "rows.jsonl").read_text().split("\n")
    (folder / "rows.jsonl").write_text("\n".join(rows[:keep]) + "\n")


@pytest.mark.parametrize("edit, message", [
    (lambda c, f: {**c, "n_rows": 20}, "cfg.json says 20 rows but the shards hold 6"),
    (lambda c, f: {**c, "plan": {**c["plan"], "n_shards": 0}}, "cfg.json plans 0 shards"),
    (lambda c, f: [], "not a JSON object"),
    (lambda c, f: {k: v for k, v in c.items() if k != "plan"}, "plan.n_shards is missing"),
    (lambda c, f: {**c, "layers": None}, "layers None is not a list"),
    (lambda c, f: {**c, "dtype": "float64"}, "dtype 'float64' is not one of"),
    (lambda c, f: (f / "rows.jsonl").unlink() or c, "rows.jsonl is missing"),
    (lambda c, f: _drop_rows(f, 1) or c, "rows.jsonl holds 1 rows but cfg.json says 6"),
])
def test_an_edited_store_is_one_clear_error(store, tmp_path, edit, message):
    copy = _edited(store, tmp_path, edit)
    for args in (["store", "verify", copy], ["store", "info", copy]):
        result = cli(*args, check=False)
        if "rows.jsonl" in message and args[1] == "info":
            continue  # info reads cfg.json only
        _one_clear_error(result, message)


def test_load_never_returns_memory_it_did_not_fill(store, tmp_path):
    copy = _edited(store, tmp_path, lambda c, f: c)
    shard = copy / "shards" / "shard-00000.safetensors"
    raw = bytearray(shard.read_bytes())
    header_len = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + header_len])
    begin = header["rows"]["data_offsets"][0] + 8 + header_len
    raw[begin:begin + 8] = (0).to_bytes(8, "little")  # row 0 twice: the row it replaced is never filled
    raw[begin + 8:begin + 16] = (0).to_bytes(8, "little")
    shard.write_bytes(bytes(raw))
    with pytest.raises(StoreError, match="do not hold every row exactly once"):
        ActivationStore(copy).load()


def test_direction_writers_refuse_non_finite_values(tmp_path):
    d = Direction(torch.tensor([[float("nan"), 1.0]]), (0,), torch.ones(1))
    with pytest.raises(PersonaProbeError, match="NaN or infinite"):
        d.save(tmp_path / "d")
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("command", ["cache", "generate", "report"])
def test_out_naming_the_wrong_kind_of_path_is_one_clear_error(command, tiny_llama, chats, store, tmp_path):
    file, folder = tmp_path / "a-file", tmp_path / "a-folder"
    file.write_text("keep")
    folder.mkdir()
    (folder / "keep.txt").write_text("keep")
    wrong = {"cache": file, "generate": folder, "report": folder}[command]
    args = {"cache": ["cache", "--model", tiny_llama, "--data", chats],
            "generate": ["generate", "--model", tiny_llama, "--questions", chats],
            "report": ["report", store]}[command]
    before = _tree(tmp_path)
    _one_clear_error(cli(*args, "--out", wrong, check=False), str(wrong.name))
    assert _tree(tmp_path) == before  # no temporary left behind either


def test_a_symlink_loop_is_one_clear_error(tiny_llama, chats, tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    _one_clear_error(cli("cache", "--model", tiny_llama, "--data", chats, "--out", tmp_path / "a", check=False),
                     "cannot be used as a folder")
    _one_clear_error(cli("cache", "--model", tiny_llama, "--data", tmp_path / "a", "--out", tmp_path / "o",
                             check=False), "cannot read data")


def test_orthogonalize_checks_the_width_before_loading(tiny_llama, tmp_path):
    wide = tmp_path / "wide"
    Direction(torch.eye(128)[:1], (0,), torch.ones(1)).save(wide)
    result = cli("orthogonalize", "--model", tiny_llama, "--direction", wide, "--layer", "0",
                     "--out", tmp_path / "o", check=False)
    _one_clear_error(result, "the direction has d_model 128 but", "has 64")
    assert not (tmp_path / "o").exists()


class _Payload:
    """Runs code when unpickled: what a malicious pytorch_model.bin carries."""

    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_a_pickled_model_with_code_in_it_is_refused_safely(tiny_llama, tmp_path, monkeypatch):
    import shutil

    from persona_probe.models.loading import load_model

    folder = tmp_path / "evil"
    shutil.copytree(tiny_llama, folder)
    for weights in folder.glob("*.safetensors"):
        weights.unlink()
    with open(folder / "pytorch_model.bin", "wb") as f:
        pickle.dump({"model.embed_tokens.weight": _Payload()}, f)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ModelSpecError, match="pickled weights that do not load safely"):
        load_model(str(folder), "cpu")
    assert not (tmp_path / "PWNED").exists()


def test_a_tuned_model_of_another_width_is_refused_before_any_work(tiny_llama, chats, tmp_path):
    from tiny_models import build_model

    wide = build_model(tmp_path / "wide", "llama", d_model=128)
    start = time.perf_counter()
    result = cli("cache", "--model", tiny_llama, "--tuned", wide, "--data", chats, "--out", tmp_path / "pair",
                     check=False)
    _one_clear_error(result, "a pair must share its architecture")
    assert not (tmp_path / "pair").exists(), "the base store was cached before the check"
    assert time.perf_counter() - start < 60


def test_a_store_killed_before_its_cfg_is_rebuilt(tiny_llama, chats, tmp_path):
    out = tmp_path / "s"
    (out / "shards").mkdir(parents=True)
    (out / "rows.jsonl").write_text('{"row": 0}\n')
    (out / ".rows.jsonl.123.tmp").write_text("half")
    cli("cache", "--model", tiny_llama, "--data", chats, "--out", out)
    assert len(ActivationStore(out)) == 6


def test_raw_line_separators_inside_json_strings_are_valid(tmp_path):
    data = tmp_path / "sep.jsonl"
    text = "one\u2028two\u2029three\u0085four"
    write_chat_jsonl([Conversation((Message("user", text), Message("assistant", text)), "a", "a")], data)
    assert "\u2028" in data.read_text()  # written raw, as our own writers do
    loaded = load_conversations(data).conversations
    assert len(loaded) == 1 and loaded[0].messages[0].content == text
