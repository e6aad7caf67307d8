"""Designs compared on common patients: paired differences, checked against exact differences."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.compare import compare_designs
from explorer.core.protocol import DesignSpec, protocol_from_dict

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
