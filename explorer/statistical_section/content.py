"""The statistical section of a protocol as one Document: the design in words, its decision table or pathways, the
operating characteristics over the scenarios with figures, the references and how to reproduce it all. Every number
comes from explorer.api (simulate, compare, study) and core.pathways: this module only arranges them."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import __version__
from ..core import pathways as paths
from ..core.designs.base import Capability
from ..core.outputs import design_labels
from ..core.protocol import Arm, DesignSpec, Protocol
from ..core.study.spec import Study
from . import design_text, figures, references, tables
from .document import Block, Bullets, Code, Document, Heading, Paragraph, Table
from .reproduce import recipe

#: The most rows a pathways table may have: the number of cohorts shown is the largest (3, 2, 1) within it.
MAX_PATHWAY_ROWS = 40


class Numbered:
    """Tables numbered in order of appearance ("Table 3: ...")."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, t: Table) -> Table:
        self.count += 1
        return Table(t.key, f"Table {self.count}: {t.caption}", t.header, t.rows, t.note)


def first_pathways(protocol: Protocol, arm: Arm, spec: DesignSpec) -> paths.Pathways:
    """The pathways of the first cohorts from the start under the arm's truth: 3 cohorts, or fewer where 3 would
    give more than MAX_PATHWAY_ROWS rows."""
    design = arm.build_design(protocol.target, spec)
    truth = np.asarray(arm.truth)
    for cohorts in (3, 2, 1):
        p = paths.pathways(design, "", cohorts, truth)
        if len(p.leaves()) <= MAX_PATHWAY_ROWS or cohorts == 1:
            return p
    raise AssertionError("unreachable")


def _options(spec: DesignSpec, protocol: Protocol) -> str:
    """The options that differ from the design's defaults, as " (max_n = 18)" ("" when none do)."""
    return design_labels([spec], protocol.target, protocol.arms[0].n_doses)[0][len(spec.method):]


def _arm_title(arm: Arm | None) -> str:
    return "" if arm is None or arm.name is None else f"Arm {arm.name}"


def study_specs(study: Study) -> list[DesignSpec]:
    """The designs a study runs (its "designs" list, without their labels; none when it runs the protocol's)."""
    from ..core.validation import parse_design

    return [parse_design({k: v for k, v in d.raw.items() if k != "label"} if isinstance(d.raw, dict) else d.raw,
                         study.protocol) for d in study.designs if d.raw is not None]


def design_section(protocol: Protocol, number: Numbered, extra: list[DesignSpec] | None = None) -> list[Block]:
    """The design in words (and the designs of a study, `extra`), then each design's decision table and pathways of
    the first cohorts."""
    blocks: list[Block] = [Heading("Design")]
    described = design_text.designs_in(protocol)
    described += [(None, s) for s in dict.fromkeys(extra or []) if s not in [d for _, d in described]]
    two = len(protocol.arms) > 1
    shared = two and len({a.design for a in protocol.arms}) == 1
    for arm, spec in described:
        cls_title = type(protocol.arms[0].build_design(protocol.target, spec)).title
        if arm is None:
            blocks.append(Heading(f"Compared design: {cls_title}" + _options(spec, protocol), 3))
            arm_for_text = protocol.arms[0]
        else:
            if two:
                blocks.append(Heading("Both arms" if shared else f"{_arm_title(arm)}: {cls_title}", 3))
            arm_for_text = arm
        blocks += [Paragraph(t) for t in design_text.design_paragraphs(protocol, arm_for_text, spec)]
    for text in (design_text.arm_design_paragraph(protocol), design_text.time_paragraph(protocol)):
        if text:
            blocks.append(Paragraph(text))

    blocks.append(Heading("Decision rules and dose-transition pathways"))
    for arm, spec in described:
        arm_ = arm or protocol.arms[0]
        design = arm_.build_design(protocol.target, spec)
        name = type(design).title + ("" if arm is None or not two or shared else f" ({_arm_title(arm)})")
        t = tables.rule_tables(design, f"rules-{spec.method}", f"Decision rule of {name}")
        if t is not None:
            blocks.append(number(t))
    blocks.append(Paragraph("Dose-transition pathways list every outcome of the first cohorts and the dose the design "
                            "gives next, with each path's probability under the scenario's true DLT rates "
                            "(dtpcrm's layout)."))
    for j, arm in enumerate(protocol.arms):
        p = first_pathways(protocol, arm, arm.design)
        design = arm.build_design(protocol.target)
        who = f" in {_arm_title(arm)}" if two else ""
        note_time = (" Decisions with outcomes pending (the time-to-event rules) are not shown: each cohort's "
                     "outcomes are known before the next decision." if Capability.NEEDS_TIME in
                     type(design).capabilities else "")
        note_arms = (" The arm is followed on its own: the rules between the arms (and any overall cap) are not "
                     "applied." if two and protocol.arm_design and protocol.arm_design.mode != "independent" else "")
        t = tables.pathways_table(p, arm.labels, f"pathways-{j + 1}",
                                  f"Dose-transition pathways of {type(design).title}{who}, first {p.cohorts} "
                                  f"cohort{'s' if p.cohorts > 1 else ''} from the start")
        blocks.append(number(Table(t.key, t.caption, t.header, t.rows, t.note + note_time + note_arms)))
    return blocks


def _how(d: dict[str, Any]) -> str:
    if d["method"] == "exact":
        return "exactly, by enumerating every possible trial and its probability (no simulation error)"
    return f"by Monte Carlo simulation of {d['trials']:,} trials (random seed {d['seed']})"


def oc_section(protocol: Protocol, result: dict[str, Any], comparison: dict[str, Any] | None,
               number: Numbered) -> list[Block]:
    """The OCs under the protocol's truth: per arm by dose, the summary, two arms' joint figures, time, and the
    comparison with other designs; then the figures."""
    blocks: list[Block] = [Heading("Operating characteristics")]
    two = "arms" in result
    arms = result["arms"] if two else [result]
    blocks.append(Paragraph(
        f"The operating characteristics below were computed {_how(result)} under the scenario of the protocol "
        "(the true DLT probabilities shown). The true MTD is the dose whose true DLT probability is closest to the "
        "target (ties: the lower dose); with no dose within target + 0.10, selecting no dose is correct. Correct "
        "selection (PCS) is the probability of selecting the true MTD; an acceptable dose has a true DLT probability "
        "within the design's interval around the target (target ± 0.05 by default); overdose selection is the "
        "probability of selecting a dose whose true DLT probability exceeds the target by more than 0.10."))
    for w in result["warnings"]:
        blocks.append(Paragraph(f"Note: {w}"))
    for j, a in enumerate(arms):
        who = f" in Arm {a['name']}" if two else ""
        blocks.append(number(tables.oc_table(a, "oc" if not two else f"oc-arm-{j + 1}",
                                             f"Operating characteristics{who} by dose")))
    names = [f"Arm {a['name']}" for a in arms] if two else [str(arms[0]["design"]["method"])]
    blocks.append(number(tables.summary_table(list(zip(names, arms)), "summary", "Summary")))
    if two:
        blocks.append(number(tables.joint_table(result, "joint", "Both arms together")))
    timed = "duration" in arms[0]
    if timed:
        t = result["joint"] if two else result
        blocks.append(number(tables.time_table(t, "time", "Trial duration and waiting" +
                                               (" (the whole trial)" if two else ""))))
    if comparison is not None:
        blocks.append(number(tables.comparison_table(comparison, "comparison",
                                                     "The protocol's design and the designs compared, on common "
                                                     "patients")))
    panels = [(f"Arm {a['name']}" if two else "", [(names[0] if not two else str(a["design"]["method"]), a)])
              for a in arms]
    if comparison is not None and not two:
        panels = [("", [(d["label"], {**d, "doses": comparison["doses"]}) for d in comparison["designs"]])]
    blocks.append(figures.selection_figure(panels))
    blocks.append(figures.patients_figure(panels))
    dists = ([("both arms", result["joint"]["sample_size_distribution"])] +
             [(f"Arm {a['name']}", a["sample_size_distribution"]) for a in arms] if two else
             [(label, d["sample_size_distribution"]) for label, d in panels[0][1]])
    blocks.append(figures.sample_size_figure(dists))
    if timed:
        t = result["joint"] if two else result
        blocks.append(figures.duration_figure([("trial", t["duration"])], t["time_unit"]))
    return blocks


def study_section(study: Study, summary: dict[str, Any], rows: list[dict[str, Any]], columns: list[str],
                  number: Numbered) -> list[Block]:
    """A study's scenarios: the summary per design across scenarios, then one table per scenario."""
    p = study.protocol
    arm_names = [a.name or "" for a in p.arms] if len(p.arms) > 1 else None
    blocks: list[Block] = [Heading("Operating characteristics across scenarios"),
                           Paragraph(f"{len(study.scenarios)} scenarios × {len(study.designs)} designs"
                                     + (f" × {len(study.settings)} settings" if len(study.settings) > 1 else "")
                                     + "; within each scenario and setting every design sees the same simulated "
                                     "patients (exact where every design can be enumerated). The scenarios: "
                                     + "; ".join(f"{s.name} ({', '.join(f'{v:.2f}' for v in s.truths[0])})"
                                                 for s in study.scenarios) + ".")]
    head = ("setting", "design", "mean PCS", "worst PCS (scenario)", "overdose selection", "patients above MTD",
            "mean N")
    body = [(", ".join(f"{k} = {v}" for k, v in r["setting"].items()), r["design"] + (f" ({r['arm']})" if
            r.get("arm") else ""), tables.pct(r["mean_pcs"]), f"{tables.pct(r['worst_pcs'])} ({r['worst_scenario']})",
             tables.pct(r["overdose_selection"]), tables.pct(r["overdose_patients"]), f"{r['sample_size']:.1f}")
            for r in summary["summary"]]
    blocks.append(number(Table("study-summary", "Designs across the scenarios", head, tuple(body))))
    truths = {s.name: s.truths for s in study.scenarios}
    for t in tables.study_tables(rows, columns, p.arms[0].labels, arm_names, truths, "study"):
        blocks.append(number(t))
    return blocks


def reproducibility_section(protocol: Protocol, result: dict[str, Any], file: str, study_file: str | None,
                            out: str) -> list[Block]:
    """Package version, seed, method, the commands and the Python call, and the protocol itself."""
    r = recipe(protocol, file, study_file, out)
    how = ("exact (no random numbers are used)" if result["method"] == "exact" else
           f"Monte Carlo, {result['trials']:,} trials, seed {protocol.seed}")
    return [Heading("Reproducibility"),
            Bullets((f"phase1-explorer version {__version__}", f"Computation: {how}",
                     f"Protocol file: {file} (below)" + (f"; study file: {study_file}" if study_file else ""))),
            Paragraph("The same protocol and seed give the same numbers on every machine. The operating "
                      "characteristics above are those of the command:"),
            Code(r.command, "bash"), Paragraph("and this report is written by:"), Code(r.report_command, "bash"),
            Paragraph("From Python:"), Code(r.python, "python"),
            Paragraph(f"The protocol ({file}):"), Code(protocol.to_json(), "json")]


def references_section(protocol: Protocol, study: Study | None) -> list[Block]:
    """The literature of every design described, the titration, the benchmark and the scenario generators used."""
    cited: list[str] = []
    specs = [s for _, s in design_text.designs_in(protocol)] + (study_specs(study) if study is not None else [])
    for spec in specs:
        cited += references.for_method(spec.method)
        if spec.options.get("titration"):
            cited.append(references.SIMON_1997)
    if study is not None:
        if study.benchmark:
            cited.append(references.OQUIGLEY_2002)
        if any(s.name.startswith("random") for s in study.scenarios):
            cited.append(references.CLERTANT)
    return [Heading("References"), Bullets(tuple(dict.fromkeys(cited)))]


def build(protocol: Protocol, result: dict[str, Any], *, comparison: dict[str, Any] | None = None,
          study: tuple[Study, dict[str, Any], list[dict[str, Any]], list[str]] | None = None,
          file: str = "protocol.json", study_file: str | None = None, out: str = "report.html") -> Document:
    """The report's Document from a protocol and its results (simulate's JSON object; compare's when the protocol
    has a "compare" list; a study's spec, summary, rows and columns)."""
    number = Numbered()
    title = protocol.title or "Statistical section"
    blocks: list[Block] = [Heading(title, 1)]
    if protocol.description:
        blocks.append(Paragraph(protocol.description))
    blocks += design_section(protocol, number, study_specs(study[0]) if study is not None else None)
    blocks += oc_section(protocol, result, comparison, number)
    if study is not None:
        blocks += study_section(*study, number=number)
    blocks += references_section(protocol, study[0] if study else None)
    blocks += reproducibility_section(protocol, result, file, study_file, out)
    return Document(title, tuple(blocks), {"simulate": result, "compare": comparison})
