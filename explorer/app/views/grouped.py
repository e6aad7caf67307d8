"""Bar groups per dose with one bar per design: the data layout shared by the selection and patients views."""

from __future__ import annotations

from .style import design_colour


def grouped(labels: list[str], designs: list[str], per_design: list[list[float]]) -> dict[str, list]:
    """Columns for nested (dose, design) bars: x factors, values, design names and colours."""
    x, value, design, colour = [], [], [], []
    for k, lab in enumerate(labels):
        for j, name in enumerate(designs):
            x.append((lab, name))
            value.append(float(per_design[j][k]))
            design.append(name)
            colour.append(design_colour(j))
    return {"x": x, "value": value, "design": design, "colour": colour}


def add_whiskers(data: dict[str, list], errs: list[float]) -> dict[str, list]:
    """Add standard errors and ±1.96 SE whisker ends (kept within [0, 1]) to grouped probability bars."""
    data["se"] = errs
    data["lower"] = [max(v - 1.96 * e, 0.0) for v, e in zip(data["value"], errs)]
    data["upper"] = [min(v + 1.96 * e, 1.0) for v, e in zip(data["value"], errs)]
    return data
