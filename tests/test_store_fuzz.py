"""Random damage to a store's files gives the original activations or one StoreError: never garbage, never a traceback.

Each case copies a finished store (pooled, and per token), applies one seeded random edit to
cfg.json, the manifest, rows.jsonl or a shard, then opens, verifies and reads it. Reading
trusts the shard bytes it maps, so ``verify`` (which hashes them) is part of the contract.
"""

import json
import random
import shutil
import time
from pathlib import Path

import pytest
import torch
from test_cli_cache import run_cli

from persona_probe.activations.store import ActivationStore
from persona_probe.datasets.conversations import Conversation, Message, write_chat_jsonl
from persona_probe.errors import StoreError

CASES = 300
ODD_VALUES = [None, [], {}, -1, 0, 1, 3, 10**12, "x", "", 1.5, True, [0], {"n_shards": 1}, "float16", "tokens"]


@pytest.fixture(scope="module", params=["response-mean", "tokens"])
def store(request, tiny_llama, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    chats = folder / "chats.jsonl"
    write_chat_jsonl([Conversation((Message("user", f"question {i} " * (1 + i % 3)),
                                    Message("assistant", f"answer {i} " * (1 + i % 4))), str(i), "g")
                      for i in range(10)], chats)
    run_cli("-q", "cache", "--model", tiny_llama, "--data", chats, "--pool", request.param, "--shard-rows", "3",
            "--max-batch-size", "2", "--out", folder / "store")
    return folder / "store"


def _read(path: Path) -> list[torch.Tensor]:
    store = ActivationStore(path)
    store.verify()
    if store.pooling == "tokens":
        rows = dict(store.iter_rows())
        return [torch.cat([rows[i].acts.flatten().float(), rows[i].token_ids.float()]) for i in range(len(store))]
    return [store.load().float()]


def _mutate_json(path: Path, rng: random.Random) -> None:
    data = json.loads(path.read_text())
    target, key = data, None
    for _ in range(rng.randint(1, 3)):  # walk down a little into nested objects
        if isinstance(target, dict) and target:
            key = rng.choice(sorted(target))
            if isinstance(target[key], (dict, list)) and rng.random() < 0.5:
                target = target[key]
                key = None
                continue
        break
    if isinstance(target, dict) and target:
        key = key if key in target else rng.choice(sorted(target))
        if rng.random() < 0.3:
            del target[key]
        else:
            target[key] = rng.choice(ODD_VALUES)
    elif isinstance(target, list) and target:
        index = rng.randrange(len(target))
        if rng.random() < 0.5:
            del target[index]
        else:
            target[index] = rng.choice(ODD_VALUES)
    path.write_text(json.dumps(data))


def _mutate_bytes(path: Path, rng: random.Random) -> None:
    raw = bytearray(path.read_bytes())
    how = rng.choice(["flip", "truncate", "append", "flip-header"])
    if how == "truncate":
        del raw[rng.randrange(len(raw)):]
    elif how == "append":
        raw += bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    else:
        limit = min(len(raw), 200) if how == "flip-header" else len(raw)
        raw[rng.randrange(limit)] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(raw))


def _damage(folder: Path, rng: random.Random) -> str:
    files = [p for p in folder.rglob("*") if p.is_file()]
    target = rng.choice(files)
    if target.suffix == ".json" and rng.random() < 0.7:
        _mutate_json(target, rng)
        return f"edit {target.name}"
    _mutate_bytes(target, rng)
    return f"bytes of {target.name}"


def test_random_damage_gives_the_original_or_one_clear_error(store, tmp_path):
    original = _read(store)
    rng = random.Random(0)
    outcomes = {"intact": 0, "refused": 0}
    start = time.perf_counter()
    for case in range(CASES):
        copy = tmp_path / f"case-{case}"
        shutil.copytree(store, copy)
        what = _damage(copy, rng)
        try:
            got = _read(copy)
        except StoreError as err:
            assert "\n" not in str(err), err
            outcomes["refused"] += 1
        except Exception as err:  # noqa: BLE001 - anything but a StoreError is the bug this test looks for
            pytest.fail(f"case {case} ({what}): {type(err).__name__}: {err}")
        else:
            assert len(got) == len(original) and all(torch.equal(a, b) for a, b in zip(got, original)), \
                f"case {case} ({what}) read different activations without an error"
            outcomes["intact"] += 1
        shutil.rmtree(copy)
    assert outcomes["refused"] > CASES // 2, outcomes  # the damage mostly matters, and is caught
    assert time.perf_counter() - start < 60
