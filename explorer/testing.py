"""The contract every design obeys (as scikit-learn's check_estimator): `check_design(cls)` runs every check on the
design and its option variants and raises ContractError on the first broken one. The project's tests run it on every
registered design, so a new design module gets it by being registered.

    from explorer.testing import check_design
    check_design(MyDesign)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core.clock.draws import clock_draws
from .core.clock.engine import simulate_with_clock
from .core.clock.spec import TimeModel
from .core.designs import Design
from .core.designs.base import Capability, OptionKind
from .core.designs.pending import PendingState
from .core.engine import TrialResults, enumerate_exact, simulate, tolerances
from .core.oc import summarise
from .core.pipeline.budget import EXACT, ExactTooLarge, Guard, check_estimate

K = 5
TARGET = 0.25
TRIALS = 2000
#: Keeps exact enumeration and Monte Carlo quick where a design has these options.
SMALL = {"max_n": 12, "cohort_size": 3}
TRUTHS = {
    "rising": np.array([0.05, 0.12, 0.25, 0.40, 0.60]),
    "flat": np.array([0.25] * K),
    "steep": np.array([0.02, 0.05, 0.55, 0.75, 0.9]),
}


class ContractError(AssertionError):
    """A design broke the contract."""


def _require(ok: bool, message: str) -> None:
    if not ok:
        raise ContractError(message)


def variants(cls: type[Design]) -> list[dict[str, Any]]:
    """The design's options to check: small defaults, then each bool flipped and each other choice."""
    names = {o.name for o in cls.options}
    base = {k: v for k, v in SMALL.items() if k in names}
    out = [base]
    for o in cls.options:
        if o.kind == OptionKind.BOOL:
            out.append({**base, o.name: not o.default_for(TARGET)})
        elif o.kind == OptionKind.CHOICE:
            out += [{**base, o.name: c} for c in o.choices if c != o.default_for(TARGET)]
    return out


def make(cls: type[Design], opts: dict[str, Any], start: int = 0) -> Design:
    """A design on K doses at the test target."""
    return cls(K, TARGET, start, **opts)


def run(design: Design, truth: np.ndarray, trials: int, seed: int) -> TrialResults:
    """Monte Carlo trials of the design on fresh patients."""
    return simulate(design, truth, tolerances(np.random.default_rng(seed), trials, design.max_n))


class Recorder:
    """Wraps a design's decide to check every decision against the contract as the engine runs."""

    def __init__(self, design: Design):
        self.violations: list[str] = []
        self.states: list[tuple[np.ndarray, ...]] = []
        inner = design.decide

        def decide(n, x, cur, extra):
            dec = inner(n, x, cur, extra)
            go = ~dec.stop
            elim = design.eliminated(n, x, extra)
            first_elim = np.where(elim.any(axis=1), np.argmax(elim, axis=1), n.shape[1])
            if np.any(dec.dose[go] >= first_elim[go]):
                self.violations.append("treats at or above an eliminated dose")
            if np.any(dec.size[go] < 1) or np.any(dec.size[go] > design.max_cohort):
                self.violations.append("cohort size outside 1..max_cohort")
            if np.any(dec.selected[dec.stop] >= first_elim[dec.stop]):
                self.violations.append("selects an eliminated dose")
            if np.any(elim.any(axis=1) & ~np.maximum.accumulate(elim, axis=1)[:, -1]):
                self.violations.append("eliminated doses are not closed upwards")
            if len(self.states) < 50:
                self.states.append((n.copy(), x.copy(), cur.copy(), extra.copy()))
            return dec

        design.decide = decide  # type: ignore[method-assign]


def check_selection_and_counts(cls: type[Design], opts: dict[str, Any]) -> str | None:
    """Selection probabilities sum to one; patients never exceed max_n; DLTs never exceed patients."""
    for truth in TRUTHS.values():
        design = make(cls, opts)
        res = run(design, truth, TRIALS, 1)
        oc = summarise(res, truth, TARGET)
        _require(abs(oc.selection.sum() + oc.no_selection - 1.0) < 1e-12, "selection does not sum to one")
        _require(bool(np.all(res.n.sum(axis=1) <= design.max_n)), "more patients than max_n")
        _require(bool(np.all(res.x <= res.n)), "more DLTs than patients at a dose")
        _require(bool(np.all((res.selected >= -1) & (res.selected < K))), "selected dose off the ladder")
    return None


def check_eliminated_doses(cls: type[Design], opts: dict[str, Any]) -> str | None:
    """Never treats or selects an eliminated dose; eliminations are closed upwards; cohorts within 1..max_cohort."""
    for truth in TRUTHS.values():
        design = make(cls, opts)
        rec = Recorder(design)
        run(design, truth, TRIALS, 2)
        _require(not rec.violations, "; ".join(sorted(set(rec.violations))))
    return None


def check_same_seed_same_numbers(cls: type[Design], opts: dict[str, Any]) -> str | None:
    """The same patients give the same trials; other patients give other trials."""
    truth = TRUTHS["rising"]
    a, b, c = (run(make(cls, opts), truth, 500, seed) for seed in (7, 7, 8))
    for f in ("selected", "n", "x"):
        _require(np.array_equal(getattr(a, f), getattr(b, f)), f"same seed, different {f}")
    _require(not np.array_equal(a.n, c.n), "different seeds, identical trials")
    return None


def check_all_safe_reaches_the_top(cls: type[Design], opts: dict[str, Any]) -> str | None:
    """With no toxicity anywhere every trial reaches and selects the top dose."""
    if "max_n" in opts:  # room to climb one level per cohort and confirm at the top
        opts = {**opts, "max_n": opts.get("cohort_size", 3) * (K + 3)}
    res = run(make(cls, opts), np.zeros(K), 200, 3)
    _require(bool(np.all(res.n[:, -1] > 0)), "some trials never reach the top dose with no toxicity")
    _require(bool(np.all(res.selected == K - 1)), "with no toxicity anywhere the top dose is not always selected")
    return None


def check_all_toxic_stops_early(cls: type[Design], opts: dict[str, Any]) -> str | None:
    """With every dose certain to be toxic, trials stop before max_n and select nothing."""
    design = make(cls, opts)
    res = run(design, np.ones(K), 200, 4)
    _require(bool(np.all(res.selected == -1)), "selects a dose where every dose is certainly toxic")
    _require(bool(np.all(res.n.sum(axis=1) < design.max_n)), "does not stop early where every dose is toxic")
    return None


def check_batch_equals_rows(cls: type[Design], opts: dict[str, Any]) -> str | None:
    """Deciding a batch of states equals deciding them one by one (no state leaks into another)."""
    design = make(cls, opts)
    rec = Recorder(design)
    run(design, TRUTHS["rising"], 300, 5)
    inner = type(design).decide
    for n, x, cur, extra in rec.states[:10]:
        whole = inner(design, n, x, cur, extra)
        for i in range(0, n.shape[0], max(1, n.shape[0] // 7)):
            one = inner(design, n[i:i + 1], x[i:i + 1], cur[i:i + 1], extra[i:i + 1])
            _require(bool(one.stop[0]) == bool(whole.stop[i]), "stop differs alone and in a batch")
            if one.stop[0]:
                _require(one.selected[0] == whole.selected[i], "selection differs alone and in a batch")
            else:
                _require((one.dose[0], one.size[0]) == (whole.dose[i], whole.size[i]),
                         "next dose or cohort differs alone and in a batch")
    return None


def check_start_dose(cls: type[Design], opts: dict[str, Any]) -> str | None:
    """The first cohort goes to the start dose."""
    design = make(cls, opts, start=2)
    dec = design.decide(np.zeros((1, K), dtype=np.int64), np.zeros((1, K), dtype=np.int64), np.full(1, -1),
                        design.initial_extra(1))
    _require(not dec.stop[0] and dec.dose[0] == 2, "the first cohort does not go to the start dose")
    return None


def check_exact_agrees_with_monte_carlo(cls: type[Design], opts: dict[str, Any]) -> str | None:
    """Where the design can be enumerated within the exact budget, exact OCs agree with 20,000 Monte Carlo trials
    (4 standard errors) and sum to one."""
    if Capability.EXACT not in cls.capabilities:
        return f"{cls.method} does not decide from count states (no exact enumeration)"
    design = make(cls, opts)
    truth = TRUTHS["rising"]
    what = f"{cls.method} in the contract"
    try:
        check_estimate(design.exact_states(), design.decide_cost, EXACT, what)
        ex = summarise(enumerate_exact(design, truth, Guard(EXACT, what, design.max_n, design.decide_cost)), truth,
                       TARGET)
    except ExactTooLarge as e:
        return f"outcome tree too large at these settings ({e})"
    trials = 20_000
    mc = summarise(run(design, truth, trials, 6), truth, TARGET)
    probs = np.append(ex.selection, ex.no_selection)
    se = np.sqrt(probs * (1 - probs) / trials)
    _require(bool(np.all(np.abs(np.append(mc.selection, mc.no_selection) - probs) <= 4 * se + 1e-12)),
             "exact and Monte Carlo selection disagree")
    for key in ("patients", "dlts"):
        se = np.maximum(mc.stderr[key], np.sqrt(getattr(ex, key) * design.max_cohort * 2 / trials))
        _require(bool(np.all(np.abs(getattr(mc, key) - getattr(ex, key)) <= 4 * se + 1e-9)),
                 f"exact and Monte Carlo {key} disagree")
    _require(abs(ex.selection.sum() + ex.no_selection - 1.0) < 1e-12, "exact selection does not sum to one")
    return None


def check_options_declared(cls: type[Design], opts: dict[str, Any]) -> str | None:
    """Options have unique names, a meaning and a default that passes its own check."""
    names = [o.name for o in cls.options]
    _require(len(names) == len(set(names)), "option names repeat")
    _require(bool(cls.method and cls.title and cls.summary), "method, title or summary missing")
    for o in cls.options:
        _require(bool(o.help), f"{cls.method}.{o.name} has no meaning")
        default = o.default_for(TARGET)
        problems = o.check(default, f"design.{o.name}")[1] if default is not None else []
        _require(not problems, f"default of {cls.method}.{o.name} fails its own check: {problems}")
        _require(bool(o.describe_default()), f"{cls.method}.{o.name} describes no default")
    return None


#: Clocks the clock check runs every design under: waiting arrivals, and lost ones with late DLTs.
CLOCKS = (TimeModel(accrual="poisson", rate=1.0, dlt_window=2.0),
          TimeModel(accrual="fixed", rate=0.5, dlt_window=3.0, pending="lose", time_to_dlt="weibull"))
INSTANT = TimeModel(accrual="poisson", rate=1.0, dlt_window=1e-9)


def _pending_recorder(design: Design) -> list[PendingState]:
    """Wraps decide_pending to keep the first states it is asked about."""
    seen: list[PendingState] = []
    inner = design.decide_pending

    def decide_pending(state: PendingState):
        if len(seen) < 20:
            seen.append(state)
        return inner(state)

    design.decide_pending = decide_pending  # type: ignore[method-assign]
    return seen


def check_with_a_clock(cls: type[Design], opts: dict[str, Any]) -> str | None:
    """With a clock ("time"): counts and selections agree with the patients enrolled and every time runs forwards.
    A design that needs complete data makes, trial by trial, the untimed decisions (the clock changes when, not
    what). A design that decides with pending outcomes (Capability.NEEDS_TIME) makes its untimed decisions when
    every outcome is known before each decision (an instant window), does decide with outcomes pending under a
    real window, and decides a batch of pending states as it decides them one by one."""
    truth = TRUTHS["rising"]
    pending = Capability.NEEDS_TIME in cls.capabilities
    for time in CLOCKS:
        design = make(cls, opts)
        states = _pending_recorder(design) if pending else []
        draws = clock_draws(np.random.default_rng(9), 300, design.max_n)
        res, pat = simulate_with_clock(design, truth, time, draws)
        enrolled = pat.dose >= 0
        counts = np.array([np.bincount(pat.dose[t][enrolled[t]], minlength=K) for t in range(300)])
        _require(bool(np.array_equal(res.trials.n, counts)),
                 "with a clock, patients per dose differ from those enrolled")
        _require(bool(np.array_equal(res.trials.x.sum(axis=1), (pat.dlt & enrolled).sum(axis=1))),
                 "with a clock, DLTs differ from those of the patients enrolled")
        _require(bool(np.all(res.trials.n.sum(axis=1) <= design.max_n)), "with a clock, more patients than max_n")
        _require(bool(np.all((res.trials.selected >= -1) & (res.trials.selected < K))), "selected dose off the ladder")
        _require(bool(np.all(pat.start[enrolled] >= pat.arrival[enrolled] - 1e-12)),
                 "a patient starts before arriving")
        last_known = np.where(enrolled, pat.known, -np.inf).max(axis=1)
        _require(bool(np.all(res.time_to_mtd >= last_known - 1e-12)),
                 "the MTD is decided before every outcome is known")
        _require(bool(np.all(res.duration >= 0) and np.all(res.pending_decisions <= res.decisions)),
                 "time figures out of range")
        if not pending:
            untimed = simulate(make(cls, opts), truth, draws[:, 0, :design.max_n])
            for f in ("selected", "n", "x"):
                _require(bool(np.array_equal(getattr(res.trials, f), getattr(untimed, f))),
                         f"a design needing complete data makes other decisions with a clock ({f} differ)")
            _require(bool(res.pending_decisions.sum() == 0), "a design needing complete data decided with outcomes "
                                                             "pending")
            continue
        _require(bool(res.pending_decisions.sum() > 0), "declares NEEDS_TIME but never decides with outcomes pending")
        if states:
            st = states[-1]
            whole = type(design).decide_pending(design, st)
            for i in range(st.n.shape[0]):
                one = type(design).decide_pending(design, st.subset(np.array([i])))
                same = (bool(one.stop[0]) == bool(whole.stop[i]) and
                        (bool(one.stop[0]) or (one.dose[0], one.size[0]) == (whole.dose[i], whole.size[i])))
                _require(same, "a pending state decides differently alone and in a batch")
    design = make(cls, opts)
    if pending:
        draws = clock_draws(np.random.default_rng(10), 300, design.max_n)
        res, _ = simulate_with_clock(design, truth, INSTANT, draws)
        untimed = simulate(make(cls, opts), truth, draws[:, 0, :design.max_n])
        for f in ("selected", "n", "x"):
            _require(bool(np.array_equal(getattr(res.trials, f), getattr(untimed, f))),
                     f"with every outcome known before each decision, the decisions differ from the untimed ones "
                     f"({f})")
    return None


CHECKS: tuple[Callable[[type[Design], dict[str, Any]], str | None], ...] = (
    check_selection_and_counts, check_eliminated_doses, check_same_seed_same_numbers,
    check_all_safe_reaches_the_top, check_all_toxic_stops_early, check_batch_equals_rows, check_start_dose,
    check_exact_agrees_with_monte_carlo, check_options_declared, check_with_a_clock,
)


def check_design(cls: type[Design]) -> list[str]:
    """Run every check on the design and its option variants; ContractError on the first broken one. Returns the
    checks that did not apply (with why)."""
    skipped = []
    for opts in variants(cls):
        for check in CHECKS:
            why = check(cls, opts)
            if why:
                skipped.append(f"{check.__name__} {opts}: {why}")
    return skipped


__all__ = ["CHECKS", "ContractError", "check_design", "variants"]
