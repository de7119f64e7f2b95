"""Sampling on vLLM: the rows :class:`persona_probe.sampling.generate.Sampler` makes, from a model folder.

vLLM runs no TransformerLens hooks, so here an intervention can only live in the weights:
sample an unmodified model, a folder from :func:`persona_probe.interventions.orthogonalize.export_orthogonalized`
(ablation) or one from :func:`persona_probe.interventions.weight_steering.export_steered` (steering at all
positions). vLLM is imported only when asked for, so persona_probe installs and runs without it.

Prompts go in as token ids made by the same tokenizer call as the HF path, and answers are
cut at the same stop tokens and decoded by the same tokenizer, so a row means the same thing
on both engines. The random numbers differ: the same seed does not give the same answers as
HF sampling, and greedy answers agree only up to numerics (vLLM's kernels, often bf16).
Each prompt gets its own seed, from the batch's seed and its place in the batch, so its
answer does not depend on which other prompts share the batch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from ..artifacts import MERGED_MODEL
from ..errors import PersonaProbeError

if TYPE_CHECKING:  # the engine only reads the settings; generate imports this module to run it
    from .generate import SamplingConfig

log = logging.getLogger(__name__)

VLLM_MISSING = ("--engine vllm needs vLLM, which is not installed; install it with: "
                "pip install 'persona-probe[vllm]' (Linux with a CUDA GPU)")


def require_vllm():
    """The ``vllm`` module, or a :class:`PersonaProbeError` that says how to install it."""
    try:
        import vllm
    except ImportError as err:
        if isinstance(err, ModuleNotFoundError) and err.name == "vllm":
            raise PersonaProbeError(VLLM_MISSING) from None
        raise PersonaProbeError(f"vLLM is installed but does not import ({err}); check that its torch and CUDA "
                                "match this machine, or reinstall it with: pip install 'persona-probe[vllm]'") from None
    return vllm


def request_seed(seed: int, index: int) -> int:
    """The seed of the ``index``-th prompt of a batch seeded ``seed``: a hash, so neighbouring
    batches (whose seeds differ by one) never share request seeds."""
    digest = hashlib.sha256(f"persona_probe/{seed}/{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1  # 63 bits: fits every integer field vLLM uses


class VllmSampler:
    """Samples answers with vLLM; ``sample`` returns what ``Sampler.sample`` returns."""

    def __init__(self, model_folder: str | Path, tokenizer, sampling: SamplingConfig, stop_ids: list[int],
                 dtype: str = "auto", tensor_parallel_size: int = 1, gpu_memory_utilization: float = 0.9,
                 max_model_len: int | None = None):
        folder = Path(model_folder)
        if not (folder / "config.json").is_file():
            raise PersonaProbeError(f"{folder} is not a model folder (no config.json); vLLM needs one, "
                                    "see persona_probe.sampling.vllm_engine.model_folder_for")
        self.vllm = require_vllm()
        self.tokenizer = tokenizer
        self.sampling = sampling
        self.stop_ids = sorted(set(stop_ids))
        kwargs: dict[str, Any] = dict(model=str(folder), tokenizer=str(folder), dtype=dtype,
                                      tensor_parallel_size=tensor_parallel_size, seed=sampling.seed,
                                      gpu_memory_utilization=gpu_memory_utilization)
        if max_model_len is not None:
            kwargs["max_model_len"] = max_model_len
        self.llm = self.vllm.LLM(**kwargs)

    def _params(self, seed: int, min_new_tokens: int):
        greedy = self.sampling.temperature <= 0
        return self.vllm.SamplingParams(
            temperature=0.0 if greedy else self.sampling.temperature, top_p=1.0 if greedy else self.sampling.top_p,
            max_tokens=self.sampling.max_new_tokens, min_tokens=min_new_tokens, stop_token_ids=list(self.stop_ids),
            seed=seed, skip_special_tokens=True)

    def sample(self, prompts: Sequence[str], seed: int, hooks=None, min_new_tokens: int = 0) -> list[dict[str, Any]]:
        """Answers to rendered ``prompts`` (one batch), in order, with token counts and finish reasons.

        ``hooks`` is there for ``Sampler.sample``'s call shape and must be None: vLLM cannot run hooks.
        """
        if hooks is not None:
            raise PersonaProbeError("vLLM cannot run hooks; bake the intervention into a model folder "
                                    "(export_steered or export_orthogonalized) and sample that, or use the hf engine")
        if not prompts:
            return []
        tok = self.tokenizer
        inputs = [{"prompt_token_ids": tok(p, add_special_tokens=False)["input_ids"]} for p in prompts]
        params = [self._params(request_seed(seed, i), min_new_tokens) for i in range(len(prompts))]
        outputs = self.llm.generate(inputs, params, use_tqdm=False)
        if len(outputs) != len(prompts):
            raise PersonaProbeError(f"vLLM returned {len(outputs)} answers for {len(prompts)} prompts")
        results = []
        for out in outputs:
            completion = out.outputs[0]
            if completion.finish_reason not in ("stop", "length"):
                raise PersonaProbeError(f"vLLM ended a request with {completion.finish_reason!r}; rerun to resume")
            row = list(completion.token_ids)
            stop = next((i for i, t in enumerate(row) if t in self.stop_ids), None)
            answer_ids = row if stop is None else row[:stop]
            results.append({
                "answer": tok.decode(answer_ids, skip_special_tokens=True).strip(),
                "n_answer_tokens": len(answer_ids),
                # vLLM may leave the stop token out of token_ids; its finish reason still says why it ended
                "finish": "stop" if stop is not None or completion.finish_reason == "stop" else "length",
            })
        return results


def model_folder_for(spec: str) -> Path:
    """A folder vLLM can load for a model spec.

    A Hub id, folder or GGUF is the folder persona_probe loads itself (a GGUF is converted once).
    ``BASE+ADAPTER`` is merged once, saved in the base's dtype under ``cache_dir()/"merged"``
    keyed by the content of both, and reused after.
    """
    from ..models.loading import cache_dir, folder_sha256, hub_snapshot, materialise, parse_spec

    parsed = parse_spec(spec)
    folder, identity = materialise(parsed)
    if not parsed.adapter:
        return folder
    adapter = Path(parsed.adapter).expanduser()
    if not adapter.is_dir():
        repo, _, revision = parsed.adapter.partition("@")
        adapter = hub_snapshot(repo, revision or None, spec)
    key = {"base": {k: v for k, v in identity.to_dict().items() if k != "spec"},
           "adapter_sha256": folder_sha256(adapter)}
    merged = cache_dir() / "merged" / hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:24]
    if (merged / "persona_probe.json").is_file():
        return merged
    _merge_into(spec, folder, merged)
    return merged


def _merge_into(spec: str, base_folder: Path, merged: Path) -> None:
    """Merge in float32, save in the base's dtype into a staging folder, then swap it in."""
    import torch

    from ..artifacts import provenance
    from ..models.loading import cache_staging, load_hf_model

    config = json.loads((base_folder / "config.json").read_text())
    dtypes = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    dtype = dtypes.get(config.get("dtype") or config.get("torch_dtype"), torch.float32)
    log.info("merging %s once for vLLM (later runs use %s)", spec, merged)
    model, tokenizer, identity = load_hf_model(spec, torch.float32)
    staging = cache_staging(merged.parent, ".merging-")
    try:
        model.to(dtype).save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        record = {"kind": MERGED_MODEL.name, "source_model": identity.to_dict(), "dtype": str(dtype).removeprefix("torch."),
                  "provenance": provenance()}
        (staging / "persona_probe.json").write_text(json.dumps(record, indent=2) + "\n")  # written last: marks it whole
        if (merged / "persona_probe.json").is_file():  # another process finished first
            return
        if merged.exists():  # a half-made folder from an interrupted merge
            shutil.rmtree(merged)
        os.replace(staging, merged)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
