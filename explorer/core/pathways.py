"""Dose-transition pathways: every outcome of the next few cohorts and the design's dose after each.

Two layouts of one tree: the nodes (as escalation's `get_dose_paths`: each node a cohort outcome and the design's
next step, with node and parent ids and a depth, ready to draw) and the wide table (as dtpcrm's `calculate_dtps`:
columns D0, T1, D1, T2, D2, ...; rows ordered by T1, then T2, ...). After a stop nothing follows: a path that stops
is one row whose later cells are empty (dtpcrm repeats it with NA in every later cell instead).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from math import comb
from typing import Any

import numpy as np

from .designs.base import Design
from .errors import DesignError
from .outcomes import format_outcomes, parse_outcomes
from .transitions import Step, replay


@dataclass(frozen=True)
class PathNode:
    """One node: the cohort that led here (none at the root), what the design does next, and the path's probability.

    `dose` (0-based) is the dose the cohort received, `size` its patients and `dlts` its DLTs; `outcome` writes it
    with the order dropped (NNT); `then` is the design's next step after it. `probability` is the product of the
    binomial probabilities of the cohorts on the path from the root, under the truth given (None without one).
    """

    id: int
    parent: int | None
    depth: int
    dose: int | None
    size: int
    dlts: int
    then: Step
    probability: float | None

    @property
    def outcome(self) -> str:
        """The cohort's outcome with the order dropped, e.g. NNT ("" at the root)."""
        return "N" * (self.size - self.dlts) + "T" * self.dlts

    @property
    def cohort(self) -> str:
        """The cohort in outcome-string notation with its 1-based dose, e.g. 2NNT ("" at the root)."""
        return "" if self.dose is None else f"{self.dose + 1}{self.outcome}"

    def to_dict(self) -> dict[str, Any]:
        """JSON form, 1-based doses."""
        return {"id": self.id, "parent": self.parent, "depth": self.depth,
                "dose": None if self.dose is None else self.dose + 1, "size": self.size, "dlts": self.dlts,
                "outcome": self.outcome, "cohort": self.cohort, "next": self.then.to_dict(),
                "probability": self.probability}


@dataclass(frozen=True)
class Pathways:
    """The tree of the next `cohorts` cohorts after `history`; `nodes[0]` is the root, nodes in breadth-first order
    (children in increasing number of DLTs)."""

    history: str
    cohorts: int
    nodes: tuple[PathNode, ...]
    #: The number of states the design was asked to decide (each distinct state once) and in how many calls.
    decided_states: int
    decide_calls: int

    def children(self, node: int) -> list[PathNode]:
        """The children of a node, in increasing number of DLTs."""
        return [c for c in self.nodes if c.parent == node]

    def leaves(self) -> list[PathNode]:
        """The ends of the paths (a stop, or the last cohort), in the wide table's row order."""
        out: list[PathNode] = []
        kids: dict[int, list[PathNode]] = {}
        for c in self.nodes[1:]:
            kids.setdefault(c.parent, []).append(c)  # type: ignore[arg-type]
        stack = [self.nodes[0]]
        while stack:
            node = stack.pop()
            below = kids.get(node.id, [])
            if not below:
                out.append(node)
            stack.extend(reversed(below))
        return out

    def path(self, node: PathNode) -> list[PathNode]:
        """The nodes from the root to this one."""
        out = [node]
        while out[-1].parent is not None:
            out.append(self.nodes[out[-1].parent])
        return out[::-1]

    def columns(self) -> list[str]:
        """The wide table's columns: D0, T1, D1, ..., Tk, Dk."""
        return ["D0"] + [f"{c}{i}" for i in range(1, self.cohorts + 1) for c in ("T", "D")]

    def rows(self) -> list[dict[str, Any]]:
        """The wide table, one row per path end: D cells a 1-based dose or "stop", T cells the DLTs in that cohort
        (its size in N1, N2, ...), cells after a stop absent; `selected` is the dose a stopped path selects (None:
        no dose; absent if the path does not stop), `probability` the path's."""
        out = []
        for leaf in self.leaves():
            row: dict[str, Any] = {}
            for node in self.path(leaf):
                if node.depth:
                    row[f"T{node.depth}"] = node.dlts
                    row[f"N{node.depth}"] = node.size
                row[f"D{node.depth}"] = "stop" if node.then.stop else node.then.dose + 1
            if leaf.then.stop:
                row["selected"] = leaf.then.selected + 1 if leaf.then.selected >= 0 else None
            row["probability"] = leaf.probability
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the tree's nodes and the wide table."""
        return {"history": self.history, "cohorts": self.cohorts, "nodes": [n.to_dict() for n in self.nodes],
                "table": {"columns": self.columns(), "rows": self.rows()}}


def _decide_distinct(design: Design, n: np.ndarray, x: np.ndarray, cur: np.ndarray, extra: np.ndarray):
    """One decide call on the distinct states among these; each state's decision, next extra, and the count."""
    key = np.ascontiguousarray(np.hstack([n, x, cur[:, None], extra]).astype(np.int64))
    rows = key.view(np.dtype((np.void, key.dtype.itemsize * key.shape[1]))).ravel()
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    dec = design.decide(n[first], x[first], cur[first], extra[first])
    return (dec.stop[inverse], dec.dose[inverse], dec.size[inverse], dec.selected[inverse], dec.extra[inverse],
            first.size)


def pathways(design: Design, history: str = "", cohorts: int = 3, truth: np.ndarray | None = None) -> Pathways:
    """The dose-transition pathways of the next `cohorts` cohorts after `history` (an outcome string, "" for the
    start); with a truth, each path's probability. The design is called once per depth on every live state."""
    if cohorts < 1:
        raise ValueError(f"cohorts = {cohorts}: give at least 1")
    parsed = parse_outcomes(history, design.n_doses, design.max_n)
    n0, x0, cur0, extra0 = replay(design, parsed)
    K, max_n = design.n_doses, design.max_n
    if truth is not None:
        truth = np.asarray(truth, dtype=float)
        if truth.shape != (K,):
            raise ValueError(f"the truth has {truth.size} doses; the design has {K}")

    # the live states of one depth, one row per node of that depth
    n, x = n0[None].copy(), x0[None].copy()
    cur = np.array([cur0], dtype=np.int64)
    extra = np.asarray(extra0).reshape(1, -1)
    parent = [None]
    came: list[tuple[int | None, int, int]] = [(None, 0, 0)]  # (dose, size, dlts) of the cohort that led here
    prob: list[float | None] = [None if truth is None else 1.0]
    nodes: list[PathNode] = []
    decided = calls = 0
    for depth in range(cohorts + 1):
        stop, dose, size, sel, extra, distinct = _decide_distinct(design, n, x, cur, extra)
        decided += distinct
        calls += 1
        size = np.minimum(size, max_n - n.sum(axis=1))
        if np.any(~stop & ((size <= 0) | (dose < 0) | (dose >= K))):
            raise DesignError(f"{design.method} neither stopped nor gave a valid dose and cohort")
        ids = np.arange(len(nodes), len(nodes) + n.shape[0])
        for r, node_id in enumerate(ids):
            step = Step(bool(stop[r]), -1 if stop[r] else int(dose[r]), 0 if stop[r] else int(size[r]),
                        int(sel[r]) if stop[r] else -1)
            d, m, y = came[r]
            nodes.append(PathNode(int(node_id), parent[r], depth, d, m, y, step, prob[r]))
        go = np.flatnonzero(~stop)
        if depth == cohorts or go.size == 0:
            break
        # children: each live node's cohort with 0..m DLTs, in that order
        m = size[go]
        par = np.repeat(go, m + 1)
        y = np.concatenate([np.arange(k + 1) for k in m])
        d = dose[par]
        r = np.arange(par.size)
        n, x = n[par].copy(), x[par].copy()
        n[r, d] += size[par]
        x[r, d] += y
        cur, extra = d, extra[par]
        parent = [int(ids[p]) for p in par]
        came = [(int(dd), int(size[p]), int(yy)) for dd, p, yy in zip(d, par, y)]
        if truth is None:
            prob = [None] * par.size
        else:
            t, mm = truth[d], size[par]
            pmf = np.array([comb(int(a), int(b)) for a, b in zip(mm, y)]) * t ** y * (1 - t) ** (mm - y)
            prob = [float(v) for v in np.asarray([prob[p] for p in par], dtype=float) * pmf]
    return Pathways(format_outcomes(parsed), cohorts, tuple(nodes), decided, calls)


# ---- layouts as text ---------------------------------------------------------------------------------------------
def _stop_text(selected: int | None) -> str:
    return "stop (none)" if selected is None else f"stop ({selected})"


def table_cells(p: Pathways) -> tuple[list[str], list[list[str]]]:
    """The wide table as text cells: the header and one row per path end ("" after a stop; T cells as y/m where
    cohorts in that column differ in size; a last column P when the paths have probabilities)."""
    rows = p.rows()
    varied = {f"T{i}" for i in range(1, p.cohorts + 1) if len({r[f"N{i}"] for r in rows if f"N{i}" in r}) > 1}
    columns = p.columns()
    with_p = p.nodes[0].probability is not None
    body = []
    for r in rows:
        cells = []
        for c in columns:
            v = r.get(c)
            if v is None:
                cells.append("")
            elif v == "stop":
                cells.append(_stop_text(r["selected"]))
            elif c in varied:
                cells.append(f"{v}/{r['N' + c[1:]]}")
            else:
                cells.append(str(v))
        if with_p:
            cells.append(f"{r['probability']:.4f}")
        body.append(cells)
    return columns + (["P"] if with_p else []), body


def legend(p: Pathways, labels: list[str]) -> str:
    """What the columns and the dose numbers mean."""
    doses = "; ".join(f"{k + 1} = {lab}" for k, lab in enumerate(labels))
    text = ("D0: the dose for the next cohort; Ti: DLTs in cohort i; Di: the dose after it; stop (k): the trial "
            "stops and selects dose k, stop (none): no dose selected.")
    if p.nodes[0].probability is not None:
        text += " P: the path's probability under the truth."
    return f"{text}\nDoses: {doses}."


def table_text(p: Pathways) -> str:
    """The wide table, fixed width."""
    head, body = table_cells(p)
    w = [max(len(r[j]) for r in [head, *body]) for j in range(len(head))]
    return "".join("  ".join(c.ljust(w[j]) for j, c in enumerate(r)).rstrip() + "\n" for r in [head, *body])


def table_markdown(p: Pathways) -> str:
    """The wide table in Markdown."""
    head, body = table_cells(p)
    out = "| " + " | ".join(head) + " |\n|" + "---:|" * len(head) + "\n"
    return out + "".join("| " + " | ".join(r) + " |\n" for r in body)


def table_csv(p: Pathways) -> str:
    """The wide table as CSV: D cells a dose or stop, T cells DLT counts, N cells cohort sizes, then the
    selected dose (empty: none selected or no stop; see `stop`) and the probability."""
    cols = ["D0"] + [f"{c}{i}" for i in range(1, p.cohorts + 1) for c in ("N", "T", "D")]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*cols, "stop", "selected", "probability"])
    for r in p.rows():
        w.writerow([*("" if r.get(c) is None else r[c] for c in cols), "selected" in r,
                    "" if r.get("selected") is None else r["selected"],
                    "" if r["probability"] is None else repr(r["probability"])])
    return buf.getvalue()


def _node_line(node: PathNode, labels: list[str]) -> str:
    then = node.then.describe(labels)
    p = "" if node.probability is None else f"  (p = {node.probability:.4f})"
    return f"{node.cohort} -> {then}{p}"


def tree_text(p: Pathways, labels: list[str]) -> str:
    """The tree, one node a line, drawn with box characters."""
    root = p.nodes[0]
    where = f"after {p.history}" if p.history else "at the start"
    lines = [f"{where}: {root.then.describe(labels)}"]

    def walk(node: PathNode, prefix: str) -> None:
        kids = p.children(node.id)
        for i, c in enumerate(kids):
            last = i == len(kids) - 1
            lines.append(prefix + ("└─ " if last else "├─ ") + _node_line(c, labels))
            walk(c, prefix + ("   " if last else "│  "))

    walk(root, "")
    return "\n".join(lines) + "\n"


def tree_markdown(p: Pathways, labels: list[str]) -> str:
    """The tree as a nested Markdown list."""
    root = p.nodes[0]
    where = f"After `{p.history}`" if p.history else "At the start"
    out = [f"{where}: {root.then.describe(labels)}", ""]

    def walk(node: PathNode, indent: str) -> None:
        for c in p.children(node.id):
            out.append(f"{indent}- `{c.cohort}` → {_node_line(c, labels).split(' -> ', 1)[1]}")
            walk(c, indent + "  ")

    walk(root, "")
    return "\n".join(out) + "\n"


def tree_csv(p: Pathways) -> str:
    """The tree's nodes as CSV (1-based doses; parent empty at the root)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "parent", "depth", "dose", "size", "dlts", "outcome", "stop", "next_dose", "next_size",
                "selected", "probability"])
    for node in p.nodes:
        t = node.then.to_dict()
        w.writerow([node.id, "" if node.parent is None else node.parent, node.depth,
                    "" if node.dose is None else node.dose + 1, node.size, node.dlts, node.outcome, t["stop"],
                    "" if t["dose"] is None else t["dose"], "" if t["size"] is None else t["size"],
                    "" if t["selected"] is None else t["selected"],
                    "" if node.probability is None else repr(node.probability)])
    return buf.getvalue()
