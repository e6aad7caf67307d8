"""The one interface every design obeys, and the declaration of its options."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..errors import Problem

OptionKind = str  # "int" | "float" | "bool" | "choice" | "floats"


@dataclass(frozen=True)
class Option:
    """A design option: its name, type, default, bounds and one-line meaning.

    The command line, the protocol validator and the app's controls are all generated from these.
    """

    name: str
    kind: OptionKind
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    # Defaults that depend on the target (BOIN's p_saf = 0.6 × target) are computed by this.
    default_from_target: Callable[[float], Any] | None = field(default=None, compare=False)
    default_text: str | None = None
    #: A "floats" option that, when not given, takes the ladder's numeric dose values (one per dose) where the
    #: protocol's doses have them (see Design.__init__'s ladder_values); otherwise its default applies.
    from_ladder: bool = False

    def describe_default(self) -> str:
        """The default as a user reads it."""
        if self.default_text is not None:
            return self.default_text
        if self.default is None:
            return "none"
        return json_value(self.default)

    def default_for(self, target: float) -> Any:
        """The default value for this target."""
        if self.default_from_target is not None:
            return self.default_from_target(target)
        return self.default

    def bounds_text(self) -> str:
        """The valid range as a user reads it."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(f'"{c}"' for c in self.choices)
        lo = "" if self.low is None else f"{json_value(self.low)}"
        hi = "" if self.high is None else f"{json_value(self.high)}"
        what = {"int": "a whole number", "float": "a number", "floats": "a list of numbers"}[self.kind]
        if lo and hi:
            return f"{what} from {lo} to {hi}"
        if lo:
            return f"{what} of at least {lo}"
        if hi:
            return f"{what} of at most {hi}"
        return what

    def check(self, value: Any, where: str) -> tuple[Any, list[Problem]]:
        """Validate one given value; return it normalised, or the problems found."""
        bad = [Problem(where, f"{json_value(value)} is not valid; give {self.bounds_text()}.")]
        if self.kind == "bool":
            return (value, []) if isinstance(value, bool) else (None, bad)
        if self.kind == "choice":
            return (value, []) if isinstance(value, str) and value in self.choices else (None, bad)
        if self.kind == "floats":
            if not isinstance(value, (list, tuple)) or not value:
                return None, bad
            out = []
            for i, v in enumerate(value):
                if not _is_number(v) or not self._in_bounds(float(v)):
                    return None, [Problem(f"{where}[{i}]", f"{json_value(v)} is not valid; each entry must be "
                                          f"{self.bounds_text().replace('a list of numbers', 'a number')}.")]
                out.append(float(v))
            return tuple(out), []
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
                return None, bad
            value = int(value)
        elif self.kind == "float":
            if not _is_number(value):
                return None, bad
            value = float(value)
        if not self._in_bounds(value):
            return None, bad
        return value, []

    def _in_bounds(self, v: float) -> bool:
        return (self.low is None or v >= self.low) and (self.high is None or v <= self.high)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def json_value(v: Any) -> str:
    """A value written as it would appear in a protocol file."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v)) if abs(v) >= 1 or v == 0 else repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(json_value(x) for x in v) + "]"
    return repr(v) if isinstance(v, float) else str(v)


@dataclass
class Decision:
    """What a design decides for each of a batch of trial states.

    `dose` is the next dose (0-based) and `size` the next cohort's size for trials that go on;
    for trials that stop (`stop` true), `selected` is the recommended dose or -1 for none.
    `extra` is the design's updated integer memory (same shape as it was given).
    """

    dose: np.ndarray
    size: np.ndarray
    stop: np.ndarray
    selected: np.ndarray
    extra: np.ndarray


class Design:
    """Base class of every escalation design.

    A design is a vectorised function of the count state of a batch of trials:
    `n`, `x` (patients and DLTs per dose, shape trials × doses), `cur` (the dose last given,
    -1 before the first cohort) and `extra` (a few integer columns of the design's own memory).
    Because the state is counts only, one `decide` serves Monte Carlo and exact enumeration.
    """

    method: ClassVar[str]
    title: ClassVar[str]
    summary: ClassVar[str]
    options: ClassVar[tuple[Option, ...]] = ()
    aliases: ClassVar[tuple[str, ...]] = ()
    #: Where the design is listed (CLI, app): rule-based 10s, interval 20s, model-based 30s.
    order: ClassVar[int] = 50
    n_extra: ClassVar[int] = 0
    #: Whether exact enumeration over count states is offered for this design.
    exact: ClassVar[bool] = True

    @classmethod
    def short_title(cls) -> str:
        """The title without its reference, e.g. "CRM" for "CRM (O'Quigley et al. 1990)"."""
        return cls.title.split(" (")[0]

    def __init__(self, n_doses: int, target: float, start_dose: int = 0, *,
                 ladder_values: Sequence[float] | None = None, **options: Any):
        """`ladder_values`: the numeric dose of each level, where the ladder has them; options declared
        `from_ladder` that are not given (or given as null) take them."""
        self.ladder_values = None if ladder_values is None else tuple(float(v) for v in ladder_values)
        if self.ladder_values is not None:
            options = {**options, **{o.name: self.ladder_values for o in self.options
                                     if o.from_ladder and options.get(o.name) is None}}
        resolved, problems = self.resolve_options(options, target, n_doses)
        if problems:
            from ..errors import ProtocolError

            raise ProtocolError(problems)
        self.n_doses = n_doses
        self.target = target
        self.start_dose = start_dose
        self.opts = resolved
        self.setup()

    # ---- declared options ------------------------------------------------------------
    @classmethod
    def resolve_options(cls, given: dict[str, Any], target: float, n_doses: int,
                        where: str = "design") -> tuple[dict[str, Any], list[Problem]]:
        """Validate given options against the declaration and fill in defaults."""
        problems: list[Problem] = []
        known = {o.name: o for o in cls.options}
        resolved: dict[str, Any] = {}
        for name, value in given.items():
            if name not in known:
                valid = ", ".join(known) if known else "none"
                problems.append(Problem(f"{where}.{name}", f'"{name}" is not an option of {cls.method}; '
                                        f"its options are: {valid}."))
                continue
            v, p = known[name].check(value, f"{where}.{name}")
            problems += p
            if not p:
                resolved[name] = v
        for o in cls.options:
            if o.name not in resolved and o.name not in given:
                resolved[o.name] = o.default_for(target)
        if not problems:
            problems += cls.cross_check(resolved, n_doses, target, where)
        return resolved, problems

    @classmethod
    def cross_check(cls, opts: dict[str, Any], n_doses: int, target: float, where: str) -> list[Problem]:
        """Problems that involve more than one option (override where needed)."""
        problems = []
        if "cohort_size" in opts and "max_n" in opts and opts["cohort_size"] > opts["max_n"]:
            problems.append(Problem(f"{where}.cohort_size",
                                    f"a cohort of {opts['cohort_size']} is larger than the sample size "
                                    f"max_n = {opts['max_n']}; make the cohort smaller or max_n larger."))
        return problems

    # ---- behaviour -------------------------------------------------------------------
    def setup(self) -> None:
        """Precompute whatever the design needs from its options (override)."""

    @property
    def max_n(self) -> int:
        """The largest number of patients a trial can enrol."""
        return int(self.opts["max_n"])

    @property
    def max_cohort(self) -> int:
        """The largest cohort the design ever asks for."""
        return int(self.opts["cohort_size"])

    def initial_extra(self, batch: int) -> np.ndarray:
        """The design's memory before the first patient."""
        return np.zeros((batch, self.n_extra), dtype=np.int64)

    def decide(self, n: np.ndarray, x: np.ndarray, cur: np.ndarray, extra: np.ndarray) -> Decision:
        """The next dose and cohort size, or stop and the selected dose, for every state."""
        raise NotImplementedError

    def select_now(self, n: np.ndarray, x: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """The dose to recommend if the trial is stopped from outside now (e.g. a shared cap is reached).

        Default: the highest treated dose below any eliminated one whose observed DLT rate is at most the
        target; -1 if there is none. Designs with their own final selection override this.
        """
        elim = np.maximum.accumulate(self.eliminated(n, x, extra), axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            ok = (n > 0) & ~elim & (x <= self.target * n)
        K = n.shape[1]
        return np.where(ok.any(axis=1), K - 1 - np.argmax(ok[:, ::-1], axis=1), -1)

    def eliminated(self, n: np.ndarray, x: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """Which doses the design will never give again (bool, trials × doses)."""
        return np.zeros(n.shape, dtype=bool)

    def acceptable_interval(self) -> tuple[float, float]:
        """Truths in this interval count as acceptable doses (target ± 0.05 unless the design has its own)."""
        return (self.target - 0.05, self.target + 0.05)
