"""Orthogonalized weights against hook ablation on a real model, next to fp32's own noise floor.

Exports the model orthogonalized against one layer's vector of a direction, then runs the
built-in neutral passages through (a) the original model with the writers-mode hook
ablation (no positions left out: weights cannot tell the attention sink apart) and (b) the
exported folder. Prints the largest absolute logit difference over all real tokens, at the
first position (the attention sink) and elsewhere, and the noise floor: the same model and
hooks run on each passage alone instead of in a padded batch.

    HF_HUB_OFFLINE=1 python analyses/orthogonalize_check.py --direction runs/persona_direction/direction-open --layer 15
"""

import argparse
import tempfile

import torch

from persona_probe.directions.direction import Direction
from persona_probe.evaluation.neutral import load_neutral_texts, token_batches
from persona_probe.interventions.ablation import Ablation
from persona_probe.interventions.orthogonalize import export_orthogonalized
from persona_probe.models.loading import load_model


@torch.no_grad()
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--direction", required=True)
    parser.add_argument("--layer", type=int, default=15)
    parser.add_argument("--passages", type=int, default=8)
    args = parser.parse_args()
    direction = Direction.load(args.direction)
    model = load_model(args.model, "cpu", "float32")
    texts = load_neutral_texts()[:args.passages]
    with tempfile.TemporaryDirectory() as tmp:
        baked = load_model(str(export_orthogonalized(args.model, direction.at(args.layer), tmp)), "cpu", "float32")
        ablation = Ablation(model.bridge, direction, [args.layer], massive_factor=None, mode="writers")
        (ids, mask), = token_batches(model, texts, len(texts), 256)
        with ablation:
            hooked = model.bridge(ids, attention_mask=mask)
            alone = [model.bridge(ids[i:i + 1, :int(mask[i].sum())]) for i in range(len(texts))]
        orth = baked.bridge(ids, attention_mask=mask)
        plain = model.bridge(ids, attention_mask=mask)
    real = mask.bool()
    diff = (orth - hooked).abs().amax(-1)  # [batch, pos]
    noise = torch.stack([(alone[i][0] - hooked[i, :alone[i].shape[1]]).abs().amax() for i in range(len(texts))])
    print(f"{args.model}, direction {args.direction} layer {args.layer}, {int(real.sum())} tokens, fp32 CPU")
    print(f"max |logit| {hooked[real].abs().max():.1f}; the ablation moves logits by up to {(hooked - plain)[real].abs().max():.3f}")
    print(f"orthogonalized vs hook, max abs logit difference: all {diff[real].max():.3e}, "
          f"first position {diff[:, 0].max():.3e}, other positions {diff[:, 1:][real[:, 1:]].max():.3e}")
    print(f"noise floor (same hooks, each passage alone vs in the padded batch): {noise.max():.3e}")


if __name__ == "__main__":
    main()
