"""The controls as one protocol (the first ticked design is the protocol's, the others its `compare` list), and a
protocol shown in the controls (a preset, an uploaded file)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from ..core.errors import Notice, Problem, ProtocolError
from ..core.protocol import Arm, Protocol
from ..core.validation import protocol_from_dict
from .controls.arms import ArmControls
from .controls.design import DesignControls
from .controls.ladder import LadderControls
from .controls.settings import SettingsControls
from .controls.time import TimeControls
from .controls.truth import TruthControls
from .messages import as_html, group_of, route_problems, route_warnings


@dataclass
class ProtocolForm:
    """The controls that make a protocol."""

    title: W.Text
    arms: ArmControls
    ladder: LadderControls
    truth: TruthControls
    truth_b: TruthControls
    settings: SettingsControls
    designs: DesignControls
    clock: TimeControls
    #: The description of the protocol last shown (a preset's or a file's), kept in the protocol the controls make.
    description: str | None = None

    @classmethod
    def showing(cls, arms: tuple[Arm, ...]) -> ProtocolForm:
        """New controls that start from these arms' ladder, truths and design (the title box empty)."""
        title = W.Text(value="", description="Title", style={"description_width": "initial"},
                       layout=W.Layout(flex="1 1 18em", min_width="14em")).add_class("p1x-title-box")
        labels = arms[0].labels
        return cls(title, ArmControls(), LadderControls(labels), TruthControls(list(arms[0].truth), labels),
                   TruthControls(list(arms[-1].truth), labels, seed=2, css="p1x-truthb"), SettingsControls(),
                   DesignControls([arms[0].design.method]), TimeControls())

    def read(self) -> tuple[dict[str, Any], list[Problem]]:
        """The protocol object the controls hold, and problems found reading them (fields as in a protocol file:
        "design.max_n" for the first design, "compare[0].max_n" for the second...)."""
        out: dict[str, Any] = {"title": self.title.value or None, "description": self.description,
                               "doses": self.ladder.doses(),
                               **self.settings.values()}
        out = {k: v for k, v in out.items() if v is not None}
        problems: list[Problem] = []
        if self.arms.two:
            arm_design, problems = self.arms.spec()
            truths = (self.truth, self.truth_b)
            out["arms"] = [{"name": n, "truth": t.values()} for n, t in zip(self.arms.names(), truths)]
            for arm, own in zip(out["arms"], self.clock.arm_times()):
                if own:
                    arm["time"] = own
            out["arm_design"] = arm_design
        else:
            out["truth"] = self.truth.values()
        time = self.clock.values()
        if time is not None:
            out["time"] = time
        specs = self.designs.specs(len(self.ladder.labels), self.settings.target.value)
        problems += self.designs.shared_problems
        for i, (_, local) in enumerate(specs):
            where = "design" if i == 0 else f"compare[{i - 1}]"
            problems += [Problem(where + p.field[len("design"):], p.message) for p in local]
        if not specs:
            problems.append(Problem("design", "tick at least one design."))
        else:
            out["design"] = specs[0][0]
            if len(specs) > 1:
                out["compare"] = [s for s, _ in specs[1:]]
        return out, problems

    def protocol(self) -> tuple[Protocol | None, list[Problem]]:
        """The validated protocol, or None and every problem."""
        raw, problems = self.read()
        if problems:
            return None, problems
        try:
            return protocol_from_dict(raw), []
        except ProtocolError as e:
            return None, e.problems

    def show(self, protocol: Protocol) -> None:
        """Put a protocol into the controls (the caller batches the notifications)."""
        a = protocol.arms[0]
        if len(protocol.arms) == 2:
            b = protocol.arms[1]
            if (a.doses, a.design, a.start_dose) != (b.doses, b.design, b.start_dose):
                raise ProtocolError(Problem("arms", "the app shows two arms on one ladder with one design and start "
                                                    "level, and these arms differ in them; use `phase1-explorer "
                                                    "simulate` for this protocol."))
        labels = a.labels
        values = [d.value for d in a.doses]
        has_values = all(v is not None for v in values)
        self.title.value = protocol.title or ""
        self.description = protocol.description
        shown = protocol.to_dict()
        self.clock.load(shown.get("time"), tuple(a.get("time") for a in shown.get("arms", [])),
                        tuple(arm.name or "" for arm in protocol.arms))
        self.ladder.set_ladder(labels, values if has_values else None,  # type: ignore[arg-type]
                               next((d.unit for d in a.doses if d.unit), ""))
        truths = [arm.truth for arm in protocol.arms] * (2 if len(protocol.arms) == 1 else 1)
        for t, truth in zip((self.truth, self.truth_b), truths):
            t.set_values(list(truth), labels)
            t.set_target(protocol.target)
        self.settings.load(protocol.target, a.start_dose, protocol.trials, protocol.seed, protocol.method)
        self.designs.load([(d.method, dict(d.options)) for d in (a.design, *protocol.compare)])
        if protocol.arm_design is not None:
            self.arms.load(True, [arm.name or "" for arm in protocol.arms], protocol.arm_design.to_json())
        else:
            self.arms.load(False)

    def show_problems(self, problems: list[Problem], warnings: tuple[Notice, ...] = ()) -> list[str]:
        """Each problem and warning next to the controls it concerns; returns those that belong to none."""
        groups = route_problems(problems)
        warned = route_warnings(warnings)
        self.ladder.message.value = as_html(groups.get("ladder", []))
        for group, area in (("truth", self.truth.message), ("truth_b", self.truth_b.message),
                            ("arms", self.arms.message)):
            area.value = as_html(groups.get(group, [])) or as_html(warned.get(group, []), "p1x-warn")
        self.arms.names_message.value = as_html(groups.get("arm_names", []))
        self.settings.target_message.value = as_html(groups.get("target", []))
        self.settings.start_message.value = as_html(groups.get("start_dose", []))
        self.settings.run_message.value = as_html(groups.get("run", []))
        self.clock.show_problems([p for p in problems if group_of(p.path) == "time"])
        self.designs.show_problems({g[1]: v for g, v in groups.items() if isinstance(g, tuple)},
                                   groups.get("sample_size", []))
        return groups.get("general", [])

    def follow_ladder(self, kind: str) -> bool:
        """Both arms' truths follow a changed ladder (a level added below: every truth moves up one level, and so
        does the start level); returns whether the start level was moved (then the caller recomputes after it)."""
        labels = self.ladder.label_list()
        for truth in (self.truth, self.truth_b):  # both arms share the ladder
            values = truth.values()
            if kind == "below":
                values = [round(values[0] / 2, 3)] + values
            while len(values) < len(labels):
                values.append(round(min(1.0, values[-1] + 0.1), 3) if values else 0.1)
            truth.relabel(labels, values[: len(labels)])
        return kind == "below"
