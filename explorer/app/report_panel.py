"""The report panel: *Reproduce* (the command and the Python call that give the numbers on screen, with the protocol
JSON they read) and *Download report* (the statistical section as HTML and Word, built on request: it takes a few
seconds)."""

from __future__ import annotations

import html

import ipywidgets as W

from ..core.protocol import Protocol
from ..statistical_section import MissingExtra, build_report, require
from ..statistical_section.reproduce import Recipe, recipe
from .controls.files import download_link

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _code(text: str, css: str) -> str:
    return (f'<pre class="{css}" style="white-space:pre-wrap;margin:2px 0 8px;padding:6px;font-size:12px;'
            f'font-family:monospace">{html.escape(text)}</pre>')


class ReportPanel:
    """`show(protocol, stem)` after each new protocol; `prepare()` builds the report files (the button does)."""

    def __init__(self) -> None:
        self.button = W.Button(description="Prepare the report (HTML and Word)", icon="file-text",
                               layout=W.Layout(width="auto")).add_class("p1x-report-button")
        self.links = W.HTML("").add_class("p1x-report-links")
        self.reproduce = W.HTML("").add_class("p1x-reproduce")
        self.protocol: Protocol | None = None
        self.stem = "protocol"
        self.recipe: Recipe | None = None
        self.button.on_click(lambda _: self.prepare())
        intro = W.HTML('<span class="p1x-note">The statistical section for the protocol: the design in words with '
                       "its references, the decision table or pathways, the operating characteristics (the numbers "
                       "on screen) with figures, and how to reproduce them. Standalone files: they open offline."
                       "</span>")
        self.widget = W.VBox([W.HTML("<b>Download report</b>"), intro,
                              W.HBox([self.button, self.links], layout=W.Layout(align_items="center",
                                                                                 flex_flow="row wrap")),
                              W.HTML("<b>Reproduce</b>"), self.reproduce]).add_class("p1x-report")

    def show(self, protocol: Protocol, stem: str) -> None:
        """The current protocol (its file name stem as the protocol download names it): new commands, and the
        report links of the previous protocol cleared."""
        if protocol == self.protocol and stem == self.stem:
            return
        self.protocol, self.stem = protocol, stem
        self.links.value = ""
        r = self.recipe = recipe(protocol, f"{stem}.json", out=f"{stem}-report.html")
        self.reproduce.value = (
            f'<span class="p1x-note">Save the protocol (the ⬇ protocol link at the top, {html.escape(r.file)}) and '
            "run, from the folder where it is (the same protocol and seed give the same numbers on every machine; "
            "with Monte Carlo, the numbers once the status says done):</span>"
            + _code(r.command, "p1x-reproduce-command") + '<span class="p1x-note">From Python:</span>'
            + _code(r.python, "p1x-reproduce-python") + '<span class="p1x-note">The report itself:</span>'
            + _code(r.report_command, "p1x-reproduce-report")
            + f'<span class="p1x-note">The protocol ({html.escape(r.file)}):</span>'
            + _code(protocol.to_json(), "p1x-reproduce-json"))

    def prepare(self) -> None:
        """Build the report for the current protocol and offer it as HTML and Word."""
        if self.protocol is None:
            return
        try:
            require("docx")
        except MissingExtra as e:
            self.links.value = f'<span class="p1x-error">{html.escape(str(e))}</span>'
            return
        self.button.disabled = True
        self.links.value = '<span class="p1x-note">Preparing the report…</span>'
        try:
            report = build_report(self.protocol, file=f"{self.stem}.json", out=f"{self.stem}-report.html")
            self.links.value = (download_link(report.to_html(), f"{self.stem}-report.html", "text/html",
                                              "report (HTML)")
                                + download_link(report.to_docx(), f"{self.stem}-report.docx", DOCX,
                                                "report (Word)"))
        finally:
            self.button.disabled = False
