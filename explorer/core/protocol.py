"""The protocol: dose ladder, truth, target, design, trials and seed; parsed, validated and saved as JSON."""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .arms.spec import ArmDesign, parse_arm_design
from .designs import design_classes, find_design
from .designs.base import Design, json_value
from .errors import Problem, ProtocolError

MIN_DOSES, MAX_DOSES = 2, 12
MAX_TRIALS = 1_000_000
DEFAULT_TRIALS = 10_000
DEFAULT_SEED = 2024
METHODS = ("auto", "exact", "monte-carlo")
TOP_KEYS = ("title", "description", "target", "doses", "truth", "start_dose", "design", "trials", "seed",
            "method", "arms", "arm_design", "compare")
DOSE_KEYS = ("label", "value", "unit")
ARM_KEYS = ("name", "truth", "doses", "design", "start_dose")


@dataclass(frozen=True)
class Dose:
    """One rung of a dose ladder."""

    label: str
    value: float | None = None
    unit: str | None = None

    def to_json(self) -> str | dict[str, Any]:
        """A plain label when that is all there is, else an object."""
        if self.value is None and self.unit is None:
            return self.label
        out: dict[str, Any] = {"label": self.label}
        if self.value is not None:
            out["value"] = self.value
        if self.unit is not None:
            out["unit"] = self.unit
        return out


def ladder_values(doses: tuple[Dose, ...]) -> tuple[float, ...] | None:
    """The numeric dose of each level when every dose has one (the validator allows all or none), else None."""
    values = [d.value for d in doses]
    return None if any(v is None for v in values) else tuple(float(v) for v in values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DesignSpec:
    """A design method with every option resolved (defaults filled in)."""

    method: str
    options: dict[str, Any] = field(default_factory=dict)

    def build(self, n_doses: int, target: float, start_dose: int,
              ladder_values: tuple[float, ...] | None = None) -> Design:
        """The design object for a ladder of n_doses (start_dose 1-based), with the ladder's numeric doses if any."""
        cls = find_design(self.method)
        assert cls is not None
        return cls(n_doses, target, start_dose - 1, ladder_values=ladder_values, **self.options)

    def to_json(self) -> dict[str, Any]:
        """As written in a protocol file."""
        return {"method": self.method, **{k: (list(v) if isinstance(v, tuple) else v)
                                          for k, v in self.options.items()}}


@dataclass(frozen=True)
class ArmSpec:
    """One arm of a two-arm protocol: its own truth, and the ladder, design and start it uses."""

    name: str
    truth: tuple[float, ...]
    doses: tuple[Dose, ...]
    design: DesignSpec
    start_dose: int = 1

    def build_design(self, target: float) -> Design:
        """The design object of this arm."""
        return self.design.build(len(self.doses), target, self.start_dose, ladder_values(self.doses))

    def to_json(self) -> dict[str, Any]:
        """As written in a protocol file (everything explicit)."""
        return {"name": self.name, "truth": list(self.truth), "doses": [d.to_json() for d in self.doses],
                "design": self.design.to_json(), "start_dose": self.start_dose}


@dataclass(frozen=True)
class Protocol:
    """Everything needed to reproduce a result. Dose levels are 1-based here, as users see them."""

    target: float
    doses: tuple[Dose, ...]
    truth: tuple[float, ...]
    design: DesignSpec
    start_dose: int = 1
    trials: int = DEFAULT_TRIALS
    seed: int = DEFAULT_SEED
    method: str = "auto"
    title: str | None = None
    description: str | None = None
    arms: tuple[ArmSpec, ...] = ()
    arm_design: ArmDesign | None = None
    #: Designs to compare with `design` on common patients (`phase1-explorer compare`); `simulate` ignores them.
    compare: tuple[DesignSpec, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def two_arm(self) -> bool:
        """Whether this protocol has two arms (then `arms` and `arm_design` hold them)."""
        return bool(self.arms)

    @property
    def n_doses(self) -> int:
        """Number of doses in the ladder."""
        return len(self.doses)

    def build_design(self, design: DesignSpec | None = None) -> Design:
        """The design object for this protocol's ladder, target and start (its own design, or the one given)."""
        return (design or self.design).build(self.n_doses, self.target, self.start_dose, ladder_values(self.doses))

    def with_changes(self, **changes: Any) -> Protocol:
        """A copy with some fields changed, validated again."""
        return protocol_from_dict({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """The protocol as a JSON object (loadable by `phase1-explorer simulate`)."""
        out: dict[str, Any] = {}
        if self.title is not None:
            out["title"] = self.title
        if self.description is not None:
            out["description"] = self.description
        if self.two_arm:
            assert self.arm_design is not None
            out.update({"target": self.target, "arms": [a.to_json() for a in self.arms],
                        "arm_design": self.arm_design.to_json(), "trials": self.trials, "seed": self.seed})
        else:
            out.update({
                "target": self.target,
                "doses": [d.to_json() for d in self.doses],
                "truth": list(self.truth),
                "start_dose": self.start_dose,
                "design": self.design.to_json(),
                "trials": self.trials,
                "seed": self.seed,
            })
        if self.compare:
            out["compare"] = [d.to_json() for d in self.compare]
        if self.method != "auto":
            out["method"] = self.method
        return out

    def to_json(self) -> str:
        """The protocol file's text."""
        return json.dumps(self.to_dict(), indent=2) + "\n"


# ---- validation helpers --------------------------------------------------------------------

def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_whole(v: Any) -> bool:
    return _is_number(v) and float(v).is_integer()


def _show(v: Any) -> str:
    text = json.dumps(v) if not isinstance(v, float) or math.isfinite(v) else str(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _unknown_key(key: str, valid: tuple[str, ...], where: str) -> Problem:
    near = difflib.get_close_matches(key, valid, n=1)
    hint = f' Did you mean "{near[0]}"?' if near else ""
    return Problem(f"{where}{key}", f'"{key}" is not a known key.{hint} Valid keys: {", ".join(valid)}.')


def _parse_doses(raw: Any, n_truth: int | None, problems: list[Problem]) -> tuple[Dose, ...] | None:
    if raw is None:
        if n_truth is None:
            return None
        return tuple(Dose(f"DL{i + 1}") for i in range(n_truth))
    if not isinstance(raw, list):
        problems.append(Problem("doses", f"{_show(raw)} is not a list; give a list of labels such as "
                                         f'["DL1", "DL2"] or objects {{"label": ..., "value": ..., "unit": ...}}.'))
        return None
    doses = []
    for i, item in enumerate(raw):
        where = f"doses[{i}]"
        if isinstance(item, str):
            doses.append(Dose(item))
        elif isinstance(item, dict):
            bad = False
            for k in item:
                if k not in DOSE_KEYS:
                    problems.append(_unknown_key(k, DOSE_KEYS, where + "."))
                    bad = True
            label, value, unit = item.get("label"), item.get("value"), item.get("unit")
            if value is not None and (not _is_number(value) or value <= 0):
                problems.append(Problem(f"{where}.value", f"{_show(value)} is not a positive number; give the "
                                        f"dose amount, e.g. 1e6 (or leave value out)."))
                bad = True
            if unit is not None and not isinstance(unit, str):
                problems.append(Problem(f"{where}.unit", f"{_show(unit)} is not text; give a unit such as "
                                        f'"cells/kg".'))
                bad = True
            if label is None and value is not None and _is_number(value):
                label = f"{value:g}" + (f" {unit}" if isinstance(unit, str) else "")
            if not isinstance(label, str):
                problems.append(Problem(f"{where}.label", f"{_show(label)} is not text; give each dose a label "
                                        f'such as "DL{i + 1}".'))
                bad = True
            if not bad:
                doses.append(Dose(label, float(value) if value is not None else None, unit))
        else:
            problems.append(Problem(where, f"{_show(item)} is neither a label nor an object; give a label such "
                                           f'as "DL{i + 1}" or {{"label": "DL{i + 1}", "value": 1e6}}.'))
    if len(doses) != len(raw):
        return None
    for i, d in enumerate(doses):
        if not d.label.strip():
            problems.append(Problem(f"doses[{i}]", "the label is empty; give each dose a label."))
    labels = [d.label for d in doses]
    for i, lab in enumerate(labels):
        if lab in labels[:i]:
            problems.append(Problem(f"doses[{i}]", f'the label "{lab}" is used twice; give each dose its own label.'))
    values = [d.value for d in doses]
    if any(v is not None for v in values) and any(v is None for v in values):
        problems.append(Problem("doses", "some doses have a value and some do not; give a value for every dose "
                                         "or for none."))
    elif all(v is not None for v in values):
        for i in range(1, len(values)):
            if values[i] <= values[i - 1]:
                problems.append(Problem(f"doses[{i}].value", f"{values[i]:g} is not above the dose below it "
                                        f"({values[i - 1]:g}); list doses from lowest to highest."))
                break
    return tuple(doses)


def _parse_truth(raw: Any, problems: list[Problem], where: str = "truth") -> tuple[float, ...] | None:
    if not isinstance(raw, list):
        problems.append(Problem(where, f"{_show(raw)} is not a list; give the true DLT probability of each dose, "
                                       f"e.g. [0.05, 0.12, 0.25, 0.45]."))
        return None
    ok = True
    for i, v in enumerate(raw):
        if not _is_number(v):
            problems.append(Problem(f"{where}[{i}]", f"{_show(v)} is not a number; give a probability from 0 to 1."))
            ok = False
        elif not 0.0 <= v <= 1.0:
            problems.append(Problem(f"{where}[{i}]", f"{_show(v)} is outside [0, 1]; a DLT probability must be "
                                    f"from 0 to 1 (write 25% as 0.25)."))
            ok = False
    return tuple(float(v) for v in raw) if ok else None


def _monotone_warning(truth: tuple[float, ...], where: str = "truth") -> list[str]:
    for i in range(1, len(truth)):
        if truth[i] < truth[i - 1]:
            return [f"{where} is not increasing with dose (level {i}: {truth[i - 1]:g} > level {i + 1}: "
                    f"{truth[i]:g}); results are computed for it as given."]
    return []


def _parse_design(raw: Any, target: float | None, n_doses: int | None, problems: list[Problem],
                  where: str = "design") -> DesignSpec | None:
    names = ", ".join(f'"{m}"' for m in design_classes())
    if not isinstance(raw, dict):
        problems.append(Problem(where, f'{_show(raw)} is not an object; give e.g. {{"method": "3+3"}}. '
                                       f"Methods: {names}."))
        return None
    method = raw.get("method")
    if method is None:
        problems.append(Problem(f"{where}.method", f"missing; name the design, one of {names}."))
        return None
    cls = find_design(method) if isinstance(method, str) else None
    if cls is None:
        near = difflib.get_close_matches(str(method).lower(), list(design_classes()), n=1)
        hint = f' Did you mean "{near[0]}"?' if near else ""
        problems.append(Problem(f"{where}.method", f"{_show(method)} is not a design here.{hint} "
                                f"Methods: {names} (see `phase1-explorer designs`)."))
        return None
    given = {k: v for k, v in raw.items() if k != "method"}
    if target is None or n_doses is None:
        return None  # cannot resolve target-dependent defaults; the target's own problem is reported
    resolved, probs = cls.resolve_options(given, target, n_doses, where)
    problems += probs
    return None if probs else DesignSpec(cls.method, resolved)


def _parse_compare(raw: Any, target: float | None, n_doses: int | None, problems: list[Problem],
                   where: str = "compare") -> tuple[DesignSpec, ...]:
    """The designs to compare: a non-empty list of design objects (or method names, short for {"method": ...})."""
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(where, f'{_show(raw)} is not a list of designs; give e.g. [{{"method": "boin"}}, '
                                       f'{{"method": "crm", "max_n": 18}}].'))
        return ()
    out = []
    for i, item in enumerate(raw):
        spec = _parse_design({"method": item} if isinstance(item, str) else item, target, n_doses, problems,
                             f"{where}[{i}]")
        if spec is not None:
            out.append(spec)
    return tuple(out)


def parse_design(raw: Any, protocol: Protocol, where: str = "design") -> DesignSpec:
    """Validate one design (an object, or a method name) for this protocol's ladder and target, or raise."""
    problems: list[Problem] = []
    spec = _parse_design({"method": raw} if isinstance(raw, str) else raw, protocol.target, protocol.n_doses,
                         problems, where)
    if problems or spec is None:
        raise ProtocolError(problems)
    return spec


def _int_field(raw: dict[str, Any], key: str, default: int, low: int, high: int | None,
               meaning: str, problems: list[Problem]) -> int:
    v = raw.get(key, default)
    if not _is_whole(v):
        problems.append(Problem(key, f"{_show(v)} is not a whole number; give {meaning}."))
        return default
    v = int(v)
    if v < low or (high is not None and v > high):
        rng = f"from {low:,} to {high:,}" if high is not None else f"of at least {low}"
        problems.append(Problem(key, f"{v:,} is out of range; give {meaning}, {rng}."))
        return default
    return v


def protocol_from_dict(raw: Any) -> Protocol:
    """Validate a protocol object (as read from JSON) and build the Protocol, or raise ProtocolError."""
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise ProtocolError(Problem("", f"the protocol must be a JSON object {{...}}, not {type(raw).__name__}; "
                                        f"see `phase1-explorer designs` and the README for an example."))
    for k in raw:
        if k not in TOP_KEYS:
            problems.append(_unknown_key(k, TOP_KEYS, ""))

    for key in ("title", "description"):
        if key in raw and not isinstance(raw[key], str):
            problems.append(Problem(key, f"{_show(raw[key])} is not text; give a string or leave {key} out."))

    target = raw.get("target")
    if target is None:
        problems.append(Problem("target", "missing; give the target DLT rate, e.g. 0.25."))
    elif not _is_number(target):
        problems.append(Problem("target", f"{_show(target)} is not a number; give the target DLT rate, e.g. 0.25."))
        target = None
    elif not 0.0 < target < 1.0:
        problems.append(Problem("target", f"{_show(target)} is outside (0, 1); give the target DLT rate as a "
                                          f"probability, e.g. 0.25 for 25%."))
        target = None

    if "arms" in raw or "arm_design" in raw:
        return _two_arm_protocol(raw, target, problems)

    truth = None
    if "truth" not in raw:
        problems.append(Problem("truth", "missing; give the true DLT probability of each dose, "
                                         "e.g. [0.05, 0.12, 0.25, 0.45]."))
    else:
        truth = _parse_truth(raw["truth"], problems)
    n_truth = len(raw["truth"]) if isinstance(raw.get("truth"), list) else None
    doses = _parse_doses(raw.get("doses"), n_truth, problems)
    n_doses = len(doses) if doses is not None else n_truth
    if n_doses is not None and not MIN_DOSES <= n_doses <= MAX_DOSES:
        where = "doses" if raw.get("doses") is not None else "truth"
        problems.append(Problem(where, f"{n_doses} dose{'s' if n_doses != 1 else ''}; a ladder needs from "
                                       f"{MIN_DOSES} to {MAX_DOSES} doses."))
        n_doses = None
    if doses is not None and n_truth is not None and len(doses) != n_truth:
        problems.append(Problem("truth", f"{n_truth} values for {len(doses)} doses; give one DLT probability "
                                         f"per dose."))
        n_doses = None

    start = _start_dose(raw.get("start_dose", 1), n_doses, problems, "start_dose")

    design = None
    if "design" not in raw:
        problems.append(Problem("design", f'missing; give e.g. {{"method": "3+3"}}. Methods: '
                                          f"{', '.join(design_classes())}."))
    else:
        design = _parse_design(raw["design"], target, n_doses, problems)
    compare = _parse_compare(raw["compare"], target, n_doses, problems) if "compare" in raw else ()

    trials = _int_field(raw, "trials", DEFAULT_TRIALS, 1, MAX_TRIALS, "the number of simulated trials", problems)
    seed = _int_field(raw, "seed", DEFAULT_SEED, 0, 2**63 - 1, "a random seed (a whole number ≥ 0)", problems)
    method = raw.get("method", "auto")
    if method not in METHODS:
        problems.append(Problem("method", f"{_show(method)} is not a way to compute; give one of "
                                          f"{', '.join(json_value(m) for m in METHODS)}."))
    if problems:
        raise ProtocolError(problems)
    assert target is not None and truth is not None and doses is not None and design is not None
    return Protocol(target=float(target), doses=doses, truth=truth, design=design, start_dose=start,
                    trials=trials, seed=seed, method=method, title=raw.get("title"), compare=compare,
                    description=raw.get("description"), warnings=tuple(_monotone_warning(truth)))


def _start_dose(raw: Any, n_doses: int | None, problems: list[Problem], where: str) -> int:
    if not _is_whole(raw):
        problems.append(Problem(where, f"{_show(raw)} is not a dose level; give a whole number from 1."))
        return 1
    if n_doses is not None and not 1 <= raw <= n_doses:
        problems.append(Problem(where, f"{_show(raw)} is outside the ladder; give a dose level from 1 to "
                                       f"{n_doses} (levels count from 1)."))
    return int(raw)


def _two_arm_protocol(raw: dict[str, Any], target: float | None, problems: list[Problem]) -> Protocol:
    """The two-arm form: `arms` with a truth each (and optional ladder, design, start), plus `arm_design`."""
    if "arms" not in raw:
        problems.append(Problem("arm_design", 'an arm design needs "arms": give two arms, e.g. '
                                              '[{"name": "A", "truth": [...]}, {"name": "B", "truth": [...]}].'))
        raise ProtocolError(problems)
    if "truth" in raw:
        problems.append(Problem("truth", 'with "arms", give each arm its own "truth" instead of a top-level one.'))
    arms_raw = raw["arms"]
    if not isinstance(arms_raw, list) or len(arms_raw) != 2:
        problems.append(Problem("arms", f"{_show(arms_raw)} is not a list of two arms; give "
                                        f'[{{"name": "A", "truth": [...]}}, {{"name": "B", "truth": [...]}}].'))
        raise ProtocolError(problems)
    arms: list[ArmSpec] = []
    warnings: list[str] = []
    for i, arm in enumerate(arms_raw):
        where = f"arms[{i}]"
        if not isinstance(arm, dict):
            problems.append(Problem(where, f"{_show(arm)} is not an object; give "
                                           f'{{"name": "{"AB"[i]}", "truth": [...]}}.'))
            continue
        for k in arm:
            if k not in ARM_KEYS:
                problems.append(_unknown_key(k, ARM_KEYS, where + "."))
        name = arm.get("name", "AB"[i])
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(f"{where}.name", f"{_show(name)} is not a name; give text such as \"A\"."))
        if "truth" not in arm:
            problems.append(Problem(f"{where}.truth", "missing; give this arm's true DLT probability at each dose."))
            continue
        n_before = len(problems)
        truth = _parse_truth(arm["truth"], problems, f"{where}.truth")
        doses_raw = arm.get("doses", raw.get("doses"))
        n_truth = len(arm["truth"]) if isinstance(arm["truth"], list) else None
        doses = _parse_doses(doses_raw, n_truth, problems)
        if doses is not None and n_truth is not None and len(doses) != n_truth:
            problems.append(Problem(f"{where}.truth", f"{n_truth} values for {len(doses)} doses; give one DLT "
                                                      f"probability per dose."))
        elif doses is not None and not MIN_DOSES <= len(doses) <= MAX_DOSES:
            problems.append(Problem(f"{where}.truth", f"{len(doses)} doses; a ladder needs from {MIN_DOSES} to "
                                                      f"{MAX_DOSES} doses."))
        n_doses = len(doses) if doses is not None else None
        start = _start_dose(arm.get("start_dose", raw.get("start_dose", 1)), n_doses, problems,
                            f"{where}.start_dose")
        design_raw = arm.get("design", raw.get("design"))
        if design_raw is None:
            problems.append(Problem(f"{where}.design", 'missing; give a top-level "design" or one for this arm, '
                                                       'e.g. {"method": "3+3"}.'))
            continue
        design = _parse_design(design_raw, target, n_doses, problems,
                               f"{where}.design" if "design" in arm else "design")
        if len(problems) == n_before and truth is not None and doses is not None and design is not None:
            arms.append(ArmSpec(name, truth, doses, design, start))
            warnings += _monotone_warning(truth, f"{where}.truth")
    arm_design = parse_arm_design(raw.get("arm_design"), problems)
    if "compare" in raw:
        problems.append(Problem("compare", "design comparison works on one-arm protocols; remove \"compare\" here "
                                           "or compare the designs of each arm in a one-arm protocol of its own."))
    if len(arms) == 2 and arm_design is not None:
        if arms[0].name == arms[1].name:
            problems.append(Problem("arms[1].name", f'"{arms[1].name}" is the name of both arms; name them apart.'))
        if arm_design.mode != "independent" and len(arms[0].doses) != len(arms[1].doses):
            problems.append(Problem("arm_design.mode", f'"{arm_design.mode}" compares the arms level by level, but '
                                    f"they have {len(arms[0].doses)} and {len(arms[1].doses)} doses; give both arms "
                                    f'the same number of levels or use "independent".'))
        if arm_design.mode == "ordered":
            bad = [k + 1 for k, (a, b) in enumerate(zip(arms[0].truth, arms[1].truth)) if b < a - 1e-12]
            if bad:
                warnings.append(f'"ordered" assumes Arm {arms[1].name} is at least as toxic as Arm {arms[0].name} '
                                f"at each dose, but its truth is lower at level(s) {', '.join(map(str, bad))}; "
                                f"results are computed as asked.")
    trials = _int_field(raw, "trials", DEFAULT_TRIALS, 1, MAX_TRIALS, "the number of simulated trials", problems)
    seed = _int_field(raw, "seed", DEFAULT_SEED, 0, 2**63 - 1, "a random seed (a whole number ≥ 0)", problems)
    method = raw.get("method", "auto")
    if method not in METHODS:
        problems.append(Problem("method", f"{_show(method)} is not a way to compute; give one of "
                                          f"{', '.join(json_value(m) for m in METHODS)}."))
    if problems:
        raise ProtocolError(problems)
    assert target is not None and arm_design is not None
    first = arms[0]
    return Protocol(target=float(target), doses=first.doses, truth=(), design=first.design,
                    start_dose=first.start_dose, trials=trials, seed=seed, method=method, title=raw.get("title"),
                    description=raw.get("description"), arms=tuple(arms), arm_design=arm_design,
                    warnings=tuple(warnings))


def loads_protocol(text: str | bytes, source: str = "protocol") -> Protocol:
    """Parse and validate a protocol from JSON text."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(Problem("", f"{source} is not UTF-8 text; save the protocol as a JSON file.")) from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as e:
        raise ProtocolError(Problem("", f"{source} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}. "
                                        f"Check commas, quotes and brackets near there.")) from None
    return protocol_from_dict(raw)


def load_protocol(path: str | Path) -> Protocol:
    """Read and validate a protocol file."""
    p = Path(path)
    try:
        text = p.read_bytes()
    except FileNotFoundError:
        raise ProtocolError(Problem("", f"{p}: no such file; give the path of a protocol JSON file.")) from None
    except IsADirectoryError:
        raise ProtocolError(Problem("", f"{p} is a folder; give the path of a protocol JSON file.")) from None
    except OSError as e:
        raise ProtocolError(Problem("", f"{p} cannot be read: {e.strerror}.")) from None
    return loads_protocol(text, source=str(p))


def save_protocol(protocol: Protocol, path: str | Path) -> None:
    """Write the protocol as a JSON file."""
    Path(path).write_text(protocol.to_json())


__all__ = ["ArmSpec", "DEFAULT_SEED", "DEFAULT_TRIALS", "Dose", "DesignSpec", "Protocol", "load_protocol",
           "loads_protocol", "parse_design", "protocol_from_dict", "save_protocol"]
