"""Trials with a clock ("time"), through the pipeline: TITE-CRM as dfcrm's titesim (against R's stored time), 3+3 and
the other designs in calendar time, one and two arms. `make bench` includes these CASES; run this file for its own
table, which also shows the same protocol without a clock and the machine's load:
python benchmarks/bench_time.py [FILTER].

Each timing is `explorer.simulate(protocol)` for 10,000 trials: the pipeline's chunks of draws (300, then 2,000 at a
time), the clock engine, the OCs and the time OCs.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import Case, median_time  # noqa: E402

REF = json.loads((HERE.parent / "tests" / "data" / "titecrm_dfcrm_titesim.json").read_text())
R = REF["r_settings"]
#: titesim's setting (tests/test_tite_crm.py): 24 patients one at a time, fixed accrual every 2, window 6
TITESIM = {"method": "tite-crm", "skeleton": REF["skeleton"], "max_n": R["n"], "cohort_size": 1,
           "prior_sd": R["scale"], "safety_stop": 1.0}
TITESIM_TIME = {k: v for k, v in REF["time_model"].items() if k != "note"}
CAR4SAR = [0.05, 0.12, 0.25, 0.45]
MONTHLY = {"accrual": "poisson", "rate": 1.0, "dlt_window": 1.0, "time_unit": "months"}
TWO = {"arms": [{"name": "A", "truth": CAR4SAR}, {"name": "B", "truth": [0.08, 0.18, 0.33, 0.55]}],
       "arm_design": {"mode": "staggered", "max_total": 18, "eligible_b": 0.5}}


def _proto(truth: list[float], design: dict, time: dict, target: float = 0.25) -> dict:
    return {"target": target, "truth": truth, "design": design, "time": time, "seed": 1}


def _two(design: dict, time: dict) -> dict:
    return {"target": 0.25, **TWO, "design": design, "time": time, "seed": 1}


CASES = []
for sc in REF["scenarios"]:
    # R's time for 2,000 trials (one-trial calls), scaled to 10,000
    CASES.append(Case(f"{sc['name']} titesim 24×1 fixed", _proto(sc["truth"], TITESIM, TITESIM_TIME, REF["target"]),
                      r_seconds_10k=5 * REF["r_seconds_per_2000_trials"][sc["name"]], exact=False))
    CASES.append(Case(f"{sc['name']} titesim 24×1 poisson",
                      _proto(sc["truth"], TITESIM, {**TITESIM_TIME, "accrual": "poisson"}, REF["target"]),
                      exact=False))
CASES += [
    Case("CAR4SAR-like, monthly", _proto(CAR4SAR, {"method": "3+3"}, MONTHLY), exact=False, note="clock"),
    Case("CAR4SAR-like, fixed, lose", _proto(CAR4SAR, {"method": "3+3"}, {"accrual": "fixed", "pending": "lose"}),
         exact=False, note="clock"),
    Case("CAR4SAR-like, monthly", _proto(CAR4SAR, {"method": "rolling-six"}, MONTHLY), exact=False),
    Case("CAR4SAR-like 18 in 3s", _proto(CAR4SAR, {"method": "boin", "max_n": 18}, MONTHLY), exact=False,
         note="clock"),
    Case("CAR4SAR-like 18 in 3s", _proto(CAR4SAR, {"method": "tite-boin", "max_n": 18}, MONTHLY), exact=False),
    Case("CAR4SAR-like 18 in 3s", _proto(CAR4SAR, {"method": "crm", "max_n": 18}, MONTHLY), exact=False,
         note="clock"),
    Case("CAR4SAR two arms, 18", _two({"method": "3+3"}, MONTHLY), exact=False, note="clock"),
    Case("CAR4SAR two arms, 18", _two({"method": "tite-boin", "max_n": 12}, MONTHLY), exact=False, note="TITE"),
]


def main(argv: list[str]) -> int:
    """Time every case with and without its clock, and print the table with the machine's load."""
    from explorer.api import simulate
    from explorer.core.validation import protocol_from_dict

    filt = argv[0].lower() if argv else ""
    load = os.getloadavg()
    print(f"# clock benchmarks (python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}, "
          f"{os.cpu_count()} cores); explorer.simulate, 10,000 trials, medians of 5 runs")
    print(f"# load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; 'untimed': the same protocol "
          f"without \"time\" (Monte Carlo); R/ours: R's time for 10,000 trials / ours\n")
    head = f"{'design':<22} {'scenario':<28} {'clock ms':>9} {'untimed ms':>11} {'R s':>7} {'R/ours':>8}"
    print(head)
    print("-" * len(head))
    for case in CASES:
        proto = protocol_from_dict({**case.protocol, "trials": 10_000})
        label = proto.arms[0].design.method + (" (2 arms)" if proto.arm_design else "")
        if filt and filt not in label.lower() and filt not in case.scenario.lower():
            continue
        untimed = protocol_from_dict({k: v for k, v in {**case.protocol, "trials": 10_000}.items() if k != "time"})
        t_clock = median_time(lambda p=proto: simulate(p, method="monte-carlo"), repeat=5)
        t_untimed = median_time(lambda p=untimed: simulate(p, method="monte-carlo"), repeat=5)
        r = case.r_seconds_10k
        ratio = f"{r / t_clock:,.0f}×" if r else "–"
        print(f"{label:<22} {case.scenario:<28} {t_clock * 1e3:>9.1f} {t_untimed * 1e3:>11.1f} "
              f"{(f'{r:.0f}' if r else '–'):>7} {ratio:>8}")
    load = os.getloadavg()
    print(f"\n# load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
