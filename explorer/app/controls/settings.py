"""Target, start dose, number of trials, seed and how to compute (auto, exact, Monte Carlo)."""

from __future__ import annotations

import ipywidgets as W

from .common import Notifier, message_area

METHODS = (("auto: exact if feasible", "auto"), ("exact", "exact"), ("Monte Carlo", "monte-carlo"))


class SettingsControls(Notifier):
    """Widgets for the trial-level settings; `values()` gives their protocol keys."""

    def __init__(self, target: float = 0.25, start_dose: int = 1, trials: int = 10_000, seed: int = 2024) -> None:
        style = {"description_width": "9em"}
        lay = W.Layout(width="18em")
        self.target = W.FloatText(value=target, step=0.01, description="Target DLT rate", style=style, layout=lay,
                                  tooltip="The DLT probability the MTD should have, as a proportion (0.25 = 25%)")
        self.target_message = message_area()
        self.start_dose = W.IntText(value=start_dose, description="Start at level", style=style, layout=lay,
                                    tooltip="The dose level (1 = lowest) the first cohort receives")
        self.start_message = message_area()
        self.trials = W.IntText(value=trials, description="Simulated trials", style=style, layout=lay,
                                tooltip="How many trials Monte Carlo simulates (exact results need none)")
        self.seed = W.IntText(value=seed, description="Random seed", style=style, layout=lay,
                              tooltip="The same protocol and seed give the same numbers everywhere")
        self.trials.add_class("p1x-trials")
        self.method = W.Dropdown(options=METHODS, value="auto", description="Compute", style=style,
                                 layout=W.Layout(width="22em"),
                                 tooltip="Exact enumerates every outcome (no simulation error) where that is fast "
                                         "enough; Monte Carlo simulates trials")
        self.method.add_class("p1x-method")
        self.run_message = message_area()
        super().__init__()
        for w in (self.target, self.start_dose, self.trials, self.seed, self.method):
            w.observe(lambda _: self._changed(), names="value")
        self.widget = W.VBox([self.target, self.target_message, self.start_dose,
                              self.start_message, self.trials, self.seed, self.method, self.run_message])

    def values(self) -> dict:
        """The protocol keys these widgets hold."""
        return {"target": self.target.value, "start_dose": self.start_dose.value, "trials": self.trials.value,
                "seed": self.seed.value, "method": self.method.value}

    def load(self, target: float, start_dose: int, trials: int, seed: int, method: str) -> None:
        """Show a protocol's settings with one change notification."""
        with self.quietly():
            self.target.value, self.start_dose.value = target, start_dose
            self.trials.value, self.seed.value, self.method.value = trials, seed, method
        self._changed()
