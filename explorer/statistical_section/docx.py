"""The report as a Word document (python-docx): real Word tables, PNG pictures, code in a monospaced font."""

from __future__ import annotations

import io

from .document import Bullets, Code, Document, Figure, Heading, Paragraph, Table


def to_docx(doc: Document) -> bytes:
    """The whole report as the bytes of a .docx file."""
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Inches, Pt

    d = docx.Document()
    d.core_properties.title = doc.title
    d.core_properties.author = "phase1-explorer"
    for b in doc.blocks:
        if isinstance(b, Heading):
            d.add_heading(b.text, level=0 if b.level == 1 else b.level - 1)
        elif isinstance(b, Paragraph):
            d.add_paragraph(b.text)
        elif isinstance(b, Bullets):
            for item in b.items:
                d.add_paragraph(item, style="List Bullet")
        elif isinstance(b, Table):
            d.add_paragraph(b.caption, style="Caption")
            t = d.add_table(rows=1 + len(b.rows), cols=len(b.header))
            t.style = "Table Grid"
            t.alignment = WD_TABLE_ALIGNMENT.LEFT
            for j, h in enumerate(b.header):
                cell = t.rows[0].cells[j]
                cell.text = h
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for i, row in enumerate(b.rows, start=1):
                for j, c in enumerate(row):
                    t.rows[i].cells[j].text = c
            for row in t.rows:
                for cell in row.cells:
                    for p in cell.paragraphs:
                        for run in p.runs:
                            run.font.size = Pt(8)
            if b.note:
                p = d.add_paragraph()
                run = p.add_run(b.note)
                run.italic = True
                run.font.size = Pt(8)
        elif isinstance(b, Figure):
            d.add_picture(io.BytesIO(b.png), width=Inches(6.3))
            d.add_paragraph(b.caption, style="Caption")
        elif isinstance(b, Code):
            for line in b.text.rstrip("\n").split("\n"):
                p = d.add_paragraph()
                p.paragraph_format.space_after = Pt(0)
                run = p.add_run(line)
                run.font.name = "Courier New"
                run.font.size = Pt(8)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()
