"""Running a study: each task is one `pipeline.run` (every design on common patients, and the optimal benchmark on
the same tolerances), in this process, on a local Dask cluster, or on an existing one; rows stream back as tasks
finish. Which of these runs a task never changes its numbers (cells.task_seed)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .. import pipeline
from ..validation import protocol_from_dict
from .cells import BENCHMARK, Task
from .table import benchmark_rows, design_rows, setting_text

#: What `study` needs beyond the core for workers and Parquet (pyproject's "study" extra).
EXTRA = "pip install 'phase1-explorer[study]'"


class MissingExtra(RuntimeError):
    """An optional dependency is not installed: of studies (Dask, pyarrow) or of reports (matplotlib, python-docx)."""


def run_task(task: dict[str, Any], skip: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The rows of one task (a Task.to_dict()): one pipeline run with every design, plus the benchmark when asked;
    cells in `skip` are left out. What a worker runs."""
    from threadpoolctl import threadpool_limits

    t = Task.from_dict(task)
    p = protocol_from_dict(t.protocol)
    with threadpool_limits(limits=1):  # one BLAS thread everywhere: sums in the same order here and on any worker
        snap = pipeline.run(p, p.candidates(), benchmark=t.benchmark)
    assert snap.ocs is not None
    setting = {k: setting_text(v) for k, v in t.setting.items()}
    skip = set(skip)
    rows = []
    for j, (label, cell) in enumerate(zip(t.labels, t.cells)):
        if cell in skip:
            continue
        if label == BENCHMARK:
            measures = benchmark_rows(snap.benchmark)
        else:
            ratio = snap.versus_benchmark[j] if snap.versus_benchmark else None
            measures = design_rows(snap.ocs[j], ratio)
        rows += [{"cell": cell, "scenario": t.scenario, "design": label, **setting, "metric": m, "level": lev,
                  "value": v, "stderr": s} for m, lev, v, s in measures]
    return rows


@dataclass
class Progress:
    """Cells done, and the time left estimated from the pace so far."""

    total: int
    done: int = 0
    started: float = 0.0
    skipped: int = 0

    def __post_init__(self) -> None:
        self.started = time.perf_counter()

    def line(self) -> str:
        """One line: "study: 40/160 cells (25%), 1m 05s elapsed, about 3m 15s left"."""
        elapsed = time.perf_counter() - self.started
        ran = self.done - self.skipped
        left = self.total - self.done
        eta = f", about {_duration(elapsed / ran * left)} left" if ran and left else ""
        pct = 100 * self.done / self.total if self.total else 100
        return f"study: {self.done:,}/{self.total:,} cells ({pct:.0f}%), {_duration(elapsed)} elapsed{eta}"


def _duration(s: float) -> str:
    s = int(round(s))
    return f"{s // 3600}h {s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m {s % 60:02d}s" if s >= 60 else f"{s}s"


def in_process(tasks: list[dict[str, Any]], skip: set[str]) -> Iterator[list[dict[str, Any]]]:
    """Each task's rows, one after the other, here."""
    for t in tasks:
        yield run_task(t, [c for c in t["cells"] if c in skip])


def _dask() -> Any:
    try:
        import dask.distributed as dd
    except ImportError:
        raise MissingExtra(f"running on workers needs Dask: {EXTRA}") from None
    return dd


def on_dask(tasks: list[dict[str, Any]], skip: set[str], *, workers: int | None = None,
            scheduler: str | None = None) -> Iterator[list[dict[str, Any]]]:
    """Each task's rows as workers finish them: a LocalCluster of `workers` processes (one thread each), or the
    cluster whose scheduler is at `scheduler` (its workers need phase1-explorer installed)."""
    dd = _dask()
    cluster = None
    if scheduler is None:
        cluster = dd.LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR)
        client = dd.Client(cluster)
    else:
        client = dd.Client(scheduler, timeout="10s")
    futures = []
    try:
        futures = [client.submit(run_task, t, [c for c in t["cells"] if c in skip], pure=False) for t in tasks]
        for fut in dd.as_completed(futures):
            yield fut.result()
    finally:
        for f in futures:
            f.cancel()
        client.close()
        if cluster is not None:
            cluster.close()


Runner = Callable[[list[dict[str, Any]], set[str]], Iterator[list[dict[str, Any]]]]


__all__ = ["EXTRA", "MissingExtra", "Progress", "Runner", "in_process", "on_dask", "run_task"]
