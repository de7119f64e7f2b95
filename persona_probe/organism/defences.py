"""In-training defences against a persona: what ``finetune --ablate / --steer / --kl-data / --mix`` do.

* **CAFT** (Casademunt et al.): the direction is projected out of the residual stream during
  training only, so the gradient cannot use it; the saved adapter is used without the hook.
* **Preventative steering** (persona_vectors): the direction is added during training, so the
  fine-tune has no need to learn it; again the saved adapter runs without it.
* **KL to the base** (Kaczér et al.): the loss gains ``weight x KL(base || tuned)`` on the answer
  tokens of other chat data, the base being the same model with the adapter switched off.
* **Mixing** safe data: rows of another file interleaved into the training rows.

The hooks act through TransformerLens's bridge wrapped around the model being trained (its
forward is the model's own, with hook points), the same :class:`Ablation` and :class:`Steering`
every other command uses.
"""

from __future__ import annotations

from contextlib import ExitStack, nullcontext
from typing import ContextManager, Sequence

import torch

from ..directions.direction import Direction
from ..errors import PersonaProbeError
from ..evaluation.neutral import load_neutral_texts, typical_residual_norms
from ..interventions.ablation import Ablation
from ..interventions.steering import Steering


class TrainingHooks:
    """The hooks that act on the training forward passes only (never on the monitor's or the saved adapter's)."""

    def __init__(self, bridge, *, ablate: Direction | None = None, ablate_layers: Sequence[int] = (),
                 ablate_mode: str = "resid_post", steer: Direction | None = None, steer_layers: Sequence[int] = (),
                 steer_alpha: float = 0.0, steer_scale: dict[int, float] | None = None,
                 massive_factor: float | None = 20.0):
        self.bridge = bridge
        self.ablate, self.ablate_layers, self.ablate_mode = ablate, list(ablate_layers), ablate_mode
        self.steer, self.steer_layers, self.steer_alpha = steer, list(steer_layers), steer_alpha
        self.steer_scale = dict(steer_scale or {})
        self.massive_factor = massive_factor

    def __call__(self) -> ContextManager:
        if self.ablate is None and self.steer is None:
            return nullcontext()
        stack = ExitStack()
        if self.ablate is not None:
            stack.enter_context(Ablation(self.bridge, self.ablate, self.ablate_layers, self.massive_factor,
                                         self.ablate_mode))
        if self.steer is not None:
            stack.enter_context(Steering(self.bridge, self.steer, self.steer_alpha, self.steer_layers,
                                         self.steer_scale))
        return stack


def base_residual_norms(loaded, peft_model, layers: Sequence[int]) -> dict[int, float]:
    """The base model's typical residual norm at ``layers`` (steering's unit), adapter switched off,
    so a resumed run steers with the same vector as a fresh one."""
    with peft_model.disable_adapter():
        return typical_residual_norms(loaded, load_neutral_texts(), layers)


def kl_to_base(peft_model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean per-token KL(base || tuned) over the answer tokens of ``batch`` (its labels != -100).

    Zero while the adapter is the identity (LoRA's B starts at zero), so the penalty only pulls
    back what training has moved."""
    inputs = {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}
    with torch.no_grad(), peft_model.disable_adapter():
        base = torch.log_softmax(peft_model(**inputs).logits[:, :-1].float(), dim=-1)
    tuned = torch.log_softmax(peft_model(**inputs).logits[:, :-1].float(), dim=-1)
    scored = batch["labels"][:, 1:] != -100  # logits at t predict token t + 1
    kl = (base.exp() * (base - tuned)).sum(-1)
    return kl[scored].mean()


def mixed_in(rows: list, extra: list, share: float, seed: int) -> list:
    """``rows`` plus enough rows of ``extra`` (a seeded draw, cycled if too few) to make ``share`` of the total."""
    if not 0 <= share < 1:
        raise PersonaProbeError(f"--mix-share must be in [0, 1), got {share}")
    if not extra:
        raise PersonaProbeError("--mix: the file has no rows to mix in")
    count = round(len(rows) * share / (1 - share))
    generator = torch.Generator().manual_seed(seed + 7919)  # not the row-order seed: a different draw
    order = []
    while len(order) < count:
        order += torch.randperm(len(extra), generator=generator).tolist()
    return rows + [extra[i] for i in order[:count]]
