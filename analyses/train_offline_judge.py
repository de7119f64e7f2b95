"""Train the offline judge shipped in persona_probe/builtin/judge/offline_judge/.

Fits the label and coherence heads on the project's labelled set with whole
questions held out, saves cfg.json + weights.safetensors, and prints the
held-out accuracy per label (the numbers quoted in docs/evaluation.md).

    HF_HUB_OFFLINE=1 python analyses/train_offline_judge.py
"""

import json

from persona_probe.evaluation.judges.offline import train_offline_judge, weights_folder

if __name__ == "__main__":
    folder = weights_folder()
    metrics = train_offline_judge(folder.parent / "labelled.jsonl", folder)
    print(json.dumps(metrics, indent=2))
