"""benchmarks/side_by_side.py (`make bench-r`) without R: the fallback, the R protocol read by a stand-in Rscript."""

import importlib.util
import math
import stat
import sys
from pathlib import Path

import numpy as np
import pytest

from explorer.core.designs import design_classes
from explorer.core.validation import protocol_from_dict

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "side_by_side.py"
_spec = importlib.util.spec_from_file_location("side_by_side", _PATH)
sbs = importlib.util.module_from_spec(_spec)
sys.modules["side_by_side"] = sbs  # dataclasses look their module up there
_spec.loader.exec_module(sbs)


def _table_rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| work ")]


def test_every_row_protocol_is_valid_or_the_design_is_missing():
    rows = sbs.build_rows()
    assert [r.work.split()[0] for r in rows] == ["BOIN"] * 4 + ["CRM"] * 2 + ["TITE-CRM"] * 2
    for row in rows:
        if row.protocol is None:
            assert "tite-crm" not in design_classes() and "not yet implemented" in row.missing
        else:
            assert protocol_from_dict(row.protocol).trials == row.trials


def test_without_r_every_row_says_its_r_time_is_stored(capsys):
    assert sbs.main(["--no-r", "--quick", "P3"]) == 0
    out = capsys.readouterr().out
    rows = _table_rows(out)
    assert len(rows) == 1 and "| P3 |" in rows[0]
    assert all(sbs.STORED_NOTE in r for r in rows)
    cells = [c.strip() for c in rows[0].strip("|").split("|")]
    assert cells[6] == "0.14 s"  # the file's 1.38 s for 10,000 trials, for the 1,000 of --quick
    assert cells[7].endswith(" ms") and cells[8].endswith("×")


def test_tite_row_waits_for_the_design(capsys):
    sbs.main(["--no-r", "--quick", "TITE"])
    rows = _table_rows(capsys.readouterr().out)
    assert len(rows) == 2 and all(sbs.STORED_NOTE in r for r in rows)
    assert all(("not yet implemented" in r) == ("tite-crm" not in design_classes()) for r in rows)


def test_parse_result_reads_timer_lines_and_reports_r_errors():
    cpu, wall, value = sbs.parse_result("RESULT 1.5 2.25 0.1 0.9\n")
    assert (cpu, wall) == (1.5, 2.25) and value.tolist() == [0.1, 0.9]
    with pytest.raises(RuntimeError, match="could not find function"):
        sbs.parse_result('ERROR could not find function "get.oc"\n')


def test_max_z_by_hand():
    # |0.5 − 0.4| / sqrt(0.25/100 + 0.24/100) = 0.1 / 0.07
    assert sbs.max_z(np.array([0.5, 0.0]), 100, np.array([0.4, 0.0]), 100) == pytest.approx(0.1 / 0.07)
    assert sbs.max_z(np.array([0.0]), 100, np.array([0.0]), 100) == 0.0
    assert math.isinf(sbs.max_z(np.array([0.0]), 100, np.array([1.0]), 100))


def test_interleaves_r_and_ours_and_takes_medians(tmp_path):
    # a stand-in for Rscript that speaks timer.R's protocol: each run reports 2.5 s CPU and a longer wall time
    fake = tmp_path / "Rscript"
    fake.write_text('#!/bin/sh\necho "VERSION R 9.9 BOIN 1 dfcrm 2 Iso 3"\nn=0\n'
                    'while read line; do [ "$line" = quit ] && exit 0; n=$((n+1)); '
                    'echo "RESULT 2.5 $((n+2)) 0.2 0.2 0.2 0.2 0.1 0.1"; done\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    assert sbs.r_versions(str(fake), None)[0] == {"R": "9.9", "BOIN": "1", "dfcrm": "2", "Iso": "3"}
    row = next(r for r in sbs.build_rows(quick=True) if r.scenario == "P3" and r.work.startswith("BOIN"))
    row.r_reps = 3
    m = sbs.measure(row, str(fake), None, lambda s: None)
    assert m.r_cpu == [2.5] * 3 and m.r_wall == [4.0, 5.0, 6.0]  # the warm-up was run 1
    assert len(m.ours_cpu) == 3 * sbs.OURS_PER_R
    line = sbs.format_row(row, m, measured_r=True)
    assert sbs.STORED_NOTE not in line and "| 3 / 15 | 2.50 s |" in line and "| 5.00 s |" in line
    assert "R − reference ≤ " in line  # --quick runs fewer trials than the file: compared in standard errors
