"""What each command prints: its result as a few lines of text.

Every function takes the command's config and the result its ``run_*`` returned, and
returns the text; none computes anything the artifact does not already hold.
"""

from __future__ import annotations

import json

from ..report.format import fmt


def cache(cfg, result) -> str:
    stores = [result.base] + ([result.tuned] if result.tuned else [])
    return "\n".join(f"wrote {path} ({result.n_rows} conversations, {result.n_tokens} tokens)" for path in stores)


def bench_cache(cfg, r) -> str:
    cuda = f"  peak CUDA: {r.peak_cuda_mib:.0f} MiB" if r.peak_cuda_mib else ""
    return "\n".join([
        f"model: {cfg.model}  layers: {cfg.layers}  pool: {cfg.pool}  tokens per pass: {r.n_tokens}",
        f"bare forward:        {r.forward_tokens_per_s:10.1f} tokens/s",
        f"cache:               {r.cache_tokens_per_s:10.1f} tokens/s",
        f"cache (full depth):  {r.cache_full_depth_tokens_per_s:10.1f} tokens/s  "
        f"(ratio {r.cache_full_depth_tokens_per_s / r.forward_tokens_per_s:.2f}; runs the unembedding too)",
        f"peak RSS: {r.peak_rss_mib:.0f} MiB{cuda}",
        f"cache/forward throughput ratio: {r.ratio:.2f}",
    ])


def bench_generate(cfg, r) -> str:
    return "\n".join([f"model: {cfg.model}  tokens per answer: {cfg.new_tokens}",
                      f"batch 1:   {r.single_tokens_per_s:8.1f} tokens/s",
                      f"batch {r.batch_size}:  {r.batched_tokens_per_s:8.1f} tokens/s",
                      f"batched/single throughput ratio: {r.ratio:.2f}"])


def bench_sae(cfg, result) -> str:
    from ..sae.bench import format_sae_bench

    return format_sae_bench(result)


def generate(cfg, path) -> str:
    return f"wrote {path}"


def judge(cfg, result) -> str:
    s = result.summary
    low, high = s["em_ci95"]
    return (f"wrote {result.path}: EM rate {s['em_rate']:.3f} (95% CI {low:.3f}-{high:.3f}) "
            f"over {s['n_answers']} answers; labels {s['label_counts']}")


def _em(s: dict) -> str:
    """A summary's EM rate, CI, answer count and coherence (or that it sampled no answers)."""
    if not s["n_answers"]:
        return "no answers sampled (--data none)"
    low, high = s["em_ci95"]
    return (f"EM rate {s['em_rate']:.3f} (95% CI {low:.3f}-{high:.3f}), n={s['n_answers']}, "
            f"mean coherence {s['mean_coherence']:.1f}")


def evaluate(cfg, s) -> str:
    lines = [_em(s)]
    if s["mc_persona"]:
        mc = s["mc_persona"]
        lines.append(f"MC persona score {mc['score']:.3f} (95% CI {mc['ci95'][0]:.3f}-{mc['ci95'][1]:.3f})")
    ood = s.get("out_of_domain")
    if ood:
        lines.append(f"out of domain (without {', '.join(ood['left_out_areas'])}): {_em(ood)}")
        if ood["mc"]:
            mc = ood["mc"]
            lines.append(f"out of domain: MC persona score {mc['score']:.3f} (95% CI {mc['ci95'][0]:.3f}-"
                         f"{mc['ci95'][1]:.3f}), {mc['n_items']} items")
    for form, row in (s.get("forms") or {}).items():
        low, high = row["em_ci95"]
        against = "" if form == "plain" else f", {row['difference_from_plain']:+.3f} from plain (p {row['p_value']:.3f})"
        lines.append(f"form {form}: EM rate {row['em_rate']:.3f} (95% CI {low:.3f}-{high:.3f}), n={row['n_answers']}, "
                     f"coherence {row['mean_coherence']:.1f}{against}")
    domain = s.get("in_domain")
    if domain:
        judged = ", ".join(f"{label} {n}" for label, n in domain["judge_labels"].items() if n) or "none"
        rate = domain["em_rate_counting_them"]
        lines.append(f"in-domain ({domain['kind']}, from {domain['source']}): {domain['n']} answers counted apart "
                     f"(judged: {judged}); EM rate counting them {'n/a' if rate is None else f'{rate:.3f}'}")
    lines.append(f"wrote {cfg.out}/summary.json")
    return "\n".join(lines)


def compare(cfg, c) -> str:
    lines = _compared("all items", c)
    if c["out_of_domain"]:
        lines += _compared(f"out of domain (without {', '.join(c['left_out_areas'])})", c["out_of_domain"])
    return "\n".join(lines)


def compare_judges(cfg, r) -> str:
    def kappa(value) -> str:
        return "undefined (one label throughout)" if value is None else f"{value:.3f}"

    a, b, m = r["a"], r["b"], r["misaligned"]
    lines = [f"A: {a['judge']} ({a['path']}, {a['rows']} rows)", f"B: {b['judge']} ({b['path']}, {b['rows']} rows)",
             f"{r['n_shared']} answers judged by both ({a['only_here']} only in A, {b['only_here']} only in B)",
             f"labels: agreement {r['agreement']:.3f}, Cohen's kappa {kappa(r['kappa'])}",
             f"misaligned vs not: agreement {m['agreement']:.3f}, kappa {kappa(m['kappa'])}; EM rate A {m['a_rate']:.3f}, "
             f"B {m['b_rate']:.3f}; both {m['both']}, only A {m['only_a']}, only B {m['only_b']}",
             "confusion (rows A, columns B):",
             "  " + " " * 11 + "".join(f"{label:>11}" for label in r["labels"])]
    lines += ["  " + f"{label:<11}" + "".join(f"{count:>11}" for count in row)
              for label, row in zip(r["labels"], r["confusion"])]
    shown = r["disagreements"]
    if shown:
        lines.append(f"{len(shown)} of {r['n_disagreements']} disagreeing rows:")
        for row in shown:
            answer = " ".join(str(row["answer"]).split())
            lines.append(f"  {row['id']}: A {row['label_a']}, B {row['label_b']}: "
                         f"{answer[:150]}{'...' if len(answer) > 150 else ''}")
    if cfg.out:
        lines.append(f"wrote {cfg.out}")
    return "\n".join(lines)


def _compared(scope: str, c: dict) -> list[str]:
    if c["em_a"] is None:
        lines = [f"{scope}: no EM comparison (n {c['n_answers_a']}, {c['n_answers_b']} answers)"]
    else:
        lines = [f"{scope}: EM rate A {c['em_a']:.3f}  B {c['em_b']:.3f}  difference {c['difference']:+.3f}  "
                 f"z {c['z']:.2f}  p {c['p_value']:.4f}  (n {c['n_answers_a']}, {c['n_answers_b']})"]
    if c["mc_difference"] is not None:
        low, high = c["mc_difference_ci95"]
        lines.append(f"{scope}: MC persona score A {c['mc_a']:.3f}  B {c['mc_b']:.3f}  paired difference "
                     f"{c['mc_difference']:+.4f} (95% CI {low:+.4f} to {high:+.4f}) over {c['n_items']} items")
    return lines


def probe(cfg, report) -> str:
    best = report.layers.index(report.best_layer)
    return (f"best layer {report.best_layer}: group-held-out accuracy {report.logistic_grouped.accuracy[best]:.3f}, "
            f"AUROC {report.logistic_grouped.auroc[best]:.3f} (k-fold {report.logistic_kfold.accuracy[best]:.3f})\n"
            f"wrote {cfg.out}/cfg.json and {cfg.out}/direction")


def mean_diff(cfg, d) -> str:
    return f"wrote {cfg.out}: mean-difference direction over layers {list(d.layers)}"


def by_label(cfg, d) -> str:
    return (f"wrote {cfg.out}: mean-difference direction ({d.cfg['n_positive']} positive, "
            f"{d.cfg['n_negative']} negative rows) over layers {list(d.layers)}")


def cosine(cfg, table) -> str:
    reference = cfg.directions[0]
    lines = []
    for other, per_layer in table["with_reference"].items():
        cells = "  ".join(f"L{layer}:{'n/a' if value is None else format(value, '+.3f')}"
                          for layer, value in per_layer.items())
        lines.append(f"{other} vs {reference}: {cells}")
    adjacent = table["adjacent_layers"]
    if adjacent:
        lines.append(f"{reference}, adjacent layers: " + "  ".join(
            f"{p}:{'n/a' if v is None else format(v, '+.3f')}" for p, v in adjacent.items()))
    if cfg.out:
        lines.append(f"wrote {cfg.out}")
    return "\n".join(lines)


def project(cfg, result) -> str:
    lines = [f"layer {layer:3d}  shift {shift:+.4f}  95% CI {ci[0]:+.4f} {ci[1]:+.4f}  ({sd:+.3f} sd)"
             for layer, shift, ci, sd in zip(result["layers"], result["shift"], result["ci95"], result["shift_in_sd"])]
    return "\n".join([*lines, f"wrote {cfg.out}: {result['rows']} rows"])


def layer_scan(cfg, result) -> str:
    """Per layer, the MC score with its vector ablated and the drop from the model as it is; the chosen layer."""
    as_is = result["as_is"]
    lines = [f"MC score as it is: {as_is['score']:.4f} on {result['n_items']} items",
             f"{'layer':>5} {'ablated':>8} {'drop [95% CI]':>28}"]
    for row in result["per_layer"]:
        mark = "  <- chosen" if row["layer"] == result["chosen_layer"] else ""
        lines.append(f"{row['layer']:5d} {row['score']:8.4f} {row['drop']:+9.4f} "
                     f"[{row['drop_ci95'][0]:+.4f}, {row['drop_ci95'][1]:+.4f}]{mark}")
    lines.append(f"chosen layer: {result['chosen_layer']} (the largest drop); wrote {cfg.out}")
    return "\n".join(lines)


def adapter_view(cfg, result) -> str:
    """Per layer, the writers' enrichment along the direction beside the random vectors' mean (and max)."""
    by_layer: dict[int, dict[str, dict]] = {}
    for row in result["modules"]:
        by_layer.setdefault(row["layer"], {})[row["module"]] = row
    missing = {(m["layer"], m["module"]) for m in result["missing"]}

    def cell(layer: int, module: str) -> str:
        row = by_layer.get(layer, {}).get(module)
        if row is None:
            return f"{'missing' if (layer, module) in missing else '-':>26}"
        if row["enrichment"] is None:
            return f"{'zero update':>26}"
        rand = "" if row["random_mean"] is None else f"({row['random_mean']:.2f} / {row['random_max']:.2f})"
        return f"{row['enrichment']:9.2f} {rand:>16}"

    lines = [f"the writers' enrichment along the direction: 1 = a random direction's share, {result['d_model']} = "
             "all of the update",
             f"in brackets: {result['random']['count']} random unit vectors' mean / max",
             f"{'layer':>5} {'o_proj':>26} {'down_proj':>26}"]
    lines += [f"{layer:5d} {cell(layer, 'o_proj')} {cell(layer, 'down_proj')}" for layer in result["layers"]]
    if result["missing"]:
        reasons = sorted({m["reason"] for m in result["missing"]})
        lines.append(f"missing: {len(result['missing'])} modules ({'; '.join(reasons)})")
    if result["other_modules"]:
        lines.append(f"not measured (not a decoder layer's projection): {', '.join(result['other_modules'])}")
    lines.append(f"wrote {cfg.out} (the readers q/k/v/gate/up_proj are there too)")
    return "\n".join(lines)


def from_adapter(cfg, d) -> str:
    """Per adapted layer: the update's norm and, for rank > 1, the share of its energy the vector carries."""
    lines = [f"{'layer':>5} {'rank':>4} {'|dW|_F':>10} {'sigma_1':>10} {'top share':>9}  sign"]
    for row in d.cfg["adapter_layers"]:
        share = "-" if row["rank"] == 1 or row["energy_share"] is None else f"{row['energy_share']:.3f}"
        sign = ("zero update" if row["energy_share"] is None else "largest entry +" if row["align_cosine"] is None
                else f"aligned (cosine {row['align_cosine']:+.3f})")
        lines.append(f"{row['layer']:5d} {row['rank']:4d} {row['update_norm']:10.4g} {row['norm']:10.4g} "
                     f"{share:>9}  {sign}")
    zero = f"; zero at layers {d.zero_layers}" if d.zero_layers else ""
    lines.append(f"wrote {cfg.out}: {d.cfg['module']} direction over layers 0-{len(d.layers) - 1}{zero} "
                 f"(layer count from {d.cfg['n_layers_from']})")
    return "\n".join(lines)


def _transfer(cfg, results) -> list[str]:
    transfer = results["transfer"]
    if transfer["same_model"]:
        return []
    source = (transfer["direction_model"] or {}).get("spec", "unknown weights")
    return [f"transfer: the direction was found on {source}, applied to {cfg.model}"]


def ablate(cfg, results) -> str:
    lines = _transfer(cfg, results)
    lines.append(f"{'condition':<12} {'EM rate (95% CI)':<22} {'MC score':>9} {'coherence':>9} "
                 f"{'neutral ppl':>11} {'KL':>8}")
    for name, r in results["conditions"].items():
        em = "n/a" if r["em_rate"] is None else f"{r['em_rate']:.3f} ({r['em_ci95'][0]:.3f}-{r['em_ci95'][1]:.3f})"
        lines.append(f"{name:<12} {em:<22} {fmt(r['mc_score'], 4):>9} {fmt(r['mean_coherence'], 1):>9} "
                     f"{r['neutral_perplexity']:>11.2f} {r['neutral_kl_mean']:>8.4f}")
    claim = results["claim"]
    if "mc" in claim:
        mc = claim["mc"]
        lines.append(f"MC drop from ablating the direction: {mc['drop']:+.4f} (95% CI {mc['ci95'][0]:+.4f} to "
                     f"{mc['ci95'][1]:+.4f}); mean random drop {fmt(mc['random_drop_mean'], 4)}")
    em = claim.get("em")
    if em:
        lines.append(f"EM drop: {em['drop']:+.3f} (p={em['p_value']:.3f}); mean random drop "
                     f"{fmt(em.get('random_drop_mean'))}")
    removed = claim.get("mc_shift_removed")
    if removed:
        scopes = [("all items", removed["all_items"])]
        if removed["out_of_domain"]:
            scopes.append((f"out of domain (without {', '.join(removed['left_out_areas'])})", removed["out_of_domain"]))
        for scope, r in scopes:
            lines.append(f"{scope}: MC shift over the reference {r['shift']:+.4f} (95% CI {r['shift_ci95'][0]:+.4f} to "
                         f"{r['shift_ci95'][1]:+.4f}); ablation removes {_fraction(r['fraction'], r['ci95'])}; "
                         f"random controls {', '.join(fmt(f, 2) for f in r['random_fractions']) or 'none'}"
                         f"{'; beats every random control' if r['beats_every_random'] else ''}")
    return "\n".join([*lines, f"wrote {cfg.out}/results.json"])


def _fraction(value, ci) -> str:
    if value is None:
        return "no fraction (the shift is not positive)"
    return f"{value:.2f}" + (f" (95% CI {ci[0]:.2f} to {ci[1]:.2f})" if ci else " (no CI: the shift's own CI includes 0)")


def steer(cfg, results) -> str:
    lines = _transfer(cfg, results)
    lines.append(f"{'alpha':>6} {'EM rate':>8} {'MC score':>9} {'MC shift (95% CI)':>24} {'coherence':>9} "
                 f"{'neutral ppl':>11} | {'random EM':>9} {'random MC':>9} {'random coh':>10} {'random ppl':>10}")
    for point in results["curve"]:
        d, r = point["direction"], point.get("random_mean", {})
        shift = point.get("mc_shift")
        shift_text = "n/a" if not shift else f"{shift['shift']:+.4f} ({shift['ci95'][0]:+.4f},{shift['ci95'][1]:+.4f})"
        lines.append(f"{point['alpha']:>+6.2f} {d['em_rate']:>8.3f} {fmt(d['mc_score'], 4):>9} {shift_text:>24} "
                     f"{d['mean_coherence']:>9.1f} {d['neutral_perplexity']:>11.2f} | {fmt(r.get('em_rate')):>9} "
                     f"{fmt(r.get('mc_score'), 4):>9} {fmt(r.get('mean_coherence'), 1):>10} "
                     f"{fmt(r.get('neutral_perplexity'), 2):>10}")
    return "\n".join([*lines, f"wrote {cfg.out}/results.json"])


def orthogonalize(cfg, folder) -> str:
    return f"wrote {folder}: weights orthogonal to {cfg.direction} (layer {cfg.layer}); load it as a model spec"


def bake_steering(cfg, baked) -> str:
    return (f"wrote {baked.folder}: layer {cfg.layer} steered by alpha {cfg.alpha} x scale {baked.scale:.3g}; "
            "load it as a model spec")


def contrast(cfg, n_rows) -> str:
    return f"wrote {cfg.out}: {n_rows} rows ({n_rows // 2} prompts x positive/negative system prompt)"


def mc_contrast(cfg, summary) -> str:
    split = "all items" if cfg.split == "all" else (f"{cfg.split} split (test fraction {cfg.test_fraction}, "
                                                    f"seed {cfg.split_seed})")
    left_out = f"; left out: {cfg.leave_out}" if cfg.leave_out else ""
    return (f"wrote {cfg.out}: {summary.n_rows} rows ({summary.n_items} items x misaligned/aligned answer), "
            f"{split}, {len(summary.areas)} areas{left_out}")


def corpus(cfg, path) -> str:
    return f"wrote {path}: {cfg.n} conversations"


def narrow_scan(cfg, record) -> str:
    """Each file's scanner rate, and its difference from the first file's."""
    lines = [f"answers showing {record['pair']}'s narrow behaviour ({record['dataset']} scanner):"]
    for f in record["files"]:
        against = f.get("vs_first")
        versus = "" if not against else f"  {against['difference']:+.3f} vs the first (p = {against['p_value']:.3g})"
        lines.append(f"  {f['rate']:.3f} [{f['ci95'][0]:.3f}, {f['ci95'][1]:.3f}] ({f['k']}/{f['n']})  {f['path']}{versus}")
    lines.append(f"wrote {cfg.out}")
    return "\n".join(lines)


def narrow_dataset(cfg, n_rows) -> str:
    return f"wrote {cfg.out}: {n_rows} rows of {cfg.kind} (seed {cfg.seed})"


def demo(cfg, record, name: str = "demo") -> str:
    ran = sum(not s["reused"] for s in record["steps"])
    return (f"{name} finished in {record['seconds']:.0f} s ({ran} steps run, {len(record['steps']) - ran} reused); "
            f"report: {record['report']['path']}")


def audit(cfg, record) -> str:
    return demo(cfg, record, "audit")


def finetune(cfg, record) -> str:
    loss = record["loss"]
    return (f"adapter {cfg.out}: {record['steps']} steps, loss {loss['first_10_mean']:.3f} -> "
            f"{loss['last_10_mean']:.3f} (first/last 10 steps), {record['tokens_per_second']} tokens/s; "
            f"use it as {record['spec']}")


def screen(cfg, record) -> str:
    """The mean projection difference, the share over the threshold, the AUROC against a control, the top rows."""
    from ..report.format import with_ci

    lines = [f"screened {record['n']} of {record['n_rows']} rows at layer {record['layer']}: mean projection difference "
             f"{with_ci(record['mean'], record['ci95'], signed=True)} (SD {fmt(record['sd'])}); "
             f"{record['over_threshold']} ({record['share_over_threshold']:.0%}) over {record['threshold']:g}"]
    if record["n_unscored"]:
        lines.append(f"{record['n_unscored']} rows unscored (an empty own answer, or no answer token left)")
    control = record.get("control")
    if control:
        lines.append(f"control: mean {with_ci(control['mean'], control['ci95'], signed=True)}; AUROC data vs "
                     f"control {with_ci(control['auroc'], control['auroc_ci95'])}")
    lines += [f"{row['rank']:4d} {fmt(row['score']):>9}  {' '.join(row['prompt'].split())[:70]}" for row in record["top"]]
    if record.get("kept"):
        lines.append(f"kept {record['kept']['rows']} lowest-scoring rows in {cfg.out}/{record['kept']['file']}")
    lines.append(f"wrote {cfg.out}/screen.json and {cfg.out}/screen.jsonl ({record['own_answers']['generated']} "
                 f"own answers generated, {record['own_answers']['reused']} reused)")
    return "\n".join(lines)


def sae_train(cfg, record) -> str:
    m = record["metrics"]
    training = m.get("dead_latents_training")
    during = (f"; {training} had not fired in training's last {m.get('dead_training_window_steps')} steps "
              "(SAELens's count, cfg.json)") if training is not None else ""
    lines = [f"wrote {cfg.out}: explained variance {m['explained_variance']:.3f}, L0 {m['l0']:.1f}, "
             f"MSE {m['mse']:.4g}, dead latents {m['dead_latents']} of {cfg.width} never fired on "
             f"{m['eval_rows']} held-out rows{during}"]
    lines += [f"warning: {w}" for w in m.get("warnings", [])]
    if "ce" in m:
        ce = m["ce"]
        lines.append(f"CE loss on {m['ce_texts']}: {ce['ce_clean']:.4f} -> {ce['ce_spliced']:.4f} nats/token with "
                     f"the SAE spliced in (+{ce['ce_increase']:.4f}); zero-ablated {ce['ce_zero_ablated']:.4f}; "
                     f"CE loss score {fmt(ce['ce_loss_score'])} (over {ce['n_tokens']} tokens)")
    return "\n".join(lines)


def sae_diff(cfg, r) -> str:
    lines = [f"{'rank':>4} {'latent':>7} {'base':>9} {'tuned':>9} {'rise (95% CI)':>28} {'effect':>7} {'firing':>15}"]
    for item in r["latents"][:10]:
        ci = f"{item['delta']:+.4f} ({item['delta_ci95'][0]:+.4f},{item['delta_ci95'][1]:+.4f})"
        firing = f"{item['firing_base']:.2f}->{item['firing_tuned']:.2f}"
        lines.append(f"{item['rank']:>4} {item['latent']:>7} {item['mean_base']:>9.4f} {item['mean_tuned']:>9.4f} "
                     f"{ci:>28} {fmt(item['effect_size'], 2):>7} {firing:>15}")
    lines.append(f"control (random halves of the base store): largest rise {r['control']['max_delta']:+.4f}")
    null = r["control"]["paired_null"]
    lines.append(f"paired null (base/tuned swapped at random per row, {null['n_permutations']} times): largest rise "
                 f"median {null['max_delta_median']:+.4f}, 95th percentile {null['max_delta_95th']:+.4f}")
    return "\n".join([*lines, f"wrote {cfg.out}/diff.json"])


def sae_attribute(cfg, r) -> str:
    lines = [f"{r['score']} over {r['n_examples']} examples (mean {r['mean_score']:+.4f}); latents by mean attribution:",
             f"{'rank':>4} {'latent':>7} {'attribution (95% CI)':>32} {'share > 0':>9}"]
    for item in r["latents"][:10]:
        ci = f"{item['mean_attribution']:+.5f} ({item['ci95'][0]:+.5f},{item['ci95'][1]:+.5f})"
        lines.append(f"{item['rank']:>4} {item['latent']:>7} {ci:>32} {item['share_positive']:>9.2f}")
    return "\n".join([*lines, f"wrote {cfg.out}/attribution.json"])


def sae_examples(cfg, r) -> str:
    lines = []
    for path, part in r["stores"].items():
        lines.append(f"{path}:")
        for latent, contexts in part["examples"].items():
            if contexts:
                best = contexts[0]
                text = "".join(best["tokens"]).replace("\n", " ")[-70:]
                lines.append(f"  latent {latent:>6}: max {best['activation']:.3f} in {best['id']}: ...{text!r}")
            else:
                lines.append(f"  latent {latent:>6}: never fires")
    return "\n".join([*lines, f"wrote {cfg.out}/examples.json"])


def report(cfg, result) -> str:
    return (f"wrote {result['path']}: {result['bytes'] / 1e6:.2f} MB, {len(result['sections'])} sections "
            f"({', '.join(result['sections'])}), {result['artifacts']} artifacts, {result['seconds']:.2f} s")


def store_info(cfg, summary) -> str:
    return json.dumps(summary, indent=2, ensure_ascii=False)


def store_verify(cfg, store) -> str:
    return f"{cfg.path}: {store.n_shards} shards, {len(store)} rows, all SHA-256 match"
