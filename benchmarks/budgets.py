"""How long every kind of protocol takes to end, with a result or a message: two arms of every mode and design pair
under "auto", "exact" and "monte-carlo", and hostile files. Prints a table and the slowest cases (never asserted).

Usage: python benchmarks/budgets.py [--quick]   (--quick: fewer design pairs)
Goal (issue 13): every "auto" ends within 10 s, every "exact" / "monte-carlo" within 30 s.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import explorer  # noqa: E402
from explorer.core.errors import ProtocolError  # noqa: E402
from explorer.core.protocol_file import loads_protocol  # noqa: E402

TRUTH_A = [0.05, 0.12, 0.25, 0.45]
TRUTH_B = [0.08, 0.18, 0.33, 0.55]
SAME = ["3+3", "a+b", "boin", "mtpi2", "i3+3", "crm", "blrm"]
MIXED = [("3+3", "boin"), ("boin", "crm"), ("crm", "blrm"), ("a+b", "i3+3")]


def two_arm(a: str, b: str, mode: str, cap: int | None) -> dict:
    return {"target": 0.25, "trials": 10_000, "seed": 1,
            "arms": [{"name": "A", "truth": TRUTH_A, "design": {"method": a}},
                     {"name": "B", "truth": TRUTH_B, "design": {"method": b}}],
            "arm_design": {"mode": mode, "max_total": cap}}


def timed(raw, method: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    try:
        res = explorer.simulate(raw, method=method)
        how = res.method
    except ProtocolError as e:
        how = "refused: " + e.problems[0].message[:60]
    return time.perf_counter() - t0, how


def hostile() -> list[tuple[str, str]]:
    return [
        ("100,000-deep nesting", "[" * 100_000 + "]" * 100_000),
        ("400-digit trials", '{"target": 0.25, "truth": [0.1, 0.2], "design": {"method": "3+3"}, "trials": '
                             + "9" * 400 + "}"),
        ("400-digit target", '{"target": ' + "1" * 400 + ', "truth": [0.1, 0.2], "design": {"method": "3+3"}}'),
        ("skeleton underflow", '{"target": 0.35, "truth": [' + ", ".join(["0.1"] * 12)
                               + '], "design": {"method": "crm", "halfwidth": 0.3, "prior_mtd": 12}}'),
    ]


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    pairs = [(d, d) for d in SAME] + ([] if quick else MIXED)
    print(f"# time to a result or a message (load average {os.getloadavg()[0]:.1f}); 10,000 trials for Monte Carlo")
    head = (f"{'arms':<14} {'mode':<12} {'cap':>4} | {'auto s':>7} {'how':<12} | {'exact s':>7} {'how':<34} | "
            f"{'MC s':>6}")
    print(head)
    print("-" * len(head))
    worst = {"auto": 0.0, "exact": 0.0, "monte-carlo": 0.0}
    for a, b in pairs:
        for mode in ("independent", "staggered", "ordered"):
            for cap in (None, 24):
                raw = two_arm(a, b, mode, cap)
                t_auto, h_auto = timed(raw, "auto")
                t_exact, h_exact = timed(raw, "exact")
                t_mc, _ = timed(raw, "monte-carlo")
                for k, t in (("auto", t_auto), ("exact", t_exact), ("monte-carlo", t_mc)):
                    worst[k] = max(worst[k], t)
                print(f"{a + '/' + b:<14} {mode:<12} {cap or '–':>4} | {t_auto:7.2f} {h_auto[:12]:<12} | "
                      f"{t_exact:7.2f} {h_exact[:34]:<34} | {t_mc:6.2f}", flush=True)
    print()
    for name, text in hostile():
        t0 = time.perf_counter()
        try:
            loads_protocol(text, name)
            how = "accepted"
        except ProtocolError as e:
            how = "exit 2: " + str(e)[:70]
        print(f"{name:<22} {time.perf_counter() - t0:6.3f} s  {how}")
    print(f"\nslowest: auto {worst['auto']:.2f} s (goal 10), exact {worst['exact']:.2f} s (goal 30), "
          f"Monte Carlo {worst['monte-carlo']:.2f} s (goal 30)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
