"""End-to-end: the app's Pathways tab draws the tree in BokehJS and follows its cohorts picker; the Report tab shows
the Reproduce command and offers the report files once prepared (screenshots kept in SCREENSHOTS)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .helpers import ONE_ARM, column, open_app, open_tab

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("SCREENSHOTS", "/work/screenshots-report"))


def test_pathways_tree_and_report_tab(page, voila_url):
    open_app(page, voila_url, preset=ONE_ARM)
    open_tab(page, "Pathways")
    page.wait_for_function("() => { const v = (" + _COL + ")('pathways-nodes', 'text'); return v && v.length > 1; }",
                           timeout=60_000)
    texts = column(page, "pathways-nodes", "text")
    assert texts[:3] == ["start → 1", "NNN → 2", "NNT → 1"]  # 3+3 from the start, two cohorts by default
    page.locator(".p1x-pathways .widget-toggle-button, .p1x-pathways button", has_text="1 cohort").first.click()
    page.wait_for_function("() => (" + _COL + ")('pathways-nodes', 'text').length === 5", timeout=30_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".p1x-results").screenshot(path=str(SCREENSHOTS / "app-pathways-tab.png"))

    open_tab(page, "Report")
    expect(page.locator(".p1x-reproduce")).to_contain_text("phase1-explorer simulate")
    page.locator(".p1x-report-button").click()
    expect(page.locator(".p1x-report-links a")).to_have_count(2, timeout=120_000)
    page.locator(".p1x-results").screenshot(path=str(SCREENSHOTS / "app-report-tab.png"))


_COL = """(name, col) => { for (const doc of [...Bokeh.documents].reverse()) for (const m of doc.all_models)
  if (m.type === 'ColumnDataSource' && m.name === name) { const d = m.data;
    const v = d instanceof Map ? d.get(col) : d[col]; return v ? Array.from(v) : null; } return null; }"""
