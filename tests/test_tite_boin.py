"""TITE-BOIN against the published decision-table rows (rules file §2b), TITEgBOIN's variant, and BOIN without a
clock."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from clock_helpers import stack, state_at_dose

from explorer.core.clock.draws import clock_draws
from explorer.core.clock.engine import simulate_with_clock
from explorer.core.clock.spec import TimeModel
from explorer.core.designs.boin import BOIN
from explorer.core.designs.tite_boin import TiteBOIN
from explorer.core.engine.montecarlo import _run

RULES = (Path(__file__).parent / "data" / "next-designs-rules.md").read_text()
SECTION = RULES[RULES.index("## 2b. TITE-BOIN"):RULES.index("## 3. Rolling six")]
VALIDATION = SECTION[SECTION.index("Validation:"):].split("\n")[0]
PHI, P_SAF, P_TOX = map(float, re.search(r"φ=([\d.]+) \(p\.saf=([\d.]+), p\.tox=([\d.]+)\)", VALIDATION).groups())
K, D = 5, 2
STEP = 0.0005


def design(**opts) -> TiteBOIN:
    return TiteBOIN(K, PHI, 0, p_saf=P_SAF, p_tox=P_TOX, **opts)


def decisions(des: TiteBOIN, n: int, y: int, c: int, stfts: np.ndarray) -> np.ndarray:
    """The decision for each STFT, all at once (one row per STFT)."""
    rows = [state_at_dose(des, D, n, y, c, float(s)) for s in stfts]
    dec = des.decide_pending(stack(rows))
    assert not dec.stop.any()
    names = {D - 1: "de-escalate", D: "stay", D + 1: "escalate"}
    sus = dec.suspend if dec.suspend is not None else np.zeros(len(rows), dtype=bool)
    return np.array(["suspend" if s else names[int(d)] for s, d in zip(sus, dec.dose)])


def decision(des: TiteBOIN, n: int, y: int, c: int, stft: float) -> str:
    return str(decisions(des, n, y, c, np.array([stft]))[0])


def threshold(des: TiteBOIN, n: int, y: int, c: int, what: str) -> float:
    """The STFT where the decision switches to `what` (escalate above it; de-escalate below it)."""
    grid = np.arange(0.0, c, STEP)
    got = decisions(des, n, y, c, grid)
    hit = got == what
    assert hit.any() and not hit.all(), f"({n},{y},{c}): {what} never switches"
    if what == "escalate":
        k = int(np.argmax(hit))
        assert hit[k:].all() and set(got[:k]) == {"stay"}
        return float(grid[k])
    k = int(np.argmin(hit))
    assert not hit[k:].any() and set(got[k:]) == {"stay"}
    return float(grid[k - 1])


def _rows(pattern: str) -> list[tuple[str, ...]]:
    return re.findall(pattern, VALIDATION)


ESCALATE_ROWS = ([(int(n), int(y), int(c), float(s)) for n, y, c, s in
                  _rows(r"\((\d+),(\d+),(\d+)\) escalate iff STFT≥([\d.]+)")] +
                 [(int(n), int(y), int(c), float(s)) for n, y, c, s in _rows(r"\((\d+),(\d+),(\d+)\) ([\d.]+);")])
DEESCALATE_ROWS = [(int(n), int(y), int(c), float(s))
                   for n, y, lo, hi, ss in _rows(r"\((\d+),(\d+),(\d+)\.\.(\d+)\) de-escalate iff STFT ≤([\d./]+)")
                   for c, s in zip(range(int(lo), int(hi) + 1), ss.rstrip(".").split("/"))]


def test_the_rows_were_read_from_the_rules_file():
    assert (PHI, P_SAF, P_TOX) == (0.2, 0.12, 0.28)
    assert [r[:3] for r in ESCALATE_ROWS] == [(9, 1, 3), (9, 1, 4)]
    assert [r[:3] for r in DEESCALATE_ROWS] == [(9, 2, 1), (9, 2, 2), (9, 2, 3), (9, 2, 4)]


@pytest.mark.parametrize("n, y, c, published", ESCALATE_ROWS)
def test_escalation_thresholds_of_the_published_table(n, y, c, published):
    assert threshold(design(), n, y, c, "escalate") == pytest.approx(published, abs=0.005 + STEP)


@pytest.mark.parametrize("n, y, c, published", DEESCALATE_ROWS)
def test_de_escalation_thresholds_of_the_published_table(n, y, c, published):
    assert threshold(design(), n, y, c, "de-escalate") == pytest.approx(published, abs=0.005 + STEP)


def test_categorical_rows_of_the_published_table():
    n, y, c_max = map(int, re.search(r"\((\d+),(\d+),≤(\d+)\) stay", VALIDATION).groups())
    for c in range(c_max + 1):
        for s in np.linspace(0, max(c - 1e-9, 0), 7):
            assert decision(design(), n, y, c, s) == "stay"
    n, y, c = map(int, re.search(r"\((\d+),(\d+),(\d+)\) de-escalate, not suspend", VALIDATION).groups())
    assert decision(design(), n, y, c, 0.1) == "de-escalate"
    n, y, c = map(int, re.search(r"\((\d+),(\d+),(\d+)\) de-escalate\.", VALIDATION).groups())
    assert decision(design(), n, y, c, 0.1) == "de-escalate"


def test_titegboin_variant():
    """TITEgBOIN (ess): threshold 0.36 at (9,1,3); suspends where the table de-escalates at (3,1,2)."""
    tite_g = SECTION[SECTION.index("**CRAN `TITEgBOIN`"):]
    n, y, c, s = re.search(r"For \((\d+),(\d+),(\d+)\) the escalation threshold is STFT ≥ ([\d.]+)", tite_g).groups()
    assert threshold(design(estimator="ess"), int(n), int(y), int(c), "escalate") == pytest.approx(
        float(s), abs=0.005 + STEP)
    n, y, c = map(int, re.search(r"suspends at \((\d+),(\d+),(\d+)\)", tite_g).groups())
    assert decision(design(estimator="ess"), n, y, c, 0.1) == "suspend"
    assert decision(design(), n, y, c, 0.1) == "de-escalate"


def test_more_than_half_pending_suspends_and_elimination_does_not_wait():
    assert decision(design(), 6, 0, 4, 1.0) == "suspend"
    assert decision(design(), 6, 0, 3, 2.5) == "escalate"
    # 3 DLTs of 3 treated (2 pending): eliminated whatever is pending
    st = state_at_dose(design(), D, 5, 3, 2, 0.5)
    dec = design().decide_pending(st)
    assert dec.dose[0] == D - 1 and design().eliminated(st.n, st.x, st.extra)[0, D]


@pytest.mark.parametrize("titration", [False, True])
def test_without_pending_outcomes_it_is_boin(titration):
    """With the window far shorter than the gaps between arrivals, every outcome is known at each decision: the
    clock engine's TITE-BOIN trials are BOIN's untimed trials, patient for patient."""
    truth = np.array([0.05, 0.1, 0.2, 0.35, 0.5])
    tite, boin = design(max_n=24, titration=titration), BOIN(K, PHI, 0, p_saf=P_SAF, p_tox=P_TOX, max_n=24,
                                                             titration=titration)
    draws = clock_draws(np.random.default_rng(4), 3000, 24)
    res, _ = simulate_with_clock(tite, truth, TimeModel(accrual="poisson", rate=1.0, dlt_window=1e-9), draws)
    sel, n, x, _ = _run(boin, truth, draws[:, 0, :])
    np.testing.assert_array_equal(res.trials.selected, sel)
    np.testing.assert_array_equal(res.trials.n, n)
    np.testing.assert_array_equal(res.trials.x, x)
    assert res.pending_decisions.sum() == 0
    # with a real window, decisions are made on pending data and the trial is shorter than BOIN waiting for all
    slow = TimeModel(accrual="poisson", rate=1.0, dlt_window=3.0)
    res_t, _ = simulate_with_clock(tite, truth, slow, draws)
    res_b, _ = simulate_with_clock(boin, truth, slow, draws)
    assert res_t.pending_decisions.sum() > 0
    assert res_t.duration.mean() < res_b.duration.mean() - 5 * np.sqrt(res_t.duration.var() / 3000)
