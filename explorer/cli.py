"""The command line: `phase1-explorer serve | simulate | compare | study | designs | table | pathways | report`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core.errors import EXACT_NOT_AVAILABLE, Problem, ProtocolError

if TYPE_CHECKING:
    from .core.protocol import Arm, DesignSpec, Protocol

EXIT_BAD_INPUT = 2


def _fail(message: str) -> int:
    print(f"phase1-explorer: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _fail_protocol(path: str, e: ProtocolError, verb: str = "used") -> int:
    """Every problem of a protocol file, one per line, and exit status 2."""
    return _fail(f"{path} cannot be {verb}:\n" + "\n".join(f"  {p}" for p in e.problems))


def _emit(warnings: list[str], text: str, out: str | None) -> int:
    """Warnings on standard error, the text to `out` (or standard output); the exit status."""
    for w in warnings:
        print(f"phase1-explorer: warning: {w}", file=sys.stderr)
    try:
        if out:
            Path(out).write_text(text)
        else:
            sys.stdout.write(text)
    except OSError as e:
        return _fail(f"cannot write {out}: {e.strerror}")
    return 0


def _fail_run(path: str, e: ProtocolError, verb: str, exact_flag: bool) -> int:
    """A protocol's problems, with the command line's advice where the core names protocol keys."""
    problems = [Problem(p.field, p.message + (" (Drop --exact, or run with --monte-carlo.)" if exact_flag else
                                              " (Or run with --monte-carlo.)"), p.code)
                if p.code == EXACT_NOT_AVAILABLE else p for p in e.problems]
    return _fail_protocol(path, ProtocolError(problems), verb)


def cmd_simulate(args: argparse.Namespace) -> int:
    """Run a protocol file and print its operating characteristics."""
    from .api import simulate
    from .reports import result_as_csv, result_as_markdown

    try:
        result = simulate(args.protocol, method=_method(args), trials=args.trials, seed=args.seed, cache=args.cache)
    except ProtocolError as e:
        return _fail_run(args.protocol, e, "used", args.exact)
    d = result.to_dict()
    text = {"json": lambda: json.dumps(d, indent=2) + "\n", "csv": lambda: result_as_csv(d),
            "md": lambda: result_as_markdown(d)}[args.format]()
    return _emit(d["warnings"], text, args.out)


def design_specs(texts: list[str], protocol: Protocol) -> list[DesignSpec]:
    """The --design arguments: each a method name (`boin`) or a JSON design object; all problems at once."""
    from .core.validation import parse_design

    specs, problems = [], []
    for i, text in enumerate(texts):
        where = f"--design[{i + 1}]"
        raw: object = text.strip()
        if isinstance(raw, str) and raw.startswith("{"):
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError as e:
                problems.append(Problem(where, f"{text!r} is not valid JSON: {e.msg} at column {e.colno}; give a "
                                               f'method name such as boin or an object such as \'{{"method": "crm", '
                                               f'"max_n": 18}}\' (quote it for the shell).'))
                continue
        try:
            specs.append(parse_design(raw, protocol, where))
        except ProtocolError as e:
            problems += e.problems
    if problems:
        raise ProtocolError(problems)
    return specs


def cmd_compare(args: argparse.Namespace) -> int:
    """Compare the protocol's design with others on common patients: each one's OCs and paired differences."""
    from .api import as_protocol, compare
    from .reports import comparison_as_csv, comparison_as_markdown

    try:
        protocol = as_protocol(args.protocol, args.trials, args.seed)
        others = design_specs(args.design, protocol) if args.design else None
        d = compare(protocol, others, method=_method(args), cache=args.cache, benchmark=args.benchmark).to_dict()
    except ProtocolError as e:
        return _fail_run(args.protocol, e, "compared", args.exact)
    text = {"json": lambda: json.dumps(d, indent=2) + "\n", "csv": lambda: comparison_as_csv(d),
            "md": lambda: comparison_as_markdown(d)}[args.format]()
    return _emit(d["warnings"], text, args.out)


def cmd_study(args: argparse.Namespace) -> int:
    """Run a design study: every scenario × design × setting; the summary on standard output, the tidy rows in
    --out, the heat map in --heatmap."""
    from .api import StudyResult, progress_printer
    from .core.study import MissingExtra, load_study, run_study

    if args.workers is not None and args.workers < 1:
        return _fail(f"--workers {args.workers}: give a number of worker processes of at least 1.")
    if args.heatmap and not args.heatmap.lower().endswith((".html", ".htm")):
        return _fail(f"--heatmap {args.heatmap}: the heat map is an HTML page; give a file name ending in .html.")
    try:
        s = load_study(args.study)
        result = StudyResult(run_study(s, out=args.out, workers=args.workers, scheduler=args.scheduler,
                                       resume=args.resume, on_progress=None if args.quiet else progress_printer()))
    except ProtocolError as e:
        return _fail_protocol(args.study, e, "run")
    except MissingExtra as e:
        return _fail(str(e))
    except OSError as e:
        where = f"the Dask scheduler at {args.scheduler}" if args.scheduler else (args.out or "a file")
        return _fail(f"cannot reach or write {where}: {e}")
    if args.heatmap:
        try:
            result.heatmap(args.heatmap)
        except OSError as e:
            return _fail(f"cannot write {args.heatmap}: {e.strerror}")
    text = {"md": result.to_markdown, "json": lambda: json.dumps(result.to_dict(), indent=2) + "\n",
            "csv": result.to_csv}[args.format]()
    return _emit([], text, None)


def cmd_designs(args: argparse.Namespace) -> int:
    """List every design with its options, defaults and meaning."""
    from .core.designs import design_classes
    from .reports import designs_as_json, designs_as_text

    classes = list(design_classes().values())
    if args.format == "json":
        print(json.dumps(designs_as_json(classes), indent=2))
    else:
        sys.stdout.write(designs_as_text(classes, markdown=args.format == "md"))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the explorer app (and the teaching notebooks) with Voila."""
    from .server import ServeOptions, serve

    if args.protocol:
        from .core.protocol_file import load_protocol

        try:
            load_protocol(args.protocol)
        except ProtocolError as e:
            return _fail_protocol(args.protocol, e, "used")
    return serve(ServeOptions(protocol=args.protocol, host=args.host, port=args.port, pool=args.pool,
                              cull_idle=args.cull_idle, cache=args.cache, open_browser=not args.no_browser))


def cmd_table(args: argparse.Namespace) -> int:
    """An interval design's decision table, or (with --outcomes, or for other designs) the one-step transitions."""
    import numpy as np

    from .core.errors import OutcomeStringError
    from .core.protocol_file import load_protocol
    from .core.tables import decision_table, has_decision_table
    from .core.transitions import one_step, transitions_text

    try:
        protocol = load_protocol(args.protocol)
    except ProtocolError as e:
        return _fail_protocol(args.protocol, e, "used")
    if len(protocol.arms) != 1:
        return _fail(f"{args.protocol}: `table` works on one-arm protocols; this one has two arms.")
    arm = protocol.arms[0]
    design = arm.build_design(protocol.target)
    labels = arm.labels
    if args.outcomes is None and has_decision_table(design):
        table = decision_table(design)
        if args.format == "json":
            text = json.dumps({"target": protocol.target, "design": arm.design.to_json(), **table.to_dict()},
                              indent=2) + "\n"
        else:
            text = (f"{design.title}, target {protocol.target}: decisions by patients and DLTs at the current dose"
                    "\n\n" + (table.as_markdown() if args.format == "md" else table.as_text()))
        sys.stdout.write(text)
        return 0
    try:
        steps = one_step(design, args.outcomes or "", np.asarray(arm.truth))
    except OutcomeStringError as e:
        return _fail(f"--outcomes {args.outcomes!r} cannot be used: {e}")
    if args.format == "json":
        sys.stdout.write(json.dumps({"target": protocol.target, "design": arm.design.to_json(),
                                     "doses": labels, **steps.to_dict()}, indent=2) + "\n")
    else:
        sys.stdout.write(transitions_text(steps, labels, markdown=args.format == "md"))
    return 0


def _pick_arm(protocol: Protocol, name: str | None, path: str) -> tuple[Arm | None, str | None]:
    """The arm a per-arm command works on: (the arm, or None with an error message).

    `--arm` matches an arm's name, or the start of one, ignoring case ("A" picks "A (systemic)")."""
    if len(protocol.arms) == 1:
        return (None, f"--arm {name!r}: {path} has one arm; leave --arm out.") if name is not None else \
            (protocol.arms[0], None)
    names = ", ".join(f'"{a.name}"' for a in protocol.arms)
    if name is None:
        return None, (f"{path} has two arms ({names}); pick one with --arm NAME (a name or its start, e.g. "
                      f"--arm {str(protocol.arms[0].name).split()[0]!r}).")
    key = name.strip().lower()
    exact = [a for a in protocol.arms if str(a.name).lower() == key]
    found = exact or [a for a in protocol.arms if str(a.name).lower().startswith(key)]
    if len(found) != 1:
        why = "matches both arms" if found else "is not an arm"
        return None, f"--arm {name!r} {why} of {path}; its arms are {names}."
    return found[0], None


def cmd_pathways(args: argparse.Namespace) -> int:
    """Dose-transition pathways: every outcome of the next 1-3 cohorts and the design's dose after each."""
    import numpy as np

    from .core import pathways as paths
    from .core.errors import OutcomeStringError
    from .core.protocol_file import load_protocol

    try:
        protocol = load_protocol(args.protocol)
    except ProtocolError as e:
        return _fail_protocol(args.protocol, e, "used")
    arm, problem = _pick_arm(protocol, args.arm, args.protocol)
    if arm is None:
        return _fail(str(problem))
    warnings = []
    if protocol.arm_design is not None and protocol.arm_design.mode != "independent":
        warnings.append(f"the pathways follow the design of Arm {arm.name} on its own; the "
                        f"{protocol.arm_design.mode} arm design's rules between the arms (and any overall cap) "
                        "are not applied.")
    design = arm.build_design(protocol.target)
    labels = arm.labels
    try:
        p = paths.pathways(design, args.outcomes or "", args.cohorts, np.asarray(arm.truth))
    except OutcomeStringError as e:
        return _fail(f"--outcomes {args.outcomes!r} cannot be used: {e}")
    arm_text = "" if arm.name is None else f", Arm {arm.name}"
    where = f"after {p.history}" if p.history else "from the start"
    cohorts = f"the next {args.cohorts} cohorts" if args.cohorts > 1 else "the next cohort"
    head = (f"{design.title}{arm_text}, target {protocol.target}: dose-transition pathways for {cohorts} {where}; "
            f"probabilities under the truth {list(arm.truth)}")
    tree = args.layout == "tree"
    if args.format == "json":
        text = json.dumps({"target": protocol.target, "design": arm.design.to_json(), "arm": arm.name,
                           "doses": labels, "truth": list(arm.truth), **p.to_dict()}, indent=2) + "\n"
    elif args.format == "csv":
        text = paths.tree_csv(p) if tree else paths.table_csv(p)
    elif args.format == "md":
        body = (paths.tree_markdown(p, labels) if tree
                else paths.table_markdown(p) + "\n" + paths.legend(p, labels).replace("\n", "\n\n") + "\n")
        text = f"{head}.\n\n{body}"
    else:
        body = paths.tree_text(p, labels) if tree else paths.table_text(p) + "\n" + paths.legend(p, labels) + "\n"
        text = f"{head}.\n\n{body}"
    return _emit(warnings, text, None)


def cmd_report(args: argparse.Namespace) -> int:
    """The statistical section of a protocol as a report: HTML, Markdown or Word by the --out file's extension."""
    from .core.protocol_file import load_protocol
    from .statistical_section import MissingExtra, build_report, format_of, require, study_for

    try:
        require(format_of(args.out))
    except (ValueError, MissingExtra) as e:
        return _fail(f"--out {e}" if isinstance(e, ValueError) else str(e))
    try:
        protocol = load_protocol(args.protocol)
    except ProtocolError as e:
        return _fail_protocol(args.protocol, e, "used")
    study = None
    if args.study:
        try:
            study = study_for(protocol, args.study)
        except ProtocolError as e:
            return _fail_protocol(args.study, e, f"used with {args.protocol}")
    try:
        report = build_report(protocol, study, file=args.protocol, study_file=args.study, out=Path(args.out).name)
    except ProtocolError as e:
        return _fail_run(args.protocol, e, "reported", False)
    try:
        report.save(args.out)
    except OSError as e:
        return _fail(f"cannot write {args.out}: {e.strerror}")
    warnings = report.document.data["simulate"]["warnings"]
    return _emit(warnings, f"phase1-explorer: wrote {args.out}\n", None)


def _method(args: argparse.Namespace) -> str | None:
    """--exact or --monte-carlo, or None for the protocol's own method."""
    return "exact" if args.exact else "monte-carlo" if args.monte_carlo else None


def _run_arguments(p: argparse.ArgumentParser, exact_help: str, monte_carlo_help: str) -> None:
    """The options of a command that runs a protocol: --trials, --seed, --exact | --monte-carlo, --out, --format."""
    p.add_argument("--trials", type=int, help="number of simulated trials (overrides the file)")
    p.add_argument("--seed", type=int, help="random seed (overrides the file)")
    m = p.add_mutually_exclusive_group()
    m.add_argument("--exact", action="store_true", help=exact_help)
    m.add_argument("--monte-carlo", action="store_true", help=monte_carlo_help)
    p.add_argument("--out", help="write to this file instead of standard output")
    p.add_argument("--cache", metavar="DIR", help="reuse results stored in this folder, and store new ones there "
                                                 "(the same protocol and seed give the same numbers)")
    p.add_argument("--format", choices=("json", "csv", "md"), default="json", help="output format (default json)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    from .server import DEFAULT_CULL_IDLE, DEFAULT_POOL  # constants only: the server's imports wait for `serve`

    parser = argparse.ArgumentParser(
        prog="phase1-explorer",
        description="Design phase I dose-escalation trials and see their operating characteristics.")
    sub = parser.add_subparsers(dest="command", required=True,
                                metavar="{serve,simulate,compare,study,designs,table,pathways,report}")

    p = sub.add_parser("serve", help="serve the explorer app in the browser (Voila), for one person or a room",
                       description="Serve the explorer (and the teaching notebooks) with Voila. For a room: "
                                   "--host 0.0.0.0 and give participants the address printed.")
    p.add_argument("protocol", nargs="?", help="a protocol JSON file to open (default: the CAR4SAR preset)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every network)")
    p.add_argument("--port", type=int, default=8866, help="port to serve on (default 8866)")
    p.add_argument("--pool", type=int, default=DEFAULT_POOL, metavar="N",
                   help=f"preheated kernels kept ready, each ~0.2 GB (default {DEFAULT_POOL}: a room opening its "
                        f"pages together)")
    p.add_argument("--cull-idle", type=int, default=DEFAULT_CULL_IDLE, metavar="SECONDS",
                   help=f"free a kernel whose page is gone after this long without activity (default "
                        f"{DEFAULT_CULL_IDLE}; 0: never)")
    p.add_argument("--cache", metavar="DIR", help="result cache folder shared by the kernels (default: a temporary "
                                                  "folder of this server)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("simulate", help="operating characteristics of a protocol file")
    p.add_argument("protocol", help="the protocol JSON file")
    _run_arguments(p, "exact enumeration (an error if not feasible)", "Monte Carlo simulation")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("compare", help="compare designs on common patients: OCs and paired differences",
                       description="Run the protocol's design (the reference, first) and other designs on the same "
                                   "simulated patients; report each design's OCs and its paired differences from the "
                                   "reference with standard errors (exact, with no error, when every design can be "
                                   "enumerated).")
    p.add_argument("protocol", help="the protocol JSON file (its design is the reference)")
    p.add_argument("--design", action="append", metavar="SPEC",
                   help='a design to compare: a method name (boin) or a JSON object (\'{"method": "crm", '
                        '"max_n": 18}\'); repeat for several. Default: the protocol\'s "compare" list. Messages '
                        "name them --design[1], --design[2], ...")
    p.add_argument("--benchmark", action="store_true",
                   help="add the non-parametric optimal benchmark (O'Quigley, Paoletti & Maccario 2002) on the same "
                        "patients, and each design's PCS as a fraction of its PCS (one arm); a reference for how "
                        "much room a design leaves, not a strict bound in every scenario")
    _run_arguments(p, "exact enumeration (an error if not feasible for a design)", "Monte Carlo on common patients")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("study", help="many scenarios x designs x settings in one run, with the optimal benchmark",
                       description="Run a study file (a protocol file with a \"study\" object: scenarios, designs, "
                                   "vary) cell by cell: designs on common patients within each scenario and setting, "
                                   "each task's seed from the study's seed and the task itself (the same numbers "
                                   "however it is run), the non-parametric optimal benchmark beside them (a "
                                   "reference, not a strict bound). Prints a summary per design across scenarios.")
    p.add_argument("study", help="the study JSON file")
    p.add_argument("--out", help="write the tidy rows (cell, scenario, design, settings..., metric, level, value, "
                                 "stderr) here as cells finish: FILE.csv or FILE.parquet (needs pyarrow)")
    w = p.add_mutually_exclusive_group()
    w.add_argument("--workers", type=int, metavar="N", help="run on a local Dask cluster of N worker processes "
                                                            "(pip install 'phase1-explorer[study]')")
    w.add_argument("--scheduler", metavar="ADDRESS", help="run on an existing Dask cluster, e.g. tcp://HOST:8786 "
                                                          "(its workers need phase1-explorer installed)")
    p.add_argument("--resume", action="store_true", help="keep the cells already complete in --out and run the rest")
    p.add_argument("--heatmap", metavar="FILE.html", help="write the design x scenario heat map (PCS and overdose "
                                                          "selection) as a standalone HTML page")
    p.add_argument("--format", choices=("md", "json", "csv"), default="md", help="summary format (default md)")
    p.add_argument("--quiet", action="store_true", help="no progress line on standard error")
    p.set_defaults(func=cmd_study)

    p = sub.add_parser("designs", help="every design with its options, defaults and meaning")
    p.add_argument("--format", choices=("text", "md", "json"), default="text", help="output format (default text)")
    p.set_defaults(func=cmd_designs)

    p = sub.add_parser("table", help="decision table of an interval design, or one-step transitions after outcomes")
    p.add_argument("protocol", help="the protocol JSON file")
    p.add_argument("--outcomes", help='trial so far as an outcome string, e.g. "1NNN 2NTN": list each outcome of '
                   "the next cohort and what the design does after it")
    p.add_argument("--format", choices=("text", "json", "md"), default="text", help="output format (default text)")
    p.set_defaults(func=cmd_table)

    p = sub.add_parser("pathways", help="dose-transition pathways: every outcome of the next 1-3 cohorts and the "
                                        "design's dose after each",
                       description="Every outcome of the next 1-3 cohorts and the design's dose after each (stop "
                                   "where the design stops, with the dose it selects), from the start or after the "
                                   "trial so far, with each path's probability under the protocol's truth. Layout "
                                   "table: dtpcrm's wide table (D0, T1, D1, ...; one row per path); tree: one node "
                                   "per cohort outcome, as escalation's get_dose_paths.")
    p.add_argument("protocol", help="the protocol JSON file")
    p.add_argument("--cohorts", type=int, choices=(1, 2, 3), default=3, help="how many cohorts ahead (default 3)")
    p.add_argument("--outcomes", help='the trial so far as an outcome string, e.g. "1NNN 2NTN" (default: the start)')
    p.add_argument("--arm", help="two-arm protocols: the arm (a name, or its start) whose design and truth to use; "
                                 "the rules between the arms are not applied")
    p.add_argument("--layout", choices=("table", "tree"), default="table",
                   help="text, md and csv: the wide table or the tree (json gives both; default table)")
    p.add_argument("--format", choices=("text", "md", "json", "csv"), default="text",
                   help="output format (default text)")
    p.set_defaults(func=cmd_pathways)

    p = sub.add_parser("report", help="the statistical section of a protocol: design text, decision table or "
                                      "pathways, OCs with figures, references, reproducibility (HTML, Markdown, Word)",
                       description="Write the statistical section of a protocol: a paragraph per design with its "
                                   "literature references, the decision table or the dose-transition pathways of the "
                                   "first cohorts, the operating characteristics (the numbers of `simulate`) with "
                                   "figures, and how to reproduce them. The format comes from the --out file's "
                                   "extension: .html (standalone, opens offline), .md or .docx (Word tables). Needs "
                                   "pip install 'phase1-explorer[report]'.")
    p.add_argument("protocol", help="the protocol JSON file")
    p.add_argument("--study", metavar="STUDY.json",
                   help="a study file whose \"study\" object (scenarios, designs, vary) is run on this protocol; its "
                        "OCs over every scenario are added")
    p.add_argument("--out", required=True, metavar="FILE", help="the report: FILE.html, FILE.md or FILE.docx")
    p.set_defaults(func=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args: Any = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
