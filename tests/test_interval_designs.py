"""Rules of the interval designs (mTPI-2/Keyboard, i3+3, shared elimination and isotonic selection) on hand-worked
states, independent re-derivations, and exact enumeration against Monte Carlo."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest
from engine_helpers import simulate_trials
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core.designs import find_design
from explorer.core.designs.interval import DEESCALATE, ESCALATE, STAY, isotonic_select
from explorer.core.engine import enumerate_exact
from explorer.core.oc import summarise

E, S, D = ESCALATE, STAY, DEESCALATE


def beta_cdf(p: float, x: int, n: int) -> float:
    """CDF of Beta(x + 1, n − x + 1) at p: P(Binomial(n + 1, p) ≥ x + 1)."""
    return sum(comb(n + 1, j) * p ** j * (1 - p) ** (n + 1 - j) for j in range(x + 1, n + 2))


def make(method: str, K: int = 5, target: float = 0.25, **opts):
    return find_design(method)(K, target, 0, **opts)


# ---- mTPI-2 ---------------------------------------------------------------------------------------
def upm_decision(n: int, x: int, target: float, e1: float, e2: float) -> int:
    """mTPI-2's rule written out: intervals of width e1 + e2 tiling [0, 1] around the equivalence interval."""
    lo, hi, w = target - e1, target + e2, e1 + e2
    edges = [lo, hi]
    while edges[0] > 1e-12:
        edges.insert(0, max(edges[0] - w, 0.0))
    while edges[-1] < 1 - 1e-12:
        edges.append(min(edges[-1] + w, 1.0))
    key = edges.index(lo)
    upm = [(beta_cdf(b, x, n) - beta_cdf(a, x, n)) / (b - a) for a, b in zip(edges, edges[1:])]
    best = int(np.argmax(upm))
    return E if best < key else D if best > key else S


@pytest.mark.parametrize("target,e1,e2", [(0.25, 0.05, 0.05), (0.3, 0.05, 0.05), (0.2, 0.05, 0.1)])
def test_mtpi2_table_is_the_upm_rule(target, e1, e2):
    d = make("mtpi2", target=target, epsilon1=e1, epsilon2=e2, max_n=15)
    for n in range(1, 16):
        got = [int(d.action[n, x]) for x in range(n + 1)]
        assert got == [upm_decision(n, x, target, e1, e2) for x in range(n + 1)], n


def keyboard_decision(n: int, x: int, target: float, e1: float, e2: float) -> int:
    """The Keyboard rule (Yan et al. 2017): full-width keys only, the key of largest posterior mass decides."""
    lo, hi, w = target - e1, target + e2, e1 + e2
    keys = [(lo, hi)]
    while keys[0][0] - w >= -1e-12:
        keys.insert(0, (keys[0][0] - w, keys[0][0]))
    while keys[-1][1] + w <= 1 + 1e-12:
        keys.append((keys[-1][1], keys[-1][1] + w))
    k = next(i for i, (a, _) in enumerate(keys) if abs(a - lo) < 1e-12)
    best = int(np.argmax([beta_cdf(b, x, n) - beta_cdf(a, x, n) for a, b in keys]))
    return E if best < k else D if best > k else S


@pytest.mark.parametrize("target,e1,e2", [(0.25, 0.05, 0.05), (0.3, 0.05, 0.05), (0.25, 0.05, 0.1)])
def test_keyboard_alias_decides_as_the_keyboard_rule(target, e1, e2):
    d = find_design("keyboard")(4, target, 0, epsilon1=e1, epsilon2=e2, max_n=24)
    for n in range(1, 25):
        assert [int(d.action[n, x]) for x in range(n + 1)] == \
            [keyboard_decision(n, x, target, e1, e2) for x in range(n + 1)], n


def test_mtpi2_hand_worked_decisions():
    d = make("mtpi2")  # target 0.25, keys of width 0.1: [0.2, 0.3] is the target key
    # 0/3: Beta(1, 4) puts 1 − 0.9^4 = 0.34 on [0, 0.1], the largest mass: escalate
    assert d.action[3, 0] == E
    # 1/3: Beta(2, 3) has its mode at 1/3; [0.3, 0.4] carries the most mass: de-escalate
    assert beta_cdf(0.4, 1, 3) - beta_cdf(0.3, 1, 3) > beta_cdf(0.3, 1, 3) - beta_cdf(0.2, 1, 3)
    assert d.action[3, 1] == D
    assert d.action[6, 1] == E and d.action[9, 2] == S and d.action[12, 3] == S
    assert find_design("keyboard") is type(d)
    assert d.acceptable_interval() == pytest.approx((0.2, 0.3))


# ---- i3+3 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("n,x,expected", [
    (3, 0, E), (3, 1, S),  # 1/3 is above [0.2, 0.3], but 0/3 is below it: the x − 1 rule stays
    (3, 2, D), (3, 3, D),
    (6, 1, E), (6, 2, S),  # 2/6 above, 1/6 below: stay
    (6, 3, D), (5, 1, S),  # 1/5 = 0.2 is inside (closed interval)
    (10, 3, S), (10, 4, D), (10, 2, S), (9, 1, E),
])
def test_i3plus3_decisions(n, x, expected):
    d = make("i3+3", max_n=12)
    assert d.action[n, x] == expected


def test_i3plus3_elimination_and_interval():
    d = make("i3+3", epsilon1=0.05, epsilon2=0.1)
    assert d.acceptable_interval() == pytest.approx((0.2, 0.35))
    # P(p > 0.25 | 3/3) = 1 − 0.25^4 ≈ 0.996 > 0.95; P(p > 0.25 | 2/3) ≈ 0.949 is not
    assert d.elim[3, 3] and not d.elim[3, 2]
    assert d.elim[6, 4] and not d.elim[6, 3]
    assert not d.elim[2, 2]  # fewer than 3 patients: never eliminated


# ---- shared rules ---------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["boin", "mtpi2", "i3+3"])
def test_elimination_is_the_beta_posterior_rule(method):
    d = make(method, max_n=24)
    for n in range(3, 25):
        for x in range(n + 1):
            assert d.elim[n, x] == (1 - beta_cdf(0.25, x, n) > 0.95), (n, x)


@pytest.mark.parametrize("method", ["boin", "mtpi2", "i3+3"])
def test_shared_decision_rules(method):
    d = make(method, K=3)
    one = lambda n, x, cur: d.decide(np.array([n]), np.array([x]), np.array([cur]),  # noqa: E731
                                     d.initial_extra(1))
    # escalation from the top dose becomes stay
    dec = one([3, 3, 3], [0, 0, 0], 2)
    assert not dec.stop[0] and dec.dose[0] == 2
    # escalation into an eliminated dose becomes stay
    dec = one([3, 3, 3], [0, 0, 3], 1)
    assert not dec.stop[0] and dec.dose[0] == 1
    # the lowest dose eliminated: stop, no selection
    dec = one([3, 0, 0], [3, 0, 0], 0)
    assert dec.stop[0] and dec.selected[0] == -1
    # de-escalation from the lowest dose becomes stay
    dec = one([6, 0, 0], [3, 0, 0], 0)
    assert not dec.stop[0] and dec.dose[0] == 0
    # max_n reached: stop and select by isotonic regression
    dec = one([3, 15, 18], [0, 4, 8], 2)
    assert dec.stop[0] and dec.selected[0] == 1


def test_boin_extrasafe_and_early_stop():
    d = make("boin", K=3, extrasafe=True)
    # P(p > 0.25 | 2/3) ≈ 0.949: beyond cutoff_eli − offset = 0.90 but not 0.95
    dec = d.decide(np.array([[3, 0, 0]]), np.array([[2, 0, 0]]), np.array([0]), d.initial_extra(1))
    assert dec.stop[0] and dec.selected[0] == -1
    plain = make("boin", K=3)
    dec = plain.decide(np.array([[3, 0, 0]]), np.array([[2, 0, 0]]), np.array([0]), plain.initial_extra(1))
    assert not dec.stop[0] and dec.dose[0] == 0
    early = make("boin", K=3, n_earlystop=9)
    # 9 at the current dose with a stay decision (2/9 is between λe and λd): stop and select
    dec = early.decide(np.array([[3, 9, 0]]), np.array([[0, 2, 0]]), np.array([1]), early.initial_extra(1))
    assert dec.stop[0] and dec.selected[0] == 1
    # 9 there but the decision is to escalate: go on
    dec = early.decide(np.array([[3, 9, 0]]), np.array([[0, 1, 0]]), np.array([1]), early.initial_extra(1))
    assert not dec.stop[0] and dec.dose[0] == 2


def pava_literal(x: list[float], w: list[float]) -> list[float]:
    """BOIN's pava(), statement by statement."""
    x, lvl = list(x), list(range(len(x)))
    while True:
        viol = [x[i + 1] < x[i] for i in range(len(x) - 1)]
        if not any(viol):
            return x
        i = viol.index(True)
        l1, l2 = lvl[i], lvl[i + 1]
        idx = [k for k in range(len(x)) if lvl[k] in (l1, l2)]
        v = sum(x[k] * w[k] for k in idx) / sum(w[k] for k in idx)
        for k in idx:
            x[k], lvl[k] = v, l1


def select_literal(n: list[int], y: list[int], excluded: list[bool], target: float) -> int:
    """BOIN's select.mtd after elimination, statement by statement (-1 for none)."""
    adm = [k for k in range(len(n)) if n[k] > 0 and not excluded[k]]
    if not adm:
        return -1
    ph = [(y[k] + 0.05) / (n[k] + 0.1) for k in adm]
    var = [(y[k] + 0.05) * (n[k] - y[k] + 0.05) / ((n[k] + 0.1) ** 2 * (n[k] + 0.1 + 1)) for k in adm]
    ph = pava_literal(ph, [1 / v for v in var])
    ph = [p + (i + 1) * 1e-10 for i, p in enumerate(ph)]
    dist = [abs(p - target) for p in ph]
    return adm[dist.index(min(dist))]


def test_isotonic_select_hand_worked():
    n = np.array([[3, 3, 3, 0]])
    assert isotonic_select(n, np.array([[0, 1, 2, 0]]), np.zeros((1, 4), bool), 0.25)[0] == 1
    # 1/3 then 0/3 violate monotonicity: pooled (about 0.04, below 0.25), the tie goes to the higher dose
    assert isotonic_select(np.array([[3, 3]]), np.array([[1, 0]]), np.zeros((1, 2), bool), 0.25)[0] == 1
    # pooled above the target: the tie goes to the lower dose
    assert isotonic_select(np.array([[3, 3]]), np.array([[3, 2]]), np.zeros((1, 2), bool), 0.25)[0] == 0
    # excluded doses do not count; nothing admissible: -1
    assert isotonic_select(n, np.array([[0, 1, 2, 0]]), np.array([[False, True, True, True]]), 0.25)[0] == 0
    assert isotonic_select(np.zeros((1, 3), int), np.zeros((1, 3), int), np.zeros((1, 3), bool), 0.25)[0] == -1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), st.booleans()), min_size=1, max_size=7),
       st.sampled_from([0.2, 0.25, 0.3, 0.33]))
def test_isotonic_select_equals_select_mtd(cells, target):
    n = [c[0] for c in cells]
    y = [min(c[1], c[0]) for c in cells]
    exc = [c[2] for c in cells]
    got = isotonic_select(np.array([n]), np.array([y]), np.array([exc]), target)[0]
    assert got == select_literal(n, y, exc, target)


# ---- exact enumeration ----------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["boin", "mtpi2", "i3+3"])
def test_exact_agrees_with_monte_carlo_small_trial(method):
    truth = np.array([0.08, 0.2, 0.35, 0.5])
    d = make(method, K=4, max_n=12, cohort_size=3)
    ex = summarise(enumerate_exact(d, truth), truth, 0.25)
    trials = 20_000
    mc = summarise(simulate_trials(d, truth, trials, np.random.default_rng(11)), truth, 0.25)
    p = np.append(ex.selection, ex.no_selection)
    se = np.sqrt(p * (1 - p) / trials)
    assert np.all(np.abs(np.append(mc.selection, mc.no_selection) - p) <= 4 * se + 1e-12)
    for key in ("patients", "dlts"):
        assert np.all(np.abs(getattr(mc, key) - getattr(ex, key)) <= 4 * mc.stderr[key] + 1e-9)
    assert ex.selection.sum() + ex.no_selection == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("max_n,cohort,method", [(18, 3, "exact"), (36, 3, "exact"), (42, 3, "exact"),
                                                 (48, 3, "monte-carlo"), (24, 1, "exact"), (36, 1, "monte-carlo")])
def test_auto_is_exact_where_it_answers_at_once(max_n, cohort, method):
    import explorer

    truth = [0.02, 0.05, 0.1, 0.2, 0.3, 0.45]
    res = explorer.simulate({"target": 0.25, "truth": truth, "trials": 200, "seed": 1,
                             "design": {"method": "boin", "max_n": max_n, "cohort_size": cohort}}, method="auto")
    assert res.method == method
    if method == "monte-carlo":
        assert any("Monte Carlo used" in n for n in res.notes)


@pytest.mark.parametrize("method,opts,field", [
    ("mtpi2", {"epsilon1": 0.0, "epsilon2": 0.0}, "design.epsilon2"),
    ("i3+3", {"epsilon1": 0.3}, "design.epsilon1"),
    ("boin", {"p_saf": 0.24}, "design.p_saf"),  # within 10% of the target, refused as get.boundary does
    ("boin", {"p_tox": 0.26}, "design.p_tox"),
])
def test_bad_options_are_refused_with_the_field(method, opts, field):
    from explorer.core.errors import ProtocolError

    with pytest.raises(ProtocolError) as e:
        make(method, **opts)
    assert [p.field for p in e.value.problems] == [field]
