import pytest
import torch

from persona_probe.activations.capture import ActivationCapture, plan_batches, plan_shards
from persona_probe.datasets.conversations import Conversation, Message
from persona_probe.datasets.rendering import render_conversation
from persona_probe.models.loading import load_model


def _conv(question, answer=None, system=None):
    msgs = ([Message("system", system)] if system else []) + [Message("user", question)]
    if answer is not None:
        msgs.append(Message("assistant", answer))
    return Conversation(tuple(msgs), question[:10], "g")


@pytest.fixture(scope="module", params=["llama", "gpt2"])
def model(request, tiny_llama, tiny_gpt2):
    return load_model(str(tiny_llama if request.param == "llama" else tiny_gpt2))


def test_response_tokens_decode_to_the_answer(model):
    answer = "you are a helpful assistant who answers kindly"
    r = render_conversation(_conv("hello how are you today?", answer), model.tokenizer)
    decoded = model.tokenizer.decode(list(r.input_ids[r.response_start:r.response_end]))
    assert decoded.strip() == answer
    assert r.text.endswith("<|im_end|>\n")
    prompt_only = render_conversation(_conv("hello how are you today?"), model.tokenizer)
    assert r.input_ids[: r.last_prompt + 1] == prompt_only.input_ids
    assert prompt_only.last_prompt == prompt_only.n_tokens - 1 and prompt_only.response_start is None


def test_plan_covers_each_row_once_within_budget():
    lengths = [5, 50, 7, 50, 20, 3, 33, 8, 9, 10, 60]
    batches = plan_batches(lengths, batch_tokens=100, max_batch_size=4)
    assert sorted(r for b in batches for r in b) == list(range(len(lengths)))
    for b in batches:
        assert len(b) <= 4
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 100
    assert batches == plan_batches(lengths, 100, 4)
    shards = plan_shards(batches, lengths, shard_rows=3, shard_bytes=10**9)
    assert [b for s in shards for b in s] == batches
    assert all(sum(map(len, s)) >= 3 for s in shards[:-1])
    by_size = plan_shards(batches, lengths, shard_rows=10**9, shard_bytes=100)
    assert [b for s in by_size for b in s] == batches
    assert all(sum(lengths[i] for b in s for i in b) - sum(lengths[i] for i in s[-1]) < 100 for s in by_size)


def _block_outputs(model, rendered, layers):
    """Each decoder layer's output from plain PyTorch hooks on the HF model: [T, L, d].

    (HF's hidden_states[-1] has the final norm applied, so it is not resid_post.)"""
    hf = model.bridge.original_model
    blocks = hf.model.layers if hasattr(hf, "model") else hf.transformer.h
    seen = {}
    handles = [blocks[layer].register_forward_hook(
        lambda mod, args, out, layer=layer: seen.__setitem__(layer, out[0] if isinstance(out, tuple) else out))
        for layer in layers]
    with torch.no_grad():
        hf(torch.tensor([rendered.input_ids]))
    for h in handles:
        h.remove()
    return torch.stack([seen[layer][0] for layer in layers], dim=1)


@pytest.mark.parametrize("pooling", ["response-mean", "last-prompt", "tokens"])
def test_pooled_capture_matches_unpadded_hidden_states(model, pooling):
    convs = [_conv("what should I do with my money " * k, "write a python function " * (3 - k + 1))
             for k in (1, 2, 3)]
    rendered = [render_conversation(c, model.tokenizer) for c in convs]
    layers = [0, 1]
    capture = ActivationCapture(model.bridge, layers, pooling, model.tokenizer.pad_token_id)
    got = capture.run(rendered)  # one padded batch of three different lengths
    assert got.n_tokens.tolist() == [r.n_tokens for r in rendered]
    expected = []
    for r in rendered:
        hs = _block_outputs(model, r, layers)
        if pooling == "response-mean":
            expected.append(hs[r.response_start:r.response_end].mean(0, keepdim=True))
        elif pooling == "last-prompt":
            expected.append(hs[r.last_prompt:r.last_prompt + 1])
        else:
            expected.append(hs)
    assert torch.allclose(got.acts, torch.cat(expected), atol=1e-5)
    full = ActivationCapture(model.bridge, layers, pooling, model.tokenizer.pad_token_id, early_exit=False)
    assert torch.equal(full.run(rendered).acts, got.acts)


def test_capture_leaves_no_hooks_behind(model):
    r = [render_conversation(_conv("hello", "hi there"), model.tokenizer)]
    ids = torch.tensor([r[0].input_ids])
    with torch.no_grad():
        before = model.bridge(ids)
    ActivationCapture(model.bridge, [0], "response-mean", model.tokenizer.pad_token_id).run(r)
    with torch.no_grad():
        after = model.bridge(ids)
    assert torch.equal(before, after)
    assert not any(hp._forward_hooks for hp in model.bridge.hook_dict.values())
