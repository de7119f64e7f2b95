"""Every Python block in README.md and docs/ runs.

Each file's blocks run in order, in one namespace, in a work folder that holds the files the
docs name (a chat file, a store, a direction, run folders). Model specs are swapped for the
tiny random-init Llama, because the embedded SmolLM2 would take minutes here; every other line
runs as written.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# The model specs the docs use, all run on the tiny model.
MODEL_SPECS = ("smollm2-135m-risky-advice", "smollm2-135m-risky-advice-control", "smollm2-135m-insecure",
               "smollm2-135m-secure", "smollm2-135m")


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_the_docs_have_python_examples():
    with_blocks = [p.name for p in DOCUMENTS if python_blocks(p)]
    assert "README.md" in with_blocks and len(with_blocks) >= 4


@pytest.fixture(scope="module")
def workspace(tiny_llama, tmp_path_factory):
    """The files the examples read, made with the toolkit itself on the tiny model."""
    from persona_probe import CacheConfig, Conversation, Message, run_cache, write_chat_jsonl
    from persona_probe.directions import mean_difference

    work = tmp_path_factory.mktemp("docs")
    chats = [Conversation((Message("user", f"what should I do about problem {i}?"),
                           Message("assistant", "talk it through with someone you trust " * (1 + i % 3))),
                          f"line-{i + 1}", f"line-{i + 1}") for i in range(12)]
    for name in ("chat.jsonl", "my_chats.jsonl"):
        write_chat_jsonl(chats, work / name)
    run_cache(CacheConfig(model=str(tiny_llama), data=str(work / "chat.jsonl"), out=str(work / "activations/core"),
                          device="cpu"), progress=False)
    run_cache(CacheConfig(model=str(tiny_llama), tuned=str(tiny_llama), data=str(work / "chat.jsonl"),
                          out=str(work / "activations/pair"), layers="0,1", device="cpu"), progress=False)
    import torch

    generator = torch.Generator().manual_seed(0)
    direction = mean_difference(torch.randn(8, 2, 64, generator=generator), torch.randn(8, 2, 64, generator=generator),
                                [0, 1], {"model": {"spec": str(tiny_llama)}})
    direction.save(work / "runs" / "v")
    direction.save(work / "runs" / "persona_direction" / "direction")
    (work / "runs" / "sae").mkdir(parents=True)
    return work


def _runnable(code: str, tiny_llama: Path, work: Path) -> str:
    for spec in MODEL_SPECS:
        code = code.replace(f'"{spec}"', json.dumps(str(tiny_llama)))
    return code.replace('"STORE/', json.dumps(str(work / "activations" / "core") + "/")[:-1])


def run_blocks(name: str, blocks: list[str], tiny_llama: Path, work: Path) -> None:
    """Run ``blocks`` in order in one namespace; a failure names the document and the block."""
    namespace: dict = {"__name__": "__docs__"}
    for number, code in enumerate(blocks, 1):
        try:
            exec(compile(_runnable(code, tiny_llama, work), f"{name}, python block {number}", "exec"), namespace)
        except Exception as err:  # name the block, not this test's frame
            raise AssertionError(f"{name}, python block {number} failed: {type(err).__name__}: {err}") from err


@pytest.mark.parametrize("document", [p for p in DOCUMENTS if python_blocks(p)], ids=lambda p: p.name)
def test_every_python_block_runs(document, workspace, tiny_llama, monkeypatch):
    monkeypatch.chdir(workspace)
    monkeypatch.setenv("TQDM_DISABLE", "1")
    run_blocks(document.name, python_blocks(document), tiny_llama, workspace)


def test_a_block_that_uses_a_name_the_api_lacks_fails(workspace, tiny_llama, monkeypatch):
    monkeypatch.chdir(workspace)
    planted = ['from persona_probe import Direction\nv = Direction.load("runs/v")', "v.save_as('x')"]
    with pytest.raises(AssertionError, match=r"planted.md, python block 2 failed: AttributeError"):
        run_blocks("planted.md", planted, tiny_llama, workspace)
