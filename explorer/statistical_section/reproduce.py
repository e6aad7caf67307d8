"""How to get the numbers again: the command line and the Python call for a protocol file (the report's
reproducibility block and the app's Reproduce panel say the same)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from ..core.protocol import Protocol


@dataclass(frozen=True)
class Recipe:
    """The commands and the Python call that reproduce a protocol's numbers, given the protocol saved as `file`."""

    file: str
    command: str  # the numbers: simulate (one design) or compare (several, on common patients)
    report_command: str
    python: str


def recipe(protocol: Protocol, file: str, study_file: str | None = None, out: str = "report.html") -> Recipe:
    """The recipe for a protocol saved as `file` (and, for a report, a study file and the report's name)."""
    verb = "compare" if protocol.compare else "simulate"
    q = shlex.quote(file)
    command = f"phase1-explorer {verb} {q} --format md"
    study = f" --study {shlex.quote(study_file)}" if study_file else ""
    report_command = f"phase1-explorer report {q}{study} --out {shlex.quote(out)}"
    study_arg = f", study={study_file!r}" if study_file else ""
    python = (f"import explorer\n\nresult = explorer.{verb}({file!r})\nprint(result.to_dict())\n"
              f"explorer.report({file!r}{study_arg}, out={out!r})\n")
    return Recipe(file, command, report_command, python)
