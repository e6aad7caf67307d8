"""One study run: plan the tasks, skip the cells a resumed run already has, run the rest where asked, stream the
rows to the results file and report progress; the table comes back in the study's order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import Problem, ProtocolError
from .cells import tasks
from .execute import EXTRA, MissingExtra, Progress, Runner, in_process, on_dask
from .spec import Study
from .table import LAST, Sink, columns, is_parquet, read_csv, read_table, sort_rows


@dataclass(frozen=True)
class StudyTable:
    """A study's results table: its columns and rows (cell, scenario, design, settings..., metric, level, value,
    stderr), in the study's order."""

    study: Study
    columns: list[str]
    rows: list[dict[str, Any]]


def _previous(out: Path, cols: list[str]) -> list[dict[str, Any]]:
    """The rows a resumed run keeps: those of complete cells in the results file (or a stopped Parquet run's
    partial CSV)."""
    partial_csv = out.with_name(out.name + ".partial.csv")
    if is_parquet(out) and partial_csv.exists():
        found, rows = read_csv(partial_csv)
    elif out.exists():
        found, rows = read_table(out)
    else:
        return []
    if found != cols:
        raise ProtocolError(Problem("--out", f"{out} has the columns {', '.join(found)}, not this study's "
                                             f"({', '.join(cols)}); give another --out, or drop --resume."))
    complete = {r["cell"] for r in rows if r["metric"] == LAST}
    return [r for r in rows if r["cell"] in complete]


def run_study(study: Study, *, out: str | Path | None = None, workers: int | None = None,
              scheduler: str | None = None, resume: bool = False,
              on_progress: Callable[[Progress], None] | None = None) -> StudyTable:
    """Run every cell of the study (in this process; on a LocalCluster of `workers` processes; or on the Dask
    cluster at `scheduler`), writing rows to `out` (CSV, or Parquet by its suffix) as tasks finish; with `resume`,
    cells already complete in `out` are kept and not run again. Raises MissingExtra when Dask or pyarrow is
    needed and missing."""
    if out is not None and is_parquet(out):
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise MissingExtra(f"Parquet output needs pyarrow: {EXTRA} (or write a .csv)") from None
    if resume and out is None:
        raise ProtocolError(Problem("--resume", "resumes the results in --out; give --out FILE as well."))
    plan = tasks(study)
    cols = columns(a.key for a in study.axes)
    order = {c: i for i, c in enumerate(c for t in plan for c in t.cells)}
    keep = [r for r in _previous(Path(out), cols) if r["cell"] in order] if resume and out is not None else []
    done = {r["cell"] for r in keep}
    pending = [t.to_dict() for t in plan if not all(c in done for c in t.cells)]
    runner: Runner = in_process if workers is None and scheduler is None else \
        partial(on_dask, workers=workers, scheduler=scheduler)
    sink = Sink(out, cols, keep) if out is not None else None
    progress = Progress(total=len(order), done=len(done), skipped=len(done))
    collected = list(keep)
    if on_progress is not None:
        on_progress(progress)
    for rows in runner(pending, done):
        collected += rows
        if sink is not None:
            sink.add(rows)
        progress.done += len({r["cell"] for r in rows})
        if on_progress is not None:
            on_progress(progress)
    rows = sink.finish(order) if sink is not None else sort_rows(collected, order)
    return StudyTable(study, cols, rows)


__all__ = ["StudyTable", "run_study"]
