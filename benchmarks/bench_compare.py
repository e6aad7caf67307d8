"""Design comparison on common patients (`phase1-explorer compare`): 3+3 against BOIN and the CRM, CAR4SAR-like."""

from common import Case

CAR4SAR = {"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "3+3"}, "seed": 1}

CASES = [
    Case("CAR4SAR-like, 36 patients", {**CAR4SAR, "compare": [{"method": "boin"}, {"method": "crm"}]}),
    Case("CAR4SAR-like, 18 patients", {**CAR4SAR, "compare": [{"method": "boin", "max_n": 18},
                                                             {"method": "crm", "max_n": 18}]}),
]
