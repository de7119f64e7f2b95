import numpy as np
import pytest
import torch

from persona_probe.directions.direction import Direction
from persona_probe.directions.probes import auroc, fit_logistic, fit_probes
from persona_probe.errors import PersonaProbeError


def _planted(n=240, d=32, layers=3, seed=0):
    """Label carried by a planted unit vector at layers 1 and 2 only; layer 0 is noise."""
    g = torch.Generator().manual_seed(seed)
    u = torch.nn.functional.normalize(torch.randn(d, generator=g), dim=0)
    y = torch.arange(n) % 2 == 0
    acts = torch.randn(n, layers, d, generator=g)
    acts[:, 1:] += 5.0 * y[:, None, None].float() * u  # Bayes accuracy about 0.99
    groups = [f"q{i % 12}" for i in range(n)]
    return acts, y.tolist(), groups, u


def test_probes_find_the_planted_direction():
    acts, y, groups, u = _planted()
    report = fit_probes(acts, y, groups, [0, 1, 2])
    assert report.logistic_grouped.accuracy[0] < 0.7  # noise layer
    assert min(report.logistic_grouped.accuracy[1:]) >= 0.95
    assert min(report.meandiff_kfold.auroc[1:]) >= 0.95
    assert report.best_layer in (1, 2)
    assert (report.direction.vectors[1:] @ u).min() > 0.9
    assert report.warnings == []


def test_probe_that_learns_the_question_is_flagged():
    g = torch.Generator().manual_seed(1)
    n, d = 240, 16
    groups = [f"q{i % 8}" for i in range(n)]
    # The label is a property of the question: each question's rows share a label and an offset.
    offsets = torch.randn(8, d, generator=g) * 3
    y = [int(gr[1:]) % 2 == 0 for gr in groups]
    acts = (torch.randn(n, 1, d, generator=g) + offsets[[int(gr[1:]) for gr in groups]][:, None])
    report = fit_probes(acts, y, groups, [0])
    assert report.logistic_kfold.accuracy[0] > 0.95
    assert report.warnings and "learning the questions" in report.warnings[0]


@pytest.mark.parametrize("n, d, layers", [(200, 8, 2), (40, 64, 3)], ids=["rows>features", "rows<features"])
def test_vectorised_fit_matches_sklearn(n, d, layers):
    """Both solver paths (feature space, and the rows' space when rows < d) reach sklearn's optimum."""
    from sklearn.linear_model import LogisticRegression

    acts, y, _, _ = _planted(n=n, d=d, layers=layers)
    x = acts.transpose(0, 1)
    x = (x - x.mean(1, keepdim=True)) / x.std(1, keepdim=True)
    w, b = fit_logistic(x, torch.tensor(y), l2=1e-2)
    for layer in range(layers):
        # same objective: mean log-loss + l2/2 |w|^2  <=>  sklearn C = 1 / (n * l2)
        ref = LogisticRegression(C=1 / (n * 1e-2), max_iter=5000, tol=1e-10).fit(x[layer].numpy(), y)
        assert np.allclose(w[layer].numpy(), ref.coef_[0], atol=2e-3)
        assert abs(float(b[layer]) - ref.intercept_[0]) < 2e-3


def test_auroc_and_bad_labels():
    scores = torch.tensor([[0.1, 0.4, 0.35, 0.8]])
    assert auroc(scores, torch.tensor([False, False, True, True])).item() == pytest.approx(0.75)
    acts = torch.randn(10, 1, 4)
    with pytest.raises(PersonaProbeError, match="single class"):
        fit_probes(acts, [True] * 10, [str(i) for i in range(10)], [0])
    with pytest.raises(PersonaProbeError, match="empty"):
        fit_probes(acts[:0], [], [], [0])
    with pytest.raises(PersonaProbeError, match="one group"):
        fit_probes(acts, [True, False] * 5, ["q"] * 10, [0])


def test_best_layer_breaks_ceiling_ties_with_the_stricter_classifier():
    from persona_probe.directions.probes import ProbeReport, ProbeScores

    d = Direction(torch.eye(3, 8), (4, 5, 6), torch.ones(3))
    at_ceiling = ProbeScores([1.0, 1.0, 0.9], [1.0, 1.0, 0.95])
    report = ProbeReport([4, 5, 6], at_ceiling, at_ceiling, ProbeScores([0.8, 0.95, 0.99], [0.9, 0.97, 1.0]),
                         ProbeScores([0.8, 0.95, 0.99], [0.9, 0.97, 1.0]), d)
    assert report.best_layer == 5  # layer 6's mean-diff is higher, but its logistic accuracy is not at the top
