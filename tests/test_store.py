import json

import pytest
import torch

from persona_probe.activations.store import ActivationStore, StoreWriter
from persona_probe.errors import StoreError


def _cfg(n_rows=6, n_shards=2, dtype="float32", pooling="response-mean"):
    return {"model": {"spec": "m"}, "hook_names": ["blocks.0.hook_resid_post", "blocks.2.hook_resid_post"],
            "layers": [0, 2], "pooling": pooling, "dtype": dtype, "model_dtype": "float32", "device": "cpu",
            "d_model": 4, "n_rows": n_rows, "data": {"sha256": "x"}, "plan": {"n_shards": n_shards}}


def _rows(n):
    return [{"row": i, "id": str(i), "shard": i // 3, "response_start": 1, "response_end": 3} for i in range(n)]


def _write(path, dtype=torch.float32, name="float32"):
    acts = torch.randn(6, 2, 4).to(dtype)
    writer = StoreWriter(path, _cfg(dtype=name), _rows(6))
    # shards hold rows out of order, as length-grouped batches do
    writer.write_shard(0, {"acts": acts[[2, 0, 1]], "rows": torch.tensor([2, 0, 1])}, 30)
    writer.write_shard(1, {"acts": acts[[5, 3, 4]], "rows": torch.tensor([5, 3, 4])}, 30)
    writer.finish()
    return acts


@pytest.mark.parametrize("dtype, name", [(torch.float32, "float32"), (torch.bfloat16, "bfloat16"), (torch.float16, "float16")])
def test_round_trip_in_data_order(tmp_path, dtype, name):
    acts = _write(tmp_path / "s", dtype, name)
    store = ActivationStore(tmp_path / "s")
    assert torch.equal(store.load(), acts)
    assert torch.equal(store.load(layers=[2]), acts[:, 1:])
    assert store.load().dtype == dtype and len(store) == 6
    store.verify()
    with pytest.raises(StoreError, match=r"layers \[1\] were not cached"):
        store.load(layers=[1])


def test_truncated_or_flipped_shard_is_reported(tmp_path):
    _write(tmp_path / "s")
    shard = tmp_path / "s" / "shards" / "shard-00001.safetensors"
    data = bytearray(shard.read_bytes())
    data[-1] ^= 0xFF
    shard.write_bytes(bytes(data))
    store = ActivationStore(tmp_path / "s")  # same size, so only the hash can tell
    with pytest.raises(StoreError, match="shard-00001.*SHA-256 does not match"):
        store.verify()
    shard.write_bytes(bytes(data[:-10]))
    with pytest.raises(StoreError, match="shard-00001.*truncated or corrupt"):
        ActivationStore(tmp_path / "s")
    shard.unlink()
    with pytest.raises(StoreError, match="shard missing"):
        ActivationStore(tmp_path / "s")


def test_corrupt_cfg_and_unfinished_store(tmp_path):
    writer = StoreWriter(tmp_path / "s", _cfg(), _rows(6))
    writer.write_shard(0, {"acts": torch.zeros(3, 2, 4), "rows": torch.tensor([0, 1, 2])}, 9)
    writer.close()
    with pytest.raises(StoreError, match="has not finished; rerun the same cache command"):
        ActivationStore(tmp_path / "s")
    (tmp_path / "s" / "cfg.json").write_text("{not json")
    with pytest.raises(StoreError, match="corrupt JSON"):
        ActivationStore(tmp_path / "s")
    with pytest.raises(StoreError, match="no cfg.json"):
        ActivationStore(tmp_path / "elsewhere")


def test_writer_resumes_and_refuses_other_settings(tmp_path):
    writer = StoreWriter(tmp_path / "s", _cfg(), _rows(6))
    writer.write_shard(0, {"acts": torch.zeros(3, 2, 4), "rows": torch.tensor([0, 1, 2])}, 9)
    writer.close()  # the first run ends (a killed one leaves a lock that is taken over as stale)
    (tmp_path / "s" / "shards" / ".shard-00001.safetensors.123.tmp").write_bytes(b"half")
    again = StoreWriter(tmp_path / "s", _cfg(), _rows(6))
    again.close()
    assert again.has_shard(0) and not again.has_shard(1) and not again.complete
    assert not list((tmp_path / "s" / "shards").glob(".*.tmp"))
    with pytest.raises(StoreError, match="different settings \\(layers differs\\)"):
        StoreWriter(tmp_path / "s", {**_cfg(), "layers": [0, 1]}, _rows(6))
    fresh = StoreWriter(tmp_path / "s", {**_cfg(), "layers": [0, 1]}, _rows(6), overwrite=True)
    fresh.close()
    assert not fresh.has_shard(0)
    assert json.loads((tmp_path / "s" / "cfg.json").read_text())["layers"] == [0, 1]


def test_refuses_a_folder_that_is_not_a_store(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not an activation store"):
        StoreWriter(tmp_path, _cfg(), _rows(6))
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_resume_matches_by_content_not_spelling(tmp_path):
    cfg = {**_cfg(), "model": {"spec": "smollm2-135m", "name": "n", "sha256": "abc"}, "data": {"source": "a.jsonl", "sha256": "x"}}
    writer = StoreWriter(tmp_path / "s", cfg, _rows(6))
    writer.write_shard(0, {"acts": torch.zeros(3, 2, 4), "rows": torch.tensor([0, 1, 2])}, 9)
    writer.close()
    respelled = {**cfg, "model": {**cfg["model"], "spec": "embedded"}, "data": {"source": "./a.jsonl", "sha256": "x"}}
    again = StoreWriter(tmp_path / "s", respelled, _rows(6))
    again.close()
    assert again.has_shard(0)
    with pytest.raises(StoreError, match="model differs"):
        StoreWriter(tmp_path / "s", {**cfg, "model": {**cfg["model"], "sha256": "other"}}, _rows(6))


def test_iter_rows_on_a_pooled_store_is_a_clear_error(tmp_path):
    _write(tmp_path / "s")
    with pytest.raises(StoreError, match="holds pooled activations"):
        next(ActivationStore(tmp_path / "s").iter_rows())
