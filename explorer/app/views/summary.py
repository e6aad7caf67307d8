"""The summary table: one row per design with the headline OCs."""

from __future__ import annotations

from bokeh.models import ColumnDataSource, DataTable, NumberFormatter, TableColumn

from ...core.oc import OperatingCharacteristics
from ..theme import table_stylesheets

COLUMNS = (
    ("design", "Design", None),
    ("pcs", "P(correct selection)", "0.000"),
    ("acceptable", "P(acceptable)", "0.000"),
    ("overdose_selection", "P(overdose selected)", "0.000"),
    ("overdose_patients", "Patients above MTD", "0.0%"),
    ("sample_size", "Mean N", "0.0"),
    ("no_selection", "P(stop early)", "0.000"),
    ("how", "Computed", None),
)


class SummaryView:
    """PCS, acceptable selection, overdose selection and patients, mean N and P(no selection) per design."""

    def __init__(self, theme: str) -> None:
        self.source = ColumnDataSource({k: [] for k, _, _ in COLUMNS})
        cols = [TableColumn(field=k, title=t, formatter=NumberFormatter(format=f), width=110) if f
                else TableColumn(field=k, title=t, width=170) for k, t, f in COLUMNS]
        self.table = DataTable(source=self.source, columns=cols, index_position=None, width=1120, height=130,
                               row_height=30, stylesheets=table_stylesheets(theme), sortable=False)
        self.layout = self.table

    def show(self, designs: list[str], ocs: list[OperatingCharacteristics]) -> None:
        """Fill the table."""
        data: dict[str, list] = {k: [] for k, _, _ in COLUMNS}
        for name, oc in zip(designs, ocs):
            data["design"].append(name)
            for k in ("pcs", "acceptable", "overdose_selection", "overdose_patients", "sample_size", "no_selection"):
                data[k].append(float(getattr(oc, k)))
            data["how"].append("exact" if oc.method == "exact" else f"MC, {oc.trials:,} trials")
        self.source.data = data
