"""The report as plain blocks (headings, paragraphs, tables, figures, code), written once and rendered by the HTML,
Markdown and Word writers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    """A section title; level 1 is the report's title."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """Plain text (no markup)."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A list of plain-text items."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """A table of text cells: `key` names it for tests and readers of the file ("oc", "oc-arm-2", "decision-boin")."""

    key: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """A figure drawn once: `png` for Word and Markdown, `svg` for HTML."""

    key: str
    caption: str
    png: bytes
    svg: str


@dataclass(frozen=True)
class Code:
    """Text shown as is (a command, a Python call, the protocol JSON)."""

    text: str
    language: str = ""


Block = Heading | Paragraph | Bullets | Table | Figure | Code


@dataclass(frozen=True)
class Document:
    """The whole report: its title and blocks in order, and the numbers it was built from (simulate's JSON object)."""

    title: str
    blocks: tuple[Block, ...]
    data: dict = field(default_factory=dict, compare=False)

    def tables(self) -> list[Table]:
        """Every table, in order."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        """Every figure, in order."""
        return [b for b in self.blocks if isinstance(b, Figure)]
