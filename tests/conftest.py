"""Fixtures shared by the test modules."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def write_protocol(tmp_path) -> Callable[..., str]:
    """Writes a protocol object, with top-level keys changed, to protocol.json in tmp_path; returns its path."""
    def write(protocol: dict[str, Any], **changes: Any) -> str:
        path = tmp_path / "protocol.json"
        path.write_text(json.dumps({**protocol, **changes}))
        return str(path)
    return write
