"""The explorer app: builds the controls and the views and wires them (controls → protocol → pipeline → OCs → views).
Reading the controls, routing problems, computing, drawing and the trial walkthrough each live in their own module."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import ipywidgets as W
import numpy as np

from ..core.designs import find_design
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
from .controls.truth import TITLE as TRUTH_TITLE
from .controls.truth import TruthControls
from .exports import file_stem, with_design_column
from .layout import PageLayout
from .messages import as_html, route_problems, route_warnings
from .progress import Status
from .protocol_form import ProtocolForm
from .refinement import Refinement
from .result_views import ResultViews
from .theme import requested_preset, requested_theme
from .views.decision_table import DecisionTableView
from .views.next_cohort import NextCohortView
from .walkthrough import Walkthrough

PROTOCOL_ENV = "PHASE1_EXPLORER_PROTOCOL"
CUSTOM = "(your own: from a file)"
NOTE_WORDS = {EXACT_OVER_AUTO_BUDGET: "Choose exact under Compute to enumerate anyway (slower)."}


class ExplorerApp:
    """The whole app; `widget` is what the notebook displays. Set control values and read the views' sources."""

    def __init__(self, protocol: Protocol | None = None, theme: str = "light", preset: str | None = None) -> None:
        self.theme = theme
        self.opened_preset = preset  # key or title as asked (None: the default), to tell whether a page wants another
        key = find_preset(preset) or ORDER[0]
        self.title = W.Text(value="", description="Title", layout=W.Layout(width="40em"))
        self.preset = W.Dropdown(options=[(CUSTOM, None), *((_preset(k).title, k) for k in ORDER)], value=key,
                                 description="Preset", layout=W.Layout(width="40em"))
        self.preset_note = W.HTML("")
        self.arms = ArmControls()
        first = _preset(key)
        self.ladder = LadderControls(first.arms[0].labels)
        self.truth = TruthControls(list(first.arms[0].truth), first.arms[0].labels)
        self.truth_b = TruthControls(list(first.arms[-1].truth), first.arms[0].labels, seed=2, css="p1x-truthb")
        self.settings = SettingsControls()
        self.designs = DesignControls([first.arms[0].design.method])
        self.form = ProtocolForm(self.title, self.arms, self.ladder, self.truth, self.truth_b, self.settings,
                                 self.designs)
        self.files = FileControls()
        self.status = Status()
        self.general_message = W.HTML("")
        self.views = ResultViews(theme)
        self.walkthrough = Walkthrough()
        self.decision_view = DecisionTableView()
        self.next_view = NextCohortView()
        self.refinement = Refinement(self._draw, self.status.progress)

        self.recomputes = 0
        self.protocol: Protocol | None = None  # the last valid protocol
        self.candidates: tuple[Candidate, ...] = ()
        self.snapshot: Snapshot | None = None
        self.problems: list[Problem] = []
        self._batch = False

        self.ladder.on_change(self._on_ladder)
        for control in (self.truth, self.truth_b, self.designs):
            control.on_change(self.recompute)
        self.arms.on_change(self._on_arms)
        self.settings.on_change(self._on_settings)
        self.views.truth.on_drag(lambda arm, level, value: (self.truth, self.truth_b)[arm].set_one(level, value))
        self.files.on_upload(self.upload)
        self.preset.observe(lambda ch: ch["new"] and self.apply_preset(ch["new"]), names="value")
        self.title.observe(lambda _: self.recompute(), names="value")

        # Compute before wrapping the Bokeh layouts: a BokehModel sends its state when built, and patches sent
        # before the page has connected are lost.
        self.refinement.background = False
        if protocol is not None:
            self.apply_protocol(protocol)
        else:
            self.apply_preset(key)
        self.refinement.background = True
        self.layout = PageLayout(theme, [W.HBox([self.preset, self.title], layout=W.Layout(flex_flow="row wrap")),
                                         self.preset_note, self.status.widget, self.general_message],
                                 [self.arms.widget, self.ladder.widget, self.truth.widget, self.truth_b.widget,
                                  self.arms.design_widget, self.settings.widget, self.designs.widget,
                                  self.files.widget],
                                 self.views, self.walkthrough, [self.decision_view.widget, self.next_view.widget])
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
        self.protocol, self.candidates = protocol, candidates
        self._draw(snap, first=True)
        self.refinement.resume()

    def _draw(self, snap: Snapshot, first: bool = False) -> None:
        protocol, candidates = self.protocol, self.candidates
        assert protocol is not None and snap.ocs is not None
        self.snapshot = snap
        names = [c.method for c in candidates]
        design0 = protocol.arms[0].build_design(protocol.target)
        self.views.draw(protocol, names, snap, design0.acceptable_interval())
        if first:
            self._draw_rules(protocol, candidates[0])
        if snap.finished:
            self.status.done()
            blocks = [result_as_csv(trial_dict(protocol, oc, c)) for c, oc in zip(candidates, snap.ocs)]
            self.files.set_links(protocol.to_json(), with_design_column(names, blocks), file_stem(protocol))
        how = ("exact (no simulation error)" if snap.total == 0 else
               f"Monte Carlo: {snap.done:,} of {snap.total:,} trials" + ("" if snap.finished else " (refining…)"))
        notes = [NOTE_WORDS.get(n.code, n.message) for n in snap.notes]
        self.status.say(f"Showing {', '.join(names)}: {how}." + (" " + " ".join(notes) if notes else ""))

    def _draw_rules(self, protocol: Protocol, candidate: Candidate) -> None:
        """The first design's decision table, what it does next and one simulated trial."""
        arm = protocol.arms[0]
        design = arm.build_design(protocol.target, candidate.designs[0])
        self.decision_view.show(find_design(candidate.designs[0].method).title, design)  # type: ignore[union-attr]
        truth_name = f"the truth of Arm {arm.name}" if arm.name else "the truth"
        self.next_view.show(design, np.asarray(arm.truth), arm.labels, truth_name)
        self.walkthrough.show(protocol, candidate)

    def _show_problems(self, problems: list[Problem], warnings: tuple = ()) -> None:
        groups = route_problems(problems)
        warned = route_warnings(warnings)
        self.ladder.message.value = as_html(groups.get("ladder", []))
        for group, area in (("truth", self.truth.message), ("truth_b", self.truth_b.message),
                            ("arms", self.arms.message)):
            area.value = as_html(groups.get(group, [])) or as_html(warned.get(group, []), "p1x-warn")
        self.arms.names_message.value = as_html(groups.get("arm_names", []))
        self.settings.target_message.value = as_html(groups.get("target", []))
        self.settings.start_message.value = as_html(groups.get("start_dose", []))
        self.settings.run_message.value = as_html(groups.get("run", []))
        self.designs.show_problems({g[1]: v for g, v in groups.items() if isinstance(g, tuple)}, [])
        self.general_message.value = as_html(groups.get("general", []))
        self.problems = problems

    # ---- protocols in, from presets and files ------------------------------------------------
    def apply_preset(self, key: str) -> None:
        """Load a preset scenario (by key)."""
        p = _preset(key)
        self.apply_protocol(p, preset=key)

    def apply_protocol(self, protocol: Protocol, preset: str | None = None) -> None:
        """Show a protocol in the controls (a preset, an uploaded file, or the one `serve` was given)."""
        with self.batch():
            self.form.show(protocol)
            self.preset.value = preset
            self.preset_note.value = f'<span class="p1x-note">{protocol.description}</span>' \
                if preset and protocol.description else ""
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
        self.truth.set_title(f"Arm {names[0]}: true DLT probability per dose" if two else TRUTH_TITLE)
        self.truth_b.set_title(f"Arm {names[1]}: true DLT probability per dose")
        self.truth_b.widget.layout.display = "" if two else "none"
        if hasattr(self, "layout"):
            self.layout.arrange(two)

    def _on_ladder(self, kind: str) -> None:
        labels = self.ladder.label_list()
        for truth in (self.truth, self.truth_b):  # both arms share the ladder
            values = truth.values()
            if kind == "below":
                values = [round(values[0] / 2, 3)] + values
            while len(values) < len(labels):
                values.append(round(min(1.0, values[-1] + 0.1), 3) if values else 0.1)
            truth.relabel(labels, values[: len(labels)])
        if kind == "below":
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
