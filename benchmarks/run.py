"""Print a speed table for every benchmark case: exact run and 10,000 Monte Carlo trials, vs the R reference.

Usage: python benchmarks/run.py [FILTER]   (FILTER keeps cases whose design or scenario contains it)
Cases live in benchmarks/bench_*.py, each with a list CASES of common.Case.
"""

from __future__ import annotations

import importlib.util
import platform
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import Case, median_time  # noqa: E402

from explorer.api import compare, simulate  # noqa: E402
from explorer.core.errors import ProtocolError  # noqa: E402
from explorer.core.validation import protocol_from_dict  # noqa: E402


def load_cases() -> list[Case]:
    """Every CASES list of benchmarks/bench_*.py."""
    cases: list[Case] = []
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        cases += getattr(mod, "CASES", [])
    return cases


def fmt_ms(seconds: float | None) -> str:
    """Milliseconds, or a dash."""
    return "–" if seconds is None else f"{seconds * 1e3:.1f}"


def main(argv: list[str]) -> int:
    """Time every case and print the table."""
    filt = argv[0].lower() if argv else ""
    print(f"# phase1-explorer benchmarks  (python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()})")
    print("# medians of repeated runs of explorer.simulate or explorer.compare (pipeline + OCs); MC = Monte Carlo;"
          " R/ours = R reference time for 10,000 trials / our MC time\n"
          "# (R's time is the one stored in the reference file, ours is live wall time: the ratio swings with the"
          " machine's load; `make bench-r` measures both side by side)\n")
    head = f"{'design':<22} {'scenario':<30} {'exact ms':>9} {'MC trials':>9} {'MC ms':>9} {'R s':>8} {'R/ours':>9}"
    print(head)
    print("-" * len(head))
    for case in load_cases():
        proto = protocol_from_dict({**case.protocol, "trials": case.mc_trials})
        label = ("two-arm " + proto.arm_design.mode if proto.arm_design else proto.arms[0].design.method) \
            + (f" {case.note}" if case.note else "")
        if proto.compare:  # a comparison on common patients (`phase1-explorer compare`)
            label = "compare " + "/".join(d.method for d in (proto.arms[0].design, *proto.compare))
            run = compare
        else:
            run = simulate
        if filt and filt not in label.lower() and filt not in case.scenario.lower():
            continue
        t_exact = None
        if case.exact:
            try:
                t_exact = median_time(lambda p=proto, f=run: f(p, method="exact"), repeat=15)
            except ProtocolError:  # exact not feasible at these settings
                t_exact = None
        t_mc = median_time(lambda p=proto, f=run: f(p, method="monte-carlo"), repeat=5)
        r = case.r_seconds_10k
        ratio = f"{r / t_mc:,.0f}×" if r else "–"
        print(f"{label:<22} {case.scenario:<30} {fmt_ms(t_exact):>9} {case.mc_trials:>9,} {fmt_ms(t_mc):>9} "
              f"{(f'{r:.1f}' if r else '–'):>8} {ratio:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
