"""``persona-probe sae diff``: which SAE latents rise from a base model to its tuned twin.

Both stores must hold the same conversations (``cache --tuned`` writes such a pair). Each
row's latent activations are averaged over its tokens (per-token stores) or taken as they
are (pooled stores); the statistic is the paired difference tuned - base per row, per
latent: its mean (the ranking), a bootstrap 95% CI over rows, an effect size (mean / SD of
the differences), and the same for the firing rate. The control is the same statistic
between two random halves of the base store, unpaired: a latent that stands out there is
noise, and the top real effect should dwarf the control's. For the report, each top latent
also gets a histogram of its per-token activation in both stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ..activations.store import ActivationStore
from ..artifacts import SAE_DIFF, atomic_write_json, provenance
from ..errors import PersonaProbeError
from ..residual import drop_massive_rows
from .io import load_sae, sae_layer


@dataclass(frozen=True)
class LatentStats:
    mean_activation: torch.Tensor
    """``[rows, d_sae]``: each row's mean activation per latent."""
    firing_rate: torch.Tensor
    """``[rows, d_sae]``: the share of each row's tokens where the latent fires."""


@torch.no_grad()
def encoded_rows(sae, acts_per_row, massive_factor: float | None = 20.0):
    """``[tokens, d_sae]`` latent activations per row, massive-activation positions left out."""
    for acts in acts_per_row:
        acts = drop_massive_rows(acts.float(), massive_factor)
        yield sae.encode(acts.to(sae.device)).cpu()


@torch.no_grad()
def latent_stats(sae, acts_per_row, massive_factor: float | None = 20.0) -> LatentStats:
    """Per-row latent statistics; ``acts_per_row`` yields ``[tokens, d_in]`` (one row of a pooled store is 1 token)."""
    means, rates = [], []
    for latents in encoded_rows(sae, acts_per_row, massive_factor):
        means.append(latents.mean(0))
        rates.append((latents > 0).float().mean(0))
    return LatentStats(torch.stack(means), torch.stack(rates))


def store_rows(store: ActivationStore, layer: int, responses_only: bool = False):
    """``[tokens, d_model]`` per row, in row order (only the final answer's tokens with ``responses_only``)."""
    if store.pooling == "tokens":
        ordered = sorted(store.iter_rows([layer]), key=lambda item: item[0])
        for row_index, row in ordered:
            if not responses_only:
                yield row.acts[:, 0]
            elif row.response_start is None:
                raise PersonaProbeError(f"{store.path}: row {row_index} has no answer; --responses-only needs answered rows")
            else:
                yield row.acts[row.response_start:row.response_end, 0]
    else:
        acts = store.load([layer])[:, 0]
        for row in acts:
            yield row[None]


@torch.no_grad()
def activation_histograms(sae, base_rows, tuned_rows, latents: list[int], bins: int = 30,
                          massive_factor: float | None = 20.0) -> dict[int, dict]:
    """Per latent: counts of its per-token activation in each store, on shared bins over the active range.

    Tokens where the latent is off (activation 0) are counted apart, as ``*_zero``: they are most
    tokens, and one tall bar at zero would flatten the rest.
    """
    def values(rows):
        out = [encoded[:, latents] for encoded in encoded_rows(sae, rows, massive_factor)]
        return torch.cat(out) if out else torch.zeros(0, len(latents))

    base, tuned = values(base_rows), values(tuned_rows)
    result = {}
    for column, latent in enumerate(latents):
        b, t = base[:, column], tuned[:, column]
        top = float(max(b.max(), t.max())) if len(b) and len(t) else 0.0
        edges = np.linspace(0.0, top if top > 0 else 1.0, bins + 1)
        hist = {}
        for name, v in (("base", b), ("tuned", t)):
            active = v[v > 0].numpy()
            hist[name] = np.histogram(active, bins=edges)[0].tolist()
            hist[f"{name}_zero"] = int((v <= 0).sum())
            hist[f"{name}_tokens"] = len(v)
        result[latent] = {"edges": [round(float(e), 5) for e in edges], **hist}
    return result


def bootstrap_mean_ci(values: torch.Tensor, n_boot: int = 1000, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Percentile 95% CI of the column means of ``values`` ``[rows, k]``, resampling rows."""
    rng = np.random.default_rng(seed)
    n = len(values)
    idx = torch.from_numpy(rng.integers(0, n, size=(n_boot, n)))
    means = values[idx].mean(1)  # [n_boot, k]
    return torch.quantile(means, 0.025, dim=0), torch.quantile(means, 0.975, dim=0)


def diff_latents(base: LatentStats, tuned: LatentStats, top: int = 20, seed: int = 0) -> dict:
    """Rank latents by the paired rise in mean activation from ``base`` to ``tuned``; control on base halves."""
    if base.mean_activation.shape != tuned.mean_activation.shape:
        raise PersonaProbeError(f"the stores differ in rows ({len(base.mean_activation)} vs "
                                f"{len(tuned.mean_activation)}); sae diff needs the same conversations in both")
    n = len(base.mean_activation)
    if n < 4:
        raise PersonaProbeError(f"{n} rows are too few for a bootstrap and a random-halves control; cache more")
    delta = tuned.mean_activation - base.mean_activation
    rate_delta = tuned.firing_rate - base.firing_rate
    mean_delta = delta.mean(0)
    order = torch.argsort(mean_delta, descending=True)[:top]
    low, high = bootstrap_mean_ci(delta[:, order], seed=seed)
    sd = delta[:, order].std(0)
    latents = []
    for rank, latent in enumerate(order.tolist()):
        latents.append({
            "rank": rank + 1, "latent": latent, "mean_base": float(base.mean_activation[:, latent].mean()),
            "mean_tuned": float(tuned.mean_activation[:, latent].mean()), "delta": float(mean_delta[latent]),
            "delta_ci95": [float(low[rank]), float(high[rank])],
            "effect_size": float(mean_delta[latent] / sd[rank]) if sd[rank] > 0 else None,
            "firing_base": float(base.firing_rate[:, latent].mean()),
            "firing_tuned": float(tuned.firing_rate[:, latent].mean()), "firing_delta": float(rate_delta[:, latent].mean()),
        })
    # Control: two random halves of the base rows, unpaired.
    perm = torch.from_numpy(np.random.default_rng(seed + 1).permutation(n))
    half_a, half_b = base.mean_activation[perm[: n // 2]], base.mean_activation[perm[n // 2:]]
    control_delta = half_b.mean(0) - half_a.mean(0)
    control_order = torch.argsort(control_delta, descending=True)[:top]
    control = {"top": [{"latent": int(k), "delta": float(control_delta[k])} for k in control_order],
               "max_delta": float(control_delta.max()),
               "top_real_over_control_max": float(mean_delta[order[0]] / control_delta.max())
               if control_delta.max() > 0 else None,
               "paired_null": paired_null(delta, seed=seed + 2)}
    return {"n_rows": n, "d_sae": int(delta.shape[1]), "latents": latents, "control": control}


def paired_null(delta: torch.Tensor, n_perm: int = 200, seed: int = 0) -> dict:
    """The largest mean rise over latents when each row's base/tuned labels are swapped at random.

    The random-halves control compares different rows, so between-row variation inflates it;
    this null keeps the pairing (the statistic the ranking uses) and asks how large the top
    latent's rise gets by chance alone.
    """
    g = torch.Generator().manual_seed(seed)
    signs = torch.randint(0, 2, (n_perm, len(delta)), generator=g).float() * 2 - 1
    maxima = (signs.double() @ delta.double()).max(1).values / len(delta)
    return {"n_permutations": n_perm, "max_delta_median": float(maxima.median()),
            "max_delta_95th": float(torch.quantile(maxima, 0.95))}


def sae_diff(sae_dir: str, base_store: str, tuned_store: str, out: str, layer: int | None = None,
                 top: int = 20, seed: int = 0, responses_only: bool = False) -> dict:
    sae = load_sae(sae_dir)
    layer = sae_layer(sae, layer)
    base, tuned = ActivationStore(base_store), ActivationStore(tuned_store)
    for store in (base, tuned):
        if layer not in store.layers:
            raise PersonaProbeError(f"{store.path} has no layer {layer}; it holds {store.layers}")
        if store.d_model != sae.cfg.d_in:
            raise PersonaProbeError(f"{store.path} has d_model {store.d_model} but the SAE reads {sae.cfg.d_in}")
    base_ids, tuned_ids = [r["id"] for r in base.rows], [r["id"] for r in tuned.rows]
    if base_ids != tuned_ids:
        raise PersonaProbeError(f"{base_store} and {tuned_store} hold different conversations; "
                                "cache both models on the same data (persona-probe cache --tuned does)")
    result = diff_latents(latent_stats(sae, store_rows(base, layer, responses_only)),
                          latent_stats(sae, store_rows(tuned, layer, responses_only)), top, seed)
    top_latents = [item["latent"] for item in result["latents"]]
    histograms = activation_histograms(sae, store_rows(base, layer, responses_only),
                                       store_rows(tuned, layer, responses_only), top_latents)
    for item in result["latents"]:
        item["histogram"] = histograms[item["latent"]]
    result.update({"kind": SAE_DIFF.name, "responses_only": responses_only, "sae": str(sae_dir), "layer": layer, "base_store": str(base.path), "tuned_store": str(tuned.path),
                   "base_model": base.cfg.get("model"), "tuned_model": tuned.cfg.get("model"),
                   "provenance": provenance()})
    Path(out).mkdir(parents=True, exist_ok=True)
    atomic_write_json(Path(out) / "diff.json", result)
    return result


@dataclass(frozen=True, kw_only=True)
class SAEDiffConfig:
    """Model diffing: which latents rise from base to tuned on the same conversations.

    Rank an SAE's latents by the paired rise of their mean activation from a base store to a tuned store of the same conversations, with bootstrap CIs, effect sizes, firing rates and a random-halves control on the base store."""

    sae: str
    """An SAE: a folder (ours or SAELens's), or a SAELens release as RELEASE/SAE_ID (fetched once, then cached)."""
    base_store: str = field(metadata={"flag": "--base", "aliases": ("--base-store",)})
    """Store of the base model."""
    tuned_store: str = field(metadata={"flag": "--tuned", "aliases": ("--tuned-store",)})
    """Store of the tuned model, same conversations."""
    layer: int | None = None
    """The residual layer the SAE reads, only for an SAE whose hook_name names none (resid_post L, or resid_pre L+1, is read from it)."""
    top: int = 20
    """Latents to report."""
    responses_only: bool = False
    """Per-token stores: average only the final answers' tokens (e.g. the same answers cached under two system prompts, whose prompt tokens differ)."""
    out: str
    """Output folder: diff.json."""


def run_sae_diff(cfg: SAEDiffConfig, progress: bool = True) -> dict:
    return sae_diff(cfg.sae, cfg.base_store, cfg.tuned_store, cfg.out, cfg.layer, cfg.top,
                    responses_only=cfg.responses_only)
