"""Validation of a protocol object (as read from JSON): every problem found, each naming the field, the value and
what would be valid; the Protocol when there are none."""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import replace
from typing import Any

from .arms.spec import parse_arm_design
from .clock.spec import parse_arm_time, parse_time
from .designs import design_classes, find_design
from .designs.base import Capability, json_value
from .errors import (
    ORDER_CONTRADICTED,
    TIME_DESIGN_WITHOUT_CLOCK,
    TRUTH_NOT_INCREASING,
    Notice,
    Problem,
    ProtocolError,
)
from .numbers import is_number, is_whole
from .protocol import DEFAULT_SEED, DEFAULT_TRIALS, METHODS, Arm, DesignSpec, Dose, Protocol

MIN_DOSES, MAX_DOSES = 2, 12
MAX_TRIALS = 1_000_000
MAX_COMPARE = 12
ONE_ARM_KEYS = ("title", "description", "target", "doses", "truth", "start_dose", "design", "trials", "seed",
                "method", "arms", "arm_design", "compare", "time")
TOP_KEYS = ONE_ARM_KEYS
DOSE_KEYS = ("label", "value", "unit")
ARM_KEYS = ("name", "truth", "doses", "design", "start_dose", "time")


def show(v: Any) -> str:
    """A value as a message quotes it: JSON, cut short when long."""
    try:
        text = json.dumps(v) if not isinstance(v, float) or math.isfinite(v) else str(v)
    except (TypeError, ValueError):
        text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _not_a_number(v: Any) -> str:
    return "is too large a number" if isinstance(v, int) and not isinstance(v, bool) else "is not a number"


def _unknown_key(key: str, valid: tuple[str, ...], where: str) -> Problem:
    near = difflib.get_close_matches(key, valid, n=1)
    hint = f' Did you mean "{near[0]}"?' if near else ""
    return Problem(f"{where}{key}", f'{show(key)} is not a known key.{hint} Valid keys: {", ".join(valid)}.')


def _parse_doses(raw: Any, n_truth: int | None, problems: list[Problem],
                 where: str = "doses") -> tuple[Dose, ...] | None:
    if raw is None:
        if n_truth is None:
            return None
        return tuple(Dose(f"DL{i + 1}") for i in range(n_truth))
    if not isinstance(raw, list):
        problems.append(Problem(where, f"{show(raw)} is not a list; give a list of labels such as "
                                       f'["DL1", "DL2"] or objects {{"label": ..., "value": ..., "unit": ...}}.'))
        return None
    if len(raw) > MAX_DOSES:
        problems.append(Problem(where, f"{len(raw)} doses; a ladder needs from {MIN_DOSES} to {MAX_DOSES} doses."))
        return None
    doses = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if isinstance(item, str):
            doses.append(Dose(item))
        elif isinstance(item, dict):
            bad = False
            for k in item:
                if k not in DOSE_KEYS:
                    problems.append(_unknown_key(k, DOSE_KEYS, at + "."))
                    bad = True
            label, value, unit = item.get("label"), item.get("value"), item.get("unit")
            if value is not None and (not is_number(value) or value <= 0):
                problems.append(Problem(f"{at}.value", f"{show(value)} is not a positive number; give the "
                                        f"dose amount, e.g. 1e6 (or leave value out)."))
                bad = True
            if unit is not None and not isinstance(unit, str):
                problems.append(Problem(f"{at}.unit", f"{show(unit)} is not text; give a unit such as "
                                        f'"cells/kg".'))
                bad = True
            if label is None and value is not None and is_number(value):
                label = f"{value:g}" + (f" {unit}" if isinstance(unit, str) else "")
            if not isinstance(label, str):
                problems.append(Problem(f"{at}.label", f"{show(label)} is not text; give each dose a label "
                                        f'such as "DL{i + 1}".'))
                bad = True
            if not bad:
                doses.append(Dose(label, float(value) if value is not None else None, unit))
        else:
            problems.append(Problem(at, f"{show(item)} is neither a label nor an object; give a label such "
                                        f'as "DL{i + 1}" or {{"label": "DL{i + 1}", "value": 1e6}}.'))
    if len(doses) != len(raw):
        return None
    for i, d in enumerate(doses):
        if not d.label.strip():
            problems.append(Problem(f"{where}[{i}]", "the label is empty; give each dose a label."))
    labels = [d.label for d in doses]
    for i, lab in enumerate(labels):
        if lab in labels[:i]:
            problems.append(Problem(f"{where}[{i}]", f"the label {show(lab)} is used twice; give each dose its own "
                                                     f"label."))
    values = [d.value for d in doses]
    if any(v is not None for v in values) and any(v is None for v in values):
        problems.append(Problem(where, "some doses have a value and some do not; give a value for every dose "
                                       "or for none."))
    elif all(v is not None for v in values):
        for i in range(1, len(values)):
            if values[i] <= values[i - 1]:  # type: ignore[operator]
                problems.append(Problem(f"{where}[{i}].value", f"{values[i]:g} is not above the dose below it "
                                        f"({values[i - 1]:g}); list doses from lowest to highest."))
                break
    return tuple(doses)


def _parse_truth(raw: Any, problems: list[Problem], where: str = "truth") -> tuple[float, ...] | None:
    if not isinstance(raw, list):
        problems.append(Problem(where, f"{show(raw)} is not a list; give the true DLT probability of each dose, "
                                       f"e.g. [0.05, 0.12, 0.25, 0.45]."))
        return None
    if len(raw) > MAX_DOSES:
        return None  # the ladder's size is reported once, by the caller
    ok = True
    for i, v in enumerate(raw):
        if not is_number(v):
            problems.append(Problem(f"{where}[{i}]", f"{show(v)} {_not_a_number(v)}; give a probability from 0 "
                                                     f"to 1."))
            ok = False
        elif not 0.0 <= v <= 1.0:
            problems.append(Problem(f"{where}[{i}]", f"{show(v)} is outside [0, 1]; a DLT probability must be "
                                    f"from 0 to 1 (write 25% as 0.25)."))
            ok = False
    return tuple(float(v) for v in raw) if ok else None


def _monotone_warning(truth: tuple[float, ...], where: str = "truth") -> list[Notice]:
    for i in range(1, len(truth)):
        if truth[i] < truth[i - 1]:
            return [Notice(TRUTH_NOT_INCREASING,
                           f"{where} is not increasing with dose (level {i}: {truth[i - 1]:g} > level {i + 1}: "
                           f"{truth[i]:g}); results are computed for it as given.", where)]
    return []


def _parse_design(raw: Any, target: float | None, n_doses: int | None, problems: list[Problem],
                  where: str = "design") -> DesignSpec | None:
    names = ", ".join(f'"{m}"' for m in design_classes())
    if not isinstance(raw, dict):
        problems.append(Problem(where, f'{show(raw)} is not an object; give e.g. {{"method": "3+3"}}. '
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
        problems.append(Problem(f"{where}.method", f"{show(method)} is not a design here.{hint} "
                                f"Methods: {names} (see `phase1-explorer designs`)."))
        return None
    given = {k: v for k, v in raw.items() if k != "method"}
    if target is None or n_doses is None:
        return None  # cannot resolve target-dependent defaults; the target's own problem is reported
    resolved, probs = cls.resolve_options(given, target, n_doses, where)
    problems += probs
    return None if probs else DesignSpec(cls.method, resolved)


def _parse_compare(raw: Any, target: float | None, ladders: list[int | None], problems: list[Problem],
                   where: str = "compare") -> tuple[DesignSpec, ...]:
    """The designs to compare: a non-empty list of design objects (or method names, short for {"method": ...}), each
    valid for every arm's ladder."""
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(where, f'{show(raw)} is not a list of designs; give e.g. [{{"method": "boin"}}, '
                                       f'{{"method": "crm", "max_n": 18}}].'))
        return ()
    if len(raw) > MAX_COMPARE:
        problems.append(Problem(where, f"{len(raw)} designs; compare at most {MAX_COMPARE} at once."))
        return ()
    out = []
    for i, item in enumerate(raw):
        specs = []
        for n_doses in dict.fromkeys(ladders):
            specs.append(_parse_design({"method": item} if isinstance(item, str) else item, target, n_doses,
                                       problems, f"{where}[{i}]"))
        if specs and all(s is not None for s in specs) and len(set(specs)) == 1:
            out.append(specs[0])
    return tuple(out)


def parse_design(raw: Any, protocol: Protocol, where: str = "design") -> DesignSpec:
    """Validate one design (an object, or a method name) for this protocol's ladders and target, or raise."""
    problems: list[Problem] = []
    specs = [_parse_design({"method": raw} if isinstance(raw, str) else raw, protocol.target, n, problems, where)
             for n in dict.fromkeys(a.n_doses for a in protocol.arms)]
    if problems or any(s is None for s in specs):
        raise ProtocolError(problems)
    return specs[0]  # type: ignore[return-value]


def _int_field(raw: dict[str, Any], key: str, default: int, low: int, high: int | None,
               meaning: str, problems: list[Problem]) -> int:
    v = raw.get(key, default)
    if not is_whole(v):
        problems.append(Problem(key, f"{show(v)} is not a whole number; give {meaning}."))
        return default
    if v < low or (high is not None and v > high):
        rng = f"from {low:,} to {high:,}" if high is not None else f"of at least {low}"
        shown = f"{int(v):,}" if abs(v) < 1e18 else show(v)
        problems.append(Problem(key, f"{shown} is out of range; give {meaning}, {rng}."))
        return default
    return int(v)


def _start_dose(raw: Any, n_doses: int | None, problems: list[Problem], where: str) -> int:
    if not is_whole(raw):
        problems.append(Problem(where, f"{show(raw)} is not a dose level; give a whole number from 1."))
        return 1
    if n_doses is not None and not 1 <= raw <= n_doses:
        problems.append(Problem(where, f"{show(raw)} is outside the ladder; give a dose level from 1 to "
                                       f"{n_doses} (levels count from 1)."))
        return 1
    return int(raw)


def _parse_target(raw: dict[str, Any], problems: list[Problem]) -> float | None:
    target = raw.get("target")
    if target is None:
        problems.append(Problem("target", "missing; give the target DLT rate, e.g. 0.25."))
        return None
    if not is_number(target):
        problems.append(Problem("target", f"{show(target)} {_not_a_number(target)}; give the target DLT rate, "
                                          f"e.g. 0.25."))
        return None
    if not 0.0 < target < 1.0:
        problems.append(Problem("target", f"{show(target)} is outside (0, 1); give the target DLT rate as a "
                                          f"probability, e.g. 0.25 for 25%."))
        return None
    return float(target)


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
            problems.append(Problem(key, f"{show(raw[key])} is not text; give a string or leave {key} out."))
    target = _parse_target(raw, problems)

    two = "arms" in raw or "arm_design" in raw
    arms, warnings = (_two_arms if two else _one_arm)(raw, target, problems)
    arm_design = parse_arm_design(raw.get("arm_design"), problems) if two else None
    if two and len(arms) == 2 and arm_design is not None:
        _check_arm_design(arms, arm_design, problems, warnings)
    ladders: list[int | None] = [a.n_doses for a in arms] or [None]
    compare = _parse_compare(raw["compare"], target, ladders, problems) if "compare" in raw else ()
    time = parse_time(raw["time"], problems) if "time" in raw else None
    if two and isinstance(raw.get("arms"), list):
        arms = _arm_times(raw["arms"], arms, time, "time" in raw, problems)
    warnings += _time_notices(arms, compare, time)

    trials = _int_field(raw, "trials", DEFAULT_TRIALS, 1, MAX_TRIALS, "the number of simulated trials", problems)
    seed = _int_field(raw, "seed", DEFAULT_SEED, 0, 2**63 - 1, "a random seed (a whole number ≥ 0)", problems)
    method = raw.get("method", "auto")
    if method not in METHODS:
        problems.append(Problem("method", f"{show(method)} is not a way to compute; give one of "
                                          f"{', '.join(json_value(m) for m in METHODS)}."))
    if problems:
        raise ProtocolError(list(dict.fromkeys(problems)))
    assert target is not None
    return Protocol(target=target, arms=tuple(arms), arm_design=arm_design, compare=compare, trials=trials,
                    seed=seed, method=method, title=raw.get("title"), description=raw.get("description"),
                    warnings=tuple(warnings), time=time)


def _arm_times(raw_arms: list[Any], arms: list[Arm], time: Any, has_time: bool,
               problems: list[Problem]) -> list[Arm]:
    """Each arm's own "time" (its DLT window settings), on the trial's clock."""
    out = list(arms)
    for i, a in enumerate(raw_arms):
        if not isinstance(a, dict) or "time" not in a:
            continue
        where = f"arms[{i}].time"
        if not has_time:
            problems.append(Problem(where, 'an arm\'s own "time" changes the trial\'s clock; give a top-level "time" '
                                           'object too, e.g. {"accrual": "poisson", "rate": 1, "dlt_window": 1}.'))
            continue
        if time is None:
            continue  # the top-level object's problems are reported
        own = parse_arm_time(a["time"], time, problems, where)
        if own is not None and len(out) == len(raw_arms):
            out[i] = replace(out[i], time=own)
    return out


def _time_notices(arms: list[Arm], compare: tuple[DesignSpec, ...], time: Any) -> list[Notice]:
    """Designs that decide with pending outcomes, in a protocol without a clock: say what they do then."""
    if time is not None:
        return []
    specs = [("design" if len(arms) == 1 else f"arms[{j}].design", a.design) for j, a in enumerate(arms)]
    specs += [(f"compare[{i}]", d) for i, d in enumerate(compare)]
    out = []
    for where, spec in specs:
        cls = find_design(spec.method)
        if cls is not None and Capability.NEEDS_TIME in cls.capabilities:
            out.append(Notice(TIME_DESIGN_WITHOUT_CLOCK,
                              f'{spec.method} decides with pending outcomes only when the protocol has a clock; '
                              f'without a "time" object every outcome is known before each decision, so it runs as '
                              f"its rule with nothing pending. Add \"time\" (accrual, rate, dlt_window, ...) to "
                              f"enrol patients while outcomes are pending.", where))
            break
    return out


def _ladder(raw_doses: Any, raw_truth: Any, problems: list[Problem], where_doses: str,
            where_truth: str) -> tuple[tuple[Dose, ...] | None, int | None]:
    """The ladder (given, or DL1..DLK from the truth's length) and its size when valid."""
    n_truth = len(raw_truth) if isinstance(raw_truth, list) else None
    doses = _parse_doses(raw_doses, n_truth, problems, where_doses)
    n_doses = len(doses) if doses is not None else n_truth
    if n_doses is not None and not MIN_DOSES <= n_doses <= MAX_DOSES:
        where = where_doses if raw_doses is not None else where_truth
        if not (raw_doses is not None and isinstance(raw_doses, list) and len(raw_doses) > MAX_DOSES):
            problems.append(Problem(where, f"{n_doses} dose{'s' if n_doses != 1 else ''}; a ladder needs from "
                                           f"{MIN_DOSES} to {MAX_DOSES} doses."))
        return doses, None
    if doses is not None and n_truth is not None and len(doses) != n_truth:
        problems.append(Problem(where_truth, f"{n_truth} values for {len(doses)} doses; give one DLT probability "
                                             f"per dose."))
        return doses, None
    return doses, n_doses


def _one_arm(raw: dict[str, Any], target: float | None, problems: list[Problem]) -> tuple[list[Arm], list[Notice]]:
    truth = None
    if "truth" not in raw:
        problems.append(Problem("truth", "missing; give the true DLT probability of each dose, "
                                         "e.g. [0.05, 0.12, 0.25, 0.45]."))
    else:
        truth = _parse_truth(raw["truth"], problems)
    doses, n_doses = _ladder(raw.get("doses"), raw.get("truth"), problems, "doses", "truth")
    start = _start_dose(raw.get("start_dose", 1), n_doses, problems, "start_dose")
    design = None
    if "design" not in raw:
        problems.append(Problem("design", f'missing; give e.g. {{"method": "3+3"}}. Methods: '
                                          f"{', '.join(design_classes())}."))
    else:
        design = _parse_design(raw["design"], target, n_doses, problems)
    if truth is None or doses is None or design is None or n_doses is None:
        return [], []
    return [Arm(None, truth, doses, design, start)], _monotone_warning(truth)


def _two_arms(raw: dict[str, Any], target: float | None, problems: list[Problem]) -> tuple[list[Arm], list[Notice]]:
    """The two-arm form: `arms` with a truth each (and optional ladder, design, start), plus `arm_design`."""
    if "arms" not in raw:
        problems.append(Problem("arm_design", 'an arm design needs "arms": give two arms, e.g. '
                                              '[{"name": "A", "truth": [...]}, {"name": "B", "truth": [...]}].'))
        return [], []
    if "truth" in raw:
        problems.append(Problem("truth", 'with "arms", give each arm its own "truth" instead of a top-level one.'))
    arms_raw = raw["arms"]
    if not isinstance(arms_raw, list) or len(arms_raw) != 2:
        problems.append(Problem("arms", f"{show(arms_raw)} is not a list of two arms; give "
                                        f'[{{"name": "A", "truth": [...]}}, {{"name": "B", "truth": [...]}}].'))
        return [], []
    arms: list[Arm] = []
    warnings: list[Notice] = []
    for i, arm in enumerate(arms_raw):
        where = f"arms[{i}]"
        if not isinstance(arm, dict):
            problems.append(Problem(where, f"{show(arm)} is not an object; give "
                                           f'{{"name": "{"AB"[i]}", "truth": [...]}}.'))
            continue
        for k in arm:
            if k not in ARM_KEYS:
                problems.append(_unknown_key(k, ARM_KEYS, where + "."))
        name = arm.get("name", "AB"[i])
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(f"{where}.name", f"{show(name)} is not a name; give text such as \"A\"."))
        if "truth" not in arm:
            problems.append(Problem(f"{where}.truth", "missing; give this arm's true DLT probability at each dose."))
            continue
        n_before = len(problems)
        truth = _parse_truth(arm["truth"], problems, f"{where}.truth")
        own_doses = "doses" in arm
        doses, n_doses = _ladder(arm.get("doses", raw.get("doses")), arm["truth"], problems,
                                 f"{where}.doses" if own_doses else "doses", f"{where}.truth")
        start = _start_dose(arm.get("start_dose", raw.get("start_dose", 1)), n_doses, problems,
                            f"{where}.start_dose")
        design_raw = arm.get("design", raw.get("design"))
        if design_raw is None:
            problems.append(Problem(f"{where}.design", 'missing; give a top-level "design" or one for this arm, '
                                                       'e.g. {"method": "3+3"}.'))
            continue
        design = _parse_design(design_raw, target, n_doses, problems, f"{where}.design" if "design" in arm
                               else "design")
        if len(problems) == n_before and truth is not None and doses is not None and design is not None:
            arms.append(Arm(name, truth, doses, design, start))
            warnings += _monotone_warning(truth, f"{where}.truth")
    return arms, warnings


def _check_arm_design(arms: list[Arm], arm_design: Any, problems: list[Problem], warnings: list[Notice]) -> None:
    if arms[0].name == arms[1].name:
        problems.append(Problem("arms[1].name", f'"{arms[1].name}" is the name of both arms; name them apart.'))
    if arm_design.mode != "independent" and arms[0].n_doses != arms[1].n_doses:
        problems.append(Problem("arm_design.mode", f'"{arm_design.mode}" compares the arms level by level, but '
                                f"they have {arms[0].n_doses} and {arms[1].n_doses} doses; give both arms "
                                f'the same number of levels or use "independent".'))
    if arm_design.mode == "ordered":
        bad = [k + 1 for k, (a, b) in enumerate(zip(arms[0].truth, arms[1].truth)) if b < a - 1e-12]
        if bad:
            warnings.append(Notice(ORDER_CONTRADICTED,
                                   f'"ordered" assumes Arm {arms[1].name} is at least as toxic as Arm '
                                   f"{arms[0].name} at each dose, but its truth is lower at level(s) "
                                   f"{', '.join(map(str, bad))}; results are computed as asked.", "arm_design.mode"))


__all__ = ["MAX_TRIALS", "is_number", "parse_design", "protocol_from_dict", "show"]
