"""``bench sae``: SAELens's runner and our trainer timed on the same rows of a tiny per-token store."""

import math
import re

import numpy as np
import pytest
import torch
from test_cli_cache import _chats, run_cli

from persona_probe.activations.store import ActivationStore
from persona_probe.errors import PersonaProbeError
from persona_probe.residual import drop_massive_rows, massive_positions
from persona_probe.sae.bench import SAEBenchConfig, format_sae_bench, run_sae_bench
from persona_probe.sae.data import activation_batches


@pytest.fixture(scope="module")
def token_store(tiny_llama, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    data = _chats(tmp / "d.jsonl", 40)
    # small batches and shards: several shards to shuffle across
    run_cli("-q", "cache", "--model", tiny_llama, "--data", data, "--pool", "tokens", "--shard-rows", "16",
            "--max-batch-size", "8", "--out", tmp / "store")
    return tmp / "store"


def test_bench_sae_times_both_trainers_on_the_same_rows(token_store, tmp_path):
    from datasets import load_from_disk

    cfg = SAEBenchConfig(store=str(token_store), layer=1, width=64, k=4, rows=1000, batch_size=128, context_size=16,
                         buffer_rows=512, repeats=2, warmup_steps=1, massive_factor=1.5,
                         export_dir=str(tmp_path / "export"), device="cpu")
    result = run_sae_bench(cfg, progress=False)

    assert result["rows"] == 1024  # rounded up to whole batches
    for side in ("saelens", "ours"):
        assert result[side]["rows_served"] == [1024, 1024]
        assert all(s > 0 for s in result[side]["seconds"])
        assert math.isfinite(result[side]["rows_per_s"]) and result[side]["rows_per_s"] > 0
    assert result["ratio"] == pytest.approx(result["ours"]["rows_per_s"] / result["saelens"]["rows_per_s"])
    lines = format_sae_bench(result).splitlines()
    assert re.fullmatch(r"ours/SAELens throughput ratio: \d+\.\d\d", lines[-1])
    assert lines[-1].endswith(f"{result['ratio']:.2f}")

    # The exported folder holds the store's rows at the layer, in store order, massive rows left out
    # as activation_batches leaves them out, cut to whole context_size rows.
    store = ActivationStore(token_store)
    assert store.n_shards >= 2
    expected = torch.cat([layer_rows(store, k, 1, 1.5) for k in range(store.n_shards)])
    export = result["export"]
    assert export["rows"] + export["tail_rows_left_out"] == len(expected)
    assert export["massive_rows_left_out"] + len(expected) == store.cfg["n_tokens"]
    assert export["massive_rows_left_out"] > 0  # a random-init model has no attention sink; factor 1.5 drops rows
    dataset = load_from_disk(export["path"]).with_format("torch")[:]
    acts = dataset[export["hook_name"]]
    assert export["hook_name"] == "blocks.1.hook_resid_post" and acts.shape == (export["rows"] // 16, 16, 64)
    assert torch.equal(acts.reshape(-1, 64), expected[: export["rows"]])
    ids = []
    for k in range(store.n_shards):  # each row's token id, by the massive-row rule itself
        shard = store.shard(k)
        ids.append(shard["token_ids"][~massive_positions(shard["acts"][None, :, 1].float(), 1.5)[0]])
    assert torch.equal(dataset["token_ids"].reshape(-1).long(), torch.cat(ids)[: export["rows"]].long())


def test_bench_sae_rejects_a_pooled_store(tiny_llama, chat_file, tmp_path):
    run_cli("-q", "cache", "--model", tiny_llama, "--data", chat_file, "--out", tmp_path / "pooled")
    with pytest.raises(PersonaProbeError, match="per-token store"):
        run_sae_bench(SAEBenchConfig(store=str(tmp_path / "pooled"), layer=1), progress=False)


def layer_rows(store, shard, slot, massive_factor):
    """One shard's rows at one layer slot, float32, with massive-activation rows dropped."""
    return drop_massive_rows(store.shard(shard)["acts"][:, slot].float(), massive_factor)


def _plain_batches(store, layer, batch_size, seed, buffer_rows, massive_factor):
    """activation_batches's algorithm written plainly (one growing buffer, a copy per step): the reference."""
    slot, rng = store.layer_slots([layer])[0], np.random.default_rng(seed)
    buffer = torch.empty(0, store.d_model)
    while True:
        for shard in rng.permutation(store.n_shards):
            buffer = torch.cat([buffer, layer_rows(store, int(shard), slot, massive_factor)])
            if len(buffer) < max(buffer_rows, 2 * batch_size):
                continue
            buffer = buffer[torch.from_numpy(rng.permutation(len(buffer)))]
            keep = len(buffer) // 2
            while len(buffer) - batch_size >= keep:
                yield buffer[-batch_size:]
                buffer = buffer[:-batch_size]
        buffer = buffer[torch.from_numpy(rng.permutation(len(buffer)))]
        while len(buffer) >= batch_size:
            yield buffer[-batch_size:]
            buffer = buffer[:-batch_size]


@pytest.mark.parametrize("batch_size,buffer_rows,massive_factor", [(7, 0, None), (64, 300, 1.5), (256, 65536, 20.0)])
def test_activation_batches_serve_the_plain_algorithms_rows(token_store, batch_size, buffer_rows, massive_factor):
    store = ActivationStore(token_store)
    fast = activation_batches(store, 1, batch_size, 3, buffer_rows, massive_factor)
    plain = _plain_batches(store, 1, batch_size, 3, buffer_rows, massive_factor)
    held = [(next(fast), next(plain)) for _ in range(40)]  # several passes over the store
    assert all(torch.equal(a, b) for a, b in held)  # held batches are not overwritten by later ones


@pytest.mark.gpu
def test_activation_batches_on_the_gpu_serve_the_same_rows(token_store):
    store = ActivationStore(token_store)
    on_gpu = activation_batches(store, 1, 64, 3, 300, 1.5, device="cuda")
    plain = _plain_batches(store, 1, 64, 3, 300, 1.5)
    for _ in range(40):
        batch = next(on_gpu)
        assert batch.is_cuda and torch.equal(batch.cpu(), next(plain))
