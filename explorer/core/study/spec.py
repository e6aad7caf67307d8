"""The study file: a protocol file with a "study" object naming the axes (scenarios, designs, settings), validated
with field paths like a protocol; `Study` holds the base protocol (as written), the named truths, the designs (as
written) and the settings to vary.

    "study": {
      "scenarios": [{"name": "base", "truth": [...]}, {"mtd_at": "each"}, {"random": 20, "seed": 7},
                    "all-safe", "all-toxic"],
      "designs": ["3+3", {"method": "boin", "max_n": 18, "label": "BOIN"}],
      "vary": {"max_n": [18, 24], "crm.prior_sd": [0.5, 1.0], "arm_design.max_total": [18, 24]},
      "seed": 1, "benchmark": true
    }
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..arms.spec import ARM_DESIGN_OPTIONS
from ..designs import find_design
from ..errors import Problem, ProtocolError
from ..numbers import is_number, is_whole
from ..protocol import Protocol
from ..protocol_file import read_bytes, read_json
from ..validation import protocol_from_dict as _protocol
from ..validation import show
from . import curves

STUDY_KEYS = ("scenarios", "designs", "vary", "seed", "benchmark")
SCENARIO_KEYS = ("name", "truth", "arms")
#: Protocol keys a study may vary (the rest define the scenario or the designs).
PROTOCOL_AXES = ("target", "start_dose", "trials", "method")
GENERATORS = ('{"mtd_at": "each"}', '{"random": N, "seed": S}', '"all-safe"', '"all-toxic"')
MAX_SCENARIOS = 1000
MAX_VALUES = 50
MAX_CELLS = 200_000


@dataclass(frozen=True)
class Scenario:
    """A named truth: one curve per arm."""

    name: str
    truths: tuple[tuple[float, ...], ...]

    def to_json(self) -> dict[str, Any]:
        """Name and truth(s) as a study lists them."""
        return {"name": self.name, "truths": [list(t) for t in self.truths]}


@dataclass(frozen=True)
class Axis:
    """One setting varied over a list of values: where it applies ("protocol", "arm_design", or "design" for every
    design that has the option, `method` narrowing it to one design method)."""

    key: str  # as written in the study file
    kind: str
    option: str
    values: tuple[Any, ...]
    method: str | None = None


@dataclass(frozen=True)
class StudyDesign:
    """A design of the study as written (a method name or an object), with the label its rows carry."""

    raw: Any  # None: the protocol's own design(s) (the study lists no designs)
    label: str


@dataclass(frozen=True)
class Study:
    """A validated study: the base protocol (as written, without "study"), the scenarios, designs and axes."""

    base: dict[str, Any]
    protocol: Protocol  # the base, validated
    scenarios: tuple[Scenario, ...]
    designs: tuple[StudyDesign, ...]
    axes: tuple[Axis, ...]
    seed: int
    benchmark: bool = True

    @property
    def settings(self) -> list[dict[str, Any]]:
        """Every combination of the axes' values ({} when nothing varies)."""
        return [dict(zip([a.key for a in self.axes], combo))
                for combo in itertools.product(*(a.values for a in self.axes))]

    @property
    def cell_count(self) -> int:
        """Scenarios × designs × settings."""
        return len(self.scenarios) * len(self.designs) * len(self.settings)

    @property
    def title(self) -> str:
        """The protocol's title, or "Study"."""
        return self.protocol.title or "Study"

    def task_protocol(self, scenario: Scenario, setting: dict[str, Any], seed: int | None = None) -> dict[str, Any]:
        """The protocol object (as in a file) of one scenario and setting with every design of the study: the first
        as "design", the others as "compare" (common patients); `seed` replaces the protocol's."""
        raw = {k: _copy(v) for k, v in self.base.items()}
        _set_truths(raw, scenario.truths)
        designs = [{"method": d.raw} if isinstance(d.raw, str) else _copy(d.raw) for d in self.designs]
        if designs[0] is not None:  # the study's designs replace the protocol's (and any per-arm design)
            for arm in raw.get("arms", []) if isinstance(raw.get("arms"), list) else []:
                if isinstance(arm, dict):
                    arm.pop("design", None)
            raw["design"] = designs[0]
            if len(designs) > 1:
                raw["compare"] = designs[1:]
            else:
                raw.pop("compare", None)
        for axis in self.axes:
            _apply(raw, axis, setting[axis.key])
        if seed is not None:
            raw["seed"] = seed
        return raw


def _copy(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _copy(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy(x) for x in v]
    return v


def _set_truths(raw: dict[str, Any], truths: tuple[tuple[float, ...], ...]) -> None:
    if isinstance(raw.get("arms"), list):
        for arm, t in zip(raw["arms"], truths):
            arm["truth"] = list(t)
    else:
        raw["truth"] = list(truths[0])


def _design_dicts(raw: dict[str, Any]) -> list[dict[str, Any]]:
    """Every design object of a protocol object (design, per-arm designs, compare), method names made objects."""
    holders: list[tuple[Any, Any]] = [(raw, "design")]
    holders += [(arm, "design") for arm in (raw.get("arms") if isinstance(raw.get("arms"), list) else [])
                if isinstance(arm, dict)]
    if isinstance(raw.get("compare"), list):
        holders += [(raw["compare"], i) for i in range(len(raw["compare"]))]
    out = []
    for holder, key in holders:
        if isinstance(holder, dict) and key not in holder:
            continue
        if isinstance(holder[key], str):
            holder[key] = {"method": holder[key]}
        if isinstance(holder[key], dict):
            out.append(holder[key])
    return out


def _declares(method: Any, option: str) -> bool:
    cls = find_design(method) if isinstance(method, str) else None
    return cls is not None and any(o.name == option for o in cls.options)


def _apply(raw: dict[str, Any], axis: Axis, value: Any) -> None:
    """Set one axis's value in a protocol object."""
    if axis.kind == "protocol":
        raw[axis.option] = value
    elif axis.kind == "arm_design":
        raw["arm_design"] = {**(raw.get("arm_design") or {}), axis.option: value}
    else:
        for d in _design_dicts(raw):
            if _declares(d.get("method"), axis.option) and (axis.method is None or
                                                              find_design(d.get("method")).method == axis.method):
                d[axis.option] = value


# ---- parsing -----------------------------------------------------------------------------------------------------

def _levels(p: Protocol) -> int | None:
    """The ladder size every generated truth has (None when the arms' ladders differ)."""
    sizes = {a.n_doses for a in p.arms}
    return sizes.pop() if len(sizes) == 1 else None


def _truth(raw: Any, levels: int, where: str, problems: list[Problem]) -> tuple[float, ...] | None:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(where, f"{show(raw)} is not a list; give the true DLT probability of each of the "
                                       f"{levels} doses, e.g. [0.05, 0.12, 0.25, 0.45]."))
        return None
    if len(raw) != levels:
        problems.append(Problem(where, f"{len(raw)} values for {levels} doses; give one DLT probability per dose."))
        return None
    ok = True
    for i, v in enumerate(raw):
        if not is_number(v) or not 0.0 <= v <= 1.0:
            problems.append(Problem(f"{where}[{i}]", f"{show(v)} is not a probability; give a number from 0 to 1."))
            ok = False
    return tuple(float(v) for v in raw) if ok else None


def _scenarios(raw: Any, p: Protocol, problems: list[Problem]) -> list[Scenario]:
    """The scenario list: named truths and generators, expanded."""
    where = "study.scenarios"
    n_arms = len(p.arms)
    if raw is None:
        return [Scenario("protocol", tuple(a.truth for a in p.arms))]
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(where, f"{show(raw)} is not a list of scenarios; give named truths "
                                       f'({{"name": "base", "truth": [...]}}) or generators: {", ".join(GENERATORS)}.'))
        return []
    levels = _levels(p)
    out: list[Scenario] = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if isinstance(item, str) or (isinstance(item, dict) and ("mtd_at" in item or "random" in item)):
            if levels is None:
                problems.append(Problem(at, "the arms' ladders differ in length; generated scenarios need one "
                                            "ladder size: give named truths instead."))
                continue
            for name, truth in _generate(item, levels, p.target, at, problems):
                out.append(Scenario(name, (tuple(truth),) * n_arms))
            continue
        if not isinstance(item, dict):
            problems.append(Problem(at, f"{show(item)} is not a scenario; give {{\"name\": ..., \"truth\": [...]}} or "
                                        f"a generator: {', '.join(GENERATORS)}."))
            continue
        for k in item:
            if k not in SCENARIO_KEYS:
                near = difflib.get_close_matches(k, SCENARIO_KEYS + ("mtd_at", "random"), n=1)
                hint = f' Did you mean "{near[0]}"?' if near else ""
                problems.append(Problem(f"{at}.{k}", f'"{k}" is not a scenario key.{hint} Valid keys: '
                                                     f"{', '.join(SCENARIO_KEYS)} (or a generator)."))
        name = item.get("name", f"scenario {i + 1}")
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(f"{at}.name", f"{show(name)} is not a name; give text such as \"steep\"."))
            continue
        if n_arms == 1 or "truth" in item:
            if "truth" not in item:
                problems.append(Problem(f"{at}.truth", "missing; give the true DLT probability of each dose."))
                continue
            truths = [_truth(item["truth"], a.n_doses, f"{at}.truth", problems) for a in p.arms[:1]] * n_arms
        else:
            arms = item.get("arms")
            if not isinstance(arms, list) or len(arms) != n_arms:
                problems.append(Problem(f"{at}.arms", f"{show(arms)} is not a list of {n_arms} truths; give one "
                                                      f'per arm, or one "truth" for both.'))
                continue
            truths = [_truth(t, a.n_doses, f"{at}.arms[{j}]", problems) for j, (t, a) in enumerate(zip(arms, p.arms))]
        if all(t is not None for t in truths):
            out.append(Scenario(name, tuple(truths)))  # type: ignore[arg-type]
    names = [s.name for s in out]
    for name in dict.fromkeys(n for n in names if names.count(n) > 1):
        problems.append(Problem(where, f"the scenario name {show(name)} is used {names.count(name)} times; name "
                                       f"each scenario once."))
    if len(out) > MAX_SCENARIOS:
        problems.append(Problem(where, f"{len(out):,} scenarios; a study has at most {MAX_SCENARIOS:,}."))
    return out


def _steepness(item: dict[str, Any], at: str, problems: list[Problem]) -> float | None:
    s = item.get("steepness", curves.STEEPNESS)
    if not is_number(s) or not 0.1 <= s <= 10:
        problems.append(Problem(f"{at}.steepness", f"{show(s)} is not valid; give the log-odds step per level, "
                                                   f"a number from 0.1 to 10 (default {curves.STEEPNESS:g})."))
        return None
    return float(s)


def _generate(item: Any, levels: int, target: float, at: str,
              problems: list[Problem]) -> list[tuple[str, list[float]]]:
    """The named truths a generator makes."""
    if isinstance(item, str):
        key = item.strip().lower().replace("_", "-").replace(" ", "-")
        if key not in ("all-safe", "all-toxic"):
            problems.append(Problem(at, f"{show(item)} is not a generator; give one of {', '.join(GENERATORS)}, or a "
                                        f'named truth {{"name": ..., "truth": [...]}}.'))
            return []
        maker = curves.all_safe if key == "all-safe" else curves.all_toxic
        return [(key, maker(levels, target))]
    keys = ("mtd_at", "steepness") if "mtd_at" in item else ("random", "seed")
    for k in item:
        if k not in keys:
            problems.append(Problem(f"{at}.{k}", f'"{k}" is not a key of this generator; valid keys: '
                                                 f"{', '.join(keys)}."))
    if "mtd_at" in item:
        steep = _steepness(item, at, problems)
        spec = item["mtd_at"]
        if spec == "each":
            levels_wanted: list[int | None] = [*range(1, levels + 1), None]
        elif isinstance(spec, list) and spec and all(is_whole(v) and 1 <= v <= levels for v in spec):
            levels_wanted = [int(v) for v in spec]
        else:
            problems.append(Problem(f"{at}.mtd_at", f'{show(spec)} is not valid; give "each" (the MTD at each of the '
                                                    f"{levels} levels, and none) or a list of levels from 1 to "
                                                    f"{levels}."))
            return []
        if steep is None:
            return []
        out = []
        for lev in levels_wanted:
            try:
                out.append(("no MTD" if lev is None else f"MTD at {lev}", curves.mtd_at(levels, lev, target, steep)))
            except ValueError as e:
                problems.append(Problem(f"{at}.steepness", str(e)))
                return []
        return out
    count, seed = item.get("random"), item.get("seed", 1)
    if not is_whole(count) or not 1 <= count <= MAX_SCENARIOS:
        problems.append(Problem(f"{at}.random", f"{show(count)} is not valid; give how many random curves, a whole "
                                                f"number from 1 to {MAX_SCENARIOS}."))
        return []
    if not is_whole(seed) or not 0 <= seed < 2**63:
        problems.append(Problem(f"{at}.seed", f"{show(seed)} is not a seed; give a whole number ≥ 0."))
        return []
    width = len(str(int(count)))
    return [(f"random {i + 1:0{width}d}", curve)
            for i, (curve, _) in enumerate(curves.random_curves(int(count), int(seed), levels, target))]


def _designs(raw: Any, p: Protocol, problems: list[Problem]) -> list[StudyDesign]:
    """The study's designs (default: the protocol's own and its compare list), each checked for the ladder."""
    from ..outputs import design_labels
    from ..validation import parse_design

    if raw is None:
        specs = [c.designs[0] for c in p.candidates()]
        labels = design_labels(specs, p.target, p.arms[0].n_doses)
        return [StudyDesign(None, labels[0]), *(StudyDesign(s.to_json(), lab) for s, lab in zip(specs[1:], labels[1:]))]
    where = "study.designs"
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(where, f'{show(raw)} is not a list of designs; give e.g. ["3+3", {{"method": "boin", '
                                       f'"max_n": 18}}].'))
        return []
    if len(raw) > 13:
        problems.append(Problem(where, f"{len(raw)} designs; a study compares at most 13 on common patients."))
        return []
    out, specs, given = [], [], []
    for j, item in enumerate(raw):
        at = f"{where}[{j}]"
        label = None
        if isinstance(item, dict) and "label" in item:
            label = item["label"]
            item = {k: v for k, v in item.items() if k != "label"}
            if not isinstance(label, str) or not label.strip():
                problems.append(Problem(f"{at}.label", f"{show(label)} is not a label; give text such as \"BOIN\"."))
                continue
        try:
            specs.append(parse_design(item, p, at))
        except ProtocolError as e:
            problems += e.problems
            continue
        out.append(item)
        given.append(label)
    if len(out) != len(raw):
        return []
    auto = design_labels(specs, p.target, p.arms[0].n_doses)
    labels = [g or a for g, a in zip(given, auto)]
    for lab in dict.fromkeys(lab for lab in labels if labels.count(lab) > 1):
        problems.append(Problem(where, f"two designs are labelled {show(lab)}; give them distinct \"label\"s."))
    if "benchmark" in labels:
        problems.append(Problem(where, '"benchmark" names the optimal benchmark\'s rows; label the design otherwise.'))
    return [StudyDesign(item, lab) for item, lab in zip(out, labels)]


def _relabel(raw: Any, designs: list[StudyDesign], axes: list[Axis], p: Protocol) -> list[StudyDesign]:
    """Labels without the options the study varies ("boin", not "boin (max_n = 18)" when max_n varies); labels the
    study file gives are kept."""
    from ..outputs import design_labels
    from ..validation import parse_design

    varied = [a for a in axes if a.kind == "design"]
    if raw is None or not varied:
        return designs
    specs = []
    for d in designs:
        item = dict(d.raw) if isinstance(d.raw, dict) else {"method": d.raw}
        cls = find_design(item["method"])
        for a in varied:
            if a.method is None or a.method == cls.method:
                item.pop(a.option, None)
        specs.append(parse_design(item, p))
    auto = design_labels(specs, p.target, p.arms[0].n_doses)
    given = [item.get("label") if isinstance(item, dict) else None for item in raw]
    return [StudyDesign(d.raw, g or a) for d, g, a in zip(designs, given, auto)]


def _axes(raw: Any, base: dict[str, Any], p: Protocol, designs: list[StudyDesign],
          problems: list[Problem]) -> list[Axis]:
    """The settings to vary: each key resolved to where it applies, each value list non-empty."""
    if raw is None:
        return []
    where = "study.vary"
    if not isinstance(raw, dict):
        problems.append(Problem(where, f'{show(raw)} is not an object; give e.g. {{"max_n": [18, 24], '
                                       f'"cohort_size": [1, 3]}}.'))
        return []
    probe = {k: _copy(v) for k, v in base.items()}
    if designs and designs[0].raw is not None:
        probe["design"] = _copy(designs[0].raw)
        probe["compare"] = [_copy(d.raw) for d in designs[1:]]
    methods = [d.get("method") for d in _design_dicts(probe)]
    arm_options = [o.name for o in ARM_DESIGN_OPTIONS]
    out = []
    for key, values in raw.items():
        at = f"{where}.{key}"
        prefix, _, option = key.rpartition(".")
        if prefix == "arm_design" or (not prefix and key in arm_options and key not in PROTOCOL_AXES and
                                      not any(_declares(m, key) for m in methods)):
            kind, method = "arm_design", None
            option = option or key
            if option not in arm_options:
                problems.append(Problem(at, f'"{option}" is not an arm design option; valid: '
                                            f'{", ".join(arm_options)}.'))
                continue
            if p.arm_design is None:
                problems.append(Problem(at, "the protocol has one arm; arm design options apply to two-arm protocols."))
                continue
        elif not prefix and key in PROTOCOL_AXES:
            kind, method = "protocol", None
        else:
            kind = "design"
            cls = find_design(prefix) if prefix else None
            if prefix and cls is None:
                problems.append(Problem(at, f'"{prefix}" is neither a design method nor "arm_design"; give '
                                            f'"METHOD.option" (e.g. "crm.prior_sd") or an option name.'))
                continue
            method = cls.method if cls is not None else None
            users = [m for m in methods if _declares(m, option) and (method is None or find_design(m).method == method)]
            if not users:
                design_opts = sorted({o.name for m in methods if find_design(m) for o in find_design(m).options})
                valid = ", ".join([*PROTOCOL_AXES, *design_opts] + ([f"arm_design.{o}" for o in arm_options]
                                                                    if p.arm_design else []))
                near = difflib.get_close_matches(option, [*PROTOCOL_AXES, *design_opts, *arm_options], n=1)
                hint = f' Did you mean "{near[0]}"?' if near else ""
                whose = f"{method} design" if method else "design of the study"
                problems.append(Problem(at, f'"{option}" is not an option of any {whose}.{hint} Valid: {valid}.'))
                continue
        if not isinstance(values, list) or not values:
            problems.append(Problem(at, f"{show(values)} is not a list of values; give the values to try, e.g. "
                                        f"[18, 24]."))
            continue
        if len(values) > MAX_VALUES:
            problems.append(Problem(at, f"{len(values)} values; vary a setting over at most {MAX_VALUES}."))
            continue
        out.append(Axis(key, kind, option, tuple(values), method))
    return out


def _check_settings(study: Study, problems: list[Problem]) -> None:
    """Every value alone, then every combination, gives a valid protocol with every design (on the base scenario)."""
    scenario = Scenario("base", tuple(a.truth for a in study.protocol.arms))

    def check(setting: dict[str, Any]) -> list[Problem]:
        try:
            _protocol(study.task_protocol(scenario, setting))
        except ProtocolError as e:
            return e.problems
        return []

    bad_alone = False
    for axis in study.axes:
        for i, v in enumerate(axis.values):
            for pr in _alone(study, scenario, axis, v):
                bad_alone = True
                problems.append(Problem(f"study.vary.{axis.key}[{i}]", f"{show(v)}: {pr}"))
    if bad_alone or len(study.axes) < 2:
        return
    for setting in study.settings:
        for pr in check(setting):
            combo = ", ".join(f"{k} = {show(v)}" for k, v in setting.items())
            problems.append(Problem("study.vary", f"with {combo}: {pr}"))
            return  # one combination is enough to say what is wrong


def _alone(study: Study, scenario: Scenario, axis: Axis, value: Any) -> list[Problem]:
    """Problems of one axis value applied to the base protocol, the other axes left as the protocol has them."""
    only = Study(study.base, study.protocol, study.scenarios, study.designs, (axis,), study.seed, study.benchmark)
    try:
        _protocol(only.task_protocol(scenario, {axis.key: value}))
    except ProtocolError as e:
        return e.problems
    return []


def study_from_dict(raw: Any) -> Study:
    """Validate a study object (a protocol object with a "study" object) and build the Study, or raise
    ProtocolError with every problem found (fields such as "study.vary.max_n[1]")."""
    if not isinstance(raw, dict):
        raise ProtocolError(Problem("", f"a study must be a JSON object {{...}}, not {type(raw).__name__}: a protocol "
                                        f'with a "study" object.'))
    if "study" not in raw:
        raise ProtocolError(Problem("study", 'missing; a study file is a protocol file with a "study" object, e.g. '
                                             '{"scenarios": [{"mtd_at": "each"}], "designs": ["3+3", "boin"]}.'))
    spec = raw["study"]
    base = {k: v for k, v in raw.items() if k != "study"}
    p = _protocol(base)  # the base protocol's own problems, with their own field paths
    if not isinstance(spec, dict):
        raise ProtocolError(Problem("study", f'{show(spec)} is not an object; give {{"scenarios": [...], '
                                             f'"designs": [...], "vary": {{...}}}}.'))
    problems: list[Problem] = []
    for k in spec:
        if k not in STUDY_KEYS:
            near = difflib.get_close_matches(k, STUDY_KEYS, n=1)
            hint = f' Did you mean "{near[0]}"?' if near else ""
            problems.append(Problem(f"study.{k}", f'"{k}" is not a study key.{hint} Valid keys: '
                                                  f"{', '.join(STUDY_KEYS)}."))
    seed = spec.get("seed", p.seed)
    if not is_whole(seed) or not 0 <= seed < 2**63:
        problems.append(Problem("study.seed", f"{show(seed)} is not a seed; give a whole number ≥ 0 (default: the "
                                              f"protocol's seed)."))
        seed = p.seed
    bench = spec.get("benchmark", True)
    if not isinstance(bench, bool):
        problems.append(Problem("study.benchmark", f"{show(bench)} is not true or false."))
        bench = True
    scenarios = _scenarios(spec.get("scenarios"), p, problems)
    designs = _designs(spec.get("designs"), p, problems)
    axes = _axes(spec.get("vary"), base, p, designs, problems)
    if not problems:
        designs = _relabel(spec.get("designs"), designs, axes, p)
    if problems:
        raise ProtocolError(list(dict.fromkeys(problems)))
    study = Study(base, p, tuple(scenarios), tuple(designs), tuple(axes), int(seed), bench)
    if study.cell_count > MAX_CELLS:
        raise ProtocolError(Problem("study", f"{study.cell_count:,} cells (scenarios × designs × settings); a study "
                                             f"has at most {MAX_CELLS:,}: split it."))
    _check_settings(study, problems)
    if problems:
        raise ProtocolError(list(dict.fromkeys(problems)))
    return study


def loads_study(text: str | bytes, source: str = "study") -> Study:
    """Parse and validate a study from JSON text (size and nesting capped as for protocols)."""
    return study_from_dict(read_json(text, source))


def load_study(path: str | Path) -> Study:
    """Read and validate a study file."""
    return loads_study(read_bytes(path), source=str(path))


__all__ = ["Axis", "Scenario", "Study", "StudyDesign", "load_study", "loads_study", "study_from_dict"]
