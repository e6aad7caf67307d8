"""TITE-CRM against dfcrm's titesim (reference OCs through the command line, and a brute-force re-run of its loop),
adaptive weights, and the CRM when every outcome is known."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate

from explorer.cli import main
from explorer.core.clock.draws import clock_draws
from explorer.core.clock.engine import simulate_with_clock
from explorer.core.clock.spec import TimeModel
from explorer.core.designs.crm import CRM
from explorer.core.designs.tite_crm import TiteCRM, adaptive_weights
from explorer.core.engine.montecarlo import _run

REF = json.loads((Path(__file__).parent / "data" / "titecrm_dfcrm_titesim.json").read_text())
R = REF["r_settings"]
TIME = TimeModel(**{k: v for k, v in REF["time_model"].items() if k != "note"})
TRIALS = 10_000


def titesim_design(**changes) -> TiteCRM:
    """TITE-CRM as the reference ran titesim (no early stopping, as dfcrm)."""
    opts = dict(skeleton=REF["skeleton"], max_n=R["n"], cohort_size=1, prior_sd=R["scale"], no_skip=R["restrict"],
                scheme=R["scheme"], model=R["model"], safety_stop=1.0)
    opts.update(changes)
    return TiteCRM(len(REF["skeleton"]), REF["target"], R["x0"] - 1, **opts)


def test_the_time_model_is_titesims():
    assert TIME.dlt_window == R["obswin"] and TIME.rate == R["rate"] / R["obswin"]
    assert TIME.accrual == R["accrual"] and TIME.time_to_dlt == R["surv"]


def titesim_protocol(sc: dict) -> dict:
    """The reference's setting as a protocol file: titesim's design options and its clock."""
    return {"title": f"titesim {sc['name']}", "target": REF["target"], "truth": sc["truth"],
            "start_dose": R["x0"],
            "design": {"method": "tite-crm", "skeleton": REF["skeleton"], "max_n": R["n"], "cohort_size": 1,
                       "prior_sd": R["scale"], "no_skip": R["restrict"], "scheme": R["scheme"], "model": R["model"],
                       "safety_stop": 1.0},
            "time": {k: v for k, v in REF["time_model"].items() if k != "note"},
            "trials": TRIALS, "seed": 2024}


@pytest.mark.parametrize("sc", REF["scenarios"], ids=[s["name"] for s in REF["scenarios"]])
def test_simulate_reproduces_titesim_within_3_standard_errors(sc, tmp_path):
    """`phase1-explorer simulate` on the reference's protocol (a "time" object and "method": "tite-crm")."""
    path = tmp_path / "titesim.json"
    path.write_text(json.dumps(titesim_protocol(sc)))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(["simulate", str(path)]) == 0, err.getvalue()
    d = json.loads(out.getvalue())
    assert d["method"] == "monte-carlo" and d["trials"] == TRIALS
    for key in ("selection", "patients", "dlts"):
        ours, theirs = np.array(d[key]), np.array(sc[key])
        se = np.sqrt(np.array(sc["stderr"][key]) ** 2 + np.array(d["stderr"][key]) ** 2)
        assert np.all(np.abs(ours - theirs) <= 3 * se + 1e-12), (key, ours, theirs, se)
    assert d["no_selection"] == sc["no_selection"] == 0.0
    # titesim's duration: last arrival + obswin, the same for every trial under fixed accrual
    assert d["duration"]["mean"] == pytest.approx(REF["duration"], abs=1e-9)
    assert d["duration"]["sd"] == pytest.approx(0.0, abs=1e-9)
    assert d["waited"]["mean"] == 0 and d["suspended"]["mean"] == 0 and d["share_pending"]["mean"] > 0.5
    assert "exact enumeration is not offered" in " ".join(d["warnings"])


def _titecrm_recommend(skeleton, target, scale, y, level, w):
    """dfcrm's titecrm (empiric, bayes) by adaptive quadrature over the whole line, and its `mtd` rule."""
    def lik(a):
        with np.errstate(over="ignore"):
            p = skeleton[level] ** np.exp(a)
        return np.prod(p ** y * (1 - w * p) ** (1 - y)) * np.exp(-a * a / 2 / scale ** 2)
    den = integrate.quad(lik, -np.inf, np.inf)[0]
    est = integrate.quad(lambda a: a * lik(a), -np.inf, np.inf)[0] / den
    p = skeleton ** np.exp(est)
    if np.all(p <= target):
        return len(skeleton) - 1
    if np.all(p >= target):
        return 0
    return int(np.argmin(np.abs(p - target)))


def _onetite(truth, tolerance, dlt_u, skeleton, target, scale, n=24, obswin=6.0, gap=2.0):
    """titesim's loop for one trial (x0 = 1, fixed accrual, uniform DLT times, linear weights, restrict)."""
    arrival, level, y, utox = [], [], [], []
    cur, nxt = 0, gap
    for i in range(n - 1):
        arrival.append(nxt)
        level.append(cur)
        tox = tolerance[i] < truth[cur]
        y.append(tox)
        utox.append(nxt + dlt_u[i] * obswin if tox else np.inf)
        nxt += gap
        a, ut = np.array(arrival), np.array(utox)
        seen = (ut <= nxt).astype(float)
        w = np.minimum(np.minimum(nxt, ut) - a, obswin) / obswin
        w[seen == 1] = 1
        cur = min(_titecrm_recommend(skeleton, target, scale, seen, np.array(level), w), cur + 1)
    level.append(cur)
    y.append(tolerance[n - 1] < truth[cur])
    rec = _titecrm_recommend(skeleton, target, scale, np.array(y, float), np.array(level), np.ones(n))
    return rec, np.bincount(level, minlength=len(skeleton))


def test_trial_by_trial_as_titesims_loop_computes_it():
    """The same patients through titesim's loop (with quadrature, not our grid) give the same doses and MTD."""
    sc = REF["scenarios"][1]
    truth, skeleton = np.array(sc["truth"]), np.array(REF["skeleton"])
    draws = clock_draws(np.random.default_rng(5), 40, 24)
    res, _ = simulate_with_clock(titesim_design(), truth, TIME, draws)
    for t in range(40):
        rec, n = _onetite(truth, draws[t, 0], draws[t, 3], skeleton, REF["target"], R["scale"])
        assert rec == res.trials.selected[t]
        np.testing.assert_array_equal(n, res.trials.n[t])


def test_adaptive_weights_as_dfcrm_computes_them():
    rng = np.random.default_rng(3)
    for _ in range(50):
        m = 8
        follow = rng.random(m)
        seen = rng.random(m) < 0.3
        pending = ~seen & (rng.random(m) < 0.6)
        got = adaptive_weights(follow[None], pending[None], seen[None])[0]
        support = np.sort(follow[seen])
        z = support.size
        for i in range(m):
            if not pending[i]:
                assert got[i] == 0
                continue
            u = follow[i]
            k = int(np.sum(support <= u))
            if z == 0:
                want = u
            elif k == 0:
                want = u / support[0] / (z + 1)
            elif k == z:
                want = (z + (u - support[z - 1]) / (1 - support[z - 1])) / (z + 1)
            else:
                want = (k + (u - support[k - 1]) / (support[k] - support[k - 1])) / (z + 1)
            assert got[i] == pytest.approx(want, abs=1e-12)


@pytest.mark.parametrize("scheme", ["linear", "adaptive"])
def test_with_every_outcome_known_it_is_the_crm(scheme):
    """Window far shorter than the gaps: TITE-CRM (with crmsim's hold after a DLT) makes the CRM's decisions,
    patient for patient; without the hold it makes its own untimed decisions."""
    sc = REF["scenarios"][0]
    truth = np.array(sc["truth"])
    draws = clock_draws(np.random.default_rng(9), 2000, 24)
    instant = TimeModel(accrual="poisson", rate=1.0, dlt_window=1e-9)
    tite = titesim_design(hold_after_dlt=True, scheme=scheme)
    crm = CRM(6, REF["target"], 0, skeleton=REF["skeleton"], max_n=24, cohort_size=1, prior_sd=R["scale"],
              safety_stop=1.0)
    res, _ = simulate_with_clock(tite, truth, instant, draws)
    sel, n, x, _ = _run(crm, truth, draws[:, 0, :])
    np.testing.assert_array_equal(res.trials.selected, sel)
    np.testing.assert_array_equal(res.trials.n, n)
    plain = titesim_design(scheme=scheme)
    res, _ = simulate_with_clock(plain, truth, instant, draws)
    sel, n, x, _ = _run(plain, truth, draws[:, 0, :])
    np.testing.assert_array_equal(res.trials.selected, sel)
    np.testing.assert_array_equal(res.trials.n, n)
    assert res.pending_decisions.sum() == 0
