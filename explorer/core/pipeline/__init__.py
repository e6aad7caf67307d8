"""The one way results are computed, for the command line, the app, compare and everything built on them.

`stream(protocol, candidates)` yields snapshots: exact enumeration for each candidate whose estimated cost fits the
budget of its method (see `budget`), otherwise Monte Carlo on common patients, drawn chunk by chunk from the
protocol's seed (the chunks of one run are always the same, so a result is the same whoever asks for it and however
often it looks in between). Stop iterating to cancel. `run` takes the last snapshot.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ... import __version__
from ..clock.timeline import Timeline
from ..engine.results import Outcomes, merge_chunks
from ..engine.trace import TrialTrace
from ..errors import (
    BENCHMARK_ONE_ARM,
    EXACT_NOT_AVAILABLE,
    EXACT_OVER_AUTO_BUDGET,
    MONTE_CARLO_USED,
    Notice,
    Problem,
    ProtocolError,
)
from ..oc import TrialOC
from ..protocol import Candidate, Protocol
from .budget import AUTO, EXACT, Budget, ExactTooLarge, Guard, check_estimate
from .cache import ResultCache, cache_key
from .differences import Differences, paired, per_trial, unpaired
from .engines import Engine, engine_for

#: Monte Carlo runs in chunks of trials: a small first one (the quick answer), then CHUNK at a time.
FIRST_CHUNK = 300
CHUNK = 2000
#: Without intermediate answers (`run`), larger chunks: fewer passes over each step. The patients are the same
#: (the draws are one stream, whatever the chunks' sizes), and so are the numbers.
RUN_CHUNK = 20_000


@dataclass(frozen=True)
class Snapshot:
    """The OCs of every candidate so far, how far the Monte Carlo has got, and each candidate's paired
    differences from the first."""

    ocs: tuple[TrialOC, ...] | None  # None: progress only (not summarised this time)
    done: int  # trials simulated so far (0 when everything is exact)
    total: int  # trials asked for (0 when everything is exact)
    notes: tuple[Notice, ...] = ()
    differences: tuple[Differences, ...] = ()
    #: With `benchmark=True` (one arm): the optimal benchmark's OCs (core.optimal.BenchmarkOC) and each candidate's
    #: PCS as a fraction of the benchmark's, with its standard error.
    benchmark: Any = None
    versus_benchmark: tuple[tuple[float, float], ...] = ()

    @property
    def finished(self) -> bool:
        """Whether these are the final figures."""
        return self.done >= self.total

    @property
    def method(self) -> str:
        """"exact" when every candidate is exact, else "monte-carlo"."""
        return "exact" if self.ocs and all(o.method == "exact" for o in self.ocs) else "monte-carlo"

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the cache's)."""
        assert self.ocs is not None
        out = {"ocs": [o.to_dict() for o in self.ocs], "done": self.done, "total": self.total,
               "notes": [[n.code, n.message, n.field] for n in self.notes],
               "differences": [{k: list(v) for k, v in d.items()} for d in self.differences]}
        if self.benchmark is not None:
            out.update({"benchmark": self.benchmark.to_dict(), "versus_benchmark": [list(r) for r in
                                                                                    self.versus_benchmark]})
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Snapshot:
        """Back from `to_dict`."""
        bench = None
        if d.get("benchmark") is not None:
            from .benchmark import benchmark_from_dict

            bench = benchmark_from_dict(d["benchmark"])
        return cls(tuple(TrialOC.from_dict(o) for o in d["ocs"]), d["done"], d["total"],
                   tuple(Notice(*n) for n in d["notes"]),
                   tuple({k: (v[0], v[1]) for k, v in diff.items()} for diff in d["differences"]),
                   bench, tuple((r[0], r[1]) for r in d.get("versus_benchmark", [])))


def budget_for(method: str) -> Budget:
    """The exact budget of a method ("auto" answers at once; "exact" may take longer)."""
    return EXACT if method == "exact" else AUTO


def _exact(engine: Engine, budget: Budget) -> Outcomes:
    """Exact outcomes within the budget, or ExactTooLarge (at once from the estimate, or from the guard)."""
    what = engine.describe()
    if not engine.enumerable:
        raise ExactTooLarge(f"{what}: {engine.why_not_exact}")
    states, cost = engine.exact_estimate(budget)
    check_estimate(states, cost, budget, what, engine.estimate_spread)
    return engine.enumerate(Guard(budget, what, engine.exact_steps, cost, estimate=states))


def _fits(engine: Engine, budget: Budget) -> bool:
    """Whether the engine's estimated work fits a budget (exact could be had by asking for it)."""
    if not engine.enumerable:
        return False
    try:
        states, cost = engine.exact_estimate(budget)
    except ExactTooLarge:
        return False
    return states * cost <= engine.estimate_spread * budget.work


def _key(protocol: Protocol, candidates: Sequence[Candidate], method: str, benchmark: bool = False) -> str:
    scenario = {k: v for k, v in protocol.to_dict().items() if k not in ("title", "description", "compare", "method")}
    extra = {"benchmark": True} if benchmark else {}  # keys without the benchmark stay as they were
    return cache_key({"version": __version__, "scenario": scenario, "method": method,
                      "candidates": [[d.to_json() for d in c.designs] for c in candidates], **extra})


def stream(protocol: Protocol, candidates: Sequence[Candidate] | None = None, *, method: str | None = None,
           first: int = FIRST_CHUNK, chunk: int = CHUNK, every: float = 0.0,
           cache: ResultCache | None = None, benchmark: bool = False) -> Iterator[Snapshot]:
    """Snapshots of the candidates' OCs (default: the protocol's own designs): the quick answer first, the last one
    final. Between them, OCs are summarised at most every `every` seconds (math.inf: only at the end); other
    snapshots carry progress only. `method` overrides the protocol's. `benchmark` (one arm): the optimal benchmark
    beside them, on the same simulated patients where the designs are simulated (see pipeline/benchmark.py); it
    never changes the designs' numbers. Raises ProtocolError (code "exact-not-available") when exact results are
    asked for and cannot be had within the hard limit."""
    cands = tuple(candidates) if candidates is not None else protocol.candidates()[:1]
    method = method or protocol.method
    notes: list[Notice] = []
    if benchmark and protocol.arm_design is not None:
        benchmark = False  # one arm only: two arms' patients are not one stream of n
        notes.append(Notice(BENCHMARK_ONE_ARM, "The optimal benchmark is computed for one-arm trials only.",
                            "benchmark"))
    key = _key(protocol, cands, method, benchmark) if cache is not None else None
    if cache is not None and key is not None:
        hit = cache.get(key)
        if hit is not None:
            yield Snapshot.from_dict(hit)
            return
    engines = [engine_for(protocol, c) for c in cands]
    exact: dict[int, Outcomes] = {}
    if method != "monte-carlo":
        budget = budget_for(method)
        for i, engine in enumerate(engines):
            try:
                exact[i] = _exact(engine, budget)
            except ExactTooLarge as e:
                if method == "exact":
                    raise ProtocolError(Problem("method", f"exact results are not available for {e}; compute them "
                                                          f'by Monte Carlo ("method": "monte-carlo") instead.',
                                                code=EXACT_NOT_AVAILABLE)) from None
                notes.append(Notice(MONTE_CARLO_USED, f"Monte Carlo used: {e}.", "method"))
                if method == "auto" and _fits(engine, EXACT):
                    notes.append(Notice(EXACT_OVER_AUTO_BUDGET, 'Set "method": "exact" to enumerate anyway '
                                                                "(slower).", "method"))
    exact_ocs = {i: engines[i].summarise(out) for i, out in exact.items()}
    mc = [i for i in range(len(engines)) if i not in exact]
    total = protocol.trials if mc else 0
    final: Snapshot | None = None
    bench = _Bench(protocol, engines, mc, first, chunk) if benchmark else None
    if not mc:
        final = Snapshot(tuple(exact_ocs[i] for i in range(len(engines))), 0, 0, tuple(notes),
                         _differences(engines, exact_ocs, {}, {}), *(bench.final(exact_ocs, {}) if bench else ()))
        yield final
    else:
        fields = max(engines[i].fields for i in mc)
        width = max(engines[i].steps for i in mc)
        rng = np.random.default_rng(protocol.seed)
        parts: dict[int, list[Outcomes]] = {i: [] for i in mc}
        done, size, last = 0, min(first, total), -math.inf
        while done < total:
            draws = rng.random((size, fields, width))  # the same patients for every candidate (paired)
            for i in mc:
                parts[i].append(engines[i].simulate(draws))
            if bench is not None:
                bench.add(draws)
            done += size
            if done < total and time.perf_counter() - last < every:
                yield Snapshot(None, done, total, tuple(notes))
            else:
                for i in mc:  # merge once, so later merges do not redo the work
                    parts[i] = [merge_chunks(parts[i])]
                ocs = {**exact_ocs, **{i: engines[i].summarise(parts[i][0]) for i in mc}}
                rows = {i: per_trial(parts[i][0], engines[i].truths, engines[i].target,
                                     [d.acceptable_interval() for d in engines[i].designs]) for i in mc} \
                    if len(engines) > 1 else {}
                snap = Snapshot(tuple(ocs[i] for i in range(len(engines))), done, total, tuple(notes),
                                _differences(engines, ocs, rows, exact),
                                *(bench.final(ocs, {i: parts[i][0] for i in mc}) if bench else ()))
                last = time.perf_counter()
                if done >= total:
                    final = snap
                yield snap
            size = min(chunk, total - done)
    if cache is not None and key is not None and final is not None:
        cache.put(key, final.to_dict())


class _Bench:
    """The optimal benchmark of a run (pipeline/benchmark.py): on the designs' draws when the simulated designs
    enrol its n patients, else exact or on its own draws."""

    def __init__(self, protocol: Protocol, engines: list[Engine], mc: list[int], first: int, chunk: int):
        from . import benchmark as b

        self.b = b
        self.engines = engines
        self.truth = engines[0].truths[0]
        self.target = protocol.target
        self.n = b.benchmark_n([e.designs[0] for e in engines])
        interval = engines[0].designs[0].acceptable_interval()
        self.tracker = b.Tracker(self.truth, self.target, interval, self.n)
        self.paired = bool(mc) and max(engines[i].steps for i in mc) >= self.n
        self.fixed = None
        if not self.paired:
            self.fixed = b.exact_or_none(self.n, self.truth, self.target, interval) or \
                b.own_draws(protocol.seed, protocol.trials, first, chunk, self.n, self.tracker)

    def add(self, draws: np.ndarray) -> None:
        if self.paired:
            self.tracker.add(draws[:, 0, :])

    def final(self, ocs: dict[int, TrialOC], simulated: dict[int, Outcomes]) -> tuple[Any, tuple[Any, ...]]:
        """(the benchmark's OCs, each candidate's PCS / benchmark PCS)."""
        bench = self.fixed if self.fixed is not None else self.tracker.oc()
        correct = self.tracker.correct() if self.paired else None
        ratios = []
        for i in range(len(self.engines)):
            if correct is not None and i in simulated:
                from ..oc import correct_selection

                mine = correct_selection(simulated[i].arms[0], self.truth, self.target).astype(float)
                ratios.append(self.b.paired_ratio(mine, correct))
            else:
                a = ocs[i].arms[0]
                ratios.append(self.b.unpaired_ratio(a.pcs, float(a.stderr.get("pcs", 0.0)), bench))
        return bench, tuple(ratios)


def _differences(engines: list[Engine], ocs: dict[int, TrialOC], rows: dict[int, dict[str, np.ndarray]],
                 exact: dict[int, Outcomes]) -> tuple[Differences, ...]:
    """Each candidate after the first against the first: paired where both were simulated, else unpaired."""
    out = []
    for i in range(1, len(engines)):
        if 0 in rows and i in rows:
            out.append(paired(rows[0], rows[i]))
        else:
            out.append(unpaired(ocs[0], ocs[i]))
    return tuple(out)


def trial_trace(protocol: Protocol, candidate: Candidate | None = None, number: int = 0) -> TrialTrace:
    """Simulated trial number `number` of a candidate (default: the protocol's own designs), patient by patient,
    drawn from the protocol's seed and the number (the same trial whoever asks)."""
    engine = engine_for(protocol, candidate or protocol.candidates()[0])
    draws = np.random.default_rng([protocol.seed, number]).random((1, engine.fields, engine.steps))
    return engine.trace(draws[0])


def trial_timeline(protocol: Protocol, candidate: Candidate | None = None, number: int = 0) -> Timeline | None:
    """The trial `trial_trace` gives, in calendar time (each patient's arrival, start, DLT window and DLT; decisions
    and suspensions): what the app's timeline draws. None when the protocol has no clock."""
    engine = engine_for(protocol, candidate or protocol.candidates()[0])
    draws = np.random.default_rng([protocol.seed, number]).random((1, engine.fields, engine.steps))
    return engine.timeline(draws[0])


def run(protocol: Protocol, candidates: Sequence[Candidate] | None = None, *, method: str | None = None,
        cache: ResultCache | None = None, benchmark: bool = False) -> Snapshot:
    """The final snapshot (no intermediate summaries)."""
    *_, last = stream(protocol, candidates, method=method, first=RUN_CHUNK, chunk=RUN_CHUNK, every=math.inf,
                      cache=cache, benchmark=benchmark)
    return last


__all__ = ["CHUNK", "FIRST_CHUNK", "ResultCache", "Snapshot", "Timeline", "TrialTrace", "budget_for", "run", "stream",
           "trial_timeline", "trial_trace"]
