"""The "time" object in the trial model: validation with field paths, written back, per-arm windows, what the
command line says about it, and that every design reports the time figures under a clock."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

import explorer
from explorer.cli import main
from explorer.core import pipeline
from explorer.core.clock.spec import TimeModel
from explorer.core.designs import design_classes
from explorer.core.errors import TIME_DESIGN_WITHOUT_CLOCK, ProtocolError
from explorer.core.validation import protocol_from_dict

BASE = {"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "3+3"}, "trials": 300}
TWO = {"target": 0.25, "design": {"method": "3+3"}, "trials": 300,
       "arms": [{"name": "A", "truth": [0.05, 0.12, 0.25, 0.45]}, {"name": "B", "truth": [0.08, 0.18, 0.33, 0.55]}],
       "arm_design": {"mode": "staggered", "max_total": 18}}


def _problems(raw: dict) -> dict[str, str]:
    with pytest.raises(ProtocolError) as e:
        protocol_from_dict(raw)
    return {p.field: p.message for p in e.value.problems}


def test_a_protocol_with_a_clock_is_written_back_and_loads_again():
    raw = {**BASE, "time": {"accrual": "fixed", "rate": 0.25, "dlt_window": 4, "time_unit": "weeks"}}
    p = protocol_from_dict(raw)
    assert p.time == TimeModel(accrual="fixed", rate=0.25, dlt_window=4.0, time_unit="weeks")
    assert protocol_from_dict(p.to_dict()) == p and p.to_dict()["time"]["pending"] == "wait"
    assert "time" not in protocol_from_dict(BASE).to_dict() and protocol_from_dict(BASE).time is None


def test_an_arm_may_have_its_own_window_on_the_trials_clock():
    raw = {**TWO, "time": {"rate": 1, "dlt_window": 2, "time_unit": "months"}}
    raw["arms"] = [raw["arms"][0], {**raw["arms"][1], "time": {"dlt_window": 1, "time_to_dlt": "weibull"}}]
    p = protocol_from_dict(raw)
    a, b = p.arm_times()
    assert a.dlt_window == 2 and b.dlt_window == 1 and b.time_to_dlt == "weibull" and b.rate == a.rate == 1
    assert p.to_dict()["arms"][1]["time"] == {"dlt_window": 1.0, "time_to_dlt": "weibull"}
    assert "time" not in p.to_dict()["arms"][0] and protocol_from_dict(p.to_dict()) == p
    d = explorer.simulate(p).to_dict()
    assert d["arms"][0]["duration"]["mean"] > 0 and d["arms"][1]["time_unit"] == "months"
    assert d["joint"]["duration"]["mean"] >= max(a["duration"]["mean"] for a in d["arms"]) - 1e-9


@pytest.mark.parametrize("time, field, words", [
    ({"accrual": "weekly"}, "time.accrual", '"weekly" is not valid; give one of "fixed", "poisson", "uniform"'),
    ({"rate": -1}, "time.rate", "-1 is not valid; give a number from"),
    ({"dlt_window": "6 weeks"}, "time.dlt_window", '"6 weeks" is not valid'),
    ({"time_unit": "fortnights"}, "time.time_unit", '"days", "weeks", "months"'),
    ({"window": 3}, "time.window", '"window" is not a time option here; valid: accrual, rate, dlt_window'),
    ("weeks", "time", "is not an object"),
])
def test_bad_time_objects_name_the_field_the_value_and_what_is_valid(time, field, words):
    problems = _problems({**BASE, "time": time})
    assert field in problems and words in problems[field]


def test_an_arms_time_needs_the_trials_clock_and_may_change_only_its_window():
    arms = [TWO["arms"][0], {**TWO["arms"][1], "time": {"dlt_window": 1}}]
    problems = _problems({**TWO, "arms": arms})
    assert 'give a top-level "time"' in problems["arms[1].time"]
    arms[1] = {**arms[1], "time": {"rate": 3}}
    problems = _problems({**TWO, "arms": arms, "time": {}})
    assert "dlt_window, time_to_dlt, late_onset" in problems["arms[1].time.rate"]


def test_exact_is_not_offered_with_a_clock_and_the_command_line_says_why(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({**BASE, "time": {}}))
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        assert main(["simulate", str(path), "--exact"]) == 2
    assert "exact enumeration is not offered with a \"time\" object" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_a_time_design_without_a_clock_runs_with_every_outcome_known_and_says_so():
    p = protocol_from_dict({**BASE, "design": {"method": "tite-boin", "max_n": 12}})
    assert [w.code for w in p.warnings] == [TIME_DESIGN_WITHOUT_CLOCK] and p.warnings[0].field == "design"
    ours = explorer.simulate(p, method="exact").to_dict()
    boin = explorer.simulate({**BASE, "design": {"method": "boin", "max_n": 12}}, method="exact").to_dict()
    assert ours["selection"] == pytest.approx(boin["selection"], abs=1e-12) and "duration" not in ours
    assert not protocol_from_dict({**BASE, "time": {}, "design": {"method": "tite-boin"}}).warnings


@pytest.mark.parametrize("method", list(design_classes()))
def test_every_design_reports_the_time_figures_under_a_clock(method):
    """Through the pipeline, one arm and two arms: duration and the other figures, in every output."""
    cls = design_classes()[method]
    design = {"method": method, **({"max_n": 12} if any(o.name == "max_n" for o in cls.options) else {})}
    time = {"accrual": "poisson", "rate": 1, "dlt_window": 1.5, "time_unit": "months"}
    r = explorer.simulate({**BASE, "design": design, "time": time})
    d = r.to_dict()
    assert d["duration"]["mean"] > 1.5 and d["duration"]["p90"] >= d["duration"]["median"] > 0
    assert d["time_to_mtd"]["mean"] > 0 and d["decisions"]["mean"] >= 1 and d["time_unit"] == "months"
    assert "duration_mean" in r.to_csv() and "| trial duration |" in r.to_markdown()
    two = explorer.simulate({**TWO, "design": design, "time": time, "trials": 200}).to_dict()
    assert all(a["duration"]["mean"] > 0 for a in two["arms"]) and two["joint"]["duration"]["mean"] > 1.5


def test_compare_reports_each_designs_time_and_the_paired_differences():
    c = explorer.compare({**BASE, "time": {"rate": 1, "dlt_window": 2}, "trials": 1000},
                         ["rolling-six", {"method": "tite-boin", "max_n": 18}])
    d = c.to_dict()
    assert [x["duration"]["mean"] > 0 for x in d["designs"]] == [True] * 3
    for diff, design in zip(d["differences"], d["designs"][1:]):
        want = design["duration"]["mean"] - d["designs"][0]["duration"]["mean"]
        assert diff["duration"]["difference"] == pytest.approx(want, abs=1e-9) and diff["duration"]["stderr"] > 0


def test_designs_help_says_which_rules_the_time_designs_follow_and_lists_the_time_object():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["designs"]) == 0
    text = " ".join(out.getvalue().split())  # paragraphs are wrapped
    for words in ("Skolnik et al. 2008's published table", "labja/RollingSix's table", "dfcrm's titesim",
                  "estimator = ess gives CRAN TITEgBOIN", '"time" (the trial\'s clock)', "late_onset",
                  "decides once every enrolled patient's DLT window is over"):
        assert words in text, words
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["designs", "--format", "json"]) == 0
    listed = {d["method"]: d for d in json.loads(out.getvalue())}
    assert "needs-time" in listed["tite-crm"]["capabilities"] and "suspends" in listed["rolling-six"]["capabilities"]
    assert listed["tite-boin"]["rules"].startswith("Yuan et al. 2018")


def test_the_timeline_of_a_two_arm_trial_comes_from_the_pipeline():
    p = protocol_from_dict({**TWO, "time": {"rate": 1, "dlt_window": 2}, "design": {"method": "tite-crm",
                                                                                  "max_n": 9}})
    tl = pipeline.trial_timeline(p, number=2)
    d = tl.to_dict()
    assert {x["arm"] for x in d["patients"]} <= {0, 1} and len(d["selected"]) == 2
    trace = pipeline.trial_trace(p, number=2)
    assert trace.arm == tuple(x["arm"] for x in d["patients"]) and trace.selected == tl.selected
    assert pipeline.trial_timeline(protocol_from_dict(BASE)) is None
