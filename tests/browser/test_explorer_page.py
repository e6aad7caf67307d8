"""End-to-end: the explorer served by Voila, driven in headless Chromium (Playwright): one arm (two arms:
test_two_arm_page.py)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .helpers import DESIGN, ONE_ARM, SELECTION, TRUTH, column, open_app, open_section, open_tab

pytestmark = pytest.mark.browser


def test_truth_change_updates_selection_plot(page, voila_url, tmp_path):
    open_app(page, voila_url, preset=ONE_ARM)
    page.screenshot(path=str(tmp_path / "before.png"))
    before = column(page, *SELECTION)
    assert len(before) == 5 and abs(sum(before) - 1) < 1e-9
    box = page.locator(".p1x-truth-1 input")
    box.fill("0.3")
    box.press("Enter")
    page.wait_for_function("([a, old]) => JSON.stringify((" + _js() + ")(a)) !== JSON.stringify(old)",
                           arg=[list(SELECTION), before], polling="raf", timeout=20_000)
    assert column(page, *TRUTH)[1] == pytest.approx(0.3)
    assert column(page, *SELECTION) != before
    page.screenshot(path=str(tmp_path / "after.png"))


def test_bad_truth_shows_message_and_keeps_plot(page, voila_url, tmp_path):
    open_app(page, voila_url, preset=ONE_ARM)
    before = column(page, *SELECTION)
    box = page.locator(".p1x-truth-2 input")
    box.fill("1.3")
    box.press("Enter")
    expect(page.locator(".p1x-truth-message")).to_contain_text("outside [0, 1]", timeout=20_000)
    expect(page.locator(".p1x-status")).to_contain_text("last valid results")
    assert column(page, *SELECTION) == before
    page.screenshot(path=str(tmp_path / "bad-truth.png"))


def test_bad_upload_shows_validator_message(page, voila_url, tmp_path):
    open_app(page, voila_url, preset=ONE_ARM)
    bad = json.dumps({"target": 0.25, "truth": [0.1, 1.4], "design": {"method": "3+3"}})
    with page.expect_file_chooser() as chooser:
        page.locator(".p1x-upload").click()
    chooser.value.set_files(files=[{"name": "bad.json", "mimeType": "application/json", "buffer": bad.encode()}])
    expect(page.locator(".p1x-upload-message")).to_contain_text("truth[1]", timeout=20_000)
    expect(page.locator(".p1x-upload-message")).to_contain_text("outside [0, 1]")
    page.screenshot(path=str(tmp_path / "bad-upload.png"))


def test_switch_design(page, voila_url, tmp_path):
    open_app(page, voila_url, preset=ONE_ARM)
    assert set(column(page, *DESIGN)) == {"3+3"}
    page.locator(".p1x-design-crm input").check()
    page.wait_for_function("(a) => new Set((" + _js() + ")(a)).size === 2", arg=list(DESIGN), timeout=30_000)
    page.locator(".p1x-design-3-3 input").uncheck()
    page.wait_for_function("(a) => { const d = (" + _js() + ")(a); return d && d.every(x => x === 'CRM'); }",
                           arg=list(DESIGN), timeout=30_000)
    page.screenshot(path=str(tmp_path / "crm.png"))
    # what CRM does next after a trial so far, and a typo pointed at
    open_tab(page, "What next")
    box = page.locator(".p1x-history input")
    box.fill("1NNN 2TTN")
    box.press("Enter")
    expect(page.locator(".p1x-next")).to_contain_text("After 1NNN 2TTN: treat 3 at dose 1", timeout=20_000)
    expect(page.locator(".p1x-next")).to_contain_text("1TTT")
    box.fill("1NNN 2TXN")
    box.press("Enter")
    expect(page.locator(".p1x-next")).to_contain_text("found 'X' (character 8)", timeout=20_000)
    expect(page.locator(".p1x-next")).not_to_contain_text("After 1NNN 2TTN")  # no answer to another question
    page.locator(".p1x-next").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "crm-next.png"))


def test_click_on_truth_plot_moves_nearest_dose(page, voila_url, tmp_path):
    open_app(page, voila_url, preset=ONE_ARM)
    before = column(page, *TRUTH)
    canvas = page.locator("canvas").first
    box = canvas.bounding_box()
    # The plot frame spans most of the canvas; click right of centre, high up: dose 3 or 4 gets a high value.
    page.mouse.click(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.2)
    page.wait_for_function("([a, old]) => JSON.stringify((" + _js() + ")(a)) !== JSON.stringify(old)",
                           arg=[list(TRUTH), before], polling="raf", timeout=20_000)
    after = column(page, *TRUTH)
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert len(changed) == 1 and after[changed[0]] > 0.5


def test_dark_theme_renders(page, voila_url, tmp_path):
    open_app(page, voila_url, theme="dark", preset=ONE_ARM)
    assert len(column(page, *SELECTION)) == 5
    bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert bg != "rgb(255, 255, 255)"
    page.screenshot(path=str(tmp_path / "dark.png"))


def _js() -> str:
    from .helpers import JS_COLUMN

    return JS_COLUMN


def test_monte_carlo_refines_in_the_background(page, voila_url, tmp_path):
    open_app(page, voila_url, preset=ONE_ARM)
    open_section(page, "p1x-section-settings")
    page.locator(".p1x-trials input").fill("60000")
    page.locator(".p1x-trials input").press("Enter")
    page.select_option(".p1x-method select", label="Monte Carlo")
    expect(page.locator(".p1x-status")).to_contain_text("refining", timeout=20_000)
    page.screenshot(path=str(tmp_path / "refining.png"))
    # A change while refining is taken at once: the new truth is drawn and refined from the start.
    box = page.locator(".p1x-truth-0 input")
    box.fill("0.02")
    box.press("Enter")
    page.wait_for_function("(a) => (" + _js() + ")(a)[0] === 0.02", arg=list(TRUTH), polling="raf",
                           timeout=20_000)
    expect(page.locator(".p1x-status")).to_contain_text("60,000 of 60,000 trials", timeout=120_000)
    lower = column(page, "selection", "lower")
    value = column(page, *SELECTION)
    assert any(lo < v for lo, v in zip(lower, value))  # Monte Carlo whiskers


# Where BokehJS draws a data point of the truth plot, in page pixels (bokeh 3.8: views nest in child_views).
JS_TRUTH_POINT = """([x, y]) => {
  const views = [];
  const walk = (v) => { views.push(v); for (const c of (v.child_views ?? [])) walk(c); };
  for (const v of Object.values(Bokeh.index)) walk(v);
  const pv = views.find(v => v.model.type === 'Figure' && v.model.title.text.startsWith('True DLT'));
  const r = pv.el.getBoundingClientRect();
  return [r.left + pv.frame.x_scale.compute(x), r.top + pv.frame.y_scale.compute(y)];
}"""


def test_drag_point_on_truth_plot(page, voila_url, tmp_path):
    open_app(page, voila_url, preset=ONE_ARM)
    x0, y0 = page.evaluate(JS_TRUTH_POINT, [4, 0.45])
    _, y1 = page.evaluate(JS_TRUTH_POINT, [4, 0.2])
    page.mouse.move(x0, y0)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x0, y0 + (y1 - y0) * k / 10)
    page.mouse.up()
    page.wait_for_function("(a) => Math.abs((" + _js() + ")(a)[3] - 0.2) < 0.02", arg=list(TRUTH), timeout=20_000)
    after = column(page, *TRUTH)
    assert after[:3] == [0.05, 0.12, 0.25]
    assert column(page, "truth", "x") == [1, 2, 3, 4]  # snapped back to its dose
    # the box holds the value rounded to 3 decimals; the plot may keep the dragged point's last float
    expect(page.locator(".p1x-truth-3 input")).to_have_value(str(round(after[3], 3)))
    page.screenshot(path=str(tmp_path / "dragged.png"))
