"""Rule-based designs against independent references: the shared exact 3+3 values, and a plain recursion."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from aplusb_reference import enumerate_aplusb
from engine_helpers import simulate_trials
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core.designs import APlusB, ThreePlusThree
from explorer.core.engine import enumerate_exact
from explorer.core.oc import summarise

DATA = Path(__file__).parent / "data"
REF = json.loads((DATA / "three_plus_three_exact.json").read_text())
SCENARIOS = REF["scenarios"]
TARGET = 0.25  # the OCs compared here (selection, patients, DLTs) do not depend on the target


def _ids(scs):
    return [s["name"] for s in scs]


@pytest.mark.parametrize("sc", SCENARIOS, ids=_ids(SCENARIOS))
def test_exact_3plus3_matches_the_shared_reference_to_1e9(sc):
    truth = np.array(sc["truth"])
    oc = summarise(enumerate_exact(ThreePlusThree(len(truth), TARGET, REF["start_dose"] - 1), truth), truth, TARGET)
    np.testing.assert_allclose(oc.selection, sc["selection"], rtol=0, atol=1e-9)
    assert oc.no_selection == pytest.approx(sc["no_selection"], abs=1e-9)
    np.testing.assert_allclose(oc.patients, sc["patients"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(oc.dlts, sc["dlts"], rtol=0, atol=1e-9)
    assert oc.sample_size == pytest.approx(sc["sample_size"], abs=1e-9)


@pytest.mark.parametrize("sc", SCENARIOS, ids=_ids(SCENARIOS))
def test_the_plain_recursion_also_matches_the_shared_reference(sc):
    sel, pts, tox = enumerate_aplusb(sc["truth"])
    np.testing.assert_allclose(sel, sc["selection"] + [sc["no_selection"]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(pts, sc["patients"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(tox, sc["dlts"], rtol=0, atol=1e-12)


def _check_against_recursion(design, truth, **ref_kwargs):
    # Two summation orders of the same products: agreement to float rounding (~1e-12), not bit-exact.
    oc = summarise(enumerate_exact(design, np.array(truth)), np.array(truth), TARGET)
    sel, pts, tox = enumerate_aplusb(list(truth), **ref_kwargs)
    np.testing.assert_allclose(np.append(oc.selection, oc.no_selection), sel, rtol=0, atol=1e-10)
    np.testing.assert_allclose(oc.patients, pts, rtol=0, atol=1e-10)
    np.testing.assert_allclose(oc.dlts, tox, rtol=0, atol=1e-10)


VARIANT_MODES = {"standard": "expand", "no_expansion": "accept", "highest_six": "highest_full"}


@pytest.mark.parametrize("variant", list(VARIANT_MODES))
@pytest.mark.parametrize("sc", SCENARIOS, ids=_ids(SCENARIOS))
def test_3plus3_variants_match_the_plain_recursion(variant, sc):
    K = len(sc["truth"])
    _check_against_recursion(ThreePlusThree(K, TARGET, 0, variant=variant), sc["truth"], mode=VARIANT_MODES[variant])


@pytest.mark.parametrize("variant", list(VARIANT_MODES))
def test_3plus3_variants_from_a_higher_start_dose(variant):
    truth = [0.05, 0.3, 0.5, 0.6, 0.7]
    _check_against_recursion(ThreePlusThree(5, TARGET, 2, variant=variant), truth,
                             mode=VARIANT_MODES[variant], start=2)


def test_the_variants_differ_where_they_should():
    truth = np.array([0.05, 0.12, 0.25, 0.45])
    sel = {v: summarise(enumerate_exact(ThreePlusThree(4, TARGET, 0, variant=v), truth), truth, TARGET).selection
           for v in VARIANT_MODES}
    assert not np.allclose(sel["standard"], sel["no_expansion"])
    assert not np.allclose(sel["standard"], sel["highest_six"])


AB_SETS = [
    dict(a=3, b=3, c=1, d=1, e=1),
    dict(a=3, b=3, c=1, d=2, e=2),
    dict(a=2, b=4, c=1, d=1, e=2),
    dict(a=4, b=4, c=1, d=2, e=2),
    dict(a=3, b=2, c=2, d=2, e=2),
    dict(a=1, b=2, c=1, d=0, e=1),
]


@pytest.mark.parametrize("deesc", [True, False])
@pytest.mark.parametrize("params", AB_SETS, ids=[str(p) for p in AB_SETS])
def test_aplusb_matches_the_plain_recursion(params, deesc):
    truth = [0.05, 0.1, 0.25, 0.4, 0.55]
    _check_against_recursion(APlusB(5, TARGET, 0, deescalation=deesc, **params), truth,
                             mode="expand" if deesc else "accept", **params)


@settings(max_examples=40, deadline=None)
@given(truth=st.lists(st.floats(0, 1), min_size=2, max_size=6),
       params=st.sampled_from(AB_SETS), deesc=st.booleans(), start=st.integers(0, 5))
def test_aplusb_matches_the_plain_recursion_on_random_truths(truth, params, deesc, start):
    start = min(start, len(truth) - 1)
    _check_against_recursion(APlusB(len(truth), TARGET, start, deescalation=deesc, **params), truth,
                             mode="expand" if deesc else "accept", start=start, **params)


@pytest.mark.parametrize("sc", SCENARIOS, ids=_ids(SCENARIOS))
@pytest.mark.parametrize("deesc,variant", [(True, "standard"), (False, "no_expansion")])
def test_aplusb_with_3plus3_parameters_equals_3plus3(sc, deesc, variant):
    truth = np.array(sc["truth"])
    K = len(truth)
    ab = summarise(enumerate_exact(APlusB(K, TARGET, 0, a=3, b=3, c=1, d=1, e=1, deescalation=deesc), truth),
                   truth, TARGET)
    tt = summarise(enumerate_exact(ThreePlusThree(K, TARGET, 0, variant=variant), truth), truth, TARGET)
    for key in ("selection", "patients", "dlts"):
        np.testing.assert_allclose(getattr(ab, key), getattr(tt, key), rtol=0, atol=1e-12)
    assert ab.sample_size_distribution == pytest.approx(tt.sample_size_distribution, abs=1e-12)


RULE_DESIGNS = [
    ("3+3", lambda K: ThreePlusThree(K, TARGET, 0)),
    ("3+3 no_expansion", lambda K: ThreePlusThree(K, TARGET, 0, variant="no_expansion")),
    ("3+3 highest_six", lambda K: ThreePlusThree(K, TARGET, 0, variant="highest_six")),
    ("2+4", lambda K: APlusB(K, TARGET, 0, a=2, b=4, c=1, d=1, e=2)),
    ("4+4 no de-escalation", lambda K: APlusB(K, TARGET, 0, a=4, b=4, c=1, d=2, e=2, deescalation=False)),
]


@pytest.mark.parametrize("name,factory", RULE_DESIGNS, ids=[n for n, _ in RULE_DESIGNS])
@pytest.mark.parametrize("sc", SCENARIOS, ids=_ids(SCENARIOS))
def test_monte_carlo_agrees_with_exact_within_4_se(name, factory, sc):
    truth = np.array(sc["truth"])
    design = factory(len(truth))
    trials = 20_000
    ex = summarise(enumerate_exact(design, truth), truth, TARGET)
    mc = summarise(simulate_trials(design, truth, trials, np.random.default_rng(11)), truth, TARGET)

    def close(m, e, se):
        return np.all(np.abs(np.asarray(m) - np.asarray(e)) <= 4 * np.asarray(se) + 1e-12)

    p = np.append(ex.selection, ex.no_selection)
    assert close(np.append(mc.selection, mc.no_selection), p, np.sqrt(p * (1 - p) / trials))
    for key in ("patients", "dlts"):
        # a rare dose may be never reached in the simulation (SE 0): bound its SE by the exact mean
        floor = np.sqrt(getattr(ex, key) * design.max_cohort * 2 / trials)
        assert close(getattr(mc, key), getattr(ex, key), np.maximum(mc.stderr[key], floor)), key
    assert close(mc.sample_size, ex.sample_size, mc.stderr["sample_size"])
    for key in ("pcs", "acceptable", "overdose_selection"):
        q = getattr(ex, key)
        assert close(getattr(mc, key), q, np.sqrt(q * (1 - q) / trials)), key
    assert close(mc.overdose_patients, ex.overdose_patients, mc.stderr["overdose_patients"])


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explorer.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("sc", SCENARIOS, ids=_ids(SCENARIOS))
def test_cli_reproduces_the_exact_reference_and_monte_carlo_agrees(sc, tmp_path):
    proto = {"target": 0.25, "truth": sc["truth"], "start_dose": REF["start_dose"], "design": REF["design"],
             "trials": 20_000, "seed": 3}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(proto))
    ex = json.loads(_cli("simulate", str(path), "--exact").stdout)
    assert ex["method"] == "exact" and ex["trials"] is None
    for key in ("selection", "patients", "dlts"):
        np.testing.assert_allclose(ex[key], sc[key], rtol=0, atol=1e-9)
    assert ex["no_selection"] == pytest.approx(sc["no_selection"], abs=1e-9)
    assert ex["sample_size"] == pytest.approx(sc["sample_size"], abs=1e-9)

    mc = json.loads(_cli("simulate", str(path), "--monte-carlo").stdout)
    assert mc["method"] == "monte-carlo" and mc["trials"] == 20_000
    p = np.array(sc["selection"] + [sc["no_selection"]])
    se = np.sqrt(p * (1 - p) / 20_000)
    assert np.all(np.abs(np.array(mc["selection"] + [mc["no_selection"]]) - p) <= 4 * se + 1e-12)
    for key in ("patients", "dlts"):
        assert np.all(np.abs(np.array(mc[key]) - sc[key]) <= 4 * np.array(mc["stderr"][key]) + 1e-12)
