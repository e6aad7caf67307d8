"""In-process app tests: design controls come from the designs' declarations; several designs side by side."""

from __future__ import annotations

import pytest

from explorer.app import ExplorerApp
from explorer.core.designs import design_classes

ONE_ARM = "car4sar-arm-a"  # the single-arm preset (the app opens on the two-arm one)


@pytest.fixture
def app():
    return ExplorerApp(preset=ONE_ARM)


def test_every_registered_design_has_a_checkbox_and_its_declared_options(app):
    classes = design_classes()
    assert set(app.designs.checks) == set(classes)
    for method, cls in classes.items():
        form = app.designs.forms[method]
        assert [f.option.name for f in form.fields] == [o.name for o in cls.options]
        assert app.designs.checks[method].description == cls.short_title()  # as users know it
        assert cls.title in app.designs.checks[method].tooltip


def test_every_design_runs_in_the_app_with_its_defaults(app):
    for method, cls in design_classes().items():
        app.designs.load([(method, {})])
        assert app.problems == [], (method, app.problems)
        assert set(app.views.selection.source.data["design"]) == {cls.short_title()}


def test_two_designs_side_by_side(app):
    app.designs.checks["a+b"].value = True
    data = app.views.selection.source.data
    assert data["x"][:2] == [("1e5", "3+3"), ("1e5", "A+B")]  # the unit shared by every dose is on the axis
    assert app.views.selection.fig.xaxis[0].axis_label.startswith("dose (cells/kg)")
    assert len(data["value"]) == 2 * 5
    assert app.views.summary.source.data["design"] == ["3+3", "A+B"]
    assert len(app.views.sample_size.lines.data["xs"]) == 2
    assert len(app.designs.options.children) == 2


def test_option_change_recomputes_and_bad_option_shows_message_under_that_design(app):
    app.designs.load([("a+b", {})])
    before = list(app.views.selection.source.data["value"])
    form = app.designs.forms["a+b"]
    field = {f.option.name: f for f in form.fields}
    field["a"].widget.value = 4
    assert list(app.views.selection.source.data["value"]) != before
    good = list(app.views.selection.source.data["value"])
    field["c"].widget.value = 6  # c > a is invalid (Lin & Shih)
    assert "cannot exceed a" in form.message.value
    assert list(app.views.selection.source.data["value"]) == good
    field["c"].widget.value = 1
    assert form.message.value == ""


def test_unreadable_free_text_option_is_reported(app):
    method = next((m for m, c in design_classes().items() if any(o.kind == "floats" for o in c.options)), None)
    if method is None:
        pytest.skip("no design declares a list option")
    app.designs.load([(method, {})])
    form = app.designs.forms[method]
    f = next(f for f in form.fields if f.option.kind == "floats")
    f.widget.value = "0.1, abc"
    assert "cannot be read" in form.message.value


def test_no_design_ticked_says_so(app):
    app.designs.checks["3+3"].value = False
    assert "tick at least one design" in app.designs.message.value
    app.designs.checks["3+3"].value = True
    assert app.designs.message.value == ""


def test_decision_table_shown_for_designs_that_have_one(app):
    body = app.decision_view.body.value  # 3+3: the classic table (explorer.core.rule_table)
    assert "<table" in body and "0 of 3" in body and "escalate: treat 3 at the next dose" in body
    assert "3+3" in app.decision_view.title.value
    app.designs.load([("crm", {})])
    assert "No decision table for this design" in app.decision_view.body.value
    app.designs.load([("boin", {})])
    body = app.decision_view.body.value
    assert "<table" in body and "Escalate if # of DLT" in body
    assert "BOIN" in app.decision_view.title.value


def test_the_simulated_trial_names_the_design_as_users_know_it(app):
    app.designs.load([("crm", {})])
    assert app.walkthrough.one.fig.title.text.startswith("One simulated CRM trial: ")
    app.designs.load([("mtpi2", {})])
    assert app.walkthrough.one.fig.title.text.startswith("One simulated mTPI-2 / Keyboard trial: ")
