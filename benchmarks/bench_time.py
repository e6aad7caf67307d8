"""Speed of trials with a clock (TITE-CRM as dfcrm's titesim, 3+3 and others in calendar time), against the R
reference where there is one. Prints a table; run: python benchmarks/bench_time.py [FILTER].

Each case times, for 10,000 trials: drawing the patients, running the clock engine and summarising the OCs
(selection and time); "untimed" is the same design without a clock on the same machine, for scale.
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import median_time  # noqa: E402

from explorer.core.clock.draws import clock_draws  # noqa: E402
from explorer.core.clock.engine import simulate_with_clock  # noqa: E402
from explorer.core.clock.oc import summarise_time  # noqa: E402
from explorer.core.clock.spec import TimeModel  # noqa: E402
from explorer.core.designs import find_design  # noqa: E402
from explorer.core.engine import simulate  # noqa: E402
from explorer.core.oc import summarise  # noqa: E402

REF = json.loads((HERE.parent / "tests" / "data" / "titecrm_dfcrm_titesim.json").read_text())
TITESIM = TimeModel(**{k: v for k, v in REF["time_model"].items() if k != "note"})
TITESIM_DESIGN = {"skeleton": REF["skeleton"], "max_n": 24, "cohort_size": 1,
                  "prior_sd": REF["r_settings"]["scale"], "safety_stop": 1.0}
CAR4SAR = np.array([0.05, 0.12, 0.25, 0.45])
MONTHLY = TimeModel(accrual="poisson", rate=1.0, dlt_window=1.0, time_unit="months")
TRIALS = 10_000


def cases() -> list[tuple[str, str, str, dict, np.ndarray, TimeModel, float | None]]:
    """(label, scenario, method, options, truth, time, R seconds for 10,000 trials)."""
    out = []
    for sc in REF["scenarios"]:
        r10k = 5 * REF["r_seconds_per_2000_trials"][sc["name"]]
        out.append(("tite-crm (titesim)", f"{sc['name']} 24×1, fixed", "tite-crm", TITESIM_DESIGN,
                    np.array(sc["truth"]), TITESIM, r10k))
        out.append(("tite-crm (titesim)", f"{sc['name']} 24×1, poisson", "tite-crm", TITESIM_DESIGN,
                    np.array(sc["truth"]), TimeModel(accrual="poisson", rate=0.5, dlt_window=6.0), None))
    out += [
        ("3+3", "CAR4SAR-like, monthly", "3+3", {}, CAR4SAR, MONTHLY, None),
        ("3+3", "CAR4SAR-like, fixed, lose", "3+3", {}, CAR4SAR, TimeModel(accrual="fixed", pending="lose"), None),
        ("rolling-six", "CAR4SAR-like, monthly", "rolling-six", {}, CAR4SAR, MONTHLY, None),
        ("boin", "CAR4SAR-like 18 in 3s", "boin", {"max_n": 18}, CAR4SAR, MONTHLY, None),
        ("tite-boin", "CAR4SAR-like 18 in 3s", "tite-boin", {"max_n": 18}, CAR4SAR, MONTHLY, None),
        ("crm", "CAR4SAR-like 18 in 3s", "crm", {"max_n": 18}, CAR4SAR, MONTHLY, None),
    ]
    return out


def main(argv: list[str]) -> int:
    """Time every case and print the table."""
    filt = argv[0].lower() if argv else ""
    print(f"# clock benchmarks (python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}); "
          f"{TRIALS:,} trials, medians of 5 runs: draws + clock engine + OCs")
    print("# untimed: the same design without a clock; R/ours: the R reference's time / ours\n")
    head = f"{'design':<20} {'scenario':<28} {'clock ms':>9} {'untimed ms':>11} {'R s':>7} {'R/ours':>8}"
    print(head)
    print("-" * len(head))
    for label, scenario, method, opts, truth, time, r in cases():
        if filt and filt not in label.lower() and filt not in scenario.lower():
            continue
        design = find_design(method)(truth.size, 0.25, 0, **opts)

        def clock(design=design, truth=truth, time=time) -> None:
            res, _ = simulate_with_clock(design, truth, time,
                                         clock_draws(np.random.default_rng(1), TRIALS, design.max_n))
            summarise(res.trials, truth, 0.25)
            summarise_time(res)

        def untimed(design=design, truth=truth) -> None:
            summarise(simulate(design, truth, TRIALS, np.random.default_rng(1)), truth, 0.25)

        t_clock = median_time(clock, repeat=5)
        t_untimed = median_time(untimed, repeat=5)
        ratio = f"{r / t_clock:,.0f}×" if r else "–"
        print(f"{label:<20} {scenario:<28} {t_clock * 1e3:>9.1f} {t_untimed * 1e3:>11.1f} "
              f"{(f'{r:.0f}' if r else '–'):>7} {ratio:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
