"""Designs compared on common patients: paired differences, checked against exact differences."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import explorer
from explorer.core.designs import find_design
from explorer.core.errors import ProtocolError
from explorer.core.outputs import design_labels
from explorer.core.protocol import DesignSpec
from explorer.core.validation import protocol_from_dict


def compare_designs(protocol, designs, method="auto"):
    """The first design as the protocol's own, the others compared with it on common patients."""
    first, *others = designs
    return explorer.compare(protocol.with_changes(design=first.to_json()), others, method=method)


def compare_protocol(protocol, others=None, method=None, trials=None, seed=None):
    return explorer.compare(protocol, others, method=method, trials=trials, seed=seed)

PROTO = protocol_from_dict({"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45, 0.6], "design": {"method": "3+3"},
                            "trials": 20000, "seed": 4})
D33 = DesignSpec("3+3", {"variant": "standard"})
D33X = DesignSpec("3+3", {"variant": "no_expansion"})
D24 = DesignSpec("a+b", {"a": 2, "b": 4, "c": 1, "d": 1, "e": 2, "deescalation": True})


def test_exact_differences_are_differences_of_exact_ocs():
    c = compare_designs(PROTO, [D33, D24, D33X], method="exact")
    assert c.method == "exact"
    for oc, diff in zip(c.ocs[1:], c.differences):
        assert diff["pcs"] == (pytest.approx(oc.pcs - c.ocs[0].pcs, abs=1e-15), 0.0)
        assert diff["selection[3]"][0] == pytest.approx(oc.selection[2] - c.ocs[0].selection[2], abs=1e-15)


def test_a_design_against_itself_differs_by_exactly_zero_on_common_patients():
    c = compare_designs(PROTO, [D33, D33], method="monte-carlo")
    assert all(v == (0.0, 0.0) for v in c.differences[0].values())


def test_monte_carlo_paired_differences_agree_with_exact_within_4_se():
    ex = compare_designs(PROTO, [D33, D24, D33X], method="exact")
    mc = compare_designs(PROTO, [D33, D24, D33X], method="monte-carlo")
    assert mc.method == "monte-carlo" and mc.trials == 20000
    for e, m in zip(ex.differences, mc.differences):
        for key, (value, se) in m.items():
            assert abs(value - e[key][0]) <= 4 * se + 1e-12, key


def test_pairing_makes_differences_more_precise_than_independent_runs():
    mc = compare_designs(PROTO, [D33, D33X], method="monte-carlo")
    a, b = mc.ocs
    unpaired = np.sqrt(a.stderr["pcs"] ** 2 + b.stderr["pcs"] ** 2)
    assert mc.differences[0]["pcs"][1] < 0.8 * unpaired


def test_comparison_serialises():
    d = compare_designs(PROTO, [D33, D24]).to_dict()
    assert [x["design"]["method"] for x in d["designs"]] == ["3+3", "a+b"]
    assert d["differences"][0]["versus"]["method"] == "3+3" and "pcs" in d["differences"][0]


# ---- 3+3 against BOIN on common patients -------------------------------------------------------------------------

CAR = protocol_from_dict({"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "3+3"},
                          "trials": 4000, "seed": 11})
BOIN18 = DesignSpec("boin", {**find_design("boin").resolve_options({"max_n": 18}, 0.25, 4)[0]})


def test_pairing_makes_3plus3_against_boin_more_precise_than_unpaired():
    mc = compare_designs(CAR, [CAR.arms[0].design, BOIN18], method="monte-carlo")
    a, b = mc.ocs
    for key in ("pcs", "acceptable"):
        unpaired = np.hypot(a.stderr[key], b.stderr[key])
        assert mc.differences[0][key][1] < 0.9 * unpaired, key
    unpaired = np.hypot(a.stderr["selection"][1], b.stderr["selection"][1])
    assert mc.differences[0]["selection[2]"][1] < 0.95 * unpaired


def test_paired_standard_errors_describe_the_spread_around_the_exact_difference():
    exact = compare_designs(CAR, [CAR.arms[0].design, BOIN18], method="exact").differences[0]
    z, err_pcs, unpaired_pcs = [], [], []
    for seed in range(40):
        mc = compare_designs(CAR.with_changes(trials=1000, seed=seed), [CAR.arms[0].design, BOIN18],
                             method="monte-carlo")
        diff = mc.differences[0]
        z += [(diff[k][0] - exact[k][0]) / diff[k][1] for k in ("pcs", "selection[2]", "sample_size", "total_dlts")]
        err_pcs.append(diff["pcs"][0] - exact["pcs"][0])
        unpaired_pcs.append(np.hypot(mc.ocs[0].stderr["pcs"], mc.ocs[1].stderr["pcs"]))
    assert 0.8 < np.sqrt(np.mean(np.square(z))) < 1.25
    # the paired estimate really is closer to the truth than unpaired runs would be (expected ratio ~0.82)
    assert np.sqrt(np.mean(np.square(err_pcs))) < np.mean(unpaired_pcs)


# ---- the protocol's "compare" list and compare_protocol ----------------------------------------------------------

def test_protocol_compare_list_is_validated_like_design_with_field_names():
    base = {"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "3+3"}}
    p = protocol_from_dict({**base, "compare": [{"method": "boin", "max_n": 18}, "crm"]})
    assert [d.method for d in p.compare] == ["boin", "crm"] and p.compare[0].options["max_n"] == 18
    assert protocol_from_dict(p.to_dict()) == p
    with pytest.raises(ProtocolError) as e:
        protocol_from_dict({**base, "compare": [{"method": "boin", "max_n": 0}, {"method": "nope"}, 3]})
    fields = [q.field for q in e.value.problems]
    assert fields == ["compare[0].max_n", "compare[1].method", "compare[2]"]
    for bad in ([], {"method": "boin"}, "boin"):
        with pytest.raises(ProtocolError) as e:
            protocol_from_dict({**base, "compare": bad})
        assert [q.field for q in e.value.problems] == ["compare"]
    with pytest.raises(ProtocolError) as e:
        protocol_from_dict({**base, "comapre": ["boin"]})
    assert 'Did you mean "compare"' in str(e.value)


def test_two_arm_compare_runs_each_design_in_both_arms_on_common_patients():
    raw = json.loads((Path(__file__).parent.parent / "examples" / "car4sar-two-arm.json").read_text())
    p = protocol_from_dict({**raw, "compare": [{"method": "boin", "max_n": 12}], "trials": 2000})
    c = explorer.compare(p, method="monte-carlo")
    d = c.to_dict()
    assert [x["design"]["method"] for x in d["designs"]] == ["3+3", "boin"]
    assert [a["name"] for a in d["designs"][1]["arms"]] == ["A (systemic)", "B (systemic + local)"]
    assert "joint" in d["designs"][1] and "joint.both_correct" in d["differences"][0]
    diff = c.differences[0]
    pcs_a = [t.arms[0].pcs for t in c.trials_oc]
    assert diff["arms[0].pcs"][0] == pytest.approx(pcs_a[1] - pcs_a[0], abs=1e-12)
    both = [t.joint.both_correct for t in c.trials_oc]
    assert diff["joint.both_correct"][0] == pytest.approx(both[1] - both[0], abs=1e-12)
    assert diff["joint.both_correct"][1] < np.hypot(*(t.joint.stderr["both_correct"] for t in c.trials_oc))
    ex = explorer.compare(p, method="exact")
    assert ex.method == "exact" and ex.differences[0]["arms[1].pcs"][1] == 0.0


def test_simulate_ignores_the_compare_list():
    with_list = CAR.with_changes(compare=["boin"])
    assert with_list.compare and explorer.simulate(with_list).oc.to_dict() == explorer.simulate(CAR).oc.to_dict()


def test_compare_protocol_uses_the_file_list_overrides_and_refuses_nothing_to_compare():
    p = CAR.with_changes(compare=[{"method": "boin", "max_n": 18}], method="monte-carlo")
    c = compare_protocol(p, trials=500, seed=3)
    assert c.method == "monte-carlo" and c.trials == 500 and c.protocol.seed == 3
    assert c.to_dict() == compare_designs(CAR.with_changes(trials=500, seed=3), [CAR.arms[0].design, BOIN18],
                                          "monte-carlo").to_dict() | {"warnings": [], "title": None}
    assert compare_protocol(p, method="exact").method == "exact"
    with pytest.raises(ProtocolError, match="nothing to compare"):
        compare_protocol(CAR)
    with pytest.raises(ProtocolError, match="exact results are not available"):
        compare_protocol(CAR, [DesignSpec("crm", find_design("crm").resolve_options(
            {"cohort_size": 1, "max_n": 60}, 0.25, 4)[0])], method="exact")


def test_labels_name_changed_options_and_tell_equal_designs_apart():
    assert design_labels([CAR.arms[0].design, BOIN18, BOIN18], 0.25, 4) == ["3+3", "boin (max_n = 18) #2",
                                                                    "boin (max_n = 18) #3"]
