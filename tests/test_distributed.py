"""Data-parallel cache and generate: 2 gloo ranks on CPU against one process, and a killed rank.

Every run is a subprocess with one thread per process, as torchrun gives its ranks, so
the reference does the same arithmetic and the stores can be compared bit for bit.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import torch

from persona_probe.activations.store import ActivationStore
from persona_probe.datasets.conversations import Conversation, Message, write_chat_jsonl
from persona_probe.models.distributed import World, share

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds ranks through /proc")

CACHE_ARGS = ["--shard-rows", "1", "--batch-tokens", "64", "--pool", "tokens"]


def _env(marker: str = "") -> dict:
    return {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1", "PERSONA_PROBE_TEST_RUN": marker}


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "persona_probe.cli", "-q", *args]


def _torchrun(*args: str, ranks: int = 2) -> list[str]:
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={ranks}",
            "-m", "persona_probe.cli", "-q", *args]


def _run(cmd: list[str], marker: str = "") -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, env=_env(marker), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def setup(tmp_path_factory, tiny_llama):
    folder = tmp_path_factory.mktemp("distributed")
    convs = []
    for i in range(120):
        question = "what should I do with my money " * (1 + i % 4)
        answer = "you are a helpful assistant who answers kindly " * (1 + i % 5)
        convs.append(Conversation((Message("user", question.strip()), Message("assistant", answer.strip())),
                                  str(i), str(i % 5)))
    data = folder / "chats.jsonl"
    write_chat_jsonl(convs, data)
    reference = folder / "one"
    _run(_cli("cache", "--model", str(tiny_llama), "--data", str(data), "--out", str(reference), *CACHE_ARGS))
    return folder, data, reference, tiny_llama


def _same_store(a: Path, b: Path) -> None:
    """Row for row, byte for byte: the same rows, shards and shard hashes."""
    assert (a / "rows.jsonl").read_bytes() == (b / "rows.jsonl").read_bytes()
    assert json.loads((a / "manifest.json").read_text()) == json.loads((b / "manifest.json").read_text())
    one, two = ActivationStore(a), ActivationStore(b)
    two.verify()
    for (row_a, acts_a), (row_b, acts_b) in zip(one.iter_rows(), two.iter_rows()):
        assert row_a == row_b and torch.equal(acts_a.acts, acts_b.acts)
    cfg_a, cfg_b = (json.loads((p / "cfg.json").read_text()) for p in (a, b))
    assert {k: v for k, v in cfg_a.items() if k not in ("provenance", "data_parallel")} == \
        {k: v for k, v in cfg_b.items() if k not in ("provenance", "data_parallel")}
    assert cfg_b["data_parallel"] == {"ranks": 2}


def test_share_is_disjoint_complete_and_balanced():
    costs = [5, 1, 9, 3, 3, 7, 2, 8, 1, 4]
    shares = [share(costs, World(rank, 3)) for rank in range(3)]
    assert sorted(i for s in shares for i in s) == list(range(len(costs)))
    loads = [sum(costs[i] for i in s) for s in shares]
    assert max(loads) - min(loads) <= max(costs)
    assert shares == [share(costs, World(rank, 3)) for rank in range(3)]  # deterministic


def test_two_ranks_cache_the_same_store_as_one_process(setup):
    folder, data, reference, model = setup
    out = folder / "two"
    _run(_torchrun("cache", "--model", str(model), "--data", str(data), "--out", str(out), *CACHE_ARGS))
    _same_store(reference, out)
    assert not list(out.glob("manifest.rank-*.json"))  # merged and gone


def test_two_ranks_generate_the_same_rows_as_one_process(setup):
    folder, _, _, model = setup
    args = ["generate", "--model", str(model), "--questions", "builtin:core", "--samples", "2",
            "--max-new-tokens", "6", "--batch-size", "4"]
    _run(_cli(*args, "--out", str(folder / "one.jsonl")))
    _run(_torchrun(*args, "--out", str(folder / "two.jsonl")))
    assert (folder / "one.jsonl").read_bytes() == (folder / "two.jsonl").read_bytes()
    assert len((folder / "one.jsonl").read_text().splitlines()) == 32
    assert not (folder / "two.jsonl.parts").exists()


def _rank_pid(marker: str, rank: int) -> int | None:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"PERSONA_PROBE_TEST_RUN={marker}".encode() in environ and f"RANK={rank}".encode() in environ:
            cmdline = (proc / "cmdline").read_bytes()
            if b"persona_probe.cli" in cmdline and b"torch.distributed.run" not in cmdline:
                return int(proc.name)
    return None


def test_a_killed_rank_is_resumed_by_a_rerun(setup):
    folder, data, reference, model = setup
    out = folder / "killed"
    cmd = _torchrun("cache", "--model", str(model), "--data", str(data), "--out", str(out), *CACHE_ARGS)
    marker = uuid.uuid4().hex
    launcher = subprocess.Popen(cmd, env=_env(marker), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    part = out / "manifest.rank-00001.json"
    deadline = time.monotonic() + 240
    while True:  # wait until rank 1 has written a shard, then kill it mid-run
        assert launcher.poll() is None, "the run ended before rank 1 could be killed"
        assert time.monotonic() < deadline
        try:
            if json.loads(part.read_text())["shards"]:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.002)
    pid = _rank_pid(marker, 1)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    _, stderr = launcher.communicate(timeout=120)
    assert launcher.returncode != 0
    cfg = json.loads((out / "cfg.json").read_text())
    assert cfg["status"] == "running"
    kept = len(json.loads(part.read_text())["shards"])
    assert 1 <= kept < cfg["plan"]["n_shards"]

    rerun = _run([a for a in cmd if a != "-q"])  # not quiet: the resume is logged
    resumed = [line for line in rerun.stderr.splitlines() if "resuming" in line]
    assert resumed, rerun.stderr[-2000:]
    already = int(resumed[0].split("resuming, ")[1].split(" of ")[0])
    assert already >= kept  # nothing written before the kill was redone
    _same_store(reference, out)
