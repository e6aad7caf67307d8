"""The explorer app: builds the controls and the views and wires them (controls → protocol → pipeline → OCs → views).
Reading the controls, routing problems, computing, drawing, the per-design panels, the title, the preset menu and
the notes each live in their own module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import ipywidgets as W

from ..core.errors import EXACT_OVER_AUTO_BUDGET, Problem, ProtocolError
from ..core.outputs import trial_dict
from ..core.pipeline import Snapshot
from ..core.protocol import Candidate, Protocol
from ..core.protocol_file import load_protocol, loads_protocol
from ..presets import ORDER, find_preset, preset
from ..reports import result_as_csv
from .controls.arms import ArmControls
from .controls.design import DesignControls
from .controls.files import FileControls
from .controls.ladder import LadderControls
from .controls.settings import SettingsControls
from .controls.time import TimeControls
from .controls.truth import TruthControls
from .design_panels import DesignPanels
from .exports import file_stem, with_design_column
from .layout import PageLayout
from .messages import as_html
from .pathways_panel import PathwaysPanel
from .preset_menu import PresetMenu
from .progress import Status
from .protocol_form import ProtocolForm
from .refinement import Refinement
from .report_panel import ReportPanel
from .result_notes import ResultNotes
from .result_views import ResultViews
from .theme import requested_preset, requested_theme
from .time_panel import TimePanel, clock_notes
from .titles import TitleFollower
from .words import design_name

PROTOCOL_ENV = "PHASE1_EXPLORER_PROTOCOL"
NOTE_WORDS = {EXACT_OVER_AUTO_BUDGET: "Choose exact under Compute to enumerate anyway (slower)."}


class ExplorerApp:
    """The whole app; `widget` is what the notebook displays. Set control values and read the views' sources."""

    def __init__(self, protocol: Protocol | None = None, theme: str = "light", preset: str | None = None) -> None:
        self.theme = theme
        self.opened_preset = preset  # key or title as asked (None: the default), to tell whether a page wants another
        key = find_preset(preset) or ORDER[0]
        first = _preset(key).arms
        self.title = W.Text(value="", description="Title", style={"description_width": "initial"},
                            layout=W.Layout(flex="1 1 18em", min_width="14em")).add_class("p1x-title-box")
        self.presets = PresetMenu(key)
        self.preset = self.presets.menu
        self.titles = TitleFollower(self.title)
        self.arms = ArmControls()
        self.ladder = LadderControls(first[0].labels)
        self.truth = TruthControls(list(first[0].truth), first[0].labels)
        self.truth_b = TruthControls(list(first[-1].truth), first[0].labels, seed=2, css="p1x-truthb")
        self.settings = SettingsControls()
        self.designs = DesignControls([first[0].design.method])
        self.clock = TimeControls()
        self.form = ProtocolForm(self.title, self.arms, self.ladder, self.truth, self.truth_b, self.settings,
                                 self.designs, self.clock)
        self.files, self.status, self.general_message = FileControls(), Status(), W.HTML("")
        self.views, self.panels, self.notes = ResultViews(theme), DesignPanels(), ResultNotes()
        self.pathways_panel, self.report_panel = PathwaysPanel(), ReportPanel()
        self.time_panel = TimePanel(theme)
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
        self.layout = PageLayout(theme, header, self.form, self.views, self.panels, self.notes.widget,
                                 self.time_panel, self.pathways_panel, self.report_panel)
        self._arrange()
        self.widget = self.layout.widget

    @classmethod
    def from_environment(cls, theme: str = "light", preset: str | None = None) -> ExplorerApp:
        """The app with the protocol named by $PHASE1_EXPLORER_PROTOCOL (set by `phase1-explorer serve`), if any;
        a preset asked for by key or title (the page's ?preset=) comes first."""
        path = os.environ.get(PROTOCOL_ENV)
        if path and find_preset(preset) is None:
            try:
                return cls(load_protocol(path), theme=theme)
            except ProtocolError as e:
                app = cls(theme=theme)
                app.files.message.value = as_html([f"{path}: {p}" for p in e.problems])
                return app
        return cls(theme=theme, preset=preset)

    def matching_page(self) -> ExplorerApp:
        """This app, or a new one if the page asked for another theme or preset (?theme=dark&preset=car4sar-arm-a)."""
        theme, asked = requested_theme(), requested_preset()
        if theme == self.theme and asked == self.opened_preset:
            return self
        return type(self).from_environment(theme=theme, preset=asked)

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
        protocol, candidates, names = self.protocol, self.candidates, self.names
        assert protocol is not None and snap.ocs is not None
        self.snapshot = snap
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

    def _show_problems(self, problems: list[Problem], warnings: tuple = ()) -> None:
        self.general_message.value = as_html(self.form.show_problems(problems, warnings))
        self.problems = problems

    # ---- protocols in, from presets and files ------------------------------------------------
    def apply_preset(self, key: str) -> None:
        """Load a preset scenario (by key)."""
        self.apply_protocol(_preset(key), preset=key)

    def apply_protocol(self, protocol: Protocol, preset: str | None = None) -> None:
        """Show a protocol in the controls (a preset, an uploaded file, or the one `serve` was given)."""
        with self.batch():
            self.form.show(protocol)
            self.presets.shown(preset, protocol)
            self.titles.loaded([design_name(m) for m in self.designs.picked()])
        self._arrange()

    def upload(self, content: bytes, name: str) -> None:
        """Restore a session from protocol JSON; a bad file shows the validator's messages and changes nothing."""
        try:
            self.apply_protocol(loads_protocol(content, name))
        except ProtocolError as e:
            self.files.message.value = as_html([f"{name}: {p}" for p in e.problems])
            return
        self.files.message.value = f'<span class="p1x-note">Opened {name}.</span>'

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


def _preset(key: str) -> Protocol:
    return preset(key)
