"""Build the report over the embedded-model runs and save the screenshots docs/report.md shows.

    python analyses/report_screenshots.py runs/persona_direction runs/sae --out runs/report

Writes runs/report/report.html, a full-page screenshot beside it, and crops of chosen blocks
into docs/images/ (the ones a person checked by eye). Needs chromium, chromium-driver and
selenium, like the browser test. The run folders come from analyses/persona_direction_smollm2.py
and analyses/sae_smollm2.py.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from persona_probe.report import ReportSettings, build_report
from persona_probe.report.browser import check_report

# File stem -> CSS selector of the block it shows (block ids are <section>-<n>, in page order).
CROPS = {
    "report-header": "header",
    "report-summary-results": "#summary-3",
    "report-probes": "#probes-1",
    "report-directions-sources": "#directions-1",
    "report-steering": "#steering-5",
    "report-ablation": "#ablation-7",
    "report-sae-card": "#latent-1219",
    "report-attributions": "#attributions-2",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dirs", nargs="+")
    parser.add_argument("--out", default="runs/report", help="folder for the report and its full-page screenshot")
    parser.add_argument("--images", default="docs/images", help="folder for the cropped screenshots")
    args = parser.parse_args()
    out = Path(args.out)
    result = build_report(args.run_dirs, out / "report.html", ReportSettings(title="persona_probe: SmolLM2-135M runs"))
    print(f"report: {result['bytes'] / 1e6:.2f} MB, built in {result['seconds']:.2f} s, sections {result['sections']}")
    check = check_report(out / "report.html", screenshot=out / "report.png")
    print(f"browser: {check.figures_drawn}/{check.figures} figures drawn, {check.tokens_coloured}/{check.tokens} tokens "
          f"coloured, console errors {check.console_errors}")
    images = Path(args.images)
    images.mkdir(parents=True, exist_ok=True)
    crops = check_report(out / "report.html", screenshot=images / "unused.png", crops=CROPS)
    (images / "unused.png").unlink()
    for shot in crops.screenshots[1:]:
        print(f"wrote {shot}")


if __name__ == "__main__":
    main()
