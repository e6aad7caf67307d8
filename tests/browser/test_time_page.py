"""End-to-end: the trial's clock on the page (issue 15). Changing the DLT window in the Time section changes the
duration plot's data in BokehJS, and the timeline tab draws one bar per patient."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import JS_COLUMN, column, open_app, open_section, open_tab

pytestmark = pytest.mark.browser

CLOCK = "car4sar-clock"
DURATION = ("duration", "xs")  # each design's duration distribution: bin edges, joined by "|"


MEDIANS = ("duration-quantiles", "x")  # each design's median duration, then its 90th percentile


def test_changing_the_dlt_window_changes_the_duration_plot(page, voila_url, tmp_path):
    open_app(page, voila_url, preset=CLOCK)
    # the timeline is the first tab, the one on the page at load (a tab's plots come onto it when it is opened)
    page.wait_for_function("(a) => (" + JS_COLUMN + ")(a) !== null", arg=["timeline", "start"], timeout=60_000)
    open_section(page, "p1x-section-time")
    box = page.locator(".p1x-time-dlt-window input")
    expect(box).to_have_value("4")
    open_tab(page, "Trial timeline")
    starts = column(page, "timeline", "start")
    assert starts and len(starts) >= 6 and column(page, "timeline", "colour") == ["#1f77b4"] * len(starts)
    page.screenshot(path=str(tmp_path / "timeline.png"))
    assert column(page, *DURATION) is None  # not drawn until its tab is opened
    open_tab(page, "Duration")
    page.wait_for_function("(a) => (" + JS_COLUMN + ")(a) !== null", arg=list(DURATION), timeout=30_000)
    before, medians = column(page, *DURATION), column(page, *MEDIANS)
    assert len(before) == 4  # 3+3, rolling six, BOIN, TITE-BOIN
    box.fill("12")
    box.press("Enter")
    page.wait_for_function("([a, b]) => { const d = (" + JS_COLUMN + ")(a); return d && d.join() !== b.join(); }",
                           arg=[list(DURATION), before], timeout=60_000)
    # 3+3 waits for every window: a window three times as long makes its trials longer (the first answer's median
    # or the refined one, whichever the page shows). The durations above may also have changed by the refinement
    # of the 4-week answer still arriving, so wait for the 12-week median itself.
    page.wait_for_function("([a, m]) => { const d = (" + JS_COLUMN + ")(a); return d && d[0] > m; }",
                           arg=[list(MEDIANS), medians[0] + 10], timeout=60_000)
    assert column(page, *MEDIANS)[0] > medians[0] + 10
    expect(page.locator(".p1x-time-table")).to_contain_text("Median duration (weeks)")
    page.screenshot(path=str(tmp_path / "duration.png"))
