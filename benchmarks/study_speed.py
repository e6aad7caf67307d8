"""Speed of a design study: 20 scenarios × 4 designs × 2 sample sizes (160 cells, plus the optimal benchmark) at
10,000 Monte Carlo trials, in this process and on a local Dask cluster of 2 workers; the tables must be identical.

Usage: python benchmarks/study_speed.py [REPEATS]   (default 3; medians are printed)
The 2-worker time includes starting the LocalCluster. The machine's load average is printed: other work on the
machine changes these numbers.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from explorer.core.study import run_study, study_from_dict  # noqa: E402

STUDY = {
    "title": "benchmark study", "target": 0.25, "doses": ["DL1", "DL2", "DL3", "DL4", "DL5"],
    "truth": [0.05, 0.1, 0.2, 0.3, 0.45], "design": {"method": "3+3"}, "trials": 10_000, "seed": 1,
    "method": "monte-carlo",
    "study": {
        "scenarios": [{"mtd_at": "each"}, {"random": 14, "seed": 1}],  # 6 + 14 = 20
        "designs": ["3+3", "boin", "crm", "blrm"],
        "vary": {"max_n": [18, 24]},
    },
}


def timed(**kw: object) -> tuple[float, bytes]:
    """Wall time of one whole run and the bytes of its table."""
    study = study_from_dict(STUDY)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.csv"
        t = time.perf_counter()
        run_study(study, out=out, **kw)
        return time.perf_counter() - t, out.read_bytes()


def main(argv: list[str]) -> int:
    """Time the study serially and on 2 workers; print the table."""
    repeats = int(argv[0]) if argv else 3
    study = study_from_dict(STUDY)
    print(f"# study speed (python {platform.python_version()}, {os.cpu_count()} cores); {len(study.scenarios)} "
          f"scenarios × {len(study.designs)} designs × {len(study.settings)} sample sizes = {study.cell_count} cells "
          f"(+ {len(study.scenarios) * len(study.settings)} benchmark cells), {STUDY['trials']:,} trials each; "
          f"medians of {repeats} runs")
    print(f"# load average before: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    serial, parallel = [], []
    reference = None
    for _ in range(repeats):
        s, table = timed()
        p, table2 = timed(workers=2)
        assert table == table2, "serial and 2-worker tables differ"
        assert reference is None or table == reference
        reference = table
        serial.append(s)
        parallel.append(p)
    s, p = statistics.median(serial), statistics.median(parallel)
    head = f"{'run':<28} {'wall s':>8} {'cells/s':>8} {'speed-up':>9}"
    print(head)
    print("-" * len(head))
    cells = study.cell_count
    print(f"{'serial (in process)':<28} {s:>8.1f} {cells / s:>8.2f} {1.0:>9.2f}")
    print(f"{'2 workers (LocalCluster)':<28} {p:>8.1f} {cells / p:>8.2f} {s / p:>9.2f}")
    print(f"# every run: serial {', '.join(f'{v:.1f}' for v in serial)} s; 2 workers "
          f"{', '.join(f'{v:.1f}' for v in parallel)} s; tables identical byte for byte")
    print(f"# load average after: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
