"""Per-layer linear probes, all layers in one batched Newton fit (on the GPU when there is one).

Two classifiers per layer: L2-regularised logistic regression, and a
difference-of-means classifier (project on mu1 - mu0, threshold at the midpoint).
Each is scored two ways, because a probe can learn the question instead of the
persona: k-fold CV over rows, and CV with whole groups (questions) held out.
A gap of more than 10 accuracy points between the two raises a warning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import torch
from jaxtyping import Bool, Float

from ..errors import PersonaProbeError
from .direction import Direction

log = logging.getLogger(__name__)
GAP_WARNING = 0.10


def fit_logistic(x: Float[torch.Tensor, "layers rows d"], y: Bool[torch.Tensor, " rows"], l2: float = 1e-2,
                 max_iter: int = 50, memory_bytes: int = 2**29) -> tuple[torch.Tensor, torch.Tensor]:
    """Independent L2-regularised logistic regressions, one per layer, by batched Newton steps.

    Minimises ``mean BCE(x w + b, y) + l2/2 |w|^2`` per layer (the bias is not penalised).
    With fewer rows than features (the usual case for probes) it works in the rows' space,
    ``w = x^T a``, so each Newton system is ``rows + 1`` wide; otherwise in feature space,
    ``d + 1`` wide. Layers are solved together, in chunks that keep the systems under
    ``memory_bytes``; each layer backtracks on its own when a full step does not lower its loss.
    Returns weights ``[layers, d]`` and biases ``[layers]`` on the given (standardised) features.
    """
    layers, n, d = x.shape
    width = min(n, d) + 1
    chunk = max(1, memory_bytes // (4 * width * width * 3))
    weights, biases = [], []
    for start in range(0, layers, chunk):
        part = x[start:start + chunk].double()
        solve = _newton_dual if n < d else _newton_primal
        w, b = solve(part, y.double(), l2, max_iter)
        weights.append(w.float())
        biases.append(b.float())
    return torch.cat(weights), torch.cat(biases)


def _loss(z: torch.Tensor, y: torch.Tensor, penalty: torch.Tensor, l2: float) -> torch.Tensor:
    return torch.nn.functional.binary_cross_entropy_with_logits(z, y.expand_as(z), reduction="none").mean(-1) \
        + l2 / 2 * penalty


def _damped(params: list[torch.Tensor], steps: list[torch.Tensor], objective, current: torch.Tensor):
    """Per layer, the largest of 1, 1/2, 1/4, ... of the step that does not raise the objective."""
    scale = torch.ones_like(current)
    for _ in range(30):
        trial = [p - scale.view(-1, *[1] * (p.ndim - 1)) * s for p, s in zip(params, steps)]
        value = objective(*trial)
        worse = value > current + 1e-12
        if not worse.any():
            return trial, value
        scale = torch.where(worse, scale / 2, scale)
    return trial, value


def _newton_dual(x: torch.Tensor, y: torch.Tensor, l2: float, max_iter: int):
    """Newton in the rows' space: ``w = x^T a``, ``z = K a + b`` with ``K = x x^T``."""
    layers, n, _ = x.shape
    kernel = x @ x.transpose(1, 2)
    a = torch.zeros(layers, n, dtype=x.dtype)
    b = torch.zeros(layers, dtype=x.dtype)

    def objective(a, b):
        z = torch.einsum("lij,lj->li", kernel, a) + b[:, None]
        return _loss(z, y, torch.einsum("li,li->l", a, torch.einsum("lij,lj->li", kernel, a)), l2)
    current = objective(a, b)
    eye = torch.eye(n, dtype=x.dtype)
    for _ in range(max_iter):
        z = torch.einsum("lij,lj->li", kernel, a) + b[:, None]
        p = torch.sigmoid(z)
        residual = (p - y) / n
        weight = p * (1 - p) / n
        # Newton system with K factored out of the first block row:
        # [D K + l2 I, D 1; 1^T D K, 1^T D 1] [da; db] = [r + l2 a; 1^T r]
        system = torch.zeros(layers, n + 1, n + 1, dtype=x.dtype)
        system[:, :n, :n] = weight[:, :, None] * kernel + l2 * eye
        system[:, :n, n] = weight
        system[:, n, :n] = torch.einsum("li,lij->lj", weight, kernel)
        system[:, n, n] = weight.sum(-1)
        rhs = torch.cat([residual + l2 * a, residual.sum(-1, keepdim=True)], dim=-1)
        step = torch.linalg.solve(system, rhs)
        (a, b), new = _damped([a, b], [step[:, :n], step[:, n]], objective, current)
        converged = (current - new).abs().max() < 1e-12
        current = new
        if converged:
            break
    return torch.einsum("lnd,ln->ld", x, a), b


def _newton_primal(x: torch.Tensor, y: torch.Tensor, l2: float, max_iter: int):
    """Newton in feature space on ``[x, 1]`` with an unpenalised bias."""
    layers, n, d = x.shape
    features = torch.cat([x, torch.ones(layers, n, 1, dtype=x.dtype)], dim=-1)
    penalty = torch.full((d + 1,), l2, dtype=x.dtype)
    penalty[d] = 0
    theta = torch.zeros(layers, d + 1, dtype=x.dtype)

    def objective(theta):
        z = torch.einsum("lnd,ld->ln", features, theta)
        return _loss(z, y, (theta[:, :d] ** 2).sum(-1), l2)
    current = objective(theta)
    for _ in range(max_iter):
        p = torch.sigmoid(torch.einsum("lnd,ld->ln", features, theta))
        gradient = torch.einsum("lnd,ln->ld", features, (p - y) / n) + penalty * theta
        hessian = torch.einsum("lnd,ln,lne->lde", features, p * (1 - p) / n, features) + torch.diag(penalty)
        step = torch.linalg.solve(hessian, gradient)
        (theta,), new = _damped([theta], [step], objective, current)
        converged = (current - new).abs().max() < 1e-12
        current = new
        if converged:
            break
    return theta[:, :d], theta[:, d]


def auroc(scores: Float[torch.Tensor, "layers rows"], y: Bool[torch.Tensor, " rows"]) -> torch.Tensor:
    """Area under the ROC curve per layer (ties count half)."""
    pos, neg = scores[:, y], scores[:, ~y]
    greater = (pos[:, :, None] > neg[:, None, :]).float().mean((1, 2))
    ties = (pos[:, :, None] == neg[:, None, :]).float().mean((1, 2))
    return greater + ties / 2


@dataclass(frozen=True)
class ProbeScores:
    accuracy: list[float]
    """Per layer."""
    auroc: list[float]
    """Per layer."""


@dataclass(frozen=True)
class ProbeReport:
    layers: list[int]
    logistic_kfold: ProbeScores
    logistic_grouped: ProbeScores
    meandiff_kfold: ProbeScores
    meandiff_grouped: ProbeScores
    direction: Direction
    """The logistic probes' weight vectors, fit on all rows, normalised per layer (in activation space)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def best_layer(self) -> int:
        """The layer with the best group-held-out logistic accuracy.

        Ties (common: easy contrasts put the logistic probe at 100% on many layers) go to the
        stricter difference-of-means classifier's group-held-out accuracy, then to AUROC,
        then to the earlier layer.
        """
        keys = list(zip(self.logistic_grouped.accuracy, self.meandiff_grouped.accuracy,
                        self.logistic_grouped.auroc, self.meandiff_grouped.auroc))
        best = max(range(len(keys)), key=lambda i: (keys[i], -i))
        return self.layers[best]

    def to_dict(self) -> dict:
        def scores(s: ProbeScores) -> dict:
            return {"accuracy": s.accuracy, "auroc": s.auroc}
        return {"layers": self.layers, "best_layer": self.best_layer, "warnings": self.warnings,
                "logistic": {"kfold": scores(self.logistic_kfold), "group_held_out": scores(self.logistic_grouped)},
                "mean_difference": {"kfold": scores(self.meandiff_kfold), "group_held_out": scores(self.meandiff_grouped)}}


def _standardise(train: torch.Tensor, *others: torch.Tensor):
    mean = train.mean(1, keepdim=True)
    std = train.std(1, keepdim=True) + 1e-6
    return mean, std, [(t - mean) / std for t in (train, *others)]


def _cv_scores(x: torch.Tensor, y: torch.Tensor, splits, l2: float) -> tuple[ProbeScores, ProbeScores]:
    """Out-of-fold scores for both classifiers; accuracy and AUROC over all held-out rows."""
    layers, n, _ = x.shape
    logit_scores = torch.zeros(layers, n, device=x.device)
    md_scores = torch.zeros(layers, n, device=x.device)
    for train, test in splits:
        train_t, test_t = torch.as_tensor(train, device=x.device), torch.as_tensor(test, device=x.device)
        _, _, (xtr, xte) = _standardise(x[:, train_t], x[:, test_t])
        w, b = fit_logistic(xtr, y[train_t], l2)
        logit_scores[:, test_t] = torch.einsum("lnd,ld->ln", xte, w) + b[:, None]
        mu1, mu0 = xtr[:, y[train_t]].mean(1), xtr[:, ~y[train_t]].mean(1)
        md_scores[:, test_t] = torch.einsum("lnd,ld->ln", xte - (mu1 + mu0)[:, None] / 2, mu1 - mu0)

    def summarise(s: torch.Tensor) -> ProbeScores:
        return ProbeScores(((s > 0) == y).float().mean(1).tolist(), auroc(s, y).tolist())
    return summarise(logit_scores), summarise(md_scores)


def fit_probes(acts: Float[torch.Tensor, "rows layers d"], labels: Sequence[bool], groups: Sequence[str],
               layers: Sequence[int], folds: int = 5, l2: float = 1e-2, device: str | None = None,
               seed: int = 0, cfg: dict | None = None) -> ProbeReport:
    """Probe every layer for ``labels``, scored by k-fold and by group-held-out CV."""
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    y_np = np.asarray(labels, dtype=bool)
    if len(y_np) != len(acts):
        raise PersonaProbeError(f"{len(y_np)} labels for {len(acts)} rows")
    if len(y_np) == 0:
        raise PersonaProbeError("the label set is empty; probes need labelled rows")
    counts = (int(y_np.sum()), int((~y_np).sum()))
    if min(counts) == 0:
        raise PersonaProbeError(f"the labels hold a single class ({counts[0]} positive, {counts[1]} negative); "
                                "probes need both")
    if min(counts) < folds:
        raise PersonaProbeError(f"{min(counts)} rows in the smaller class; k-fold CV with {folds} folds needs at least {folds}")
    groups_np = np.asarray(groups)
    n_groups = len(set(groups_np.tolist()))
    if n_groups < 2:
        raise PersonaProbeError("every row is in one group; group-held-out CV needs at least two groups (questions)")
    dev = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    x = acts.to(dev, torch.float32).transpose(0, 1).contiguous()  # [layers, rows, d]
    y = torch.as_tensor(y_np, device=dev)
    kfold = StratifiedKFold(folds, shuffle=True, random_state=seed).split(y_np, y_np)
    grouped = GroupKFold(min(folds, n_groups)).split(y_np, y_np, groups_np)
    logistic_k, md_k = _cv_scores(x, y, kfold, l2)
    logistic_g, md_g = _cv_scores(x, y, grouped, l2)
    mean, std, (xs,) = _standardise(x)
    w, _ = fit_logistic(xs, y, l2)
    raw = (w / std[:, 0]).cpu()  # back to activation space: score = w . (a - mean) / std
    norms = raw.norm(dim=-1)
    direction = Direction(raw / norms[:, None], tuple(layers), norms, {"method": "logistic-probe", **(cfg or {})})
    warnings = []
    for layer, a_k, a_g in zip(layers, logistic_k.accuracy, logistic_g.accuracy):
        if a_k - a_g > GAP_WARNING:
            warnings.append(f"layer {layer}: k-fold accuracy {a_k:.2f} vs group-held-out {a_g:.2f}; "
                            "the probe may be learning the questions rather than the label")
    for message in warnings:
        log.warning(message)
    return ProbeReport(list(layers), logistic_k, logistic_g, md_k, md_g, direction, warnings)


def read_labels(path, store_rows: list[dict], positive: str | None = None) -> list[bool]:
    """Labels for a store's rows from a JSONL of ``{"id": ..., "label": ...}``.

    ``label`` may be true/false, 1/0, or text; text counts as positive when it
    equals ``positive`` (default: ``misaligned`` or ``positive``, the judge's and
    ``persona-probe data contrast``'s words). Every store row needs a label.
    """
    from ..artifacts import read_jsonl
    from ..errors import DataError

    wanted = {positive} if positive else {"misaligned", "positive"}
    by_id: dict[str, bool] = {}
    for line_no, row in read_jsonl(path, "labels"):
        if "id" not in row or "label" not in row:
            raise DataError(f"{path}:{line_no}: each line needs an id and a label")
        value = row["label"]
        by_id[str(row["id"])] = value in wanted if isinstance(value, str) else bool(value)
    missing = [r["id"] for r in store_rows if r["id"] not in by_id]
    if missing:
        raise DataError(f"{path}: no label for {len(missing)} store rows (first: {missing[0]!r}); "
                        "ids must match the store's rows.jsonl")
    return [by_id[r["id"]] for r in store_rows]
