"""What the model-based designs (CRM, BLRM) share: options computed from the ladder, and when exact is offered."""

from __future__ import annotations

import math
from typing import Any, ClassVar

from ..errors import Problem
from .base import Design


class ModelBased(Design):
    """Base of the model-based designs (not a design itself: it sets no `method`)."""

    #: Exact enumeration is offered when a trial has at most this many cohort-outcome sequences ((c + 1)^cohorts).
    #: Measured for the CRM on 4-12 doses: up to 2^24 (12 cohorts of 3; 24 patients one at a time) the merged
    #: count states stay below ~100k and enumeration takes 0.1-0.4 s; beyond it the engine's state limit is hit
    #: only after 2-4 s. Designs with a costlier posterior lower it.
    exact_sequences: ClassVar[int] = 2 ** 24

    @classmethod
    def resolve_options(cls, given: dict[str, Any], target: float, n_doses: int,
                        where: str = "design") -> tuple[dict[str, Any], list[Problem]]:
        """Explicit nulls of options whose default is None (computed from the ladder) mean "the default", so a
        resolved protocol written back to JSON loads again; then validate as usual."""
        nullable = {o.name for o in cls.options if o.default is None and o.default_from_target is None}
        kept = {k: v for k, v in given.items() if not (v is None and k in nullable)}
        return super().resolve_options(kept, target, n_doses, where)

    def setup(self) -> None:
        """Offer exact enumeration only where the outcome tree is known to stay small."""
        c = int(self.opts["cohort_size"])
        cohorts = math.ceil(int(self.opts["max_n"]) / c)
        self.exact = cohorts * math.log2(c + 1) <= math.log2(self.exact_sequences)  # type: ignore[misc]
