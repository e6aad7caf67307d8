"""End-to-end: two arms (the CAR4SAR-like preset the page opens on) in Voila and headless Chromium."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from explorer.api import simulate as run_protocol
from explorer.core.protocol_file import load_protocol
from explorer.core.validation import protocol_from_dict

from .helpers import JS_COLUMN, ONE_ARM, SELECTION, SELECTION_B, TRUTH, TRUTH_B, column, open_app

pytestmark = pytest.mark.browser
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "car4sar-two-arm.json"


def wait_for_change(page, key: tuple[str, str], before: list | None, timeout: float = 20_000) -> list:
    """Wait until a plot's column differs from `before` in the page; return it."""
    page.wait_for_function("([a, old]) => { const v = (" + JS_COLUMN + ")(a); "
                           "return v !== null && JSON.stringify(v) !== JSON.stringify(old); }",
                           arg=[list(key), before], polling="raf", timeout=timeout)
    return column(page, *key)


def selection(result, arm: int) -> list[float]:
    oc = result.arms[arm]
    return [*oc.selection, oc.no_selection]


def test_car4sar_preset_arm_b_truth_edit_updates_arm_b_selection(page, voila_url, tmp_path):
    open_app(page, voila_url)  # no ?preset=: the page opens on the two-arm CAR4SAR-like preset
    expect(page.locator(".p1x-status")).to_contain_text("exact")
    example = load_protocol(EXAMPLE)
    assert column(page, *TRUTH_B) == [0.08, 0.18, 0.33, 0.55]
    before_a, before_b = column(page, *SELECTION), column(page, *SELECTION_B)
    np.testing.assert_allclose(before_b, selection(run_protocol(example), 1), atol=1e-12)
    page.screenshot(path=str(tmp_path / "two-arms-before.png"))

    box = page.locator(".p1x-truthb-1 input")
    box.fill("0.3")
    box.press("Enter")
    after_b = wait_for_change(page, SELECTION_B, before_b)
    assert column(page, *TRUTH_B)[1] == pytest.approx(0.3)
    assert column(page, *TRUTH)[1] == pytest.approx(0.12)  # Arm A's truth untouched
    raw = example.to_dict()
    raw["arms"][1]["truth"][1] = 0.3
    expected = run_protocol(protocol_from_dict(raw))
    np.testing.assert_allclose(after_b, selection(expected, 1), atol=1e-12)
    np.testing.assert_allclose(column(page, *SELECTION), selection(expected, 0), atol=1e-12)  # staggered: A too
    assert column(page, *SELECTION) == pytest.approx(before_a, abs=0.05)
    page.screenshot(path=str(tmp_path / "two-arms-after.png"))


def test_ordered_warning_in_the_dark_theme(page, voila_url, tmp_path):
    open_app(page, voila_url, theme="dark")
    page.select_option(".p1x-arm-mode select", label="ordered: B at least as toxic as A")
    box = page.locator(".p1x-truthb-2 input")
    box.fill("0.2")  # below Arm A's 0.25 at level 3
    box.press("Enter")
    expect(page.locator(".p1x-arms-message")).to_contain_text("level(s) 3", timeout=20_000)
    expect(page.locator(".p1x-arms-message")).to_contain_text("ordered")
    page.wait_for_timeout(1500)  # the edit stays (late echoes of older plot states once undid it, back and forth)
    expect(box).to_have_value("0.2")
    expect(page.locator(".p1x-arms-message")).to_contain_text("level(s) 3")
    assert column(page, *TRUTH_B)[2] == pytest.approx(0.2)
    page.locator(".p1x-arms-message").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # let BokehJS repaint before the screenshot
    page.screenshot(path=str(tmp_path / "two-arms-dark-ordered.png"))


def test_switching_to_two_arms_shows_arm_b_with_current_data(page, voila_url, tmp_path):
    open_app(page, voila_url, preset=ONE_ARM)
    page.locator(".p1x-arms-count button", has_text="Two arms").click()
    # Arm B's plot was not on the page before: it must arrive with the kernel's current data.
    raw = {"target": 0.25, "design": {"method": "3+3"}, "doses": load_protocol(EXAMPLE).to_dict()["arms"][0]["doses"],
           "arms": [{"name": "A", "truth": [0.05, 0.12, 0.25, 0.45]}, {"name": "B", "truth": [0.05, 0.12, 0.25, 0.45]}],
           "arm_design": {}}
    expected = run_protocol(protocol_from_dict(raw))
    wait_for_change(page, SELECTION_B, None, timeout=30_000)  # the plot comes onto the page with data at once
    assert column(page, *SELECTION_B) != []
    expect(page.locator(".p1x-status")).to_contain_text("10,000 of 10,000 trials", timeout=60_000)
    b = column(page, *SELECTION_B)
    np.testing.assert_allclose(b, selection(expected, 1), atol=1e-12)
    box = page.locator(".p1x-truthb-3 input")
    box.fill("0.6")
    box.press("Enter")
    wait_for_change(page, SELECTION_B, b)
    assert column(page, *TRUTH_B) == [0.05, 0.12, 0.25, 0.6]
    page.screenshot(path=str(tmp_path / "switched-to-two-arms.png"))
