"""In-process tests of the app's clock (issue 15): the Time section edits the protocol's "time" object, bad input is
shown by field with the last results kept, and the timeline, duration and duration-against-selection views show
exactly what the pipeline computes for the same protocol and seed."""

from __future__ import annotations

import json

import numpy as np
import pytest

import explorer
from explorer.app import ExplorerApp
from explorer.app.time_panel import CLOCK_NOTE, clock_notes
from explorer.app.views.style import arm_colour, design_colour
from explorer.core.clock.spec import TimeModel
from explorer.core.errors import MONTE_CARLO_USED, Problem
from explorer.core.pipeline import trial_timeline
from explorer.presets import preset

CLOCK = "car4sar-clock"  # one arm with a clock: 3+3, rolling six, BOIN, TITE-BOIN


@pytest.fixture(scope="module")
def clocked():
    return ExplorerApp(preset=CLOCK)


def timeline_columns(app: ExplorerApp) -> dict[str, list]:
    return app.time_panel.timeline.patients.data


def assert_timeline_is(app: ExplorerApp, candidate: int, number: int) -> None:
    """The timeline's bars, DLT marks, decisions and suspensions are the pipeline's trial for this design and
    trial number."""
    tl = trial_timeline(app.protocol, app.candidates[candidate], number)
    data = timeline_columns(app)
    assert data["patient"] == list(range(1, len(tl.patients) + 1)) and len(tl.patients) > 0
    for key in ("arrival", "start", "window_end", "arm", "dlt"):
        assert data[key] == [getattr(p, key) for p in tl.patients], key
    assert data["dose"] == [p.dose + 1 for p in tl.patients]
    dlts = app.time_panel.timeline.dlts.data
    assert dlts["time"] == [p.dlt_time for p in tl.patients if p.dlt]
    assert dlts["patient"] == [i + 1 for i, p in enumerate(tl.patients) if p.dlt]
    dec = app.time_panel.timeline.decisions.data
    assert dec["time"] == [d.time for d in tl.decisions] and dec["kind"] == [d.kind for d in tl.decisions]
    assert dec["pending"] == [d.pending for d in tl.decisions]
    sus = app.time_panel.timeline.suspensions.data
    assert list(zip(sus["arm"], sus["start"], sus["end"])) == list(tl.suspensions)


# ---- the Time section ------------------------------------------------------------------------------------------
def test_a_preset_with_a_clock_fills_the_time_section_and_its_tabs_come_first(clocked):
    p = preset(CLOCK)
    assert clocked.clock.on.value and clocked.protocol == p and clocked.problems == []
    assert {k: w.value for k, w in clocked.clock.fields.items()} == p.time.to_json()
    assert clocked.clock.fields["rate"].description == "Patients per week"
    assert clocked.clock.fields["dlt_window"].description == "DLT window (weeks)"
    assert clocked.clock.fields["late_onset"].layout.display == ""  # Weibull timing: its late share is shown
    assert list(clocked.layout.tabs.titles[:2]) == ["Trial timeline", "Duration"]
    assert "illustrative" in clocked.presets.note.value.lower()


def test_turning_the_clock_on_and_off_edits_the_protocol_and_the_tabs():
    app = ExplorerApp(preset="car4sar-arm-a")
    untimed = app.protocol
    assert app.protocol.time is None and "Trial timeline" not in app.layout.tabs.titles
    assert app.clock.body.layout.display == "none"
    app.clock.on.value = True
    assert app.protocol.time == TimeModel(accrual="poisson", rate=1.0, dlt_window=1.0, time_unit="months")
    assert list(app.layout.tabs.titles[:2]) == ["Trial timeline", "Duration"]
    assert app.snapshot.ocs[0].time is not None and app.presets.menu.value == ""  # "(your own)"
    with app.batch():
        app.clock.fields["dlt_window"].value = 2.5
        app.clock.fields["accrual"].value = "fixed"
        app.clock.fields["pending"].value = "lose"
        app.clock.fields["time_unit"].value = "weeks"
    assert app.protocol.time == TimeModel(accrual="fixed", rate=1.0, dlt_window=2.5, pending="lose",
                                          time_unit="weeks")
    assert app.clock.fields["late_onset"].layout.display == "none"  # uniform timing: no late share
    assert "Arrivals lost" in app.time_panel.table.widget.value  # arrivals are lost, not kept waiting
    app.clock.on.value = False
    assert app.protocol == untimed and "Trial timeline" not in app.layout.tabs.titles  # nothing else changed


def test_bad_time_input_names_the_field_and_keeps_the_last_results():
    app = ExplorerApp(preset=CLOCK)
    snap, duration = app.snapshot, dict(app.time_panel.duration.lines.data)
    bars = dict(timeline_columns(app))
    app.clock.fields["dlt_window"].value = 0.0
    message = app.clock.message.value
    assert "DLT window (weeks): 0 is not valid" in message and "p1x-error" in message
    assert app.snapshot is snap and app.time_panel.duration.lines.data == duration
    assert timeline_columns(app) == bars and app.protocol == preset(CLOCK)  # the last valid protocol
    assert "keep the last valid results" in app.status.text.value
    app.clock.fields["rate"].value = -1.0  # two problems, each under its own label
    assert "Patients per week: -1 is not valid" in app.clock.message.value
    with app.batch():
        app.clock.fields["dlt_window"].value = 4.0
        app.clock.fields["rate"].value = 0.25
    assert app.clock.message.value == "" and app.protocol == preset(CLOCK)


def test_an_arms_own_window_from_a_file_is_kept_and_its_problems_shown_with_the_clock():
    p = preset("car4sar-two-arm").to_dict()
    p["time"] = {"rate": 1, "dlt_window": 2, "time_unit": "months"}
    p["arms"][1]["time"] = {"dlt_window": 1}
    app = ExplorerApp(explorer.loads_protocol(json.dumps(p)))
    assert app.protocol.arms[1].time.dlt_window == 1 and app.protocol.arms[0].time is None
    assert "has its own DLT settings" in app.clock.arm_note.value and "DLT window 1" in app.clock.arm_note.value
    app.form.show_problems([Problem("arms[1].time.dlt_window", "0 is not valid; give a number.")])
    assert "Arm B (systemic + local), DLT window (months): 0 is not valid" in app.clock.message.value


# ---- the views show the pipeline's numbers ---------------------------------------------------------------------
def test_the_timeline_is_the_pipelines_trial_for_the_same_seed(clocked):
    assert_timeline_is(clocked, 0, clocked.time_panel.number)
    clocked.time_panel.picker.pick("TITE-BOIN")
    assert_timeline_is(clocked, 3, clocked.time_panel.number)
    clocked.time_panel.another.click()
    assert_timeline_is(clocked, 3, 1)
    assert "Trial 2 of TITE-BOIN" in clocked.time_panel.caption.value
    assert clocked.time_panel.timeline.fig.title.text.startswith("One simulated TITE-BOIN trial: ")
    final = clocked.time_panel.timeline.decisions.data
    assert final["marker"][-1] == "star" and final["text"][-1].startswith("MTD ")


def test_the_duration_plot_is_each_designs_duration_distribution(clocked):
    result = explorer.compare(preset(CLOCK)).to_dict()  # the API's run of the same protocol: same numbers
    lines, points = clocked.time_panel.duration.lines.data, clocked.time_panel.duration.points.data
    assert lines["design"] == ["3+3", "Rolling six", "BOIN", "TITE-BOIN"]
    assert lines["colour"] == [design_colour(j) for j in range(4)]
    for j, (oc, design) in enumerate(zip(clocked.snapshot.ocs, result["designs"])):
        d = oc.time.arms[0].figures["duration"]
        assert design["duration"]["distribution"]["edges"] == lines["xs"][j]
        np.testing.assert_allclose(lines["ys"][j], np.concatenate([[0], np.cumsum(d.probability)]), atol=1e-12)
        assert lines["ys"][j][-1] == pytest.approx(1.0)
        assert points["x"][2 * j:2 * j + 2] == [design["duration"]["median"], design["duration"]["p90"]]
    assert clocked.time_panel.duration.fig.xaxis[0].axis_label == "trial duration (weeks)"


def test_duration_against_correct_selection_has_one_point_per_design_with_error_bars(clocked):
    data = clocked.time_panel.tradeoff.source.data
    assert data["design"] == ["3+3", "Rolling six", "BOIN", "TITE-BOIN"]
    for j, oc in enumerate(clocked.snapshot.ocs):
        d, a = oc.time.arms[0].figures["duration"], oc.arms[0]
        assert (data["duration"][j], data["correct"][j]) == (d.mean, a.pcs)
        assert data["right"][j] - data["duration"][j] == pytest.approx(1.96 * d.stderr["mean"])
        assert data["upper"][j] - data["correct"][j] == pytest.approx(1.96 * a.stderr["pcs"])
        assert data["duration_se"][j] > 0 and data["correct_se"][j] > 0
    table = clocked.time_panel.table.source.data
    assert table["median"] == [o.time.arms[0].figures["duration"].median for o in clocked.snapshot.ocs]
    assert table["share_pending"][0] == 0 and table["share_pending"][3] > 0.2  # 3+3 waits; TITE-BOIN need not


def test_two_arms_are_coloured_by_arm_with_the_whole_trials_duration():
    app = ExplorerApp()  # the two-arm CAR4SAR-like preset
    app.clock.on.value = True
    data = timeline_columns(app)
    assert set(data["arm"]) == {0, 1}
    assert data["colour"] == [arm_colour(a) for a in data["arm"]]
    assert app.time_panel.timeline.decisions.data["colour"] == [
        arm_colour(a) for a in app.time_panel.timeline.decisions.data["arm"]]
    assert set(app.time_panel.timeline.decisions.data["lane"]) == {-1, 0}  # a decision lane per arm
    assert_timeline_is(app, 0, 0)
    oc = app.snapshot.ocs[0]
    lines = app.time_panel.duration.lines.data
    assert lines["design"] == ["3+3, whole trial", "Arm A (systemic)", "Arm B (systemic + local)"]
    assert lines["xs"][0] == [float(e) for e in oc.time.trial.figures["duration"].edges]
    assert lines["xs"][1] == [float(e) for e in oc.time.arms[0].figures["duration"].edges]
    assert lines["dash"] == ["solid", "dashed", "dotted"]
    tradeoff = app.time_panel.tradeoff.source.data
    assert tradeoff["correct"] == [oc.joint.both_correct]
    assert tradeoff["duration"] == [oc.time.trial.figures["duration"].mean]
    assert app.time_panel.table.source.data["design"] == ["3+3, whole trial", "3+3, Arm A (systemic)",
                                                           "3+3, Arm B (systemic + local)"]


def test_a_clock_says_once_that_every_design_is_simulated(clocked):
    status = clocked.status.text.value
    assert status.count("simulated") == 1 and "exact enumeration is not offered" not in status
    untimed = preset("car4sar-arm-a")
    notes = (CLOCK_NOTE, CLOCK_NOTE)
    assert clock_notes(untimed, notes) == list(notes)  # without a clock, notes are kept as they are
    assert [n.code for n in clock_notes(preset(CLOCK), notes)] == [MONTE_CARLO_USED]
