"""The words the page shows: design names as users know them, probabilities as percentages, and a label and a
tooltip for every metric (the JSON names stay in files and on the command line)."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.designs import find_design


def design_name(method: str) -> str:
    """A design as users know it ("CRM", "mTPI-2 / Keyboard"); several methods (arms that differ) joined by "/"."""
    names = []
    for m in method.split("/"):
        cls = find_design(m)
        names.append(cls.short_title() if cls is not None else m)
    return "/".join(names)


def pct(p: float, digits: int = 1) -> str:
    """A probability as a percentage ("37.9%"; "<0.1%" and ">99.9%" rather than a rounded 0 or 100)."""
    v = 100 * float(p)
    if v == 0 or v == 100:
        return f"{v:.0f}%"
    small = 10 ** -digits
    if v < small:
        return f"<{small:g}%"
    if v > 100 - small:
        return f">{100 - small:g}%"
    return f"{v:.{digits}f}%"


@dataclass(frozen=True)
class Metric:
    """A metric's label on the page and what it means (the tooltip)."""

    label: str
    tip: str


CORRECT_VS_ACCEPTABLE = ("The true MTD is the dose whose true DLT probability is closest to the target; 'acceptable' "
                         "counts every dose whose truth lies in the acceptable band around the target. When the true "
                         "MTD lies outside the band (e.g. truth 18% for a 25% target with a 20-30% band), correct "
                         "selection can be higher than acceptable selection.")

METRICS = {
    "design": Metric("Design", "The escalation design (with two arms: the arm, then the design)."),
    "pcs": Metric("Correct MTD", "Probability of selecting the true MTD: the dose whose true DLT probability is "
                  "closest to the target (no selection, when every dose is too toxic). " + CORRECT_VS_ACCEPTABLE),
    "sample_size": Metric("Mean patients (max)", "Average number of patients a trial enrols, and in brackets the "
                          "most it may enrol (3+3 and A+B: set by their rule, A + B per dose)."),
    "acceptable": Metric("Acceptable dose", "Probability of selecting a dose whose true DLT probability is in the "
                         "acceptable band around the target. " + CORRECT_VS_ACCEPTABLE),
    "overdose_selection": Metric("Overdose chosen", "Probability of selecting a dose whose true DLT probability "
                                 "exceeds the target by more than 10 points."),
    "overdose_patients": Metric("Patients above MTD", "Share of the patients treated at doses more toxic than the "
                                "true MTD."),
    "no_selection": Metric("No dose chosen", "Probability that the trial ends without selecting any dose (stopped "
                           "for safety, or every dose eliminated)."),
    "how": Metric("Computed", "Exact: every outcome enumerated, no simulation error. Monte Carlo: estimated from "
                  "simulated trials (± 1.96 standard errors on the bars)."),
    "both_correct": Metric("Correct MTD in both arms", "Probability that both arms select their own true MTD."),
    "b_never_opens": Metric("Arm {b} never opens", "Probability that Arm {b} treats nobody."),
    "cap_reached": Metric("Cap on patients reached", "Probability that the overall cap on patients in both arms "
                          "ended the trial."),
    "joint_sample_size": Metric("Mean patients, both arms (SD)", "Average total patients in both arms, with its "
                                "standard deviation."),
    "joint_dlts": Metric("Mean DLTs, both arms", "Average number of patients with a DLT, both arms together."),
    "patients_arm": Metric("Mean patients in Arm {arm}", "Average number of patients Arm {arm} enrols."),
    "fraction_b": Metric("Share of patients in Arm {b}", "Arm {b}'s patients as a share of all patients."),
}
