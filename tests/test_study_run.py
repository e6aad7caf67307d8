"""Running studies: the optimal benchmark on the designs' own patients (against a direct computation), the same table
serially and on a 2-worker LocalCluster, a resumed run equal to an uninterrupted one, the summary, the heat map,
and the command line."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from test_optimal import brute_force_benchmark

import explorer
from explorer.core import pipeline
from explorer.core.optimal import benchmark_exact, benchmark_monte_carlo
from explorer.core.pipeline.benchmark import paired_ratio
from explorer.core.study import run_study, study_from_dict, summarise
from explorer.core.study.cells import task_seed
from explorer.core.study.table import read_table
from explorer.core.validation import protocol_from_dict

ONE = {"title": "bench", "target": 0.25, "doses": ["DL1", "DL2", "DL3", "DL4"], "truth": [0.05, 0.12, 0.25, 0.45],
       "design": {"method": "boin", "max_n": 12}, "compare": [{"method": "crm", "max_n": 12}], "trials": 2500,
       "seed": 3, "method": "monte-carlo"}
STUDY = {**ONE, "trials": 500, "study": {
    "scenarios": [{"mtd_at": [1, 3]}, {"random": 2, "seed": 4}, "all-toxic"],
    "designs": ["3+3", {"method": "boin", "max_n": 12}, {"method": "crm", "max_n": 12}],
    "vary": {"cohort_size": [1, 3]}}}


# ---- the benchmark in the pipeline ---------------------------------------------------------------------------------

def test_the_benchmark_of_an_exact_run_is_the_direct_computation():
    # every design exact (BOIN with 4 patients in cohorts of 1): the benchmark is exact, n = 4
    p = protocol_from_dict({**ONE, "truth": [0.1, 0.3, 0.5], "doses": ["a", "b", "c"], "method": "exact",
                            "design": {"method": "boin", "max_n": 4, "cohort_size": 1}, "compare": ["3+3"]})
    snap = pipeline.run(p, p.candidates(), benchmark=True)
    b = snap.benchmark
    assert b.method == "exact" and b.n == 4
    want = brute_force_benchmark(4, [0.1, 0.3, 0.5], 0.25)
    np.testing.assert_allclose([*b.selection, b.no_selection], want, atol=1e-12)
    assert b.pcs == pytest.approx(want[1], abs=1e-12)
    for oc, (ratio, se) in zip(snap.ocs, snap.versus_benchmark):
        assert ratio == pytest.approx(oc.arms[0].pcs / want[1], abs=1e-12) and se == 0


def test_the_simulated_benchmark_reads_the_designs_own_tolerances():
    p = protocol_from_dict(ONE)
    snap = pipeline.run(p, p.candidates(), benchmark=True)
    # the pipeline's draws, redrawn: chunks of 300 then 2000 from the protocol's seed; tolerances are field 0
    rng = np.random.default_rng(p.seed)
    u = np.vstack([rng.random((size, 1, 12))[:, 0, :] for size in (300, 2000, 200)])
    direct = benchmark_monte_carlo(u, np.asarray(p.arms[0].truth), p.target)
    np.testing.assert_array_equal(snap.benchmark.selection, direct.selection)
    assert snap.benchmark.pcs == direct.pcs and snap.benchmark.n == 12 and snap.benchmark.trials == 2500
    # and it agrees with the exact benchmark within its Monte Carlo error
    exact = benchmark_exact(12, np.asarray(p.arms[0].truth), p.target)
    se = np.asarray(snap.benchmark.stderr["selection"])
    assert np.all(np.abs(snap.benchmark.selection - exact.selection) < 4 * se + 1e-9)


def test_a_benchmark_too_large_to_sum_is_simulated_on_the_patients_a_design_of_n_would_get():
    truth = [round(0.02 * (k + 1), 2) for k in range(12)]
    p = protocol_from_dict({"target": 0.25, "truth": truth, "design": {"method": "3+3"}, "trials": 500, "seed": 8})
    snap = pipeline.run(p, benchmark=True)
    assert snap.ocs[0].method == "exact" and snap.benchmark.method == "monte-carlo" and snap.benchmark.n == 72
    rng = np.random.default_rng(8)
    u = np.vstack([rng.random((size, 1, 72))[:, 0, :] for size in (300, 200)])
    assert snap.benchmark.pcs == benchmark_monte_carlo(u, np.asarray(truth), 0.25).pcs
    (ratio, se), = snap.versus_benchmark
    b = snap.benchmark
    assert ratio == pytest.approx(snap.ocs[0].arms[0].pcs / b.pcs)
    assert se == pytest.approx(ratio * b.stderr["pcs"] / b.pcs)  # the design is exact: the benchmark's error only


def test_asking_for_the_benchmark_changes_no_design_number():
    p = protocol_from_dict(ONE)
    with_b = pipeline.run(p, p.candidates(), benchmark=True)
    without = pipeline.run(p, p.candidates())
    assert [o.to_dict() for o in with_b.ocs] == [o.to_dict() for o in without.ocs]
    assert with_b.differences == without.differences and without.benchmark is None


def test_the_paired_ratio_and_its_delta_method_error():
    rng = np.random.default_rng(1)
    b = (rng.random(5000) < 0.6).astype(float)
    a = np.where(rng.random(5000) < 0.8, b, 1 - b)  # correlated with b
    r, se = paired_ratio(a, b)
    assert r == pytest.approx(a.mean() / b.mean())
    n = a.size
    var = (a.var(ddof=1) - 2 * r * np.cov(a, b)[0, 1] + r * r * b.var(ddof=1)) / b.mean() ** 2 / n
    assert se == pytest.approx(math.sqrt(var), rel=1e-9)


def test_the_benchmark_comes_back_from_the_cache(tmp_path):
    p = protocol_from_dict(ONE)
    cache = pipeline.ResultCache(tmp_path)
    first = pipeline.run(p, p.candidates(), benchmark=True, cache=cache)
    again = pipeline.run(p, p.candidates(), benchmark=True, cache=cache)
    assert again.benchmark.to_dict() == first.benchmark.to_dict()
    assert again.versus_benchmark == first.versus_benchmark
    assert pipeline.run(p, p.candidates(), cache=cache).benchmark is None  # a run without it is another entry


def test_compare_benchmark_on_the_command_line(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(ONE))
    r = subprocess.run([sys.executable, "-m", "explorer.cli", "compare", str(path), "--benchmark", "--format", "md"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "PCS / optimal benchmark" in r.stdout and "not a strict bound" in r.stdout
    d = explorer.compare(ONE, benchmark=True).to_dict()
    assert d["benchmark"]["n"] == 12 and d["benchmark"]["method"] == "monte-carlo"
    assert d["designs"][0]["pcs_vs_benchmark"]["value"] == pytest.approx(d["designs"][0]["pcs"] /
                                                                          d["benchmark"]["pcs"])
    two = {"target": 0.25, "doses": ["a", "b", "c"], "design": {"method": "3+3"}, "compare": ["boin"],
           "arms": [{"name": "A", "truth": [0.05, 0.2, 0.4]}, {"name": "B", "truth": [0.1, 0.3, 0.5]}],
           "arm_design": {"mode": "independent"}, "trials": 300}
    d2 = explorer.compare(two, benchmark=True).to_dict()
    assert "benchmark" not in d2 and any("one-arm" in w for w in d2["warnings"])


# ---- whole studies -------------------------------------------------------------------------------------------------

def test_a_study_runs_every_cell_with_the_designs_on_common_patients():
    s = study_from_dict(STUDY)
    table = run_study(s)
    cells = {r["cell"] for r in table.rows}
    assert len(cells) == 5 * 4 * 2  # scenarios × (designs + benchmark) × settings
    assert table.columns == ["cell", "scenario", "design", "cohort_size", "metric", "level", "value", "stderr"]
    # a cell's numbers are its task's pipeline run: the designs on common patients, as compare runs them
    setting = {"cohort_size": 1}
    c = explorer.compare(s.task_protocol(s.scenarios[1], setting, seed=task_seed(s.seed, s.scenarios[1], setting)),
                         benchmark=True)
    mine = {(r["design"], r["metric"]): r["value"] for r in table.rows
            if r["scenario"] == "MTD at 3" and r["cohort_size"] == "1" and r["level"] == ""}
    assert mine[("crm (max_n = 12)", "pcs")] == c.ocs[2].pcs
    assert mine[("boin (max_n = 12)", "overdose_patients")] == c.ocs[1].overdose_patients
    assert mine[("benchmark", "pcs")] == c.snapshot.benchmark.pcs
    assert mine[("3+3", "trials")] == mine[("crm (max_n = 12)", "trials")] == 500  # "method": "monte-carlo"


def test_serial_and_two_workers_give_identical_tables(tmp_path):
    pytest.importorskip("dask.distributed")
    s = study_from_dict(STUDY)
    serial = run_study(s, out=tmp_path / "serial.csv")
    parallel = run_study(s, out=tmp_path / "parallel.csv", workers=2)
    assert (tmp_path / "serial.csv").read_bytes() == (tmp_path / "parallel.csv").read_bytes()
    assert serial.rows == parallel.rows


def test_an_existing_cluster_by_its_scheduler_address_gives_the_same_table(tmp_path):
    dd = pytest.importorskip("dask.distributed")
    s = study_from_dict({**STUDY, "study": {**STUDY["study"], "scenarios": [{"mtd_at": [2]}, "all-toxic"]}})
    serial = run_study(s)
    with dd.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        remote = run_study(s, scheduler=cluster.scheduler_address)
    assert remote.rows == serial.rows


def test_without_dask_workers_are_refused_with_the_extra_to_install(tmp_path, monkeypatch, capsys):
    path = tmp_path / "study.json"
    path.write_text(json.dumps(STUDY))
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if not installed
    from explorer.cli import main

    assert main(["study", str(path), "--workers", "2", "--quiet"]) == 2
    assert "needs Dask: pip install 'phase1-explorer[study]'" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert main(["study", str(path), "--out", str(tmp_path / "r.parquet"), "--quiet"]) == 2
    assert "Parquet output needs pyarrow" in capsys.readouterr().err


class Stop(Exception):
    pass


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_resumed_run_equals_an_uninterrupted_one(tmp_path, suffix):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    s = study_from_dict(STUDY)
    whole = tmp_path / f"whole{suffix}"
    run_study(s, out=whole)
    part = tmp_path / f"part{suffix}"

    def stop_half_way(progress):
        if progress.done >= progress.total // 2:
            raise Stop

    with pytest.raises(Stop):
        run_study(s, out=part, on_progress=stop_half_way)
    if suffix == ".csv":  # a stop in the middle of writing a line
        text = part.read_text()
        part.write_text(text[: len(text) - 25])
        assert read_table(part)[1] and len(read_table(part)[1]) < len(read_table(whole)[1])
    ran = []
    run_study(s, out=part, resume=True, on_progress=lambda p: ran.append(p.done - p.skipped))
    assert max(ran) == (21 if suffix == ".csv" else 20)  # only the missing cells ran (and the one cut short)
    if suffix == ".csv":
        assert part.read_bytes() == whole.read_bytes()
    else:
        assert read_table(part) == read_table(whole)
        assert not (tmp_path / "part.parquet.partial.csv").exists()


def test_the_summary_from_a_table():
    cols = ["cell", "scenario", "design", "metric", "level", "value", "stderr"]
    pcs = {("s1", "A"): 0.5, ("s1", "B"): 0.7, ("s2", "A"): 0.3, ("s2", "B"): 0.2, ("s1", "benchmark"): 0.8,
           ("s2", "benchmark"): 0.6}
    rows = []
    for (sc, d), v in pcs.items():
        cell = f"{sc}{d}"
        rows += [{"cell": cell, "scenario": sc, "design": d, "metric": "pcs", "level": "", "value": v, "stderr": 0.01}]
        if d != "benchmark":
            rows += [{"cell": cell, "scenario": sc, "design": d, "metric": m, "level": "", "value": x, "stderr": 0.0}
                     for m, x in (("overdose_selection", 0.1 if d == "A" else 0.2), ("overdose_patients", 0.05),
                                  ("sample_size", 12.0 if sc == "s1" else 18.0))]
        rows.append({"cell": cell, "scenario": sc, "design": d, "metric": "trials", "level": "", "value": 1000.0,
                     "stderr": 0.0})
    s = summarise(cols, rows, "t")
    a, b = s["summary"]
    assert (a["design"], a["worst_pcs"], a["worst_scenario"], a["rank"]) == ("A", 0.3, "s2", 2)
    assert (b["design"], b["worst_pcs"], b["worst_scenario"], b["rank"]) == ("B", 0.2, "s2", 1)
    assert a["mean_pcs"] == pytest.approx(0.4) and b["mean_pcs"] == pytest.approx(0.45)
    assert a["sample_size"] == 15.0 and b["overdose_selection"] == pytest.approx(0.2)
    assert a["pcs_vs_benchmark"] == pytest.approx(0.4 / 0.7) and s["benchmark"][0]["mean_pcs"] == pytest.approx(0.7)


def test_the_study_command_prints_the_summary_writes_the_table_and_the_heat_map(tmp_path):
    path = tmp_path / "study.json"
    path.write_text(json.dumps(STUDY))
    out, html = tmp_path / "r.csv", tmp_path / "h.html"
    r = subprocess.run([sys.executable, "-m", "explorer.cli", "study", str(path), "--out", str(out), "--heatmap",
                        str(html)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "| rank | design | mean PCS" in r.stdout and "benchmark (optimal, 12 patients)" in r.stdout
    assert "study: 40/40 cells (100%)" in r.stderr
    page = html.read_text()
    assert "<script src=" not in page.replace('<script src="data:', "")  # BokehJS inline: opens offline
    assert "Correct selection (PCS)" in page and "MTD at 3" in page
    rows = read_table(out)[1]
    r2 = subprocess.run([sys.executable, "-m", "explorer.cli", "study", str(path), "--format", "json", "--quiet",
                         "--out", str(out), "--resume"], capture_output=True, text=True)  # every cell there: none run
    summary = json.loads(r2.stdout)
    assert summary == json.loads(json.dumps(summarise(read_table(out)[0], rows, "bench")))
    assert r2.stderr == "" and read_table(out)[1] == rows


@pytest.mark.parametrize("args,words", [
    (["--resume"], "--resume"),
    (["--workers", "0"], "--workers 0"),
    (["--heatmap", "h.png"], "HTML"),
])
def test_study_command_line_mistakes_exit_2(tmp_path, args, words):
    path = tmp_path / "study.json"
    path.write_text(json.dumps(STUDY))
    r = subprocess.run([sys.executable, "-m", "explorer.cli", "study", str(path), *args], capture_output=True,
                       text=True, cwd=tmp_path)
    assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr
