"""A design base whose options may default to "computed from the ladder" (None), given back as null."""

from __future__ import annotations

from typing import Any

from ..errors import Problem
from .base import Design


class NullableDefaults(Design):
    """Options declared with default None (e.g. a skeleton calibrated from other options) accept an explicit
    null as "use the default", so a resolved protocol written back to JSON (with nulls) loads again."""

    @classmethod
    def resolve_options(cls, given: dict[str, Any], target: float, n_doses: int,
                        where: str = "design") -> tuple[dict[str, Any], list[Problem]]:
        """Drop explicit nulls of options whose default is None, then validate as usual."""
        nullable = {o.name for o in cls.options if o.default is None and o.default_from_target is None}
        kept = {k: v for k, v in given.items() if not (v is None and k in nullable)}
        return super().resolve_options(kept, target, n_doses, where)
