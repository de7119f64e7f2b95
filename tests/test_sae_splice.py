"""The SAE splice (CE loss) and latent attribution, checked against exact constructions."""

import math

import pytest
import torch

from persona_probe.datasets.conversations import Conversation, Message
from persona_probe.evaluation.neutral import load_neutral_texts
from persona_probe.models.loading import load_model
from persona_probe.residual import resid_post
from persona_probe.sae.attribution import aggregate, attribute_conversation, token_attributions
from persona_probe.sae.splice import SAESplice, splice_loss


@pytest.fixture(scope="module")
def model(tiny_llama):
    return load_model(str(tiny_llama), "cpu")


def _standard_sae(d_in: int, w_enc: torch.Tensor, w_dec: torch.Tensor):
    import sae_lens

    sae = sae_lens.StandardSAE(sae_lens.StandardSAEConfig(d_in=d_in, d_sae=w_enc.shape[1], dtype="float32", device="cpu"))
    with torch.no_grad():
        sae.W_enc.copy_(w_enc)
        sae.W_dec.copy_(w_dec)
        sae.b_enc.zero_()
        sae.b_dec.zero_()
    return sae


def _identity_sae(d: int):
    """relu(x) - relu(-x) = x: a perfect reconstruction with 2d latents."""
    eye = torch.eye(d)
    return _standard_sae(d, torch.cat([eye, -eye], 1), torch.cat([eye, -eye], 0))


def _random_sae(d: int, width: int = 96, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(d, width, generator=g) / d ** 0.5
    return _standard_sae(d, w, w.T.contiguous())


def test_a_perfect_sae_costs_no_ce_loss_and_zeroing_the_layer_does(model):
    texts = load_neutral_texts()[:6]
    result = splice_loss(model, _identity_sae(model.d_model), 1, texts)
    assert abs(result["ce_increase"]) < 1e-4 and result["kl_spliced"] < 1e-6
    # A random-init model is near uniform, so zeroing may even help it: only the gap's size is checked.
    assert abs(result["ce_zero_ablated"] - result["ce_clean"]) > 1e-3
    assert result["ce_loss_score"] == pytest.approx(1.0, abs=1e-2)
    lossy = splice_loss(model, _random_sae(model.d_model), 1, texts)
    assert lossy["kl_spliced"] > 1e-4 and abs(lossy["ce_loss_score"] - 1.0) > 1e-2


def test_the_error_term_keeps_the_forward_pass_exact(model):
    ids = torch.tensor([model.tokenizer("the cat sat on the mat and looked around")["input_ids"]])
    clean = model.bridge(ids)
    with SAESplice(model.bridge, _random_sae(model.d_model), 1, keep_error=True):
        kept = model.bridge(ids)
    with SAESplice(model.bridge, _random_sae(model.d_model), 1):
        replaced = model.bridge(ids)
    assert torch.allclose(clean, kept, atol=1e-5)
    assert not torch.allclose(clean, replaced, atol=1e-3)


def test_attributions_sum_to_the_reconstruction_times_the_residual_gradient(model):
    """sum_i f_i dS/df_i = (f W_dec) . dS/dx for a bias-free SAE: checked against autograd on the residual."""
    sae = _random_sae(model.d_model)
    conv = Conversation((Message("user", "what should I do today"), Message("assistant", "go for a long walk outside")),
                        "c", "c")
    record = attribute_conversation(model, sae, 1, conv, massive_factor=None)
    from persona_probe.datasets.rendering import render_conversation

    rendered = render_conversation(conv, model.tokenizer)
    ids = torch.tensor([rendered.input_ids])
    captured = {}

    def hook(resid, hook):
        captured["x"] = resid.detach().requires_grad_()
        return captured["x"]
    with torch.enable_grad(), model.bridge.hooks(fwd_hooks=[(resid_post(1), hook)]):
        logprobs = torch.log_softmax(model.bridge(ids)[0, :-1], -1).gather(-1, ids[0, 1:, None])[..., 0]
        score = logprobs[rendered.response_start - 1:rendered.response_end - 1].mean()
        score.backward()
    x, grad = captured["x"].detach()[0], captured["x"].grad[0]
    expected = ((sae.decode(sae.encode(x)) - sae.b_dec) * grad).sum()
    assert record.total.sum() == pytest.approx(float(expected), rel=1e-3, abs=1e-6)
    assert record.score == pytest.approx(float(score), abs=1e-5)
    # The sparse per-token entries add up to the totals, and only firing latents carry any.
    assert torch.allclose(torch.zeros(sae.cfg.d_sae).index_add_(0, record.latents, record.attributions), record.total,
                          atol=1e-6)
    assert (record.activations > 0).all()
    top = int(record.total.abs().argmax())
    view = token_attributions(record, top, model.tokenizer)
    assert len(view["tokens"]) == len(view["attribution"]) == len(rendered.input_ids)
    assert sum(view["attribution"]) == pytest.approx(float(record.total[top]), abs=1e-4)


def test_aggregate_ranks_by_mean_attribution_over_examples():
    from persona_probe.sae.attribution import ConversationAttribution

    def rec(example, sign, total):
        empty = torch.zeros(0, dtype=torch.long)
        return ConversationAttribution(f"{example}/{sign}", example, sign, -1.0 * sign, [1], (0, 1),
                                       torch.tensor(total), empty, empty, torch.zeros(0), torch.zeros(0))
    records = [rec("a", 1, [0.5, 0.0, 0.1]), rec("a", -1, [0.1, 0.0, 0.0]), rec("b", 1, [0.7, 0.2, -0.3]),
               rec("b", -1, [0.0, 0.0, 0.0])]
    result = aggregate(records, top=2, n_boot=200)
    assert [x["latent"] for x in result["latents"]] == [0, 1]
    assert result["latents"][0]["mean_attribution"] == pytest.approx((0.6 + 0.7) / 2)
    assert result["most_negative"][0]["latent"] == 2 and result["n_examples"] == 2
    assert math.isclose(result["mean_score"], -2.0)  # each example: (+1)(-1) + (-1)(+1)
