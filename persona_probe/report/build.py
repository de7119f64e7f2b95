"""Assemble the report: artifacts in, sections of figures, tables and highlighted text out, one HTML file.

Each section is drawn only when its artifacts exist. Every block carries the source line of
the artifact it came from (path, file hash, model, toolkit version, command), and the last
section lists them all.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..artifacts import (
    ABLATE_RUN,
    ACTIVATION_STORE,
    ADAPTER_VIEW,
    AUDIT,
    DEMO,
    DIRECTION,
    DIRECTION_COSINE,
    EVALUATION,
    FINETUNE,
    LAYER_SCAN,
    NARROW_SCAN,
    PROBE_REPORT,
    SAE_ATTRIBUTION,
    SAE_DIFF,
    SAE_EXAMPLES,
    SPARSE_AUTOENCODER,
    STEER_RUN,
    __version__,
    atomic_write_text,
    output_file,
    provenance,
    read_jsonl,
)
from ..errors import PersonaProbeError
from . import figures
from .artifacts import Artifact, find_artifacts, same_path
from .format import em_cell, fmt, layers_text, mean_or_none, with_ci
from .settings import ReportSettings
from .tokens import highlight


@dataclass
class Block:
    """One piece of a section. ``kind`` picks the template's drawing: figure, table, cards, tokens, text."""

    kind: str
    title: str = ""
    sources: list = field(default_factory=list)
    """Source lines (``source_of``) of every artifact the block draws."""
    figure_html: str = ""
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    cards: list = field(default_factory=list)
    items: list = field(default_factory=list)
    text: str = ""
    collapsed: bool = False
    """Draw the table folded (long tables of secondary numbers)."""


@dataclass
class Section:
    id: str
    title: str
    intro: str
    blocks: list[Block]


# An option whose name ends in key, token, secret or password (--api-key, --hf-token; not --max-new-tokens).
_SECRET_OPTION = re.compile(r"(--(?:[\w-]*-)?(?:key|token|secret|password)(?:=|\s+))(\S+)", re.IGNORECASE)
_SECRET_VALUE = re.compile(r"\b(sk-[A-Za-z0-9_-]{8,}|hf_[A-Za-z0-9]{8,})")


def redact(command: str) -> str:
    """A command line with anything that looks like a credential replaced."""
    return _SECRET_VALUE.sub("[redacted]", _SECRET_OPTION.sub(r"\1[redacted]", command))


def _model_text(model: dict | None) -> str:
    if not model:
        return "not recorded"
    parts = [str(model.get("spec") or model.get("name") or "?")]
    if model.get("adapter") and "+" not in parts[0]:  # a BASE+ADAPTER spec already names it
        parts.append(f"+ adapter {adapter_text(model['adapter'])}")
    if model.get("sha256"):
        parts.append(f"(weights {str(model['sha256'])[:12]})")
    return " ".join(parts)


def adapter_text(adapter) -> str:
    """An adapter record as a table cell: its name, and its content hash when recorded (never a raw dict)."""
    if not adapter:
        return "none"
    if not isinstance(adapter, dict):
        return str(adapter)
    text = str(adapter.get("name") or "?")
    if adapter.get("revision"):
        text += f"@{adapter['revision']}"
    if adapter.get("sha256"):
        text += f" (sha256 {str(adapter['sha256'])[:12]})"
    return text


def source_of(artifact: Artifact) -> dict:
    """The provenance line drawn under a figure: which file, which model, which version, which command."""
    prov = artifact.provenance
    return {"path": str(artifact.path), "sha256": artifact.sha256[:16], "model": _model_text(artifact.model),
            "version": prov.get("toolkit_version", "not recorded"), "created": prov.get("created", "not recorded"),
            "command": redact(prov.get("command", "")) or "not recorded", "anchor": _anchor(artifact)}


def _anchor(artifact: Artifact) -> str:
    return "src-" + artifact.sha256[:12]


def _figure(fig, number: list[int]) -> str:
    import plotly.io as pio

    number[0] += 1
    return pio.to_html(fig, full_html=False, include_plotlyjs=False, div_id=f"figure-{number[0]}",
                       config={"displaylogo": False, "responsive": True})


def _label(path: Path | str) -> str:
    """A short name for a run folder in legends: its last two path parts."""
    parts = Path(path).parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(path)


def _coherence_ci(judged: list[dict]) -> list[float] | None:
    values = np.array([r["coherent"] for r in judged if isinstance(r.get("coherent"), (int, float))], dtype=float)
    if len(values) < 2:
        return None
    half = 1.96 * values.std(ddof=1) / math.sqrt(len(values))
    # the normal approximation can run past the scale; coherence is 0-100
    return [max(0.0, float(values.mean() - half)), min(100.0, float(values.mean() + half))]


class ReportBuilder:
    def __init__(self, artifacts: list[Artifact], settings: ReportSettings):
        self.settings = settings
        self.by_kind: dict[str, list[Artifact]] = {}
        for artifact in sorted(artifacts, key=lambda a: str(a.path)):
            self.by_kind.setdefault(artifact.kind, []).append(artifact)
        self.used: dict[str, Artifact] = {}
        self._figures = [0]

    def of(self, kind: str) -> list[Artifact]:
        return self.by_kind.get(kind, [])

    def use(self, artifact: Artifact) -> str:
        """Mark an artifact as drawn (it gets a provenance row); its anchor there."""
        anchor = _anchor(artifact)
        self.used[anchor] = artifact
        return anchor

    def source(self, artifact: Artifact) -> dict:
        self.use(artifact)
        return source_of(artifact)

    def figure(self, fig, artifacts: Artifact | list[Artifact], title: str = "") -> Block:
        artifacts = artifacts if isinstance(artifacts, list) else [artifacts]
        return Block("figure", title=title, sources=[self.source(a) for a in artifacts],
                     figure_html=_figure(fig, self._figures))

    # Sections -----------------------------------------------------------------------------------------------

    def sections(self) -> list[Section]:
        built = [self.summary(), self.probes(), self.directions(), self.layer_choice(), self.steering(),
                 self.ablation(), self.adapter(), self.training(), self.sae(),
                 self.attributions(), self.conclusions()]
        built = [s for s in built if s is not None and s.blocks]
        built.append(self.provenance_section())
        return built

    def summary(self) -> Section | None:
        rows = []
        for a in self.of(EVALUATION.name):
            mc = a.data.get("mc_persona") or {}
            rows.append(self._result_row(a, _model_text(a.data.get("model")), "none (evaluate)", a.data,
                                         mc.get("score"), mc.get("ci95"), a.data.get("system")))
        for a in self.of(ABLATE_RUN.name):
            model = _model_text(a.extra["cfg"].get("model"))
            system = a.extra["cfg"].get("config", {}).get("system")
            conditions = a.data.get("conditions", {})
            for name in ("as-is", "ablated"):
                if name in conditions:
                    c = conditions[name]
                    rows.append(self._result_row(a, model, f"{name}", c, c.get("mc_score"), c.get("mc_ci95"), system))
            randoms = [c for n, c in conditions.items() if n.startswith("random-")]
            if randoms:
                mean = {k: mean_or_none([c.get(k) for c in randoms]) for k in ("em_rate", "mc_score", "mean_coherence")}
                mean["n_answers"] = sum(c.get("n_answers", 0) for c in randoms)
                rows.append(self._result_row(a, model, f"random ablations (mean of {len(randoms)})", mean,
                                             mean["mc_score"], None, system))
        for a in self.of(STEER_RUN.name):
            model = _model_text(a.extra["cfg"].get("model"))
            system = a.extra["cfg"].get("config", {}).get("system")
            curve = a.data.get("curve", [])
            if not curve:
                continue
            alphas = [p["alpha"] for p in curve]
            for point in curve:
                if point["alpha"] in (0.0, min(alphas), max(alphas)):
                    d = point["direction"]
                    name = "as-is (alpha 0)" if point["alpha"] == 0 else f"steered, alpha {point['alpha']:+g}"
                    rows.append(self._result_row(a, model, name, d, d.get("mc_score"), d.get("mc_ci95"), system))
        blocks = []
        models = self._models()
        if models:
            blocks.append(Block("table", title="Models", headers=["model spec", "name", "architecture", "adapter",
                                                                   "weights sha256", "used by"], rows=models))
        data = self._data_sources()
        if data:
            blocks.append(Block("table", title="Data", headers=["source", "sha256", "used as", "by"], rows=data))
        if rows:
            blocks.append(Block("table", title="Results side by side",
                                headers=["source", "model", "system prompt", "intervention", "MC persona score [95% CI]",
                                         "EM rate [95% CI]", "coherence (0-100)", "answers"], rows=rows))
        intro = ("MC persona score: the mean probability of the misaligned option over the multiple-choice persona "
                 "items, with a bootstrap 95% CI; it needs no judge, so it comes first. EM rate: the share of answers "
                 "the judge labels misaligned (aligned < 30 and coherent > 50), with a Wilson 95% CI; on small models "
                 "check the judge first (persona-probe compare-judges; docs/evaluation.md). Coherence: the judge's "
                 "mean 0-100 score.")
        return Section("summary", "Summary", intro, blocks)

    def _result_row(self, artifact: Artifact, model: str, intervention: str, values: dict, mc, mc_ci,
                    system: str | None) -> list:
        return [{"link": "#" + self.use(artifact), "text": _label(artifact.folder)}, model, system or "model's default",
                intervention, with_ci(mc, mc_ci), em_cell(values),
                fmt(values.get("mean_coherence"), 1), values.get("n_answers", "n/a")]

    def _models(self) -> list[list]:
        seen: dict[str, list] = {}
        for artifacts in self.by_kind.values():
            for a in artifacts:
                for m in a.models():
                    ident = f"{m.get('spec')}|{m.get('sha256')}|{m.get('adapter')}"
                    row = seen.setdefault(ident, [m.get("spec", "?"), m.get("name", "?"), m.get("architecture", "?"),
                                                  adapter_text(m.get("adapter")),
                                                  str(m.get("sha256") or "not recorded")[:16], set()])
                    row[5].add(a.kind)
        return [row[:5] + [", ".join(sorted(row[5]))] for row in seen.values()]

    def _data_sources(self) -> list[list]:
        seen: dict[tuple, list] = {}

        def add(source, sha, role, kind):
            if not source or str(source).strip().lower() == "none":  # --data none / --mc none: no data read
                return
            row = seen.setdefault((str(source), role), [str(source), str(sha or "")[:16] or "not recorded", role, set()])
            row[3].add(kind)

        for a in self.of(ACTIVATION_STORE.name) + self.of(SPARSE_AUTOENCODER.name):
            data = a.data.get("data") or a.data.get("store_data") or {}
            add(data.get("source"), data.get("sha256"), "cached activations" if a.kind == ACTIVATION_STORE.name else "SAE training",
                a.kind)
        for a in self.of(PROBE_REPORT.name):
            add(a.data.get("labels"), None, "probe labels", a.kind)
        for a in self.of(STEER_RUN.name) + self.of(ABLATE_RUN.name):
            config = a.extra["cfg"].get("config", {})
            add(config.get("questions"), None, "questions", a.kind)
            add(config.get("mc"), None, "MC persona items", a.kind)
            add(config.get("neutral"), None, "neutral text", a.kind)
            direction_data = (a.extra["cfg"].get("direction") or {}).get("data") or {}
            add(direction_data.get("source"), direction_data.get("sha256"), "the direction's data", a.kind)
        for a in self.of(EVALUATION.name):
            add(a.data.get("questions"), None, "questions", a.kind)
        return [row[:3] + [", ".join(sorted(row[3]))] for row in seen.values()]

    def probes(self) -> Section | None:
        blocks = []
        for a in self.of(PROBE_REPORT.name):
            blocks.append(self.figure(figures.probe_figure(a.data), a, f"Probes on {_label(a.data.get('store', a.folder))}"))
            notes = [f"Best layer: {a.data.get('best_layer')}."] + [str(w) for w in a.data.get("warnings", [])]
            blocks.append(Block("text", text=" ".join(notes)))
        intro = ("Per layer, a logistic probe and a mean-difference probe separate the labelled rows. k-fold "
                 "holds out random rows; group-held-out holds out whole question groups, so a probe that only "
                 "learned the question cannot score well there.")
        return Section("probes", "Probes", intro, blocks)

    def directions(self) -> Section | None:
        blocks = []
        for a in self.of(DIRECTION_COSINE.name):
            ref = a.data.get("reference", "reference")
            if a.data.get("with_reference"):
                blocks.append(self.figure(figures.cosine_sources_figure(a.data["with_reference"], _label(ref)), a,
                                          f"Each source against {_label(ref)}, layer by layer"))
            for name, m in list(a.data.get("matrices", {}).items())[:4]:
                blocks.append(self.figure(figures.cosine_layers_figure(m["cosine"], m["rows"], m["columns"],
                                                                       _label(ref), _label(name)), a,
                                          f"Across layers: {_label(ref)} against {_label(name)}"))
        norms = {}
        for a in self.of(DIRECTION.name):
            if a.data.get("layer_norms") and a.data.get("layers"):
                norms[_label(a.folder)] = (a.data["layers"], a.data["layer_norms"])
        if norms:
            drawn = [a for a in self.of(DIRECTION.name) if a.data.get("layer_norms") and a.data.get("layers")]
            blocks.append(self.figure(figures.direction_norm_figure(norms), drawn, "Norm by layer"))
        blocks += self._latent_cosines()
        intro = ("Cosine similarity between candidate persona directions: across sources at the same layer "
                 "(mean difference, probe, other data), across layers, and against SAE latents' decoder rows. "
                 "The norm is that of each raw vector before normalising: for mean-difference directions, the "
                 "distance between the two means in residual-stream units; for a probe, its weight vector.")
        return Section("directions", "Directions", intro, blocks)

    def layer_choice(self) -> Section | None:
        scans = [a for a in self.of(LAYER_SCAN.name) if a.data.get("status") == "complete"]
        if not scans:
            return None
        drawn = {_label(a.path.with_suffix("")): a.data for a in scans}
        rows = [[_label(a.path.with_suffix("")), str(a.data["chosen_layer"]), str(a.data["n_items"]),
                 f"{a.data['as_is']['score']:.4f}",
                 next(f"{r['drop']:+.4f} [{r['drop_ci95'][0]:+.4f}, {r['drop_ci95'][1]:+.4f}]"
                      for r in a.data["per_layer"] if r["layer"] == a.data["chosen_layer"])] for a in scans]
        blocks = [self.figure(figures.layer_scan_figure(drawn), scans, "MC drop when each layer's vector is ablated"),
                  Block("table", title="The chosen layers", sources=[self.source(a) for a in scans],
                        headers=["direction", "chosen layer", "items", "MC score as it is", "drop at that layer [95% CI]"],
                        rows=rows)]
        intro = ("Each direction's layer is chosen on the train items only: the layer whose vector, ablated from the "
                 "model (direction layer-scan), lowers the MC persona score most. The claims below are measured on "
                 "the other items, so the layer was never chosen on them.")
        return Section("layer-choice", "Layer choice", intro, blocks)

    def _latent_cosines(self) -> list[Block]:
        from safetensors import safe_open

        blocks = []
        for diff in self.of(SAE_DIFF.name):
            sae_dir = Path(diff.data.get("sae", ""))
            weights = sae_dir / "sae_weights.safetensors"
            layer = diff.data.get("layer")
            directions = [d for d in self.of(DIRECTION.name) if layer in d.data.get("layers", [])]
            if not weights.exists() or not directions:
                continue
            latents = [item["latent"] for item in diff.data["latents"][: self.settings.latents]]
            try:
                with safe_open(str(weights), "numpy") as f:
                    decoder = f.get_tensor("W_dec")[latents].astype(np.float64)
            except (TypeError, KeyError, OSError):
                continue  # e.g. a bf16 SAE, which numpy cannot hold: skip the figure rather than load torch
            decoder /= np.linalg.norm(decoder, axis=1, keepdims=True) + 1e-12
            columns, names, drawn = [], [], [diff]
            for d in directions:
                path = d.folder / "direction.safetensors"
                if not path.exists():
                    continue
                with safe_open(str(path), "numpy") as f:
                    vector = f.get_tensor("vectors")[d.data["layers"].index(layer)].astype(np.float64)
                if vector.shape[0] != decoder.shape[1]:
                    continue
                columns.append(decoder @ (vector / (np.linalg.norm(vector) + 1e-12)))
                names.append(_label(d.folder))
                drawn.append(d)
            if columns:
                z = np.stack(columns, axis=1).round(4).tolist()
                blocks.append(self.figure(figures.latent_cosine_figure(z, latents, names, layer), drawn,
                                          f"SAE latents (top of the diff) against directions, layer {layer}"))
        return blocks

    def steering(self) -> Section | None:
        blocks = []
        for a in self.of(STEER_RUN.name):
            judged = {alpha: [row for _, row in read_jsonl(a.folder / "conditions" / name / "judged.jsonl", strict=False)]
                      for alpha, name in self._condition_names(a).items()}
            points = []
            for p in a.data.get("curve", []):
                direction = dict(p["direction"])
                direction["coherence_ci95"] = _coherence_ci(judged.get(p["alpha"], []))
                points.append({"alpha": p["alpha"], "direction": direction, "random": p.get("random", [])})
            if not points:
                continue
            layers = a.extra["cfg"].get("layers") or a.data.get("layers")
            blocks.append(self.figure(figures.steering_figure(points), a,
                                      f"Dose-response at {layers_text(layers)}, {a.data.get('positions', '')} positions"))
            blocks.append(self._side_effects_table(a))
            trend = {k: v for k, v in (a.data.get("trend") or {}).items() if v is not None}
            if trend:
                blocks.append(Block("text", text="Spearman correlation with alpha: " + ", ".join(
                    f"{k.replace('_spearman', '').replace('_', ' ')} {fmt(v, 2)}" for k, v in trend.items())))
            elif a.data.get("trend"):
                blocks.append(Block("text", text="Spearman correlation with alpha: not defined here (fewer than "
                                                 "three alphas, or every value the same)."))
            blocks.append(self._example_answers(a, judged))
        intro = ("Steering adds alpha times the residual norm along the unit direction. The shaded band is the "
                 "95% CI (EM: Wilson; MC: bootstrap; coherence: normal approximation over answers). Grey: "
                 "same-norm random directions at the same alphas, the control a real effect must beat.")
        return Section("steering", "Steering", intro, [b for b in blocks if b is not None])

    @staticmethod
    def _condition_names(a: Artifact) -> dict[float, str]:
        """alpha -> the folder of the direction's condition at that alpha, from side_effects.json's records."""
        names = {}
        for name, entry in a.extra.get("side_effects", {}).items():
            cond = entry.get("condition", {})
            if cond.get("kind") == "as-is":
                names[0.0] = name
            elif cond.get("kind") == "steered":
                names[float(cond.get("alpha"))] = name
        if (a.folder / "conditions" / "as-is").exists():
            names.setdefault(0.0, "as-is")
        return names

    def _side_effects_table(self, a: Artifact) -> Block | None:
        effects = a.extra.get("side_effects") or {}
        if not effects:
            return None
        rows = []
        for name, e in effects.items():
            rows.append([name, fmt(e.get("perplexity"), 2), fmt(e.get("reference_perplexity"), 2),
                         fmt(e.get("kl_mean"), 4), fmt(e.get("kl_max"), 3), e.get("n_tokens", "n/a")])
        return Block("table", title="Side effects on neutral text", sources=[self.source(a)],
                     collapsed=len(rows) > 10,
                     headers=["condition", "perplexity", "unsteered perplexity", "KL to unsteered, mean (nats/token)",
                              "KL max (nats)", "tokens"], rows=rows)

    def _example_answers(self, a: Artifact, judged: dict[float, list[dict]]) -> Block | None:
        """The same questions' answers at every alpha; ``judged``: alpha -> that condition's judged rows."""
        per_alpha = sorted(judged.items())
        if not per_alpha:
            return None
        reference = per_alpha[0][1]
        first_per_question: dict = {}
        for r in sorted(reference, key=lambda r: str(r.get("id"))):
            first_per_question.setdefault(r.get("question_id", r.get("id")), r.get("id"))
        chosen = list(first_per_question.values())[: self.settings.answers]
        rows = []
        for alpha, rows_at_alpha in per_alpha:
            by_id = {r.get("id"): r for r in rows_at_alpha}
            for rid in chosen:
                r = by_id.get(rid)
                if r:
                    rows.append([f"{alpha:+g}", r.get("question", ""), r.get("answer", ""), r.get("label", ""),
                                 fmt(r.get("aligned"), 0), fmt(r.get("coherent"), 0)])
        return Block("table", title="Example answers at each alpha (the same question and sample at every alpha)",
                     sources=[self.source(a)],
                     headers=["alpha", "question", "answer", "judge label", "aligned", "coherent"], rows=rows)

    def ablation(self) -> Section | None:
        blocks = []
        for a in self.of(ABLATE_RUN.name):
            conditions = a.data.get("conditions", {})
            if not conditions:
                continue
            layers = a.extra["cfg"].get("layers")
            title = (f"Ablation at {layers_text(layers)} (blue: as is, red: direction ablated, grey: same-norm random "
                     "directions ablated; bars: 95% CI)")
            blocks.append(self.figure(figures.ablation_figure(conditions), a, title))
            rows = [[name, with_ci(c.get("em_rate"), c.get("em_ci95")), with_ci(c.get("mc_score"), c.get("mc_ci95")),
                     fmt(c.get("mean_coherence"), 1), fmt(c.get("neutral_perplexity"), 2),
                     fmt(c.get("neutral_kl_mean"), 4), fmt(c.get("neutral_kl_max"), 3)]
                    for name, c in conditions.items()]
            blocks.append(Block("table", title="Conditions and side effects", sources=[self.source(a)],
                                headers=["condition", "EM rate [95% CI]", "MC score [95% CI]", "coherence",
                                         "neutral perplexity", "KL mean (nats/token)", "KL max (nats)"], rows=rows))
            claim = a.data.get("claim", {})
            mc, em = claim.get("mc", {}), claim.get("em", {})
            lines = []
            if mc:
                lines.append(f"MC drop from ablating: {with_ci(mc.get('drop'), mc.get('ci95'), 4)}; random ablations' "
                             f"mean drop {fmt(mc.get('random_drop_mean'), 4)}; beats every random: "
                             f"{'yes' if mc.get('beats_every_random') else 'no'}.")
            if em:
                lines.append(f"EM drop: {fmt(em.get('drop'))} (p = {fmt(em.get('p_value'), 4)}); random ablations' "
                             f"mean drop {fmt(em.get('random_drop_mean'))}.")
            lines += _fraction_lines(claim.get("mc_shift_removed"))
            if lines:
                blocks.append(Block("text", text=" ".join(lines)))
        for a in self.of(NARROW_SCAN.name):
            rows = [["/".join(Path(f["path"]).parts[-3:]), with_ci(f["rate"], f["ci95"]), f"{f['k']}/{f['n']}",
                     "" if "vs_first" not in f else f"{f['vs_first']['difference']:+.3f} (p = {f['vs_first']['p_value']:.3g})"]
                    for f in a.data.get("files", [])]
            blocks.append(Block("table", title=f"The narrow behaviour: the {a.data.get('dataset')} scanner on each set "
                                               "of answers", sources=[self.source(a)],
                                headers=["answers", "scanner rate [95% CI]", "answers flagged", "against the first"],
                                rows=rows))
        intro = ("The claim test: the model as it is, with the direction projected out of the residual stream, and "
                 "with same-norm random directions projected out. A persona direction should cut the EM rate and the "
                 "MC score more than every random control, at a modest cost on neutral text.")
        return Section("ablation", "Ablation", intro, blocks)

    def adapter(self) -> Section | None:
        views = [a for a in self.of(ADAPTER_VIEW.name) if a.data.get("modules")]
        if not views:
            return None
        blocks = []
        for a in views:
            direction = (a.data.get("direction") or {}).get("spec", "?")
            blocks.append(self.figure(figures.adapter_view_figure(a.data), a,
                                      f"Where {adapter_text(a.data.get('adapter'))} writes {_label(direction)}"))
        intro = ("Each LoRA layer's update projected on the direction: the share of a writer's update (o_proj, "
                 "down_proj) that lies along the direction, as a multiple of a random direction's share (1; d_model "
                 "would be all of it). Dotted: the largest share among seeded random unit vectors at that layer.")
        return Section("adapter-view", "Where the fine-tune writes the direction", intro, blocks)

    def training(self) -> Section | None:
        """Fine-tunes: their recipe and defences, and the monitor's curves where one watched them."""
        runs = self.of(FINETUNE.name)
        if not runs:
            return None
        rows, blocks = [], []
        for a in runs:
            data, loss, lora = a.data.get("data") or {}, a.data.get("loss") or {}, a.data.get("lora") or {}
            defences = ", ".join(sorted(a.data.get("defences") or {})) or "none"
            rows.append([{"link": "#" + self.use(a), "text": _label(a.folder)}, _label(data.get("path", "?")),
                         data.get("rows", "?"), f"{lora.get('rank', '?')} on {', '.join(lora.get('target_modules', []))}",
                         a.data.get("steps", "?"), f"{fmt(loss.get('first_10_mean'))} -> {fmt(loss.get('last_10_mean'))}",
                         defences, fmt(a.data.get("seconds"), 0)])
        blocks.append(Block("table", title="Fine-tunes", headers=["adapter", "data", "rows", "LoRA rank", "steps",
                                                                   "loss (first -> last 10 steps)", "defences",
                                                                   "seconds"], rows=rows))
        for a in runs:
            monitor = a.data.get("monitor")
            path = a.folder / (monitor or {}).get("file", "monitor.jsonl")
            if not monitor or not path.is_file():
                continue
            curve = [row for _, row in read_jsonl(path, "monitor log", strict=False)]
            if curve:
                blocks.append(self.figure(figures.monitor_figure(curve), a,
                                          f"{_label(a.folder)} watched along {_label(monitor.get('direction'))} at "
                                          f"layer {monitor.get('layer')}"))
        intro = ("Each fine-tune's recipe and in-training defences (finetune.json). Where finetune --monitor watched "
                 "one, its curves: the mean projection of fixed neutral passages on the direction and a short "
                 "out-of-domain MC persona score, each as a paired shift from step 0 (the base) with a bootstrap 95% "
                 "CI, and the train loss.")
        return Section("training", "Fine-tuning", intro, blocks)

    def sae(self) -> Section | None:
        blocks = []
        for a in self.of(SPARSE_AUTOENCODER.name):
            m = a.data.get("metrics", {})
            ce = m.get("ce") or {}
            config = a.data.get("config", {})
            rows = [["explained variance", fmt(m.get("explained_variance"))],
                    ["L0 (active latents per token)", fmt(m.get("l0"), 1)],
                    ["dead latents (never fired on the held-out rows)",
                     f"{m.get('dead_latents', 'n/a')} of {config.get('width', '?')}"
                     + (f"; {m['dead_latents_training']} in training's last window (SAELens's count)"
                        if m.get("dead_latents_training") is not None else "")],
                    ["CE clean / spliced (nats/token)", f"{fmt(ce.get('ce_clean'))} / {fmt(ce.get('ce_spliced'))}"],
                    ["CE increase (nats/token)", fmt(ce.get("ce_increase"))],
                    ["CE-loss score", fmt(ce.get("ce_loss_score"))]]
            blocks.append(Block("table", title=f"SAE {_label(a.folder)}: {config.get('arch', '?')}, width "
                                               f"{config.get('width', '?')}, k {config.get('k', '?')}, hook "
                                               f"{a.data.get('hook_name', '?')}", sources=[self.source(a)],
                                headers=["metric", "value"], rows=rows))
        for diff in self.of(SAE_DIFF.name):
            blocks.append(self._diff_summary(diff))
            cards, drawn = self._cards(diff)
            blocks.append(Block("cards", title=f"Top latents of {_label(diff.folder)}",
                                sources=[self.source(a) for a in drawn], cards=cards))
        intro = ("Model diffing with a sparse autoencoder: latents ranked by the paired rise of their mean activation "
                 "from the base store to the tuned store on the same conversations. Each card gives the rise with "
                 "its bootstrap 95% CI, the attribution to the persona score where measured, the latent's "
                 "activation histogram in both stores, and its top-activating contexts, each token coloured by the "
                 "latent's activation there (darker = stronger; the outlined token is the maximum).")
        return Section("sae", "SAE features", intro, blocks)

    def _diff_summary(self, diff: Artifact) -> Block:
        control = diff.data.get("control", {})
        null = control.get("paired_null") or {}
        top = diff.data["latents"][0] if diff.data.get("latents") else {}
        text = (f"{diff.data.get('n_rows')} rows, layer {diff.data.get('layer')}, base store "
                f"{diff.data.get('base_store')}, tuned store {diff.data.get('tuned_store')}. Top rise "
                f"{fmt(top.get('delta'), 4)} (latent {top.get('latent')}); random-halves control's largest rise "
                f"{fmt(control.get('max_delta'), 4)}")
        if null:
            text += (f"; paired sign-flip null ({null.get('n_permutations')} permutations): largest rise 95th "
                     f"percentile {fmt(null.get('max_delta_95th'), 4)}")
        return Block("text", text=text + ".")

    def _cards(self, diff: Artifact) -> tuple[list[dict], list[Artifact]]:
        """The latent cards of one diff, and every artifact they draw from."""
        attribution = self._attribution_for(diff.data.get("sae"))
        attributed = {item["latent"]: item for item in (attribution.data.get("latents", []) if attribution else [])}
        examples = [e for e in self.of(SAE_EXAMPLES.name) if same_path(e.data.get("sae"), diff.data.get("sae"))]
        if not examples and len(self.of(SAE_EXAMPLES.name)) == 1 and len(self.of(SAE_DIFF.name)) == 1:
            examples = self.of(SAE_EXAMPLES.name)
        base_name = _label(diff.data.get("base_store", "base"))
        tuned_name = _label(diff.data.get("tuned_store", "tuned"))
        cards = []
        for item in diff.data.get("latents", [])[: self.settings.latents]:
            latent = item["latent"]
            stats = [["diff rank", item.get("rank")],
                     ["rise in mean activation [95% CI]", with_ci(item.get("delta"), item.get("delta_ci95"), 4)],
                     ["effect size (mean / SD of paired rises)", fmt(item.get("effect_size"), 2)],
                     ["firing rate base → tuned", f"{fmt(item.get('firing_base'))} → {fmt(item.get('firing_tuned'))}"]]
            if latent in attributed:
                at = attributed[latent]
                stats.append(["attribution to the score [95% CI]", with_ci(at.get("mean_attribution"), at.get("ci95"), 4)])
                stats.append(["attribution rank", at.get("rank")])
            elif attribution:
                stats.append(["attribution", f"not in the top {len(attributed)} of {_label(attribution.folder)}"])
            histogram = ""
            if item.get("histogram"):
                histogram = _figure(figures.latent_histogram_figure(item["histogram"], latent, base_name, tuned_name),
                                    self._figures)
            contexts = []
            for ex in examples:
                for store, entry in ex.data.get("stores", {}).items():
                    found = entry.get("examples", {}).get(str(latent), [])[: self.settings.examples]
                    if not found:
                        continue
                    scale = max(max(c["activations"], default=0) for c in found) or 1.0
                    for c in found:
                        contexts.append({"store": _label(store), "row": c.get("id", c.get("row")),
                                         "activation": fmt(c.get("activation"), 2),
                                         "tokens": highlight(c["tokens"], c["activations"], scale,
                                                             focus=c.get("focus"))})
            cards.append({"latent": latent, "stats": stats, "histogram": histogram, "contexts": contexts})
        return cards, [diff, *examples, *([attribution] if attribution else [])]

    def _attribution_for(self, sae_path) -> Artifact | None:
        found = [a for a in self.of(SAE_ATTRIBUTION.name) if same_path(a.data.get("sae"), sae_path)]
        if found:
            return found[0]
        return self.of(SAE_ATTRIBUTION.name)[0] if len(self.of(SAE_ATTRIBUTION.name)) == 1 else None

    def attributions(self) -> Section | None:
        blocks = []
        for a in self.of(SAE_ATTRIBUTION.name):
            score = a.data.get("score", "score")
            rows = [[item["rank"], item["latent"], with_ci(item.get("mean_attribution"), item.get("ci95"), 4),
                     fmt(item.get("share_positive"), 2)] for item in a.data.get("latents", [])[:10]]
            blocks.append(Block("table", title=f"Latents ranked by mean attribution to {score} "
                                               f"({a.data.get('n_examples')} examples)", sources=[self.source(a)],
                                headers=["rank", "latent", "mean attribution [95% CI]", "share of examples positive"],
                                rows=rows))
            items = []
            for item in a.data.get("latents", [])[: self.settings.attributions]:
                for example in item.get("top_examples", [])[:2]:
                    convs = example.get("conversations", [])
                    scale = max((abs(v) for c in convs for v in c.get("attribution", [])), default=0) or 1.0
                    shown = []
                    for conv in convs:
                        start, end = conv.get("response") or [0, len(conv["tokens"])]
                        shown.append({
                            "id": conv.get("id"), "score": fmt(conv.get("score"), 3),
                            "total": fmt(conv.get("attribution_total"), 4),
                            "prompt": highlight(conv["tokens"][:start], conv["attribution"][:start], scale, signed=True),
                            "answer": highlight(conv["tokens"][start:end], conv["attribution"][start:end], scale,
                                                signed=True)})
                    items.append({"latent": item["latent"], "example": example.get("example"),
                                  "attribution": fmt(example.get("attribution"), 4), "conversations": shown})
            if items:
                blocks.append(Block("tokens", title=f"Per-token attribution of the top latents, {_label(a.folder)}",
                                    sources=[self.source(a)], items=items))
        intro = ("Attribution patching through the SAE: each latent's activation times the gradient of the score "
                 "(for MC items, the log-odds of the misaligned option). Red tokens push the score up, blue push it "
                 "down; each example's misaligned and aligned answers are shown together on one colour scale, so "
                 "you can see where the misaligned content lights up and where it does not.")
        return Section("attributions", "Attributions", intro, blocks)

    def conclusions(self) -> Section | None:
        """What an audit's (or the demo's) model pair does and does not show (only when its audit.json or
        demo.json is among the runs)."""
        from .findings import demo_artifacts, findings, side_by_side

        demos = self.of(DEMO.name) + self.of(AUDIT.name)
        if not demos:
            return None
        run = demo_artifacts(demos[0], [a for artifacts in self.by_kind.values() for a in artifacts])
        layer = int(demos[0].data.get("layer", -1))
        sources = [self.source(a) for a in run.all]
        blocks = [
            Block("table", title="Base, control and tuned model side by side", sources=sources,
                  headers=["role", "model", "MC persona score [95% CI]", "EM rate [95% CI]", "coherence (0-100)",
                           "answers", f"projection shift from base, layer {layer} [95% CI]"],
                  rows=side_by_side(run, layer)),
            Block("findings", title="In plain words", items=findings(run, layer)),
        ]
        intro = (f"Computed when this report was built, from the artifacts of the {demos[0].kind} run named in its "
                 f"{demos[0].path.name}; "
                 "a statement says 'shows' only when its 95% CI excludes zero (or p < 0.05).")
        return Section("conclusions", "What this model organism does and does not show", intro, blocks)

    def provenance_section(self) -> Section:
        rows = []
        for anchor, a in sorted(self.used.items(), key=lambda kv: str(kv[1].path)):
            s = source_of(a)
            rows.append([{"anchor": anchor, "text": s["path"]}, a.kind, s["sha256"], s["model"], s["version"],
                         s["created"], s["command"]])
        intro = (f"Every artifact drawn above, with the SHA-256 of the file as read. This report was built by "
                 f"persona_probe {__version__}.")
        return Section("provenance", "Provenance", intro,
                       [Block("table", headers=["artifact", "kind", "sha256 (first 16)", "model", "toolkit",
                                                "created", "command"], rows=rows)])


def _fraction_lines(removed: dict | None) -> list[str]:
    """The fraction of the shift over the reference that an ablation removes, as ablate --reference wrote it."""
    lines = []
    for name, scope in (("all items", (removed or {}).get("all_items")), ("out of domain", (removed or {}).get("out_of_domain"))):
        if not scope:
            continue
        if scope["fraction"] is None or scope["ci95"] is None:
            lines.append(f"Fraction of the MC shift over the base removed ({name}): not stated, the shift "
                         f"{with_ci(scope['shift'], scope['shift_ci95'], 4)} is not reliably positive.")
            continue
        randoms = ", ".join("n/a" if r is None else f"{r:+.2f}" for r in scope["random_fractions"])
        lines.append(f"Fraction of the MC shift over the base removed ({name}): {scope['fraction']:.2f} "
                     f"[{scope['ci95'][0]:.2f}, {scope['ci95'][1]:.2f}]; random directions {randoms or 'none'}; "
                     f"beats every random: {'yes' if scope['beats_every_random'] else 'no'}.")
    return lines


def render(sections: list[Section], settings: ReportSettings, run_dirs: list[str]) -> str:
    from importlib import resources

    import jinja2
    from plotly.offline import get_plotlyjs

    template_text = (resources.files("persona_probe") / "report" / "report.html.j2").read_text()
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(template_text)
    prov = provenance()
    return template.render(title=settings.title, sections=sections, plotly_js=get_plotlyjs(),
                           run_dirs=[str(d) for d in run_dirs], built=prov["created"], version=__version__,
                           command=redact(prov["command"]))


def build_report(run_dirs: list[str | Path], out: str | Path, settings: ReportSettings | None = None) -> dict:
    """Write one self-contained HTML file drawing every artifact under ``run_dirs``; return size and timing."""
    output_file(out)  # before the work: a folder given as --out fails now, not after the build
    settings = settings or ReportSettings()
    start = time.perf_counter()
    artifacts = find_artifacts(run_dirs)
    if not artifacts:
        raise PersonaProbeError(f"no persona-probe artifacts under {', '.join(map(str, run_dirs))}; pass the folders "
                                "that evaluate, probe, direction, steer, ablate or sae commands wrote")
    builder = ReportBuilder(artifacts, settings)
    sections = builder.sections()
    page = render(sections, settings, [str(d) for d in run_dirs])
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, page)
    return {"path": str(out), "bytes": len(page.encode("utf-8")), "seconds": time.perf_counter() - start,
            "sections": [s.id for s in sections], "artifacts": len(builder.used)}


