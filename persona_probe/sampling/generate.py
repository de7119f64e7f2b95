"""Batched sampling of answers to question sets, resumable, and hookable.

Sampling runs HF ``generate`` on the bridge's own model: the bridge swaps its
components into that model in place, so hooks added with ``bridge.hooks(...)``
(steering, ablation) act here too. Rows are written per batch; a rerun skips the
rows already in the output file and regenerates the rest exactly, because every
batch is seeded from the run's seed and the batch's index.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ContextManager, Sequence

import torch
from tqdm.auto import tqdm

from ..artifacts import atomic_write_bytes, output_file, read_jsonl
from ..datasets.conversations import Conversation, Message, load_conversations, resume_jsonl
from ..datasets.rendering import render_conversation
from ..errors import DataError, PersonaProbeError
from ..models.distributed import DistributedError, World, share
from ..models.loading import LoadedModel
from ..models.settings import DeviceSettings, ModelSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SamplingConfig:
    temperature: float = 1.0
    """Sampling temperature; 0 means greedy."""
    top_p: float = 1.0
    """Nucleus sampling mass."""
    max_new_tokens: int = 200
    """Longest answer, in tokens."""
    seed: int = 0
    """Seed; each batch is seeded from it and the batch's index."""


@dataclass(frozen=True)
class SampleJob:
    """One answer to sample: a prompt and which sample of it this is."""

    conversation: Conversation
    sample: int

    @property
    def id(self) -> str:
        return f"{self.conversation.id}/{self.sample}"


def plan_jobs(conversations: Sequence[Conversation], samples: int | None, per_question: dict[str, int]) -> list[SampleJob]:
    """``samples`` answers per prompt, or each question's samples_per_paraphrase when None."""
    jobs = []
    for conv in conversations:
        n = samples if samples else per_question.get(conv.group, 1)
        jobs.extend(SampleJob(conv, s) for s in range(n))
    return jobs


def stop_token_ids(model) -> list[int]:
    """The chat template's end-of-turn token plus the tokenizer's and model's EOS.

    ``model`` is a :class:`LoadedModel` or a :class:`~persona_probe.models.ModelHandle` (no weights).
    """
    tok = model.tokenizer
    probe = Conversation((Message("user", "hi"), Message("assistant", "fine")), "probe", "probe")
    rendered = render_conversation(probe, tok)
    ids = set()
    if rendered.response_end is not None and rendered.response_end < rendered.n_tokens:
        ids.add(rendered.input_ids[rendered.response_end])
    if tok.eos_token_id is not None:
        ids.add(tok.eos_token_id)
    config_eos = model.eos_token_id
    ids.update(config_eos if isinstance(config_eos, list) else [config_eos] if config_eos is not None else [])
    return sorted(ids)


class Sampler:
    """Samples answers with left-padded batches from a loaded model."""

    def __init__(self, model: LoadedModel, sampling: SamplingConfig):
        self.model = model
        self.sampling = sampling
        self.stop_ids = stop_token_ids(model)
        self.pad_id = model.tokenizer.pad_token_id

    def sample(self, prompts: Sequence[str], seed: int, hooks: ContextManager | None = None,
               min_new_tokens: int = 0) -> list[dict[str, Any]]:
        """Answers to rendered ``prompts`` (one batch), with token counts and finish reasons."""
        tok = self.model.tokenizer
        encoded = [tok(p, add_special_tokens=False)["input_ids"] for p in prompts]
        longest = max(map(len, encoded))
        ids = torch.full((len(encoded), longest), self.pad_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for i, row in enumerate(encoded):  # left padding: every prompt ends at the same column
            ids[i, longest - len(row):] = torch.tensor(row)
            mask[i, longest - len(row):] = 1
        device = self.model.device
        greedy = self.sampling.temperature <= 0
        torch.manual_seed(seed)
        kwargs = dict(do_sample=not greedy, max_new_tokens=self.sampling.max_new_tokens,
                      min_new_tokens=min_new_tokens, eos_token_id=self.stop_ids, pad_token_id=self.pad_id)
        if not greedy:
            kwargs.update(temperature=self.sampling.temperature, top_p=self.sampling.top_p, top_k=0)
        with torch.inference_mode(), hooks or nullcontext():
            out = self.model.bridge.original_model.generate(
                input_ids=ids.to(device), attention_mask=mask.to(device), **kwargs
            )
        results = []
        for row in out[:, longest:].tolist():
            stop = next((i for i, t in enumerate(row) if t in self.stop_ids), None)
            answer_ids = row if stop is None else row[:stop]
            results.append({
                "answer": tok.decode(answer_ids, skip_special_tokens=True).strip(),
                "n_answer_tokens": len(answer_ids),
                "finish": "length" if stop is None else "stop",
            })
        return results


def batch_seed(seed: int, batch_index: int) -> int:
    return (seed * 1_000_003 + batch_index) % (2**63)


def generate_answers(model: LoadedModel, questions: str, out: str | Path, samples: int | None = None,
                     sampling: SamplingConfig = SamplingConfig(), batch_size: int = 64,
                     hooks_factory=None, progress: bool = True, run_info: dict | None = None,
                     system: str | None = None, world: World = World(), sampler=None) -> Path:
    """Sample answers to every prompt of ``questions`` into the JSONL file ``out``, resuming it.

    ``hooks_factory`` returns a fresh context manager per batch (e.g. a steering
    intervention); it is how interventions plug into sampling. ``system`` replaces
    every prompt's system message. ``run_info`` is recorded in each row and must match
    on resume. ``sampler`` replaces the HF sampler (e.g. a vLLM one); ``model`` then
    only needs ``tokenizer`` and ``identity``.

    With a ``world`` of several ranks, each samples a disjoint share of the batches into
    ``OUT.parts/rank-NNNNN.jsonl`` and rank 0 merges them into ``out`` in plan order,
    which is the order a single process writes. Batches are seeded by their index, so
    the rows do not depend on which rank sampled them.
    """
    dataset = load_conversations(questions)
    per_question = {q.id: q.samples_per_paraphrase for q in dataset.questions}
    # A question's own judge prompts go with its answers, so that judging them later needs no question file.
    judge_prompts = {q.id: q.judge_prompts for q in dataset.questions if q.judge_prompts}
    areas = {q.id: q.area for q in dataset.questions if q.area}  # for out-of-domain scores
    # Chat rows that already hold an answer are prompted with everything before it.
    prompts = [c.prompt() for c in dataset.conversations]
    if system is not None:
        prompts = [c.with_system(system) for c in prompts]
    jobs = plan_jobs(prompts, samples, per_question)
    rendered = {conv.id: render_conversation(conv, model.tokenizer) for conv in prompts}
    # Group prompts of similar length, then cut into fixed batches: the plan is the same on every run.
    jobs.sort(key=lambda j: (rendered[j.conversation.id].n_tokens, j.conversation.id, j.sample))
    batches = [jobs[i:i + batch_size] for i in range(0, len(jobs), batch_size)]
    run = {"model": model.identity.to_dict(), "sampling": asdict(sampling), "questions": dataset.name,
           "questions_sha256": dataset.sha256, "batch_size": batch_size, **(run_info or {})}
    out = Path(out)
    keys = ("model", "sampling", "questions_sha256", "batch_size", *(run_info or {}))
    # Rank 0 reads (and checks) what is done; every rank splits the same remaining batches.
    done = set(world.broadcast(world.on_main(lambda: sorted(_resume(out, run, keys, world.active)))))
    todo = [(k, b) for k, b in enumerate(batches) if any(j.id not in done for j in b)]
    target = out
    if world.active:
        todo = [todo[i] for i in share([len(b) for _, b in todo], world)]
        target = parts_folder(out) / f"rank-{world.rank:05d}.jsonl"
        if not target.parent.is_dir():
            raise DistributedError(f"{target.parent} is not visible to {world.label}; --out must be on a "
                                   "filesystem every rank sees (a shared mount across nodes)")
    sampler = sampler or Sampler(model, sampling)
    label = " ".join(filter(None, ["generate", world.label]))
    with open(target, "a", encoding="utf-8") as f, tqdm(total=sum(len(b) for _, b in todo), unit="answer", desc=label,
                                                        disable=not progress or not world.is_main,
                                                        dynamic_ncols=True) as bar:
        n_tokens, start = 0, time.perf_counter()
        for k, batch in todo:
            hooks = hooks_factory() if hooks_factory else None
            answers = sampler.sample([rendered[j.conversation.id].text for j in batch], batch_seed(sampling.seed, k), hooks)
            lines = []
            for job, ans in zip(batch, answers):
                if job.id in done:
                    continue
                conv = job.conversation
                system = next((m.content for m in conv.messages if m.role == "system"), None)
                lines.append(json.dumps({
                    "id": job.id, "question_id": conv.group, "paraphrase_id": conv.id, "sample": job.sample,
                    "system": system, "question": conv.messages[-1].content,
                    "prompt": rendered[conv.id].text, **ans,
                    **({"area": areas[conv.group]} if conv.group in areas else {}),
                    **({"judge_prompts": judge_prompts[conv.group]} if conv.group in judge_prompts else {}),
                    "run": run,
                }, ensure_ascii=False) + "\n")
                n_tokens += ans["n_answer_tokens"]
            f.write("".join(lines))
            f.flush()
            os.fsync(f.fileno())
            bar.update(len(lines))
            bar.set_postfix(tok_s=f"{n_tokens / (time.perf_counter() - start):.0f}")
    world.barrier()
    world.on_main(lambda: _merge_parts(out, [job.id for batch in batches for job in batch]))
    return out


ANSWERS = "persona-probe generate answers"


def is_answer_row(row: dict) -> bool:
    """Whether a JSONL row is one ``generate`` wrote (its id, answer and run record)."""
    return "id" in row and "answer" in row and isinstance(row.get("run"), dict)


def parts_folder(out: Path) -> Path:
    """Where data-parallel ranks write their rows before rank 0 merges them."""
    return out.with_name(out.name + ".parts")


def _merge_parts(out: Path, order: Sequence[str]) -> None:
    """Fold the ranks' part files into ``out``, in plan order, once every row is there.

    Rows already in ``out`` stay; a part row is added only if its id is new. Until all
    rows are present (a rank was killed), the parts are kept for the rerun to resume.
    """
    folder = parts_folder(out)
    if not folder.is_dir():
        return
    rows = {row["id"]: row for row in resume_jsonl(out, is_answer_row, ANSWERS)}
    for part in sorted(folder.glob("rank-*.jsonl")):
        for row in resume_jsonl(part, is_answer_row, ANSWERS):
            rows.setdefault(row["id"], row)
    missing = [i for i in order if i not in rows]
    if missing:
        raise PersonaProbeError(f"{folder}: {len(missing)} answers missing after every rank finished (e.g. "
                                f"{missing[0]!r}); rerun the same command to sample them")
    lines = "".join(json.dumps(rows[i], ensure_ascii=False) + "\n" for i in order)
    atomic_write_bytes(out, lines.encode("utf-8"))
    shutil.rmtree(folder)


def _resume(out: Path, run: dict, keys: Sequence[str], make_parts: bool = False) -> set[str]:
    """Ids already in ``out`` and in any ranks' parts; a torn last line (a killed writer) is cut off."""
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = parts_folder(out)
    sources = [out, *sorted(folder.glob("rank-*.jsonl"))] if folder.is_dir() else [out]
    if make_parts:
        folder.mkdir(exist_ok=True)
    done = set()
    for source in sources:
        for row in resume_jsonl(source, is_answer_row, ANSWERS):
            old = row.get("run", {})
            changed = [k for k in keys if old.get(k) != run[k]]
            if changed:
                raise PersonaProbeError(
                    f"{source} holds answers made with other settings ({', '.join(changed)} differ, row "
                    f"{row.get('id')!r}); rerun with the same settings to resume, use another --out, or delete "
                    "the file to start again"
                )
            done.add(row["id"])
    if done:
        log.info("%s: resuming, %d answers already written", out, len(done))
    return done


def read_answers(path: str | Path, required: Sequence[str] = ("id", "question", "answer")) -> list[dict]:
    """Read an answers JSONL, naming the file, line and missing column on bad rows."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such answers file; make one with persona-probe generate")
    rows = []
    for line_no, row in read_jsonl(path, "answers"):
        missing = [c for c in required if c not in row]
        if missing:
            raise DataError(f"{path}:{line_no}: missing column {', '.join(missing)}; rows need {', '.join(required)}")
        rows.append(row)
    if not rows:
        raise DataError(f"{path}: no answers in the file")
    return rows


@dataclass(frozen=True, kw_only=True)
class SamplingOptions:
    """What to sample and how (the device aside)."""

    questions: str = field(default="builtin:core", metadata={"flag": "--data", "aliases": ("--questions",)})
    """A question set (.yaml/.jsonl), chat JSONL of prompts, or builtin:NAME; evaluate and ablate also take none (no answers: the MC score, and ablate's side effects, alone)."""
    samples: int = 0
    """Answers per prompt; 0 uses each question's samples_per_paraphrase."""
    temperature: float = 1.0
    """Sampling temperature; 0 is greedy."""
    top_p: float = 1.0
    """Nucleus sampling mass."""
    max_new_tokens: int = 200
    """Longest answer, in tokens."""
    seed: int = 0
    """Seed; reruns reproduce the same answers."""
    batch_size: int = 64
    """Prompts sampled together (left-padded); on CPU, 64 gives about 9x the tokens/s of batch 1."""


# The device options come after the sampling ones, as configs (and the runs that record them) have always listed them.
@dataclass(frozen=True, kw_only=True)
class SamplingSettings(ModelSettings, SamplingOptions):
    """What to sample, how, and on which device: shared by generate, evaluate, ablate and steer."""

    @property
    def sampling(self) -> SamplingConfig:
        return SamplingConfig(self.temperature, self.top_p, self.max_new_tokens, self.seed)


@dataclass(frozen=True, kw_only=True)
class GenerateConfig(SamplingSettings):
    """Sample answers to a question set (batched, resumable).

    Sample answers into a JSONL file; reruns resume it."""

    model: str = "smollm2-135m"
    """Model spec to sample from."""
    out: str = "answers.jsonl"
    """Output JSONL; an existing file is resumed."""
    chat_template: str | None = None
    """A Jinja chat template file that replaces the tokenizer's own."""
    engine: str = field(default="hf", metadata={"choices": ("hf", "vllm")})
    """hf: transformers through the bridge; vllm: vLLM, for unsteered sampling at scale (pip install 'persona-probe[vllm]'). To steer or ablate on vLLM, sample a folder made by bake-steering or orthogonalize."""
    tensor_parallel_size: int = 1
    """With --engine vllm: GPUs that one model is split over (vLLM's tensor parallelism)."""


def run_generate(cfg: GenerateConfig, progress: bool = True) -> Path:
    """Sample ``cfg.questions`` into ``cfg.out`` on the chosen engine; returns the answers file."""
    from ..models.distributed import from_environment
    from ..models.loading import load_model

    output_file(cfg.out)
    if cfg.engine == "vllm":
        return _generate_on_vllm(cfg, progress)
    world, device = from_environment(cfg.device, cfg.device_map)
    model = load_model(cfg.model, device, cfg.model_dtype, cfg.chat_template, device_map=cfg.device_map,
                       max_memory=cfg.max_memory)
    return generate_answers(model, cfg.questions, cfg.out, cfg.samples or None, cfg.sampling, cfg.batch_size,
                            progress=progress, world=world)


def _generate_on_vllm(cfg: GenerateConfig, progress: bool) -> Path:
    """The same rows from vLLM: it loads the weights itself, so only the tokenizer is loaded here."""
    from ..models.distributed import launched_ranks
    from ..models.loading import model_handle, resolve_dtype
    from .vllm_engine import VllmSampler, model_folder_for, require_vllm

    if launched_ranks() > 1 or cfg.device_map:
        raise PersonaProbeError("--engine vllm places the model itself: start it without torchrun and without "
                                "--device-map, and use --tensor-parallel-size to split a model over GPUs")
    require_vllm()  # before any merging or converting
    handle = model_handle(cfg.model, cfg.chat_template)
    # vLLM takes dtype names; auto lets it choose, as resolve_dtype chooses for the hf engine.
    dtype = "auto" if cfg.model_dtype == "auto" else str(resolve_dtype(cfg.model_dtype, None)).removeprefix("torch.")
    sampler = VllmSampler(model_folder_for(cfg.model), handle.tokenizer, cfg.sampling, stop_token_ids(handle),
                          dtype=dtype, tensor_parallel_size=cfg.tensor_parallel_size)
    return generate_answers(handle, cfg.questions, cfg.out, cfg.samples or None, cfg.sampling, cfg.batch_size,
                            progress=progress, run_info={"engine": "vllm"}, sampler=sampler)


@dataclass(frozen=True, kw_only=True)
class BenchGenerateConfig(DeviceSettings):
    """Batched sampling against batch-1 sampling, same prompts.

    Tokens/s of batched against batch-1 sampling on the same prompts, every answer forced to the same length; the last line is their ratio."""

    model: str = "smollm2-135m"
    """Model spec."""
    batch_size: int = 64
    """Rows in the batched pass (as generate)."""
    new_tokens: int = 48
    """Tokens per answer."""


@dataclass(frozen=True)
class BenchGenerateResult:
    single_tokens_per_s: float
    batched_tokens_per_s: float
    batch_size: int

    @property
    def ratio(self) -> float:
        return self.batched_tokens_per_s / self.single_tokens_per_s


def bench_generate(model: LoadedModel, questions: str = "builtin:core", batch_size: int = 64,
                   new_tokens: int = 48, single_rows: int = 4) -> BenchGenerateResult:
    """Tokens/s of batched sampling against batch-1 sampling, same prompts and answer length.

    Every answer is forced to exactly ``new_tokens`` tokens so both sides do equal work per row.
    """
    convs = load_conversations(questions).conversations
    prompts = [render_conversation(convs[i % len(convs)], model.tokenizer).text for i in range(batch_size)]
    sampler = Sampler(model, SamplingConfig(max_new_tokens=new_tokens))
    sampler.sample(prompts[:2], seed=0, min_new_tokens=new_tokens)  # warm-up
    start = time.perf_counter()
    for i in range(single_rows):
        sampler.sample([prompts[i]], seed=i, min_new_tokens=new_tokens)
    single = single_rows * new_tokens / (time.perf_counter() - start)
    start = time.perf_counter()
    sampler.sample(prompts, seed=0, min_new_tokens=new_tokens)
    batched = batch_size * new_tokens / (time.perf_counter() - start)
    return BenchGenerateResult(single, batched, batch_size)


def run_bench_generate(cfg: BenchGenerateConfig, progress: bool = True) -> BenchGenerateResult:
    """Load the model and time both ways of sampling."""
    from ..models.loading import load_model

    return bench_generate(load_model(cfg.model, cfg.device), batch_size=cfg.batch_size, new_tokens=cfg.new_tokens)
