"""The clock: the "time" object, the engine in calendar time, time OCs and timelines (through the pipeline where
they are OCs)."""

from __future__ import annotations

import csv
import io
import json
from math import comb
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import explorer
from explorer.api import as_protocol
from explorer.core import pipeline
from explorer.core.clock.draws import ONE_ARM_FIELDS, clock_draws, dlt_times, gaps, next_arrival_after
from explorer.core.clock.engine import Trace, simulate_with_clock
from explorer.core.clock.oc import figure
from explorer.core.clock.spec import TIME_OPTIONS, TimeModel, parse_arm_time, parse_time
from explorer.core.clock.timeline import timeline_of
from explorer.core.designs import design_classes, find_design
from explorer.core.designs.base import Capability
from explorer.core.engine.montecarlo import _run
from explorer.core.errors import Problem

THREE = json.loads((Path(__file__).parent / "data" / "three_plus_three_exact.json").read_text())
TRUTH = np.array([0.05, 0.12, 0.25, 0.45, 0.6])
MODELS = [
    TimeModel(accrual="poisson", rate=1.0, dlt_window=2.0),
    TimeModel(accrual="fixed", rate=0.5, dlt_window=3.0, pending="lose"),
    TimeModel(accrual="uniform", rate=2.0, dlt_window=1.0, pending="lose", time_to_dlt="weibull", late_onset=0.7),
]


# ---- the time object ----------------------------------------------------------------------------------------

def test_time_object_parses_with_defaults_and_arm_overrides():
    problems: list[Problem] = []
    t = parse_time({"accrual": "fixed", "rate": 0.5, "dlt_window": 6, "time_unit": "weeks"}, problems)
    assert not problems and t == TimeModel(accrual="fixed", rate=0.5, dlt_window=6.0, time_unit="weeks")
    assert parse_time({}, problems) == TimeModel()
    b = parse_arm_time({"dlt_window": 2}, t, problems, "arms[1].time")
    assert not problems and b.dlt_window == 2 and b.rate == 0.5
    assert TimeModel(**t.to_json()) == t and set(t.to_json()) == {o.name for o in TIME_OPTIONS}


@pytest.mark.parametrize("raw, field, words", [
    ({"accrual": "weekly"}, "time.accrual", '"weekly" is not valid; give one of "fixed", "poisson", "uniform"'),
    ({"rate": 0}, "time.rate", "0 is not valid; give a number from"),
    ({"dlt_window": -1}, "time.dlt_window", "-1 is not valid"),
    ({"pending": "queue"}, "time.pending", '"wait", "lose"'),
    ({"windows": 3}, "time.windows", '"windows" is not a time option here'),
    ([1, 2], "time", "is not an object"),
])
def test_bad_time_objects_name_the_field_the_value_and_what_is_valid(raw, field, words):
    problems: list[Problem] = []
    assert parse_time(raw, problems) is None
    assert problems[0].field == field and words in problems[0].message


def test_an_arm_may_change_only_its_window_settings():
    problems: list[Problem] = []
    assert parse_arm_time({"rate": 2}, TimeModel(), problems, "arms[1].time") is None
    assert problems[0].field == "arms[1].time.rate" and "dlt_window, time_to_dlt, late_onset" in problems[0].message


# ---- draws --------------------------------------------------------------------------------------------------

def test_accrual_gaps_have_mean_one_over_rate_and_the_right_law():
    u = np.random.default_rng(1).random(200_000)
    for accrual, law in (("poisson", stats.expon(scale=0.5)), ("uniform", stats.uniform(0, 1.0))):
        g = gaps(TimeModel(accrual=accrual, rate=2.0), u)
        assert stats.kstest(g, law.cdf).pvalue > 1e-3
    assert np.all(gaps(TimeModel(accrual="fixed", rate=4.0), u[:5]) == 0.25)


def test_weibull_dlt_times_put_the_late_onset_share_in_the_second_half_of_the_window():
    u = np.random.default_rng(2).random(200_000)
    for p, late in ((0.1, 0.5), (0.4, 0.7), (0.9, 0.3)):
        t = dlt_times(TimeModel(time_to_dlt="weibull", late_onset=late), u, np.full(u.size, p), 6.0)
        assert np.all((t > 0) & (t <= 6.0))
        assert np.mean(t > 3.0) == pytest.approx(late, abs=0.005)
        # given a DLT, T is the Weibull with P(T ≤ W) = p conditioned on T ≤ W: check one more quantile
        a, b = -np.log1p(-p), -np.log1p(-(1 - late) * p)
        k = (np.log(a) - np.log(b)) / np.log(2)
        lam = 6.0 * a ** (-1 / k)
        assert np.mean(t <= 1.5) == pytest.approx((1 - np.exp(-(1.5 / lam) ** k)) / p, abs=0.005)
    t = dlt_times(TimeModel(), u, np.full(u.size, 0.3), 6.0)
    assert stats.kstest(t, stats.uniform(0, 6).cdf).pvalue > 1e-3


def test_next_arrival_after_a_suspension():
    fixed = TimeModel(accrual="fixed", rate=0.1)
    np.testing.assert_allclose(next_arrival_after(fixed, np.array([78.0, 80.0, 80.0001]), np.zeros(3)),
                               [80.0, 80.0, 90.0])
    u = np.random.default_rng(3).random(200_000)
    poisson = next_arrival_after(TimeModel(accrual="poisson", rate=2.0), np.zeros(u.size), u)
    assert poisson.mean() == pytest.approx(0.5, rel=0.01)
    # uniform gaps on (0, 1): the equilibrium excess has mean E[G²]/(2E[G]) = 1/3
    uniform = next_arrival_after(TimeModel(accrual="uniform", rate=2.0), np.zeros(u.size), u)
    assert uniform.mean() == pytest.approx(1 / 3, rel=0.01) and uniform.max() <= 1.0


# ---- designs that need complete data ---------------------------------------------------------------------

COMPLETE = [m for m, c in design_classes().items() if Capability.NEEDS_TIME not in c.capabilities]


@pytest.mark.parametrize("method", COMPLETE)
@pytest.mark.parametrize("model", range(len(MODELS)))
def test_designs_needing_complete_data_make_the_untimed_decisions(method, model):
    """They decide only once every outcome is known, so the clock changes when, not what: trial by trial the
    untimed engine's end states, on the same patients."""
    cls = design_classes()[method]
    opts = {"max_n": 18} if any(o.name == "max_n" for o in cls.options) else {}
    design = cls(5, 0.25, 0, **opts)
    draws = clock_draws(np.random.default_rng(11), 1500, design.max_n)
    res, pat = simulate_with_clock(design, TRUTH, MODELS[model], draws)
    sel, n, x, _ = _run(design, TRUTH, draws[:, 0, :])
    np.testing.assert_array_equal(res.trials.selected, sel)
    np.testing.assert_array_equal(res.trials.n, n)
    np.testing.assert_array_equal(res.trials.x, x)
    assert np.all(res.pending_decisions == 0)
    # time runs forwards: arrivals, starts and outcomes in order
    enrolled = pat.dose >= 0
    assert np.all(pat.start[enrolled] >= pat.arrival[enrolled] - 1e-12)
    starts = np.where(enrolled, pat.start, np.nanmax(pat.start, axis=1, keepdims=True))
    assert np.all(np.diff(starts, axis=1) >= -1e-12)
    assert np.all(res.time_to_mtd >= np.nanmax(np.where(enrolled, pat.known, -np.inf), axis=1) - 1e-12)
    if MODELS[model].pending == "lose":
        assert np.all(res.waited == 0) and res.lost.sum() > 0
    else:
        assert np.all(res.lost == 0) and res.waited.sum() > 0


def protocol(method: str = "3+3", truth=TRUTH, time: TimeModel | dict = MODELS[0], trials: int = 2000,
             **design) -> dict:
    """A one-arm protocol object with a clock."""
    t = time if isinstance(time, dict) else time.to_json()
    return {"target": 0.25, "truth": [float(v) for v in truth], "design": {"method": method, **design}, "time": t,
            "trials": trials, "seed": 11}


@pytest.mark.parametrize("method, opts", [("3+3", {}), ("tite-boin", {"max_n": 18})])
def test_pipeline_chunks_merge_to_one_run(method, opts):
    """The pipeline's chunks (300, then 2000 at a time, each its own rng.random((size, fields, width))) give the
    numbers of one chunk of every trial: OCs and time OCs alike."""
    p = as_protocol(protocol(method, trials=2500, **opts))
    chunked = pipeline.run(p)
    whole = list(pipeline.stream(p, first=2500, every=float("inf")))[-1]
    assert chunked.ocs[0].to_dict() == whole.ocs[0].to_dict()
    # and both are the engine's run on the one array of draws
    design = p.arms[0].build_design(p.target)
    draws = np.random.default_rng(p.seed).random((2500, len(ONE_ARM_FIELDS), design.max_n))
    res, _ = simulate_with_clock(design, TRUTH, MODELS[0], draws)
    assert chunked.ocs[0].time.arms[0].figures["duration"].mean == pytest.approx(res.duration.mean(), abs=1e-12)
    assert chunked.ocs[0].arms[0].sample_size == pytest.approx(res.trials.n.sum(axis=1).mean(), abs=1e-12)


def _three_plus_three_paths(truth, d=0, n=None, x=None):
    """Every outcome path of the reference 3+3 rule (tests/data README), as (probability, DLTs of each cohort)."""
    K = len(truth)
    n = [0] * K if n is None else n
    x = [0] * K if x is None else x
    for y in range(4):
        p = comb(3, y) * truth[d] ** y * (1 - truth[d]) ** (3 - y)
        if p == 0:
            continue
        n2, x2 = n.copy(), x.copy()
        n2[d] += 3
        x2[d] += y
        for q, rest in _after(truth, d, n2, x2):
            yield p * q, [y] + rest


def _after(truth, d, n, x):
    K = len(truth)
    if n[d] == 3 and x[d] == 0 and d < K - 1:
        yield from _three_plus_three_paths(truth, d + 1, n, x)
    elif n[d] == 3 and x[d] <= 1:
        yield from _three_plus_three_paths(truth, d, n, x)       # expand to 6 (0/3 at the top, or 1/3)
    elif n[d] == 6 and x[d] <= 1 and d < K - 1 and not (n[d + 1] and x[d + 1] >= 2 or n[d + 1] == 6):
        yield from _three_plus_three_paths(truth, d + 1, n, x)
    elif n[d] == 6 and x[d] <= 1:
        yield 1.0, []                                             # MTD found
    else:                                                         # d exceeds the MTD
        if d == 0 or n[d - 1] == 6:
            yield 1.0, []
        else:
            yield from _three_plus_three_paths(truth, d - 1, n, x)


@pytest.mark.parametrize("scenario", THREE["scenarios"][:3], ids=[s["name"] for s in THREE["scenarios"][:3]])
def test_three_plus_three_durations_against_an_exact_computation(scenario):
    """3+3, fixed accrual, wait. (1) Slow accrual (a gap longer than the window): nobody waits and the trial
    lasts (patients) × gap + window, trial by trial. (2) Accrual so fast that a queue is always there: each
    cohort lasts the window, or, when all 3 have a DLT, the last of 3 uniform DLT times (3/4 window on average);
    the trial lasts every cohort but the last plus one window, and the MTD decision comes at the last cohort's
    end. Expected values from every outcome path of the 3+3 rule."""
    truth = np.array(scenario["truth"])
    paths = list(_three_plus_three_paths(list(truth)))
    prob = np.array([p for p, _ in paths])
    assert prob.sum() == pytest.approx(1.0, abs=1e-12)
    size = sum(p * 3 * len(c) for p, c in paths)
    assert size == pytest.approx(scenario["sample_size"], abs=1e-9)  # the paths are the reference's 3+3
    design = find_design("3+3")(truth.size, 0.25, 0)
    draws = clock_draws(np.random.default_rng(8), 2000, design.max_n)

    slow = TimeModel(accrual="fixed", rate=0.2, dlt_window=4.0)  # one patient every 5 units
    res, _ = simulate_with_clock(design, truth, slow, draws)  # trial by trial on the engine
    np.testing.assert_allclose(res.duration, 5.0 * res.trials.n.sum(axis=1) + 4.0, rtol=1e-12)
    assert np.all(res.waited == 0) and np.all(res.suspended >= 0)
    d = explorer.simulate(protocol("3+3", truth, slow, trials=20_000)).to_dict()  # the OCs through the pipeline
    assert abs(d["duration"]["mean"] - (5.0 * size + 4.0)) <= 3 * d["duration"]["stderr"]["mean"]

    W, g = 1.0, 1e-6
    fast = TimeModel(accrual="fixed", rate=1 / g, dlt_window=W)
    d = explorer.simulate(protocol("3+3", truth, fast, trials=20_000)).to_dict()
    cohort = lambda y: 0.75 * W if y == 3 else W  # noqa: E731
    before_last = sum(p * sum(cohort(y) for y in c[:-1]) for p, c in paths)
    decision = sum(p * sum(cohort(y) for y in c) for p, c in paths)
    # accrual is suspended from each cohort's last start to its end, the last cohort's end being the decision
    for key, exact in (("duration", before_last + W), ("time_to_mtd", decision), ("suspended", before_last)):
        f = d[key]
        assert abs(f["mean"] - exact) <= 3 * f["stderr"]["mean"] + 1e-4, (key, f["mean"], exact)


# ---- time OCs and timelines --------------------------------------------------------------------------------

def test_figures_summarise_the_per_trial_values():
    v = np.random.default_rng(4).gamma(3.0, 2.0, 4000)
    f = figure(v)
    assert f.mean == pytest.approx(v.mean()) and f.sd == pytest.approx(v.std(ddof=1))
    assert f.median == pytest.approx(np.median(v)) and f.p90 == pytest.approx(np.quantile(v, 0.9))
    assert f.probability.sum() == pytest.approx(1.0) and f.edges.size == f.probability.size + 1
    assert f.stderr["mean"] == pytest.approx(v.std(ddof=1) / np.sqrt(v.size))
    # quantile standard errors against the asymptotic sqrt(q(1-q)/n)/density of the gamma law
    dens = stats.gamma(3.0, scale=2.0)
    for q, key in ((0.5, "median"), (0.9, "p90")):
        asym = np.sqrt(q * (1 - q) / v.size) / dens.pdf(dens.ppf(q))
        assert f.stderr[key] == pytest.approx(asym, rel=0.35)
    counts = figure(np.array([0, 1, 1, 3]))
    np.testing.assert_allclose(counts.probability, [0.25, 0.5, 0.0, 0.25])


def test_simulate_json_has_the_time_figures_in_the_contract_shape():
    d = explorer.simulate(protocol("boin", time=MODELS[0], trials=500, max_n=18)).to_dict()
    for key in ("duration", "time_to_mtd", "accrual_time", "waited", "lost", "total_wait", "suspended", "decisions"):
        assert set(d[key]) == {"mean", "sd", "median", "p90", "distribution", "stderr"}
        assert set(d[key]["stderr"]) == {"mean", "median", "p90"}
        # nobody is lost when arrivals wait, and BOIN with 18 in 3s always makes 7 decisions
        assert (d[key]["stderr"]["mean"] > 0) == (key not in ("lost", "decisions"))
        assert sum(d[key]["distribution"]["probability"]) == pytest.approx(1.0)
    assert d["time_unit"] == "units" and d["duration_definition"] == "window" and d["time"] == MODELS[0].to_json()
    assert 0 <= d["share_pending"]["mean"] <= 1 and d["mean_wait"]["mean"] > 0
    # a cached result keeps them
    oc = pipeline.run(as_protocol(protocol("boin", trials=500, max_n=18))).ocs[0]
    again = type(oc).from_dict(json.loads(json.dumps(oc.to_dict())))
    assert again.to_dict() == oc.to_dict() and again.time.arms[0].figures["duration"].mean == d["duration"]["mean"]


@pytest.mark.parametrize("method", ["3+3", "tite-crm", "tite-boin", "rolling-six"])
def test_a_timeline_is_consistent_with_its_trial(method):
    time = TimeModel(accrual="poisson", rate=0.5, dlt_window=3.0)
    p = as_protocol(protocol(method, time=time, **({"max_n": 18} if method.startswith("tite") else {})))
    tl = pipeline.trial_timeline(p, number=3)
    d = tl.to_dict()
    assert len(d["patients"]) >= 1 and d["decisions"][-1]["kind"] == "stop"
    assert sum(dd["kind"] == "assign" for dd in d["decisions"]) >= 1
    for pt in tl.patients:
        assert pt.arrival <= pt.start and pt.window_end == pytest.approx(pt.start + 3.0)
        assert pt.dlt == (pt.dlt_time is not None)
        assert pt.dlt_time is None or pt.start < pt.dlt_time <= pt.window_end
    assert tl.duration >= max(pt.window_end for pt in tl.patients) - 1e-9
    # the trial the engine runs on the same draws; and the walkthrough's trace is that trial
    design = p.arms[0].build_design(p.target)
    draws = np.random.default_rng([p.seed, 3]).random((1, len(ONE_ARM_FIELDS), design.max_n))
    trace = Trace()
    res, pat = simulate_with_clock(design, TRUTH, time, draws, trace)
    assert timeline_of(0, res, pat, trace, 3.0) == tl
    walk = pipeline.trial_trace(p, number=3)
    assert walk.dose == tuple(pt.dose for pt in tl.patients) and walk.dlt == tuple(pt.dlt for pt in tl.patients)
    assert walk.selected == tl.selected and sum(walk.cohort_end) == sum(dd["kind"] == "assign" for dd in d["decisions"])


def test_time_ocs_as_csv_rows_and_markdown():
    r = explorer.simulate(protocol("3+3", trials=800))
    d = r.to_dict()
    rows = {(row["metric"], row["level"]): row for row in csv.DictReader(io.StringIO(r.to_csv()))}
    assert float(rows[("duration_mean", "")]["value"]) == pytest.approx(d["duration"]["mean"], rel=1e-9)
    assert float(rows[("duration_p90", "")]["stderr"]) == pytest.approx(d["duration"]["stderr"]["p90"], rel=1e-9)
    assert float(rows[("share_pending", "")]["value"]) == 0.0
    bins = [row for (m, _), row in rows.items() if m == "duration_probability"]
    assert sum(float(b["value"]) for b in bins) == pytest.approx(1.0)
    md = r.to_markdown()
    assert f"| trial duration | {d['duration']['mean']:.2f} ±" in md and "Time in units" in md


PENDING_DESIGNS = [("tite-crm", {"max_n": 18}), ("tite-crm", {"max_n": 12, "scheme": "adaptive", "cohort_size": 2}),
                   ("tite-boin", {"max_n": 18}), ("tite-boin", {"max_n": 18, "estimator": "ess"}),
                   ("tite-boin", {"max_n": 15, "titration": True, "n_earlystop": 6}), ("rolling-six", {})]


@pytest.mark.parametrize("method, opts", PENDING_DESIGNS, ids=[f"{m}{o}" for m, o in PENDING_DESIGNS])
@pytest.mark.parametrize("model", range(len(MODELS)))
def test_designs_deciding_on_pending_outcomes_keep_time_and_counts_coherent(method, opts, model):
    design = find_design(method)(5, 0.25, 0, **opts)
    time = MODELS[model]
    res, pat = simulate_with_clock(design, TRUTH, time, clock_draws(np.random.default_rng(12), 1500, design.max_n))
    enrolled = pat.dose >= 0
    np.testing.assert_array_equal(res.trials.n, [np.bincount(pat.dose[t][enrolled[t]], minlength=5)
                                                 for t in range(1500)])
    np.testing.assert_array_equal(res.trials.x.sum(axis=1), (pat.dlt & enrolled).sum(axis=1))
    assert np.all(res.trials.n.sum(axis=1) <= design.max_n)
    assert np.all(pat.start[enrolled] >= pat.arrival[enrolled] - 1e-12)
    assert np.all((res.trials.selected >= -1) & (res.trials.selected < 5))
    assert np.all(res.time_to_mtd >= np.where(enrolled, pat.known, -np.inf).max(axis=1) - 1e-12)
    assert np.all(res.duration >= res.accrual_time) and np.all(res.pending_decisions <= res.decisions)
    assert res.pending_decisions.sum() > 0
    if time.pending == "lose" and opts.get("estimator") != "ess":  # ess may suspend again: the patient waits
        assert np.all(res.waited == 0) and np.all(res.lost >= 0)


def test_a_design_needing_complete_data_waits_while_outcomes_are_pending():
    """Design.decide_pending's default: suspend where an outcome is pending, else decide on the counts."""
    from clock_helpers import stack, state_at_dose

    design = find_design("3+3")(4, 0.25, 0)
    waiting = state_at_dose(design, 1, 3, 0, 2, stft=0.5, others={0: (3, 0)})
    complete = state_at_dose(design, 1, 3, 0, 0, others={0: (3, 0)})
    dec = design.decide_pending(stack([waiting, complete]))
    assert list(dec.suspend) == [True, False] and dec.dose[0] == -1 and not dec.stop[0]
    plain = design.decide(complete.n, complete.x, complete.cur, complete.extra)
    assert (dec.dose[1], dec.size[1], dec.stop[1]) == (plain.dose[0], plain.size[0], plain.stop[0]) == (2, 3, False)
