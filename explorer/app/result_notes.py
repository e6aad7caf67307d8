"""Words beside the plots: whether the designs compared may enrol the same number of patients, and each model's
prior (BLRM: what it says at each dose before any data, and whether it makes the start dose inadmissible)."""

from __future__ import annotations

import html

import ipywidgets as W

from ..core.designs.base import Design


def sample_size_note(names: list[str], max_ns: list[int], means: list[float]) -> str:
    """One sentence on the designs' sample sizes (nothing for a single design)."""
    if len(names) < 2:
        return ""
    mean = ", ".join(f"{html.escape(n)} {m:.1f}" for n, m in zip(names, means))
    if len(set(max_ns)) > 1:
        most = ", ".join(f"{html.escape(n)} {m}" for n, m in zip(names, max_ns))
        return (f'<div class="p1x-warn p1x-fairness">⚠ The designs may enrol different numbers of patients (at most: '
                f"{most}; on average here: {mean}). A larger trial selects the MTD more often partly because it is "
                f"larger: give every design the same maximum sample size under Designs for a fair comparison.</div>")
    return (f'<div class="p1x-note p1x-fairness">Every design may enrol at most {max_ns[0]} patients; on average '
            f"here: {mean}.</div>")


def prior_notes(names: list[str], designs: list[Design], labels: list[str]) -> str:
    """Each model's prior in one line, where the design describes its prior (BLRM); a warning where the prior makes
    the start dose inadmissible."""
    out = []
    for name, design in zip(names, designs):
        summary = getattr(design, "prior_summary", None)
        if summary is None:
            continue
        s = summary(labels)
        bad = not s.start_admissible
        css = "p1x-warn" if bad else "p1x-note"
        out.append(f'<div class="{css} p1x-prior">{"⚠ " if bad else ""}<b>{html.escape(name)} prior</b>: '
                   f"{html.escape(s.text)}</div>")
    return "".join(out)


class ResultNotes:
    """The notes area between the plots and the summary table."""

    def __init__(self) -> None:
        self.widget = W.HTML("").add_class("p1x-notes")

    def show(self, names: list[str], max_ns: list[int], means: list[float], designs: list[Design],
             labels: list[str]) -> None:
        """Fill in the sample-size note and the priors."""
        self.widget.value = sample_size_note(names, max_ns, means) + prior_notes(names, designs, labels)
