"""The report as one HTML page: its own CSS, figures as SVG data URIs, nothing fetched (it opens offline)."""

from __future__ import annotations

import base64
import html
import re

from .document import Bullets, Code, Document, Figure, Heading, Paragraph, Table

NUMBER = re.compile(r"[-+]?[\d.,]+%?( ± [\d.]+)?( \([\d.]+\))?")  # cells aligned right
CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em;
       color: #1a1a1a; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.6em; border-bottom: 2px solid #0072B2; padding-bottom: .2em; }
h2 { font-size: 1.3em; margin-top: 1.8em; color: #0a4f7a; }
h3 { font-size: 1.1em; }
table { border-collapse: collapse; margin: .4em 0 .2em; font-size: .9em; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: .3em; }
th, td { border: 1px solid #b8c4cc; padding: .25em .6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #e8f0f6; }
p.note { font-size: .85em; color: #444; margin-top: .1em; }
figure { margin: 1em 0; } figure img { width: 100%; max-width: 52em; } figcaption { font-size: .9em; color: #333; }
pre { background: #f4f6f8; border: 1px solid #d8dee4; padding: .6em; overflow-x: auto; font-size: .85em; }
"""


def _table(t: Table) -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in t.header)
    body = "".join("<tr>" + "".join(f'<td class="num">{e(c)}</td>' if NUMBER.fullmatch(c) else f"<td>{e(c)}</td>"
                                    for c in row) + "</tr>" for row in t.rows)
    note = f'<p class="note">{e(t.note)}</p>' if t.note else ""
    return (f'<table data-key="{e(t.key)}"><caption>{e(t.caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>{note}")


def to_html(doc: Document) -> str:
    """The whole report as a standalone HTML page."""
    e = html.escape
    parts = []
    for b in doc.blocks:
        if isinstance(b, Heading):
            parts.append(f"<h{b.level}>{e(b.text)}</h{b.level}>")
        elif isinstance(b, Paragraph):
            parts.append(f"<p>{e(b.text)}</p>")
        elif isinstance(b, Bullets):
            parts.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            parts.append(_table(b))
        elif isinstance(b, Figure):
            data = base64.b64encode(b.svg.encode("utf-8")).decode("ascii")
            parts.append(f'<figure data-key="{e(b.key)}"><img alt="{e(b.caption)}" '
                         f'src="data:image/svg+xml;base64,{data}"><figcaption>{e(b.caption)}</figcaption></figure>')
        elif isinstance(b, Code):
            parts.append(f'<pre><code class="language-{e(b.language)}">{e(b.text)}</code></pre>')
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{e(doc.title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
            f"<body>\n" + "\n".join(parts) + "\n</body></html>\n")
