"""Open a report in headless Chromium and check it: no console errors, every figure drawn, tokens highlighted.

Uses Debian's ``chromium`` and ``chromium-driver`` through selenium (the ``test`` extra), with
no network: background networking, component updates and sync are off, so an offline
machine logs no failed lookups. Used by the browser test and by the screenshot script.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                  "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-default-apps", "--disable-extensions", "--hide-scrollbars")


def find_chromium() -> tuple[str, str] | None:
    """Paths of chromium and chromedriver, or None when either (or selenium) is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return None
    return (chromium, driver) if chromium and driver else None


@dataclass
class BrowserCheck:
    console_errors: list[str]
    figures: int
    figures_drawn: int
    """Figures whose plot element holds plotly's SVG."""
    tokens: int
    tokens_coloured: int
    sections: list[str]
    injected: bool
    """Whether a planted script ran (it sets ``window.__persona_probe_xss``)."""
    screenshots: list[Path] = field(default_factory=list)


_CHECK_JS = """
const figs = Array.from(document.querySelectorAll('div.plotly-graph-div'));
const drawn = figs.filter(f => f.querySelector('svg.main-svg') && f.querySelector('svg.main-svg').childElementCount > 0);
const toks = Array.from(document.querySelectorAll('span.tok'));
const coloured = toks.filter(t => (t.getAttribute('style') || '').includes('background-color'));
return {figures: figs.length, drawn: drawn.length, tokens: toks.length, coloured: coloured.length,
        sections: Array.from(document.querySelectorAll('main > section')).map(s => s.id),
        injected: window.__persona_probe_xss !== undefined, loaded: document.readyState === 'complete'};
"""


def check_report(path: str | Path, screenshot: str | Path | None = None, crops: dict[str, str] | None = None,
                 width: int = 1400, timeout: float = 30.0) -> BrowserCheck:
    """Load ``path`` in headless Chromium, wait for plotly to draw, and report what rendered.

    ``screenshot``: a PNG of the whole page. ``crops``: file stem -> CSS selector; each first
    matching element is saved as ``<stem>.png`` beside the screenshot.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    found = find_chromium()
    if found is None:
        raise RuntimeError("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver) "
                           "and selenium (pip install selenium)")
    chromium, driver_path = found
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="persona-probe-chromium-")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.get(Path(path).resolve().as_uri())
        deadline = time.monotonic() + timeout
        while True:
            state = driver.execute_script(_CHECK_JS)
            # A busy machine can hand back the page before it is parsed: 0 of 0 figures is not "all drawn".
            done = state["loaded"] and state["sections"] and state["drawn"] == state["figures"]
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        errors = [entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
        shots = []
        if screenshot:
            screenshot = Path(screenshot)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(width, min(int(height) + 40, 30000))
            time.sleep(0.5)  # plotly's responsive figures redraw on resize
            driver.save_screenshot(str(screenshot))
            shots.append(screenshot)
            from selenium.webdriver.common.by import By

            for stem, selector in (crops or {}).items():
                elements = driver.find_elements(By.CSS_SELECTOR, selector)
                if elements:
                    shot = screenshot.with_name(f"{stem}.png")
                    elements[0].screenshot(str(shot))
                    shots.append(shot)
        return BrowserCheck(errors, state["figures"], state["drawn"], state["tokens"], state["coloured"],
                            state["sections"], state["injected"], shots)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
