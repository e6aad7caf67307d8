"""The report's tables as text cells, from the command line's JSON objects (simulate's, compare's, a study's rows),
the decision tables and the pathways: formatting only, no computing."""

from __future__ import annotations

from typing import Any

from ..core import pathways as paths
from ..core.designs.base import Design
from ..core.rule_table import has_rule_table, rule_table
from ..core.tables import decision_table, has_decision_table
from ..reports import TIME_FIGURES
from .document import Table


def pct(v: float) -> str:
    """A probability in a table: one decimal percent."""
    return f"{100 * v:.1f}%"


def dec(v: float) -> str:
    """An expected count in a table: two decimals."""
    return f"{v:.2f}"


def se_pts(v: float) -> str:
    """A probability's standard error in percentage points."""
    return f"{100 * v:.1f}"


def oc_table(d: dict[str, Any], key: str, caption: str) -> Table:
    """One arm's OCs by dose (simulate's JSON object for one arm): truth, P(select), patients and DLTs, and the
    standard error of P(select) when Monte Carlo."""
    mc = d["method"] != "exact"
    se = d["stderr"]
    header = ("level", "dose", "true P(DLT)", "P(select as MTD)", *(("SE (pts)",) if mc else ()),
              "mean patients", "mean DLTs")
    rows = []
    for i, label in enumerate(d["doses"]):
        mark = " (true MTD)" if d["true_mtd"] == i + 1 else ""
        rows.append((str(i + 1), label + mark, f"{d['truth'][i]:.2f}", pct(d["selection"][i]),
                     *((se_pts(se["selection"][i]),) if mc else ()), dec(d["patients"][i]), dec(d["dlts"][i])))
    rows.append(("–", "no dose selected", "", pct(d["no_selection"]), *((se_pts(se["no_selection"]),) if mc else ()),
                 "", ""))
    rows.append(("", "total", "", "", *(("",) if mc else ()), dec(d["sample_size"]), dec(sum(d["dlts"]))))
    how = "exactly (every outcome enumerated)" if not mc else f"Monte Carlo, {d['trials']:,} simulated trials"
    return Table(key, caption, header, tuple(rows), f"Computed {how}.")


SUMMARY = (("pcs", "correct selection (PCS)"), ("acceptable", "acceptable dose selected"),
           ("overdose_selection", "overdose selected (truth > target + 0.10)"),
           ("overdose_patients", "patients treated above the true MTD"))


def summary_table(arms: list[tuple[str, dict[str, Any]]], key: str, caption: str) -> Table:
    """The summary figures of one or more arms (or designs) side by side: PCS, acceptable and overdose selection,
    patients above the MTD, mean and SD of the sample size, mean DLTs."""
    mc = any(d["method"] != "exact" for _, d in arms)
    rows = []
    for k, name in SUMMARY:
        rows.append((name, *(pct(d[k]) + (f" ± {se_pts(d['stderr'].get(k, 0.0))}" if mc else "") for _, d in arms)))
    rows.append(("mean sample size (SD)", *(f"{d['sample_size']:.2f} ({d['sample_size_sd']:.2f})" for _, d in arms)))
    rows.append(("mean DLTs", *(dec(sum(d["dlts"])) for _, d in arms)))
    note = "Monte Carlo figures ± one standard error in percentage points." if mc else ""
    return Table(key, caption, ("", *(n for n, _ in arms)), tuple(rows), note)


def joint_table(d: dict[str, Any], key: str, caption: str) -> Table:
    """What two arms do together (simulate's "joint" object)."""
    j, names = d["joint"], [a["name"] for a in d["arms"]]
    rows = [("correct MTD in both arms", pct(j["both_correct"])),
            (f"Arm {names[1]} never opens", pct(j["b_never_opens"])),
            ("overall cap reached", pct(j["cap_reached"])),
            ("mean total sample size (SD)", f"{j['sample_size']:.2f} ({j['sample_size_sd']:.2f})"),
            ("mean total DLTs", dec(j["dlts"])),
            (f"share of patients in Arm {names[1]}", pct(j["fraction_b"]))]
    return Table(key, caption, ("both arms", "value"), tuple(rows))


def time_table(t: dict[str, Any], key: str, caption: str) -> Table:
    """The time figures (an arm's object or the joint one, with a clock): mean ± SE, SD, median, 90th percentile."""
    rows = [(name, f"{t[k]['mean']:.2f} ± {t[k]['stderr']['mean']:.2f}", f"{t[k]['sd']:.2f}", f"{t[k]['median']:.2f}",
             f"{t[k]['p90']:.2f}") for k, name in TIME_FIGURES]
    note = (f"Times in {t['time_unit']}; the duration ends at the {t['duration_definition']}. Mean wait of a patient "
            f"who waited: {t['mean_wait']['mean']:.2f} {t['time_unit']}; decisions made with outcomes pending: "
            f"{pct(t['share_pending']['mean'])}.")
    return Table(key, caption, ("time", "mean ± SE", "SD", "median", "90th percentile"), tuple(rows), note)


def comparison_table(c: dict[str, Any], key: str, caption: str) -> Table:
    """Several designs on common patients (compare's JSON object, one arm): a column per design."""
    ds = c["designs"]
    rows = []
    for k, label in enumerate(c["doses"]):
        mark = ", true MTD" if ds[0]["true_mtd"] == k + 1 else ""
        rows.append((f"P(select {label}) (truth {c['truth'][k]:.2f}{mark})", *(pct(d["selection"][k]) for d in ds)))
    rows.append(("no dose selected", *(pct(d["no_selection"]) for d in ds)))
    rows += [(name, *(pct(d[k]) for d in ds)) for k, name in SUMMARY]
    rows.append(("mean sample size", *(dec(d["sample_size"]) for d in ds)))
    rows.append(("mean DLTs", *(dec(sum(d["dlts"])) for d in ds)))
    how = "exact" if c["method"] == "exact" else f"Monte Carlo, {c['trials']:,} trials on common patients"
    return Table(key, caption, ("", *(d["label"] for d in ds)), tuple(rows), f"Computed {how}.")


def rule_tables(design: Design, key: str, caption: str) -> Table | None:
    """The decision table of an interval design, or the classic table of an A+B design; None for other designs."""
    if has_decision_table(design):
        t = decision_table(design)
        (label, ns), *body = t.rows()
        return Table(key, caption, (label, *ns), tuple((lab, *cells) for lab, cells in body),
                     "NA: the decision is never taken with that many patients.")
    if has_rule_table(design):
        t = rule_table(design)
        head, *body = t.lines()
        return Table(key, caption, head, tuple(body), " ".join(t.notes()))
    return None


def pathways_table(p: paths.Pathways, labels: list[str], key: str, caption: str) -> Table:
    """The wide pathways table (dtpcrm's layout) with its legend as the note."""
    head, body = paths.table_cells(p)
    return Table(key, caption, tuple(head), tuple(tuple(r) for r in body), paths.legend(p, labels).replace("\n", " "))


def study_tables(rows: list[dict[str, Any]], columns: list[str], doses: list[str], arm_names: list[str] | None,
                 truths: dict[str, tuple[tuple[float, ...], ...]], key: str) -> list[Table]:
    """One table per scenario (and setting) of a study: the truth, then each design's selection and patients per
    dose, no selection, PCS and mean sample size (the study's tidy rows, formatted)."""
    settings = [c for c in columns if c not in ("cell", "scenario", "design", "metric", "level", "value", "stderr")]
    groups: dict[tuple, dict[str, dict[tuple[str, str], float]]] = {}
    for r in rows:
        if r["design"] == "benchmark":
            continue
        g = groups.setdefault((tuple(str(r[s]) for s in settings), r["scenario"]), {})
        g.setdefault(r["design"], {})[(r["metric"], str(r["level"]))] = float(r["value"])
    prefixes = [f"arms[{j}]." for j in range(len(arm_names))] if arm_names else [""]
    out = []
    K = len(doses)
    for i, ((setting, scenario), designs) in enumerate(groups.items()):
        where = ", ".join(f"{s} = {v}" for s, v in zip(settings, setting))
        body: list[tuple[str, ...]] = []
        for j, pre in enumerate(prefixes):
            arm = f"Arm {arm_names[j]}: " if arm_names else ""
            body.append((f"{arm}true P(DLT)", *(f"{v:.2f}" for v in truths[scenario][j]), "", "", ""))
            for name, m in designs.items():
                body.append((f"{arm}{name}: P(select)", *(pct(m[(pre + "selection", str(k + 1))]) for k in range(K)),
                             pct(m[(pre + "no_selection", "")]), pct(m[(pre + "pcs", "")]),
                             dec(m[(pre + "sample_size", "")])))
                body.append((f"{arm}{name}: mean patients", *(dec(m[(pre + "patients", str(k + 1))])
                                                              for k in range(K)), "", "", ""))
        caption = f"Scenario {scenario}" + (f" ({where})" if where else "")
        out.append(Table(f"{key}-{i + 1}", caption, ("", *doses, "none", "PCS", "mean N"), tuple(body)))
    return out
