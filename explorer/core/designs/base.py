"""The one interface every design obeys, and the declaration of its options."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ..errors import Problem
from ..numbers import is_number, is_whole

if TYPE_CHECKING:
    from .pending import PendingState


class OptionKind(str, Enum):
    """What values an option takes (the app picks its widget by this, the validator its check)."""

    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    CHOICE = "choice"
    FLOATS = "floats"


INT, FLOAT, BOOL, CHOICE, FLOATS = OptionKind  # short names for the declarations


class Capability(str, Enum):
    """What a design declares it can do, so that engines and views ask instead of checking types."""

    #: Decides from count states alone: exact enumeration is offered (within the pipeline's budget).
    EXACT = "exact"
    #: Decides from a fixed table of patients and DLTs at the current dose (BOIN's get.boundary form).
    DECISION_TABLE = "decision-table"
    #: Decides with pending patients (time-to-event designs, rolling six): its rule reads a `PendingState` when the
    #: protocol has a clock ("time"). Without one every outcome is known at each decision, and it makes its
    #: complete-data decisions (TITE-CRM: the CRM with titesim's restriction; TITE-BOIN: BOIN; rolling six: its
    #: table with nothing pending); the protocol then carries a notice saying so.
    NEEDS_TIME = "needs-time"
    #: With a clock, may suspend accrual while outcomes are pending (rolling six at six, TITE-BOIN with too many
    #: pending): the clock engine then looks, outcome by outcome, for when the design can assign a dose again.
    SUSPENDS = "suspends"


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
    #: What the app shows a clinician instead of the JSON name (files and the command line keep `name`).
    label: str | None = None
    #: Words for each of `choices`, in the same order (the app's menus; files keep the choices themselves).
    choice_labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", OptionKind(self.kind))  # a closed set: an unknown kind fails here
        if self.choice_labels and len(self.choice_labels) != len(self.choices):
            raise ValueError(f"option {self.name}: {len(self.choice_labels)} choice labels for "
                             f"{len(self.choices)} choices")

    @property
    def title(self) -> str:
        """The label people read (the JSON name where no label is declared)."""
        return self.label or self.name

    def choice_title(self, choice: str) -> str:
        """The words for one of the choices (the choice itself where none are declared)."""
        return dict(zip(self.choices, self.choice_labels)).get(choice, choice)

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
                if not is_number(v) or not self._in_bounds(float(v)):
                    return None, [Problem(f"{where}[{i}]", f"{json_value(v)} is not valid; each entry must be "
                                          f"{self.bounds_text().replace('a list of numbers', 'a number')}.")]
                out.append(float(v))
            return tuple(out), []
        if self.kind == "int":
            if not is_whole(value):
                return None, bad
            value = int(value)
        elif self.kind == "float":
            if not is_number(value):
                return None, bad
            value = float(value)
        if not self._in_bounds(value):
            return None, bad
        return value, []

    def _in_bounds(self, v: float) -> bool:
        return (self.low is None or v >= self.low) and (self.high is None or v <= self.high)


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


COHORT_SIZE = Option("cohort_size", INT, 3, "patients per cohort", low=1, high=12, label="Cohort size")
MAX_N = Option("max_n", INT, 36, "maximum sample size", low=1, high=200,
               label="Maximum sample size")
#: cohort_size and max_n, declared once for every design that has them.
SAMPLE_SIZE_OPTIONS = (COHORT_SIZE, MAX_N)


@dataclass
class Decision:
    """What a design decides for each of a batch of trial states.

    `dose` is the next dose (0-based) and `size` the next cohort's size for trials that go on;
    for trials that stop (`stop` true), `selected` is the recommended dose or -1 for none.
    `extra` is the design's updated integer memory (same shape as it was given).
    `suspend` (only from `Design.decide_pending`, with a clock): trials that cannot assign a dose yet and wait for
    more outcomes (dose -1, size 0, not stopped); None: none.
    """

    dose: np.ndarray
    size: np.ndarray
    stop: np.ndarray
    selected: np.ndarray
    extra: np.ndarray
    suspend: np.ndarray | None = None


class CountState:
    """A batch of count states, with what every rule reads from them computed once."""

    def __init__(self, design: Design, n: np.ndarray, x: np.ndarray, cur: np.ndarray, extra: np.ndarray):
        self.n, self.x, self.cur, self.extra = n, x, cur, extra
        self.start_dose = design.start_dose

    @cached_property
    def rows(self) -> np.ndarray:
        """0..S-1."""
        return np.arange(self.n.shape[0])

    @cached_property
    def first(self) -> np.ndarray:
        """No patient treated yet."""
        return self.cur < 0

    @cached_property
    def current(self) -> np.ndarray:
        """The dose last given (the start dose before the first cohort)."""
        return np.where(self.first, self.start_dose, self.cur)

    @cached_property
    def total(self) -> np.ndarray:
        """Patients treated so far."""
        return self.n.sum(axis=1)

    @cached_property
    def n_here(self) -> np.ndarray:
        """Patients at the current dose."""
        return self.n[self.rows, self.current]

    @cached_property
    def x_here(self) -> np.ndarray:
        """DLTs at the current dose."""
        return self.x[self.rows, self.current]


@dataclass
class Proposal:
    """What a design's own rule proposes for a batch of states, before the shared behaviours (Design.decide).

    `dose`: the next dose it wants; `unsafe`: its safety stop (stop, no dose selected); `stop`: its other stops;
    `selected`: its selection if the trial stopped now, where the rule has it at hand (else `select_now` is asked
    for the rows that stop); `size`: the next cohort's size (default cohort_size); `suspend` (only when deciding on
    a PendingState): no dose can be assigned until more outcomes are known.
    """

    dose: np.ndarray
    unsafe: np.ndarray | None = None
    stop: np.ndarray | None = None
    selected: np.ndarray | None = None
    size: np.ndarray | int | None = None
    suspend: np.ndarray | None = None


class Design:
    """Base class of every escalation design.

    A design is a vectorised function of the count state of a batch of trials:
    `n`, `x` (patients and DLTs per dose, shape trials × doses), `cur` (the dose last given,
    -1 before the first cohort) and `extra` (a few integer columns of the design's own memory).
    Because the state is counts only, one `decide` serves Monte Carlo and exact enumeration.
    A design writes its own rule (`propose`); `decide` adds the behaviours every design shares.
    """

    method: ClassVar[str]
    title: ClassVar[str]
    summary: ClassVar[str]
    options: ClassVar[tuple[Option, ...]] = ()
    aliases: ClassVar[tuple[str, ...]] = ()
    #: Where the design is listed (CLI, app): rule-based 10s, interval 20s, model-based 30s.
    order: ClassVar[int] = 50
    n_extra: ClassVar[int] = 0
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.EXACT})
    #: Cost of deciding one count state relative to an interval design's table look-up (the exact budget's unit).
    decide_cost: ClassVar[float] = 1.0
    #: Whether the trial ends once max_n patients are treated (designs with their own end, like A+B, say False).
    stops_at_max_n: ClassVar[bool] = True
    #: Whether escalation may skip doses (False: never more than one level above the current dose).
    skips: ClassVar[bool] = True
    #: Where the R packages and papers disagree on the rule: which one this design follows, and the options that
    #: give the others (shown by `phase1-explorer designs`).
    rules: ClassVar[str] = ""

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

    def exact_states(self) -> float:
        """Estimated count states an exact enumeration visits, summed over its steps (made before enumerating)."""
        return count_states(self.n_doses, self.max_cohort, math.ceil(self.max_n / self.max_cohort))

    def states_after(self, patients: int) -> float:
        """Estimated count states after this many patients (a partial cohort multiplies them): what two arms'
        joint estimate is made of."""
        c = self.max_cohort
        return count_states(self.n_doses, c, patients // c) * (patients % c + 1)

    def initial_extra(self, batch: int) -> np.ndarray:
        """The design's memory before the first patient."""
        return np.zeros((batch, self.n_extra), dtype=np.int64)

    def decide(self, n: np.ndarray, x: np.ndarray, cur: np.ndarray, extra: np.ndarray) -> Decision:
        """The next dose and cohort size, or stop and the selected dose, for every state.

        The design's rule (`propose`), then the behaviours every design shares, in this order:
        1. safety stop: where the rule says the lowest dose is too toxic, stop with no dose selected;
        2. the rule's other stops, selecting its `selected` (or `select_now`);
        3. sample size: once max_n patients are treated, stop and select (`select_now`);
        4. start: the first cohort goes to the start dose, whatever the rule says;
        5. no skipping (designs with `skips` False): never more than one level above the current dose;
        6. cohort size: the rule's size (default cohort_size), cut to the patients left under max_n;
        7. suspension (with a clock only): where the rule suspends and no stop applies, no dose is assigned.
        None of 1-3 and 7 applies before the first cohort.
        """
        return self._decide(CountState(self, n, x, cur, extra))

    def decide_pending(self, state: PendingState) -> Decision:
        """The decision at one moment of a trial with a clock, outcomes possibly pending (see `PendingState`: `n`
        counts every patient treated, `x` the DLTs observed so far).

        The one extension of the interface for the clock. Designs with `Capability.NEEDS_TIME` read the pending
        patients in `propose` (`isinstance(s, PendingState)`) and may suspend (`Proposal.suspend`); the shared
        behaviours of `decide` apply as usual. A trial that stops while outcomes are pending selects by
        `select_now` once they are known (the engine does that). Designs that need complete data suspend while any
        outcome is pending, and otherwise decide on the counts (the clock engine never asks them with outcomes
        pending: it waits for every window first).
        """
        if Capability.NEEDS_TIME in self.capabilities:
            return self._decide(state)
        wait = state.any_pending
        S = wait.size
        dec = Decision(np.full(S, -1, dtype=np.int64), np.zeros(S, dtype=np.int64), np.zeros(S, dtype=bool),
                       np.full(S, -1, dtype=np.int64), state.extra.copy(), wait)
        go = np.flatnonzero(~wait)
        if go.size:
            d = self.decide(state.n[go], state.x[go], state.cur[go], state.extra[go])
            dec.dose[go], dec.size[go], dec.stop[go], dec.selected[go], dec.extra[go] = (
                d.dose, d.size, d.stop, d.selected, d.extra)
        return dec

    def _decide(self, s: CountState) -> Decision:
        """`propose`, then the shared behaviours in the order `decide` documents.

        Behaviours that cannot apply cost nothing: after the first cohort no row is at its start, and a mask a rule
        does not give (None) is not built, so a lean rule (3+3) pays a few array operations per step.
        """
        p = self.propose(s)
        S = s.n.shape[0]
        at_start = s.first.any()
        go_on = ~s.first if at_start else None

        def on(mask: np.ndarray | None) -> np.ndarray | None:
            return mask if mask is None or go_on is None else go_on & mask

        unsafe = on(p.unsafe)
        own = on(p.stop)
        if own is not None and unsafe is not None:
            own = own & ~unsafe
        full = None
        if self.stops_at_max_n:
            full = on(s.total >= self.max_n)
            for earlier in (unsafe, own):
                if earlier is not None:
                    full = full & ~earlier
        chosen = _either(own, full)
        stop = _either(unsafe, chosen)
        selected = np.full(S, -1, dtype=np.int64)
        if chosen is not None and chosen.any():
            if p.selected is not None:
                selected = np.where(chosen, p.selected, -1).astype(np.int64, copy=False)
            else:
                selected[chosen] = self.select_now(s.n[chosen], s.x[chosen], s.extra[chosen])
        dose = np.where(s.first, self.start_dose, p.dose) if at_start else p.dose
        if not self.skips:
            ceiling = s.current + 1
            dose = np.where(s.first, dose, np.minimum(dose, ceiling)) if at_start else np.minimum(dose, ceiling)
        new_extra = self.memory(s, dose)
        size = self.max_cohort if p.size is None else p.size
        if self.stops_at_max_n:
            size = np.minimum(size, self.max_n - s.total)
        elif np.ndim(size) == 0:
            size = np.full(S, size, dtype=np.int64)
        suspend = None
        if p.suspend is not None:
            suspend = on(p.suspend)
            if stop is not None:
                suspend = suspend & ~stop
        halt = _either(stop, suspend)
        if halt is None:
            return Decision(np.array(dose, dtype=np.int64), np.array(size, dtype=np.int64),
                            np.zeros(S, dtype=bool), selected, new_extra, suspend)
        return Decision(np.where(halt, -1, dose), np.where(halt, 0, size), stop if stop is not None else
                        np.zeros(S, dtype=bool), selected, new_extra, suspend)

    def propose(self, s: CountState) -> Proposal:
        """The design's own rule for a batch of states (override)."""
        raise NotImplementedError

    def memory(self, s: CountState, dose: np.ndarray) -> np.ndarray:
        """The design's memory after deciding `dose` (default: unchanged)."""
        return s.extra

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


def _either(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """a | b, where None is a mask that is nowhere true."""
    if a is None:
        return b
    return a if b is None else a | b


#: Share of count configurations a design moving one level at a time reaches, per dose beyond two (fitted to BOIN
#: on 2-12 doses, cohorts of 1-4, 6-48 patients: the estimate is within about 3× of the states enumerated).
REACH_PER_DOSE = 0.2


def count_states(n_doses: int, cohort: int, cohorts: int) -> float:
    """Estimated count states visited by an exact enumeration of `cohorts` cohorts over `n_doses` doses.

    The count configurations after the last cohort (patients per dose a multiple of the cohort, any DLT count up
    to it: the coefficient of z^cohorts in (Σ_j (cohort·j + 1) z^j)^n_doses), times the reachable share.
    """
    g = np.array([cohort * j + 1.0 for j in range(cohorts + 1)])
    poly = np.array([1.0])
    for _ in range(n_doses):
        poly = np.convolve(poly, g)[: cohorts + 1]
    return float(poly[cohorts] * 0.5 * REACH_PER_DOSE ** max(n_doses - 2, 0))
