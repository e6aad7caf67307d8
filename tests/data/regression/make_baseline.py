"""Record `simulate` (and `compare`) JSON for a fixed set of protocols, as the code of the commit it runs at gives
them: the regression baseline the pipeline refactor is checked against (tests/test_regression.py).

Run from the project root: `python tests/data/regression/make_baseline.py`. It writes baseline.json beside itself.
The protocols: the examples, the reference scenarios of tests/data (3+3, BOIN get.oc, CRM crmsim) and one protocol
per design and per two-arm mode; each computed exactly (where the engine enumerates it) and by Monte Carlo with
2,000 trials.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
MC_TRIALS = 2000


def protocols() -> list[tuple[str, dict]]:
    out = []
    for path in sorted((ROOT / "examples").glob("*.json")):
        out.append((f"examples/{path.name}", json.loads(path.read_text())))
    data = ROOT / "tests" / "data"
    ref = json.loads((data / "three_plus_three_exact.json").read_text())
    for s in ref["scenarios"]:
        out.append((f"3+3 reference {s['name']}", {"target": 0.25, "truth": s["truth"], "design": {"method": "3+3"}}))
    ref = json.loads((data / "boin_get_oc.json").read_text())
    for s in ref["scenarios"]:
        out.append((f"BOIN get.oc {s['name']}", {"target": ref["target"], "truth": s["truth"],
                                                  "design": ref["design"]}))
    ref = json.loads((data / "crm_dfcrm_crmsim.json").read_text())
    for s in ref["scenarios"]:
        out.append((f"CRM crmsim {s['name']}", {"target": ref["target"], "truth": s["truth"],
                                                 "design": ref["design"]}))
    truth = [0.05, 0.12, 0.25, 0.45]
    b_truth = [0.08, 0.18, 0.33, 0.55]
    for design in ({"method": "a+b", "a": 3, "b": 3, "c": 1, "d": 1, "e": 1},
                   {"method": "a+b", "a": 4, "b": 4, "c": 1, "d": 2, "e": 2, "deescalation": False},
                   {"method": "3+3", "variant": "no_expansion"}, {"method": "3+3", "variant": "highest_six"},
                   {"method": "boin", "max_n": 18}, {"method": "boin", "max_n": 24, "cohort_size": 1},
                   {"method": "boin", "max_n": 18, "extrasafe": True, "n_earlystop": 9},
                   {"method": "mtpi2", "max_n": 18}, {"method": "i3+3", "max_n": 18},
                   {"method": "crm", "max_n": 18},
                   {"method": "crm", "max_n": 12, "cohort_size": 1, "model": "logistic"},
                   {"method": "crm", "max_n": 18, "no_skip": False},
                   {"method": "blrm", "max_n": 12}, {"method": "blrm", "max_n": 9, "cohort_size": 1}):
        name = json.dumps(design, separators=(",", ":"))
        out.append((f"one arm {name}", {"target": 0.25, "truth": truth, "design": design}))
    for mode, extra in (("staggered", {"max_total": 18}), ("ordered", {"max_total": 18}),
                        ("independent", {}), ("independent", {"max_total": 20}),
                        ("staggered", {"max_total": 24, "assignment": "random"}),
                        ("staggered", {"assignment": "alternate", "offset": 2}),
                        ("ordered", {"assignment": "a_first", "eligible_b": 0.3})):
        for design in ({"method": "3+3"}, {"method": "boin", "max_n": 12}, {"method": "crm", "max_n": 9}):
            arm_design = {"mode": mode, **extra}
            name = json.dumps({"arm_design": arm_design, "design": design}, separators=(",", ":"))
            out.append((f"two arms {name}", {"target": 0.25, "design": design, "arm_design": arm_design,
                                            "arms": [{"name": "A", "truth": truth}, {"name": "B", "truth": b_truth}]}))
    return out


def compares() -> list[tuple[str, dict, list[str]]]:
    base = {"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "3+3"}}
    return [("3+3 vs boin, crm (18)", base, ['{"method": "boin", "max_n": 18}', '{"method": "crm", "max_n": 18}']),
            ("3+3 vs blrm (12)", base, ['{"method": "blrm", "max_n": 12}'])]


def run(args: list[str]) -> dict | str:
    p = subprocess.run([sys.executable, "-m", "explorer.cli", *args], capture_output=True, text=True, cwd=ROOT)
    if p.returncode != 0:
        return f"exit {p.returncode}: {p.stderr.strip()}"
    return json.loads(p.stdout)


def main() -> None:
    tmp = HERE / "_protocol.json"
    cases = []
    try:
        for name, proto in protocols():
            tmp.write_text(json.dumps(proto))
            case = {"name": name, "protocol": proto, "exact": run(["simulate", str(tmp), "--exact"]),
                    "monte_carlo": run(["simulate", str(tmp), "--monte-carlo", "--trials", str(MC_TRIALS)])}
            cases.append(case)
            print(name, "exact" if isinstance(case["exact"], dict) else "no exact", file=sys.stderr)
        comps = []
        for name, proto, designs in compares():
            tmp.write_text(json.dumps(proto))
            args = [a for d in designs for a in ("--design", d)]
            comps.append({"name": name, "protocol": proto, "designs": designs,
                          "exact": run(["compare", str(tmp), *args, "--exact"]),
                          "monte_carlo": run(["compare", str(tmp), *args, "--monte-carlo", "--trials",
                                              str(MC_TRIALS)])})
    finally:
        tmp.unlink(missing_ok=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    (HERE / "baseline.json").write_text(json.dumps({"commit": commit, "mc_trials": MC_TRIALS, "simulate": cases,
                                                    "compare": comps}, indent=1) + "\n")


if __name__ == "__main__":
    main()
