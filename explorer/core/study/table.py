"""A study's results as tidy rows: `cell, scenario, design, <one column per varied setting>, metric, level, value,
stderr`, read and written as CSV (always) or Parquet (with pyarrow).

Metrics of a design's cell (one arm): selection, patients, dlts (one row per level), no_selection, pcs, acceptable,
overdose_selection, overdose_patients (the share of patients above the true MTD), sample_size, total_dlts,
pcs_vs_benchmark (its PCS as a fraction of the benchmark's, where computed) and, last, trials (0 when exact). With
two arms each arm's metrics carry "arms[j]." and the joint ones "joint.". The benchmark's cell: selection (per
level), no_selection, pcs, acceptable, overdose_selection, n (its patients), trials. A cell is complete when its
`trials` row is there.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..oc import OperatingCharacteristics, TrialOC

FIXED = ("cell", "scenario", "design")
MEASURES = ("metric", "level", "value", "stderr")
LAST = "trials"  # the metric that closes a cell
PARQUET = (".parquet", ".pq")


def columns(setting_keys: Iterable[str]) -> list[str]:
    """The table's columns for a study varying these settings."""
    return [*FIXED, *setting_keys, *MEASURES]


def setting_text(value: Any) -> str:
    """A setting's value in a table cell: text as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def _arm_rows(oc: OperatingCharacteristics, prefix: str) -> list[tuple[str, int | str, float, float]]:
    se = oc.stderr
    out: list[tuple[str, int | str, float, float]] = []
    for key in ("selection", "patients", "dlts"):
        values, errors = getattr(oc, key), se.get(key)
        for k, v in enumerate(values):
            out.append((prefix + key, k + 1, float(v), float(errors[k]) if errors is not None else 0.0))
    for key in ("no_selection", "pcs", "acceptable", "overdose_selection", "overdose_patients", "sample_size"):
        out.append((prefix + key, "", float(getattr(oc, key)), float(se.get(key, 0.0))))
    out.append((prefix + "total_dlts", "", float(oc.dlts.sum()), float(se.get("total_dlts", 0.0))))
    return out


def design_rows(oc: TrialOC, versus_benchmark: tuple[float, float] | None = None
                ) -> list[tuple[str, int | str, float, float]]:
    """(metric, level, value, stderr) of one design's OCs, `trials` last."""
    two = len(oc.arms) > 1
    out = []
    for j, arm in enumerate(oc.arms):
        out += _arm_rows(arm, f"arms[{j}]." if two else "")
    if oc.joint is not None:
        jt = oc.joint
        for key in ("both_correct", "b_never_opens", "cap_reached", "sample_size", "dlts"):
            out.append((f"joint.{key}", "", float(getattr(jt, key)), float(jt.stderr.get(key, 0.0))))
    if versus_benchmark is not None:
        out.append(("pcs_vs_benchmark", "", *versus_benchmark))
    out.append((LAST, "", float(oc.trials or 0), 0.0))
    return out


def benchmark_rows(bench: Any) -> list[tuple[str, int | str, float, float]]:
    """(metric, level, value, stderr) of the optimal benchmark (core.optimal.BenchmarkOC), `trials` last."""
    se = bench.stderr
    out: list[tuple[str, int | str, float, float]] = [
        ("selection", k + 1, float(v), float(se["selection"][k])) for k, v in enumerate(bench.selection)]
    for key in ("no_selection", "pcs", "acceptable", "overdose_selection"):
        out.append((key, "", float(getattr(bench, key)), float(se.get(key, 0.0))))
    out.append(("n", "", float(bench.n), 0.0))
    out.append((LAST, "", float(bench.trials or 0), 0.0))
    return out


def _number(text: str) -> float:
    return float(text) if text not in ("", "nan") else math.nan


def to_csv_text(rows: Iterable[dict[str, Any]], cols: list[str], header: bool = True) -> str:
    """Rows as CSV text (floats written to round-trip exactly)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    if header:
        w.writeheader()
    for r in rows:
        w.writerow({**r, "value": repr(float(r["value"])), "stderr": repr(float(r["stderr"]))})
    return buf.getvalue()


def read_csv(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows of a results CSV (a last line cut short by a stop is dropped)."""
    text = path.read_text()
    if text and not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for r in reader:
        if None in r.values() or None in r:  # a short line
            continue
        r["level"] = int(r["level"]) if r["level"] else ""
        r["value"], r["stderr"] = _number(r["value"]), _number(r["stderr"])
        rows.append(r)
    return list(reader.fieldnames or []), rows


def is_parquet(path: str | Path) -> bool:
    """Whether a results path asks for Parquet."""
    return Path(path).suffix.lower() in PARQUET


def _arrow_schema(cols: list[str]) -> Any:
    import pyarrow as pa

    return pa.schema([(c, pa.float64() if c in ("value", "stderr") else pa.int64() if c == "level" else pa.string())
                      for c in cols])


def _arrow_table(rows: list[dict[str, Any]], cols: list[str]) -> Any:
    import pyarrow as pa

    data = {c: [r[c] for r in rows] for c in cols}
    data["level"] = [None if v == "" else int(v) for v in data["level"]]
    return pa.Table.from_pydict(data, schema=_arrow_schema(cols))


def read_parquet(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows of a results Parquet file."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    rows = table.to_pylist()
    for r in rows:
        r["level"] = "" if r["level"] is None else int(r["level"])
    return table.column_names, rows


def read_table(path: str | Path) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows of a results file (CSV or Parquet by its suffix)."""
    p = Path(path)
    return read_parquet(p) if is_parquet(p) else read_csv(p)


def write_table(path: str | Path, rows: list[dict[str, Any]], cols: list[str]) -> None:
    """Write a whole table (CSV or Parquet by the suffix), through a temporary file renamed into place."""
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    if is_parquet(p):
        import pyarrow.parquet as pq

        pq.write_table(_arrow_table(rows, cols), tmp)
    else:
        tmp.write_text(to_csv_text(rows, cols))
    tmp.replace(p)


class Sink:
    """Where rows go while a study runs: appended to a CSV as each task finishes (so a stop keeps what was done), or
    for Parquet kept in memory and written whole at the end (a stopped Parquet run keeps its rows in PATH.partial.csv).
    """

    def __init__(self, path: str | Path, cols: list[str], keep: list[dict[str, Any]]):
        self.path = Path(path)
        self.cols = cols
        self.parquet = is_parquet(self.path)
        self.csv_path = self.path.with_name(self.path.name + ".partial.csv") if self.parquet else self.path
        self.csv_path.write_text(to_csv_text(keep, cols))  # the kept rows of a resumed run, and the header

    def add(self, rows: list[dict[str, Any]]) -> None:
        """Append one task's rows."""
        with self.csv_path.open("a") as f:
            f.write(to_csv_text(rows, self.cols, header=False))

    def finish(self, order: dict[str, int]) -> list[dict[str, Any]]:
        """Rewrite the table in the study's order (so serial, parallel and resumed runs give the same file) and
        return its rows."""
        _, rows = read_csv(self.csv_path)
        rows = sort_rows(rows, order)
        write_table(self.path, rows, self.cols)
        if self.parquet:
            self.csv_path.unlink()
        return rows


def sort_rows(rows: list[dict[str, Any]], order: dict[str, int]) -> list[dict[str, Any]]:
    """Rows in the study's order of cells, each cell's rows as they were written."""
    return [r for _, _, r in sorted((order.get(r["cell"], len(order)), i, r) for i, r in enumerate(rows))]


def iter_cells(rows: list[dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Rows grouped by cell, in order of first appearance."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(r["cell"], []).append(r)
    yield from groups.items()


__all__ = ["FIXED", "LAST", "MEASURES", "Sink", "benchmark_rows", "columns", "design_rows", "is_parquet",
           "iter_cells", "read_table", "setting_text", "sort_rows", "write_table"]
