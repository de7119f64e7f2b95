import os
import sys
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).parent))

import pytest  # noqa: E402
import torch  # noqa: E402
from tiny_models import build_model  # noqa: E402


@pytest.fixture(scope="session")
def tiny_llama(tmp_path_factory) -> Path:
    return build_model(tmp_path_factory.mktemp("models") / "tiny-llama", "llama")


@pytest.fixture(scope="session")
def tiny_gpt2(tmp_path_factory) -> Path:
    return build_model(tmp_path_factory.mktemp("models") / "tiny-gpt2", "gpt2")


@pytest.fixture(scope="session")
def tiny_gpt2_no_template(tmp_path_factory) -> Path:
    return build_model(tmp_path_factory.mktemp("models") / "tiny-gpt2-plain", "gpt2", chat_template=None)


@pytest.fixture
def chat_file(tmp_path) -> Path:
    """A small answered chat JSONL (varied lengths)."""
    from persona_probe.datasets.conversations import Conversation, Message, write_chat_jsonl

    convs = []
    for i in range(23):
        question = "what should I do with my money " * (1 + i % 4)
        answer = "you are a helpful assistant who answers kindly " * (1 + i % 5)
        convs.append(Conversation((Message("user", question.strip()), Message("assistant", answer.strip())), str(i), str(i % 5)))
    path = tmp_path / "chats.jsonl"
    write_chat_jsonl(convs, path)
    return path


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
