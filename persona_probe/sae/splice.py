"""An SAE spliced into the model: its reconstruction replaces ``blocks.L.hook_resid_post``.

:class:`SAESplice` is a context manager like the interventions. With ``keep_error`` the
reconstruction error is added back, detached: the forward pass is unchanged, but gradients
flow through the latents, which is what attribution needs (activation x gradient). Massive
positions (the attention sink) keep the model's own residual: SAEs are trained without them,
and the interventions leave them alone too.

:func:`splice_loss` measures what splicing costs on text: the model's cross-entropy as it is,
with the SAE spliced in, and with the layer's residual zeroed (same positions), and the share
of that loss gap the SAE recovers (SAELens's "CE loss score").
"""

from __future__ import annotations

import math
from typing import Sequence

import torch

from ..residual import HookContext, massive_positions, resid_post


class SAESplice(HookContext):
    """Replace the residual at ``layer`` by ``sae``'s reconstruction (or zeros, with ``zero=True``)."""

    def __init__(self, bridge, sae, layer: int, massive_factor: float | None = 20.0, keep_error: bool = False,
                 zero: bool = False):
        super().__init__(bridge)
        self.sae, self.layer, self.massive_factor = sae, layer, massive_factor
        self.keep_error, self.zero = keep_error, zero
        self.latents: list[torch.Tensor] = []
        """With ``keep_error``: each forward pass's ``[batch, pos, d_sae]`` latents, in the autograd graph."""
        self.massive: list[torch.Tensor] = []
        """With ``keep_error``: each forward pass's ``[batch, pos]`` mask of massive positions (left as they were)."""

    def fwd_hooks(self) -> list:
        def hook(resid, hook):
            x = resid.float()
            if self.zero:
                replaced = torch.zeros_like(x)
            else:
                latents = self.sae.encode(x.to(self.sae.device))
                if self.keep_error:
                    latents.retain_grad()
                    self.latents.append(latents)
                replaced = self.sae.decode(latents).to(x.device)
                if self.keep_error:
                    replaced = replaced + (x - replaced).detach()
            keep = torch.zeros(resid.shape[:-1], dtype=torch.bool, device=resid.device)
            if self.massive_factor and resid.shape[-2] > 1:
                keep = massive_positions(resid, self.massive_factor)
                replaced = torch.where(keep[..., None], x, replaced)
            if self.keep_error:
                self.massive.append(keep)
            return replaced.to(resid.dtype)
        return [(resid_post(self.layer), hook)]


def splice_loss(model, sae, layer: int, texts: Sequence[str], massive_factor: float | None = 20.0,
                max_tokens: int = 256) -> dict:
    """Cross-entropy (nats/token) on ``texts``: clean, SAE spliced in, layer zeroed; the increase and the score."""
    from ..evaluation.neutral import side_effects

    effects = side_effects(model, texts, {
        "spliced": lambda: SAESplice(model.bridge, sae, layer, massive_factor),
        "zero": lambda: SAESplice(model.bridge, sae, layer, massive_factor, zero=True),
    }, max_tokens=max_tokens)
    clean = math.log(effects["spliced"]["reference_perplexity"])
    spliced = math.log(effects["spliced"]["perplexity"])
    zero = math.log(effects["zero"]["perplexity"])
    return {"ce_clean": clean, "ce_spliced": spliced, "ce_zero_ablated": zero, "ce_increase": spliced - clean,
            "ce_loss_score": (zero - spliced) / (zero - clean) if zero != clean else None,
            "kl_spliced": effects["spliced"]["kl_mean"], "n_tokens": effects["spliced"]["n_tokens"]}
