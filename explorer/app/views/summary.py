"""The summary table: one row per design with the headline OCs, each column titled in words with a tooltip (an HTML
table: it takes the width its cells need and wraps its headers, so no cell is cut off at any page width)."""

from __future__ import annotations

import html

import ipywidgets as W

from ...core.oc import OperatingCharacteristics
from ..words import METRICS, pct

#: The numbers kept (`source.data`), and the columns shown, in order: mean patients (and the most a trial may
#: enrol) sits next to correct selection, as a larger trial selects better.
KEYS = ("design", "pcs", "sample_size", "max_n", "acceptable", "overdose_selection", "overdose_patients",
        "no_selection", "how")
COLUMNS = tuple(k for k in KEYS if k != "max_n")
PERCENT = ("pcs", "acceptable", "overdose_selection", "overdose_patients", "no_selection")


def html_table(header: list[tuple[str, str]], rows: list[list[str]], css: str,
               row_tips: list[str] | None = None) -> str:
    """A table with titled headers ((label, tooltip) each; "" for none); the first cell of a row names it (with
    `row_tips`, a tooltip each)."""
    def tip(text: str) -> str:
        return f' title="{html.escape(text)}"' if text else ""

    head = "".join(f"<th{tip(t)}>{html.escape(label)}</th>" for label, t in header)
    body = "".join(f"<tr><th{tip(row_tips[r] if row_tips else '')}>{html.escape(row[0])}</th>"
                   + "".join(f"<td>{html.escape(c)}</td>" for c in row[1:]) + "</tr>" for r, row in enumerate(rows))
    return (f'<div class="p1x-table-wrap"><table class="p1x-table {css}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


class Columns:
    """The cells a table shows, by column (`data`, as the Bokeh ColumnDataSource these tables once were)."""

    def __init__(self, keys: tuple[str, ...] | list[str]) -> None:
        self.data: dict[str, list] = {k: [] for k in keys}


class SummaryView:
    """PCS, mean and maximum patients, acceptable and overdose selection, patients above the MTD and no selection
    per design; `source.data` holds the numbers shown (columns by key)."""

    def __init__(self) -> None:
        self.widget = W.HTML("").add_class("p1x-summary")
        self.source = Columns(KEYS)

    def show(self, designs: list[str], ocs: list[OperatingCharacteristics], max_ns: list[int],
             first: str = "Design") -> None:
        """Fill the table: one row per name in `designs`, with each design's maximum sample size (`first` titles the
        name column, e.g. "Arm, design")."""
        data: dict[str, list] = {k: [] for k in KEYS}
        for name, oc, max_n in zip(designs, ocs, max_ns):
            data["design"].append(name)
            for k in PERCENT + ("sample_size",):
                data[k].append(float(getattr(oc, k)))
            data["max_n"].append(int(max_n))
            data["how"].append("exact" if oc.method == "exact" else f"Monte Carlo, {oc.trials:,} trials")
        self.source.data = data
        # how the rows were computed is a column only when they differ: the status line above says it otherwise
        columns = COLUMNS if len(set(data["how"])) > 1 else tuple(k for k in COLUMNS if k != "how")
        header = [(first, METRICS["design"].tip) if k == "design" else (METRICS[k].label, METRICS[k].tip)
                  for k in columns]
        rows = [[f"{data[k][i]:.1f} ({data['max_n'][i]})" if k == "sample_size" else self._cell(k, data[k][i])
                 for k in columns] for i in range(len(designs))]
        self.widget.value = html_table(header, rows, "p1x-summary-table")

    @staticmethod
    def _cell(key: str, value: object) -> str:
        if key in PERCENT:
            return pct(float(value))  # type: ignore[arg-type]
        return str(value)
