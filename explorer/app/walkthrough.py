"""One simulated trial at a time, for teaching: the first design's trial number k, patient by patient, and a button
for the next one (the trials come from the pipeline, drawn from the protocol's seed and k)."""

from __future__ import annotations

import html

import ipywidgets as W

from ..core.designs import find_design
from ..core.pipeline import trial_trace
from ..core.protocol import Candidate, Protocol
from .views.trial import TrialView
from .views.trial_arms import TwoArmTrialView


class Walkthrough:
    """The simulated-trial plot (one arm or two), the trial's outcome strings, and "Another trial"."""

    def __init__(self) -> None:
        self.one = TrialView()
        self.two = TwoArmTrialView()
        self.another = W.Button(description="Another trial", icon="refresh",
                                layout=W.Layout(min_width="9.5em", flex="0 0 auto"))
        self.outcome = W.HTML("")
        self.number = 0
        self._shown: tuple[Protocol, Candidate] | None = None
        self.another.on_click(lambda _: self.next())

    def show(self, protocol: Protocol, candidate: Candidate) -> None:
        """Draw the current trial of this protocol and candidate."""
        self._shown = (protocol, candidate)
        trace = trial_trace(protocol, candidate, self.number)
        title = find_design(candidate.designs[0].method).short_title()  # type: ignore[union-attr]
        labels = protocol.arms[0].labels
        if len(protocol.arms) == 1:
            outcome = self.one.show(labels, trace, title)
            self.outcome.value = (f'<span class="p1x-note">Trial {self.number + 1}, outcomes: '
                                  f"<code>{outcome}</code></span>")
            return
        names = [a.name or "" for a in protocol.arms]
        outcomes = self.two.show(labels, trace, names)
        chosen = [labels[s] if s >= 0 else "no dose" for s in trace.selected]
        self.outcome.value = (f'<span class="p1x-note">Trial {self.number + 1} of {html.escape(title)}. '
                              + "; ".join(f"Arm {html.escape(n)}: <code>{o or '–'}</code> → {html.escape(c)}"
                                          for n, o, c in zip(names, outcomes, chosen)) + "</span>")

    def next(self) -> None:
        """The next simulated trial."""
        if self._shown is None:
            return
        self.number += 1
        self.show(*self._shown)
