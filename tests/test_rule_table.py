"""The classic decision table of 3+3 and A+B (explorer.core.rule_table), read off the designs' own decisions, against
the standard 3+3 rule of ../shared/reference/README.md and against Lin & Shih's A+B rule written out here."""

from __future__ import annotations

import itertools

import pytest

from explorer.core.designs import find_design
from explorer.core.rule_table import (
    DOWN,
    ESCALATE,
    MORE,
    MTD_BELOW,
    MTD_HERE,
    STOP_NONE,
    RuleRow,
    has_rule_table,
    rule_table,
)


def expand(rows: tuple[RuleRow, ...]) -> dict[tuple[int, int], tuple[str, int, str | None]]:
    """Each (patients, DLTs) of the merged rows with its step."""
    return {(r.treated, x): (r.action, r.size, r.if_below_full) for r in rows
            for x in range(r.dlts[0], r.dlts[1] + 1)}


def test_3plus3_is_the_reference_rule():
    """The standard rule, steps 1-3 of the reference README, at a dose in the middle, at the top and at the bottom."""
    t = rule_table(find_design("3+3")(4, 0.25, 0))
    middle = expand(t.rows)
    # 2. 0/3 escalate; 1/3 treat 3 more; >= 2/3 exceeds. After 6: 1/6 escalate, >= 2/6 exceeds (first 3 had 1).
    assert middle[(3, 0)] == (ESCALATE, 3, None)
    assert middle[(3, 1)] == (MORE, 3, None)
    # 3. exceeded: the dose below has 3 (0 DLTs): 3 more there; it already has 6: it is the MTD.
    for key in ((3, 2), (3, 3), (6, 2), (6, 3), (6, 4)):
        assert middle[key] == (DOWN, 3, MTD_BELOW)
    assert middle[(6, 1)] == (ESCALATE, 3, None)
    assert set(middle) == {(3, 0), (3, 1), (3, 2), (3, 3), (6, 1), (6, 2), (6, 3), (6, 4)}
    # 2. at the top dose: 0/3 treat 3 more; at most 1 DLT of 6: the top dose is the MTD.
    assert expand(t.highest) == {(3, 0): (MORE, 3, None), (6, 1): (MTD_HERE, 0, None)}
    # 3. the dose below expanded to 6 after the dose above exceeded: at most 1/6 makes it the MTD.
    assert expand(t.below_exceeded) == {(3, 0): (MORE, 3, None), (6, 1): (MTD_HERE, 0, None)}
    # 3. exceeding at the lowest dose: stop, no dose selected.
    assert expand(t.lowest) == {k: (STOP_NONE, 0, None) for k in ((3, 2), (3, 3), (6, 2), (6, 3), (6, 4))}


def test_3plus3_in_words():
    t = rule_table(find_design("3+3")(5, 0.3, 1))
    lines = dict(t.lines())
    assert lines["0 of 3"] == "escalate: treat 3 at the next dose"
    assert lines["1 of 3"] == "treat 3 more at this dose"
    assert lines["2 or 3 of 3"].startswith("above the MTD: treat 3 more at the dose below")
    assert "1 of 6 (after 3 more)" in lines
    assert any(n.startswith("At the lowest dose: 2 or 3 of 3 → stop: no dose is selected") for n in t.notes())
    assert t.to_dict()["middle"][0] == {"treated": 3, "dlts": [0, 0], "action": ESCALATE, "size": 3,
                                        "if_below_full": None}


def lin_shih(a: int, b: int, c: int, d: int, e: int, expand_below: bool, where: str, treated: int, x: int,
             below_full: bool) -> tuple[str, int]:
    """Lin & Shih's A+B rule for one state, written out scalar by scalar (independently of APlusB.propose)."""
    ok = x < c if treated == a else x <= e
    grey = treated == a and c <= x <= d
    if grey:
        return MORE, b
    if ok:
        if where in ("middle", "lowest"):
            return ESCALATE, a
        if treated == a:  # no escalation possible here: confirm with b more (or accept at once, without expansion)
            return (MTD_HERE, 0) if where == "below_exceeded" and not expand_below else (MORE, b)
        return MTD_HERE, 0
    if where == "lowest":
        return STOP_NONE, 0
    if below_full or not expand_below:
        return MTD_BELOW, 0
    return DOWN, b


def a_plus_b_settings():
    for a, b in ((3, 3), (2, 4), (4, 2), (3, 1)):
        for c, d, e in itertools.product(range(1, a + 1), range(0, a + 1), range(0, a + b)):
            if c <= a and d >= c - 1 and d <= a and d >= c and e >= d and e < a + b:
                for expand_below in (True, False):
                    yield a, b, c, d, e, expand_below


@pytest.mark.parametrize("settings", list(a_plus_b_settings())[::3])
def test_a_plus_b_against_lin_shih_written_out(settings):
    a, b, c, d, e, expand_below = settings
    design = find_design("a+b")(4, 0.25, 0, a=a, b=b, c=c, d=d, e=e, deescalation=expand_below)
    assert has_rule_table(design)
    t = rule_table(design)
    middle = expand(t.rows)
    second = range(c, d + b + 1)
    states = [(a, x) for x in range(a + 1)] + [(a + b, x) for x in second]
    assert set(middle) == set(states)
    for treated, x in states:
        action, size, other = middle[(treated, x)]
        assert (action, size) == lin_shih(a, b, c, d, e, expand_below, "middle", treated, x, False)
        full = lin_shih(a, b, c, d, e, expand_below, "middle", treated, x, True)[0]
        assert other == (None if full == action else full)
    for where, rows in (("highest", t.highest), ("below_exceeded", t.below_exceeded), ("lowest", t.lowest)):
        shown = expand(rows)
        for treated, x in states:
            want = lin_shih(a, b, c, d, e, expand_below, where, treated, x, False)
            if (treated, x) in shown:  # listed only where it differs from the middle of the ladder
                assert shown[(treated, x)][:2] == want
            else:
                assert middle[(treated, x)][:2] == want


def test_only_rule_based_designs_have_one():
    boin = find_design("boin")(4, 0.25, 0)
    assert not has_rule_table(boin)
    with pytest.raises(TypeError):
        rule_table(boin)
