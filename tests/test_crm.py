"""CRM: skeleton calibration and OCs against dfcrm, posterior against brute-force quadrature, hand-worked rules."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import simulate_trials
from scipy import integrate, optimize, special

from explorer.core.designs.calibration import calibrate_skeleton
from explorer.core.designs.crm import CRM
from explorer.core.engine import enumerate_exact
from explorer.core.errors import ProtocolError
from explorer.core.oc import summarise

REF = json.loads((Path(__file__).parent / "data" / "crm_dfcrm_crmsim.json").read_text())
R_DESIGN = REF["design"]
R_TRIALS = REF["trials"]
OUR_TRIALS = 20_000


def _dfcrm_design(**changes) -> CRM:
    """The CRM exactly as the reference ran crmsim (no early stopping, as dfcrm)."""
    opts = dict(cohort_size=R_DESIGN["cohort_size"], max_n=R_DESIGN["max_n"], model=R_DESIGN["model"],
                skeleton=R_DESIGN["skeleton"], prior_sd=R_DESIGN["prior_sd"], no_skip=R_DESIGN["no_skip"],
                safety_stop=1.0)
    opts.update(changes)
    return CRM(len(R_DESIGN["skeleton"]), REF["target"], REF["start_dose"] - 1, **opts)


# ---- calibration ----------------------------------------------------------------------------------------------

def test_calibration_reproduces_dfcrm_getprior():
    # getprior(0.05, 0.25, 3, 6): the reference prints 7 significant digits
    s = calibrate_skeleton(0.05, REF["target"], 3, 6)
    np.testing.assert_allclose(s, R_DESIGN["skeleton"], rtol=1e-6, atol=0)


@pytest.mark.parametrize("model", ["empiric", "logistic"])
@pytest.mark.parametrize("target, halfwidth, nu, K", [(0.25, 0.05, 3, 6), (0.3, 0.08, 1, 5), (0.2, 0.04, 4, 4)])
def test_calibrated_skeleton_has_the_asked_indifference_intervals(model, target, halfwidth, nu, K):
    """Where the model puts dose k at target − δ, it puts dose k + 1 at target + δ; the prior MTD is at target."""
    a = 3.0
    s = calibrate_skeleton(halfwidth, target, nu, K, model, intercept=a)
    assert s[nu - 1] == pytest.approx(target, abs=1e-12)
    assert np.all(np.diff(s) > 0)

    def rate(k: int, b: float) -> float:
        if model == "empiric":
            return s[k] ** math.exp(b)
        return float(special.expit(a + math.exp(b) * (special.logit(s[k]) - a)))

    for k in range(K - 1):
        b = optimize.brentq(lambda b, k=k: rate(k, b) - (target - halfwidth), -20, 20, xtol=1e-14)
        assert rate(k + 1, b) == pytest.approx(target + halfwidth, abs=1e-9)


def test_skeleton_must_fit_the_ladder():
    with pytest.raises(ProtocolError, match="skeleton has 3 values but the ladder has 4"):
        CRM(4, 0.25, skeleton=[0.1, 0.2, 0.3])
    with pytest.raises(ProtocolError, match="increase strictly"):
        CRM(3, 0.25, skeleton=[0.1, 0.3, 0.2])
    with pytest.raises(ProtocolError, match="prior_mtd = 5"):
        CRM(4, 0.25, prior_mtd=5)


def test_default_skeleton_is_calibrated_at_the_middle_dose():
    d = CRM(6, 0.25)
    np.testing.assert_allclose(d.skeleton, calibrate_skeleton(0.05, 0.25, 3, 6), rtol=1e-12)
    assert CRM(5, 0.25).skeleton[2] == pytest.approx(0.25)


# ---- posterior against brute force -------------------------------------------------------------------------------

def _quad_posterior(design: CRM, n: np.ndarray, x: np.ndarray) -> tuple[float, float]:
    """Posterior mean of beta and P(p_1 > target) by adaptive quadrature over the whole real line."""
    sd, t, a = design.opts["prior_sd"], design.target, design.opts["intercept"]
    s = design.skeleton

    def rates(b: float) -> np.ndarray:
        if design.opts["model"] == "empiric":
            return s ** math.exp(b)
        return special.expit(a + math.exp(b) * (special.logit(s) - a))

    def dens(b: float) -> float:
        p = rates(b)
        return math.exp(-b * b / (2 * sd * sd)) * float(np.prod(p ** x * (1 - p) ** (n - x)))

    # the prior density beyond ±15 is below e^-80: the whole line for any double-precision purpose
    opts = dict(epsabs=0, epsrel=1e-11, limit=400)
    z = integrate.quad(dens, -15, 15, **opts)[0]
    mean = integrate.quad(lambda b: b * dens(b), -15, 15, **opts)[0] / z
    cut = optimize.brentq(lambda b: rates(b)[0] - t, -15, 15, xtol=1e-14)  # p_1 > t  <=>  b < cut
    low = integrate.quad(dens, -15, cut, **opts)[0] / z
    return mean, low


DATASETS = [
    (np.array([3, 3, 1, 0, 0, 0]), np.array([0, 1, 1, 0, 0, 0])),
    (np.array([1, 1, 2, 4, 0, 0]), np.array([0, 0, 0, 3, 0, 0])),
    (np.array([6, 0, 0, 0, 0, 0]), np.array([5, 0, 0, 0, 0, 0])),
    (np.array([3, 3, 3, 6, 6, 3]), np.array([0, 0, 0, 0, 0, 0])),
]


@pytest.mark.parametrize("model", ["empiric", "logistic"])
@pytest.mark.parametrize("k", range(len(DATASETS)))
def test_posterior_on_the_grid_matches_quadrature(model, k):
    design = CRM(6, 0.25, model=model)
    n, x = DATASETS[k]
    beta, low = design.posterior_summary(n[None, :], x[None, :])
    mean_q, low_q = _quad_posterior(design, n, x)
    assert beta[0] == pytest.approx(mean_q, abs=1e-8)
    assert low[0] == pytest.approx(low_q, abs=2e-4)


# ---- hand-worked decisions -------------------------------------------------------------------------------------

def _decide(design: CRM, n, x, cur, last_x_before):
    return design.decide(np.array([n]), np.array([x]), np.array([cur]), np.array([[last_x_before]]))


def _recommendation_by_quadrature(design: CRM, n, x) -> int:
    b, _ = _quad_posterior(design, np.array(n), np.array(x))
    return int(np.argmin(np.abs(design.skeleton ** math.exp(b) - design.target)))


def test_first_cohort_goes_to_the_start_dose():
    d = _dfcrm_design(cohort_size=3, max_n=12)
    dec = d.decide(np.zeros((1, 6), dtype=np.int64), np.zeros((1, 6), dtype=np.int64), np.array([-1]),
                   d.initial_extra(1))
    assert (dec.dose[0], dec.size[0], dec.stop[0]) == (0, 3, False)


def test_no_skipping_when_the_model_would_jump():
    d = _dfcrm_design(cohort_size=3, max_n=12)
    n, x = [3, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]
    assert _recommendation_by_quadrature(d, n, x) >= 2  # the model alone would skip dose 2
    assert _decide(d, n, x, 0, 0).dose[0] == 1
    assert _decide(_dfcrm_design(cohort_size=3, max_n=12, no_skip=False), n, x, 0, 0).dose[0] \
        == _recommendation_by_quadrature(d, n, x)


def test_no_escalation_right_after_a_toxic_cohort():
    d = _dfcrm_design(cohort_size=3, max_n=24)
    # 0/3, 0/3 at doses 1-2, then 1/3 at dose 3: the model recommends escalating, the last cohort forbids it
    n, x = [3, 3, 3, 0, 0, 0], [0, 0, 1, 0, 0, 0]
    assert _recommendation_by_quadrature(d, n, x) == 3
    assert _decide(d, n, x, 2, 0).dose[0] == 2
    # the same counts with the DLT in an earlier cohort at dose 3 (extra says dose 3 had 1 DLT before): escalate
    n2, x2 = [3, 3, 6, 0, 0, 0], [0, 0, 1, 0, 0, 0]
    assert _recommendation_by_quadrature(d, n2, x2) == 3
    assert _decide(d, n2, x2, 2, 1).dose[0] == 3
    assert _decide(d, n2, x2, 2, 0).dose[0] == 2


def test_the_hold_rule_compares_the_last_cohorts_dlt_fraction_with_the_target():
    # dfcrm holds the dose when sum(ynew)/mcohort >= target: with cohorts of 4 and target 0.3, 1/4 does not hold
    skel = calibrate_skeleton(0.05, 0.3, 3, 6)
    d = CRM(6, 0.3, cohort_size=4, max_n=24, skeleton=list(skel), safety_stop=1.0)
    n, x = [4, 4, 4, 0, 0, 0], [0, 0, 1, 0, 0, 0]
    assert _recommendation_by_quadrature(d, n, x) >= 3
    assert _decide(d, n, x, 2, 0).dose[0] == 3
    d25 = CRM(6, 0.25, cohort_size=4, max_n=24, skeleton=list(skel), safety_stop=1.0)
    assert _recommendation_by_quadrature(d25, n, x) >= 3
    assert _decide(d25, n, x, 2, 0).dose[0] == 2  # 1/4 >= 0.25 holds


def test_de_escalation_is_not_restricted():
    d = _dfcrm_design(cohort_size=3, max_n=24)
    n, x = [3, 3, 3, 3, 0, 0], [0, 0, 1, 3, 0, 0]
    rec = _recommendation_by_quadrature(d, n, x)
    assert rec <= 1
    assert _decide(d, n, x, 3, 0).dose[0] == rec


def test_after_the_last_patient_the_unrestricted_recommendation_is_selected():
    d = _dfcrm_design(cohort_size=3, max_n=12)
    n, x = [3, 3, 3, 3, 0, 0], [0, 0, 0, 1, 0, 0]  # the last cohort had a DLT: no matter for the selection
    dec = _decide(d, n, x, 3, 0)
    assert dec.stop[0] and dec.selected[0] == _recommendation_by_quadrature(d, n, x)


def test_last_cohort_is_cut_to_max_n():
    d = _dfcrm_design(cohort_size=3, max_n=10)
    dec = _decide(d, [3, 3, 3, 0, 0, 0], [0, 0, 0, 0, 0, 0], 2, 0)
    assert not dec.stop[0] and dec.size[0] == 1


# ---- safety stop ---------------------------------------------------------------------------------------------------

def test_safety_stop_needs_the_minimum_at_the_lowest_dose_and_the_probability():
    d = CRM(6, 0.25, cohort_size=3, max_n=24)  # defaults: safety_stop 0.95 after 3 patients at dose 1
    _, p = d.posterior_summary(np.array([[3, 0, 0, 0, 0, 0]]), np.array([[3, 0, 0, 0, 0, 0]]))
    assert p[0] > 0.95
    dec = _decide(d, [3, 0, 0, 0, 0, 0], [3, 0, 0, 0, 0, 0], 0, 0)
    assert dec.stop[0] and dec.selected[0] == -1
    # the same 3 DLTs with only 2 patients at the lowest dose: go on
    dec = _decide(d, [2, 1, 0, 0, 0, 0], [2, 1, 0, 0, 0, 0], 1, 0)
    assert not dec.stop[0]
    # dfcrm's setting (safety off): never stops early
    dec = _decide(_dfcrm_design(cohort_size=3, max_n=24), [3, 0, 0, 0, 0, 0], [3, 0, 0, 0, 0, 0], 0, 0)
    assert not dec.stop[0] and dec.dose[0] == 0


def test_all_toxic_truth_stops_with_safety_and_runs_to_max_n_without():
    truth = np.full(6, 0.9)
    on = simulate_trials(CRM(6, 0.25, max_n=24), truth, 2000, np.random.default_rng(1))
    off = simulate_trials(_dfcrm_design(cohort_size=3, max_n=24), truth, 2000, np.random.default_rng(1))
    assert (on.selected == -1).mean() > 0.95 and on.n.sum(axis=1).mean() < 8
    assert np.all(off.selected == 0) and np.all(off.n.sum(axis=1) == 24)


# ---- the dfcrm reference -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sc", REF["scenarios"], ids=[s["name"] for s in REF["scenarios"]])
def test_operating_characteristics_match_dfcrm_crmsim(sc):
    truth = np.array(sc["truth"])
    res = simulate_trials(_dfcrm_design(), truth, OUR_TRIALS, np.random.default_rng(20261125))
    oc = summarise(res, truth, REF["target"])
    # selection: two-proportion z with the pooled rate for R's side (R's own rate can be 0 out of 2,000)
    ours = np.append(oc.selection, oc.no_selection)
    theirs = np.append(sc["selection"], sc["no_selection"])
    pooled = (ours * OUR_TRIALS + theirs * R_TRIALS) / (OUR_TRIALS + R_TRIALS)
    se = np.sqrt(pooled * (1 - pooled) * (1 / OUR_TRIALS + 1 / R_TRIALS))
    z = np.divide(ours - theirs, se, out=np.zeros_like(se), where=se > 0)
    assert np.all(np.abs(z) <= 3), f"selection z = {np.round(z, 2)}"
    for key in ("patients", "dlts"):
        mine, ref = getattr(oc, key), np.array(sc[key])
        sd = oc.stderr[key] * math.sqrt(OUR_TRIALS)  # our per-trial SD, used for R's side too
        se = np.sqrt(oc.stderr[key] ** 2 + sd ** 2 / R_TRIALS)
        z = np.divide(mine - ref, se, out=np.zeros_like(se), where=se > 0)
        assert np.all(np.abs(z) <= 3), f"{key} z = {np.round(z, 2)}"


@pytest.mark.parametrize("sc", REF["scenarios"], ids=[s["name"] for s in REF["scenarios"]])
def test_exact_operating_characteristics_are_within_dfcrms_monte_carlo_error(sc):
    """Exact enumeration (24 patients one at a time is small enough) against R's 2,000 trials: only R's error."""
    design = _dfcrm_design()
    truth = np.array(sc["truth"])
    res = enumerate_exact(design, truth)
    oc = summarise(res, truth, REF["target"])
    p = np.append(oc.selection, oc.no_selection)
    se = np.sqrt(p * (1 - p) / R_TRIALS)
    diff = p - np.append(sc["selection"], sc["no_selection"])
    assert np.all(np.abs(diff) <= 3 * se + 1e-12), f"selection z = {np.round(diff / np.maximum(se, 1e-300), 2)}"
    for key, per_trial in (("patients", res.n), ("dlts", res.x)):
        mean = res.weights @ per_trial
        sd = np.sqrt(np.maximum(res.weights @ per_trial ** 2 - mean ** 2, 0))
        z = (getattr(oc, key) - np.array(sc[key])) / (sd / math.sqrt(R_TRIALS))
        assert np.all(np.abs(z) <= 3), f"{key} z = {np.round(z, 2)}"


def test_select_now_is_the_recommendation_or_none_under_the_safety_stop():
    d = CRM(6, 0.25, cohort_size=3, max_n=24)
    n = np.array([[3, 3, 3, 0, 0, 0], [3, 0, 0, 0, 0, 0]])
    x = np.array([[0, 0, 1, 0, 0, 0], [3, 0, 0, 0, 0, 0]])
    got = d.select_now(n, x, d.initial_extra(2))
    assert got[0] == _recommendation_by_quadrature(d, n[0], x[0]) and got[1] == -1


def test_exact_within_the_hard_limit_and_refused_beyond_it():
    import explorer
    from explorer.core.errors import EXACT_NOT_AVAILABLE

    def proto(cohort: int, max_n: int) -> dict:
        return {"target": 0.25, "truth": [0.05, 0.1, 0.2, 0.3, 0.45, 0.6], "trials": 200,
                "design": {"method": "crm", "cohort_size": cohort, "max_n": max_n}}

    assert explorer.simulate(proto(3, 36), method="exact").method == "exact"
    assert explorer.simulate(proto(1, 24), method="exact").method == "exact"
    with pytest.raises(ProtocolError) as e:
        explorer.simulate(proto(1, 48), method="exact")
    assert e.value.problems[0].code == EXACT_NOT_AVAILABLE
    assert "48 patients in cohorts of 1" in str(e.value) and "states" in str(e.value)

