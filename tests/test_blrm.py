"""BLRM with EWOC: the grid posterior against brute-force double integrals, and EWOC decisions on worked states."""

from __future__ import annotations

import math

import numpy as np
import pytest
from engine_helpers import simulate_trials
from scipy import integrate, special

from explorer.core.designs.blrm import BLRM
from explorer.core.errors import ProtocolError


def _brute_force(design: BLRM, n: np.ndarray, x: np.ndarray, dose: int) -> dict[str, float]:
    """Posterior means and one dose's interval probabilities by adaptive double quadrature (scipy dblquad).

    The unnormalised posterior density is written out here from the model's definition; the target interval and
    overdose events are integrated exactly through their log-alpha limits for each log beta.
    """
    o = design.opts
    m1, s1, m2, s2, r = (o[k] for k in ("prior_mean_log_alpha", "prior_sd_log_alpha", "prior_mean_log_beta",
                                        "prior_sd_log_beta", "prior_corr"))
    values = np.arange(1.0, design.n_doses + 1) if o["dose_values"] is None else np.array(o["dose_values"])
    ref = o["reference_dose"] if o["reference_dose"] is not None else values[(design.n_doses - 1) // 2]
    lr = np.log(values / ref)

    def dens(la: float, lb: float) -> float:
        za, zb = (la - m1) / s1, (lb - m2) / s2
        log_prior = -(za * za - 2 * r * za * zb + zb * zb) / (2 * (1 - r * r))
        eta = la + math.exp(lb) * lr
        return math.exp(log_prior + float(np.sum(x * special.log_expit(eta) + (n - x) * special.log_expit(-eta))))

    a_lo, a_hi = m1 - 10 * s1, m1 + 10 * s1
    b_lo, b_hi = m2 - 10 * s2, m2 + 10 * s2
    opt = dict(epsabs=1e-13, epsrel=1e-9)

    def dbl(f, lo=lambda lb: a_lo, hi=lambda lb: a_hi) -> float:
        return integrate.dblquad(f, b_lo, b_hi, lo, hi, **opt)[0]  # inner variable: log alpha

    z = dbl(dens)
    lo_cut, hi_cut = special.logit(o["target_low"]), special.logit(o["target_high"])
    return {
        "log_alpha": dbl(lambda la, lb: la * dens(la, lb)) / z,
        "log_beta": dbl(lambda la, lb: lb * dens(la, lb)) / z,
        "p_target": dbl(dens, lambda lb: lo_cut - math.exp(lb) * lr[dose],
                        lambda lb: hi_cut - math.exp(lb) * lr[dose]) / z,
        "p_over": dbl(dens, lambda lb: hi_cut - math.exp(lb) * lr[dose]) / z,
    }


CASES = [
    (dict(), [3, 6, 0, 0, 0], [0, 1, 0, 0, 0], [1, 2]),
    (dict(), [3, 3, 6, 3, 0], [0, 0, 1, 2, 0], [2, 3]),
    (dict(dose_values=[10, 20, 40, 80, 160], reference_dose=50, prior_corr=0.4, prior_sd_log_alpha=1.5,
          prior_mean_log_beta=0.3), [3, 3, 3, 3, 0], [0, 0, 0, 2, 0], [0, 3]),
]


@pytest.mark.parametrize("k", range(len(CASES)))
def test_grid_posterior_matches_double_quadrature(k):
    opts, n, x, doses = CASES[k]
    design = BLRM(5, 0.25, **opts)
    n, x = np.array(n), np.array(x)
    post = design.posterior_summary(n[None, :], x[None, :])
    for dose in doses:
        ref = _brute_force(design, n, x, dose)
        assert post["log_alpha"][0] == pytest.approx(ref["log_alpha"], abs=1e-5)
        assert post["log_beta"][0] == pytest.approx(ref["log_beta"], abs=1e-5)
        assert post["p_target"][0, dose] == pytest.approx(ref["p_target"], abs=2e-4)
        assert post["p_over"][0, dose] == pytest.approx(ref["p_over"], abs=2e-4)


def test_overdose_probability_increases_with_dose_and_matches_the_target_interval_complement():
    design = BLRM(5, 0.25)
    post = design.posterior_summary(np.array([[3, 3, 3, 0, 0]]), np.array([[0, 0, 1, 0, 0]]))
    assert np.all(np.diff(post["p_over"][0]) > 0)
    assert np.all(post["p_target"][0] + post["p_over"][0] <= 1 + 1e-9)


# ---- EWOC decisions on worked states ------------------------------------------------------------------------------

def _decide(design: BLRM, n, x, cur):
    return design.decide(np.array([n]), np.array([x]), np.array([cur]), design.initial_extra(1))


def _post(design: BLRM, n, x):
    p = design.posterior_summary(np.array([n]), np.array([x]))
    return p["p_target"][0], p["p_over"][0]


def test_first_cohort_goes_to_the_start_dose_even_if_the_prior_fails_ewoc():
    pessimist = BLRM(5, 0.25, prior_mean_log_alpha=0.0)  # prior median DLT rate 0.5 at the reference dose
    _, over = _post(pessimist, [0] * 5, [0] * 5)
    assert over[1] >= 0.25
    dec = pessimist.decide(np.zeros((1, 5), dtype=np.int64), np.zeros((1, 5), dtype=np.int64), np.array([-1]),
                           pessimist.initial_extra(1))
    assert not dec.stop[0] and dec.dose[0] == 0
    dec = BLRM(5, 0.25, prior_mean_log_alpha=0.0).decide(
        np.zeros((1, 5), dtype=np.int64), np.zeros((1, 5), dtype=np.int64), np.array([-1]), np.zeros((1, 0), int))
    assert dec.dose[0] == 0


def test_escalation_is_limited_to_max_step():
    n, x = [3, 0, 0, 0, 0], [0] * 5
    design = BLRM(5, 0.25)
    target, over = _post(design, n, x)
    best_allowed = int(np.argmax(np.where(over < 0.25, target, -1)))
    assert best_allowed == 2  # the model would go from dose 1 to dose 3
    assert _decide(design, n, x, 0).dose[0] == 1
    assert _decide(BLRM(5, 0.25, max_step=2), n, x, 0).dose[0] == 2


def test_the_best_dose_is_skipped_when_it_fails_overdose_control():
    n, x = [3, 6, 0, 0, 0], [0, 1, 0, 0, 0]
    design = BLRM(5, 0.25)
    target, over = _post(design, n, x)
    assert int(np.argmax(target)) == 2 and over[2] >= 0.25 and over[1] < 0.25
    assert _decide(design, n, x, 1).dose[0] == 1
    # a laxer overdose control lets the trial go there
    assert _decide(BLRM(5, 0.25, ewoc=0.3), n, x, 1).dose[0] == 2


def test_stop_without_selection_when_the_lowest_dose_fails_ewoc():
    dec = _decide(BLRM(5, 0.25), [3, 0, 0, 0, 0], [3, 0, 0, 0, 0], 0)
    assert dec.stop[0] and dec.selected[0] == -1
    # 1/3 at the lowest dose already fails EWOC under the default prior ...
    _, over = _post(BLRM(5, 0.25), [3, 0, 0, 0, 0], [1, 0, 0, 0, 0])
    assert over[0] >= 0.25
    assert _decide(BLRM(5, 0.25), [3, 0, 0, 0, 0], [1, 0, 0, 0, 0], 0).stop[0]
    # ... unless the trial asks for 6 patients there first: then the lowest dose is given again
    dec = _decide(BLRM(5, 0.25, stop_min_n=6), [3, 0, 0, 0, 0], [1, 0, 0, 0, 0], 0)
    assert not dec.stop[0] and dec.dose[0] == 0
    dec = _decide(BLRM(5, 0.25, stop_min_n=6), [6, 0, 0, 0, 0], [4, 0, 0, 0, 0], 0)
    assert dec.stop[0] and dec.selected[0] == -1


def test_final_selection_is_the_best_allowed_dose_up_to_the_highest_treated():
    design = BLRM(5, 0.25, max_n=15)
    n, x = [3, 3, 6, 3, 0], [0, 0, 1, 2, 0]
    target, over = _post(design, n, x)
    assert int(np.argmax(np.where(over < 0.25, target, -1))) == 2
    dec = _decide(design, n, x, 3)
    assert dec.stop[0] and dec.selected[0] == 2
    # 0/9 on doses 1-3: dose 5 has the highest P(target) but was never reached, so dose 3 is selected
    design = BLRM(5, 0.25, max_n=9)
    n, x = [3, 3, 3, 0, 0], [0] * 5
    target, over = _post(design, n, x)
    assert int(np.argmax(np.where(over < 0.25, target, -1))) == 4
    dec = _decide(design, n, x, 2)
    assert dec.stop[0] and dec.selected[0] == 2
    np.testing.assert_array_equal(design.select_now(np.array([n]), np.array([x]), design.initial_extra(1)), [2])


def test_dose_values_must_fit_the_ladder():
    with pytest.raises(ProtocolError, match="3 dose values for a ladder of 4"):
        BLRM(4, 0.25, dose_values=[1, 2, 3])
    with pytest.raises(ProtocolError, match="increase strictly"):
        BLRM(3, 0.25, dose_values=[1, 3, 2])
    with pytest.raises(ProtocolError, match="target interval"):
        BLRM(3, 0.25, target_low=0.4, target_high=0.3)


def test_only_the_ratio_to_the_reference_dose_matters():
    truth = np.array([0.05, 0.1, 0.25, 0.4, 0.55])
    a = simulate_trials(BLRM(5, 0.25, dose_values=[1, 2, 3, 4, 5]), truth, 300, np.random.default_rng(1))
    b = simulate_trials(BLRM(5, 0.25, dose_values=[100, 200, 300, 400, 500], reference_dose=300), truth, 300,
                 np.random.default_rng(1))
    np.testing.assert_array_equal(a.selected, b.selected)
    np.testing.assert_array_equal(a.n, b.n)


# ---- dose values from the protocol's ladder ------------------------------------------------------------------------

CELLS = [1e5, 3e5, 1e6, 3e6]
LADDER = {"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "trials": 2000, "seed": 3,
          "doses": [{"label": f"{v:g} cells/kg", "value": v, "unit": "cells/kg"} for v in CELLS]}


def _ocs(raw: dict, method: str = "exact") -> dict:
    import explorer

    d = explorer.simulate(raw, method=method).to_dict()
    return {k: d[k] for k in ("selection", "no_selection", "patients", "dlts", "sample_size")}


@pytest.mark.parametrize("method", ["exact", "monte-carlo"])
def test_blrm_takes_its_dose_values_from_the_ladder(method):
    design = {"method": "blrm", "max_n": 18}
    from_ladder = _ocs({**LADDER, "design": design}, method)
    explicit = _ocs({**LADDER, "design": {**design, "dose_values": CELLS}}, method)
    equally_spaced = _ocs({**LADDER, "doses": [d["label"] for d in LADDER["doses"]], "design": design}, method)
    assert from_ladder == explicit
    assert from_ladder["selection"] != pytest.approx(equally_spaced["selection"], abs=0.01)
    assert equally_spaced == _ocs({**LADDER, "design": {**design, "dose_values": [1, 2, 3, 4]}}, method)


def test_an_explicit_dose_values_option_overrides_the_ladder():
    from explorer.core.validation import protocol_from_dict

    p = protocol_from_dict({**LADDER, "design": {"method": "blrm", "dose_values": [1, 2, 4, 8]}})
    d = p.build_designs()[0]
    assert d.values.tolist() == [1, 2, 4, 8] and d.reference == 2 and d.ladder_values == tuple(CELLS)
    d = protocol_from_dict({**LADDER, "design": {"method": "blrm"}}).build_designs()[0]
    assert d.values.tolist() == CELLS and d.reference == 3e5  # the lower middle dose of four
    assert protocol_from_dict({**LADDER, "design": {"method": "blrm"}}).arms[0].design.options["dose_values"] is None


def test_ladder_values_reach_each_arm_of_a_two_arm_protocol():
    from explorer.core.validation import protocol_from_dict

    arms = [{"name": "A", "truth": [0.05, 0.1, 0.2, 0.3]},
            {"name": "B", "truth": [0.1, 0.2, 0.3, 0.4], "doses": ["b1", "b2", "b3", "b4"]}]
    p = protocol_from_dict({"target": 0.25, "doses": LADDER["doses"], "arms": arms, "design": {"method": "blrm"},
                            "arm_design": {"mode": "independent"}})
    a, b = (arm.build_design(p.target) for arm in p.arms)
    assert a.values.tolist() == CELLS and b.values.tolist() == [1, 2, 3, 4]
