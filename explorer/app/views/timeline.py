"""One simulated trial in calendar time: each patient a bar from arrival to the end of their DLT window (pale while
waiting for a place, then the window in the arm's colour), DLTs marked when they happen, and above the patients a
lane per arm with the design's decisions and the times accrual was suspended."""

from __future__ import annotations

from typing import Any

from bokeh.models import ColumnDataSource, HoverTool, Legend, LegendItem, Range1d

from ...core.clock.timeline import Timeline
from .style import NONE_LABEL, arm_colour, compact_legend, fit_title, new_figure, set_ticks, short_labels

ROW = 18  # pixels per patient (or decision lane), within the plot's height bounds
HEIGHT = (380, 720)
DLT_COLOUR = "#d62728"
SUSPENDED = ("#9a9a9a", "#8d959c")  # accrual suspended (light theme, dark theme)
TEXT = ("#333333", "#e0e0e0")
HALO = ("#ffffff", "#15191c")
BAR = 0.62  # a patient's bar height, in rows


def short_name(name: str) -> str:
    """An arm's name as short as the plot's margins need ("A (systemic)" → "A")."""
    return name if len(name) <= 10 else name.split(" ")[0][:10]


def lane_of(arm: int, arms: int) -> int:
    """The y of an arm's decision lane: just above patient 1 (rows grow downwards), Arm A's above Arm B's."""
    return arm - arms + 1  # one arm: 0; two arms: -1 (A) and 0 (B)


class TimelineView:
    """The timeline plot; `show(timeline, ...)` draws one trial (the pipeline's `trial_timeline`)."""

    def __init__(self, theme: str = "light") -> None:
        dark = theme == "dark"
        self.patients = ColumnDataSource({k: [] for k in (
            "patient", "arm", "arm_name", "dose", "dose_label", "arrival", "start", "window_end", "wait", "dlt",
            "dlt_time", "colour", "legend", "outcome")}, name="timeline")
        self.dlts = ColumnDataSource({"time": [], "patient": [], "dose_label": []}, name="timeline-dlts")
        self.decisions = ColumnDataSource({k: [] for k in ("time", "lane", "arm", "arm_name", "kind", "dose",
                                                           "dose_label", "pending", "colour", "marker", "text",
                                                           "what", "bottom")}, name="timeline-decisions")
        self.suspensions = ColumnDataSource({"arm": [], "arm_name": [], "lane": [], "start": [], "end": []},
                                            name="timeline-suspensions")
        self.fig = new_figure("One simulated trial in calendar time", "time", "patient (in order of arrival)",
                              height=HEIGHT[0], x_range=Range1d(0, 1), y_range=Range1d(10, -1))
        self.fig.ygrid.grid_line_alpha = 0.35
        # decisions: a faint line down through the patients (the bars it crosses are the outcomes still pending)
        guides = self.fig.segment(x0="time", x1="time", y0="lane", y1="bottom", source=self.decisions,
                                  line_color="colour", line_alpha=0.35, line_dash="dotted", line_width=1.5)
        wait = self.fig.hbar(y="patient", left="arrival", right="start", height=BAR * 0.55, source=self.patients,
                             fill_color="colour", fill_alpha=0.28, line_color="colour", line_alpha=0.6,
                             line_dash="dashed")
        bars = self.fig.hbar(y="patient", left="start", right="window_end", height=BAR, source=self.patients,
                             fill_color="colour", fill_alpha=0.85, line_color="colour")
        self.fig.text(x="window_end", y="patient", text="dose_label", source=self.patients, x_offset=4,
                      text_baseline="middle", text_font_size="11px", text_color=TEXT[dark])
        self.fig.scatter("time", "patient", source=self.dlts, marker="x", size=15, line_width=7,
                         color=HALO[dark])  # a halo: the red cross reads on either arm's colour
        crosses = self.fig.scatter("time", "patient", source=self.dlts, marker="x", size=13, line_width=3.5,
                                   color=DLT_COLOUR)
        pause = self.fig.hbar(y="lane", left="start", right="end", height=0.5, source=self.suspensions,
                              fill_color=SUSPENDED[dark], fill_alpha=0.6, line_alpha=0)
        marks = self.fig.scatter("time", "lane", source=self.decisions, marker="marker", size=13,
                                 fill_color="colour", line_color=TEXT[dark], line_width=1)
        self.fig.text(x="time", y="lane", text="text", source=self.decisions, x_offset=10, text_align="left",
                      text_baseline="middle", text_font_size="12px", text_font_style="bold", text_color=TEXT[dark])
        self.fig.add_tools(
            HoverTool(renderers=[bars, wait], tooltips=[
                ("patient", "@patient (@arm_name)"), ("dose", "@dose_label"), ("arrived", "@arrival{0.0}"),
                ("started", "@start{0.0} (waited @wait{0.0})"), ("window ends", "@window_end{0.0}"),
                ("outcome", "@outcome")]),
            HoverTool(renderers=[crosses], tooltips=[("DLT at", "@time{0.0}"), ("patient", "@patient"),
                                                     ("dose", "@dose_label")]),
            HoverTool(renderers=[marks], tooltips=[("", "@what"), ("at", "@time{0.0}"),
                                                   ("outcomes pending", "@pending")]),
            HoverTool(renderers=[pause], tooltips=[("accrual suspended", "@start{0.0} to @end{0.0}"),
                                                   ("", "@arm_name")]))
        self.items = [LegendItem(label="DLT window", renderers=[bars]),
                      LegendItem(label="Arm B", renderers=[bars], visible=False),
                      LegendItem(label="waiting for a place", renderers=[wait]),
                      LegendItem(label="DLT", renderers=[crosses]),
                      LegendItem(label="decision (▲ next dose, ★ final)", renderers=[marks, guides]),
                      LegendItem(label="accrual suspended", renderers=[pause])]
        # below the plot, never over a bar (patients fill the plot's diagonal, decisions its top)
        self.fig.add_layout(Legend(items=self.items, orientation="horizontal", ncols=3), "below")
        compact_legend(self.fig)
        self.fig.legend.spacing = 18
        self.fig.legend.background_fill_alpha = 0
        self.fig.legend.border_line_alpha = 0
        self.layout = self.fig

    def show(self, timeline: Timeline, labels: list[str], design: str, arm_names: list[str] | None = None) -> None:
        """Draw a trial (labels: the ladder; design: its name as users know it; arm_names: two arms' names)."""
        arms = len(arm_names) if arm_names else 1
        names = arm_names or [""]
        shown, _ = short_labels(labels)
        data: dict[str, list[Any]] = {k: [] for k in self.patients.data}
        dlts: dict[str, list[Any]] = {k: [] for k in self.dlts.data}
        for i, p in enumerate(timeline.patients, start=1):
            data["patient"].append(i)
            data["arm"].append(p.arm)
            data["arm_name"].append(f"Arm {names[p.arm]}" if arm_names else "")
            data["dose"].append(p.dose + 1)
            data["dose_label"].append(shown[p.dose])
            data["arrival"].append(p.arrival)
            data["start"].append(p.start)
            data["window_end"].append(p.window_end)
            data["wait"].append(p.start - p.arrival)
            data["dlt"].append(p.dlt)
            data["dlt_time"].append(p.dlt_time if p.dlt else float("nan"))
            data["colour"].append(arm_colour(p.arm))
            data["legend"].append(f"Arm {names[p.arm]}")
            data["outcome"].append(f"DLT at {p.dlt_time:.1f}" if p.dlt else "no DLT")
            if p.dlt:
                dlts["time"].append(p.dlt_time)
                dlts["patient"].append(i)
                dlts["dose_label"].append(shown[p.dose])
        self.patients.data = data
        self.dlts.data = dlts
        dec: dict[str, list[Any]] = {k: [] for k in self.decisions.data}
        for d in timeline.decisions:
            final = d.kind == "stop"
            label = shown[d.dose] if d.dose >= 0 else NONE_LABEL
            dec["time"].append(d.time)
            dec["lane"].append(lane_of(d.arm, arms))
            dec["arm"].append(d.arm)
            dec["arm_name"].append(f"Arm {names[d.arm]}" if arm_names else "")
            dec["kind"].append(d.kind)
            dec["dose"].append(d.dose + 1 if d.dose >= 0 else None)
            dec["dose_label"].append(label)
            dec["pending"].append(d.pending)
            dec["colour"].append(arm_colour(d.arm))
            dec["marker"].append("star" if final else "triangle")
            dec["text"].append(f"MTD {label}" if final and d.dose >= 0 else label if final else "")
            dec["what"].append(f"selected {label}" if final else f"next patients get {label}")
            dec["bottom"].append(len(timeline.patients) + 0.5)  # a guide ends at the last patient (a far end is slow
            # to draw in the browser)
        self.decisions.data = dec
        self.suspensions.data = {"arm": [s[0] for s in timeline.suspensions],
                                 "arm_name": [f"Arm {names[s[0]]}" if arm_names else "" for s in timeline.suspensions],
                                 "lane": [lane_of(s[0], arms) for s in timeline.suspensions],
                                 "start": [s[1] for s in timeline.suspensions],
                                 "end": [s[2] for s in timeline.suspensions]}
        self._frame(timeline, labels, design, arms, names, bool(arm_names))

    def _frame(self, timeline: Timeline, labels: list[str], design: str, arms: int, names: list[str],
               two: bool) -> None:
        """Axes, ticks, legend and title for the trial drawn."""
        n = len(timeline.patients)
        end = max([timeline.duration, *(p.window_end for p in timeline.patients)], default=1.0)
        self.fig.x_range.start, self.fig.x_range.end = 0, end * 1.16 or 1.0  # room for the final decision's text
        top = lane_of(0, arms)
        self.fig.height = min(max(HEIGHT[0], 190 + ROW * (n + arms)), HEIGHT[1])  # axes, title and legend: ~190
        self.fig.y_range.start, self.fig.y_range.end = n + 0.7, top - 0.7  # patient 1 at the top
        step = 1 if n <= 24 else 2 if n <= 48 else 5
        set_ticks(self.fig.yaxis, [*range(top, 1), *range(step, n + 1, step)] if n else list(range(top, 1)))
        short = [short_name(n) for n in names]
        self.fig.yaxis.major_label_overrides = {lane_of(j, arms): (f"{short[j]}: decisions" if two else "decisions")
                                                for j in range(arms)}
        unit = timeline.time_unit
        self.fig.xaxis.axis_label = "time since the trial opened" + ("" if unit == "units" else f" ({unit})")
        self.items[0].label = {"value": f"Arm {names[0]}: DLT window" if two else "DLT window"}
        self.items[1].label = {"value": f"Arm {names[1]}: DLT window" if two else ""}
        self.items[1].visible = two
        for j in range(2):  # each arm's legend entry drawn like that arm's first bar
            self.items[j].index = next((i for i, p in enumerate(timeline.patients) if p.arm == j), None)
        shown, _ = short_labels(labels)
        chosen = [shown[s] if s >= 0 else NONE_LABEL for s in timeline.selected]
        picked = ", ".join(f"{short[j]}: {c}" for j, c in enumerate(chosen)) if two else (chosen[0] if chosen else "")
        unit_word = "" if unit == "units" else f" {unit}"
        fit_title(self.fig, f"One simulated {design} trial: {n} patients, {timeline.duration:.0f}{unit_word} → "
                            f"{picked}", room=70)
