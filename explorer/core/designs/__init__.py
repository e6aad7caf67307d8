"""Escalation designs, one module per family, all on the interface of `base.Design`.

A new design is a module in this folder with a `Design` subclass that sets `method`;
it is found automatically, and appears in the CLI, the protocol validator and the app.
"""

from __future__ import annotations

import importlib
import pkgutil

from .a_plus_b import APlusB, ThreePlusThree
from .base import Capability, Decision, Design, Option, OptionKind

_classes: dict[str, type[Design]] | None = None


def _all_subclasses(cls: type[Design]) -> list[type[Design]]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out += _all_subclasses(sub)
    return out


def design_classes() -> dict[str, type[Design]]:
    """Every design by its method name, ordered by `Design.order` then name."""
    global _classes
    if _classes is None:
        for mod in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{mod.name}")
        found = [c for c in _all_subclasses(Design) if "method" in c.__dict__]
        _classes = {c.method: c for c in sorted(found, key=lambda c: (c.order, c.method))}
    return dict(_classes)


def find_design(method: str) -> type[Design] | None:
    """The design class for a method name or alias (case-insensitive), or None."""
    key = method.strip().lower()
    for c in design_classes().values():
        if key == c.method or key in c.aliases:
            return c
    return None


__all__ = ["APlusB", "Capability", "Decision", "Design", "Option", "OptionKind", "ThreePlusThree", "design_classes",
           "find_design"]
