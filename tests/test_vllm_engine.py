"""The vLLM engine's glue, tested against a stand-in ``vllm`` module.

The stand-in only records what it is given and returns seeded token ids in vLLM's output shape
(``RequestOutput.outputs[0].token_ids`` / ``.finish_reason``). It checks our side of the
contract (prompt tokens, sampling parameters, per-request seeds, row order, stop handling),
not vLLM itself: that needs a GPU machine with vLLM installed.
"""

import builtins
import json
import random
import sys
import types

import pytest
import torch
from tiny_models import build_model, build_tokenizer

from persona_probe.errors import PersonaProbeError
from persona_probe.models.loading import load_model
from persona_probe.sampling.generate import SamplingConfig
from persona_probe.sampling.vllm_engine import VLLM_MISSING, VllmSampler, model_folder_for, request_seed, require_vllm

STOP = 2  # <|im_end|> in the tiny tokenizer
PROMPTS = ["<|im_start|>user\nhello how are you<|im_end|>\n<|im_start|>assistant\n",
           "<|im_start|>user\nwrite a python function<|im_end|>\n<|im_start|>assistant\n",
           "the quick brown fox", "what should I do with my money", "you are a helpful assistant"]


class FakeParams:
    """Stands in for vllm.SamplingParams: keeps its fields."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


class FakeLLM:
    """Stands in for vllm.LLM: token ids drawn from each request's own seed (or its prompt, when greedy)."""

    instances: list = []
    keep_stop_token = True

    def __init__(self, **kwargs):
        self.kwargs, self.requests = kwargs, []
        FakeLLM.instances.append(self)

    @staticmethod
    def complete(prompt_ids, params):
        rng = random.Random(params.seed if params.temperature > 0 else hash(tuple(prompt_ids)))
        ids = []
        while len(ids) < params.max_tokens:
            ids.append(STOP if rng.random() < 0.1 and len(ids) >= params.min_tokens else rng.randrange(10, 300))
            if ids[-1] in params.stop_token_ids:
                return ids, "stop"
        return ids, "length"

    def generate(self, prompts, sampling_params, use_tqdm=True):
        outputs = []
        for prompt, params in zip(prompts, sampling_params, strict=True):
            self.requests.append((prompt, params))
            ids, finish = self.complete(prompt["prompt_token_ids"], params)
            if finish == "stop" and not self.keep_stop_token:
                ids = ids[:-1]
            outputs.append(types.SimpleNamespace(outputs=[types.SimpleNamespace(token_ids=ids, finish_reason=finish)]))
        return outputs


@pytest.fixture
def fake_vllm(monkeypatch):
    module = types.ModuleType("vllm")
    module.LLM, module.SamplingParams = FakeLLM, FakeParams
    monkeypatch.setitem(sys.modules, "vllm", module)
    monkeypatch.setattr(FakeLLM, "instances", [])
    return module


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    return tmp_path


def test_require_vllm_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "vllm", None)  # makes `import vllm` fail even where it is installed
    with pytest.raises(PersonaProbeError) as err:
        require_vllm()
    assert str(err.value) == VLLM_MISSING
    assert "pip install 'persona-probe[vllm]'" in VLLM_MISSING and "CUDA GPU" in VLLM_MISSING


def test_require_vllm_names_a_broken_install(monkeypatch):
    real_import = builtins.__import__

    def broken(name, *args, **kwargs):
        if name == "vllm":
            raise ImportError("libcudart.so.12: cannot open shared object file")
        return real_import(name, *args, **kwargs)
    monkeypatch.delitem(sys.modules, "vllm", raising=False)
    monkeypatch.setattr(builtins, "__import__", broken)
    with pytest.raises(PersonaProbeError, match="installed but does not import.*libcudart"):
        require_vllm()


def test_rows_follow_the_prompts_and_stop_like_the_hf_sampler(fake_vllm, folder):
    tok = build_tokenizer()
    sampling = SamplingConfig(temperature=0.8, top_p=0.9, max_new_tokens=12, seed=3)
    sampler = VllmSampler(folder, tok, sampling, [STOP, 0], dtype="bfloat16", max_model_len=512)
    llm = FakeLLM.instances[0]
    assert llm.kwargs == dict(model=str(folder), tokenizer=str(folder), dtype="bfloat16", tensor_parallel_size=1,
                              seed=3, gpu_memory_utilization=0.9, max_model_len=512)
    rows = sampler.sample(PROMPTS, seed=77)
    assert len(rows) == len(PROMPTS)
    finishes = set()
    for i, (prompt, row) in enumerate(zip(PROMPTS, rows)):
        sent, params = llm.requests[i]
        assert sent["prompt_token_ids"] == tok(prompt, add_special_tokens=False)["input_ids"]
        assert (params.temperature, params.top_p, params.max_tokens, params.seed) == (0.8, 0.9, 12, request_seed(77, i))
        assert params.stop_token_ids == [0, STOP] and params.skip_special_tokens and params.min_tokens == 0
        ids, finish = FakeLLM.complete(sent["prompt_token_ids"], params)  # what row i must come from
        kept = ids[:-1] if finish == "stop" else ids
        assert row == {"answer": tok.decode(kept, skip_special_tokens=True).strip(),
                       "n_answer_tokens": len(kept), "finish": finish}
        finishes.add(finish)
    assert finishes == {"stop", "length"}  # both endings were exercised
    FakeLLM.keep_stop_token = False  # vLLM may leave the stop token out of token_ids
    try:
        assert sampler.sample(PROMPTS, seed=77) == rows
    finally:
        FakeLLM.keep_stop_token = True


def test_request_seeds_are_deterministic_and_independent_of_the_batch(fake_vllm, folder):
    sampler = VllmSampler(folder, build_tokenizer(), SamplingConfig(max_new_tokens=30), [STOP])
    alone = sampler.sample(PROMPTS[:1], seed=5)
    assert sampler.sample(PROMPTS[:1], seed=5) == alone
    assert sampler.sample([PROMPTS[0], *PROMPTS[2:]], seed=5)[0] == alone[0]
    assert sampler.sample([PROMPTS[0]] * 4, seed=5)[0] == alone[0]
    assert len({r["answer"] for r in sampler.sample([PROMPTS[0]] * 4, seed=5)}) > 1  # samples of one prompt differ
    seeds = {request_seed(batch, i) for batch in range(50) for i in range(64)}
    assert len(seeds) == 50 * 64 and max(seeds) < 2**63  # neighbouring batches share no seed


def test_greedy_and_hooks(fake_vllm, folder):
    sampler = VllmSampler(folder, build_tokenizer(), SamplingConfig(temperature=0.0, top_p=0.5), [STOP])
    sampler.sample(PROMPTS[:2], seed=1, min_new_tokens=4)
    params = FakeLLM.instances[0].requests[0][1]
    assert (params.temperature, params.top_p, params.min_tokens) == (0.0, 1.0, 4)
    with pytest.raises(PersonaProbeError, match="cannot run hooks"):
        sampler.sample(PROMPTS[:1], seed=1, hooks=object())
    with pytest.raises(PersonaProbeError, match="no config.json"):
        VllmSampler(folder / "missing", build_tokenizer(), SamplingConfig(), [STOP])


def test_model_folder_for_merges_an_adapter_once(tmp_path, monkeypatch):
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    monkeypatch.setenv("PERSONA_PROBE_CACHE", str(tmp_path / "cache"))
    base = build_model(tmp_path / "base", "llama")
    assert model_folder_for(str(base)) == base
    lora = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "down_proj"], init_lora_weights=False)
    get_peft_model(AutoModelForCausalLM.from_pretrained(base), lora).save_pretrained(tmp_path / "adapter")
    spec = f"{base}+{tmp_path / 'adapter'}"
    merged = model_folder_for(spec)
    assert merged.parent == tmp_path / "cache" / "merged" and not list(merged.parent.glob(".merging-*"))
    ids = torch.tensor([[1, 5, 9, 12, 30, 44, 7, 3]])
    with torch.no_grad():
        want = load_model(spec, device="cpu").bridge(ids)
        got = load_model(str(merged), device="cpu").bridge(ids)
        plain = load_model(str(base), device="cpu").bridge(ids)
    assert (got - want).abs().max() < 1e-5
    assert (want - plain).abs().max() > 1e-3  # the adapter does something
    record = json.loads((merged / "persona_probe.json").read_text())
    assert record["kind"] == "merged_model" and record["source_model"]["adapter"]["sha256"]

    def no_reload(*args, **kwargs):
        raise AssertionError("merged again")
    monkeypatch.setattr("persona_probe.models.loading.load_hf_model", no_reload)
    assert model_folder_for(spec) == merged
