"""In-process app tests: controls → validated protocol → OCs in the Bokeh sources, and messages on bad input."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from explorer.api import simulate as run_protocol
from explorer.app import ExplorerApp
from explorer.core.validation import protocol_from_dict

CAR4SAR = {"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "3+3"},
           "doses": [{"label": f"{v:.0e}".replace("+0", "") + " cells/kg", "value": v, "unit": "cells/kg"}
                     for v in (1e5, 3e5, 1e6, 3e6)]}

ONE_ARM = "car4sar-arm-a"  # the single-arm preset (the app opens on the two-arm one)


@pytest.fixture(scope="module")
def fresh():
    return partial(ExplorerApp, preset=ONE_ARM)


def selection(app: ExplorerApp) -> list[float]:
    return list(app.views.selection.source.data["value"])


def test_default_app_shows_car4sar_preset_exact(fresh):
    app = fresh()
    oc = run_protocol(protocol_from_dict(CAR4SAR)).oc
    np.testing.assert_allclose(selection(app), [*oc.selection, oc.no_selection], atol=1e-12)
    assert app.views.truth.points.data["y"] == [0.05, 0.12, 0.25, 0.45]
    assert list(app.views.truth.mtd.data["x"]) == [3]
    assert app.views.truth.points.data["label"][0] == "1e5 cells/kg"
    assert "Illustrative" in app.presets.note.value
    assert "exact" in app.status.text.value
    assert app.views.summary.source.data["pcs"] == [pytest.approx(oc.pcs)]


def test_truth_change_recomputes(fresh):
    app = fresh()
    before = selection(app)
    app.truth.boxes[1].value = 0.3
    after = selection(app)
    assert after != before
    expected = run_protocol(protocol_from_dict({**CAR4SAR, "truth": [0.05, 0.3, 0.25, 0.45]})).oc
    np.testing.assert_allclose(after[:4], expected.selection, atol=1e-12)
    assert app.views.truth.points.data["y"][1] == 0.3


def test_bad_truth_shows_message_and_keeps_last_results(fresh):
    app = fresh()
    before = selection(app)
    app.truth.boxes[2].value = 1.3
    assert "Dose level 3" in app.truth.message.value and "outside [0, 1]" in app.truth.message.value
    assert "p1x-error" in app.status.text.value
    assert selection(app) == before
    assert app.views.truth.points.data["y"][2] == 0.25  # the plot still shows the last valid truth
    assert app.settings.target_message.value == ""
    app.truth.boxes[2].value = 0.2
    assert app.truth.message.value == ""
    assert selection(app) != before


def test_bad_target_and_start_dose_messages_go_next_to_their_controls(fresh):
    app = fresh()
    app.settings.target.value = 1.5
    assert "outside (0, 1)" in app.settings.target_message.value
    assert app.truth.message.value == ""
    app.settings.target.value = 0.25
    app.settings.start_dose.value = 9
    assert "outside the ladder" in app.settings.start_message.value
    assert app.settings.target_message.value == ""
    app.settings.start_dose.value = 1
    assert app.settings.start_message.value == ""


def test_monte_carlo_has_whiskers_and_matches_the_cli(fresh):
    app = fresh()
    app.settings.trials.value = 3000
    app.settings.method.value = "monte-carlo"
    oc = run_protocol(protocol_from_dict({**CAR4SAR, "trials": 3000, "method": "monte-carlo"})).oc
    np.testing.assert_allclose(selection(app), [*oc.selection, oc.no_selection], atol=1e-12)
    data = app.views.selection.source.data
    assert all(u > v for u, v in zip(data["upper"][:4], data["value"][:4]) if 0 < v < 1)
    assert "3,000 of 3,000" in app.status.text.value
    assert app.views.summary.source.data["how"] == ["Monte Carlo, 3,000 trials"]


def test_non_monotone_truth_warns_but_computes(fresh):
    app = fresh()
    app.truth.boxes[3].value = 0.1
    assert "not increasing" in app.truth.message.value and "p1x-warn" in app.truth.message.value
    assert app.views.truth.points.data["y"][3] == 0.1


def test_refresh_puts_current_data_into_widget_state(fresh):
    app = fresh()
    app.truth.boxes[1].value = 0.333
    assert "0.333" not in str(app.layout.bokeh["truth"].render_bundle["docs_json"])  # state from build time
    app.refresh()
    assert "0.333" in str(app.layout.bokeh["truth"].render_bundle["docs_json"])


def test_exact_when_not_feasible_says_so_next_to_compute(fresh):
    app = fresh()
    app.designs.load([("crm", {"cohort_size": 1, "max_n": 60})])
    good = selection(app)
    app.settings.method.value = "exact"
    assert "exact results are not available" in app.settings.run_message.value
    assert "60 patients in cohorts of 1" in app.settings.run_message.value
    assert selection(app) == good
    app.settings.method.value = "auto"
    assert app.settings.run_message.value == ""


def test_progress_bar_only_for_slow_work():
    from explorer.app.progress import Status

    s = Status()
    s.progress(0.2, elapsed=0.1)
    assert s.bar.layout.display == "none"
    s.progress(0.4, elapsed=0.7)
    assert s.bar.layout.display == "" and s.bar.value == 0.4
    s.done()
    assert s.bar.layout.display == "none"
