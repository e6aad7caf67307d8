"""The time figures of each design in a table (each column titled in words, with a tooltip): how long the trial
takes, when the MTD is decided, who waits, who is lost, how long accrual is suspended, and how many decisions are
made with outcomes pending."""

from __future__ import annotations

import ipywidgets as W

from ...core.clock.oc import TimeOC
from ..words import pct
from .summary import Columns, html_table

#: (key, label, tooltip); in labels "{u}" becomes " (weeks)" and "{w}" ", weeks" (nothing for plain units).
COLUMNS = (
    ("design", "Design", "The design (with two arms: the whole trial, then each arm)."),
    ("median", "Median duration{u}", "Half of the simulated trials are over by then (the mean, with its standard "
                                     "error, is on the plot of duration against correct selection)."),
    ("p90", "90% over by{u}", "90% of the simulated trials are over by then."),
    ("time_to_mtd", "MTD decided at{u}", "Average time of the final decision, every outcome it needs known."),
    ("suspended", "Accrual suspended{u}", "Average time per trial during which no dose could be assigned (the "
                                          "design waited for DLT windows to end)."),
    ("waited", "Patients who waited (mean wait{w})", "Average number of patients per trial who arrived while no "
                                                     "dose was open and waited for a place, and the average wait of "
                                                     "one who waited."),
    ("lost", "Arrivals lost", "Average number of patients per trial referred away because no dose was open."),
    ("share_pending", "Decided with outcomes pending", "Share of the decisions made while some patients' DLT "
                                                       "windows were still open."),
)
#: The column shown for each pending policy (the other is always zero).
POLICY = {"wait": "waited", "lose": "lost"}


class TimeTable:
    """One row per design (and arm); `source.data` holds the numbers shown."""

    def __init__(self) -> None:
        self.widget = W.HTML("").add_class("p1x-time-table")
        self.source = Columns([k for k, _, _ in COLUMNS])

    def show(self, rows: list[str], times: list[TimeOC], pending: str = "wait") -> None:
        """A row per name with its time OCs (`pending`: the clock's policy, which says whether arrivals wait or
        are lost)."""
        data: dict[str, list] = {k: [] for k, _, _ in COLUMNS}
        data["mean_wait"] = []
        for name, t in zip(rows, times):
            f = t.figures
            data["design"].append(name)
            data["median"].append(f["duration"].median)
            data["p90"].append(f["duration"].p90)
            data["time_to_mtd"].append(f["time_to_mtd"].mean)
            data["suspended"].append(f["suspended"].mean)
            data["waited"].append(f["waited"].mean)
            data["mean_wait"].append(t.mean_wait)
            data["lost"].append(f["lost"].mean)
            data["share_pending"].append(t.share_pending)
        self.source.data = data
        unit = times[0].time_unit if times else "units"
        plain = unit == "units"
        shown = [c for c in COLUMNS if c[0] not in POLICY.values() or c[0] == POLICY[pending]]
        header = [(label.format(u="" if plain else f" ({unit})", w="" if plain else f", {unit}"), tip)
                  for _, label, tip in shown]
        cells = [[data["design"][i]] + [self._cell(k, data, i) for k, _, _ in shown[1:]] for i in range(len(rows))]
        self.widget.value = html_table(header, cells, "p1x-time-figures")

    @staticmethod
    def _cell(key: str, data: dict[str, list], i: int) -> str:
        if key == "share_pending":
            return pct(data[key][i])
        if key == "waited":
            return f"{data[key][i]:.1f} ({data['mean_wait'][i]:.1f})"
        return f"{data[key][i]:.1f}"
