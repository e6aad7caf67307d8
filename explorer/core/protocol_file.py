"""Protocol files: read (size and nesting capped before parsing, so a broken or hostile file gets a message, not a
crash), validated, and written."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from .errors import Problem, ProtocolError
from .protocol import Protocol
from .validation import protocol_from_dict

#: A protocol (or study) file is a few kilobytes; anything beyond this is not one.
MAX_BYTES = 1_000_000
#: Protocols nest five levels deep (arms → arm → design → skeleton); a study a few more.
MAX_DEPTH = 32
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


def nesting_depth(text: bytes) -> int:
    """The deepest nesting of [ and { in JSON text (brackets inside strings not counted)."""
    bare = np.frombuffer(_STRINGS.sub(b'""', text), dtype=np.uint8)
    step = np.isin(bare, (ord("["), ord("{"))).astype(np.int64) - np.isin(bare, (ord("]"), ord("}")))
    return int(np.cumsum(step).max(initial=0))


def read_json(text: str | bytes, source: str = "protocol") -> Any:
    """JSON text parsed, after checking its size and nesting; ProtocolError with a message otherwise."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    if len(data) > MAX_BYTES:
        raise ProtocolError(Problem("", f"{source} is {len(data):,} bytes; a protocol file is at most "
                                        f"{MAX_BYTES:,} bytes. Is this the right file?"))
    depth = nesting_depth(data)
    if depth > MAX_DEPTH:
        raise ProtocolError(Problem("", f"{source} nests lists and objects {depth:,} levels deep; a protocol nests "
                                        f"at most {MAX_DEPTH}. Is this the right file?"))
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(Problem("", f"{source} is not UTF-8 text; save the protocol as a JSON file.")) from None
    try:
        return json.loads(decoded)
    except json.JSONDecodeError as e:
        raise ProtocolError(Problem("", f"{source} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}. "
                                        f"Check commas, quotes and brackets near there.")) from None
    except (RecursionError, ValueError) as e:  # e.g. a number too long for int()
        raise ProtocolError(Problem("", f"{source} cannot be read as JSON: {e}.")) from None


def read_bytes(path: str | Path) -> bytes:
    """A file's bytes, at most MAX_BYTES + 1 of them; ProtocolError with a message if it cannot be read."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            return f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ProtocolError(Problem("", f"{p}: no such file; give the path of a protocol JSON file.")) from None
    except IsADirectoryError:
        raise ProtocolError(Problem("", f"{p} is a folder; give the path of a protocol JSON file.")) from None
    except OSError as e:
        raise ProtocolError(Problem("", f"{p} cannot be read: {e.strerror}.")) from None


def loads_protocol(text: str | bytes, source: str = "protocol") -> Protocol:
    """Parse and validate a protocol from JSON text."""
    return protocol_from_dict(read_json(text, source))


def load_protocol(path: str | Path) -> Protocol:
    """Read and validate a protocol file."""
    return loads_protocol(read_bytes(path), source=str(path))


def save_protocol(protocol: Protocol, path: str | Path) -> None:
    """Write the protocol as a JSON file."""
    Path(path).write_text(protocol.to_json())


__all__ = ["MAX_BYTES", "MAX_DEPTH", "load_protocol", "loads_protocol", "read_json", "save_protocol"]
