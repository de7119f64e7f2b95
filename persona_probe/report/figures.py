"""The report's plotly figures: one function per figure, each taking artifact data and returning ``go.Figure``.

No model text ever goes into a figure (answers and tokens are drawn as escaped HTML by the
template); the labels that do (folder names, method names) pass through ``label`` first, since
plotly renders a subset of HTML in text.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .format import mean_or_none

DIRECTION_COLOUR = "#c0392b"
RANDOM_COLOUR = "#7f8c8d"
BASE_COLOUR = "#2c7fb8"
TUNED_COLOUR = "#d95f0e"
_FONT = dict(family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif", size=13)


def label(text) -> str:
    """Text safe to hand to plotly, which would otherwise render tags such as <a> in labels."""
    return html.escape(str(text), quote=False)


def _style(fig: go.Figure, height: int = 380, legend: bool = True) -> go.Figure:
    fig.update_layout(template="plotly_white", font=_FONT, height=height, margin=dict(l=60, r=20, t=50, b=60),
                      showlegend=legend,
                      legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0))
    return fig


def _band(fig, x, low, high, colour, name, row, col, legend=True):
    """A shaded CI band in subplot (row, col): the upper edge, then the lower edge filled up to it."""
    fig.add_trace(go.Scatter(x=x, y=high, mode="lines", line=dict(width=0), hoverinfo="skip", showlegend=False,
                             legendgroup=name), row=row, col=col)
    fig.add_trace(go.Scatter(x=x, y=low, mode="lines", line=dict(width=0), fill="tonexty",
                             fillcolor=_alpha(colour, 0.18), name=f"{name} 95% CI", hoverinfo="skip",
                             showlegend=legend, legendgroup=name), row=row, col=col)


def _alpha(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def probe_figure(probe: dict) -> go.Figure:
    """Held-out accuracy and AUROC by layer: both classifiers, k-fold and group-held-out together."""
    layers = probe["layers"]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Held-out accuracy", "Held-out AUROC"),
                        horizontal_spacing=0.09)
    colours = {"logistic": "#2c7fb8", "mean_difference": "#d95f0e"}
    names = {"logistic": "logistic probe", "mean_difference": "mean-difference probe"}
    schemes = {"kfold": ("k-fold", "solid"), "group_held_out": ("group held out", "dash")}
    for method, colour in colours.items():
        for scheme, (scheme_name, dash) in schemes.items():
            scores = probe.get(method, {}).get(scheme)
            if not scores:
                continue
            for col, metric in ((1, "accuracy"), (2, "auroc")):
                fig.add_trace(go.Scatter(x=layers, y=scores[metric], mode="lines+markers", marker=dict(size=5),
                                         line=dict(color=colour, dash=dash), name=f"{names[method]}, {scheme_name}",
                                         legendgroup=f"{method}-{scheme}", showlegend=col == 1), row=1, col=col)
    for col in (1, 2):
        fig.add_hline(y=0.5, line=dict(color=RANDOM_COLOUR, dash="dot", width=1), row=1, col=col)
        fig.update_xaxes(title_text="layer", row=1, col=col)
    fig.update_yaxes(title_text="accuracy (share of rows)", range=[0.3, 1.02], row=1, col=1)
    fig.update_yaxes(title_text="AUROC", range=[0.3, 1.02], row=1, col=2)
    fig.add_annotation(text="dotted: chance (0.5)", xref="paper", yref="paper", x=1, y=1.12, showarrow=False,
                       font=dict(size=11, color=RANDOM_COLOUR))
    return _style(fig, height=400)


def cosine_layers_figure(matrix: list[list[float]], rows: list, columns: list, row_name: str,
                         column_name: str) -> go.Figure:
    """Cosine similarity between two directions' per-layer vectors, every layer against every layer."""
    fig = go.Figure(go.Heatmap(z=matrix, x=[str(c) for c in columns], y=[str(r) for r in rows], zmin=-1, zmax=1,
                               colorscale="RdBu_r", colorbar=dict(title="cosine"),
                               hovertemplate="row layer %{y}, column layer %{x}: %{z:.3f}<extra></extra>"))
    fig.update_xaxes(title_text=f"layer of {label(column_name)}", type="category")
    fig.update_yaxes(title_text=f"layer of {label(row_name)}", type="category", autorange="reversed")
    return _style(fig, height=460, legend=False)


def cosine_sources_figure(per_source: dict[str, dict], reference: str) -> go.Figure:
    """Per layer, the cosine of each source's direction with the reference direction."""
    sources = list(per_source)
    layers = sorted({int(layer) for values in per_source.values() for layer in values})
    z = [[per_source[s].get(str(layer), per_source[s].get(layer)) for layer in layers] for s in sources]
    fig = go.Figure(go.Heatmap(z=z, x=[str(layer) for layer in layers], y=[label(s) for s in sources], zmin=-1, zmax=1,
                               colorscale="RdBu_r", colorbar=dict(title="cosine"),
                               hovertemplate="%{y}, layer %{x}: %{z:.3f}<extra></extra>"))
    fig.update_xaxes(title_text=f"layer (cosine with {label(reference)} at the same layer)", type="category")
    return _style(fig, height=140 + 45 * len(sources), legend=False)


def direction_norm_figure(norms: dict[str, tuple[list[int], list[float]]]) -> go.Figure:
    """The norm of each direction's raw vector before normalising (a difference of means, or a probe's weights)."""
    fig = go.Figure()
    for name, (layers, values) in norms.items():
        fig.add_trace(go.Scatter(x=layers, y=values, mode="lines+markers", marker=dict(size=5), name=label(name)))
    fig.update_xaxes(title_text="layer")
    # one labelled tick per decade, written out (plotly's default labels the minor ticks "2" and "5" for 0.2, 0.5)
    fig.update_yaxes(title_text="raw norm (log scale)", type="log", dtick=1, tickformat="~g")
    return _style(fig, height=360)


def layer_scan_figure(scans: dict[str, dict]) -> go.Figure:
    """Per direction, the MC drop from ablating each layer's vector (95% CI as error bars), the chosen layer ringed."""
    fig = go.Figure()
    for name, scan in scans.items():
        rows = scan["per_layer"]
        layers, drops = [r["layer"] for r in rows], [r["drop"] for r in rows]
        fig.add_trace(go.Scatter(
            x=layers, y=drops, mode="lines+markers", marker=dict(size=5), name=label(name),
            error_y=dict(type="data", symmetric=False, array=[r["drop_ci95"][1] - r["drop"] for r in rows],
                         arrayminus=[r["drop"] - r["drop_ci95"][0] for r in rows], thickness=1)))
        if scan.get("chosen_layer") in layers:
            i = layers.index(scan["chosen_layer"])
            fig.add_trace(go.Scatter(x=[layers[i]], y=[drops[i]], mode="markers", showlegend=False,
                                     marker=dict(size=14, symbol="circle-open", line=dict(width=2)),
                                     hovertext=f"{label(name)}: chosen layer {layers[i]}"))
    fig.add_hline(y=0, line=dict(color="#999", width=1, dash="dot"))
    fig.update_xaxes(title_text="layer whose vector is ablated")
    fig.update_yaxes(title_text="MC score drop on the train items")
    return _style(fig, height=380)


def adapter_view_figure(view: dict) -> go.Figure:
    """Per layer, how enriched each writer's LoRA update is along the direction, beside random unit vectors' mean."""
    fig = go.Figure()
    for module, colour in (("o_proj", "#1f77b4"), ("down_proj", "#d62728")):
        rows = [r for r in view["modules"] if r["module"] == module and r["enrichment"] is not None]
        if not rows:
            continue
        layers = [r["layer"] for r in rows]
        fig.add_trace(go.Scatter(x=layers, y=[r["enrichment"] for r in rows], mode="lines+markers",
                                 marker=dict(size=5, color=colour), line=dict(color=colour), name=module))
        if all(r["random_mean"] is not None for r in rows):
            fig.add_trace(go.Scatter(x=layers, y=[r["random_max"] for r in rows], mode="lines", name=f"{module}: random max",
                                     line=dict(color=colour, dash="dot", width=1)))
    fig.add_hline(y=1, line=dict(color="#999", width=1, dash="dot"), annotation_text="a random direction's share")
    fig.update_xaxes(title_text="layer (writers: the direction at that layer)")
    fig.update_yaxes(title_text="enrichment along the direction", type="log", tickformat="~g")
    return _style(fig, height=360)


def latent_cosine_figure(z: list[list[float]], latents: list[int], directions: list[str], layer: int) -> go.Figure:
    """Cosine of SAE latents' decoder rows with directions at the SAE's layer."""
    fig = go.Figure(go.Heatmap(z=z, x=[label(d) for d in directions], y=[f"latent {k}" for k in latents], zmin=-1,
                               zmax=1, colorscale="RdBu_r", colorbar=dict(title="cosine"),
                               hovertemplate="%{y} vs %{x}: %{z:.3f}<extra></extra>"))
    fig.update_xaxes(title_text=f"direction (its layer-{layer} vector)")
    fig.update_yaxes(autorange="reversed")
    return _style(fig, height=160 + 26 * len(latents), legend=False)


def steering_figure(points: list[dict]) -> go.Figure:
    """EM rate, MC score and coherence against alpha: the direction with CI bands, random directions beside it.

    ``points``: per alpha, ``alpha``, ``direction`` and ``random`` (a list) of metric dicts with
    ``em_rate``/``em_ci95``, ``mc_score``/``mc_ci95`` and ``mean_coherence``/``coherence_ci95``.
    """
    panels = (("em_rate", "em_ci95", "EM rate", "share of answers misaligned"),
              ("mc_score", "mc_ci95", "MC persona score", "mean P(misaligned option)"),
              ("mean_coherence", "coherence_ci95", "Coherence", "mean judge coherence (0-100)"))
    fig = make_subplots(rows=1, cols=3, subplot_titles=[p[2] for p in panels], horizontal_spacing=0.08)
    alphas = [p["alpha"] for p in points]
    for col, (metric, ci, _, unit) in enumerate(panels, start=1):
        values = [p["direction"].get(metric) for p in points]
        cis = [p["direction"].get(ci) for p in points]
        if all(c for c in cis):
            _band(fig, alphas, [c[0] for c in cis], [c[1] for c in cis], DIRECTION_COLOUR, "direction", 1, col,
                  legend=col == 1)
        fig.add_trace(go.Scatter(x=alphas, y=values, mode="lines+markers", line=dict(color=DIRECTION_COLOUR),
                                 name="direction", legendgroup="direction", showlegend=col == 1,
                                 hovertemplate="alpha %{x}: %{y:.3f}<extra>direction</extra>"), row=1, col=col)
        random_x, random_y = [], []
        for p in points:
            for r in p.get("random", []):
                if r.get(metric) is not None:
                    random_x.append(p["alpha"])
                    random_y.append(r[metric])
        if random_x:
            means = [mean_or_none([r.get(metric) for r in p.get("random", [])]) for p in points]
            fig.add_trace(go.Scatter(x=alphas, y=means, mode="lines", line=dict(color=RANDOM_COLOUR, dash="dash"),
                                     name="random directions, mean", legendgroup="random-mean", showlegend=col == 1,
                                     hovertemplate="alpha %{x}: %{y:.3f}<extra>random mean</extra>"), row=1, col=col)
            fig.add_trace(go.Scatter(x=random_x, y=random_y, mode="markers",
                                     marker=dict(color=RANDOM_COLOUR, size=6, symbol="x"),
                                     name="random directions, each", legendgroup="random", showlegend=col == 1,
                                     hovertemplate="alpha %{x}: %{y:.3f}<extra>random</extra>"), row=1, col=col)
        fig.update_xaxes(title_text="alpha (x residual norm)", row=1, col=col)
        fig.update_yaxes(title_text=unit, row=1, col=col, **_RANGES[metric])
    return _style(fig, height=420)


# Each metric's own scale: a panel with no data keeps it, and a CI band never leaves it.
_RANGES = {"em_rate": dict(rangemode="tozero"), "mc_score": dict(range=[0, 1]), "mean_coherence": dict(range=[0, 100]),
           }


def ablation_figure(conditions: dict[str, dict]) -> go.Figure:
    """EM rate and MC score with 95% CIs: the model as it is, with the direction ablated, with random ablations."""
    names = list(conditions)
    colours = [BASE_COLOUR if n == "as-is" else DIRECTION_COLOUR if n == "ablated" else RANDOM_COLOUR for n in names]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("EM rate", "MC persona score"), horizontal_spacing=0.1)
    for col, (metric, ci, unit) in enumerate((("em_rate", "em_ci95", "share of answers misaligned"),
                                              ("mc_score", "mc_ci95", "mean P(misaligned option)")), start=1):
        values = [conditions[n].get(metric) for n in names]
        if all(v is None for v in values):  # e.g. no MC score (--mc none): an empty panel on its own scale
            fig.add_annotation(text="not measured in this run", showarrow=False, row=1, col=col)
        else:
            cis = [conditions[n].get(ci) or [v, v] for n, v in zip(names, values)]
            fig.add_trace(go.Bar(x=[label(n) for n in names], y=values, marker_color=colours, showlegend=False,
                                 error_y=dict(type="data", symmetric=False,
                                              array=[None if v is None else c[1] - v for c, v in zip(cis, values)],
                                              arrayminus=[None if v is None else v - c[0] for c, v in zip(cis, values)],
                                              thickness=1.2),
                                 hovertemplate="%{x}: %{y:.3f}<extra></extra>"), row=1, col=col)
        fig.update_yaxes(title_text=unit, row=1, col=col, **_RANGES[metric])
        fig.update_xaxes(title_text="condition", row=1, col=col)
    return _style(fig, height=400, legend=False)


def latent_histogram_figure(histogram: dict, latent: int, base_name: str = "base", tuned_name: str = "tuned") -> go.Figure:
    """A latent's per-token activation in the base and tuned stores, as shares of all tokens (zeros counted apart)."""
    edges = histogram["edges"]
    centres = [(a + b) / 2 for a, b in zip(edges[:-1], edges[1:])]
    width = edges[1] - edges[0] if len(edges) > 1 else 1
    fig = go.Figure()
    for name, colour, shown in (("base", BASE_COLOUR, base_name), ("tuned", TUNED_COLOUR, tuned_name)):
        total = max(histogram.get(f"{name}_tokens", 0), 1)
        zero = histogram.get(f"{name}_zero", 0)
        fig.add_trace(go.Bar(x=centres, y=[c / total for c in histogram[name]], width=width, marker_color=colour,
                             opacity=0.6, name=f"{label(shown)} ({1 - zero / total:.1%} of tokens active)",
                             hovertemplate="activation %{x:.2f}: %{y:.2%} of tokens<extra></extra>"))
    fig.update_layout(barmode="overlay", title=dict(text=f"Latent {latent}: activation where it fires", x=0,
                                                    font=dict(size=13)))
    fig.update_xaxes(title_text="activation")
    fig.update_yaxes(title_text="share of all tokens", tickformat=".1%")
    fig = _style(fig, height=300)
    fig.update_layout(margin=dict(l=60, r=10, t=40, b=40), legend=dict(y=-0.3))
    return fig


def monitor_figure(rows: list[dict]) -> go.Figure:
    """A fine-tune watched checkpoint by checkpoint (``monitor.jsonl``): the neutral passages' projection shift
    on the direction and the out-of-domain MC shift, each with its CI band, and the train loss."""
    panels = (("projection", "Projection shift on the direction", "mean shift from step 0"),
              ("mc", "Out-of-domain MC persona shift", "mean shift from step 0"),
              ("loss", "Train loss", "mean since the previous row"))
    fig = make_subplots(rows=1, cols=3, subplot_titles=[p[1] for p in panels], horizontal_spacing=0.08)
    steps = [r["step"] for r in rows]
    for col, (key, _, unit) in enumerate(panels, start=1):
        if key == "loss":
            points = [(r["step"], r["loss"]) for r in rows if r.get("loss") is not None]
            fig.add_trace(go.Scatter(x=[p[0] for p in points], y=[p[1] for p in points], mode="lines+markers",
                                     line=dict(color=BASE_COLOUR), name="loss", showlegend=False), row=1, col=col)
        else:
            _band(fig, steps, [r[key]["shift_ci95"][0] for r in rows], [r[key]["shift_ci95"][1] for r in rows],
                  TUNED_COLOUR, "shift", 1, col, legend=col == 1)
            fig.add_trace(go.Scatter(x=steps, y=[r[key]["shift"] for r in rows], mode="lines+markers",
                                     line=dict(color=TUNED_COLOUR), name="shift", legendgroup="shift",
                                     showlegend=col == 1,
                                     hovertemplate="step %{x}: %{y:+.4f}<extra></extra>"), row=1, col=col)
        fig.update_xaxes(title_text="training step", row=1, col=col)
        fig.update_yaxes(title_text=unit, row=1, col=col)
    return _style(fig, height=400)
