"""The summary table: one row per design with the headline OCs."""

from __future__ import annotations

from bokeh.models import ColumnDataSource, DataTable, NumberFormatter, TableColumn

from ...core.oc import OperatingCharacteristics
from ..theme import table_stylesheets

COLUMNS = (  # field, title, number format, width in pixels (wide enough for the title at the table's 14px)
    ("design", "Design", None, 210),
    ("pcs", "P(correct selection)", "0.000", 160),
    ("acceptable", "P(acceptable)", "0.000", 120),
    ("overdose_selection", "P(overdose selected)", "0.000", 170),
    ("overdose_patients", "Patients above MTD", "0.0%", 155),
    ("sample_size", "Mean N", "0.0", 80),
    ("no_selection", "P(stop early)", "0.000", 115),
    ("how", "Computed", None, 130),
)


class SummaryView:
    """PCS, acceptable selection, overdose selection and patients, mean N and P(no selection) per design."""

    def __init__(self, theme: str) -> None:
        self.source = ColumnDataSource({k: [] for k, *_ in COLUMNS}, name="summary")
        cols = [TableColumn(field=k, title=t, width=w, **({"formatter": NumberFormatter(format=f)} if f else {}))
                for k, t, f, w in COLUMNS]
        self.table = DataTable(source=self.source, columns=cols, index_position=None, autosize_mode="none",
                               width=sum(c[3] for c in COLUMNS) + 2, height=130, row_height=30,
                               stylesheets=table_stylesheets(theme), sortable=False)
        self.layout = self.table

    def show(self, designs: list[str], ocs: list[OperatingCharacteristics], first: str = "Design") -> None:
        """Fill the table (one row per name in `designs`; `first` titles that column, e.g. "Arm, design")."""
        self.table.columns[0].title = first
        data: dict[str, list] = {k: [] for k, *_ in COLUMNS}
        for name, oc in zip(designs, ocs):
            data["design"].append(name)
            for k in ("pcs", "acceptable", "overdose_selection", "overdose_patients", "sample_size", "no_selection"):
                data[k].append(float(getattr(oc, k)))
            data["how"].append("exact" if oc.method == "exact" else f"MC, {oc.trials:,} trials")
        self.source.data = data
        self.table.height = max(130, 40 + 30 * len(designs))
