"""A result cache on disk, shared by every process that names the same folder (the kernels of one server, the
command line with --cache): the same protocol and seed give the same numbers, so a cached answer is exact.

Keys are the SHA-256 of the canonical JSON of what determines a result (the scenario, the candidates, the run
settings, how they are computed, and the package version); values are the final snapshot as JSON, written to a
temporary file and renamed into place, so readers never see half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

ENV = "PHASE1_EXPLORER_CACHE"


def cache_key(parts: dict[str, Any]) -> str:
    """The key of a result: SHA-256 of the canonical JSON of what determines it."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


class ResultCache:
    """Final results by key, as JSON files in one folder."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    @classmethod
    def from_environment(cls) -> ResultCache | None:
        """The cache named by $PHASE1_EXPLORER_CACHE (set by `phase1-explorer serve` for its kernels), if any."""
        folder = os.environ.get(ENV)
        return cls(folder) if folder else None

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The result stored under key, or None (a missing or unreadable entry is a miss)."""
        try:
            return json.loads(self._path(key).read_text())
        except (OSError, ValueError):
            return None

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store a result (atomically; a cache that cannot be written is skipped silently: it only saves time)."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w") as f:
                json.dump(value, f)
            os.replace(tmp, path)
        except OSError:
            pass
