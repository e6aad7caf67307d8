"""A Bokeh layout as an ipywidget (jupyter_bokeh.BokehModel) in its own themed Document.

The page sends back every change it applies, including each patch the kernel sent it. Those echoes cost the
kernel a full decode of the data per patch (while refining, a queue of them delayed the next edit by seconds),
and a late one overwrites newer kernel state. Only changes made in the page matter here: edits of the
sources named as editable (the draggable truth points) and events such as a tap.
"""

from __future__ import annotations

from typing import Any

from bokeh.document import Document
from bokeh.models import ColumnDataSource, LayoutDOM
from jupyter_bokeh.widgets import BokehModel

from ..theme import bokeh_theme


class PageEditsModel(BokehModel):
    """A BokehModel that takes from the page only events and changes of its editable sources."""

    def __init__(self, layout: LayoutDOM, editable: tuple[ColumnDataSource, ...] = (), **kw: Any) -> None:
        self._editable = {s.id for s in editable}
        super().__init__(layout, **kw)

    def _sync_model(self, model: BokehModel, content: dict[str, Any], buffers: list[Any]) -> None:
        if content.get("kind") == "ModelChanged":
            ref = content.get("model")
            if not (isinstance(ref, dict) and ref.get("id") in self._editable):
                return  # an echo of the kernel's own change (or a zoom): nothing to do
        super()._sync_model(model, content, buffers)


def as_widget(layout: LayoutDOM, theme: str, editable: tuple[ColumnDataSource, ...] = ()) -> PageEditsModel:
    """The layout in its own themed Document, as a widget; `editable`: sources the page may change."""
    doc = Document()
    doc.theme = bokeh_theme(theme)
    doc.add_root(layout)
    return PageEditsModel(layout, editable)
