"""A study's summary, computed from its results table alone (so a results file can be summarised again): per design
and setting, across scenarios, the mean and worst PCS, overdose selection, patients above the true MTD, mean sample
size, PCS as a fraction of the optimal benchmark's, and the design's rank by mean PCS; and the design × scenario
matrices of PCS and overdose selection (the heat map's)."""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from .cells import BENCHMARK
from .table import FIXED, MEASURES

#: Summary figures: (key in the summary, metric in the table).
FIGURES = (("mean_pcs", "pcs"), ("overdose_selection", "overdose_selection"),
           ("overdose_patients", "overdose_patients"), ("sample_size", "sample_size"))


def setting_keys(cols: list[str]) -> list[str]:
    """The varied settings: the table's columns between `design` and `metric`."""
    return [c for c in cols if c not in FIXED and c not in MEASURES]


def _arms(rows: list[dict[str, Any]]) -> list[str]:
    """The metric prefixes of the arms: [""] for one arm, ["arms[0].", "arms[1]."] for two."""
    prefixes = sorted({r["metric"][: r["metric"].index(".") + 1] for r in rows
                       if r["metric"].startswith("arms[") and r["metric"].endswith(".pcs")})
    return prefixes or [""]


def summarise(cols: list[str], rows: list[dict[str, Any]], title: str | None = None,
              arm_names: list[str] | None = None) -> dict[str, Any]:
    """The summary object (`study --format json`)."""
    keys = setting_keys(cols)
    value: dict[tuple[Any, ...], tuple[float, float]] = {}
    scenarios: list[str] = []
    designs: list[str] = []
    settings: list[tuple[str, ...]] = []
    trials: set[float] = set()
    for r in rows:
        s = tuple(str(r[k]) for k in keys)
        for lst, v in ((scenarios, r["scenario"]), (designs, r["design"]), (settings, s)):
            if v not in lst:
                lst.append(v)
        if r["level"] == "":
            value[(s, r["scenario"], r["design"], r["metric"])] = (float(r["value"]), float(r["stderr"]))
        if r["metric"] == "trials" and r["design"] != BENCHMARK:
            trials.add(float(r["value"]))
    arms = _arms(rows)
    names = arm_names or [f"arm {chr(65 + j)}" for j in range(len(arms))]
    own = [d for d in designs if d != BENCHMARK]
    summary, matrix, bench = [], [], []
    for s in settings:
        setting = dict(zip(keys, s))
        for j, prefix in enumerate(arms):
            entries = []
            for d in own:
                got = {key: [value[(s, sc, d, prefix + m)] for sc in scenarios if (s, sc, d, prefix + m) in value]
                       for key, m in FIGURES}
                pcs = got["mean_pcs"]
                if not pcs:
                    continue
                worst = min(range(len(pcs)), key=lambda i: pcs[i][0])
                entry: dict[str, Any] = {"setting": setting, "design": d}
                if prefix:
                    entry["arm"] = names[j]
                entry.update({key: _mean(v) for key, v in got.items()})
                entry.update({"worst_pcs": pcs[worst][0], "worst_scenario": scenarios[worst],
                              "scenarios": len(pcs)})
                bpcs = [value[(s, sc, BENCHMARK, "pcs")][0] for sc in scenarios if (s, sc, BENCHMARK, "pcs") in value]
                entry["pcs_vs_benchmark"] = entry["mean_pcs"] / _mean_values(bpcs) if bpcs and _mean_values(bpcs) > 0 \
                    else None
                entries.append(entry)
            order = sorted(range(len(entries)), key=lambda i: -entries[i]["mean_pcs"])
            for rank, i in enumerate(order, start=1):
                entries[i]["rank"] = rank
            summary += entries
        b = [value[(s, sc, BENCHMARK, "pcs")] for sc in scenarios if (s, sc, BENCHMARK, "pcs") in value]
        if b:
            worst = min(range(len(b)), key=lambda i: b[i][0])
            bench.append({"setting": setting, "mean_pcs": _mean(b),
                          "worst_pcs": b[worst][0], "n": value.get((s, scenarios[0], BENCHMARK, "n"), (None,))[0]})
        for sc in scenarios:
            for d in designs:
                for prefix in arms if d != BENCHMARK else [""]:
                    cell: dict[str, Any] = {"setting": setting, "scenario": sc, "design": d}
                    if prefix:
                        cell["arm"] = names[arms.index(prefix)]
                    for m in ("pcs", "overdose_selection"):
                        v, se = value.get((s, sc, d, prefix + m), (math.nan, math.nan))
                        cell[m], cell[f"{m}_stderr"] = v, se
                    matrix.append(cell)
    return {"title": title, "settings": keys, "scenarios": scenarios, "designs": own,
            "cells": len({r["cell"] for r in rows}), "trials": sorted(trials),
            "summary": summary, "benchmark": bench, "matrix": matrix}


def _mean(pairs: list[tuple[float, float]]) -> float:
    return _mean_values([v for v, _ in pairs])


def _mean_values(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def _pct(v: float | None) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{100 * v:.1f}%"


def _setting_title(setting: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in setting.items())


def as_markdown(s: dict[str, Any]) -> str:
    """The summary as Markdown: one ranking table per setting, then the PCS of each design in each scenario."""
    n_sc, n_d = len(s["scenarios"]), len(s["designs"])
    n_set = max(1, len({_setting_title(e["setting"]) for e in s["summary"]}))
    trials = s["trials"]
    how = ("exact" if trials == [0.0] else f"Monte Carlo, {int(max(trials)):,} trials" +
           (" (exact where feasible)" if 0.0 in trials else "")) if trials else ""
    lines = [f"# Study: {s['title'] or 'designs across scenarios'}", "",
             f"{n_sc} scenarios × {n_d} designs × {n_set} setting{'s' if n_set > 1 else ''} = {n_sc * n_d * n_set} "
             f"cells{' (+ the optimal benchmark)' if s['benchmark'] else ''}; {how}; designs on common patients "
             f"within each scenario.", ""]
    groups: dict[str, list[dict[str, Any]]] = {}
    for e in s["summary"]:
        groups.setdefault(_setting_title(e["setting"]), []).append(e)
    bench = {_setting_title(b["setting"]): b for b in s["benchmark"]}
    for title, entries in groups.items():
        if title:
            lines += [f"## {title}", ""]
        arm = "arm | " if any("arm" in e for e in entries) else ""
        lines += [f"| rank | {arm}design | mean PCS | worst PCS (scenario) | overdose selection | patients above MTD | "
                  "mean N | PCS / benchmark |", "|---" * (8 + bool(arm)) + "|"]
        for e in sorted(entries, key=lambda e: (e.get("arm", ""), e["rank"])):
            ratio = "–" if e["pcs_vs_benchmark"] is None else f"{e['pcs_vs_benchmark']:.2f}"
            lines.append(f"| {e['rank']} | {e['arm'] + ' | ' if arm else ''}{e['design']} | {_pct(e['mean_pcs'])} | "
                         f"{_pct(e['worst_pcs'])} ({e['worst_scenario']}) | {_pct(e['overdose_selection'])} | "
                         f"{_pct(e['overdose_patients'])} | {e['sample_size']:.1f} | {ratio} |")
        if title in bench:
            b = bench[title]
            n = f"{b['n']:.0f}" if b["n"] is not None else "–"
            lines.append(f"| – | {'| ' if arm else ''}benchmark (optimal, {n} patients) | {_pct(b['mean_pcs'])} | "
                         f"{_pct(b['worst_pcs'])} | | | | 1.00 |")
        lines.append("")
    if s["benchmark"]:
        lines += ["The optimal benchmark (O'Quigley, Paoletti & Maccario 2002) knows every patient's outcome at every "
                  "dose: a reference for how much room is left, not a bound every design stays under in every "
                  "scenario.", ""]
    lines += _pcs_by_scenario(s)
    return "\n".join(lines).rstrip() + "\n"


def _pcs_by_scenario(s: dict[str, Any]) -> list[str]:
    columns = [*s["designs"], *([BENCHMARK] if s["benchmark"] else [])]
    lines = ["## PCS by scenario", ""]
    by: dict[tuple[str, str, str, str], float] = {}
    titles: list[str] = []
    for c in s["matrix"]:
        t = _setting_title(c["setting"])
        if t not in titles:
            titles.append(t)
        by[(t, c["scenario"], c["design"], c.get("arm", ""))] = c["pcs"]
    arms = sorted({c.get("arm", "") for c in s["matrix"]})
    head = ["setting"] * bool(titles[0] if titles else "") + ["scenario"] + ["arm"] * bool(arms[0] if arms else "")
    lines += ["| " + " | ".join(head + columns) + " |", "|---" * (len(head) + len(columns)) + "|"]
    for t in titles:
        for sc in s["scenarios"]:
            for arm in arms:
                first = [t] * ("setting" in head) + [sc] + [arm] * ("arm" in head)
                vals = [_pct(by.get((t, sc, d, arm if d != BENCHMARK else ""))) for d in columns]
                lines.append("| " + " | ".join(first + vals) + " |")
    return lines + [""]


def as_csv(s: dict[str, Any]) -> str:
    """The summary rows as CSV."""
    keys = s["settings"]
    cols = [*keys, "arm", "design", "rank", "mean_pcs", "worst_pcs", "worst_scenario", "overdose_selection",
            "overdose_patients", "sample_size", "pcs_vs_benchmark"]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for e in s["summary"]:
        w.writerow({**e["setting"], **e})
    for b in s["benchmark"]:
        w.writerow({**b["setting"], "design": BENCHMARK, "mean_pcs": b["mean_pcs"], "worst_pcs": b["worst_pcs"],
                    "pcs_vs_benchmark": 1.0})
    return buf.getvalue()


__all__ = ["as_csv", "as_markdown", "setting_keys", "summarise"]
