"""What the download links hold: the protocol file and the OCs as CSV (one block per design compared)."""

from __future__ import annotations

import re

from ..core.oc import OperatingCharacteristics
from ..core.protocol import Protocol
from ..core.runner import Result
from ..reports import result_as_csv


def oc_csv(protocols: list[Protocol], ocs: list[OperatingCharacteristics]) -> str:
    """The reports module's CSV for each design, with a leading `design` column when several are compared."""
    if len(protocols) == 1:
        return result_as_csv(Result(protocols[0], ocs[0]))
    out: list[str] = []
    for p, oc in zip(protocols, ocs):
        lines = result_as_csv(Result(p, oc)).splitlines()
        if not out:
            out.append("design," + lines[0])
        out += [f'"{p.design.method}",{line}' for line in lines[1:]]
    return "\n".join(out) + "\n"


def file_stem(protocol: Protocol) -> str:
    """A file name stem from the protocol's title or design, e.g. 'car4sar-like-3-3'."""
    text = protocol.title or f"protocol-{protocol.design.method}"
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "protocol"
