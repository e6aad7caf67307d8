"""What counts as a number in a protocol: finite, not a bool, and small enough to become a float."""

from __future__ import annotations

import math
from typing import Any

#: Ints beyond this cannot become floats; any protocol number this large is out of range anyway.
LARGEST = 1e300


def is_number(v: Any) -> bool:
    """A finite JSON number (not a bool) that converts to a float without overflow."""
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return abs(v) <= LARGEST
    return isinstance(v, float) and math.isfinite(v)


def is_whole(v: Any) -> bool:
    """A whole number, however large (a range check then says whether it fits)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return True
    return is_number(v) and float(v).is_integer()
