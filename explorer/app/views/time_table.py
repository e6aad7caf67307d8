"""The time figures of each design in a table (each column titled in words, with a tooltip): how long the trial
takes, when the MTD is decided, who waits, who is lost, how long accrual is suspended, and how many decisions are
made with outcomes pending."""

from __future__ import annotations

import ipywidgets as W

from ...core.clock.oc import TimeOC
from ..words import pct
from .summary import Columns, html_table

#: (key, label, tooltip); the label's "{u}" becomes the time unit.
COLUMNS = (
    ("design", "Design", "The design (with two arms: the whole trial, then each arm)."),
    ("median", "Median duration{u}", "Half of the simulated trials are over by then."),
    ("p90", "90% over by{u}", "90% of the simulated trials are over by then."),
    ("mean", "Mean duration{u}", "Average trial duration (± its Monte Carlo standard error in the tooltip)."),
    ("time_to_mtd", "MTD decided at{u}", "Average time of the final decision, every outcome it needs known."),
    ("waited", "Patients who waited", "Average number of patients per trial who arrived while no dose was open "
                                      "and waited for a place."),
    ("mean_wait", "Mean wait{u}", "Average wait of a patient who waited."),
    ("lost", "Arrivals lost", "Average number of patients per trial referred away because no dose was open."),
    ("suspended", "Accrual suspended{u}", "Average time per trial during which no dose could be assigned."),
    ("share_pending", "Decisions with outcomes pending", "Share of the decisions made while some patients' DLT "
                                                         "windows were still open."),
)


class TimeTable:
    """One row per design (and arm); `source.data` holds the numbers shown."""

    def __init__(self) -> None:
        self.widget = W.HTML("").add_class("p1x-time-table")
        self.source = Columns([k for k, _, _ in COLUMNS])

    def show(self, rows: list[str], times: list[TimeOC]) -> None:
        """A row per name with its time OCs."""
        data: dict[str, list] = {k: [] for k, _, _ in COLUMNS}
        for name, t in zip(rows, times):
            f = t.figures
            data["design"].append(name)
            data["median"].append(f["duration"].median)
            data["p90"].append(f["duration"].p90)
            data["mean"].append(f["duration"].mean)
            data["time_to_mtd"].append(f["time_to_mtd"].mean)
            data["waited"].append(f["waited"].mean)
            data["mean_wait"].append(t.mean_wait)
            data["lost"].append(f["lost"].mean)
            data["suspended"].append(f["suspended"].mean)
            data["share_pending"].append(t.share_pending)
        self.source.data = data
        unit = times[0].time_unit if times else "units"
        u = "" if unit == "units" else f" ({unit})"
        header = [(label.format(u=u), tip) for _, label, tip in COLUMNS]
        cells = [[data["design"][i]] + [pct(data[k][i]) if k == "share_pending" else f"{data[k][i]:.1f}"
                                        for k, _, _ in COLUMNS[1:]] for i in range(len(rows))]
        self.widget.value = html_table(header, cells, "p1x-time-figures")
