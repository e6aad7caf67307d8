"""The explorer app: builds the controls and the views and wires them (controls → protocol → pipeline → OCs → views).
Reading the controls, routing problems, computing, drawing, the per-design panels, the title, the preset menu and
the notes each live in their own module."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import ipywidgets as W

from ..core.errors import Problem, ProtocolError
from ..core.pipeline import Snapshot
from ..core.protocol import Candidate, Protocol
from ..presets import ORDER, find_preset
from .controls.files import FileControls
from .drawing import SnapshotDrawing
from .layout import PageLayout
from .messages import as_html
from .preset_menu import PresetMenu
from .progress import Status
from .protocol_form import ProtocolForm
from .protocols_in import ProtocolsIn, preset_protocol
from .refinement import Refinement
from .titles import TitleFollower
from .words import design_name


class ExplorerApp(ProtocolsIn):
    """The whole app; `widget` is what the notebook displays. Set control values and read the views' sources."""

    def __init__(self, protocol: Protocol | None = None, theme: str = "light", preset: str | None = None) -> None:
        self.theme = theme
        self.opened_preset = preset  # key or title as asked (None: the default), to tell whether a page wants another
        key = find_preset(preset) or ORDER[0]
        self.form = f = ProtocolForm.showing(preset_protocol(key).arms)
        self.title, self.arms, self.ladder, self.truth, self.truth_b = f.title, f.arms, f.ladder, f.truth, f.truth_b
        self.settings, self.designs, self.clock = f.settings, f.designs, f.clock
        self.presets = PresetMenu(key)
        self.preset = self.presets.menu
        self.titles = TitleFollower(self.title)
        self.files, self.status, self.general_message = FileControls(), Status(), W.HTML("")
        self.drawing = d = SnapshotDrawing(theme, self.files, self.status)
        self.views, self.panels, self.notes, self.time_panel = d.views, d.panels, d.notes, d.time_panel
        self.pathways_panel, self.report_panel = d.pathways_panel, d.report_panel
        self.walkthrough, self.decision_view, self.next_view = self.panels.walkthrough, self.panels.decision, \
            self.panels.next
        self.refinement = Refinement(self._draw, self.status.progress)

        self.recomputes = 0
        self.protocol: Protocol | None = None  # the last valid protocol
        self.candidates: tuple[Candidate, ...] = ()
        self.names: list[str] = []  # the candidates' designs as users know them
        self.snapshot: Snapshot | None = None
        self.problems: list[Problem] = []
        self._batch = False

        self.ladder.on_change(self._on_ladder)
        for control in (self.truth, self.truth_b, self.designs):
            control.on_change(self.recompute)
        self.arms.on_change(self._on_arms)
        self.clock.on_change(self._on_arms)  # the clock's tabs come and go as the arms' do
        self.settings.on_change(self._on_settings)
        self.views.truth.on_drag(lambda arm, level, value: (self.truth, self.truth_b)[arm].set_one(level, value))
        self.files.on_upload(self.upload)
        self.presets.on_pick(self.apply_preset)
        self.titles.on_typed(self.recompute)

        # Compute before wrapping the Bokeh layouts: a BokehModel sends its state when built, and patches sent
        # before the page has connected are lost.
        self.refinement.background = False
        if protocol is not None:
            self.apply_protocol(protocol)
        else:
            self.apply_preset(key)
        self.refinement.background = True
        header = [[self.preset, self.title, self.files.widget], [self.status.widget, self.presets.note],
                  [self.files.message, self.general_message]]
        self.layout = PageLayout(theme, header, self.form, self.drawing)
        self._arrange()
        self.widget = self.layout.widget

    def refresh(self) -> None:
        """Send every plot's whole state to the page (see PageLayout.refresh)."""
        self.layout.refresh()

    # ---- computing -----------------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[None]:
        """Change many controls with one recompute at the end."""
        self._batch = True
        try:
            yield
        finally:
            self._batch = False
        self.recompute()

    def recompute(self) -> None:
        """Validate the controls and show the quick answer now; refine in the background (stale work is dropped)."""
        if self._batch:
            return
        self.recomputes += 1
        self.refinement.stop()
        self.titles.follow([design_name(m) for m in self.designs.picked()])
        protocol, problems = self.form.protocol()
        if protocol is None:
            self._show_problems(problems)
            self.status.done()
            self.status.say("⚠ Fix the input marked in red; the plots keep the last valid results.", "p1x-error")
            return
        candidates = protocol.candidates()
        if protocol.method == "exact":  # the enumeration may take seconds: say so first
            self.status.say("Enumerating every outcome (exact, as chosen under Compute)…")
        try:
            snap = self.refinement.start(protocol, candidates)
        except ProtocolError as e:
            self._show_problems(e.problems)
            self.status.say("⚠ " + "; ".join(p.message for p in e.problems), "p1x-error")
            return
        self._show_problems([], protocol.warnings)
        self.presets.follow(protocol)
        self.protocol, self.candidates = protocol, candidates
        self.names = [design_name(c.method) for c in candidates]
        self._draw(snap, first=True)
        self.refinement.resume()

    def _draw(self, snap: Snapshot, first: bool = False) -> None:
        assert self.protocol is not None
        self.snapshot = snap
        self.drawing.draw(self.protocol, self.candidates, self.names, snap, first)

    def _show_problems(self, problems: list[Problem], warnings: tuple = ()) -> None:
        self.general_message.value = as_html(self.form.show_problems(problems, warnings))
        self.problems = problems

    # ---- reacting to controls ------------------------------------------------------------
    def _arrange(self) -> None:
        two = self.arms.two
        names = self.arms.names()
        self.truth.set_title(f"Arm {names[0]}" if two else "")
        self.truth_b.set_title(f"Arm {names[1]}")
        self.truth_b.widget.layout.display = "" if two else "none"
        if hasattr(self, "layout"):
            self.layout.arrange(two, self.protocol is not None and self.protocol.time is not None)

    def _on_ladder(self, kind: str) -> None:
        if self.form.follow_ladder(kind):
            with self.batch():
                self.settings.start_dose.value = self.settings.start_dose.value + 1
            return
        self.recompute()

    def _on_settings(self) -> None:
        for truth in (self.truth, self.truth_b):
            truth.set_target(self.settings.target.value)
        self.recompute()

    def _on_arms(self) -> None:
        self.recompute()
        if not self._batch:  # a batch (preset, upload) arranges after its recompute
            self._arrange()  # after recomputing, so plots coming onto the page carry the new results

