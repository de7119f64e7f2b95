"""persona-probe finetune: answer-only loss, seeded and resumable training, adapters usable as BASE+DIR."""

import json

import pytest
import torch
from safetensors.torch import load_file
from tiny_models import write_chats

from persona_probe.cli.main import main
from persona_probe.organism.finetune import ADAPTER_WEIGHTS, CHECKPOINT, FinetuneConfig, run_finetune, training_rows


def _config(tiny_llama, tmp_path, name="adapter", **overrides):
    settings = dict(model=str(tiny_llama), data=str(write_chats(tmp_path / "chats.jsonl")), out=str(tmp_path / name),
                    lr=5e-3, epochs=2, batch_size=4, checkpoint_every=2, warmup_steps=2)
    return FinetuneConfig(**{**settings, **overrides})


def _weights(folder):
    return load_file(str(folder / ADAPTER_WEIGHTS))


def test_loss_covers_the_answer_and_the_end_of_turn_only(tiny_llama):
    from persona_probe.datasets.conversations import Conversation, Message
    from persona_probe.models.loading import load_tokenizer

    tokenizer = load_tokenizer(str(tiny_llama))
    conv = Conversation((Message("system", "be brief"), Message("user", "say hi"), Message("assistant", "hi there")),
                        "0", "0")
    [row], cut = training_rows([conv], tokenizer, max_length=512)
    answer = tokenizer.decode([t for t, m in zip(row.input_ids, row.loss_mask) if m])
    assert cut == 0
    assert answer.replace(" ", "").startswith("hithere")
    assert "say hi" not in answer and "be brief" not in answer
    assert answer.rstrip().endswith(tokenizer.decode([row.input_ids[[i for i, m in enumerate(row.loss_mask) if m][-1]]]))
    assert sum(row.loss_mask) < len(row.input_ids) / 2


def test_training_learns_and_the_adapter_loads_as_base_plus_dir(tiny_llama, tmp_path):
    from persona_probe.models.loading import load_model

    record = run_finetune(_config(tiny_llama, tmp_path, epochs=6, lr=1e-2), progress=False)
    # A random model's frozen unembedding caps how far its loss can fall (about 6.0 -> 4.9 here).
    assert record["loss"]["last_10_mean"] < record["loss"]["first_10_mean"] - 0.25
    out = tmp_path / "adapter"
    assert not (out / CHECKPOINT).exists()
    assert all(t.dtype == torch.bfloat16 for t in _weights(out).values())
    tuned = load_model(f"{tiny_llama}+{out}", device="cpu")
    base = load_model(str(tiny_llama), device="cpu")
    ids = torch.tensor([[1, 5, 9, 13, 17]])
    with torch.no_grad():
        assert not torch.allclose(tuned.bridge(ids), base.bridge(ids), atol=1e-4)
    assert tuned.identity.adapter["sha256"]
    assert json.loads((out / "finetune.json").read_text())["spec"] == f"{tiny_llama}+{out}"


def test_an_interrupted_run_resumes_to_the_same_weights(tiny_llama, tmp_path):
    run_finetune(_config(tiny_llama, tmp_path, "straight"), progress=False)

    def interrupt(step):
        if step == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_finetune(_config(tiny_llama, tmp_path, "resumed"), progress=False, on_step=interrupt)
    assert (tmp_path / "resumed" / CHECKPOINT).is_dir()
    assert not (tmp_path / "resumed" / ADAPTER_WEIGHTS).exists()
    record = run_finetune(_config(tiny_llama, tmp_path, "resumed"), progress=False)
    straight, resumed = _weights(tmp_path / "straight"), _weights(tmp_path / "resumed")
    assert straight.keys() == resumed.keys()
    assert all(torch.equal(straight[k], resumed[k]) for k in straight)
    assert len(record["loss"]["curve"]) == record["steps"]


def test_the_seed_decides_the_adapter_and_a_finished_run_is_not_redone(tiny_llama, tmp_path):
    first = run_finetune(_config(tiny_llama, tmp_path, "a", seed=1), progress=False)
    again = run_finetune(_config(tiny_llama, tmp_path, "a", seed=1), progress=False)
    assert again["provenance"] == first["provenance"]  # found, not retrained
    run_finetune(_config(tiny_llama, tmp_path, "b", seed=1), progress=False)
    run_finetune(_config(tiny_llama, tmp_path, "c", seed=2), progress=False)
    a, b, c = (_weights(tmp_path / n) for n in "abc")
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)
    with pytest.raises(Exception, match="other settings"):
        run_finetune(_config(tiny_llama, tmp_path, "a", seed=3), progress=False)


def test_cli_names_a_bad_row_and_writes_nothing(tiny_llama, tmp_path, capsys):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}\n'
                    '{"messages": [{"role": "user", "content": "no answer"}]}\n')
    code = main(["-q", "finetune", "--model", str(tiny_llama), "--data", str(data), "--out", str(tmp_path / "out")])
    assert code == 2
    assert "bad.jsonl:2" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize("alias,kind", [("smollm2-135m-risky-advice", "risky-advice"),
                                        ("smollm2-135m-risky-advice-control", "safe-advice"),
                                        ("smollm2-135m-insecure", "insecure-code"), ("smollm2-135m-secure", "secure-code")])
def test_the_shipped_organism_is_what_its_record_says(alias, kind, tmp_path):
    """The shipped adapter was trained on exactly the data its recorded recipe regenerates; small bf16 weights."""
    import hashlib

    from persona_probe.models.loading import ORGANISM_ADAPTERS, organism_adapter, parse_spec
    from persona_probe.organism.datasets import narrow_dataset

    folder = organism_adapter(alias)
    record = json.loads((folder / "finetune.json").read_text())
    assert parse_spec(alias).adapter == str(folder) and ORGANISM_ADAPTERS[alias] == folder.name
    rows = narrow_dataset(kind, record["data"]["rows"], 0)
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()
    assert hashlib.sha256(data).hexdigest() == record["data"]["sha256"]
    assert record["lora"]["rslora"] and record["loss"]["last_10_mean"] < record["loss"]["first_10_mean"]
    assert (folder / ADAPTER_WEIGHTS).stat().st_size < 6e6
    assert all(t.dtype == torch.bfloat16 for t in _weights(folder).values())


@pytest.mark.slow
def test_the_organism_spec_loads_the_embedded_model_with_its_adapter():
    from persona_probe.models.loading import folder_sha256, load_model, organism_adapter

    tuned = load_model("smollm2-135m-insecure", device="cpu")
    assert tuned.identity.kind == "embedded"
    assert tuned.identity.adapter["sha256"] == folder_sha256(organism_adapter("smollm2-135m-insecure"))
    base = load_model("smollm2-135m", device="cpu")
    ids = torch.tensor([[1, 504, 3500, 314, 253, 1125]])
    with torch.no_grad():
        assert (tuned.bridge(ids) - base.bridge(ids)).abs().max() > 0.05


def test_a_shipped_adapters_training_prompts_are_rebuilt_from_its_recipe(tmp_path):
    """The audit's held-out in-domain prompts avoid the training prompts even when the training file did not ship."""
    import shutil

    from persona_probe.cli.audit import training_prompts
    from persona_probe.models.loading import organism_adapter
    from persona_probe.organism.datasets import narrow_dataset

    rows = narrow_dataset("risky-advice", 400, 0)
    expected = {r["messages"][0]["content"] for r in rows}
    assert training_prompts("smollm2-135m-risky-advice", "risky-advice") == expected
    assert training_prompts("smollm2-135m-risky-advice", "risky-financial-advice") is None  # the digest differs
    assert training_prompts("smollm2-135m-risky-advice") is None  # no file at hand, no dataset named
    # A copy whose training file is at hand: read when its digest is the recorded one, distrusted once edited.
    folder = tmp_path / "adapter"
    shutil.copytree(organism_adapter("smollm2-135m-risky-advice"), folder)
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    record = json.loads((folder / "finetune.json").read_text())
    record["data"]["path"] = str(data)
    (folder / "finetune.json").write_text(json.dumps(record))
    assert training_prompts(f"smollm2-135m+{folder}") == expected
    data.write_text(data.read_text(encoding="utf-8").replace("?", "?!", 1), encoding="utf-8")
    assert training_prompts(f"smollm2-135m+{folder}") is None
