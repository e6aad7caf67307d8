"""phase1-explorer: design phase I dose-escalation trials and see their operating characteristics.

    import explorer
    result = explorer.simulate("examples/car4sar-arm-a.json")
    print(result.oc.pcs)

`simulate`, `compare`, `study`, `pathways`, `report`, `load_protocol` and `loads_protocol` live in explorer.api
(imported on first use, so the command line starts fast).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = ("Comparison", "Result", "StudyResult", "compare", "load_protocol", "loads_protocol", "pathways", "report",
        "simulate", "study")


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'explorer' has no attribute {name!r}")


__all__ = ["__version__", *_API]
