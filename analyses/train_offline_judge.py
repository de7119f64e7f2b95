"""Train the offline judge shipped in persona_probe/builtin/judge/offline_judge/.

Fits both heads on the written set (labelled.jsonl) plus the training split of the labelled real
answers (real_answers.jsonl), measures them on the real held-out split, and saves cfg.json +
weights.safetensors. The judge shipped before is measured on the same rows (``before_retraining``),
so the numbers say what retraining changed; docs/evaluation.md quotes both.

    HF_HUB_OFFLINE=1 python analyses/train_offline_judge.py [--cache runs/judge-features.npz]
"""

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from persona_probe.evaluation.judges.offline import weights_folder
from persona_probe.evaluation.judges.offline_training import train_offline_judge

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, help="features of the answers already scored (.npz), reused across runs")
    parser.add_argument("--compare-with", type=Path,
                        help="the judge folder to measure beside the new one (default: the one shipped when this runs; "
                             "the published figures compare with the judge before issue 20, as of commit 5a11cd7)")
    args = parser.parse_args()
    folder = weights_folder()
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        shutil.copytree(args.compare_with or folder, before)
        metrics = train_offline_judge(folder.parent / "labelled.jsonl", folder.parent / "real_answers.jsonl", folder,
                                      cache=args.cache, compare_with=before)
    print(json.dumps(metrics, indent=2))
