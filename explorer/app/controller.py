"""The explorer app: builds the controls and views and wires them (controls → protocol → engine → OCs → views)."""

from __future__ import annotations

import asyncio
import html
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as W
import numpy as np

from ..core.arms.trace import trace_two_arm_trial
from ..core.designs import design_classes
from ..core.engine import simulate_trial
from ..core.errors import Problem, ProtocolError
from ..core.protocol import Protocol, load_protocol, loads_protocol, protocol_from_dict
from .compute import Snapshot, progressive_ocs
from .compute_arms import progressive_two_arm_ocs, two_arm_inputs
from .controls.arms import ArmControls
from .controls.design import DesignControls
from .controls.files import FileControls
from .controls.ladder import LadderControls
from .controls.settings import SettingsControls
from .controls.truth import TITLE as TRUTH_TITLE
from .controls.truth import TruthControls
from .exports import file_stem, oc_csv, two_arm_csv
from .messages import as_html, group_of, readable, warning_group
from .progress import Status
from .refine_slots import refine_slot
from .scenarios import DEFAULT_PRESET, PRESETS, Preset, find_preset
from .theme import page_css, requested_preset, requested_theme
from .views.decision_table import DecisionTableView
from .views.embed import as_widget
from .views.joint import JointView
from .views.next_cohort import NextCohortView
from .views.patients import PatientsView
from .views.sample_size import SampleSizeView
from .views.selection import SelectionView
from .views.summary import SummaryView
from .views.trial import TrialView
from .views.trial_arms import TwoArmTrialView
from .views.truth import TruthView

PROTOCOL_ENV = "PHASE1_EXPLORER_PROTOCOL"
CUSTOM = "(your own: from a file)"


class ExplorerApp:
    """The whole app; `widget` is what the notebook displays. Set control values and read the views' sources."""

    def __init__(self, protocol: Protocol | None = None, theme: str = "light", preset: str | None = None) -> None:
        self.theme = theme
        self.opened_preset = preset  # key or name as asked (None: the default), to tell whether a page wants another
        chosen = find_preset(preset) or PRESETS[DEFAULT_PRESET]
        self.title = W.Text(value=chosen.name, description="Title", layout=W.Layout(width="40em"))
        self.preset = W.Dropdown(options=[(CUSTOM, None), *((n, n) for n in PRESETS)], value=chosen.name,
                                 description="Preset", layout=W.Layout(width="40em"))
        self.preset_note = W.HTML(f'<span class="p1x-note">{chosen.note}</span>')
        self.arms = ArmControls()
        self.ladder = LadderControls(list(chosen.labels), list(chosen.values or []) or None, chosen.unit)
        self.truth = TruthControls(list(chosen.truth), list(chosen.labels))
        self.truth_b = TruthControls(list(chosen.truth_b or chosen.truth), list(chosen.labels), seed=2,
                                     css="p1x-truthb")
        self.settings = SettingsControls(target=chosen.target)
        self.designs = DesignControls([chosen.method])
        self.files = FileControls()
        self.status = Status()
        self.general_message = W.HTML("")

        self.truth_view = TruthView()
        self.selection_view = SelectionView()
        self.patients_view = PatientsView()
        self.sample_size_view = SampleSizeView()
        self.summary_view = SummaryView(theme)
        self.trial_view = TrialView()
        self.selection_b = SelectionView("selection-b")
        self.patients_b = PatientsView("patients-b")
        self.joint_view = JointView(theme)
        self.trial_arms_view = TwoArmTrialView()
        self.decision_view = DecisionTableView()
        self.next_view = NextCohortView()
        self.another_trial = W.Button(description="Another trial", icon="refresh",
                                      layout=W.Layout(min_width="9.5em", flex="0 0 auto"))
        self.outcome = W.HTML("")

        self.generation = 0
        self.recomputes = 0
        self.trial_number = 0
        self.protocols: list[Protocol] = []  # the last valid protocols (one per design)
        self.snapshot: Snapshot | None = None
        self.problems: list[Problem] = []
        self._batch = False
        self._task: asyncio.Task | None = None
        self.views_box: W.VBox | None = None
        self._arranged: bool | None = None  # whether the views shown are the two-arm ones

        self.ladder.on_change(self._on_ladder)
        self.truth.on_change(self.recompute)
        self.truth_b.on_change(self.recompute)
        self.arms.on_change(self._on_arms)
        self.settings.on_change(self._on_settings)
        self.designs.on_change(self.recompute)
        self.truth_view.on_drag(lambda arm, level, value: (self.truth, self.truth_b)[arm].set_one(level, value))
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
            self.apply_preset(chosen)
        self._synchronous = False
        self.widget = self._layout()

    @classmethod
    def from_environment(cls, theme: str = "light", preset: str | None = None) -> ExplorerApp:
        """The app with the protocol named by $PHASE1_EXPLORER_PROTOCOL (set by `phase1-explorer serve`), if any;
        a preset asked for by name or key (the page's ?preset=) comes first."""
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
        theme, preset = requested_theme(), requested_preset()
        if theme == self.theme and preset == self.opened_preset:
            return self
        return type(self).from_environment(theme=theme, preset=preset)

    # ---- layout --------------------------------------------------------------------------
    def _layout(self) -> W.Widget:
        t = self.theme
        self.bokeh_widgets = {
            "truth": as_widget(self.truth_view.layout, t, (self.truth_view.points, self.truth_view.points_b)),
            "selection": as_widget(self.selection_view.layout, t),
            "patients": as_widget(self.patients_view.layout, t),
            "sample_size": as_widget(self.sample_size_view.layout, t),
            "summary": as_widget(self.summary_view.layout, t), "trial": as_widget(self.trial_view.layout, t),
            "selection_b": as_widget(self.selection_b.layout, t), "patients_b": as_widget(self.patients_b.layout, t),
            "joint": as_widget(self.joint_view.fig, t), "joint_table": as_widget(self.joint_view.table, t),
            "trial_arms": as_widget(self.trial_arms_view.layout, t),
        }
        controls = W.VBox([self.arms.widget, self.ladder.widget, self.truth.widget, self.truth_b.widget,
                           self.arms.design_widget, self.settings.widget, self.designs.widget, self.files.widget],
                          layout=W.Layout(width="420px", min_width="420px", padding="0 12px 0 0"))
        self.views_box = views = W.VBox()
        self._arrange()
        wrap = W.Layout(flex_flow="row wrap", align_items="flex-start")
        header = W.VBox([
            W.HTML(page_css(t) + '<div class="p1x-title">Phase I dose-escalation explorer</div>'),
            W.HBox([self.preset, self.title], layout=wrap), self.preset_note,
            self.status.widget, self.general_message,
        ])
        return W.VBox([header, W.HBox([controls, views], layout=W.Layout(align_items="flex-start"))],
                      layout=W.Layout(padding="8px")).add_class("p1x-app")

    def _views(self, two: bool) -> list[W.Widget]:
        """The views column: one arm's plots, or both arms' side by side with the joint OCs."""
        b = self.bokeh_widgets
        wrap = W.Layout(flex_flow="row wrap", align_items="flex-start")
        trial = W.VBox([b["trial_arms" if two else "trial"], W.HBox([self.another_trial, self.outcome])])
        if not two:
            return [W.HBox([b["truth"], b["selection"]], layout=wrap),
                    W.HBox([b["patients"], b["sample_size"]], layout=wrap),
                    W.HTML("<b>Summary</b>"), b["summary"],
                    W.HBox([trial, self._rules()], layout=wrap)]
        trial.layout.width = "580px"  # the outcome strings wrap under the plot
        return [W.HBox([b["truth"], b["joint"]], layout=wrap),
                W.HBox([b["selection"], b["selection_b"]], layout=wrap),
                W.HBox([b["patients"], b["patients_b"]], layout=wrap),
                W.HTML("<b>Each arm</b>"), b["summary"],
                W.HBox([b["sample_size"], b["joint_table"]], layout=wrap),
                W.HBox([trial, self._rules()], layout=wrap)]

    def _rules(self) -> W.Widget:
        """The design's decision table (if it has one) above what it does next from a trial so far."""
        return W.VBox([self.decision_view.widget, self.next_view.widget], layout=W.Layout(max_width="640px"))

    def _arrange(self) -> None:
        """Show the controls and views of one arm or two (after building, and when the number of arms changes)."""
        two = self.arms.two
        names = self.arms.names()
        self.truth.set_title(f"Arm {names[0]}: true DLT probability per dose" if two else TRUTH_TITLE)
        self.truth_b.set_title(f"Arm {names[1]}: true DLT probability per dose")
        self.truth_b.widget.layout.display = "" if two else "none"
        if self.views_box is None or self._arranged == two:
            return
        first = self._arranged is None
        self._arranged = two
        self.views_box.children = self._views(two)
        if not first:  # plots not on the page took no patches: send their whole state before they show
            self.refresh()

    def refresh(self) -> None:
        """Send every plot's whole current state as widget state (changes made before a Voila page connected,
        e.g. by later notebook cells, travel as patches that page never sees)."""
        for bw in self.bokeh_widgets.values():
            bw.update_from_model(bw._model)

    # ---- inputs → protocols --------------------------------------------------------------
    def protocol_dicts(self) -> tuple[list[dict[str, Any]], list[Problem]]:
        """One protocol object per picked design, and problems found reading the widgets."""
        base = {"title": self.title.value or None, "doses": self.ladder.doses(), **self.settings.values()}
        base = {k: v for k, v in base.items() if v is not None}
        out, problems = [], []
        if self.arms.two:
            arm_design, problems = self.arms.spec()
            base["arms"] = [{"name": n, "truth": t.values()}
                            for n, t in zip(self.arms.names(), (self.truth, self.truth_b))]
            base["arm_design"] = arm_design
        else:
            base["truth"] = self.truth.values()
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
        warned: dict[str, list[str]] = {}
        for w in warnings:
            group, text = warning_group(w)
            warned.setdefault(group, []).append(text)
        self.ladder.message.value = as_html(groups.get("ladder", []))
        for group, area in (("truth", self.truth.message), ("truth_b", self.truth_b.message),
                            ("arms", self.arms.message)):
            area.value = as_html(groups.get(group, [])) or as_html(warned.get(group, []), "p1x-warn")
        self.arms.names_message.value = as_html(groups.get("arm_names", []))
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
        if any(p.method == "exact" for p in protocols):  # the enumeration may take seconds: say so first
            self.status.say("Enumerating every outcome (exact, as chosen under Compute)…")
        try:
            steps = (progressive_two_arm_ocs if protocols[0].two_arm else progressive_ocs)(protocols)
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
            async with refine_slot():  # under `serve`, at most N kernels refine at once (app/refine_slots.py)
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
        if p0.two_arm:
            self._draw_two_arms(labels, names, ocs, design0.acceptable_interval())
        else:
            self.truth_view.show(labels, [list(p0.truth)], p0.target, design0.acceptable_interval(),
                                 [ocs[0].true_mtd])
            self.selection_view.show(labels, names, ocs)
            self.patients_view.show(labels, names, ocs)
            self.sample_size_view.show(names, ocs)
            self.summary_view.show(names, ocs)
        if first:
            self.new_trial(advance=False)
            self.decision_view.show(design_classes()[names[0]].title, design0)
            arm = f"the truth of Arm {p0.arms[0].name}" if p0.two_arm else "the truth"
            self.next_view.show(design0, np.asarray(p0.arms[0].truth if p0.two_arm else p0.truth), labels, arm)
        if snap.finished:
            self.status.done()
            csv = (two_arm_csv if p0.two_arm else oc_csv)(protocols, ocs)
            self.files.set_links(p0.to_json(), csv, file_stem(p0))
        how = ("exact (no simulation error)" if snap.total == 0 else
               f"Monte Carlo: {snap.done:,} of {snap.total:,} trials" + ("" if snap.finished else " (refining…)"))
        self.status.say(f"Showing {', '.join(names)}: {how}." + (" " + " ".join(snap.notes) if snap.notes else ""))

    def _draw_two_arms(self, labels: list[str], names: list[str], ocs: list[Any], band: tuple[float, float]) -> None:
        """Both truths on one plot, each arm's OCs side by side, and the joint OCs (ocs: TwoArmOCs per design)."""
        p0 = self.protocols[0]
        arms = [a.name for a in p0.arms]
        self.truth_view.show(labels, [list(a.truth) for a in p0.arms], p0.target, band,
                             [oc.true_mtd for oc in ocs[0].arms], arms)
        for j, (selection, patients) in enumerate(((self.selection_view, self.patients_view),
                                                   (self.selection_b, self.patients_b))):
            selection.show(labels, names, [o.arms[j] for o in ocs], f"Arm {arms[j]}")
            patients.show(labels, names, [o.arms[j] for o in ocs], f"Arm {arms[j]}")
        self.sample_size_view.show(names, [o.joint for o in ocs], "Patients: both arms together and each arm",
                                   [(a, [o.arms[i] for o in ocs]) for i, a in enumerate(arms)])
        self.summary_view.show([f"{arm}, {d}" for arm in arms for d in names],
                               [o.arms[j] for j in range(2) for o in ocs], "Arm, design")
        self.joint_view.show(names, [o.joint for o in ocs], arms,
                             ["exact" if o.arms[0].method == "exact" else f"MC, {o.arms[0].trials:,} trials"
                              for o in ocs])

    # ---- actions -------------------------------------------------------------------------
    def new_trial(self, advance: bool = True) -> None:
        """Simulate one trial of the first design (the next one with `advance`), drawn from the protocol's seed."""
        if not self.protocols:
            return
        if advance:
            self.trial_number += 1
        p = self.protocols[0]
        rng = np.random.default_rng([p.seed, self.trial_number])
        if p.two_arm:
            trace = trace_two_arm_trial(*two_arm_inputs(p), rng)
            arms, labels = [a.name for a in p.arms], [d.label for d in p.doses]
            outcomes = self.trial_arms_view.show(labels, trace, arms)
            chosen = [labels[s] if s >= 0 else "no dose" for s in trace.selected]
            self.outcome.value = (f'<span class="p1x-note">Trial {self.trial_number + 1} of '
                                  f"{html.escape(design_classes()[p.design.method].short_title())}. "
                                  + "; ".join(f"Arm {html.escape(n)}: <code>{o or '–'}</code> → {html.escape(c)}"
                                              for n, o, c in zip(arms, outcomes, chosen)) + "</span>")
            return
        cohorts, selected = simulate_trial(p.build_design(), np.asarray(p.truth), rng)
        outcome = self.trial_view.show([d.label for d in p.doses], cohorts, selected,
                                       design_classes()[p.design.method].short_title())
        self.outcome.value = (f'<span class="p1x-note">Trial {self.trial_number + 1}, outcomes: '
                              f"<code>{outcome}</code></span>")

    def apply_preset(self, preset: Preset) -> None:
        """Load a preset scenario."""
        with self.batch():
            self.title.value = preset.name
            self.preset_note.value = f'<span class="p1x-note">{preset.note}</span>'
            self.ladder.set_ladder(list(preset.labels), list(preset.values) if preset.values else None, preset.unit)
            self.truth.set_values(list(preset.truth), list(preset.labels))
            self.truth_b.set_values(list(preset.truth_b or preset.truth), list(preset.labels))
            for t in (self.truth, self.truth_b):
                t.set_target(preset.target)
            self.settings.target.value = preset.target
            self.designs.load(preset.method, {})
            self.arms.load(preset.two_arm, list(preset.arm_names), preset.arm_design or {})
        self._arrange()

    def apply_protocol(self, protocol: Protocol) -> None:
        """Show a protocol in the controls (an uploaded file, or the one `serve` was given)."""
        truths = [protocol.truth, protocol.truth]
        if protocol.two_arm:
            a, b = protocol.arms
            if (a.doses, a.design, a.start_dose) != (b.doses, b.design, b.start_dose):
                raise ProtocolError(Problem("arms", "the app shows two arms on one ladder with one design and start "
                                                    "level, and these arms differ in them; use `phase1-explorer "
                                                    "simulate` for this protocol."))
            truths = [a.truth, b.truth]
        labels = [d.label for d in protocol.doses]
        values = [d.value for d in protocol.doses]
        has_values = all(v is not None for v in values)
        with self.batch():
            self.preset.value = None
            self.preset_note.value = ""
            self.title.value = protocol.title or ""
            self.ladder.set_ladder(labels, values if has_values else None,  # type: ignore[arg-type]
                                   next((d.unit for d in protocol.doses if d.unit), ""))
            for t, truth in zip((self.truth, self.truth_b), truths):
                t.set_values(list(truth), labels)
                t.set_target(protocol.target)
            self.settings.load(protocol.target, protocol.start_dose, protocol.trials, protocol.seed, protocol.method)
            self.designs.load(protocol.design.method, dict(protocol.design.options))
            if protocol.two_arm:
                assert protocol.arm_design is not None
                self.arms.load(True, [a.name for a in protocol.arms], protocol.arm_design.to_json())
            else:
                self.arms.load(False)
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
