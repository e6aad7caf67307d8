"""What the model-based designs (CRM, BLRM) share: options computed from the ladder."""

from __future__ import annotations

from typing import Any

from ..errors import Problem
from .base import Design


class ModelBased(Design):
    """Base of the model-based designs (not a design itself: it sets no `method`)."""

    @classmethod
    def resolve_options(cls, given: dict[str, Any], target: float, n_doses: int,
                        where: str = "design") -> tuple[dict[str, Any], list[Problem]]:
        """Explicit nulls of options whose default is None (computed from the ladder) mean "the default", so a
        resolved protocol written back to JSON loads again; then validate as usual."""
        nullable = {o.name for o in cls.options if o.default is None and o.default_from_target is None}
        kept = {k: v for k, v in given.items() if not (v is None and k in nullable)}
        return super().resolve_options(kept, target, n_doses, where)
