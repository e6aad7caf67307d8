"""The Python API: the calls behind every result of the command line and the app.

    import explorer
    protocol = explorer.load_protocol("examples/car4sar-arm-a.json")
    result = explorer.simulate(protocol)          # exact where feasible, else Monte Carlo
    print(result.oc.pcs, result.to_markdown())
    explorer.pathways(protocol, cohorts=2)          # dose-transition pathways of the first cohorts
    explorer.report(protocol, out="report.docx")    # the statistical section (pip install 'phase1-explorer[report]')

Every function takes a Protocol, a protocol file's path, or a protocol object (a dict as in a protocol file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .core import pipeline
from .core.errors import Problem, ProtocolError
from .core.oc import JointOC, OperatingCharacteristics, TrialOC
from .core.outputs import candidate_labels, compare_dict, simulate_dict
from .core.pipeline import ResultCache, Snapshot
from .core.protocol import Candidate, DesignSpec, Protocol
from .core.protocol_file import load_protocol, loads_protocol
from .core.study.run import StudyTable
from .core.study.spec import Study
from .core.validation import parse_design, protocol_from_dict

if TYPE_CHECKING:
    from .core.pathways import Pathways
    from .statistical_section import Report

ProtocolLike = Protocol | str | Path | dict[str, Any]


def as_protocol(protocol: ProtocolLike, trials: int | None = None, seed: int | None = None) -> Protocol:
    """A validated Protocol from a Protocol, a file path or a protocol object; trials and seed override its own."""
    if isinstance(protocol, dict):
        p = protocol_from_dict(protocol)
    elif isinstance(protocol, (str, Path)):
        p = load_protocol(protocol)
    else:
        p = protocol
    changes = {k: v for k, v in (("trials", trials), ("seed", seed)) if v is not None}
    return p.with_changes(**changes) if changes else p


@dataclass(frozen=True)
class Result:
    """A protocol's operating characteristics, as `phase1-explorer simulate` reports them."""

    protocol: Protocol
    snapshot: Snapshot

    @property
    def trial(self) -> TrialOC:
        """Each arm's OCs and, with two arms, the joint ones."""
        assert self.snapshot.ocs is not None
        return self.snapshot.ocs[0]

    @property
    def oc(self) -> OperatingCharacteristics:
        """The (first) arm's OCs."""
        return self.trial.arms[0]

    @property
    def arms(self) -> tuple[OperatingCharacteristics, ...]:
        """Each arm's OCs."""
        return self.trial.arms

    @property
    def joint(self) -> JointOC | None:
        """What two arms do together (None for one arm)."""
        return self.trial.joint

    @property
    def method(self) -> str:
        """"exact" or "monte-carlo"."""
        return self.snapshot.method

    @property
    def notes(self) -> list[str]:
        """How the result was obtained, where it is worth saying (e.g. why Monte Carlo was used)."""
        return [n.message for n in self.snapshot.notes]

    def to_dict(self) -> dict[str, Any]:
        """The command line's JSON object (docs/contract.md)."""
        return simulate_dict(self.protocol, self.snapshot)

    def to_markdown(self) -> str:
        """A short Markdown report."""
        from .reports import result_as_markdown

        return result_as_markdown(self.to_dict())

    def to_csv(self) -> str:
        """A tidy CSV (metric, level, label, value, stderr)."""
        from .reports import result_as_csv

        return result_as_csv(self.to_dict())


@dataclass(frozen=True)
class Comparison:
    """Several designs on common patients: each one's OCs and its paired differences from the first."""

    protocol: Protocol
    candidates: tuple[Candidate, ...]
    snapshot: Snapshot

    @property
    def trials_oc(self) -> tuple[TrialOC, ...]:
        """Each design's OCs (every arm, and joint ones with two arms)."""
        assert self.snapshot.ocs is not None
        return self.snapshot.ocs

    @property
    def ocs(self) -> list[OperatingCharacteristics]:
        """Each design's (first arm's) OCs."""
        return [t.arms[0] for t in self.trials_oc]

    @property
    def differences(self) -> list[dict[str, tuple[float, float]]]:
        """Each design after the first: metric → (difference from the first, standard error)."""
        return list(self.snapshot.differences)

    @property
    def labels(self) -> list[str]:
        """Short unique names ("crm (max_n = 18)")."""
        return candidate_labels(self.protocol, self.candidates)

    @property
    def method(self) -> str:
        """"exact" when every design is exact, else "monte-carlo"."""
        return self.snapshot.method

    @property
    def trials(self) -> int | None:
        """Trials simulated (None when every design is exact)."""
        return next((t.trials for t in self.trials_oc if t.trials), None)

    @property
    def notes(self) -> list[str]:
        """How the results were obtained, where it is worth saying."""
        return [n.message for n in self.snapshot.notes]

    def to_dict(self) -> dict[str, Any]:
        """The command line's JSON object of `compare`."""
        return compare_dict(self.protocol, self.candidates, self.snapshot)


def simulate(protocol: ProtocolLike, *, method: str | None = None, trials: int | None = None,
             seed: int | None = None, cache: str | Path | None = None) -> Result:
    """The protocol's operating characteristics (method "auto", "exact" or "monte-carlo"; default the protocol's)."""
    p = as_protocol(protocol, trials, seed)
    return Result(p, pipeline.run(p, method=method, cache=ResultCache(cache) if cache else None))


def compare(protocol: ProtocolLike, designs: list[DesignSpec | str | dict[str, Any]] | None = None, *,
            method: str | None = None, trials: int | None = None, seed: int | None = None,
            cache: str | Path | None = None, benchmark: bool = False) -> Comparison:
    """The protocol's design against `designs` (default: its "compare" list) on common patients; with `benchmark`
    (one arm), the non-parametric optimal benchmark on the same patients too, a reference rather than a strict bound
    (Comparison.to_dict()["benchmark"], each design's "pcs_vs_benchmark")."""
    p = as_protocol(protocol, trials, seed)
    others = None if designs is None else [d if isinstance(d, DesignSpec) else parse_design(d, p) for d in designs]
    candidates = p.candidates(others)
    if len(candidates) < 2:
        raise ProtocolError(Problem("compare", 'nothing to compare the design with; give other designs (--design boin '
                                               'on the command line), or a "compare" list in the protocol.'))
    return Comparison(p, candidates, pipeline.run(p, candidates, method=method,
                                                  cache=ResultCache(cache) if cache else None, benchmark=benchmark))


@dataclass(frozen=True)
class StudyResult:
    """A design study's results: the tidy table (`rows`, `columns`) and its summary per design across scenarios."""

    table: StudyTable

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The tidy rows: cell, scenario, design, one column per varied setting, metric, level, value, stderr."""
        return self.table.rows

    @property
    def columns(self) -> list[str]:
        """The table's columns."""
        return self.table.columns

    @property
    def summary(self) -> dict[str, Any]:
        """Per design (and setting) across scenarios: mean and worst PCS, overdose selection, patients above the
        MTD, mean N, PCS / benchmark, rank; and the design × scenario matrices (`study --format json`)."""
        from .core.study import summarise

        arms = self.table.study.protocol.arms
        names = [f"arm {a.name}" for a in arms] if len(arms) > 1 else None
        return summarise(self.columns, self.rows, self.table.study.title, names)

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON."""
        return self.summary

    def to_markdown(self) -> str:
        """The summary as Markdown (what `phase1-explorer study` prints)."""
        from .core.study import as_markdown

        return as_markdown(self.summary)

    def to_csv(self) -> str:
        """The summary rows as CSV."""
        from .core.study import as_csv

        return as_csv(self.summary)

    def table_csv(self) -> str:
        """The tidy table as CSV (what --out results.csv holds)."""
        from .core.study.table import to_csv_text

        return to_csv_text(self.rows, self.columns)

    def heatmap(self, path: str | Path | None = None) -> str:
        """The design × scenario heat map (PCS and overdose selection) as a standalone HTML page (BokehJS inline,
        works offline); written to `path` when given."""
        from .heatmap import heatmap_html

        html = heatmap_html(self.summary)
        if path is not None:
            Path(path).write_text(html)
        return html


def study(study: Study | str | Path | dict[str, Any], *, out: str | Path | None = None, workers: int | None = None,
          scheduler: str | None = None, resume: bool = False, progress: bool = False) -> StudyResult:
    """Run a design study (a study file's path, its object, or a Study): every scenario × design × setting, designs
    on common patients within each scenario and setting, with the optimal benchmark beside them. In this process by
    default; `workers=N` on a local Dask cluster, `scheduler="tcp://HOST:8786"` on an existing one (pip install
    'phase1-explorer[study]'). `out` (.csv or .parquet) receives the rows as cells finish; `resume` keeps the cells
    already complete there. `progress` prints a progress line on standard error."""
    from .core.study import load_study, run_study, study_from_dict

    s = study if isinstance(study, Study) else study_from_dict(study) if isinstance(study, dict) else load_study(study)
    return StudyResult(run_study(s, out=out, workers=workers, scheduler=scheduler, resume=resume,
                                 on_progress=progress_printer() if progress else None))


def pathways(protocol: ProtocolLike, *, outcomes: str = "", cohorts: int = 3, arm: int | str | None = None,
             design: DesignSpec | str | dict[str, Any] | None = None) -> Pathways:
    """Dose-transition pathways: every outcome of the next `cohorts` (1-3) cohorts after `outcomes` (an outcome
    string such as "1NNN 2NTN"; "" for the start) and the design's dose after each ("stop" where it stops), with each
    path's probability under the arm's truth. `arm`: with two arms, its index or name (default the first; it is
    followed on its own, without the rules between the arms); `design`: another design than the arm's own. The
    result has `.rows()` (dtpcrm's wide table), `.nodes` (the tree) and `.to_dict()`."""
    from .core.pathways import pathways as dose_pathways

    p = as_protocol(protocol)
    if arm is None or isinstance(arm, int):
        chosen = p.arms[arm or 0]
    else:
        found = [a for a in p.arms if a.name is not None and str(a.name).lower().startswith(arm.strip().lower())]
        if len(found) != 1:
            names = ", ".join(repr(a.name) for a in p.arms)
            raise ProtocolError(Problem("arm", f"{arm!r} {'matches both arms' if found else 'is not an arm'}; the "
                                               f"arms are {names}."))
        chosen = found[0]
    spec = None if design is None else design if isinstance(design, DesignSpec) else parse_design(design, p)
    built = chosen.build_design(p.target, spec)
    return dose_pathways(built, outcomes, cohorts, np.asarray(chosen.truth))


def report(protocol: ProtocolLike, study: Study | str | Path | dict[str, Any] | None = None, *,
           out: str | Path | None = None, file: str | None = None) -> Report:
    """The statistical section of a protocol (`phase1-explorer report`): the design in words with its references,
    its decision table and dose-transition pathways, the OCs (the same numbers as `simulate`; with a study file, over
    its scenarios too) with figures, and how to reproduce them. Written to `out` when given (.html, .md or .docx);
    `file` names the protocol file in the reproducibility block (default: the path given, or protocol.json). Needs
    the report extra: pip install 'phase1-explorer[report]'."""
    from .statistical_section import build_report

    p = as_protocol(protocol)
    name = file or (str(protocol) if isinstance(protocol, (str, Path)) else "protocol.json")
    study_file = str(study) if isinstance(study, (str, Path)) else None
    r = build_report(p, study, file=name, study_file=study_file, out=Path(out).name if out else "report.html")
    if out is not None:
        r.save(out)
    return r


def progress_printer() -> Any:
    """A progress callback writing one line on standard error: rewritten in place on a terminal, else a line every
    10 seconds and at the end."""
    import sys
    import time

    tty = sys.stderr.isatty()
    last = [0.0]

    def show(p: Any) -> None:
        now = time.perf_counter()
        final = p.done >= p.total
        if tty:
            sys.stderr.write("\r" + p.line() + ("\n" if final else ""))
        elif final or now - last[0] >= 10:
            sys.stderr.write(p.line() + "\n")
            last[0] = now
        sys.stderr.flush()

    return show


__all__ = ["Comparison", "Result", "StudyResult", "as_protocol", "compare", "load_protocol", "loads_protocol",
           "pathways", "report", "simulate", "study"]
