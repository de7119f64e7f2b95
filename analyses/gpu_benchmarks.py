"""GPU benchmarks for issue 9 (scale): run on a machine with a CUDA GPU.

1. ``bench cache`` (activation cache against a bare forward pass, same batches, same run)
   in bf16 on the embedded SmolLM2-135M and on a random-init model of Qwen2.5-7B-Instruct's
   shape, built from its config (no weights are downloaded). Reports the cache/forward ratio
   and MFU: achieved 2 * params * tokens FLOP/s over the GPU's dense bf16 peak.
2. ``bench generate``: HF batched sampling tokens/s, and vLLM's on the same prompts and
   answer length when vLLM is importable.

    python analyses/gpu_benchmarks.py --out runs/gpu_bench.json

Each figure is a ratio to a baseline in the same run; absolute tokens/s hold for that GPU only.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from persona_probe.activations.bench import BenchCacheConfig, bench_cache
from persona_probe.models.loading import ModelIdentity, load_model, wrap_hf_model
from persona_probe.sampling.generate import SamplingConfig, bench_generate, stop_token_ids

# Qwen2.5-7B-Instruct's config.json (the shape only; weights are random).
QWEN25_7B = dict(architectures=["Qwen2ForCausalLM"], hidden_size=3584, intermediate_size=18944, num_hidden_layers=28,
                 num_attention_heads=28, num_key_value_heads=4, vocab_size=152064, max_position_embeddings=32768,
                 rope_theta=1_000_000.0, rms_norm_eps=1e-6, tie_word_embeddings=False, hidden_act="silu",
                 use_sliding_window=False)
# Dense bf16 peak FLOP/s by device name (NVIDIA data sheets, without sparsity).
PEAKS = {"H100 PCIe": 756e12, "H100": 989.4e12, "H200": 989.4e12, "A100": 312e12}


def peak_flops(name: str, override: float | None) -> float | None:
    if override:
        return override * 1e12
    return next((v for k, v in PEAKS.items() if k in name), None)


def random_7b(tokenizer):
    from transformers import Qwen2Config, Qwen2ForCausalLM

    config = Qwen2Config(**{k: v for k, v in QWEN25_7B.items() if k != "architectures"})
    with torch.device("cuda"):
        model = Qwen2ForCausalLM._from_config(config, dtype=torch.bfloat16)
    identity = ModelIdentity("random-init:Qwen2.5-7B-shape", "random", "Qwen2.5-7B-shape (random init)",
                             architecture="Qwen2ForCausalLM")
    return wrap_hf_model(model, tokenizer, identity)


def cache_row(name, model, cfg: BenchCacheConfig, peak):
    params = sum(p.numel() for p in model.bridge.original_model.parameters())
    r = bench_cache(cfg, model)
    flops = 2 * params * r.forward_tokens_per_s
    return {"model": name, "params": params, "rows": cfg.rows, "row_tokens": cfg.row_tokens,
            "batch_tokens": cfg.batch_tokens, "forward_tok_s": r.forward_tokens_per_s,
            "cache_tok_s": r.cache_tokens_per_s, "cache_over_forward": r.ratio,
            "cache_full_depth_over_forward": r.cache_full_depth_tokens_per_s / r.forward_tokens_per_s,
            "forward_mfu": flops / peak if peak else None,
            "cache_mfu": 2 * params * r.cache_tokens_per_s / peak if peak else None,
            "peak_cuda_mib": r.peak_cuda_mib}


def vllm_tokens_per_s(model, batch_size: int, new_tokens: int) -> float | None:
    try:
        import vllm  # noqa: F401

        from persona_probe.sampling.vllm_engine import VllmSampler, model_folder_for
    except ImportError:
        return None
    from persona_probe.datasets.conversations import load_conversations
    from persona_probe.datasets.rendering import render_conversation

    convs = load_conversations("builtin:core").conversations
    prompts = [render_conversation(convs[i % len(convs)], model.tokenizer).text for i in range(batch_size)]
    sampler = VllmSampler(model_folder_for("smollm2-135m"), model.tokenizer, SamplingConfig(max_new_tokens=new_tokens),
                          stop_token_ids(model), dtype="bfloat16", gpu_memory_utilization=0.5)
    sampler.sample(prompts[:2], seed=0, min_new_tokens=new_tokens)  # warm-up
    start = time.perf_counter()
    sampler.sample(prompts, seed=0, min_new_tokens=new_tokens)
    return batch_size * new_tokens / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="runs/gpu_bench.json", help="results JSON")
    parser.add_argument("--peak-tflops", type=float, help="the GPU's dense bf16 peak, if not an H100/H200/A100")
    parser.add_argument("--skip-7b", action="store_true", help="only the embedded model")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("gpu_benchmarks.py needs a CUDA GPU; on CPU use persona-probe bench cache")
    name = torch.cuda.get_device_name()
    peak = peak_flops(name, args.peak_tflops)
    results = {"device": name, "peak_bf16_flops": peak, "torch": torch.__version__, "cache": [], "generate": {}}
    small = load_model("smollm2-135m", "cuda", "bfloat16")
    results["cache"].append(cache_row("smollm2-135m", small, BenchCacheConfig(
        rows=256, row_tokens=256, batch_tokens=32768, device="cuda", model_dtype="bfloat16", repeats=5), peak))
    print(json.dumps(results["cache"][-1], indent=1))
    hf = bench_generate(small, batch_size=256, new_tokens=128, single_rows=4)
    results["generate"] = {"batch_size": 256, "new_tokens": 128, "hf_batch1_tok_s": hf.single_tokens_per_s,
                           "hf_batched_tok_s": hf.batched_tokens_per_s, "hf_batched_over_batch1": hf.ratio}
    vllm_rate = vllm_tokens_per_s(small, 256, 128)
    results["generate"]["vllm_tok_s"] = vllm_rate
    results["generate"]["vllm_over_hf_batched"] = vllm_rate / hf.batched_tokens_per_s if vllm_rate else None
    print(json.dumps(results["generate"], indent=1))
    if not args.skip_7b:
        tokenizer = small.tokenizer
        del small
        torch.cuda.empty_cache()
        big = random_7b(tokenizer)
        results["cache"].append(cache_row("random-init Qwen2.5-7B shape", big, BenchCacheConfig(
            rows=64, row_tokens=512, batch_tokens=16384, layers="all", device="cuda", model_dtype="bfloat16",
            repeats=3), peak))
        print(json.dumps(results["cache"][-1], indent=1))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
