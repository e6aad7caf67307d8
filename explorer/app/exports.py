"""What the download links hold: the OCs as CSV (one block per design compared) and the files' names."""

from __future__ import annotations

import re

from ..core.protocol import Protocol


def with_design_column(names: list[str], blocks: list[str]) -> str:
    """One CSV from one block per design, with a leading `design` column when several are compared."""
    if len(blocks) == 1:
        return blocks[0]
    out: list[str] = []
    for name, block in zip(names, blocks):
        lines = block.splitlines()
        if not out:
            out.append("design," + lines[0])
        out += [f'"{name}",{line}' for line in lines[1:]]
    return "\n".join(out) + "\n"


def file_stem(protocol: Protocol) -> str:
    """A file name stem from the protocol's title or design, e.g. 'car4sar-like-3-3'."""
    text = protocol.title or f"protocol-{protocol.arms[0].design.method}"
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "protocol"
