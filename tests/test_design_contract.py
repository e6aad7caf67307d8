"""The design contract (explorer.testing) on every registered design and its option variants: a new design module
in explorer/core/designs/ is checked here by being registered."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.designs import Design, design_classes
from explorer.core.designs.base import CountState, Proposal
from explorer.testing import CHECKS, ContractError, check_design, variants

CASES = [(cls, opts, check) for cls in design_classes().values() for opts in variants(cls) for check in CHECKS]
IDS = [f"{c.method}{'-' + '-'.join(f'{k}={v}' for k, v in o.items() if k not in ('max_n', 'cohort_size')) if o else ''}"
       f"-{chk.__name__[len('check_'):]}" for c, o, chk in CASES]


@pytest.mark.parametrize("cls, opts, check", CASES, ids=IDS)
def test_contract(cls, opts, check):
    why = check(cls, opts)
    if why:
        pytest.skip(why)


class _SkipsDoses(Design):
    """A broken design for the suite to catch: jumps to the top dose after the first cohort (not registered: no
    `method` on the class, it is given per test)."""

    title = "broken"
    summary = "escalates to the top at once and never stops early"
    options = ()

    @property
    def max_n(self) -> int:
        return 12

    @property
    def max_cohort(self) -> int:
        return 3

    def propose(self, s: CountState) -> Proposal:
        return Proposal(np.full(s.n.shape[0], s.n.shape[1] - 1))


def test_the_suite_catches_a_broken_design():
    broken = type("Broken", (_SkipsDoses,), {"method": "broken-for-test"})
    with pytest.raises(ContractError):
        check_design(broken)


def test_the_clock_check_catches_a_pending_rule_that_leaks_between_trials():
    """A time-to-event rule that looks at the whole batch (here: escalates when the batch as a whole has few
    patients pending) decides a trial differently alone and in a batch."""
    from explorer.core.designs.pending import PendingState
    from explorer.core.designs.tite_boin import TiteBOIN
    from explorer.testing import check_with_a_clock

    class Leaky(TiteBOIN):
        def propose(self, s: CountState) -> Proposal:
            p = super().propose(s)
            if isinstance(s, PendingState) and s.pending.sum() < s.n.shape[0]:
                p.dose = np.minimum(s.current + 1, s.n.shape[1] - 1)
            return p

    leaky = type("Leaky", (Leaky,), {"method": "leaky-for-test"})
    with pytest.raises(ContractError, match="alone and in a batch"):
        check_with_a_clock(leaky, {"max_n": 12})
