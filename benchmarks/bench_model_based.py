"""Model-based designs (CRM, BLRM/EWOC): the dfcrm reference setting, and 6 doses × 36 patients in cohorts of 3."""

import json
from pathlib import Path

from common import Case

REF = json.loads((Path(__file__).resolve().parent.parent / "tests" / "data" / "crm_dfcrm_crmsim.json").read_text())
# crmsim's setting: skeleton getprior(0.05, 0.25, 3, 6) (= our default calibration), 24 patients one at a time,
# no early stopping
DFCRM = {"method": "crm", "cohort_size": 1, "max_n": 24, "halfwidth": 0.05, "prior_mtd": 3, "safety_stop": 1.0}
GOAL = {"cohort_size": 3, "max_n": 36}


def _proto(truth: list[float], design: dict) -> dict:
    return {"target": REF["target"], "truth": truth, "start_dose": REF["start_dose"], "design": design, "seed": 1}


CASES = []
for sc in REF["scenarios"]:
    truth = sc["truth"]
    # R's time for 2,000 trials, scaled to 10,000
    CASES.append(Case(f"{sc['name']} dfcrm 24×1", _proto(truth, DFCRM), r_seconds_10k=5 * sc["r_seconds"]))
    CASES.append(Case(f"{sc['name']} 36 in 3s", _proto(truth, {"method": "crm", **GOAL})))
    CASES.append(Case(f"{sc['name']} 36 in 3s", _proto(truth, {"method": "crm", "model": "logistic", **GOAL}),
                      note="logistic"))
    CASES.append(Case(f"{sc['name']} 36 in 3s", _proto(truth, {"method": "blrm", **GOAL})))
    CASES.append(Case(f"{sc['name']} 24×1", _proto(truth, {"method": "blrm", "cohort_size": 1, "max_n": 24})))
