"""In-process app tests of two arms (CAR4SAR's Arm A systemic, Arm B systemic + local): controls → OCs → views."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_app_files import links

from explorer.api import simulate as run_protocol
from explorer.app import ExplorerApp
from explorer.core.arms.spec import ARM_DESIGN_OPTIONS
from explorer.core.errors import EXACT_OVER_AUTO_BUDGET, MONTE_CARLO_USED
from explorer.core.pipeline import stream, trial_trace
from explorer.core.pipeline.engines import engine_for
from explorer.core.protocol_file import load_protocol, loads_protocol
from explorer.core.validation import protocol_from_dict
from explorer.presets import preset


def first_snapshot(p):
    return next(stream(p, p.candidates()))

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "car4sar-two-arm.json"


def values(view) -> list[float]:
    return list(view.source.data["value"])


def expected(result, arm: int) -> list[float]:
    oc = result.arms[arm]
    return [*oc.selection, oc.no_selection]


@pytest.fixture
def app():
    return ExplorerApp()


def test_the_app_opens_on_the_car4sar_two_arm_preset_as_the_example_file(app):
    example = load_protocol(EXAMPLE)
    assert app.preset.value == "car4sar-two-arm" and preset("car4sar-two-arm") == example
    assert app.protocol == example  # the controls hold the example file's protocol
    assert "Illustrative values only" in app.presets.note.value
    assert "cells/kg ladder chosen by us" in app.presets.note.value
    res = run_protocol(example)
    assert res.method == "exact"
    np.testing.assert_allclose(values(app.views.selection), expected(res, 0), atol=1e-12)
    np.testing.assert_allclose(values(app.views.selection_b), expected(res, 1), atol=1e-12)
    j = res.joint
    np.testing.assert_allclose(app.views.joint.source.data["value"], [j.both_correct, j.b_never_opens, j.cap_reached],
                               atol=1e-12)
    table = dict(zip(app.views.joint.table_source.data["metric"], app.views.joint.table_source.data["d0"]))
    assert table["Correct MTD in both arms"] == f"{100 * j.both_correct:.1f}%"  # exact: no SE
    assert table["Mean patients in Arm B (systemic + local)"] == f"{j.patients_per_arm[1]:.1f}"
    assert table["Mean patients, both arms (SD)"] == f"{j.sample_size:.1f} (SD {j.sample_size_sd:.1f})"
    assert table["Computed"] == "exact"
    assert app.views.summary.source.data["design"] == ["A (systemic), 3+3", "B (systemic + local), 3+3"]
    assert app.views.truth.points.data["y"] == [0.05, 0.12, 0.25, 0.45]
    assert app.views.truth.points_b.data["y"] == [0.08, 0.18, 0.33, 0.55]
    assert sorted(app.views.truth.mtd.data["y"]) == [0.18, 0.25]  # each arm's true MTD is starred
    assert [i.label["value"] for i in app.views.truth.items[:2]] == ["Arm A (systemic)", "Arm B (systemic + local)"]
    assert app.views.selection_b.fig.title.text == "Arm B (systemic + local)"
    dist = app.views.sample_size.points.data
    assert dict(zip(dist["n"], dist["p"])) == pytest.approx(res.joint.sample_size_distribution)
    lines = app.views.sample_size.lines.data
    assert lines["design"] == ["3+3, both arms", "Arm A (systemic)", "Arm B (systemic + local)"]
    assert lines["dash"] == ["solid", "dashed", "dotted"]
    for i in (0, 1):  # each arm's own sample size distribution, as the CLI gives it
        assert dict(zip(lines["xs"][i + 1], lines["ys"][i + 1])) == pytest.approx(
            res.arms[i].sample_size_distribution, abs=1e-12)
    assert "exact" in app.status.text.value


def test_switching_between_one_and_two_arms():
    app = ExplorerApp(preset="car4sar-arm-a")
    assert not app.arms.two and app.views.truth.points_b.data["y"] == []
    assert app.truth_b.widget.layout.display == "none"
    one = values(app.views.selection)
    seen = []  # what Arm B's plot widget holds at the moment it comes onto the page (its view is made from it)
    app.layout.top.observe(lambda _: seen.append(str(app.layout.bokeh["selection_b"].render_bundle["docs_json"])),
                           "children")
    app.arms.count.value = 2
    assert seen and f"{values(app.views.selection_b)[1]!r}"[:12] in seen[0]
    assert app.truth_b.widget.layout.display == ""
    assert app.protocol.arm_design is not None
    assert app.views.truth.points_b.data["y"] == app.truth.values()  # Arm B starts as a copy of Arm A
    assert len(values(app.views.selection_b)) == 5 and app.views.joint.headers[1:] == ["3+3"]
    assert len(app.views.summary.source.data["design"]) == 2
    assert app.layout.bokeh["selection_b"] in _shown(app)
    # Plots that were not on the page missed the patches: they come onto it with their whole current state.
    state = str(app.layout.bokeh["selection_b"].render_bundle["docs_json"])
    assert f"{values(app.views.selection_b)[1]!r}"[:12] in state
    app.arms.count.value = 1
    assert app.protocol.arm_design is None and app.views.truth.points_b.data["y"] == []
    assert values(app.views.selection) == one
    assert app.layout.bokeh["selection_b"] not in _shown(app)


def _shown(app) -> list:
    out, todo = [], [app.layout.results]
    while todo:
        w = todo.pop()
        out.append(w)
        todo += list(getattr(w, "children", ()))
    return out


def test_independent_arms_arm_b_truth_changes_only_arm_b(app):
    with app.batch():  # with the overall cap of 18 the arms would still compete for patients
        app.arms.fields[0].widget.value = "independent"
        app.arms.fields[1].widget.value = ""
    a, b, joint = values(app.views.selection), values(app.views.selection_b), values(app.views.joint)
    app.truth_b.boxes[1].value = 0.3
    assert values(app.views.selection) == a
    assert values(app.views.selection_b) != b
    assert values(app.views.joint) != joint
    assert app.views.truth.points_b.data["y"][1] == 0.3
    res = run_protocol(app.protocol)
    np.testing.assert_allclose(values(app.views.selection_b), expected(res, 1), atol=1e-12)


def test_staggered_arm_b_truth_change_recomputes_both(app):
    b = values(app.views.selection_b)
    app.truth_b.boxes[0].value = 0.4
    assert values(app.views.selection_b) != b
    res = run_protocol(app.protocol)
    np.testing.assert_allclose(values(app.views.selection), expected(res, 0), atol=1e-12)
    np.testing.assert_allclose(values(app.views.selection_b), expected(res, 1), atol=1e-12)


def test_ordered_warning_names_the_doses_and_goes_away(app):
    mode = app.arms.fields[0].widget
    assert app.arms.message.value == ""
    mode.value = "ordered"
    assert app.arms.message.value == ""  # B's truth is above A's at every dose
    before = values(app.views.selection_b)
    app.truth_b.boxes[1].value = 0.10  # below A's 0.12
    app.truth_b.boxes[2].value = 0.20  # below A's 0.25
    msg = app.arms.message.value
    assert "p1x-warn" in msg and "level(s) 2, 3" in msg and "ordered" in msg
    assert values(app.views.selection_b) != before  # still computed
    assert "p1x-error" not in app.status.text.value
    mode.value = "staggered"
    assert app.arms.message.value == ""
    mode.value = "ordered"
    assert "level(s) 2, 3" in app.arms.message.value
    app.truth_b.boxes[1].value = 0.12
    app.truth_b.boxes[2].value = 0.3
    assert app.arms.message.value == ""


def test_bad_arm_b_truth_shows_a_message_and_keeps_the_last_results(app):
    a, b = values(app.views.selection), values(app.views.selection_b)
    truth_b = list(app.views.truth.points_b.data["y"])
    app.truth_b.boxes[1].value = 1.5
    assert "Dose level 2" in app.truth_b.message.value and "outside [0, 1]" in app.truth_b.message.value
    assert app.truth.message.value == "" and app.arms.message.value == ""
    assert "p1x-error" in app.status.text.value
    assert values(app.views.selection) == a and values(app.views.selection_b) == b
    assert app.views.truth.points_b.data["y"] == truth_b
    app.truth_b.boxes[1].value = 0.2
    assert app.truth_b.message.value == "" and values(app.views.selection_b) != b


def test_bad_arm_design_options_show_next_to_them(app):
    fields = {f.option.name: f.widget for f in app.arms.fields}
    assert [f.option.name for f in app.arms.fields] == [o.name for o in ARM_DESIGN_OPTIONS]
    good = values(app.views.selection_b)
    fields["eligible_b"].value = 1.5
    assert "1.5" in app.arms.message.value and "from 0 to 1" in app.arms.message.value
    fields["eligible_b"].value = 0.5
    fields["max_total"].value = "many"
    assert "many" in app.arms.message.value and "cannot be read" in app.arms.message.value
    assert values(app.views.selection_b) == good
    fields["max_total"].value = ""
    assert app.arms.message.value == "" and app.protocol.arm_design.max_total is None
    app.arms.name_b.value = app.arms.name_a.value
    assert "name of both arms" in app.arms.names_message.value


def test_protocol_download_runs_in_the_cli_with_the_same_numbers_and_upload_restores_it(app):
    app.truth_b.boxes[3].value = 0.6
    app.arms.fields[2].widget.value = 0.4  # eligible_b
    app.settings.seed.value = 7
    files = links(app)
    stem = "car4sar-like-two-arms-3-3-staggered-18-patients"
    p = loads_protocol(files[f"{stem}.json"])
    assert p.arm_design is not None and p.arms[1].truth == (0.08, 0.18, 0.33, 0.6) and p.arm_design.eligible_b == 0.4
    res = run_protocol(p)
    np.testing.assert_allclose(values(app.views.selection), expected(res, 0), atol=0)
    np.testing.assert_allclose(values(app.views.selection_b), expected(res, 1), atol=0)
    assert files[f"{stem}-oc.csv"] == res.to_csv()
    assert files[f"{stem}-oc.csv"].startswith("arm,metric,")

    other = ExplorerApp(preset="car4sar-arm-a")
    other.upload(files[f"{stem}.json"].encode(), "two.json")
    assert "Opened two.json" in other.files.message.value
    assert other.arms.two and other.arms.names() == ["A (systemic)", "B (systemic + local)"]
    assert other.truth_b.values() == [0.08, 0.18, 0.33, 0.6] and other.settings.seed.value == 7
    assert {f.option.name: f.widget.value for f in other.arms.fields}["max_total"] == "18"
    assert values(other.views.selection_b) == values(app.views.selection_b)
    assert other.protocol == app.protocol


def test_upload_of_arms_the_app_cannot_show_says_why_and_changes_nothing(app):
    raw = json.loads(EXAMPLE.read_text())
    raw["arms"][1]["design"] = {"method": "a+b", "a": 2, "b": 4, "e": 2}
    before = values(app.views.selection_b)
    app.upload(json.dumps(raw).encode(), "mixed.json")
    assert "mixed.json" in app.files.message.value and "one design" in app.files.message.value
    assert values(app.views.selection_b) == before and app.truth_b.values() == [0.08, 0.18, 0.33, 0.55]


def test_monte_carlo_two_arms_refines_to_the_cli_numbers_with_whiskers(app):
    with app.batch():
        app.settings.trials.value = 3000
        app.settings.method.value = "monte-carlo"
    res = run_protocol(app.protocol)
    assert res.method == "monte-carlo"
    np.testing.assert_allclose(values(app.views.selection_b), expected(res, 1), atol=0)
    data = app.views.selection_b.source.data
    assert any(u > v for u, v in zip(data["upper"], data["value"]) if 0 < v < 1)
    joint = app.views.joint.source.data
    assert joint["upper"][0] > joint["value"][0] > joint["lower"][0]
    table = dict(zip(app.views.joint.table_source.data["metric"], app.views.joint.table_source.data["d0"]))
    assert table["Computed"] == "Monte Carlo, 3,000 trials" and "(SE " in table["Correct MTD in both arms"]
    assert "3,000 of 3,000" in app.status.text.value


def test_progressive_two_arm_chunks_end_at_the_cli_result():
    p = load_protocol(EXAMPLE).with_changes(trials=2500, method="monte-carlo", seed=3)
    snaps = list(stream(p, first=300, chunk=1000, every=0))
    assert [s.done for s in snaps] == [300, 1300, 2300, 2500] and snaps[-1].finished
    res = run_protocol(p)
    for j in range(2):
        np.testing.assert_array_equal(snaps[-1].ocs[0].arms[j].selection, res.arms[j].selection)
    assert snaps[-1].ocs[0].joint.both_correct == res.joint.both_correct


def test_exact_not_feasible_for_two_arms_says_so_next_to_compute(app):
    good = values(app.views.selection_b)
    with app.batch():
        app.settings.method.value = "exact"
        app.designs.load([("crm", {"cohort_size": 1, "max_n": 60})])  # beyond the hard limit
    assert "exact results are not available" in app.settings.run_message.value
    assert values(app.views.selection_b) == good


def test_two_designs_in_two_arms(app):
    app.designs.checks["a+b"].value = True
    assert app.views.summary.source.data["design"] == ["A (systemic), 3+3", "A (systemic), A+B",
                                                      "B (systemic + local), 3+3", "B (systemic + local), A+B"]
    assert app.views.joint.headers == ["Both arms", "3+3", "A+B"]
    assert app.views.joint.source.data["x"][:2] == [("correct MTD in both", "3+3"), ("correct MTD in both", "A+B")]
    assert len(values(app.views.selection_b)) == 2 * 5
    csv = next(v for k, v in links(app).items() if k.endswith(".csv"))
    assert csv.startswith("design,arm,metric,") and '"a+b",joint,both_correct' in csv


def test_dragging_an_arm_b_point_sets_arm_b_truth(app):
    data = dict(app.views.truth.points_b.data)
    data["y"] = [0.08, 0.4, 0.33, 0.55]
    data["x"] = [1.06, 2.3, 3.06, 4.06]
    app.views.truth.points_b.data = data
    assert app.truth_b.values()[1] == 0.4 and app.truth.values()[1] == 0.12
    assert app.protocol.arms[1].truth[1] == 0.4
    assert app.views.truth.points_b.data["x"][1] == pytest.approx(2.06)  # snapped back beside its dose


def test_ladder_changes_reach_both_arms(app):
    app.ladder.levels.value = 5
    assert len(app.truth.boxes) == len(app.truth_b.boxes) == 5
    assert app.truth_b.values()[:4] == [0.08, 0.18, 0.33, 0.55]
    assert len(values(app.views.selection_b)) == 6 and app.protocol.arms[1].truth[4] == app.truth_b.values()[4]


def test_two_arm_trial_view_follows_the_simulated_trial(app):
    p = app.protocol
    trace = trial_trace(p, p.candidates()[0], 0)
    a, b = app.walkthrough.two.sources
    assert a.data["patient"] + b.data["patient"] != [] and sorted(a.data["patient"] + b.data["patient"]) == list(
        range(1, len(trace.arm) + 1))
    assert b.data["patient"] == [i + 1 for i, arm in enumerate(trace.arm) if arm == 1]
    text = app.walkthrough.outcome.value
    assert f"<code>{trace.outcomes(0)}</code>" in text and f"<code>{trace.outcomes(1) or '–'}</code>" in text
    app.walkthrough.another.click()
    assert app.walkthrough.outcome.value != text or app.walkthrough.number == 1


def test_trace_is_the_simulated_trial():
    from explorer.core.arms.engine import run_two_arms

    p = load_protocol(EXAMPLE)
    engine = engine_for(p, p.candidates()[0])
    for seed in range(20):
        draws = np.random.default_rng(seed).random((1, engine.fields, engine.steps))
        trace = engine.trace(draws[0])
        Z = engine.process.finish(run_two_arms(engine.process, tuple(engine.truths), draws))
        for j, layout in enumerate(engine.process.arm):
            n = np.bincount([d for arm, d in zip(trace.arm, trace.dose) if arm == j], minlength=4)
            x = np.bincount([d for arm, d, t in zip(trace.arm, trace.dose, trace.dlt) if arm == j and t],
                            minlength=4)
            np.testing.assert_array_equal(n, Z[0, layout.n])
            np.testing.assert_array_equal(x, Z[0, layout.x])
            assert trace.selected[j] == Z[0, layout.sel]
        assert sum(len(c) - 1 for c in (trace.outcomes(0) + " " + trace.outcomes(1)).split()) == len(trace.arm)


def test_page_query_picks_the_preset(monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "")
    app = ExplorerApp.from_environment()
    assert app.arms.two and app.matching_page() is app
    monkeypatch.setenv("QUERY_STRING", "theme=light&preset=car4sar-arm-a")
    one = app.matching_page()
    assert one is not app and not one.arms.two and one.matching_page() is one


def test_single_arm_protocol_still_opens_in_one_arm(app):
    text = json.dumps({"target": 0.3, "truth": [0.1, 0.2, 0.3], "design": {"method": "3+3"}})
    app.upload(text.encode(), "one.json")
    assert not app.arms.two and app.protocol.arm_design is None
    assert protocol_from_dict(json.loads(text)).arms == app.protocol.arms


def test_an_echo_of_an_older_plot_state_does_not_undo_a_newer_edit(app):
    """The page sends every patch it applies back to the kernel; a late echo of an older state is not an edit."""
    older = dict(app.views.truth.points_b.data)
    app.truth_b.boxes[2].value = 0.2
    app.views.truth.points_b.data = older  # the echo of the state before the edit arrives late
    assert app.truth_b.values()[2] == 0.2
    assert app.views.truth.points_b.data["y"][2] == 0.2  # the plot is put back to the newest state
    sideways = dict(app.views.truth.points_b.data)
    sideways["x"] = [1.06, 2.06, 3.5, 4.06]  # a point dragged sideways only: back beside its dose
    app.views.truth.points_b.data = sideways
    assert app.views.truth.points_b.data["x"][2] == pytest.approx(3.06) and app.truth_b.values()[2] == 0.2


def _from_page(widget, source, data: dict) -> None:
    """Deliver a change of `source` to the kernel as the page sends it (jupyter_bokeh's jsevent message)."""
    widget._sync_model(widget, {"event": "jsevent", "kind": "ModelChanged", "model": {"id": source.id},
                                "attr": "data", "new": data}, [])


def test_only_the_truth_points_take_changes_from_the_page(app):
    src = app.views.selection_b.source
    before = list(src.data["value"])
    _from_page(app.layout.bokeh["selection_b"], src, {**src.data, "value": [0.5] * len(before)})
    assert list(src.data["value"]) == before  # an echo of an older patch does not overwrite the kernel's data
    pb = app.views.truth.points_b
    _from_page(app.layout.bokeh["truth"], pb, {**pb.data, "x": [1.06, 2.2, 3.06, 4.06], "y": [0.08, 0.4, 0.33, 0.55]})
    assert app.truth_b.values() == [0.08, 0.4, 0.33, 0.55]  # a drag in the page is an edit


def test_choosing_the_two_arm_preset_brings_arm_b_plots_with_current_data():
    app = ExplorerApp(preset="car4sar-arm-a")
    app.preset.value = "car4sar-two-arm"
    assert app.arms.two and app.truth_b.values() == [0.08, 0.18, 0.33, 0.55]
    state = str(app.layout.bokeh["selection_b"].render_bundle["docs_json"])
    assert f"{values(app.views.selection_b)[0]!r}"[:12] in state
    app.preset.value = "five-doses"
    assert not app.arms.two and len(values(app.views.selection)) == 6


def test_auto_enumerates_two_arms_only_while_it_answers_at_once():
    raw = load_protocol(EXAMPLE).to_dict()
    raw["design"] = {"method": "boin", "max_n": 24}
    raw["arm_design"]["max_total"] = 24  # up to ~134,000 states, seconds of enumeration
    for arm in raw["arms"]:
        arm.pop("design", None)
    p = protocol_from_dict({**raw, "trials": 2000, "method": "auto"})
    first = first_snapshot(p)
    assert first.total == 2000 and not first.finished  # Monte Carlo's quick answer, not a long enumeration
    assert {n.code for n in first.notes} == {MONTE_CARLO_USED, EXACT_OVER_AUTO_BUDGET}
    exact = first_snapshot(p.with_changes(method="exact"))
    assert exact.finished and exact.total == 0  # chosen explicitly: enumerated
    cli = run_protocol(p)
    assert cli.method == "monte-carlo"  # the command line's auto is the app's
    assert run_protocol(p, method="exact").to_dict() == run_protocol(p.with_changes(method="exact")).to_dict()


def test_exact_chosen_says_it_is_enumerating_before_the_work_then_what_it_shows(app, monkeypatch):
    said = []
    real = app.status.say
    monkeypatch.setattr(app.status, "say", lambda text, css="p1x-note": (said.append(text), real(text, css)))
    app.settings.method.value = "exact"
    assert said[0].startswith("Enumerating every outcome") and "exact (no simulation error)" in said[-1]
    said.clear()
    app.settings.method.value = "auto"
    assert not any(s.startswith("Enumerating") for s in said)  # auto answers at once: no message flashes


def test_no_choose_exact_hint_for_a_design_that_exact_could_not_enumerate_either():
    raw = load_protocol(EXAMPLE).to_dict()
    raw["design"] = {"method": "blrm"}
    for arm in raw["arms"]:
        arm.pop("design", None)
    raw["design"] = {"method": "crm", "cohort_size": 1, "max_n": 40}
    first = first_snapshot(protocol_from_dict({**raw, "trials": 600, "method": "auto"}))
    assert first.total == 600 and any(n.code == MONTE_CARLO_USED and "states" in n.message for n in first.notes)
    assert not any(n.code == EXACT_OVER_AUTO_BUDGET for n in first.notes)
