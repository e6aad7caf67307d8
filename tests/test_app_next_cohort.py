"""In-process app tests of the one-step view: what the design does next from a trial so far, for any design."""

from __future__ import annotations

import html
import re
from math import comb

import pytest

from explorer.app import ExplorerApp

ONE_ARM = "car4sar-arm-a"
ROW = re.compile(r'left">([^<]*)</th><td[^>]*>(\d+)</td><td[^>]*>([^<]*)%</td><td[^>]*>([^<]*)</td>')


def rows(app) -> list[tuple[str, int, float, str]]:
    """The next-cohort table on screen: outcome, DLTs, probability, what follows."""
    return [(o, int(d), float(html.unescape(p).lstrip("<>")) / 100, then)
            for o, d, p, then in ROW.findall(app.next_view.table.value)]


def binomial(m: int, y: int, p: float) -> float:
    return comb(m, y) * p ** y * (1 - p) ** (m - y)


@pytest.fixture
def app():
    return ExplorerApp(preset=ONE_ARM)


def test_at_the_start_3plus3_treats_three_at_the_start_dose_with_binomial_outcomes(app):
    assert "At the start: treat 3 at dose 1" in app.next_view.now.value
    shown = rows(app)
    p1 = app.truth.values()[0]
    assert [r[1] for r in shown] == [0, 1, 2, 3]
    for _, y, p, _ in shown:
        assert p == pytest.approx(binomial(3, y, p1), abs=1e-3)  # shown as percentages to 0.1 points
    # the standard 3+3 rule: 0/3 escalate, 1/3 expand at the same dose, >= 2/3 at the lowest dose: stop, none
    assert "treat 3 at dose 2" in shown[0][3]
    assert "treat 3 at dose 1" in shown[1][3]
    assert all("stop; no dose selected" in r[3] for r in shown[2:])


def test_after_a_history_the_3plus3_rule_of_six(app):
    app.next_view.history.value = "1NNN 2NTN"
    assert "After <code>1NNN 2NTN</code>: treat 3 at dose 2" in app.next_view.now.value
    shown = rows(app)
    p2 = app.truth.values()[1]
    assert [r[2] for r in shown] == pytest.approx([binomial(3, y, p2) for y in range(4)], abs=1e-3)
    assert "treat 3 at dose 3" in shown[0][3]  # 1/6 at dose 2: escalate
    # 2/6: dose 2 exceeds the MTD; dose 1 has only 3 patients, so 3 more go there (the reference rule, step 3)
    assert all("treat 3 at dose 1" in r[3] for r in shown[1:])
    app.next_view.history.value = "1NNN 1NNN 2NTN"
    assert all("stop; select dose 1" in r[3] for r in rows(app)[1:])  # dose 1 already has 6: it is the MTD


def test_truth_edit_changes_the_probabilities(app):
    app.truth.boxes[0].value = 0.5
    assert [r[2] for r in rows(app)] == pytest.approx([0.125, 0.375, 0.375, 0.125], abs=1e-3)


def test_a_bad_trial_so_far_is_pointed_at_and_the_old_answer_cleared(app):
    app.next_view.history.value = "1NNN 2NTN"
    assert app.next_view.table.value
    app.next_view.history.value = "1NNN 2NXN"
    msg = app.next_view.message.value
    assert "expected T (a DLT) or N (no DLT)" in msg and "character 8" in msg and "^" in msg
    assert app.next_view.table.value == "" and app.next_view.now.value == ""  # no answer to another question
    app.next_view.history.value = "9NNN"
    assert "above the top of the ladder" in app.next_view.message.value
    app.next_view.history.value = " ".join(["1NNN"] * 20)
    assert "more than the design" in app.next_view.message.value
    app.next_view.history.value = ""
    assert app.next_view.message.value == "" and "At the start" in app.next_view.now.value


def test_a_bad_trial_so_far_does_not_leave_another_designs_answer_on_screen(app):
    app.next_view.history.value = "1NNN 2NXN"
    app.designs.checks["crm"].value = True
    app.designs.checks["3+3"].value = False
    assert "expected T" in app.next_view.message.value
    assert app.next_view.now.value == "" and app.next_view.table.value == ""
    app.next_view.history.value = "1NNN 2TTN"
    assert app.next_view.message.value == ""
    assert "treat 3 at dose 1" in app.next_view.now.value  # CRM backs off after 2/3 at dose 2


@pytest.mark.parametrize("method", ["boin", "crm", "blrm"])
def test_every_design_answers_with_probabilities_that_sum_to_one(app, method):
    app.designs.load([(method, {})])
    app.next_view.history.value = "1NNN"
    shown = rows(app)
    assert shown and sum(r[2] for r in shown) == pytest.approx(1, abs=3e-3)


def test_two_arms_use_the_picked_arms_truth():
    app = ExplorerApp()
    assert app.protocol.arm_design is not None
    assert "the truth of Arm A (systemic)" in app.next_view.table.value
    pa, pb = app.truth.values()[0], app.truth_b.values()[0]
    assert [r[2] for r in rows(app)] == pytest.approx([binomial(3, y, pa) for y in range(4)], abs=1e-3)
    picker = app.panels.next_picker
    assert picker.arm.layout.display == "" and [label for label, _ in picker.arm.options] == \
        ["Arm A (systemic)", "Arm B (systemic + local)"]
    picker.arm.value = 1
    assert "the truth of Arm B (systemic + local)" in app.next_view.table.value
    assert [r[2] for r in rows(app)] == pytest.approx([binomial(3, y, pb) for y in range(4)], abs=1e-3)
    app.truth_b.boxes[0].value = 0.5  # a new truth for Arm B: the arm picked stays, with the new truth
    assert picker.arm.value == 1
    assert [r[2] for r in rows(app)] == pytest.approx([0.125, 0.375, 0.375, 0.125], abs=1e-3)


def test_eliminated_doses_are_named(app):
    app.next_view.history.value = "1NNN 2TTN"  # 2/3 at dose 2: 3+3 eliminates it and every dose above
    assert "Eliminated (never given again): doses 2 (3e5 cells/kg), 3 (1e6 cells/kg), 4 (3e6 cells/kg)" in \
        app.next_view.now.value
    app.next_view.history.value = "1NNN"
    assert "Eliminated" not in app.next_view.now.value


def test_what_next_follows_its_design_picker(app):
    app.designs.checks["crm"].value = True
    picker = app.panels.next_picker
    assert [label for label, _ in picker.design.options] == ["3+3", "CRM"]
    app.next_view.history.value = "1NNN 2TTN"
    assert "treat 3 at dose 1" in app.next_view.now.value and "Eliminated" in app.next_view.now.value  # 3+3
    picker.pick("CRM")
    assert "treat 3 at dose 1" in app.next_view.now.value and "Eliminated" not in app.next_view.now.value
    app.truth.boxes[0].value = 0.06  # a recompute keeps the design picked
    assert picker.design.label == "CRM"
