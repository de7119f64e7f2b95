"""Probe speed: our all-layers-at-once L-BFGS fit against scikit-learn, one layer at a time, same run.

Both fit L2 logistic regressions on standardised activations with the same folds (5-fold
k-fold and 5-fold group-held-out, plus the final fit on all rows), at every layer of a store.
Prints the wall time of each, the ratio, and the largest accuracy difference per layer.

    HF_HUB_OFFLINE=1 python analyses/probe_speed.py --store runs/persona_direction/store-open \
        --labels runs/persona_direction/contrast-open.jsonl
"""

import argparse
import time

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold

from persona_probe.activations.store import ActivationStore
from persona_probe.directions.probes import fit_probes, read_labels


def sklearn_probes(acts: np.ndarray, y: np.ndarray, groups: np.ndarray, l2: float) -> tuple[list, list]:
    """Out-of-fold accuracy per layer for k-fold and group-held-out CV, one layer at a time."""
    n = len(y)
    results = []
    for splits in (list(StratifiedKFold(5, shuffle=True, random_state=0).split(y, y)),
                   list(GroupKFold(5).split(y, y, groups))):
        accuracy = []
        for layer in range(acts.shape[1]):
            correct = 0
            for train, test in splits:
                x = acts[:, layer]
                mean, std = x[train].mean(0), x[train].std(0, ddof=1) + 1e-6
                # sklearn's C is 1 / (l2 * n_train) for our mean-loss-plus-(l2/2)|w|^2 objective
                clf = LogisticRegression(C=1.0 / (l2 * len(train)), max_iter=1000)
                clf.fit((x[train] - mean) / std, y[train])
                correct += (clf.predict((x[test] - mean) / std) == y[test]).sum()
            accuracy.append(correct / n)
        results.append(accuracy)
    for layer in range(acts.shape[1]):  # the final fit on all rows, as fit_probes does
        x = acts[:, layer]
        LogisticRegression(C=1.0 / (l2 * n), max_iter=1000).fit((x - x.mean(0)) / (x.std(0, ddof=1) + 1e-6), y)
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--l2", type=float, default=1e-2)
    args = parser.parse_args()
    store = ActivationStore(args.store)
    labels = read_labels(args.labels, store.rows)
    groups = [r["group"] for r in store.rows]
    acts = store.load()
    start = time.perf_counter()
    report = fit_probes(acts, labels, groups, store.layers, l2=args.l2, device="cpu")
    ours = time.perf_counter() - start
    start = time.perf_counter()
    kfold, grouped = sklearn_probes(acts.numpy(), np.asarray(labels), np.asarray(groups), args.l2)
    theirs = time.perf_counter() - start
    print(f"store: {len(store)} rows x {len(store.layers)} layers x {store.d_model}; torch threads {torch.get_num_threads()}")
    print(f"persona_probe fit_probes (all layers at once): {ours:.2f} s")
    print(f"scikit-learn, layer by layer:                  {theirs:.2f} s")
    print(f"speed-up: {theirs / ours:.1f}x")
    print(f"largest accuracy difference: k-fold {np.max(np.abs(np.array(kfold) - report.logistic_kfold.accuracy)):.3f}, "
          f"group-held-out {np.max(np.abs(np.array(grouped) - report.logistic_grouped.accuracy)):.3f}")


if __name__ == "__main__":
    main()
