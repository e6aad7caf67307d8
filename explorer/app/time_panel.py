"""The results of a trial with a clock: one simulated trial's timeline (any ticked design, "Another trial"), how long
the trial takes (duration distribution, duration against correct selection, the time figures), fed from the
pipeline's snapshot and `trial_timeline`. Nothing is drawn for a protocol without a clock."""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as W
from bokeh.models import LayoutDOM

from ..core.errors import MONTE_CARLO_USED, Notice
from ..core.pipeline import Snapshot, trial_timeline
from ..core.protocol import Candidate, Protocol
from .design_panels import DesignPicker
from .views.duration import DurationView
from .views.duration_selection import DurationSelectionView
from .views.time_table import TimeTable
from .views.timeline import TimelineView

CLOCK_NOTE = Notice(MONTE_CARLO_USED, "In calendar time every design is simulated, patient by patient (Monte Carlo).",
                    "method")


def clock_notes(protocol: Protocol, notes: tuple[Notice, ...]) -> list[Notice]:
    """A snapshot's notes, where a clock made every design Monte Carlo said once rather than once per design."""
    if protocol.time is None:
        return list(notes)
    rest = [n for n in notes if n.code != MONTE_CARLO_USED]
    return [CLOCK_NOTE, *rest] if len(rest) < len(notes) else rest


class TimePanel:
    """The Trial timeline and Duration tabs; `draw(protocol, names, snap)` after each snapshot, `show(protocol,
    candidates, names)` when the candidates change."""

    def __init__(self, theme: str) -> None:
        self.timeline = TimelineView(theme)
        self.duration = DurationView()
        self.tradeoff = DurationSelectionView(theme)
        self.table = TimeTable()
        self.picker = DesignPicker("p1x-pick-timeline")
        self.another = W.Button(description="Another trial", icon="refresh",
                                layout=W.Layout(min_width="9.5em", flex="0 0 auto"))
        self.another.add_class("p1x-timeline-another")
        self.caption = W.HTML("")
        self.number = 0
        self._shown: tuple[Protocol, tuple[Candidate, ...], list[str]] | None = None
        self._drawn: Protocol | None = None  # the protocol whose first answer the duration views show
        self.picker.on_change(self._show_timeline)
        self.another.on_click(lambda _: self.next())
        #: The Bokeh layouts by name: PageLayout makes them widgets once the first results are drawn.
        self.plots: dict[str, LayoutDOM] = {"timeline": self.timeline.layout, "duration": self.duration.layout,
                                            "duration_selection": self.tradeoff.layout}

    def tabs(self, b: dict[str, W.Widget],
             grid: Callable[[list[W.Widget], int], W.Widget]) -> list[tuple[str, W.Widget]]:
        """The tabs to show with a clock (`b`: the plots as widgets, by name; `grid(children, columns)` lays plots
        side by side)."""
        timeline = W.VBox([self.picker.widget, b["timeline"],
                           W.HBox([self.another, self.caption], layout=W.Layout(align_items="center"))])
        duration = W.VBox([grid([b["duration"], b["duration_selection"]], 2), self.table.widget])
        return [("Trial timeline", timeline), ("Duration", duration)]

    # ---- drawing -----------------------------------------------------------------------------------------
    def show(self, protocol: Protocol, candidates: tuple[Candidate, ...], names: list[str]) -> None:
        """Offer these designs in the timeline's picker and draw its trial (nothing without a clock)."""
        if protocol.time is None:
            self._shown = None
            return
        self._shown = (protocol, candidates, names)
        two = len(protocol.arms) == 2
        self.picker.set_choices(names, [a.name or "" for a in protocol.arms] if two else None)
        self._show_timeline()

    def draw(self, protocol: Protocol, names: list[str], snap: Snapshot) -> None:
        """The duration views from the snapshot's time OCs: the first answer and the final one (they sit in a tab;
        fewer redraws while refining leave the kernel and the page free for the next edit). Nothing without a
        clock."""
        if snap.ocs is None or protocol.time is None or any(o.time is None for o in snap.ocs):
            return
        if protocol is self._drawn and not snap.finished:
            return
        self._drawn = protocol
        times = [o.time for o in snap.ocs]
        unit = protocol.time.time_unit
        if len(protocol.arms) == 1:
            whole = [t.arms[0] for t in times]  # type: ignore[union-attr]
            correct = [(o.arms[0].pcs, o.arms[0].stderr.get("pcs", 0.0)) for o in snap.ocs]
            self.duration.show(names, [w.figures["duration"] for w in whole], unit)
            self.tradeoff.show(names, [self._mean(w) for w in whole], correct, unit)
            self.table.show(names, whole, protocol.time.pending)
            return
        arm_names = [a.name or "" for a in protocol.arms]
        whole = [t.trial for t in times]  # type: ignore[union-attr]
        correct = [(o.joint.both_correct, o.joint.stderr.get("both_correct", 0.0)) for o in snap.ocs]  # type: ignore
        self.duration.show(names, [w.figures["duration"] for w in whole],  # type: ignore[union-attr]
                           unit, [(a, [t.arms[j].figures["duration"] for t in times])  # type: ignore[union-attr]
                                  for j, a in enumerate(arm_names)])
        self.tradeoff.show(names, [self._mean(w) for w in whole], correct, unit,  # type: ignore[arg-type]
                           "correct MTD selected in both arms")
        rows, per = [], []
        for name, t in zip(names, times):
            rows += [f"{name}, whole trial", *(f"{name}, Arm {a}" for a in arm_names)]
            per += [t.trial, *t.arms]  # type: ignore[union-attr]
        self.table.show(rows, per, protocol.time.pending)

    @staticmethod
    def _mean(t: object) -> tuple[float, float]:
        f = t.figures["duration"]  # type: ignore[attr-defined]
        return f.mean, f.stderr["mean"]

    def next(self) -> None:
        """The next simulated trial."""
        self.number += 1
        self._show_timeline()

    def _show_timeline(self) -> None:
        if self._shown is None:
            return
        protocol, candidates, names = self._shown
        i = min(self.picker.index, len(candidates) - 1)
        tl = trial_timeline(protocol, candidates[i], self.number)
        if tl is None:
            return
        two = len(protocol.arms) == 2
        arm_names = [a.name or "" for a in protocol.arms] if two else None
        self.timeline.show(tl, list(protocol.arms[0].labels), names[i], arm_names)
        unit = "" if tl.time_unit == "units" else f" {tl.time_unit}"
        if protocol.time.pending == "lose":  # type: ignore[union-attr]
            who = f"about {tl.lost:.1f} arrivals referred away"
        else:
            who = f"{sum(p.start > p.arrival for p in tl.patients)} waited for a place"
        self.caption.value = (f'<span class="p1x-note">Trial {self.number + 1} of {html.escape(names[i])}: '
                              f"{len(tl.patients)} patients over {tl.duration:.1f}{unit}, {who}; the MTD was "
                              f"decided at {tl.time_to_mtd:.1f}{unit}.</span>")
