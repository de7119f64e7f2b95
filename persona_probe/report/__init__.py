"""HTML reports: ``persona-probe report RUN_DIR... --out report.html``.

- ``artifacts``: find the JSON artifacts under run folders and classify them by kind;
- ``figures``: one plotly figure per function, each returning ``go.Figure``;
- ``tokens``: per-token highlighting data (values to colours), drawn escaped by the template;
- ``settings``: the options (``ReportSettings``), which are the CLI's;
- ``browser``: open a report in headless Chromium, check it and take screenshots;
- ``build``: the sections, the template ``report.html.j2``, one self-contained file.
"""

from .settings import ReportConfig, ReportSettings


def build_report(run_dirs, out, settings: ReportSettings | None = None) -> dict:
    """Write one self-contained HTML report of the artifacts under ``run_dirs`` (see ``build.build_report``)."""
    from .build import build_report as build

    return build(run_dirs, out, settings)


def run_report(cfg: ReportConfig, progress: bool = True) -> dict:
    """``persona-probe report``: the report of ``cfg.run_dirs`` at ``cfg.out``."""
    from .build import build_report as build

    return build(list(cfg.run_dirs), cfg.out, cfg)


__all__ = ["ReportConfig", "ReportSettings", "build_report", "run_report"]
