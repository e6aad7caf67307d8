"""Files: download the protocol (JSON) and the OCs (CSV); upload a protocol JSON to restore a session."""

from __future__ import annotations

import base64
import html
from collections.abc import Callable

import ipywidgets as W

from .common import message_area


def download_link(text: str | bytes, filename: str, mime: str, caption: str) -> str:
    """An HTML link that saves `text` (or bytes) as `filename` (a data: URI, so it works in Voila with no server
    route)."""
    data = base64.b64encode(text if isinstance(text, bytes) else text.encode("utf-8")).decode("ascii")
    return (f'<a class="p1x-download" download="{html.escape(filename)}" href="data:{mime};base64,{data}" '
            f'style="margin-right:1em">⬇ {html.escape(caption)}</a>')


class FileControls:
    """Upload and download widgets; the controller fills the links and handles uploads."""

    def __init__(self) -> None:
        # No description: ipywidgets writes it with a file counter ("Open protocol… (0)"); the page's CSS writes
        # the caption instead (theme.page_css).
        self.upload = W.FileUpload(accept=".json,application/json", multiple=False, description="",
                                   tooltip="Open a protocol file (JSON) saved from this page or written by hand",
                                   layout=W.Layout(width="auto"))
        self.upload.add_class("p1x-upload")
        self.message = message_area()
        self.message.add_class("p1x-upload-message")
        self.links = W.HTML(value="")
        self._listeners: list[Callable[[bytes, str], None]] = []
        self.upload.observe(self._on_upload, names="value")
        self.links.add_class("p1x-links")
        self.widget = W.HBox([self.links, self.upload], layout=W.Layout(align_items="center",
                                                                         flex_flow="row wrap"))

    def on_upload(self, callback: Callable[[bytes, str], None]) -> None:
        """Call callback(content, filename) when a file is uploaded."""
        self._listeners.append(callback)

    def set_links(self, protocol_json: str | None, csv: str | None, stem: str) -> None:
        """Refresh the download links (None: nothing valid to save yet)."""
        parts = []
        if protocol_json is not None:
            parts.append(download_link(protocol_json, f"{stem}.json", "application/json", "protocol"))
        if csv is not None:
            parts.append(download_link(csv, f"{stem}-oc.csv", "text/csv", "results (CSV)"))
        self.links.value = "".join(parts)

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        for cb in self._listeners:
            cb(bytes(f["content"]), f.get("name", "protocol.json"))
