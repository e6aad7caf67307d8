"""The explorer app: builds the controls and views and wires them (controls → protocol → engine → OCs → views)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as W
import numpy as np

from ..core.designs import design_classes
from ..core.engine import simulate_trial
from ..core.errors import Problem, ProtocolError
from ..core.protocol import Protocol, load_protocol, loads_protocol, protocol_from_dict
from .compute import Snapshot, progressive_ocs
from .controls.design import DesignControls
from .controls.files import FileControls
from .controls.ladder import LadderControls
from .controls.settings import SettingsControls
from .controls.truth import TruthControls
from .exports import file_stem, oc_csv
from .messages import as_html, group_of, readable
from .progress import Status
from .scenarios import DEFAULT_PRESET, PRESETS, Preset
from .theme import page_css
from .views.decision_table import DecisionTableView
from .views.patients import PatientsView
from .views.sample_size import SampleSizeView
from .views.selection import SelectionView
from .views.style import as_widget
from .views.summary import SummaryView
from .views.trial import TrialView
from .views.truth import TruthView

PROTOCOL_ENV = "PHASE1_EXPLORER_PROTOCOL"
CUSTOM = "(your own: from a file)"


class ExplorerApp:
    """The whole app; `widget` is what the notebook displays. Set control values and read the views' sources."""

    def __init__(self, protocol: Protocol | None = None, theme: str = "light") -> None:
        self.theme = theme
        preset = PRESETS[DEFAULT_PRESET]
        self.title = W.Text(value=preset.name, description="Title", layout=W.Layout(width="28em"))
        self.preset = W.Dropdown(options=[(CUSTOM, None), *((n, n) for n in PRESETS)], value=DEFAULT_PRESET,
                                 description="Preset", layout=W.Layout(width="28em"))
        self.preset_note = W.HTML(f'<span class="p1x-note">{preset.note}</span>')
        self.ladder = LadderControls(list(preset.labels), list(preset.values or []) or None, preset.unit)
        self.truth = TruthControls(list(preset.truth), list(preset.labels))
        self.settings = SettingsControls(target=preset.target)
        self.designs = DesignControls([preset.method])
        self.files = FileControls()
        self.status = Status()
        self.general_message = W.HTML("")

        self.truth_view = TruthView()
        self.selection_view = SelectionView()
        self.patients_view = PatientsView()
        self.sample_size_view = SampleSizeView()
        self.summary_view = SummaryView(theme)
        self.trial_view = TrialView()
        self.decision_view = DecisionTableView()
        self.another_trial = W.Button(description="Another trial", icon="refresh")
        self.outcome = W.HTML("")

        self.generation = 0
        self.recomputes = 0
        self.trial_number = 0
        self.protocols: list[Protocol] = []  # the last valid protocols (one per design)
        self.snapshot: Snapshot | None = None
        self.problems: list[Problem] = []
        self._batch = False
        self._task: asyncio.Task | None = None

        self.ladder.on_change(self._on_ladder)
        self.truth.on_change(self.recompute)
        self.settings.on_change(self._on_settings)
        self.designs.on_change(self.recompute)
        self.truth_view.on_drag(self.truth.set_one)
        self.files.on_upload(self.upload)
        self.preset.observe(lambda ch: ch["new"] and self.apply_preset(PRESETS[ch["new"]]), names="value")
        self.title.observe(lambda _: self.recompute(), names="value")
        self.another_trial.on_click(lambda _: self.new_trial())

        # Compute before wrapping the Bokeh layouts: a BokehModel sends its state when built, and patches sent
        # before the page has connected are lost.
        self._synchronous = True
        if protocol is not None:
            self.apply_protocol(protocol)
        else:
            self.recompute()
        self._synchronous = False
        self.widget = self._layout()

    @classmethod
    def from_environment(cls, theme: str = "light") -> ExplorerApp:
        """The app with the protocol named by $PHASE1_EXPLORER_PROTOCOL (set by `phase1-explorer serve`), if any."""
        path = os.environ.get(PROTOCOL_ENV)
        if path:
            try:
                return cls(load_protocol(path), theme=theme)
            except ProtocolError as e:
                app = cls(theme=theme)
                app.files.message.value = as_html([f"{path}: {p}" for p in e.problems])
                return app
        return cls(theme=theme)

    # ---- layout --------------------------------------------------------------------------
    def _layout(self) -> W.Widget:
        t = self.theme
        self.bokeh_widgets = {
            "truth": as_widget(self.truth_view.layout, t), "selection": as_widget(self.selection_view.layout, t),
            "patients": as_widget(self.patients_view.layout, t),
            "sample_size": as_widget(self.sample_size_view.layout, t),
            "summary": as_widget(self.summary_view.layout, t), "trial": as_widget(self.trial_view.layout, t),
        }
        b = self.bokeh_widgets
        wrap = W.Layout(flex_flow="row wrap", align_items="flex-start")
        controls = W.VBox([self.ladder.widget, self.truth.widget, self.settings.widget, self.designs.widget,
                           self.files.widget],
                          layout=W.Layout(width="420px", min_width="420px", padding="0 12px 0 0"))
        views = W.VBox([
            W.HBox([b["truth"], b["selection"]], layout=wrap),
            W.HBox([b["patients"], b["sample_size"]], layout=wrap),
            W.HTML("<b>Summary</b>"), b["summary"],
            W.HBox([W.VBox([b["trial"], W.HBox([self.another_trial, self.outcome])]), self.decision_view.widget],
                   layout=wrap),
        ])
        header = W.VBox([
            W.HTML(page_css(t) + '<div class="p1x-title">Phase I dose-escalation explorer</div>'),
            W.HBox([self.preset, self.title], layout=wrap), self.preset_note,
            self.status.widget, self.general_message,
        ])
        return W.VBox([header, W.HBox([controls, views], layout=W.Layout(align_items="flex-start"))],
                      layout=W.Layout(padding="8px")).add_class("p1x-app")

    def refresh(self) -> None:
        """Send every plot's whole current state as widget state (changes made before a Voila page connected,
        e.g. by later notebook cells, travel as patches that page never sees)."""
        for bw in self.bokeh_widgets.values():
            bw.update_from_model(bw._model)

    # ---- inputs → protocols --------------------------------------------------------------
    def protocol_dicts(self) -> tuple[list[dict[str, Any]], list[Problem]]:
        """One protocol object per picked design, and problems found reading the widgets."""
        base = {"title": self.title.value or None, "doses": self.ladder.doses(), "truth": self.truth.values(),
                **self.settings.values()}
        base = {k: v for k, v in base.items() if v is not None}
        out, problems = [], []
        for spec, local in self.designs.specs():
            problems += [Problem(f"design:{spec['method']}{p.field[len('design'):]}", p.message) for p in local]
            out.append({**base, "design": spec})
        if not out:
            problems.append(Problem("design:", "tick at least one design."))
        return out, problems

    def _protocols(self) -> tuple[list[Protocol], list[Problem]]:
        dicts, problems = self.protocol_dicts()
        protocols = []
        for d in dicts:
            try:
                protocols.append(protocol_from_dict(d))
            except ProtocolError as e:
                method = d["design"]["method"]
                for p in e.problems:
                    field = f"design:{method}{p.field[len('design'):]}" if p.field.startswith("design") else p.field
                    problems.append(Problem(field, p.message))
        problems = list(dict.fromkeys(problems))
        return (protocols if not problems else []), problems

    def _show_problems(self, problems: list[Problem], warnings: tuple[str, ...] = ()) -> None:
        groups: dict[str, list[str]] = {}
        by_method: dict[str, list[str]] = {}
        for p in problems:
            if p.field.startswith("design:"):
                method = p.field[len("design:"):].split(".")[0]
                by_method.setdefault(method, []).append(p.message)
            else:
                groups.setdefault(group_of(p.field), []).append(readable(p))
        self.ladder.message.value = as_html(groups.get("ladder", []))
        self.truth.message.value = as_html(groups.get("truth", [])) or as_html(list(warnings), "p1x-warn")
        self.settings.target_message.value = as_html(groups.get("target", []))
        self.settings.start_message.value = as_html(groups.get("start_dose", []))
        self.settings.run_message.value = as_html(groups.get("run", []))
        self.designs.show_problems({m: v for m, v in by_method.items() if m}, by_method.get("", []))
        self.general_message.value = as_html(groups.get("general", []))
        self.problems = problems

    # ---- recomputing ---------------------------------------------------------------------
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
        self.generation += 1
        self.recomputes += 1
        if self._task is not None and not self._task.done():
            self._task.cancel()
        started = time.perf_counter()
        protocols, problems = self._protocols()
        if problems:
            self._show_problems(problems)
            self.status.done()
            self.status.say("⚠ Fix the input marked in red; the plots keep the last valid results.", "p1x-error")
            return
        try:
            steps = progressive_ocs(protocols)
            snap = next(steps)
        except ProtocolError as e:
            self._show_problems(e.problems)
            self.status.say("⚠ " + "; ".join(p.message for p in e.problems), "p1x-error")
            return
        self._show_problems([], protocols[0].warnings)
        self.protocols = protocols
        self._draw(snap, first=True)
        if snap.finished:
            return
        try:
            loop = None if self._synchronous else asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:  # building, or no kernel loop (tests, scripts): finish now
            for snap in steps:
                if snap.ocs is not None:
                    self._draw(snap)
            return
        self._task = loop.create_task(self._refine(steps, self.generation, started))

    async def _refine(self, steps: Iterator[Snapshot], generation: int, started: float) -> None:
        while True:
            await asyncio.sleep(0.001)  # let widget messages in: a moved control makes this work stale
            if generation != self.generation:
                return
            snap = next(steps, None)
            if snap is None or generation != self.generation:
                return
            if snap.ocs is not None:
                self._draw(snap)
            self.status.progress(snap.done / snap.total, time.perf_counter() - started)

    def _draw(self, snap: Snapshot, first: bool = False) -> None:
        protocols = self.protocols
        p0 = protocols[0]
        labels = [d.label for d in p0.doses]
        names = [p.design.method for p in protocols]
        ocs = list(snap.ocs)
        self.snapshot = snap
        design0 = p0.build_design()
        self.truth_view.show(labels, list(p0.truth), p0.target, design0.acceptable_interval(), ocs[0].true_mtd)
        self.selection_view.show(labels, names, ocs)
        self.patients_view.show(labels, names, ocs)
        self.sample_size_view.show(names, ocs)
        self.summary_view.show(names, ocs)
        if first:
            self.new_trial(advance=False)
            self.decision_view.show(design_classes()[names[0]].title, design0)
        if snap.finished:
            self.status.done()
            self.files.set_links(p0.to_json(), oc_csv(protocols, ocs), file_stem(p0))
        how = ("exact (no simulation error)" if snap.total == 0 else
               f"Monte Carlo: {snap.done:,} of {snap.total:,} trials" + ("" if snap.finished else " (refining…)"))
        self.status.say(f"Showing {', '.join(names)}: {how}." + (" " + "; ".join(snap.notes) if snap.notes else ""))

    # ---- actions -------------------------------------------------------------------------
    def new_trial(self, advance: bool = True) -> None:
        """Simulate one trial of the first design (the next one with `advance`), drawn from the protocol's seed."""
        if not self.protocols:
            return
        if advance:
            self.trial_number += 1
        p = self.protocols[0]
        rng = np.random.default_rng([p.seed, self.trial_number])
        cohorts, selected = simulate_trial(p.build_design(), np.asarray(p.truth), rng)
        outcome = self.trial_view.show([d.label for d in p.doses], cohorts, selected, p.design.method)
        self.outcome.value = (f'<span class="p1x-note">Trial {self.trial_number + 1}, outcomes: '
                              f"<code>{outcome}</code></span>")

    def apply_preset(self, preset: Preset) -> None:
        """Load a preset scenario."""
        with self.batch():
            self.title.value = preset.name
            self.preset_note.value = f'<span class="p1x-note">{preset.note}</span>'
            self.ladder.set_ladder(list(preset.labels), list(preset.values) if preset.values else None, preset.unit)
            self.truth.set_values(list(preset.truth), list(preset.labels))
            self.truth.set_target(preset.target)
            self.settings.target.value = preset.target
            self.designs.load(preset.method, {})

    def apply_protocol(self, protocol: Protocol) -> None:
        """Show a protocol in the controls (an uploaded file, or the one `serve` was given)."""
        if protocol.two_arm:
            raise ProtocolError(Problem("arms", "two-arm protocols cannot be opened in the app yet; "
                                                "use `phase1-explorer simulate` for them."))
        labels = [d.label for d in protocol.doses]
        values = [d.value for d in protocol.doses]
        has_values = all(v is not None for v in values)
        with self.batch():
            self.preset.value = None
            self.preset_note.value = ""
            self.title.value = protocol.title or ""
            self.ladder.set_ladder(labels, values if has_values else None,  # type: ignore[arg-type]
                                   next((d.unit for d in protocol.doses if d.unit), ""))
            self.truth.set_values(list(protocol.truth), labels)
            self.truth.set_target(protocol.target)
            self.settings.load(protocol.target, protocol.start_dose, protocol.trials, protocol.seed, protocol.method)
            self.designs.load(protocol.design.method, dict(protocol.design.options))

    def upload(self, content: bytes, name: str) -> None:
        """Restore a session from protocol JSON; a bad file shows the validator's messages and changes nothing."""
        try:
            self.apply_protocol(loads_protocol(content, name))
        except ProtocolError as e:
            self.files.message.value = as_html([f"{name}: {p}" for p in e.problems])
            return
        self.files.message.value = f'<span class="p1x-note">Opened {name}.</span>'

    # ---- reacting to controls ------------------------------------------------------------
    def _on_ladder(self, kind: str) -> None:
        labels = self.ladder.label_list()
        values = self.truth.values()
        if kind == "below":
            values = [round(values[0] / 2, 3)] + values
            with self.batch():
                self.truth.relabel(labels, values)
                self.settings.start_dose.value = self.settings.start_dose.value + 1
            return
        if len(values) != len(labels):
            while len(values) < len(labels):
                values.append(round(min(1.0, values[-1] + 0.1), 3) if values else 0.1)
            values = values[: len(labels)]
        self.truth.relabel(labels, values)
        self.recompute()

    def _on_settings(self) -> None:
        self.truth.set_target(self.settings.target.value)
        self.recompute()
