"""A study's cells and the tasks that compute them.

A cell is one scenario × one design × one setting: the rows of the results table that share a `cell` id. A task is
one scenario × one setting with every design of the study: one pipeline run, so the designs are compared on common
patients (and the benchmark on the same patients' tolerances). Each task's seed comes from the study seed and the
task's identity (its truths and setting) through numpy's SeedSequence, and a cell's id is a hash of its canonical
JSON (the task's validated protocol, the design, the benchmark flag, the version): a cell's numbers are the same run
serially, on two workers or on a cluster, whatever ran before it, and `--resume` recognises a cell by its id.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from ... import __version__
from ..validation import protocol_from_dict
from .spec import Scenario, Study

#: The label of the optimal benchmark's rows.
BENCHMARK = "benchmark"


def canonical(obj: Any) -> str:
    """Canonical JSON: sorted keys, no spaces (what ids and seeds hash)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def digest(obj: Any) -> bytes:
    """SHA-256 of an object's canonical JSON."""
    return hashlib.sha256(canonical(obj).encode()).digest()


def task_seed(study_seed: int, scenario: Scenario, setting: dict[str, Any]) -> int:
    """The seed of one scenario × setting: SeedSequence(study seed, spawn key = the hash of the task's identity)."""
    identity = digest({"truths": [list(t) for t in scenario.truths], "setting": setting})
    key = tuple(int.from_bytes(identity[i:i + 4], "little") for i in range(0, 32, 4))
    state = np.random.SeedSequence(study_seed, spawn_key=key).generate_state(2, np.uint64)
    return int(state[0] >> np.uint64(1))  # a protocol seed is below 2**63


@dataclass(frozen=True)
class Task:
    """One pipeline run of a study: what a worker receives (the protocol, never the patients)."""

    index: int  # position in the study's order (settings, then scenarios)
    scenario: str
    setting: dict[str, Any]
    protocol: dict[str, Any]  # the protocol object, every design in it (design + compare), the task's seed
    labels: tuple[str, ...]  # one per design, then BENCHMARK when asked for
    cells: tuple[str, ...]  # the cell id of each label
    benchmark: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for workers)."""
        return {"index": self.index, "scenario": self.scenario, "setting": self.setting, "protocol": self.protocol,
                "labels": list(self.labels), "cells": list(self.cells), "benchmark": self.benchmark}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Task:
        """Back from `to_dict`."""
        return cls(d["index"], d["scenario"], d["setting"], d["protocol"], tuple(d["labels"]), tuple(d["cells"]),
                   d["benchmark"])


def tasks(study: Study) -> list[Task]:
    """Every task of the study, in order: settings (the axes' product, first axis slowest), then scenarios."""
    out = []
    for setting in study.settings:
        for scenario in study.scenarios:
            raw = study.task_protocol(scenario, setting, task_seed(study.seed, scenario, setting))
            p = protocol_from_dict(raw)
            one_arm = p.arm_design is None
            bench = study.benchmark and one_arm
            labels = tuple(d.label for d in study.designs) + ((BENCHMARK,) if bench else ())
            what = {k: v for k, v in p.to_dict().items() if k not in ("title", "description")}
            cells = tuple(digest({"version": __version__, "protocol": what, "benchmark": bench, "design": lab,
                                  "position": j}).hex()[:16] for j, lab in enumerate(labels))
            out.append(Task(len(out), scenario.name, setting, raw, labels, cells, bench))
    return out


__all__ = ["BENCHMARK", "Task", "canonical", "digest", "task_seed", "tasks"]
