"""Two-arm trials (CAR4SAR's Arm A systemic, Arm B systemic + local): protocol, process rules and OCs."""

from __future__ import annotations

import json
import subprocess
import sys
from math import comb
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.api import Result, simulate
from explorer.core.arms.engine import enumerate_two_arms, outcomes, run_two_arms
from explorer.core.arms.process import TwoArmProcess
from explorer.core.arms.spec import ArmDesign
from explorer.core.designs import APlusB, ThreePlusThree
from explorer.core.errors import ProtocolError
from explorer.core.oc import summarise_trial
from explorer.core.protocol_file import load_protocol
from explorer.core.validation import protocol_from_dict


def run_protocol(protocol, method=None) -> Result:
    return simulate(protocol, method=method)


def summarise_two_arms(proc, res, truths, target):
    t = summarise_trial(res, list(truths), target, [d.acceptable_interval() for d in proc.designs], proc.max_total)
    return t.arms, t.joint

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "car4sar-two-arm.json"
TARGET = 0.25


def two_arm(mode="staggered", truth_a=(0.05, 0.12, 0.25, 0.45), truth_b=(0.08, 0.18, 0.33, 0.55), **ad):
    return {"target": TARGET, "design": {"method": "3+3"},
            "arms": [{"name": "A", "truth": list(truth_a)}, {"name": "B", "truth": list(truth_b)}],
            "arm_design": {"mode": mode, **ad}, "seed": 5, "trials": 4000}


# ---- independent arms are the single-arm trials --------------------------------------------------

@pytest.mark.parametrize("truths", [
    ([0.05, 0.12, 0.25, 0.45], [0.08, 0.18, 0.33, 0.55]),
    ([0.02, 0.04, 0.06, 0.08], [0.45, 0.55, 0.65, 0.75]),
    ([0.05, 0.08, 0.45, 0.6, 0.7], [0.05, 0.08, 0.45, 0.6, 0.7]),
])
@pytest.mark.parametrize("assignment", ["b_first", "alternate", "random"])
def test_independent_arms_reproduce_the_single_arm_ocs_exactly(truths, assignment):
    K = len(truths[0])
    proto = {"target": TARGET, "design": {"method": "3+3"},
             "arms": [{"name": "A", "truth": truths[0]},
                      {"name": "B", "truth": truths[1], "design": {"method": "a+b", "a": 2, "b": 4, "e": 2}}],
             "arm_design": {"mode": "independent", "eligible_b": 0.4, "assignment": assignment}}
    res = run_protocol(protocol_from_dict(proto), method="exact")
    singles = [run_protocol(protocol_from_dict({"target": TARGET, "truth": t, "design": d}), method="exact").oc
               for t, d in zip(truths, ({"method": "3+3"}, {"method": "a+b", "a": 2, "b": 4, "e": 2}))]
    for arm, single in zip(res.arms, singles):
        for key in ("selection", "patients", "dlts"):
            np.testing.assert_allclose(getattr(arm, key), getattr(single, key), rtol=0, atol=1e-12)
        assert arm.no_selection == pytest.approx(single.no_selection, abs=1e-12)
        assert arm.sample_size_distribution == pytest.approx(single.sample_size_distribution, abs=1e-12)
    # independent arms: the joint correct selection is the product of the marginals
    assert res.joint.both_correct == pytest.approx(res.arms[0].pcs * res.arms[1].pcs, abs=1e-12)
    assert K == len(res.arms[0].selection)


def test_independent_arms_by_monte_carlo_agree_with_single_arm_within_3_se():
    truths = ([0.05, 0.12, 0.25, 0.45], [0.08, 0.18, 0.33, 0.55])
    res = run_protocol(protocol_from_dict({**two_arm("independent", *truths), "trials": 20000}),
                       method="monte-carlo")
    for arm, t in zip(res.arms, truths):
        single = run_protocol(protocol_from_dict({"target": TARGET, "truth": t, "design": {"method": "3+3"}}),
                              method="exact").oc
        p = np.append(single.selection, single.no_selection)
        se = np.sqrt(p * (1 - p) / 20000)
        assert np.all(np.abs(np.append(arm.selection, arm.no_selection) - p) <= 3 * se + 1e-12)


# ---- a small case worked by hand -----------------------------------------------------------------

@pytest.mark.parametrize("p", [0.1, 0.2, 0.35])
def test_staggered_two_doses_worked_by_hand(p):
    """Arm A: truth (0, 1); Arm B: (p, 0.5); 3+3 each; staggered; every patient eligible for B; B first.

    Patients 1-3 go to A at level 1 (no DLT) and A escalates, clearing level 1, so B opens there.
    B's first cohort (patients 4-6): with 0/3, B would escalate but level 2 is not cleared: B waits;
    A's cohort at level 2 has 3/3 DLTs, so level 2 is eliminated in A and B stops with level 1 as its
    MTD (3 patients). With 1/3, B treats 3 more at level 1 first (B gets eligible patients first):
    1/6 → level 1 (6 patients), ≥ 2/6 → none. With ≥ 2/3, B stops with no selection.
    Arm A always ends with level 1 as MTD after 3 + 3 + 3 patients and 3 DLTs.
    """
    def b(m, y):
        return comb(m, y) * p ** y * (1 - p) ** (m - y)

    sel_b1 = b(3, 0) + b(3, 1) * b(3, 0)
    patients_b1 = 3 + 3 * b(3, 1)
    res = run_protocol(protocol_from_dict(two_arm("staggered", (0.0, 1.0), (p, 0.5), eligible_b=1.0)),
                       method="exact")
    a, bb = res.arms
    np.testing.assert_allclose(a.selection, [1, 0], atol=1e-14)
    np.testing.assert_allclose(a.patients, [6, 3], atol=1e-14)
    np.testing.assert_allclose(a.dlts, [0, 3], atol=1e-14)
    assert bb.selection[0] == pytest.approx(sel_b1, abs=1e-14)
    assert bb.selection[1] == pytest.approx(0, abs=1e-14)
    assert bb.patients[0] == pytest.approx(patients_b1, abs=1e-14)
    assert bb.patients[1] == pytest.approx(0, abs=1e-14)
    assert res.joint.sample_size == pytest.approx(9 + patients_b1, abs=1e-12)
    assert res.joint.both_correct == pytest.approx(sel_b1, abs=1e-14)   # true MTD is level 1 in both arms
    assert res.joint.b_never_opens == pytest.approx(0, abs=1e-14)


def test_b_never_opens_when_no_patient_is_eligible():
    res = run_protocol(protocol_from_dict(two_arm("independent", eligible_b=0.0)), method="exact")
    assert res.joint.b_never_opens == pytest.approx(1.0)
    assert res.arms[1].no_selection == pytest.approx(1.0)
    assert res.arms[1].sample_size == 0


def test_the_overall_cap_is_never_exceeded_and_is_reported():
    res = run_protocol(protocol_from_dict(two_arm("staggered", max_total=18)), method="exact")
    assert max(res.joint.sample_size_distribution) <= 18
    assert 0 < res.joint.cap_reached < 1
    assert res.joint.patients_per_arm.sum() == pytest.approx(res.joint.sample_size)


# ---- the rules hold in every simulated trial -----------------------------------------------------

class CheckedProcess(TwoArmProcess):
    """Checks the staggered and ordered rules before every patient."""

    violations: list[str]

    def treat(self, Z, arm, dlt):
        first_elim, cleared = self.a_limits(Z)
        to_b = arm == 1
        dose_b = Z[:, self.arm[1].dose]
        if self.ad.mode in ("staggered", "ordered") and np.any(dose_b[to_b] >= first_elim[to_b]):
            self.violations.append("Arm B treated at or above a dose eliminated in Arm A")
        if self.ad.mode == "staggered" and np.any(dose_b[to_b] > (cleared - (self.ad.offset - 1))[to_b]):
            self.violations.append("Arm B treated above what Arm A has cleared")
        if np.any(Z[:, self.total] >= self.max_total):
            self.violations.append("a patient beyond the overall cap")
        return super().treat(Z, arm, dlt)


monotone = st.lists(st.floats(0, 1), min_size=3, max_size=3).map(sorted)


@settings(max_examples=40, deadline=None)
@given(ta=monotone, delta=st.lists(st.floats(0, 0.3), min_size=3, max_size=3),
       mode=st.sampled_from(["staggered", "ordered", "independent"]),
       assignment=st.sampled_from(["b_first", "alternate", "a_first", "random"]),
       eligible=st.floats(0, 1), cap=st.one_of(st.none(), st.integers(3, 30)), offset=st.integers(0, 2),
       seed=st.integers(0, 1000))
def test_arm_rules_hold_in_every_simulated_trial(ta, delta, mode, assignment, eligible, cap, offset, seed):
    tb = np.minimum(1.0, np.array(ta) + np.array(delta))
    ad = ArmDesign(mode=mode, max_total=cap, eligible_b=eligible, assignment=assignment, offset=offset)
    proc = CheckedProcess((ThreePlusThree(3, TARGET), APlusB(3, TARGET, 0, a=2, b=4, e=2)), ad)
    proc.violations = []
    Z = run_two_arms(proc, (np.array(ta), tb), np.random.default_rng(seed).random((300, 3, proc.max_total)))
    assert not proc.violations, sorted(set(proc.violations))
    res = outcomes(proc, Z, np.full(300, 1 / 300), 300)
    Z = proc.finish(Z)
    A, B = proc.arm
    assert np.all(proc.done(Z))
    total = Z[:, A.n].sum(axis=1) + Z[:, B.n].sum(axis=1)
    assert np.all(total <= proc.max_total)
    assert np.all(Z[:, A.n].sum(axis=1) <= proc.designs[0].max_n)
    assert np.all(Z[:, B.n].sum(axis=1) <= proc.designs[1].max_n)
    if mode == "ordered":
        sa, sb = Z[:, A.sel], Z[:, B.sel]
        assert np.all(sb <= np.where(sa < 0, -1, sa)), "Arm B selected above Arm A"
    per_arm, joint = summarise_two_arms(proc, res, (np.array(ta), tb), TARGET)
    for oc in per_arm:
        assert oc.selection.sum() + oc.no_selection == pytest.approx(1.0)


@pytest.mark.parametrize("mode", ["staggered", "ordered"])
@pytest.mark.parametrize("assignment", ["b_first", "alternate", "random"])
def test_exact_and_monte_carlo_agree_for_two_arms(mode, assignment):
    proto = protocol_from_dict({**two_arm(mode, max_total=18, assignment=assignment), "trials": 20000})
    ex = run_protocol(proto, method="exact")
    mc = run_protocol(proto, method="monte-carlo")
    for e, m in zip(ex.arms, mc.arms):
        p = np.append(e.selection, e.no_selection)
        se = np.sqrt(p * (1 - p) / 20000)
        assert np.all(np.abs(np.append(m.selection, m.no_selection) - p) <= 4 * se + 1e-12)
        floor = np.sqrt(e.patients * 6 / 20000)
        assert np.all(np.abs(m.patients - e.patients) <= 4 * np.maximum(m.stderr["patients"], floor) + 1e-12)
    q = ex.joint.both_correct
    assert abs(mc.joint.both_correct - q) <= 4 * np.sqrt(q * (1 - q) / 20000) + 1e-12
    assert abs(mc.joint.sample_size - ex.joint.sample_size) <= 4 * mc.joint.stderr["sample_size"] + 1e-9


def test_exact_enumeration_is_a_probability_distribution():
    proto = protocol_from_dict(two_arm("ordered", max_total=18))
    designs = tuple(a.build_design(TARGET) for a in proto.arms)
    proc = TwoArmProcess(designs, proto.arm_design)
    res = enumerate_two_arms(proc, (np.array(proto.arms[0].truth), np.array(proto.arms[1].truth)))
    assert res.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert res.arms[1].weights is res.weights


# ---- protocol and command line -------------------------------------------------------------------

def test_the_car4sar_example_loads_and_round_trips():
    p = load_protocol(EXAMPLE)
    assert p.arm_design is not None and [a.name for a in p.arms] == ["A (systemic)", "B (systemic + local)"]
    assert p.arm_design == ArmDesign("staggered", 18, 0.5, "b_first", 1)
    assert protocol_from_dict(json.loads(p.to_json())) == p


@pytest.mark.parametrize("change,field,words", [
    ({"truth": [0.1, 0.2, 0.3, 0.4]}, "truth", ["each arm its own"]),
    ({"arms": [{"name": "A", "truth": [0.1, 0.2]}]}, "arms", ["list of two arms"]),
    ({"arm_design": {"mode": "parallel"}}, "arm_design.mode", ['"parallel"', '"staggered"']),
    ({"arm_design": {"eligible_b": 1.5}}, "arm_design.eligible_b", ["1.5", "from 0 to 1"]),
    ({"arm_design": {"cap": 18}}, "arm_design.cap", ['"cap"', "max_total"]),
    ({"arms": [{"name": "A", "truth": [0.1, 0.2, 0.3]}, {"name": "B", "truth": [0.1, 0.2]}]},
     "arm_design.mode", ["3 and 2 doses", '"independent"']),
    ({"arms": [{"name": "A", "truth": [0.1, 0.2]}, {"name": "A", "truth": [0.1, 0.2]}]}, "arms[1].name",
     ["both arms"]),
    ({"arms": [{"name": "A", "truth": [0.1, 0.2]}, {"name": "B", "truth": [0.1, 2]}]}, "arms[1].truth[1]",
     ["outside [0, 1]"]),
    ({"arms": [{"name": "A", "truth": [0.1, 0.2]}, {"name": "B", "tru": [0.1]}]}, "arms[1].tru",
     ['Did you mean "truth"']),
])
def test_two_arm_protocol_errors(change, field, words):
    raw = {**two_arm(), **change}
    with pytest.raises(ProtocolError) as err:
        protocol_from_dict(raw)
    problems = {p.field: p.message for p in err.value.problems}
    assert field in problems, err.value
    for w in words:
        assert w in problems[field]


def test_ordered_with_contradicting_truths_is_flagged():
    p = protocol_from_dict(two_arm("ordered", (0.1, 0.3, 0.5, 0.6), (0.1, 0.2, 0.5, 0.7)))
    assert any("at least as toxic" in w.message and "level(s) 2" in w.message for w in p.warnings)
    assert not protocol_from_dict(two_arm("ordered", (0.1, 0.2, 0.5, 0.6), (0.1, 0.3, 0.5, 0.7))).warnings


def test_cli_prints_per_arm_and_joint_ocs():
    r = subprocess.run([sys.executable, "-m", "explorer.cli", "simulate", str(EXAMPLE)], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [a["name"] for a in out["arms"]] == ["A (systemic)", "B (systemic + local)"]
    for a in out["arms"]:
        assert {"selection", "no_selection", "patients", "dlts", "pcs", "stderr", "true_mtd"} <= set(a)
    assert {"both_correct", "b_never_opens", "sample_size", "dlts", "patients_per_arm"} <= set(out["joint"])
    assert out["method"] == "exact"


def test_simulate_returns_both_arms_and_the_joint_ocs():
    res = simulate(load_protocol(EXAMPLE))
    assert len(res.arms) == 2 and res.joint is not None and res.to_dict()["joint"] == res.joint.to_dict()


@pytest.mark.parametrize("assignment", ["b_first", "alternate", "a_first", "random"])
def test_the_shared_accrual_process_itself_keeps_independent_arms_independent(assignment):
    """The general process (not the product shortcut) gives each arm its single-arm law when arms share nothing."""
    truths = (np.array([0.05, 0.2, 0.4]), np.array([0.1, 0.3, 0.5]))
    designs = (ThreePlusThree(3, TARGET), ThreePlusThree(3, TARGET))
    proc = TwoArmProcess(designs, ArmDesign("independent", None, 0.3, assignment, 1))
    res = enumerate_two_arms(proc, truths)
    per_arm, joint = summarise_two_arms(proc, res, truths, TARGET)
    from explorer.core.engine import enumerate_exact
    from explorer.core.oc import summarise
    for oc, d, t in zip(per_arm, designs, truths):
        single = summarise(enumerate_exact(d, t), t, TARGET)
        np.testing.assert_allclose(oc.selection, single.selection, rtol=0, atol=1e-12)
        np.testing.assert_allclose(oc.patients, single.patients, rtol=0, atol=1e-12)
    assert joint.both_correct == pytest.approx(per_arm[0].pcs * per_arm[1].pcs, abs=1e-12)
