"""Results and design catalogues as text: CSV, Markdown and plain listings (for the CLI and downloads)."""

from __future__ import annotations

import csv
import io
from typing import Any

from .core.designs.base import Design

CSV_COLUMNS = ("metric", "level", "label", "value", "stderr")
TWO_ARM_CSV_COLUMNS = ("arm", *CSV_COLUMNS)


def result_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """One arm's OCs (simulate's JSON object) in long form: one row per metric and dose level (level empty for
    trial-level metrics)."""
    return _rows(d)


def _rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    se = d["stderr"]
    rows: list[dict[str, Any]] = []
    for i, label in enumerate(d["doses"]):
        rows.append({"metric": "truth", "level": i + 1, "label": label, "value": d["truth"][i], "stderr": 0.0})
        for key in ("selection", "patients", "dlts"):
            rows.append({"metric": key, "level": i + 1, "label": label, "value": d[key][i], "stderr": se[key][i]})
    rows.append({"metric": "no_selection", "level": "", "label": "", "value": d["no_selection"],
                 "stderr": se["no_selection"]})
    for key in ("sample_size", "pcs", "acceptable", "overdose_selection", "overdose_patients"):
        rows.append({"metric": key, "level": "", "label": "", "value": d[key], "stderr": se.get(key, 0.0)})
    rows.append({"metric": "true_mtd", "level": d["true_mtd"] or "", "label": "", "value": "", "stderr": ""})
    for n, p in d["sample_size_distribution"].items():
        rows.append({"metric": "sample_size_probability", "level": n, "label": "", "value": p, "stderr": ""})
    if "duration" in d:
        rows += time_rows(d)
    return rows


#: The time figures of a trial with a clock (clock.oc.TimeOC), in report order, with their names for people.
TIME_FIGURES = (("duration", "trial duration"), ("time_to_mtd", "time to the MTD decision"),
                ("accrual_time", "time to the last start"), ("waited", "patients who waited"),
                ("lost", "arrivals lost"), ("total_wait", "total wait"), ("suspended", "accrual suspended"),
                ("decisions", "dose decisions"))


def time_rows(t: dict[str, Any]) -> list[dict[str, Any]]:
    """The time figures of a result (one arm's object, or a two-arm joint object) in the long CSV form: per figure
    its mean, SD, median and 90th percentile (label: the time unit), then the ratios, then the duration's
    distribution (one row per bin: level = the bin's lower edge, label = the bin)."""
    unit = t["time_unit"]
    rows: list[dict[str, Any]] = []
    for key, _ in TIME_FIGURES:
        f = t[key]
        for stat in ("mean", "sd", "median", "p90"):
            rows.append({"metric": f"{key}_{stat}", "level": "", "label": unit, "value": f[stat],
                         "stderr": f["stderr"].get(stat, "")})
    for key in ("mean_wait", "share_pending"):
        rows.append({"metric": key, "level": "", "label": unit if key == "mean_wait" else "",
                     "value": t[key]["mean"], "stderr": t[key]["stderr"]["mean"]})
    dist = t["duration"]["distribution"]
    for lo, hi, p in zip(dist["edges"], dist["edges"][1:], dist["probability"]):
        rows.append({"metric": "duration_probability", "level": f"{lo:.6g}", "label": f"[{lo:.4g}, {hi:.4g}) {unit}",
                     "value": p, "stderr": ""})
    return rows


def time_markdown(t: dict[str, Any]) -> list[str]:
    """The time figures as Markdown lines: mean ± standard error, SD, median and 90th percentile of each."""
    unit = t["time_unit"]
    lines = [f"Time in {unit}; the duration ends at the {t['duration_definition']} (the \"time\" object's "
             f"`duration`).", "", "| time | mean | SD | median | 90th percentile |", "|---|---|---|---|---|"]
    for key, name in TIME_FIGURES:
        f = t[key]
        lines.append(f"| {name} | {f['mean']:.2f} ± {f['stderr']['mean']:.2f} | {f['sd']:.2f} | {f['median']:.2f} "
                     f"| {f['p90']:.2f} |")
    lines += ["", f"Mean wait of a patient who waited: {t['mean_wait']['mean']:.2f} {unit}; decisions made with "
                  f"outcomes pending: {_pct(t['share_pending']['mean'])}.", ""]
    return lines


def two_arm_rows(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Both arms' OCs (simulate's JSON object) in long form with an `arm` column, then the joint ones (arm
    "joint")."""
    rows = [{"arm": a["name"], **r} for a in d["arms"] for r in _rows(a)]
    j = d["joint"]
    for key in ("both_correct", "b_never_opens", "cap_reached", "sample_size", "dlts", "fraction_b"):
        rows.append({"arm": "joint", "metric": key, "level": "", "label": "", "value": j[key],
                     "stderr": j["stderr"].get(key, "")})
    for name, v in zip((a["name"] for a in d["arms"]), j["patients_per_arm"]):
        rows.append({"arm": "joint", "metric": "patients_in_arm", "level": "", "label": name, "value": v,
                     "stderr": ""})
    if "duration" in j:
        rows += [{"arm": "joint", **r} for r in time_rows(j)]
    return rows


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: (f"{v:.10g}" if isinstance(v, float) else v) for k, v in row.items()})
    return buf.getvalue()


def result_as_csv(d: dict[str, Any]) -> str:
    """simulate's JSON object as a tidy CSV (columns [arm,] metric, level, label, value, stderr)."""
    if "arms" in d:
        return _csv(two_arm_rows(d), TWO_ARM_CSV_COLUMNS)
    return _csv(result_rows(d), CSV_COLUMNS)


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%"


def result_as_markdown(d: dict[str, Any]) -> str:
    """simulate's JSON object as a short Markdown report."""
    if "arms" in d:
        return _two_arm_markdown(d)
    return _markdown(d)


def _two_arm_markdown(d: dict[str, Any]) -> str:
    ad = d["arm_design"]
    cap = f"at most {ad['max_total']} patients in all" if ad["max_total"] else "no overall cap"
    lines = [f"# {d['title'] or 'Two-arm operating characteristics'}", "",
             f"Arm design **{ad['mode']}** ({cap}; {100 * ad['eligible_b']:.0f}% of patients eligible for Arm "
             f"{d['arms'][1]['name']}; assignment {ad['assignment']}; offset {ad['offset']}).", ""]
    for w in d["warnings"]:
        lines += [f"> Warning: {w}", ""]
    for a in d["arms"]:
        body = _markdown({**a, "title": None, "target": d["target"], "seed": d["seed"], "warnings": []})
        lines += ["## Arm " + a["name"], *body.splitlines()[2:], ""]
    j = d["joint"]
    lines += ["## Both arms", "", "| joint | value |", "|---|---|",
              f"| correct MTD in both arms | {_pct(j['both_correct'])} |",
              f"| Arm {d['arms'][1]['name']} never opens | {_pct(j['b_never_opens'])} |",
              f"| overall cap reached | {_pct(j['cap_reached'])} |",
              f"| mean total sample size | {j['sample_size']:.2f} (sd {j['sample_size_sd']:.2f}) |",
              f"| mean total DLTs | {j['dlts']:.2f} |",
              f"| share of patients in Arm {d['arms'][1]['name']} | {_pct(j['fraction_b'])} |", ""]
    if "duration" in j:
        lines += ["### The whole trial in time", "", *time_markdown(j)]
    return "\n".join(lines)


def _markdown(d: dict[str, Any]) -> str:
    exact = d["method"] == "exact"
    how = "exact (enumeration of every outcome)" if exact else f"Monte Carlo, {d['trials']:,} trials, seed {d['seed']}"
    design = ", ".join(f"{k} = {v}" for k, v in d["design"].items() if k != "method")
    lines = [f"# {d['title'] or 'Operating characteristics'}", "",
             f"Design **{d['design']['method']}**" + (f" ({design})" if design else "")
             + f", target {d['target']:g}, start at level {d['start_dose']}; {how}.", ""]
    for w in d["warnings"]:
        lines += [f"> Warning: {w}", ""]
    se = d["stderr"]
    pm = (lambda s: "") if exact else (lambda s: f" ± {100 * s:.1f}")
    lines += ["| level | dose | truth | P(select) | patients | DLTs |", "|---|---|---|---|---|---|"]
    for i, label in enumerate(d["doses"]):
        mark = " (true MTD)" if d["true_mtd"] == i + 1 else ""
        sel = f"{_pct(d['selection'][i])}{pm(se['selection'][i])}"
        lines.append(f"| {i + 1} | {label}{mark} | {d['truth'][i]:.2f} | {sel} | {d['patients'][i]:.2f}"
                     f" | {d['dlts'][i]:.2f} |")
    lines.append(f"| – | no selection | | {_pct(d['no_selection'])}{pm(se['no_selection'])} | | |")
    lines += ["", "| summary | value |", "|---|---|",
              f"| correct selection (PCS) | {_pct(d['pcs'])} |",
              f"| acceptable selection | {_pct(d['acceptable'])} |",
              f"| overdose selection | {_pct(d['overdose_selection'])} |",
              f"| patients above the true MTD | {_pct(d['overdose_patients'])} |",
              f"| mean sample size | {d['sample_size']:.2f} (sd {d['sample_size_sd']:.2f}) |", ""]
    if "duration" in d:
        lines += ["## Time", "", *time_markdown(d)]
    return "\n".join(lines)


COMPARISON_CSV_COLUMNS = ("design", "versus", *CSV_COLUMNS)


def comparison_rows(c: dict[str, Any]) -> list[dict[str, Any]]:
    """A comparison (Comparison.to_dict) in long form: each design's OC rows, then its paired differences
    (`versus` names the reference design; selection differences per dose level)."""
    ctx = {"doses": c["doses"], "truth": c["truth"]}
    rows = [{"design": d["label"], "versus": "", **r} for d in c["designs"] for r in _rows({**d, **ctx})]
    ref = c["designs"][0]["label"]
    for diff in c["differences"]:
        for key, v in diff.items():
            if not isinstance(v, dict) or "difference" not in v:  # "design", "versus"
                continue
            level = int(key[len("selection["):-1]) if key.startswith("selection[") else ""
            rows.append({"design": diff["label"], "versus": ref, "metric": key.split("[")[0], "level": level,
                         "label": c["doses"][level - 1] if level else "", "value": v["difference"],
                         "stderr": v["stderr"]})
    return rows


def comparison_as_csv(c: dict[str, Any]) -> str:
    """A comparison as a tidy CSV (columns design, versus, metric, level, label, value, stderr)."""
    return _csv(comparison_rows(c), COMPARISON_CSV_COLUMNS)


def _diff(v: dict[str, float], exact: bool, percent: bool) -> str:
    scale, unit = (100.0, " pts") if percent else (1.0, "")
    value, se = scale * v["difference"], scale * v["stderr"]
    if exact:
        return f"{value:+.{1 if percent else 2}f}{unit}"
    return f"{value:+.{1 if percent else 2}f} ± {se:.{1 if se >= 0.095 else 2}f}{unit}"


def comparison_as_markdown(c: dict[str, Any]) -> str:
    """A comparison as Markdown: one column per design with its OCs, then the paired differences ± SE."""
    exact = c["method"] == "exact"
    labels = [d["label"] for d in c["designs"]]
    how = ("exact (enumeration of every outcome; differences have no error)" if exact else
           f"Monte Carlo, {c['trials']:,} trials on common patients (every design sees the same simulated "
           f"patients), seed {c['seed']}")
    lines = [f"# {c['title'] or 'Design comparison'}", "",
             f"{len(labels)} designs, target {c['target']:g}, start at level {c['start_dose']}; {how}.", ""]
    lines += [f"> Warning: {w}" for w in c["warnings"]] + ([""] if c["warnings"] else [])
    head = ["| | " + " | ".join(f"**{lab}**" for lab in labels) + " |", "|---" * (len(labels) + 1) + "|"]

    def row(name: str, values: list[str]) -> str:
        return f"| {name} | " + " | ".join(values) + " |"

    ds = c["designs"]
    mtd = ds[0]["true_mtd"]
    lines += head
    for k, label in enumerate(c["doses"]):
        mark = ", true MTD" if mtd == k + 1 else ""
        lines.append(row(f"P(select {label}) (truth {c['truth'][k]:.2f}{mark})",
                         [_pct(d["selection"][k]) for d in ds]))
    for key, name in (("no_selection", "no selection"), ("pcs", "correct selection (PCS)"),
                      ("acceptable", "acceptable selection"), ("overdose_selection", "overdose selection"),
                      ("overdose_patients", "patients above the true MTD")):
        lines.append(row(name, [_pct(d[key]) for d in ds]))
    lines.append(row("mean sample size", [f"{d['sample_size']:.2f}" for d in ds]))
    lines.append(row("mean DLTs", [f"{sum(d['dlts']):.2f}" for d in ds]))
    if c.get("benchmark"):
        lines += _benchmark_lines(c, row)
    timed = "duration" in ds[0]
    if timed:
        unit = ds[0]["time_unit"]
        lines.append(row(f"mean duration ({unit})", [f"{d['duration']['mean']:.2f}" for d in ds]))
        lines.append(row(f"90th percentile of duration ({unit})", [f"{d['duration']['p90']:.2f}" for d in ds]))
        lines.append(row(f"mean time to the MTD decision ({unit})", [f"{d['time_to_mtd']['mean']:.2f}" for d in ds]))
        lines.append(row("mean arrivals lost", [f"{d['lost']['mean']:.2f}" for d in ds]))
    if c["differences"]:
        se = "" if exact else " (± one standard error of the paired difference)"
        lines += ["", f"## Differences from {labels[0]}{se}", "",
                  "| | " + " | ".join(f"**{lab}**" for lab in labels[1:]) + " |", "|---" * len(labels) + "|"]
        diffs = c["differences"]
        for k, label in enumerate(c["doses"]):
            lines.append(row(f"P(select {label})", [_diff(d[f"selection[{k + 1}]"], exact, True) for d in diffs]))
        for key, name, pct in (("no_selection", "no selection", True), ("pcs", "correct selection (PCS)", True),
                               ("acceptable", "acceptable selection", True),
                               ("overdose_selection", "overdose selection", True),
                               ("sample_size", "mean sample size", False), ("total_dlts", "mean DLTs", False)):
            lines.append(row(name, [_diff(d[key], exact, pct) for d in diffs]))
        if timed:
            for key, name in (("duration", f"mean duration ({unit})"),
                              ("time_to_mtd", f"mean time to the MTD decision ({unit})"),
                              ("lost", "mean arrivals lost")):
                lines.append(row(name, [_diff(d[key], exact, False) for d in diffs]))
    return "\n".join(lines) + "\n"


def _benchmark_lines(c: dict[str, Any], row: Any) -> list[str]:
    """The PCS / benchmark row of a comparison, and the benchmark's own figures under the table."""
    b = c["benchmark"]

    def ratio(d: dict[str, Any]) -> str:
        r = d["pcs_vs_benchmark"]
        return f"{r['value']:.2f}" + ("" if b["method"] == "exact" and d["method"] == "exact" else
                                      f" ± {r['stderr']:.2f}")

    how = "exact" if b["method"] == "exact" else f"{b['trials']:,} simulated trials"
    se = "" if b["method"] == "exact" else f" ± {100 * b['stderr']['pcs']:.1f} pts"
    return [row("PCS / optimal benchmark", [ratio(d) for d in c["designs"]]), "",
            f"Optimal benchmark ({b['n']} patients, {how}): PCS {_pct(b['pcs'])}{se}; selection "
            + ", ".join(f"{lab} {_pct(v)}" for lab, v in zip(c["doses"], b["selection"]))
            + f", none {_pct(b['no_selection'])}. {b['note']}"]


def design_catalogue(cls: type[Design]) -> dict[str, Any]:
    """One design's declaration as plain data."""
    return {
        "method": cls.method, "title": cls.title, "summary": cls.summary, "aliases": list(cls.aliases),
        "exact": "exact" in cls.capabilities, "capabilities": sorted(c.value for c in cls.capabilities),
        "options": [{"name": o.name, "type": o.kind.value, "default": o.describe_default(), "valid": o.bounds_text(),
                     "meaning": o.help} for o in cls.options],
        "time": _time_behaviour(cls), "rules": cls.rules,
    }


def _time_behaviour(cls: type[Design]) -> str:
    """What the design does with a clock (a protocol's "time"), in one sentence."""
    from .core.designs.base import Capability

    if Capability.NEEDS_TIME not in cls.capabilities:
        return ("with a clock, decides once every enrolled patient's DLT window is over (arrivals meanwhile wait or "
                "are lost)")
    suspends = " and may suspend accrual" if Capability.SUSPENDS in cls.capabilities else ", never suspending accrual"
    return (f"with a clock, decides with outcomes pending{suspends}; without one (no \"time\"), every outcome is "
            f"known before each decision")


def designs_as_json(classes: list[type[Design]]) -> list[dict[str, Any]]:
    """Every design's declaration as plain data."""
    return [design_catalogue(c) for c in classes]


def designs_as_text(classes: list[type[Design]], markdown: bool = False) -> str:
    """Every design with its options, defaults and meaning, for people."""
    out = []
    for c in classes:
        info = design_catalogue(c)
        alias = f" (alias: {', '.join(info['aliases'])})" if info["aliases"] else ""
        if markdown:
            out += [f"## `{c.method}`{alias}: {c.title}", "", c.summary, "", f"Time: {info['time']}.", ""]
            if c.rules:
                out += [f"Rules followed where the packages differ: {c.rules}", ""]
            if info["options"]:
                out += ["| option | default | valid | meaning |", "|---|---|---|---|"]
                out += [f"| `{o['name']}` | {o['default']} | {o['valid']} | {o['meaning']} |" for o in info["options"]]
            else:
                out.append("No options.")
            out.append("")
        else:
            out += [f"{c.method}{alias}: {c.title}", *_wrap(c.summary), *_wrap(f"Time: {info['time']}.")]
            if c.rules:
                out += _wrap(f"Rules: {c.rules}")
            for o in info["options"]:
                out.append(f"    {o['name']:<14} default {o['default']:<12} {o['valid']}")
                out.append(f"    {'':<14} {o['meaning']}")
            if not info["options"]:
                out.append("    (no options)")
            out.append("")
    return "\n".join(out + time_object_text(markdown))


def _wrap(text: str) -> list[str]:
    """A paragraph indented under a design's name."""
    import textwrap

    return textwrap.wrap(text, 116, initial_indent="    ", subsequent_indent="    ")


def time_object_text(markdown: bool = False) -> list[str]:
    """The protocol's "time" object (the clock): its options, defaults and meaning, and the time figures reported."""
    from .core.clock.spec import ARM_TIME_KEYS, TIME_OPTIONS

    intro = ('A protocol\'s top-level "time" object gives the trial a clock: patients arrive one by one, each DLT '
             "window takes time, and results carry the time figures (duration, time to the MTD decision, patients "
             "who waited and arrivals lost, time accrual was suspended, decisions with outcomes pending), Monte "
             "Carlo only. Times are in one unit, whatever it is (time_unit only labels it): rate is patients per "
             f"unit, dlt_window is in units. With two arms, an arm's own \"time\" may change "
             f"{', '.join(ARM_TIME_KEYS)}.")
    example = ('"time": {"accrual": "poisson", "rate": 0.5, "dlt_window": 6, "time_unit": "weeks"}')
    if markdown:
        lines = ["## The clock: `\"time\"`", "", intro, "", f"`{example}`", "",
                 "| option | default | valid | meaning |", "|---|---|---|---|"]
        lines += [f"| `{o.name}` | {o.describe_default()} | {o.bounds_text()} | {o.help} |" for o in TIME_OPTIONS]
        return lines + [""]
    lines = ['"time" (the trial\'s clock)', *_wrap(intro), f"    e.g. {example}"]
    for o in TIME_OPTIONS:
        lines.append(f"    {o.name:<14} default {o.describe_default():<12} {o.bounds_text()}")
        lines.append(f"    {'':<14} {o.help}")
    return lines + [""]
