"""BOIN against the BOIN R package (2.7.2): get.oc operating characteristics and the get.boundary table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import simulate_trials

from explorer.core.designs import find_design
from explorer.core.designs.boin import boin_boundaries
from explorer.core.tables import decision_table

REF = json.loads((Path(__file__).parent / "data" / "boin_get_oc.json").read_text())
TRIALS = 10_000
R_TRIALS = REF["trials"]


def reference_design():
    """BOIN with the reference's settings on its ladder."""
    K = len(REF["scenarios"][0]["truth"])
    return find_design("boin")(K, REF["target"], REF["start_dose"] - 1, **{
        k: v for k, v in REF["design"].items() if k != "method"})


def z_scores(sc: dict) -> dict[str, np.ndarray]:
    """(R − ours) / SE of the difference for every figure of one scenario (ours: 10,000 Monte Carlo trials)."""
    truth = np.asarray(sc["truth"])
    res = simulate_trials(reference_design(), truth, TRIALS, np.random.default_rng(20240601))
    K = truth.size
    sel = np.array([np.mean(res.selected == k) for k in range(K)] + [np.mean(res.selected == -1)])
    r_sel = np.append(sc["selection"], sc["no_selection"])
    se = np.sqrt(sel * (1 - sel) / TRIALS + r_sel * (1 - r_sel) / R_TRIALS)
    out = {"selection": _z(r_sel - sel, se)}
    for key, arr in (("patients", res.n), ("dlts", res.x)):
        sd = arr.std(axis=0)
        out[key] = _z(np.asarray(sc[key]) - arr.mean(axis=0), sd * np.sqrt(1 / TRIALS + 1 / R_TRIALS))
    return out


def _z(diff: np.ndarray, se: np.ndarray) -> np.ndarray:
    # a figure with no variation on either side (e.g. never reached) must agree exactly
    return np.where(se > 0, diff / np.where(se > 0, se, 1.0), np.where(np.abs(diff) < 1e-12, 0.0, np.inf))


# P3 (every dose too toxic) is the scenario furthest from us: against our *exact* OCs and R's standard error alone,
# R stops with no selection in 87.49% of trials (exact 86.558%, z = +2.73) and treats 16.29 patients on average
# (exact 16.737, per-trial SD 11.23: z = -3.95). It is R's Monte Carlo error with seed 5, not a rule difference:
# - get.oc, get.boundary and select.mtd transcribed line by line from the BOIN sources (2.7.x: elimination checked
#   after each cohort is added, so n >= 3 counts the current cohort; stop at once when the lowest dose is eliminated;
#   the last cohort skips that check but select.mtd then finds the lowest dose eliminated and selects none;
#   n.earlystop = 100 never applies) and run in R 4.2.2 with seed 5 reproduce this file to the last digit in all
#   four scenarios (selection, percentstop, npatients, ntox);
# - the same R code with 1,000,000 trials gives P(no selection) 0.86571 ± 0.00034 and 16.739 ± 0.011 patients
#   (z = +0.39 and +0.22 against our exact values), and over seeds 1-200 of 10,000 trials each a mean of
#   0.86556 ± 0.00024 and 16.731 ± 0.008 (z = -0.10, -0.67), with seed-to-seed SDs (0.0035, 0.116) equal to the
#   binomial and per-trial SEs (0.0034, 0.112);
# - among those 200 seeds, seed 5 has the lowest mean sample size (z = -3.95; next lowest -2.81) and the highest
#   P(no selection) (z = +2.73).
# The reference values are exact counts over 10,000 trials (e.g. 150,489 patients at dose 1), so no rounding is
# involved. The comparison below includes our own Monte Carlo error as well, so P3 passes at 3 SE of the difference.
@pytest.mark.parametrize("sc", REF["scenarios"], ids=[s["name"] for s in REF["scenarios"]])
def test_operating_characteristics_agree_with_get_oc(sc):
    z = z_scores(sc)
    bad = {k: np.round(v, 2).tolist() for k, v in z.items() if np.any(np.abs(v) > 3)}
    assert not bad, f"{sc['name']}: figures beyond 3 SE of the difference: {bad}"


def test_boundary_table_equals_get_boundary():
    table = decision_table(reference_design())
    ref = REF["boundary_table"]
    assert table.n == ref["n"]
    assert table.escalate_at_most == ref["escalate_if_dlts_at_most"]
    assert table.deescalate_at_least == ref["deescalate_if_dlts_at_least"]
    assert table.eliminate_at_least == ref["eliminate_if_dlts_at_least"]


def test_table_stops_at_n_earlystop():
    d = find_design("boin")(4, 0.25, 0, max_n=36, n_earlystop=12)
    assert decision_table(d).n == [3, 6, 9, 12]


def test_boundaries_at_target_025():
    lam_e, lam_d = boin_boundaries(0.25, 0.15, 0.35)
    assert lam_e == pytest.approx(0.197, abs=5e-4)
    assert lam_d == pytest.approx(0.298, abs=5e-4)
