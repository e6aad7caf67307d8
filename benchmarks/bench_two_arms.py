"""Two-arm trials: the CAR4SAR-like preset (3+3 in each arm, staggered, 18 patients, 50% eligible for Arm B)."""

import json
from pathlib import Path

from common import Case

PRESET = json.loads((Path(__file__).resolve().parents[1] / "examples" / "car4sar-two-arm.json").read_text())

CASES = [
    Case("CAR4SAR-like preset", PRESET),
    Case("CAR4SAR-like, ordered", {**PRESET, "arm_design": {**PRESET["arm_design"], "mode": "ordered"}}),
    Case("CAR4SAR-like, independent 18", {**PRESET, "arm_design": {**PRESET["arm_design"], "mode": "independent"}}),
    Case("CAR4SAR-like, random, 24 cap", {**PRESET, "arm_design": {**PRESET["arm_design"], "assignment": "random",
                                                                   "max_total": 24}}),
]
