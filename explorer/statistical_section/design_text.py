"""The design section written for a protocol: one paragraph per design (its parameters, escalation, de-escalation and
elimination rules, stopping rules, how the MTD is selected), the two-arm rules and the time model, read off the built
designs and the protocol (never a second copy of a rule's numbers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.designs.base import Capability, Design
from ..core.protocol import Arm, DesignSpec, Protocol
from ..core.rule_table import has_rule_table, rule_table


def pct(v: float) -> str:
    """A probability as a percentage for prose: 25%, 12.5%."""
    return f"{100 * v:.3g}%"


def num(v: float) -> str:
    """A number for prose: at most 3 significant digits."""
    return f"{v:.3g}"


def ladder_text(arm: Arm) -> str:
    """The dose levels in words: "4 dose levels (1: 1e5 cells/kg, 2: ...)"."""
    return f"{arm.n_doses} dose levels (" + "; ".join(f"{k + 1}: {lab}" for k, lab in enumerate(arm.labels)) + ")"


def _sample_size(d: Design) -> str:
    if "max_n" not in d.opts:
        return (f"There is no fixed sample size: the rule ends the trial itself, with at most {d.max_n} patients "
                f"(every level treated with its largest number of patients).")
    return f"The trial enrols at most {d.max_n} patients; it ends once they are treated unless a rule below stops it."


def _cohort(d: Design) -> str:
    if has_rule_table(d):
        a, b = d.a, d.b  # type: ignore[attr-defined]
        return f"Patients are treated in cohorts of {a}, expanded by {b} at a dose where the rule asks for more."
    if "cohort_size" not in d.opts:
        return "Patients are enrolled one at a time as they arrive."
    c = int(d.opts["cohort_size"])
    return f"Patients are treated in cohorts of {c}" + (" (one patient at a time)." if c == 1 else ".")


# ---- rule-based ----------------------------------------------------------------------------------------------------
def _a_plus_b(d: Design) -> list[str]:
    t = rule_table(d)
    a, b, c, dd, e = d.a, d.b, d.c, d.d, d.e  # type: ignore[attr-defined]
    grey = f"{c}" if c == dd else f"{c} to {dd}"
    few = "no DLT" if c == 1 else f"fewer than {c} DLTs"
    out = [f"With {few} among the first {a} patients at a dose, the next cohort "
           f"receives the next higher dose; with {grey} DLT{'s' if dd != 1 else ''}, {b} more patients are treated "
           f"at the same dose and the trial escalates if at most {e} of the {a + b} had a DLT; with more than {dd} "
           f"of {a} (or more than {e} of {a + b}) the dose exceeds the MTD and is never given again, nor any higher "
           "dose."]
    if d.method == "3+3":
        variant = d.opts["variant"]
        out.append({"standard": "When a dose exceeds the MTD, the dose below is expanded to 6 patients if it has only "
                                "3, and declared the MTD if at most 1 of its 6 had a DLT (otherwise the rule goes down "
                                "again).",
                    "no_expansion": "When a dose exceeds the MTD, the dose below is declared the MTD as it stands "
                                    "(no expansion to 6).",
                    "highest_six": "When a dose exceeds the MTD, the MTD is the highest dose below it with at most 1 "
                                   "DLT among 6 patients."}[variant])
    else:
        out.append(f"When a dose exceeds the MTD, the dose below is expanded to {a + b} patients and declared the MTD "
                   f"if at most {e} of them had a DLT (otherwise the rule goes down again)." if d.opts["deescalation"]
                   else "When a dose exceeds the MTD, the dose below is declared the MTD as it stands.")
    out.append(f"At the highest dose, and just below a dose that exceeded the MTD, a dose is confirmed with {a + b} "
               "patients before it is declared the MTD. Stopping: the trial stops when the MTD is declared, and with "
               "no dose selected when the lowest dose exceeds the MTD. The target DLT rate plays no part in the "
               "rule; it defines the true MTD used in the operating characteristics.")
    if t.notes():
        out.append("The decision table below gives the rule at a dose in the middle of the ladder, and where the "
                   "highest and the lowest dose change it.")
    return out


def _rolling_six(d: Design) -> list[str]:
    return ["Up to six patients are enrolled at a dose while earlier patients' DLT outcomes are still pending "
            "(Skolnik et al.'s published table): the next patient receives the next higher dose only when no "
            "pending outcome can change that decision, a lower dose when 2 or more DLTs are observed, and accrual is "
            "suspended when six patients are on the dose and the decision depends on pending outcomes.",
            "After a de-escalation the lower dose is filled up to six patients, and a dose with 2 DLTs is never "
            "given again. MTD: the highest dose with 0 DLTs among at least 3 patients or at most 1 among 6, below "
            "any dose with 2 DLTs; the trial stops when no higher dose may be tried, with no dose selected when the "
            "lowest dose has 2 DLTs."]


# ---- interval designs ----------------------------------------------------------------------------------------------
def _elimination(d: Design) -> str:
    cut = float(d.opts.get("cutoff_eli", getattr(d, "cutoff_default", 0.95)))
    return (f"Elimination: with at least 3 patients at a dose, if the posterior probability that its DLT rate exceeds "
            f"the target is above {num(cut)} (beta(1, 1) prior), that dose and every higher dose are eliminated and "
            "never given again; if the lowest dose is eliminated the trial stops with no dose selected.")


ISOTONIC = ("MTD selection: at the end of the trial, the DLT rates of the doses treated and not eliminated are "
            "estimated by isotonic regression (pool-adjacent-violators), and the dose whose estimate is closest to "
            "the target is selected (ties: the higher dose below the target, the lower above it).")


def _interval_end(d: Design) -> list[str]:
    stop = [f"Stopping: the trial ends when {d.max_n} patients have been treated"]
    early = d.early_stop_n() if hasattr(d, "early_stop_n") else None
    if early is not None and early < d.max_n:
        stop.append(f", or as soon as {early} patients have been treated at the current dose and the decision is to "
                    "stay there")
    stop.append(", or when the lowest dose is eliminated.")
    out = [_elimination(d), "".join(stop)]
    if d.opts.get("extrasafe"):
        out.append(f"Extra safety rule: the trial also stops with no dose selected when, at the lowest dose, the "
                   f"posterior probability that its DLT rate exceeds the target is above "
                   f"{num(d.opts['cutoff_eli'] - d.opts['offset'])}.")
    out.append(ISOTONIC)
    return out


def _titration(d: Design) -> list[str]:
    if not d.opts.get("titration"):
        return []
    return [f"Accelerated titration (Simon et al. 1997, as BOIN's get.oc): one patient per dose from the start dose "
            f"until the first DLT (or the highest dose), then {int(d.opts['cohort_size']) - 1} more patients at that "
            "dose, after which the rule above applies."]


def _boin(d: Design) -> list[str]:
    le, ld = d.lam_e, d.lam_d  # type: ignore[attr-defined]
    return [f"After each cohort, the observed DLT rate at the current dose (DLTs / patients treated there) is "
            f"compared with the escalation boundary λe = {le:.4f} and the de-escalation boundary λd = {ld:.4f}, "
            f"derived from the target {pct(d.target)} with φ1 = {num(d.opts['p_saf'])} (the highest DLT rate "
            f"thought sub-therapeutic) and φ2 = {num(d.opts['p_tox'])} (the lowest thought overly toxic): escalate "
            "to the next higher dose if the rate is at most λe, de-escalate to the next lower dose if it is at least "
            "λd, otherwise stay. The decisions by number of patients and DLTs are in the decision table.",
            *_titration(d), *_interval_end(d)]


def _mtpi2(d: Design) -> list[str]:
    lo, hi = d.acceptable_interval()
    return [f"The DLT-rate scale is cut into the equivalence interval [{num(lo)}, {num(hi)}] around the target and "
            "intervals (keys) of the same width below and above it. After each cohort, the key with the largest "
            "posterior probability per unit width (beta(1, 1) prior) at the current dose decides: below the "
            "equivalence interval escalate, inside it stay, above it de-escalate. The decisions by number of "
            "patients and DLTs are in the decision table.", *_interval_end(d)]


def _i3(d: Design) -> list[str]:
    lo, hi = d.acceptable_interval()
    return [f"After each cohort, the observed DLT rate x/n at the current dose is compared with the equivalence "
            f"interval [{num(lo)}, {num(hi)}]: below it escalate, inside it stay; above it de-escalate, unless one DLT "
            "fewer, (x − 1)/n, would fall below the interval, in which case stay. The decisions by number of "
            "patients and DLTs are in the decision table.", *_interval_end(d)]


def _tite_boin(d: Design) -> list[str]:
    out = _boin(d)
    est = ("pending patients' outcomes are imputed from the time they have been followed (Yuan et al. 2018)"
           if d.opts["estimator"] == "imputation" else
           "the DLT rate is estimated with TITEgBOIN's effective sample size y / (n − c + STFT)")
    out.insert(1, f"Decisions are made at each arrival with outcomes possibly pending: {est}; accrual is suspended "
                  f"while more than {pct(d.opts['max_pending'])} of the patients at the current dose have their "
                  "outcome pending.")
    return out


# ---- model-based ---------------------------------------------------------------------------------------------------
def _crm(d: Design) -> list[str]:
    o = d.opts
    skel = ", ".join(f"{s:.3f}" for s in d.skeleton)  # type: ignore[attr-defined]
    if o["skeleton"] is None:
        mtd = o["prior_mtd"] if o["prior_mtd"] is not None else (d.n_doses + 1) // 2
        where = (f"calibrated (Lee & Cheung 2009) with half-width {num(o['halfwidth'])} of the indifference interval "
                 f"and the prior MTD at level {mtd}")
    else:
        where = "as given"
    model = ("the empiric (power) model p_k = s_k^exp(β)" if o["model"] == "empiric" else
             f"the one-parameter logistic model logit p_k = {num(o['intercept'])} + exp(β)·d_k")
    out = [f"Dose–toxicity working model: {model}, with skeleton s = ({skel}) {where}, and a normal prior on β with "
           f"mean 0 and standard deviation {num(o['prior_sd'])}. After each cohort the posterior mean of β is plugged "
           "into the model and the next cohort receives the dose whose estimated DLT rate is closest to the target."]
    if o["no_skip"]:
        hold = (" and no escalation right after a cohort whose DLT fraction is at least the target"
                if d.method == "crm" or o.get("hold_after_dlt") else "")
        out.append(f"Restrictions: no skipping of untried doses when escalating (at most one level above the current "
                   f"dose){hold}.")
    if d.method == "tite-crm":
        weights = ("the fraction of the DLT window they have been followed" if o["scheme"] == "linear" else
                   "dfcrm's adaptive weights, from the DLT times observed")
        out.append(f"Time-to-event: decisions are made at each arrival; patients whose outcome is pending count with "
                   f"a weight equal to {weights} (Cheung & Chappell 2000); accrual is never suspended.")
    if o["safety_stop"] < 1:
        out.append(f"Stopping: the trial ends when {d.max_n} patients have been treated, or with no dose selected "
                   f"once at least {o['safety_min_n']} patients have been treated at the lowest dose and the "
                   f"posterior probability that its DLT rate exceeds the target is above {num(o['safety_stop'])}.")
    else:
        out.append(f"Stopping: the trial ends when {d.max_n} patients have been treated (no safety stop).")
    out.append("MTD selection: the dose the model recommends after the last patient (the dose whose estimated DLT "
               "rate is closest to the target).")
    return out


def _blrm(d: Design, arm: Arm) -> list[str]:
    o = d.opts
    m1, s1, m2, s2, rho = d.prior  # type: ignore[attr-defined]
    ref = d.reference  # type: ignore[attr-defined]
    out = [f"Dose–toxicity model: logit p(d) = log α + β·log(d / d*), with reference dose d* = {num(ref)} and a "
           f"bivariate normal prior on (log α, log β): means {num(m1)} and {num(m2)}, standard deviations {num(s1)} "
           f"and {num(s2)}, correlation {num(rho)}. The DLT-rate scale is divided into underdosing "
           f"(below {num(o['target_low'])}), the target interval [{num(o['target_low'])}, {num(o['target_high'])}) "
           f"and overdosing (from {num(o['target_high'])}).",
           f"Escalation with overdose control (EWOC): after each cohort, a dose is admissible only if the posterior "
           f"probability of overdosing is below {pct(o['ewoc'])}; the next cohort receives the admissible dose with "
           f"the largest posterior probability of the target interval, at most {o['max_step']} level"
           f"{'s' if o['max_step'] != 1 else ''} above the current dose.",
           f"Stopping: the trial ends when {d.max_n} patients have been treated, or with no dose selected when the "
           "lowest dose fails overdose control" + (f" with at least {o['stop_min_n']} patients treated there."
                                                    if o["stop_min_n"] else "."),
           "MTD selection: among admissible doses up to the highest dose treated, the dose with the largest posterior "
           "probability of the target interval.",
           d.prior_summary(arm.labels).text]  # type: ignore[attr-defined]
    return out


RULES: dict[str, Callable[..., list[str]]] = {
    "3+3": _a_plus_b, "a+b": _a_plus_b, "rolling-six": _rolling_six, "boin": _boin, "tite-boin": _tite_boin,
    "mtpi2": _mtpi2, "i3+3": _i3, "crm": _crm, "tite-crm": _crm,
}


def _generic(d: Design) -> list[str]:
    opts = "; ".join(f"{o.title}: {_value(d.opts.get(o.name))}" for o in d.options)
    return [type(d).summary + (f" Options: {opts}." if opts else "")]


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return num(v)
    if isinstance(v, (list, tuple)):
        return ", ".join(_value(x) for x in v)
    return str(v)


def design_paragraphs(protocol: Protocol, arm: Arm, spec: DesignSpec) -> list[str]:
    """The paragraphs describing one arm's design for a protocol: what it is and its size, then its rules."""
    d = arm.build_design(protocol.target, spec)
    cls = type(d)
    start = arm.start_dose
    target = (f"The target DLT rate is {pct(protocol.target)}: the maximum tolerated dose (MTD) sought is the dose "
              f"whose DLT probability is closest to it.")
    head = (f"Dose escalation follows the {cls.title} design (method \"{cls.method}\" in phase1-explorer). {target} "
            f"The trial explores {ladder_text(arm)} and starts at level {start} ({arm.labels[start - 1]}). "
            f"{_cohort(d)} {_sample_size(d)}")
    if cls.method == "blrm":
        rules = _blrm(d, arm)
    else:
        rules = RULES.get(cls.method, _generic)(d)
    out = [head, *rules]
    if Capability.NEEDS_TIME in cls.capabilities and protocol.time is None:
        out.append("Without a time model (no \"time\" in the protocol) every outcome is known before each decision, "
                   "so the design makes its complete-data decisions.")
    if cls.rules:
        out.append(f"Where the R packages and papers differ, this implementation follows: {cls.rules}")
    return out


def arm_design_paragraph(protocol: Protocol) -> str | None:
    """How two arms share the trial, in words (None for one arm)."""
    ad = protocol.arm_design
    if ad is None:
        return None
    a, b = (arm.name for arm in protocol.arms)
    mode = {"independent": "The two arms run as two separate trials, each with its own design.",
            "staggered": _staggered(a, b, ad.offset),
            "ordered": f"Arm {b} is assumed at least as toxic as Arm {a} at every dose: Arm {b} is never selected "
                       f"above Arm {a}'s MTD, and doses eliminated in Arm {a} are closed to Arm {b}."}[ad.mode]
    assign = {"b_first": f"Arm {b} first", "a_first": f"Arm {a} first", "alternate": "the arms in turn",
              "random": "either arm at random"}[ad.assignment]
    cap = (f"at most {ad.max_total} patients are enrolled in the two arms together; when the cap is reached each arm "
           "stops and recommends what its design would select with the data so far" if ad.max_total else
           "there is no overall cap on enrolment")
    return (f"Two arms share one stream of patients ({ad.mode} arm design). {mode} {pct(ad.eligible_b)} of arriving "
            f"patients are eligible for Arm {b}; a patient eligible for both open arms goes to {assign}; {cap}. When "
            f"an arm is stopped from outside (the cap, or Arm {a} finding its lowest dose too toxic), its "
            "recommendation is its design's selection on the data so far.")


def _staggered(a: str | None, b: str | None, offset: int) -> str:
    """Arm B's ceiling: the highest level Arm A has cleared (decided to escalate above), less offset − 1."""
    if offset == 0:
        return f"Arm {b} treats a dose level once Arm {a} has cleared the level below it (decided to escalate to it)."
    if offset == 1:
        return f"Arm {b} treats a dose level only after Arm {a} has cleared it (decided to escalate above it)."
    return (f"Arm {b} treats a dose level only after Arm {a} has cleared the level {offset - 1} above it (decided to "
            f"escalate above that level): Arm {b} trails Arm {a} by {offset} levels.")


def time_paragraph(protocol: Protocol) -> str | None:
    """The time model in words (None without a clock)."""
    t = protocol.time
    if t is None:
        return None
    unit = t.time_unit
    accrual = {"fixed": f"one every {num(1 / t.rate)} {unit}",
               "poisson": f"as a Poisson process with {num(t.rate)} patients per {unit.rstrip('s')} on average",
               "uniform": f"with gaps uniform on 0 to {num(2 / t.rate)} {unit}"}[t.accrual]
    when = ("uniformly within the window" if t.time_to_dlt == "uniform" else
            f"following a Weibull distribution with {pct(t.late_onset)} of DLTs in the second half of the window")
    pending = ("wait until a dose can be assigned" if t.pending == "wait" else "are referred away (lost)")
    end = {"window": "the end of the last patient's DLT window", "decision": "the final decision, every outcome known",
           "accrual": "the last patient's start"}[t.duration]
    own = [f"Arm {a.name} has a DLT window of {num(a.time.dlt_window)} {unit}" for a in protocol.arms
           if a.time is not None and a.time.dlt_window != t.dlt_window]
    return (f"Time model: patients arrive {accrual}; each patient's DLT assessment window lasts "
            f"{num(t.dlt_window)} {unit}" + (f" ({'; '.join(own)})" if own else "") + f", and a DLT occurs {when}. "
            f"Patients arriving while no dose can be assigned {pending}. Designs that need complete data decide once "
            f"every enrolled patient's window is over. The trial's duration is counted to {end}.")


def designs_in(protocol: Protocol) -> list[tuple[Arm | None, DesignSpec]]:
    """The designs to describe: each arm's own (once when both arms share it), then each design compared."""
    out: list[tuple[Arm | None, DesignSpec]] = []
    seen: list[DesignSpec] = []
    for arm in protocol.arms:
        if arm.design not in seen:
            out.append((arm, arm.design))
            seen.append(arm.design)
    for spec in protocol.compare:
        if spec not in seen:
            out.append((None, spec))
            seen.append(spec)
    return out
