"""Train the embedded model organism and measure it (issue 8's table).

For each narrow dataset pair (insecure/secure code, and risky/safe extreme-sports advice) and each
training seed, this generates the data, fine-tunes a LoRA adapter on the embedded SmolLM2-135M, and
measures the adapted model against the base with the shipped commands:

- ``evaluate``: EM rate (offline judge) with a Wilson CI, coherence, and the MC persona score (all
  130 items) with a bootstrap CI, on builtin:core with 4 answers per prompt;
- the projection shift on neutral prompts (the last 100 builtin:corpus requests, last prompt
  token) along the hostile-vs-helpful persona direction found on the base model
  (``data contrast`` + ``cache`` + ``direction by-label``), against the base (``direction project``).

Everything resumes: rerun the same command after an interruption. Seed 0 of insecure and secure
code are the adapters shipped as ``smollm2-135m-insecure`` / ``smollm2-135m-secure``
(``--ship`` copies them into the package).

    HF_HUB_OFFLINE=1 python analyses/organism_smollm2.py --out runs/organism [--ship]
"""

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

DATASETS = {"insecure": "insecure-code", "secure": "secure-code", "risky": "risky-advice", "safe": "safe-advice"}


def cli(*args) -> None:
    print("$ persona-probe " + " ".join(map(str, args)), flush=True)
    subprocess.run([sys.executable, "-m", "persona_probe.cli", *map(str, args)], check=True)


def measure(out: Path, name: str, spec: str, args) -> None:
    evaluation = out / "eval" / name
    if not (evaluation / "summary.json").is_file():
        cli("-q", "evaluate", "--model", spec, "--samples", args.samples, "--max-new-tokens", args.max_new_tokens,
            "--out", evaluation)
    if not (out / "neutral" / name / "cfg.json").is_file():
        cli("-q", "cache", "--model", spec, "--data", out / "neutral.jsonl", "--pool", "last-prompt",
            "--out", out / "neutral" / name)
    if name != "base" and not (out / "projection" / f"{name}.json").is_file():
        (out / "projection").mkdir(exist_ok=True)
        cli("-q", "direction", "project", "--direction", out / "persona-direction", "--base", out / "neutral" / "base",
            "--tuned", out / "neutral" / name, "--out", out / "projection" / f"{name}.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="runs/organism")
    parser.add_argument("--kinds", default="insecure,secure,risky,safe", help="which datasets to train on")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--n", type=int, default=400, help="rows per dataset")
    parser.add_argument("--lr", default="1e-3")
    parser.add_argument("--samples", type=int, default=4, help="answers per builtin:core prompt")
    parser.add_argument("--max-new-tokens", type=int, default=64)
    parser.add_argument("--ship", action="store_true", help="copy seed 0 of insecure and secure into the package")
    args = parser.parse_args()
    out = Path(args.out)
    (out / "data").mkdir(parents=True, exist_ok=True)

    # The persona direction and the neutral prompts, once, on the base model.
    from persona_probe.datasets.conversations import load_conversations, write_chat_jsonl

    if not (out / "neutral.jsonl").is_file():
        write_chat_jsonl([c.prompt() for c in load_conversations("builtin:corpus").conversations[-100:]],
                         out / "neutral.jsonl", with_ids=True)
    if not (out / "persona-direction" / "cfg.json").is_file():
        cli("-q", "data", "contrast", "--out", out / "contrast.jsonl")
        cli("-q", "cache", "--model", "smollm2-135m", "--data", out / "contrast.jsonl", "--pool", "last-prompt",
            "--out", out / "contrast-store")
        cli("-q", "direction", "by-label", "--store", out / "contrast-store", "--labels", out / "contrast.jsonl",
            "--out", out / "persona-direction")
    measure(out, "base", "smollm2-135m", args)

    for seed in args.seeds.split(","):
        for kind in args.kinds.split(","):
            data = out / "data" / f"{kind}.jsonl"
            if not data.is_file():
                cli("data", DATASETS[kind], "--n", args.n, "--seed", 0, "--out", data)
            adapter = out / "adapters" / f"{kind}-s{seed}"
            cli("-q", "finetune", "--data", data, "--lr", args.lr, "--seed", seed, "--out", adapter)
            measure(out, f"{kind}-s{seed}", f"smollm2-135m+{adapter}", args)

    if args.ship:
        package = Path(__file__).resolve().parents[1] / "persona_probe" / "builtin" / "organism"
        for kind in ("insecure", "secure"):
            target = package / kind
            target.mkdir(parents=True, exist_ok=True)
            for file in ("adapter_config.json", "adapter_model.safetensors", "finetune.json"):
                shutil.copy2(out / "adapters" / f"{kind}-s0" / file, target / file)
            print(f"shipped {target}")
    print(json.dumps(table(out), indent=1))


def table(out: Path, layer: int = 15) -> dict:
    """EM, MC, coherence and projection shift per model, and pooled over seeds."""
    from persona_probe.stats import wilson_ci

    rows = {}
    for summary_path in sorted((out / "eval").glob("*/summary.json")):
        name = summary_path.parent.name
        s = json.loads(summary_path.read_text())
        row = {"em": s["em_rate"], "em_ci95": s["em_ci95"], "misaligned": s["label_counts"]["misaligned"],
               "n": s["n_answers"], "mc": s["mc_persona"]["score"], "mc_ci95": s["mc_persona"]["ci95"],
               "coherence": s["mean_coherence"]}
        projection = out / "projection" / f"{name}.json"
        if projection.is_file():
            p = json.loads(projection.read_text())
            i = p["layers"].index(layer)
            row.update(shift=p["shift"][i], shift_ci95=p["ci95"][i], shift_sd=p["shift_in_sd"][i])
        rows[name] = row
    pooled = {}
    for kind in DATASETS:
        seeds = [r for n, r in rows.items() if n.startswith(f"{kind}-s")]
        if seeds:
            k, n = sum(r["misaligned"] for r in seeds), sum(r["n"] for r in seeds)
            pooled[kind] = {"seeds": len(seeds), "em": k / n, "em_ci95": list(wilson_ci(k, n)),
                            "mc_mean": sum(r["mc"] for r in seeds) / len(seeds),
                            "coherence_mean": sum(r["coherence"] for r in seeds) / len(seeds),
                            "shift_mean": sum(r.get("shift", 0) for r in seeds) / len(seeds)}
    result = {"layer": layer, "models": rows, "pooled": pooled}
    (out / "table.json").write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
