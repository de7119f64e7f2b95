"""SAEs through SAELens: dictionary recovery, the SAELens format both ways, training from a store."""

import json

import pytest
import torch
from test_cli_cache import _chats, run_cli

from persona_probe.errors import PersonaProbeError
from persona_probe.sae.io import load_sae
from persona_probe.sae.train import sae_metrics, train_sae


def _sparse_dictionary(d=32, n_atoms=64, k=3, noise=0.01, seed=0):
    """Rows = sparse codes (k active, magnitudes 1-2) x known unit atoms + Gaussian noise."""
    g = torch.Generator().manual_seed(seed)
    atoms = torch.nn.functional.normalize(torch.randn(n_atoms, d, generator=g), dim=-1)

    def batches(batch_size=512):
        while True:
            active = torch.rand(batch_size, n_atoms, generator=g).argsort(-1)[:, :k]
            codes = torch.zeros(batch_size, n_atoms).scatter_(1, active, 1 + torch.rand(batch_size, k, generator=g))
            yield codes @ atoms + noise * torch.randn(batch_size, d, generator=g)
    return atoms, batches


def test_topk_sae_recovers_a_known_sparse_dictionary():
    atoms, batches = _sparse_dictionary()
    sae = train_sae(batches(), 32, "topk", width=64, k=3, sparsity_coefficient=0, rows=200_000, batch_size=512, lr=3e-3)
    decoder = torch.nn.functional.normalize(sae.W_dec.detach(), dim=-1)
    recovery = (atoms @ decoder.T).max(dim=1).values.mean()
    assert recovery >= 0.9, f"mean max-cosine to the true atoms {recovery:.3f}"
    metrics = sae_metrics(sae, batches(), 4096)
    print(f"recovery {recovery:.3f}, metrics {metrics}")
    assert metrics["explained_variance"] > 0.8 and metrics["l0"] == pytest.approx(3, abs=0.01)


def test_our_sae_loads_in_plain_saelens_and_saelens_folders_load_in_ours(tmp_path):
    from sae_lens import SAE, TopKSAE, TopKSAEConfig

    _, batches = _sparse_dictionary()
    trained = train_sae(batches(), 32, "topk", width=64, k=3, sparsity_coefficient=0, rows=20_000, batch_size=512,
                        lr=3e-3, metadata={"hook_name": "blocks.0.hook_resid_post"})
    trained.save_inference_model(tmp_path / "ours")
    x = next(batches())
    plain, ours = SAE.load_from_disk(tmp_path / "ours"), load_sae(tmp_path / "ours")
    assert torch.equal(plain(x), ours(x)) and torch.equal(plain.encode(x), ours.encode(x))
    # A folder written by SAELens's own save, from an SAE it built itself.
    theirs = TopKSAE(TopKSAEConfig(d_in=32, d_sae=48, k=4))
    with torch.no_grad():
        for p in theirs.parameters():
            p.copy_(torch.randn_like(p))
    theirs.save_model(tmp_path / "theirs")
    assert torch.equal(load_sae(tmp_path / "theirs")(x), theirs(x))
    with pytest.raises(PersonaProbeError, match="not an SAE folder"):
        load_sae(tmp_path)


def test_sae_train_command_on_a_per_token_store(tiny_llama, tmp_path):
    data = _chats(tmp_path / "d.jsonl", 40)
    run_cli("-q", "cache", "--model", tiny_llama, "--data", data, "--pool", "tokens", "--out", tmp_path / "store")
    result = run_cli("-q", "sae", "train", "--store", tmp_path / "store", "--layer", "1", "--width", "128", "--k", "8",
                     "--batch-size", "256", "--rows", "20000", "--lr", "1e-3", "--out", tmp_path / "sae")
    assert result.stdout.startswith(f"wrote {tmp_path / 'sae'}: explained variance")
    record = json.loads((tmp_path / "sae" / "persona_probe.json").read_text())
    assert record["hook_name"] == "blocks.1.hook_resid_post" and record["metrics"]["l0"] <= 8.0
    assert record["training_rows"] == 20000 and record["model"]["kind"] == "folder"
    sae = load_sae(tmp_path / "sae")
    assert sae.cfg.d_in == 64 and sae.cfg.metadata.hook_name == "blocks.1.hook_resid_post"
    bad = run_cli("sae", "train", "--store", tmp_path / "store", "--layer", "7", "--out", tmp_path / "x", check=False)
    assert bad.returncode == 2 and "--layer 7 was not cached" in bad.stderr


def test_planted_diff_ranks_the_planted_latent_first_and_the_control_shows_none():
    from persona_probe.sae.diff import LatentStats, diff_latents, latent_stats

    atoms, batches = _sparse_dictionary()
    sae = train_sae(batches(), 32, "topk", width=64, k=3, sparsity_coefficient=0, rows=200_000, batch_size=512, lr=3e-3)
    decoder = torch.nn.functional.normalize(sae.W_dec.detach(), dim=-1)
    planted = int((decoder @ atoms[5]).argmax())  # the latent that learned atom 5
    base_rows = next(batches(400))
    tuned_rows = base_rows + 1.5 * atoms[5]  # the base examples plus one known atom's activation
    base = latent_stats(sae, (row[None] for row in base_rows))
    tuned = latent_stats(sae, (row[None] for row in tuned_rows))
    result = diff_latents(base, tuned, top=5)
    first = result["latents"][0]
    assert first["latent"] == planted and first["delta_ci95"][0] > 0
    assert first["firing_tuned"] > first["firing_base"]
    # The control (random halves of the base rows) shows no latent anywhere near that rise.
    assert result["control"]["max_delta"] < 0.2 * first["delta"]
    assert result["control"]["paired_null"]["max_delta_95th"] < 0.2 * first["delta"]
    # With no planted change the paired null is what the top real rise looks like.
    same = diff_latents(base, latent_stats(sae, (row[None] + 0.01 * torch.randn(32) for row in base_rows)), top=5)
    assert same["latents"][0]["delta"] < 3 * same["control"]["paired_null"]["max_delta_95th"]
    with pytest.raises(PersonaProbeError, match="differ in rows"):
        diff_latents(base, LatentStats(tuned.mean_activation[:10], tuned.firing_rate[:10]))


def test_sae_diff_command_on_a_cached_pair(tiny_llama, tmp_path):
    from tiny_models import build_model

    tuned = build_model(tmp_path / "tuned", "llama", seed=1)
    data = _chats(tmp_path / "d.jsonl", 24)
    run_cli("-q", "cache", "--model", tiny_llama, "--tuned", tuned, "--data", data, "--pool", "tokens",
            "--out", tmp_path / "pair")
    run_cli("-q", "sae", "train", "--store", tmp_path / "pair" / "base", "--layer", "1", "--width", "64", "--k", "4",
            "--batch-size", "128", "--rows", "5000", "--lr", "1e-3", "--out", tmp_path / "sae")
    result = run_cli("sae", "diff", "--sae", tmp_path / "sae", "--base-store", tmp_path / "pair" / "base",
                     "--tuned-store", tmp_path / "pair" / "tuned", "--top", "5", "--out", tmp_path / "diff")
    assert "control (random halves of the base store)" in result.stdout
    diff = json.loads((tmp_path / "diff" / "diff.json").read_text())
    assert diff["layer"] == 1 and diff["n_rows"] == 24 and [x["rank"] for x in diff["latents"]] == [1, 2, 3, 4, 5]
    deltas = [x["delta"] for x in diff["latents"]]
    assert deltas == sorted(deltas, reverse=True)
    bad = run_cli("sae", "diff", "--sae", tmp_path / "sae", "--base-store", tmp_path / "pair" / "base",
                  "--tuned-store", tmp_path / "sae", "--out", tmp_path / "d2", check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_top_examples_match_a_brute_force_scan_and_attribution_runs_over_the_cli(tiny_llama, tmp_path):
    from persona_probe.activations.store import ActivationStore
    from persona_probe.residual import massive_positions

    data = _chats(tmp_path / "d.jsonl", 24)
    run_cli("-q", "cache", "--model", tiny_llama, "--data", data, "--pool", "tokens", "--out", tmp_path / "store")
    run_cli("-q", "sae", "train", "--store", tmp_path / "store", "--layer", "1", "--width", "64", "--k", "4",
            "--batch-size", "128", "--rows", "5000", "--lr", "1e-3", "--ce-texts", "none", "--out", tmp_path / "sae")
    result = run_cli("sae", "examples", "--sae", tmp_path / "sae", "--store", tmp_path / "store", "--latents", "0,5,9",
                     "--n", "3", "--out", tmp_path / "ex")
    assert result.stdout.rstrip().endswith("examples.json")
    examples = json.loads((tmp_path / "ex" / "examples.json").read_text())["stores"][str(tmp_path / "store")]["examples"]
    sae, store = load_sae(tmp_path / "sae"), ActivationStore(tmp_path / "store")
    for latent in (0, 5, 9):
        per_row = []
        for row, tokens in store.iter_rows([1]):
            acts = tokens.acts[:, 0].float()
            values = sae.encode(acts)[:, latent].detach()
            values[massive_positions(acts[None], 20.0)[0]] = 0
            if values.max() > 0:
                per_row.append(float(values.max()))
        expected = sorted(per_row, reverse=True)[:3]
        got = examples[str(latent)]
        assert [round(c["activation"], 4) for c in got] == [round(v, 4) for v in expected]
        for c in got:
            assert len(c["tokens"]) == len(c["activations"]) == len(c["token_ids"])
            assert c["activations"][c["focus"]] == pytest.approx(c["activation"], abs=1e-4)
    result = run_cli("sae", "attribute", "--sae", tmp_path / "sae", "--model", tiny_llama, "--answers", data,
                     "--label", "any", "--top", "3", "--examples", "2", "--out", tmp_path / "attr")
    assert "answer_logprob over 24 examples" in result.stdout
    attribution = json.loads((tmp_path / "attr" / "attribution.json").read_text())
    means = [x["mean_attribution"] for x in attribution["latents"]]
    assert len(means) == 3 and means == sorted(means, reverse=True)
    conv = attribution["latents"][0]["top_examples"][0]["conversations"][0]
    assert len(conv["tokens"]) == len(conv["attribution"]) and conv["response"][0] < conv["response"][1]
    bad = run_cli("sae", "attribute", "--sae", tmp_path / "sae", "--model", tiny_llama, "--answers", data,
                  "--out", tmp_path / "a2", check=False)
    assert bad.returncode == 2 and "no rows labelled 'misaligned'" in bad.stderr


def test_an_interrupted_training_resumes_from_its_checkpoint_to_the_same_weights(tmp_path):
    from safetensors.torch import load_file

    def run(folder, stop_after=None):
        _, batches = _sparse_dictionary(seed=3)
        stream = batches(256)

        def feed():
            for i, batch in enumerate(stream):
                if stop_after is not None and i == stop_after:
                    raise KeyboardInterrupt  # a crash mid-training
                yield batch
        return train_sae(feed(), 32, "topk", width=64, k=3, sparsity_coefficient=0, rows=256 * 40, batch_size=256,
                         lr=3e-3, checkpoint_dir=folder, checkpoints=3, run_key={"run": 1})

    whole = run(tmp_path / "a")
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path / "b", stop_after=25)
    assert load_file(str(tmp_path / "b" / "state.safetensors"))  # written as safetensors, no pickle
    info = json.loads((tmp_path / "b" / "trainer.json").read_text())
    assert 0 < info["n_training_samples"] < 256 * 25
    resumed = run(tmp_path / "b")
    for name in ("W_enc", "W_dec", "b_enc", "b_dec"):
        assert torch.allclose(getattr(whole, name), getattr(resumed, name), atol=1e-6), name
    with pytest.raises(PersonaProbeError, match="other settings"):
        train_sae(iter(()), 32, "topk", width=64, k=3, sparsity_coefficient=0, rows=256 * 40, batch_size=256,
                  lr=3e-3, checkpoint_dir=tmp_path / "b", checkpoints=3, run_key={"run": 2})
