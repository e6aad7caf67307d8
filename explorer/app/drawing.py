"""Drawing a pipeline snapshot on the page: the result views and the clock's, the notes under them, the panels that
follow a new protocol, the download links once the result is final, and the status line."""

from __future__ import annotations

from ..core.errors import EXACT_OVER_AUTO_BUDGET
from ..core.outputs import trial_dict
from ..core.pipeline import Snapshot
from ..core.protocol import Candidate, Protocol
from ..reports import result_as_csv
from .controls.files import FileControls
from .design_panels import DesignPanels
from .exports import file_stem, with_design_column
from .pathways_panel import PathwaysPanel
from .progress import Status
from .report_panel import ReportPanel
from .result_notes import ResultNotes
from .result_views import ResultViews
from .time_panel import TimePanel, clock_notes

NOTE_WORDS = {EXACT_OVER_AUTO_BUDGET: "Choose exact under Compute to enumerate anyway (slower)."}


class SnapshotDrawing:
    """Everything on the page that shows a result; `draw` shows one snapshot of one protocol's candidates."""

    def __init__(self, theme: str, files: FileControls, status: Status) -> None:
        self.files, self.status = files, status
        self.views, self.panels, self.notes = ResultViews(theme), DesignPanels(), ResultNotes()
        self.pathways_panel, self.report_panel = PathwaysPanel(), ReportPanel()
        self.time_panel = TimePanel(theme)

    def draw(self, protocol: Protocol, candidates: tuple[Candidate, ...], names: list[str], snap: Snapshot,
             first: bool = False) -> None:
        """Draw a snapshot (names: the candidates' designs as users know them; first: the protocol is new, so the
        panels that follow it are redrawn too)."""
        assert snap.ocs is not None
        designs = [protocol.arms[0].build_design(protocol.target, c.designs[0]) for c in candidates]
        cap = protocol.arm_design.max_total if protocol.arm_design is not None else None
        max_ns = [min(d.max_n, cap or d.max_n) for d in designs]  # with two arms, an overall cap may be lower
        self.views.draw(protocol, names, snap, designs[0].acceptable_interval(), max_ns)
        self.time_panel.draw(protocol, names, snap)
        means = [o.joint.sample_size if o.joint is not None else o.arms[0].sample_size for o in snap.ocs]
        self.notes.show(names, max_ns, means, designs, list(protocol.arms[0].labels))
        if first:
            self.panels.show(protocol, candidates, names)
            self.pathways_panel.show(protocol, candidates, names)
            self.report_panel.show(protocol, file_stem(protocol))
            self.time_panel.show(protocol, candidates, names)
        if snap.finished:
            self.status.done()
            blocks = [result_as_csv(trial_dict(protocol, oc, c)) for c, oc in zip(candidates, snap.ocs)]
            self.files.set_links(protocol.to_json(), with_design_column([c.method for c in candidates], blocks),
                                 file_stem(protocol))
        self.status.showing(names, snap.done, snap.total,
                            [NOTE_WORDS.get(n.code, n.message) for n in clock_notes(protocol, snap.notes)])

