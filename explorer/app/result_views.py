"""The results on the page: every Bokeh view of the OCs, drawn from one pipeline snapshot (one arm or two)."""

from __future__ import annotations

from ..core.pipeline import Snapshot
from ..core.protocol import Protocol
from .views.joint import JointView
from .views.patients import PatientsView
from .views.sample_size import SampleSizeView
from .views.selection import SelectionView
from .views.summary import SummaryView
from .views.truth import TruthView


class ResultViews:
    """The truth plot and the OC views; `draw` fills them from a snapshot."""

    def __init__(self, theme: str) -> None:
        self.truth = TruthView(theme)
        self.selection = SelectionView()
        self.patients = PatientsView(theme=theme)
        self.sample_size = SampleSizeView()
        self.summary = SummaryView()
        self.selection_b = SelectionView("selection-b")
        self.patients_b = PatientsView("patients-b", theme)
        self.joint = JointView()

    def draw(self, protocol: Protocol, names: list[str], snap: Snapshot, band: tuple[float, float],
             max_ns: list[int]) -> None:
        """Draw every candidate's OCs (names: one per candidate, as users know the designs; band: the acceptable
        interval drawn on the truth; max_ns: each candidate's maximum sample size per arm)."""
        assert snap.ocs is not None
        ocs = list(snap.ocs)
        arms = protocol.arms
        labels = arms[0].labels
        if len(arms) == 1:
            self.truth.show(labels, [list(arms[0].truth)], protocol.target, band, [ocs[0].arms[0].true_mtd])
            per_arm = [o.arms[0] for o in ocs]
            self.selection.show(labels, names, per_arm)
            self.patients.show(labels, names, per_arm)
            self.sample_size.show(names, per_arm)
            self.summary.show(names, per_arm, max_ns)
            return
        arm_names = [a.name or "" for a in arms]
        self.truth.show(labels, [list(a.truth) for a in arms], protocol.target, band,
                        [oc.true_mtd for oc in ocs[0].arms], arm_names)
        for j, (selection, patients) in enumerate(((self.selection, self.patients),
                                                   (self.selection_b, self.patients_b))):
            selection.show(labels, names, [o.arms[j] for o in ocs], f"Arm {arm_names[j]}")
            patients.show(labels, names, [o.arms[j] for o in ocs], f"Arm {arm_names[j]}")
        joints = [o.joint for o in ocs]
        self.sample_size.show(names, joints, "Patients: both arms together and each arm",  # type: ignore[arg-type]
                              [(a, [o.arms[i] for o in ocs]) for i, a in enumerate(arm_names)])
        self.summary.show([f"{arm}, {d}" for arm in arm_names for d in names],
                          [o.arms[j] for j in range(2) for o in ocs], max_ns * 2, "Arm, design")
        self.joint.show(names, joints, arm_names,  # type: ignore[arg-type]
                        ["exact" if o.method == "exact" else f"Monte Carlo, {o.trials:,} trials" for o in ocs])
