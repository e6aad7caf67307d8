"""Rolling six against Skolnik et al.'s table (cell by cell) and hand-worked trials in calendar time."""

from __future__ import annotations

import numpy as np
import pytest
from clock_helpers import fixed_draws, state_at_dose
from engine_helpers import simulate_trials

from explorer.core.clock.engine import Trace, simulate_with_clock
from explorer.core.clock.spec import TimeModel
from explorer.core.clock.timeline import timeline_of
from explorer.core.designs import find_design
from explorer.core.designs.rolling_six import RollingSix

K = 4


def published(N: int, D: int, E: int, P: int) -> str:
    """The table (rules §3), row by row as printed: which decision applies to the next patient."""
    rows = [
        (N >= 2 and D >= 2, "de-escalate"),
        (1 <= N <= 2 and D <= 1 and not (N == 2 and D == 2), "same"),
        (3 <= N <= 5 and D == 0 and P == 0, "escalate"),
        (3 <= N <= 5 and D == 0 and P >= 1, "same"),
        (3 <= N <= 5 and D == 1, "same"),
        (N == 6 and D == 0 and E >= 5, "escalate"),
        (N == 6 and D == 1 and E == 5, "escalate"),
        (N == 6 and ((D == 0 and P >= 2) or (D == 1 and P >= 1)), "suspend"),
    ]
    hits = [what for applies, what in rows if applies]
    assert len(set(hits)) == 1, (N, D, E, P, hits)  # the table covers every cell, without contradiction
    return hits[0]


def cells():
    for N in range(1, 7):
        for D in range(N + 1):
            for P in range(N - D + 1):
                yield N, D, N - D - P, P


@pytest.mark.parametrize("N, D, E, P", list(cells()))
def test_every_cell_of_the_published_table(N, D, E, P):
    design = RollingSix(K, 0.25, 0)
    d = 2
    dec = design.decide_pending(state_at_dose(design, d, N, D, P, stft=0.5 * P))
    if dec.suspend is not None and dec.suspend[0]:
        got = "suspend"
    else:
        assert not dec.stop[0]
        got = {d - 1: "de-escalate", d: "same", d + 1: "escalate"}[int(dec.dose[0])]
    assert got == published(N, D, E, P)


def test_de_escalation_onto_a_dose_with_six_selects_it_and_two_dlts_close_a_dose():
    design = RollingSix(K, 0.25, 0)
    st = state_at_dose(design, 2, 3, 2, 1, stft=0.3, others={0: (3, 0), 1: (6, 1)})
    dec = design.decide_pending(st)
    assert dec.stop[0] and dec.selected[0] == 1
    # the dose below has 2 DLTs: go past it to the highest dose with fewer
    st = state_at_dose(design, 2, 2, 2, 0, others={0: (3, 0), 1: (6, 2)})
    dec = design.decide_pending(st)
    assert not dec.stop[0] and dec.dose[0] == 0
    # escalation towards a dose with 2 DLTs: accrue up to 6, then this dose is the MTD
    st = state_at_dose(design, 1, 3, 0, 0, others={2: (3, 2)})
    dec = design.decide_pending(st)
    assert dec.dose[0] == 1
    dec = design.decide_pending(state_at_dose(design, 1, 6, 1, 0, others={2: (3, 2)}))
    assert dec.stop[0] and dec.selected[0] == 1
    # 2 DLTs at the lowest dose: no MTD
    dec = design.decide_pending(state_at_dose(design, 0, 2, 2, 0))
    assert dec.stop[0] and dec.selected[0] == -1


def _hand_trial(pending: str):
    design = RollingSix(K, 0.25, 0)
    # one patient every 10 days, 28-day window; doses 1-2 never toxic, 3-4 always, each DLT half-way through
    time = TimeModel(accrual="fixed", rate=0.1, dlt_window=28, pending=pending)
    trace = Trace()
    res, pat = simulate_with_clock(design, np.array([0.0, 0.0, 1.0, 1.0]), time, fixed_draws(design.max_n), trace)
    return res, pat, timeline_of(0, res, pat, trace, 28.0)


def test_hand_worked_trial_waiting():
    """Patients 1-6 at dose 1 (days 10-60). Patient 7 arrives on day 70: 6 treated, 4 complete, 2 pending, so
    accrual is suspended until day 78 (patient 5 complete: at most 1/6), when patient 7 starts at dose 2. The same
    at dose 2: patient 13 arrives on day 130 and starts on day 138 at dose 3. DLTs there on days 152 (patient 13)
    and 154 (patient 14); patient 16 (day 160) finds 2 DLTs: dose 2 has 6, so it is the MTD. Patient 15's DLT on
    day 164 is the last outcome; the last window ends on day 150 + 28."""
    res, pat, tl = _hand_trial("wait")
    starts = [p.start for p in tl.patients]
    assert [p.dose + 1 for p in tl.patients] == [1] * 6 + [2] * 6 + [3] * 3
    assert starts == [10, 20, 30, 40, 50, 60, 78, 80, 90, 100, 110, 120, 138, 140, 150]
    assert [p.arrival for p in tl.patients][6] == 70 and [p.arrival for p in tl.patients][12] == 130
    assert [p.dlt_time for p in tl.patients if p.dlt] == [152, 154, 164]
    assert res.trials.selected[0] == 1
    np.testing.assert_array_equal(res.trials.n[0], [6, 6, 3, 0])
    assert res.time_to_mtd[0] == 164 and res.duration[0] == 178
    assert (res.waited[0], res.total_wait[0], res.suspended[0], res.lost[0]) == (2, 16, 36, 0)
    assert (res.decisions[0], res.pending_decisions[0]) == (16, 14)
    assert tl.suspensions == ((0, 60.0, 78.0), (0, 120.0, 138.0))
    stop = [d for d in tl.decisions if d.kind == "stop"]
    assert len(stop) == 1 and stop[0].time == 154 and stop[0].pending == 1


def test_hand_worked_trial_losing():
    """As above, but arrivals that find accrual suspended are referred away: the day-70 arrival is lost and the
    day-80 one starts dose 2; at dose 2 the day-140 arrival is lost and the day-150 one starts dose 3 (DLT on
    day 164); patient 14 (day 160, DLT day 174); patient 15 (day 170, DLT day 184); the day-180 arrival finds
    2 DLTs (decision at day 174) and dose 2 with 6 is the MTD."""
    res, pat, tl = _hand_trial("lose")
    assert [p.start for p in tl.patients] == [10, 20, 30, 40, 50, 60, 80, 90, 100, 110, 120, 130, 150, 160, 170]
    assert all(p.start == p.arrival for p in tl.patients)
    assert res.trials.selected[0] == 1
    assert (res.lost[0], res.waited[0], res.suspended[0]) == (2, 0, 36)
    assert res.time_to_mtd[0] == 184 and res.duration[0] == 198
    assert [d.time for d in tl.decisions if d.kind == "stop"] == [174]


def test_without_a_clock_it_is_the_same_rule_on_complete_data():
    """Every outcome known at each decision: 3 patients with none → escalate; 1 DLT → up to 6; 2 DLTs → down."""
    design = find_design("rolling6")(K, 0.25, 0)
    res = simulate_trials(design, np.array([0.0, 0.0, 1.0, 1.0]), 5, np.random.default_rng(1))
    # doses 1-2: 3 each and escalate; dose 3: 2 DLTs in 2 patients → de-escalate to dose 2 (3 patients) → fill it
    # to 6, then it is the MTD (dose 3 has 2 DLTs)
    np.testing.assert_array_equal(res.n, [[3, 6, 2, 0]] * 5)
    assert np.all(res.selected == 1)
