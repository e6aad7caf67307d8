"""The report as Markdown: tables as pipe tables, figures as PNG data URIs (the file stands alone)."""

from __future__ import annotations

import base64

from .document import Bullets, Code, Document, Figure, Heading, Paragraph, Table


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_markdown(t: Table) -> list[str]:
    """A table with its caption above and its note below."""
    lines = [f"**{t.caption}**", "", "| " + " | ".join(_cell(h) for h in t.header) + " |",
             "|" + "---|" * len(t.header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in t.rows]
    return lines + ([""] + [f"*{t.note}*"] if t.note else []) + [""]


def to_markdown(doc: Document) -> str:
    """The whole report as Markdown text."""
    out: list[str] = []
    for b in doc.blocks:
        if isinstance(b, Heading):
            out += ["#" * b.level + " " + b.text, ""]
        elif isinstance(b, Paragraph):
            out += [b.text, ""]
        elif isinstance(b, Bullets):
            out += [f"- {item}" for item in b.items] + [""]
        elif isinstance(b, Table):
            out += table_markdown(b)
        elif isinstance(b, Figure):
            data = base64.b64encode(b.png).decode("ascii")
            out += [f"![{b.caption}](data:image/png;base64,{data})", "", f"*{b.caption}*", ""]
        elif isinstance(b, Code):
            out += [f"```{b.language}", b.text.rstrip("\n"), "```", ""]
    return "\n".join(out)
