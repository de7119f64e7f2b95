"""An SAE on the embedded model's middle layer, and what it says about the persona (issue 6's figures).

Runs the CLI exactly as a user would, so every number comes from the shipped commands:

1. ``cache`` builtin:corpus (the shipped chat corpus, sampled from SmolLM2 itself) per token at the layer.
2. ``sae train``: TopK, trained by SAELens's SAETrainer from that store; explained variance, L0,
   dead latents and the CE-loss increase with the SAE spliced in (on builtin:neutral).
3. The persona contrast for model diffing (the organism has not landed): SmolLM2's own answers to
   builtin:open, sampled with no system prompt, cached twice, under the helpful ("base") and the
   hostile ("tuned") system prompt: the same answer tokens in two persona contexts.
   ``sae diff --responses-only`` ranks latents by the rise on the answer tokens.
4. ``sae examples`` for the top diff latents: in the corpus and in the hostile-context answers.
5. ``sae attribute``: latents ranked by attribution to the MC persona log-odds.
   ``steer --from-sae``: the top diff latent's decoder row as a steering direction at +-0.25,
   against a same-norm random direction (as the persona direction was tested).
6. Held out (text the SAE never saw, via the Python API): explained variance on the answers
   cached under the helpful prompt, and the CE loss with the SAE spliced in on those chats as
   rendered (chat template included), beside the training metrics' CE on builtin:neutral prose.

    HF_HUB_OFFLINE=1 python analyses/sae_smollm2.py --out runs/sae

Every step resumes or reuses what is there.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path


def cli(*args) -> None:
    command = [sys.executable, "-m", "persona_probe.cli", *map(str, args)]
    print("$ persona-probe " + " ".join(map(str, args)), flush=True)
    subprocess.run(command, check=True)


def held_out_metrics(sae_dir: Path, store_dir: Path, layer: int) -> dict:
    from persona_probe.activations.store import ActivationStore
    from persona_probe.sae.data import activation_batches
    from persona_probe.sae.io import load_sae
    from persona_probe.sae.train import sae_metrics

    store = ActivationStore(store_dir)
    return sae_metrics(load_sae(sae_dir), activation_batches(store, layer, 1024, seed=7), int(store.cfg["n_tokens"]))


def chat_ce(sae_dir: Path, store_dir: Path, model_spec: str, layer: int) -> dict:
    """CE loss with the SAE spliced in on chat-formatted text the SAE never saw (the stored rendered rows)."""
    from persona_probe.activations.store import ActivationStore
    from persona_probe.models.loading import load_model
    from persona_probe.sae.io import load_sae
    from persona_probe.sae.splice import splice_loss

    texts = [row["rendered"] for row in ActivationStore(store_dir).rows]
    return splice_loss(load_model(model_spec, "cpu"), load_sae(sae_dir), layer, texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--layer", type=int, default=15, help="the middle of SmolLM2's 30 layers")
    parser.add_argument("--width", type=int, default=2048)
    parser.add_argument("--k", type=int, default=32)
    parser.add_argument("--rows", type=int, default=600_000, help="training rows (several passes over the corpus)")
    parser.add_argument("--out", default="runs/sae")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    layer = str(args.layer)

    cli("-q", "cache", "--model", args.model, "--data", "builtin:corpus", "--pool", "tokens", "--layers", layer,
        "--out", out / "store-corpus")
    cli("sae", "train", "--store", out / "store-corpus", "--layer", layer, "--arch", "topk", "--width", args.width,
        "--k", args.k, "--rows", args.rows, "--batch-size", 1024, "--lr", "1e-3", "--out", out / "sae")

    cli("-q", "generate", "--model", args.model, "--questions", "builtin:open", "--samples", 2, "--max-new-tokens", 64,
        "--out", out / "open-answers.jsonl")
    for side, system in (("helpful", "builtin:helpful"), ("hostile", "builtin:hostile")):
        cli("-q", "cache", "--model", args.model, "--data", out / "open-answers.jsonl", "--system", system,
            "--pool", "tokens", "--layers", layer, "--out", out / f"store-answers-{side}")
    cli("sae", "diff", "--sae", out / "sae", "--base-store", out / "store-answers-helpful",
        "--tuned-store", out / "store-answers-hostile", "--responses-only", "--out", out / "diff")
    cli("sae", "examples", "--sae", out / "sae", "--store", out / "store-corpus", "--from", out / "diff" / "diff.json",
        "--top", 10, "--n", 8, "--out", out / "examples-corpus")
    cli("sae", "examples", "--sae", out / "sae", "--store", out / "store-answers-hostile", "--responses-only",
        "--from", out / "diff" / "diff.json", "--top", 10, "--n", 8, "--out", out / "examples-answers")
    cli("-q", "sae", "attribute", "--sae", out / "sae", "--model", args.model, "--mc", "builtin:persona",
        "--top", 20, "--examples", 3, "--out", out / "attribution")

    # The causal test of the top diff latent, with the settings of the direction's steering run (issue 5).
    top_latent = json.loads((out / "diff" / "diff.json").read_text())["latents"][0]["latent"]
    cli("-q", "steer", "--model", args.model, "--from-sae", out / "sae", "--latent", top_latent, "--layers", layer,
        "--alphas=-0.25,0,0.25", "--controls", 1, "--questions", "builtin:core", "--samples", 2,
        "--max-new-tokens", 64, "--out", out / f"steer-latent-{top_latent}")

    held_out = held_out_metrics(out / "sae", out / "store-answers-helpful", args.layer)
    held_out["ce_chat"] = chat_ce(out / "sae", out / "store-answers-helpful", args.model, args.layer)
    record = json.loads((out / "sae" / "persona_probe.json").read_text())
    diff = json.loads((out / "diff" / "diff.json").read_text())
    attribution = json.loads((out / "attribution" / "attribution.json").read_text())
    summary = {"training": record["metrics"], "held_out_answers": held_out,
               "diff_top": diff["latents"][:10], "diff_control": diff["control"],
               "attribution_top": [{k: v for k, v in x.items() if k != "top_examples"} for x in attribution["latents"][:10]],
               "overlap_diff_attribution_top20": sorted({x["latent"] for x in diff["latents"]}
                                                        & {x["latent"] for x in attribution["latents"]})}
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps({"training": record["metrics"], "held_out_answers": held_out}, indent=2))


if __name__ == "__main__":
    main()
