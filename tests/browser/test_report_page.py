"""End-to-end: the HTML report of the CAR4SAR examples opens in headless Chromium with nothing fetched, no failed
request and every figure drawn; a screenshot of each is kept (SCREENSHOTS, default /work/screenshots-report)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer import cli

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", "/work/screenshots-report"))


@pytest.mark.parametrize("name", ["car4sar-arm-a", "car4sar-two-arm"])
def test_the_report_opens_offline_with_every_figure(page, tmp_path, name):
    path = tmp_path / f"{name}.html"
    assert cli.main(["report", str(ROOT / "examples" / f"{name}.json"), "--out", str(path)]) == 0
    requests: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: failed.append(r.url[:80]))

    def refuse(route):  # nothing but the file itself may load
        requests.append(route.request.url)
        route.abort() if not route.request.url.startswith(("file:", "data:")) else route.continue_()

    page.route("**/*", refuse)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    images = page.evaluate("() => [...document.images].map(i => [i.complete, i.naturalWidth])")
    assert len(images) >= 3 and all(done and width > 0 for done, width in images)
    assert errors == [] and failed == [] and all(u.startswith(("file:", "data:")) for u in requests)
    keys = page.evaluate("() => [...document.querySelectorAll('table')].map(t => t.dataset.key)")
    assert ("oc" in keys) if name == "car4sar-arm-a" else ({"oc-arm-1", "oc-arm-2", "joint"} <= set(keys))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"report-{name}.png"), full_page=True)
    page.locator('figure[data-key="selection"]').screenshot(path=str(SCREENSHOTS / f"report-{name}-selection.png"))
