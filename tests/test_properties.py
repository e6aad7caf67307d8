"""Random valid protocols, over every registered design, never crash and give coherent OCs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.core.designs import design_classes
from explorer.core.protocol import protocol_from_dict
from explorer.core.runner import run_protocol

METHODS = list(design_classes())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(truth=st.lists(st.floats(0, 1), min_size=2, max_size=8), target=st.floats(0.1, 0.5),
       start=st.integers(1, 8), method=st.sampled_from(METHODS), seed=st.integers(0, 2**32),
       how=st.sampled_from(["auto", "monte-carlo"]))
def test_random_protocols_give_coherent_ocs(truth, target, start, method, seed, how):
    cls = design_classes()[method]
    names = {o.name for o in cls.options}
    design = {"method": method, **({"max_n": 12} if "max_n" in names else {}),
              **({"cohort_size": 3} if "cohort_size" in names else {})}
    p = protocol_from_dict({"target": target, "truth": truth, "start_dose": min(start, len(truth)),
                            "design": design, "trials": 200, "seed": seed, "method": how})
    oc = run_protocol(p).oc
    K = len(truth)
    assert oc.selection.shape == (K,) and np.all(oc.selection >= -1e-12)
    assert oc.selection.sum() + oc.no_selection == pytest.approx(1.0, abs=1e-9)
    max_n = p.build_design().max_n
    assert 0 < oc.sample_size <= max_n + 1e-9
    assert np.all(oc.dlts <= oc.patients + 1e-9)
    for v in (oc.pcs, oc.acceptable, oc.overdose_selection, oc.overdose_patients):
        assert -1e-12 <= v <= 1 + 1e-12
    assert sum(oc.sample_size_distribution.values()) == pytest.approx(1.0, abs=1e-9)
    assert max(oc.sample_size_distribution) <= max_n
