"""The trial's clock: on or off, how patients arrive, the DLT window, when DLTs happen, what becomes of a patient who
arrives while no dose is open, and the time unit (the protocol's "time" object, options declared in core/clock)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from ...core.clock.spec import TIME_OPTIONS, TimeModel
from ...core.errors import Problem
from ..messages import as_html
from .common import Notifier, message_area

OPTIONS = {o.name: o for o in TIME_OPTIONS}

#: What a clinician reads on hovering each control (the option's `help` is the command line's wording).
TIPS = {
    "accrual": "How patients arrive: at a steady pace (one every 1/rate), at random (a Poisson stream with this "
               "average rate: gaps are sometimes long, sometimes short), or irregularly (gaps uniform between 0 and "
               "twice the average).",
    "rate": "Average number of patients who arrive (are eligible and consent) per time unit; 0.25 per week is "
            "about one a month.",
    "dlt_window": "How long each patient is followed for a DLT before their outcome counts as known.",
    "time_to_dlt": "When a DLT happens within the window: evenly over it (as dfcrm's titesim), or mostly early or "
                   "mostly late (a Weibull time whose late share you set).",
    "late_onset": "Weibull timing: the share of DLTs that happen in the second half of the window (0.3: most DLTs "
                  "come early, as cytokine release often does; 0.7: most come late).",
    "pending": "While the design cannot give anyone a dose (it waits for DLT windows to end), a new patient either "
               "waits for a place (the trial takes longer) or is referred away (lost to the trial).",
    "duration": "When the trial's duration ends: the last patient's DLT window over (as dfcrm and TITEgBOIN), the "
                "final decision, or the last patient's start.",
    "time_unit": "The unit every time is in: the arrival rate is per unit, the DLT window and the durations in units.",
}
SINGULAR = {"days": "day", "weeks": "week", "months": "month", "years": "year", "units": "time unit"}
#: What the section shows when the clock is first turned on: about a patient a month, a month's window.
START = TimeModel(accrual="poisson", rate=1.0, dlt_window=1.0, time_unit="months")


def field(name: str) -> W.Widget:
    """The widget of one time option, labelled in words, its tooltip a clinician's sentence."""
    o = OPTIONS[name]
    kw: dict[str, Any] = {"description": o.title, "tooltip": TIPS[name], "style": {"description_width": "12em"},
                          "layout": W.Layout(width="98%")}
    if o.kind == "choice":
        return W.Dropdown(options=[(o.choice_title(c), c) for c in o.choices], value=o.default, **kw)
    return W.FloatText(value=o.default, step=0.1, **kw)


class TimeControls(Notifier):
    """The Time section; `values()` is the protocol's "time" object (None when the clock is off)."""

    def __init__(self) -> None:
        self.on = W.Checkbox(value=False, description="Trial in calendar time", indent=False,
                             tooltip="Patients arrive one by one and each DLT window takes time: the results then "
                                     "say how long the trial takes, and designs that enrol with outcomes pending "
                                     "(TITE-CRM, TITE-BOIN, rolling six) can use it.",
                             layout=W.Layout(width="98%"))
        self.on.add_class("p1x-time-on")
        self.fields = {name: field(name) for name in OPTIONS}
        for name, w in self.fields.items():
            w.add_class(f"p1x-time-{name.replace('_', '-')}")
            w.value = getattr(START, name)
        self.message = message_area()
        self.arm_note = W.HTML("")
        self.body = W.VBox([self.fields[n] for n in ("time_unit", "accrual", "rate", "dlt_window", "time_to_dlt",
                                                     "late_onset", "pending", "duration")]
                           + [self.arm_note])
        self.widget = W.VBox([self.on, self.body, self.message])
        super().__init__()
        self._arm_times: tuple[dict[str, Any] | None, ...] = ()
        self._arm_names: tuple[str, ...] = ()
        self._follow()
        self.on.observe(lambda _: self._on_change(), names="value")
        for w in self.fields.values():
            w.observe(lambda _: self._on_change(), names="value")

    @property
    def enabled(self) -> bool:
        """Whether the trial has a clock."""
        return bool(self.on.value)

    def values(self) -> dict[str, Any] | None:
        """The "time" object (every option written out), or None without a clock."""
        if not self.on.value:
            return None
        return {name: w.value for name, w in self.fields.items()}

    def arm_times(self) -> tuple[dict[str, Any] | None, ...]:
        """Each arm's own "time" (its DLT window settings) as the protocol last shown had them; none without a
        clock."""
        return self._arm_times if self.on.value else ()

    def load(self, time: dict[str, Any] | None, arm_times: tuple[dict[str, Any] | None, ...] = (),
             arm_names: tuple[str, ...] = ()) -> None:
        """Show a protocol's clock (None: off, the fields keep what they hold) and the arms' own window settings,
        with no change notification (the caller batches)."""
        with self.quietly():
            self.on.value = time is not None
            for name, value in (time or {}).items():
                self.fields[name].value = value
            self._arm_times, self._arm_names = tuple(arm_times), tuple(arm_names)
            self._follow()

    def show_problems(self, problems: list[Problem]) -> None:
        """The clock's problems under the section, each starting with the label of the control it concerns."""
        lines = []
        for p in problems:
            name = next((k for k in p.path if isinstance(k, str) and k in OPTIONS), None)
            arm = p.path[1] if p.path and p.path[0] == "arms" and len(p.path) > 1 else None
            where = self.fields[name].description if name is not None else "Time"
            if isinstance(arm, int):
                where = f"Arm {self._arm_name(arm)}, {where}"
            lines.append(f"{where}: {p.message}")
        self.message.value = as_html(lines)

    def _arm_name(self, j: int) -> str:
        return self._arm_names[j] if j < len(self._arm_names) and self._arm_names[j] else "AB"[j]

    def _on_change(self) -> None:
        self._follow()
        self._changed()

    def _follow(self) -> None:
        """Show the fields only with the clock on, the late share only for Weibull timing, the unit in labels."""
        on = bool(self.on.value)
        self.body.layout.display = "" if on else "none"
        unit = self.fields["time_unit"].value
        self.fields["rate"].description = f"Patients per {SINGULAR[unit]}"
        self.fields["dlt_window"].description = f"DLT window ({unit})" if unit != "units" else "DLT window"
        self.fields["late_onset"].layout.display = "" if self.fields["time_to_dlt"].value == "weibull" else "none"
        own = [(j, t) for j, t in enumerate(self._arm_times) if t]
        self.arm_note.value = "".join(
            f'<div class="p1x-note">Arm {html.escape(self._arm_name(j))} has its own DLT settings (from the file): '
            + html.escape(", ".join(f"{OPTIONS[k].title} {v}" for k, v in t.items())) + "</div>"
            for j, t in own)
