"""R's reference packages and phase1-explorer timed on the same work in the same run: `make bench-r`.

Usage: python benchmarks/side_by_side.py [--r-library DIR] [--no-r] [--quick] [FILTER]

R runs inside one Rscript process per row (benchmarks/r/timer.R, `system.time`), ours inside this process
(`time.process_time` and `time.perf_counter`). After a warm-up on each side the runs alternate: one R run, then
OURS_PER_R runs of ours, and again; the table shows medians. CPU time is user + system time of the process. Without
R (Rscript missing, or BOIN/dfcrm not loadable) the R columns are the stored times of the reference files, and every
row says so. FILTER keeps rows whose work or scenario contains it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import explorer  # noqa: E402
from explorer.core.designs import design_classes  # noqa: E402
from explorer.core.errors import ProtocolError  # noqa: E402
from explorer.core.validation import protocol_from_dict  # noqa: E402

DATA = HERE.parent / "tests" / "data"
TIMER_R = HERE / "r" / "timer.R"
OURS_PER_R = 5  # runs of ours after each R run (ours is fast; more runs steady its median at no cost)
STORED_NOTE = "R: stored time from reference file, not measured here"


def run_ours(protocol: dict[str, Any]) -> np.ndarray:
    """Selection probabilities from the project's entry point (the pipeline, as the command line runs it)."""
    return explorer.simulate(protocol, method="monte-carlo").oc.selection


@dataclass
class Row:
    """One piece of work, as R's call and as our protocol, with what the reference file stored for it."""

    work: str
    scenario: str
    trials: int
    r_reps: int
    r_call: Callable[[int], str]  # the R expression for n trials; its value is the selection probabilities
    r_warmup_trials: int
    protocol: dict[str, Any] | None  # None: the project has no such design yet
    missing: str = ""  # why `protocol` is None
    stored_seconds: float | None = None  # the reference file's R time for `trials` trials (wall)
    reference_selection: list[float] | None = None  # R's selection in the reference file
    reference_trials: int = 0  # its number of trials
    reproducible: bool = False  # same seed and trial count as the file: R must give the file's numbers exactly
    notes: list[str] = field(default_factory=list)


def _r_vector(values: list[float]) -> str:
    return "c(" + ", ".join(repr(float(v)) for v in values) + ")"


def _load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text())


def build_rows(quick: bool = False) -> list[Row]:
    """The rows of the table: BOIN get.oc, dfcrm crmsim, dfcrm titesim, each scenario of its reference file."""
    scale = 10 if quick else 1
    rows: list[Row] = []

    boin = _load("boin_get_oc.json")
    n_cohorts = boin["design"]["max_n"] // boin["design"]["cohort_size"]
    for sc in boin["scenarios"]:
        trials = boin["trials"] // scale
        seed = 5  # the reference's get.oc seed (see its "source")
        rows.append(Row(
            work=f"BOIN get.oc, {trials:,} trials × {boin['design']['max_n']} ({n_cohorts} cohorts of "
                 f"{boin['design']['cohort_size']})",
            scenario=sc["name"], trials=trials, r_reps=1 if quick else 3,
            r_call=lambda n, sc=sc, seed=seed: (
                f"get.oc(target = {boin['target']}, p.true = {_r_vector(sc['truth'])}, ncohort = {n_cohorts}, "
                f"cohortsize = {boin['design']['cohort_size']}, ntrial = {n}, seed = {seed})$selpercent / 100"),
            r_warmup_trials=100,
            protocol={"target": boin["target"], "truth": sc["truth"], "start_dose": boin["start_dose"], "seed": 1,
                      "trials": trials, "design": {"method": "boin", "cohort_size": boin["design"]["cohort_size"],
                                                   "max_n": boin["design"]["max_n"]}},
            stored_seconds=sc["r_seconds"] / scale,
            reference_selection=sc["selection"], reference_trials=boin["trials"], reproducible=not quick))

    crm = _load("crm_dfcrm_crmsim.json")
    d = crm["design"]
    skeleton = "getprior(0.05, 0.25, 3, 6)"  # the reference's skeleton (its "source"); ours calibrates the same
    for sc in crm["scenarios"]:
        trials = crm["trials"] // scale
        rows.append(Row(
            work=f"CRM crmsim, {trials:,} trials × {d['max_n']} one at a time",
            scenario=sc["name"], trials=trials, r_reps=1 if quick else 2,
            r_call=lambda n, sc=sc: (
                f"crmsim(PI = {_r_vector(sc['truth'])}, prior = {skeleton}, target = {crm['target']}, "
                f"n = {d['max_n']}, x0 = {crm['start_dose']}, nsim = {n}, mcohort = 1, count = FALSE, "
                f"seed = 17)$MTD"),
            r_warmup_trials=20,
            protocol={"target": crm["target"], "truth": sc["truth"], "start_dose": crm["start_dose"], "seed": 1,
                      "trials": trials,
                      "design": {"method": "crm", "cohort_size": 1, "max_n": d["max_n"], "halfwidth": 0.05,
                                 "prior_mtd": 3, "safety_stop": 1.0}},  # no early stopping, as crmsim
            stored_seconds=sc["r_seconds"] / scale,
            reference_selection=sc["selection"], reference_trials=crm["trials"], reproducible=not quick))

    tite = _load("titecrm_dfcrm_titesim.json")
    s = tite["r_settings"]
    time_model = {k: v for k, v in tite["time_model"].items() if k != "note"}
    has_tite = "tite-crm" in design_classes()
    for sc in tite["scenarios"]:
        trials = tite["trials"] // scale
        rows.append(Row(
            work=f"TITE-CRM titesim, {trials:,} trials × {s['n']} one at a time",
            scenario=sc["name"], trials=trials, r_reps=1,
            r_call=lambda n, sc=sc: (
                f"titesim(PI = {_r_vector(sc['truth'])}, prior = {skeleton}, target = {s['target']}, n = {s['n']}, "
                f"x0 = {s['x0']}, nsim = {n}, restrict = TRUE, obswin = {s['obswin']}, tgrp = {s['tgrp']}, "
                f"rate = {s['rate']}, accrual = '{s['accrual']}', surv = '{s['surv']}', scheme = '{s['scheme']}', "
                f"count = FALSE, method = '{s['method']}', model = '{s['model']}', intcpt = {s['intcpt']}, "
                f"scale = sqrt(1.34), seed = 100001)$MTD"),
            r_warmup_trials=20,
            protocol={"target": tite["target"], "truth": sc["truth"], "start_dose": tite["start_dose"], "seed": 1,
                      "trials": trials, "time": time_model,
                      "design": {"method": "tite-crm", "cohort_size": 1, "max_n": s["n"], "halfwidth": 0.05,
                                 "prior_mtd": 3, "safety_stop": 1.0}} if has_tite else None,
            missing="" if has_tite else "not yet implemented (no `tite-crm` in `phase1-explorer designs`)",
            # the file stores 2,000 one-trial calls; one call with nsim = 2,000 took 44.6 s and 45.0 s
            stored_seconds=tite["r_seconds_per_2000_trials"][sc["name"]] * trials / 2000,
            # the reference ran one call per trial (seeds 100000 + i): one call agrees within Monte Carlo error only
            reference_selection=sc["selection"], reference_trials=tite["trials"]))
    return rows


class RSession:
    """One Rscript process running benchmarks/r/timer.R: evaluates R expressions in-process and times them."""

    def __init__(self, rscript: str, library: str | None) -> None:
        env = dict(os.environ)
        if library:
            env["R_LIBS"] = str(Path(library).resolve())
        self._err = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([rscript, "--vanilla", str(TIMER_R)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._err, text=True, env=env)
        line = self.proc.stdout.readline().split()
        if not line or line[0] != "VERSION":
            self.close()
            self._err.seek(0)
            raise RuntimeError("Rscript could not load BOIN and dfcrm: " + " ".join(self._err.read().split()[-30:]))
        self.versions = dict(zip(line[1::2], line[2::2]))  # {"R": "4.2.2", "BOIN": "2.7.2", ...}

    def time(self, expr: str) -> tuple[float, float, np.ndarray]:
        """CPU seconds (user + sys), elapsed seconds and the value of one evaluation of expr."""
        self.proc.stdin.write(expr + "\n")
        self.proc.stdin.flush()
        return parse_result(self.proc.stdout.readline())

    def close(self) -> None:
        """End the R process."""
        if self.proc.poll() is None:
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=30)


def parse_result(line: str) -> tuple[float, float, np.ndarray]:
    """Read timer.R's "RESULT cpu elapsed values..." line; raise RuntimeError with R's message otherwise."""
    parts = line.split()
    if not parts or parts[0] != "RESULT":
        raise RuntimeError(f"R failed: {line.strip() or 'the R process ended'}")
    return float(parts[1]), float(parts[2]), np.array([float(v) for v in parts[3:]])


def r_versions(rscript: str | None, library: str | None) -> tuple[dict[str, str] | None, str]:
    """R's and the packages' versions, or None and why R cannot be used."""
    if rscript is None:
        return None, "Rscript not found"
    try:
        s = RSession(rscript, library)
    except (OSError, RuntimeError) as e:
        return None, str(e)
    s.close()
    return s.versions, ""


def time_ours(protocol: dict[str, Any]) -> tuple[float, float, np.ndarray]:
    """CPU seconds, wall seconds and selection of one run of ours."""
    c0, w0 = time.process_time(), time.perf_counter()
    sel = run_ours(protocol)
    return time.process_time() - c0, time.perf_counter() - w0, sel


def max_z(a: np.ndarray, n_a: int, b: np.ndarray, n_b: int) -> float:
    """Largest |a − b| over doses in standard errors of the difference of two Monte Carlo selection estimates."""
    se = np.sqrt(a * (1 - a) / n_a + b * (1 - b) / n_b)
    diff = np.abs(a - b)
    if np.any((se == 0) & (diff > 0)):
        return float("inf")
    return float(np.max(np.divide(diff, se, out=np.zeros_like(diff), where=se > 0)))


@dataclass
class Measured:
    """One row's timings (seconds) and checks."""

    r_cpu: list[float] = field(default_factory=list)
    r_wall: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    ours_wall: list[float] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def measure(row: Row, rscript: str | None, library: str | None, progress: Callable[[str], None]) -> Measured:
    """Time the row: warm-up on both sides, then R once and ours OURS_PER_R times, r_reps times over."""
    m = Measured()
    ours_ok = row.protocol is not None
    if ours_ok:
        try:
            protocol_from_dict(row.protocol)
        except ProtocolError as e:
            m.checks.append(f"ours: protocol rejected: {e}")
            ours_ok = False
    session = RSession(rscript, library) if rscript else None
    try:
        if session:
            session.time(row.r_call(row.r_warmup_trials))
        if ours_ok:
            time_ours(row.protocol)
        r_sel = ours_sel = None
        for rep in range(row.r_reps):
            if session:
                cpu, wall, r_sel = session.time(row.r_call(row.trials))
                m.r_cpu.append(cpu)
                m.r_wall.append(wall)
                progress(f"{row.work} {row.scenario}: R {rep + 1}/{row.r_reps} {cpu:.1f} s CPU, {wall:.1f} s wall")
            for _ in range(OURS_PER_R if ours_ok else 0):
                cpu, wall, ours_sel = time_ours(row.protocol)
                m.ours_cpu.append(cpu)
                m.ours_wall.append(wall)
    finally:
        if session:
            session.close()
    if r_sel is not None and row.reference_selection is not None:
        ref = np.asarray(row.reference_selection)
        if row.reproducible and np.allclose(r_sel, ref, rtol=0, atol=1e-9):
            m.checks.append("R = reference file")
        else:
            z = max_z(r_sel, row.trials, ref, row.reference_trials)
            m.checks.append(("R ≠ reference file: " if row.reproducible else "") + f"R − reference ≤ {z:.1f} SE")
    if r_sel is not None and ours_sel is not None:
        m.checks.append(f"ours − R ≤ {max_z(ours_sel, row.trials, r_sel, row.trials):.1f} SE")
    return m


def _s(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f} s"


def _ms(v: float | None) -> str:
    return "–" if v is None else f"{v * 1e3:.0f} ms"


def _ratio(r: float | None, ours: float | None) -> str:
    return "–" if r is None or not ours else f"{r / ours:,.0f}×"


def _median(v: list[float]) -> float | None:
    return statistics.median(v) if v else None


def format_row(row: Row, m: Measured, measured_r: bool) -> str:
    """One markdown table line."""
    if measured_r:
        r_cpu, r_wall = _median(m.r_cpu), _median(m.r_wall)
        r_note = []
    else:  # the reference files store elapsed times only
        r_cpu, r_wall = None, row.stored_seconds
        r_note = [STORED_NOTE]
    o_cpu, o_wall = _median(m.ours_cpu), _median(m.ours_wall)
    reps = f"{len(m.r_wall) if measured_r else 0} / {len(m.ours_wall)}"
    ours_cpu = _ms(o_cpu) if row.protocol is not None else row.missing
    notes = "; ".join(r_note + m.checks + row.notes)
    return (f"| {row.work} | {row.scenario} | {reps} | {_s(r_cpu)} | {ours_cpu} | {_ratio(r_cpu, o_cpu)} | "
            f"{_s(r_wall)} | {_ms(o_wall)} | {_ratio(r_wall, o_wall)} | {notes} |")


COLUMNS = ["work", "scenario", "runs R / ours", "R CPU", "ours CPU", "ratio CPU", "R wall", "ours wall", "ratio wall",
           "notes"]
HEADER = "| " + " | ".join(COLUMNS) + " |\n" + "|---" * len(COLUMNS) + "|"


def main(argv: list[str]) -> int:
    """Print the side-by-side table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("filter", nargs="?", default="", help="keep rows whose work or scenario contains this")
    ap.add_argument("--r-library", help="R library holding Iso, BOIN and dfcrm (benchmarks/r/setup.sh fills it)")
    ap.add_argument("--no-r", action="store_true", help="do not run R: use the reference files' stored times")
    ap.add_argument("--quick", action="store_true",
                    help="a tenth of the trials and one R run per row: checks the set-up, not the ratios")
    args = ap.parse_args(argv)

    t_start = time.perf_counter()
    rscript = None if args.no_r else shutil.which("Rscript")
    versions, why = r_versions(rscript, args.r_library) if not args.no_r else (None, "--no-r")
    if versions is None:
        rscript = None
    load0 = os.getloadavg()
    print(f"# R and phase1-explorer side by side ({platform.node()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}, numpy {np.__version__})")
    if versions:
        print("# " + ", ".join(f"{k} {v}" for k, v in versions.items())
              + "; R in one Rscript process per row (system.time), ours in this process")
    else:
        print(f"# R not run ({why}): R columns are the reference files' stored wall times (shared/reference)")
    print(f"# load average at start {load0[0]:.1f} / {load0[1]:.1f} / {load0[2]:.1f} (1 / 5 / 15 min); "
          f"medians; after a warm-up each R run is followed by {OURS_PER_R} runs of ours\n")
    print(HEADER)
    filt = args.filter.lower()
    for row in build_rows(args.quick):
        if filt and filt not in row.work.lower() and filt not in row.scenario.lower():
            continue
        m = measure(row, rscript, args.r_library, lambda s: print("  " + s, file=sys.stderr, flush=True))
        print(format_row(row, m, measured_r=rscript is not None), flush=True)
    load1 = os.getloadavg()
    print(f"\n# load average at end {load1[0]:.1f} / {load1[1]:.1f} / {load1[2]:.1f}; "
          f"whole run {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
