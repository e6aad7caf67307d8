"""Interval designs (BOIN, mTPI-2, i3+3) on the BOIN reference scenarios: 6 doses, 36 patients in cohorts of 3.

R times are BOIN's `get.oc` for 10,000 trials (shared/reference/boin_get_oc.json); mTPI-2 and i3+3 have none.
"""

import json
from pathlib import Path

from common import Case

REF = json.loads((Path(__file__).resolve().parent.parent / "tests" / "data" / "boin_get_oc.json").read_text())
DESIGN = {"cohort_size": 3, "max_n": 36}

CASES = [
    Case(sc["name"], {"target": REF["target"], "truth": sc["truth"], "seed": 1,
                      "design": {"method": method, **DESIGN}},
         r_seconds_10k=sc["r_seconds"] if method == "boin" else None)
    for method in ("boin", "mtpi2", "i3+3")
    for sc in REF["scenarios"]
]
