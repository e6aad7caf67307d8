"""End-to-end: the dashboard on a projector (issue 14). At 1280×720 the truth plot, the selection plot and the
summary table are in the first viewport with no summary cell clipped, at any width from 1024 to 1920; each
per-design panel follows its own design picker."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import JS_COLUMN, ONE_ARM, open_app, open_tab

pytestmark = pytest.mark.browser

# Where each part is on the page (its box, in viewport pixels), and whether a canvas in it has been drawn.
JS_BOX = """(sel) => { const e = document.querySelector(sel); if (!e) return null;
  const r = e.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
  width: r.width, height: r.height}; }"""

# Cells of a table that are not wholly visible: cut by the window or by any ancestor that clips its overflow, or
# with text wider than the cell.
JS_CLIPPED = """(sel) => {
  const cells = [...document.querySelectorAll(sel + ' th, ' + sel + ' td')];
  const out = [];
  for (const c of cells) {
    let r = c.getBoundingClientRect();
    let box = {left: 0, top: 0, right: window.innerWidth, bottom: Infinity};
    for (let a = c.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.overflowY !== 'visible') {
        const q = a.getBoundingClientRect();
        box = {left: Math.max(box.left, q.left), top: Math.max(box.top, q.top),
               right: Math.min(box.right, q.right), bottom: Math.min(box.bottom, q.bottom)};
      }
    }
    if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 ||
        r.bottom > box.bottom + 0.5 || c.scrollWidth > c.clientWidth + 1)
      out.push(c.textContent);
  }
  return [cells.length, out]; }"""

SUMMARY = ".p1x-summary table"


def tick(page, *methods: str) -> None:
    """Tick designs and wait until the selection plot shows them all."""
    for m in methods:
        page.locator(f".p1x-design-{m} input").check()
    n = 1 + len(methods)
    page.wait_for_function("([a, n]) => { const d = (" + JS_COLUMN + ")(a); return d && new Set(d).size === n; }",
                           arg=[["selection", "design"], n], timeout=60_000)
    expect(page.locator(SUMMARY + " tbody tr")).to_have_count(n, timeout=30_000)


def test_at_1280x720_plots_and_summary_are_in_the_first_viewport_and_no_cell_is_clipped(browser, voila_url, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        open_app(page, voila_url, preset=ONE_ARM)
        tick(page, "boin", "crm")
        page.evaluate("() => window.scrollTo(0, 0)")
        page.wait_for_timeout(500)
        page.screenshot(path=str(tmp_path / "dashboard-1280x720.png"))
        for part in (".p1x-plot-truth", ".p1x-plot-selection", SUMMARY):
            box = page.evaluate(JS_BOX, part)
            assert box is not None, part
            assert box["top"] >= 0 and box["left"] >= 0 and box["bottom"] <= 720 and box["right"] <= 1280, (part, box)
            assert box["width"] > 250 and box["height"] > 100, (part, box)
        for plot in (".p1x-plot-truth canvas", ".p1x-plot-selection canvas"):  # drawn, and as wide as their cell
            assert page.locator(plot).first.bounding_box()["width"] > 300
        count, clipped = page.evaluate(JS_CLIPPED, SUMMARY)
        assert count == 7 * 4 and clipped == []  # a header row and three designs, seven columns
        for width in (1024, 1366, 1600, 1920):
            page.set_viewport_size({"width": width, "height": 800})
            page.wait_for_timeout(400)
            count, clipped = page.evaluate(JS_CLIPPED, SUMMARY)
            assert count == 28 and clipped == [], (width, clipped)
            assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), width
    finally:
        context.close()


def test_picking_boin_in_the_decision_panel_shows_boins_table(page, voila_url, tmp_path):
    open_app(page, voila_url, preset=ONE_ARM)
    tick(page, "boin", "crm")
    open_tab(page, "Decision table")
    panel = page.locator(".p1x-decisions")
    expect(panel).to_contain_text("Decision table: 3+3")
    expect(panel).to_contain_text("0 of 3")  # the classic 3+3 table
    page.select_option(".p1x-pick-table select", label="BOIN")
    expect(panel).to_contain_text("Decision table: BOIN", timeout=20_000)
    expect(panel).to_contain_text("Escalate if # of DLT <=")
    page.screenshot(path=str(tmp_path / "boin-table.png"))
    page.select_option(".p1x-pick-table select", label="CRM")
    expect(panel).to_contain_text("No decision table", timeout=20_000)
    # the simulated trial follows its own picker
    open_tab(page, "Simulated trial")
    page.select_option(".p1x-pick-trial select", label="CRM")
    page.wait_for_function("() => { for (const doc of Bokeh.documents) for (const m of doc.all_models)"
                           " if (m.type === 'Title' && m.text.startsWith('One simulated CRM trial')) return true;"
                           " return false; }", timeout=20_000)
