"""The statistical section of a protocol as a report (HTML, Markdown or Word): the design in words with its
references, its decision table and dose-transition pathways, the operating characteristics over the scenarios with
figures, and how to reproduce them. One module per job: design_text (the design in words), tables, figures
(matplotlib), content (the Document), html, markdown, docx (the writers), reproduce (commands and Python call).

Needs the `report` extra (matplotlib; python-docx for Word): pip install 'phase1-explorer[report]'.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.study.execute import MissingExtra

if TYPE_CHECKING:
    from ..core.protocol import Protocol
    from ..core.study.spec import Study
    from .document import Document

EXTRA = "pip install 'phase1-explorer[report]'"
#: The report's formats by file extension.
FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".docx": "docx"}


def format_of(path: str | Path) -> str:
    """The report format a file name asks for ("html", "md", "docx"); ValueError for any other extension."""
    ext = Path(path).suffix.lower()
    if ext not in FORMATS:
        raise ValueError(f"{path}: the report's format comes from the file name; end it in .html, .md or .docx.")
    return FORMATS[ext]


def require(fmt: str) -> None:
    """Raise MissingExtra (naming the extra) when what this format needs is not installed."""
    needs = [("matplotlib", "matplotlib")] + ([("docx", "python-docx")] if fmt == "docx" else [])
    missing = [name for module, name in needs if importlib.util.find_spec(module) is None]
    if missing:
        raise MissingExtra(f"the {fmt} report needs {' and '.join(missing)}, in the report extra: {EXTRA}")


@dataclass(frozen=True)
class Report:
    """A protocol's report, ready to write in any of the formats."""

    document: Document

    def to_html(self) -> str:
        """A standalone HTML page (figures inline as SVG; opens offline)."""
        from .html import to_html

        return to_html(self.document)

    def to_markdown(self) -> str:
        """Markdown (figures as PNG data URIs)."""
        from .markdown import to_markdown

        return to_markdown(self.document)

    def to_docx(self) -> bytes:
        """A Word document's bytes (real Word tables, PNG figures)."""
        require("docx")
        from .docx import to_docx

        return to_docx(self.document)

    def render(self, fmt: str) -> bytes:
        """The report in a format ("html", "md", "docx") as bytes."""
        if fmt == "docx":
            return self.to_docx()
        return (self.to_html() if fmt == "html" else self.to_markdown()).encode("utf-8")

    def save(self, path: str | Path) -> Path:
        """Write the report in the format of the file's extension."""
        path = Path(path)
        path.write_bytes(self.render(format_of(path)))
        return path


def study_for(protocol: Protocol, study: Study | str | Path | dict[str, Any]) -> Study:
    """The study a report runs: the "study" object of a study file (its scenarios, designs and settings) applied to
    this protocol; a Study is taken as it is."""
    from ..core.protocol_file import read_bytes, read_json
    from ..core.study.spec import Study, study_from_dict

    if isinstance(study, Study):
        return study
    raw = study if isinstance(study, dict) else read_json(read_bytes(study), str(study))
    spec = raw.get("study") if isinstance(raw, dict) else None
    return study_from_dict({**protocol.to_dict(), **({"study": spec} if spec is not None else {})})


def build_report(protocol: Protocol, study: Study | str | Path | dict[str, Any] | None = None, *,
                 file: str = "protocol.json", study_file: str | None = None, out: str = "report.html") -> Report:
    """The report of a validated protocol: its numbers from explorer.api (simulate; compare with a "compare" list;
    study with a study), `file`, `study_file` and `out` name the files in the reproducibility block."""
    from .. import api
    from .content import build

    require("html")
    result = api.simulate(protocol).to_dict()
    comparison = api.compare(protocol).to_dict() if protocol.compare else None
    ran = None
    if study is not None:
        s = study_for(protocol, study)
        res = api.study(s)
        ran = (s, res.summary, res.rows, res.columns)
    return Report(build(protocol, result, comparison=comparison, study=ran, file=file, study_file=study_file,
                        out=out))


__all__ = ["EXTRA", "FORMATS", "MissingExtra", "Report", "build_report", "format_of", "require", "study_for"]
