"""Rule-based designs (3+3, A+B) on the reference scenarios of shared/reference/three_plus_three_exact.json."""

from common import Case

SCENARIOS = {
    "P1 MTD at 3 of 5": [0.05, 0.10, 0.25, 0.40, 0.55],
    "P3 all toxic": [0.45, 0.55, 0.65, 0.75, 0.85],
    "P4 steep, 6 doses": [0.05, 0.08, 0.45, 0.60, 0.70, 0.80],
    "P5 CAR-T 4 levels": [0.05, 0.12, 0.25, 0.45],
    "safe, 10 doses": [0.01 * (i + 1) for i in range(10)],
}

CASES = [
    Case(name, {"target": 0.25, "truth": truth, "design": {"method": "3+3"}, "seed": 1})
    for name, truth in SCENARIOS.items()
] + [
    Case("P4 steep, 6 doses", {"target": 0.25, "truth": SCENARIOS["P4 steep, 6 doses"], "seed": 1,
                               "design": {"method": "a+b", "a": 3, "b": 3, "c": 1, "d": 1, "e": 1}}),
    Case("P4 steep, 6 doses", {"target": 0.25, "truth": SCENARIOS["P4 steep, 6 doses"], "seed": 1,
                               "design": {"method": "a+b", "a": 2, "b": 4, "c": 1, "d": 1, "e": 2,
                                          "deescalation": False}}, note="2+4"),
]
