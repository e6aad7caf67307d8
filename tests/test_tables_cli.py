"""Decision tables, one-step transitions, and the `table` subcommand."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from explorer.core.designs import find_design
from explorer.core.tables import decision_table
from explorer.core.transitions import one_step

PROTOCOL = {"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "i3+3", "max_n": 12}}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explorer.cli", *args], capture_output=True, text=True)


@pytest.fixture
def protocol_file(write_protocol):
    return lambda **changes: write_protocol(PROTOCOL, **changes)


def test_i3plus3_table_from_its_rule():
    t = decision_table(find_design("i3+3")(4, 0.25, 0, max_n=12))
    assert t.n == [3, 6, 9, 12]
    # escalate while x/n < 0.2; de-escalate once x/n > 0.3 and (x − 1)/n ≥ 0.2; eliminate from P(p > 0.25) > 0.95
    assert t.escalate_at_most == [0, 1, 1, 2]
    assert t.deescalate_at_least == [2, 3, 3, 4]  # 3/9: 2/9 ≥ 0.2; 4/12: 3/12 ≥ 0.2
    assert t.eliminate_at_least == [3, 4, 5, 6]
    assert t.decisions[0] == "ESDU"


def test_transitions_follow_decide():
    d = find_design("boin")(4, 0.25, 0)
    truth = np.array([0.05, 0.12, 0.25, 0.45])
    t = one_step(d, "1NNN 2NTN", truth)
    assert (t.now.stop, t.now.dose, t.now.size) == (False, 0, 3)  # 1/3 at dose 2: de-escalate
    assert [s.outcome for s in t.next] == ["1NNN", "1TNN", "1TTN", "1TTT"]
    assert sum(s.probability for s in t.next) == pytest.approx(1.0)
    assert [s.then.dose for s in t.next] == [1, 1, 0, 0]  # 1/6 escalates, 2/6 de-escalates (stays at the bottom)
    t = one_step(d, "1TTT", truth)  # the lowest dose eliminated
    assert t.now.stop and t.now.selected == -1 and t.next == []


def test_transitions_work_for_a_rule_based_design():
    t = one_step(find_design("3+3")(4, 0.25, 0), "1NNN 2NTN")
    assert (t.now.dose, t.now.size) == (1, 3)
    assert [s.then.dose for s in t.next] == [2, 0, 0, 0]
    assert all(s.probability is None for s in t.next)


def test_cli_table_text_json_md(protocol_file):
    r = cli("table", protocol_file())
    assert r.returncode == 0 and "Escalate if # of DLT <=     0  1  1  2" in r.stdout
    r = cli("table", protocol_file(), "--format", "json")
    data = json.loads(r.stdout)
    assert data["eliminate_if_dlts_at_least"] == [3, 4, 5, 6]
    r = cli("table", protocol_file(), "--format", "md")
    assert r.returncode == 0 and "| Deescalate if # of DLT >= | 2 | 3 | 3 | 4 |" in r.stdout


def test_cli_transitions(protocol_file):
    r = cli("table", protocol_file(), "--outcomes", "1NNN 2NTN", "--format", "json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["now"] == {"stop": False, "dose": 2, "size": 3, "selected": None}  # 1/3 stays under i3+3
    assert len(data["next"]) == 4
    r = cli("table", protocol_file(design={"method": "crm", "max_n": 12}))  # no table: transitions from the start
    assert r.returncode == 0 and "at the start: treat 3 at dose 1" in r.stdout


@pytest.mark.parametrize("args,message", [
    (["--outcomes", "1NNN 7NN"], "above the top of the ladder"),
    (["--outcomes", "1NXN"], "expected T (a DLT) or N"),
    (["--outcomes", "1NNNNNNNNNNNNN"], "more than the design's max_n"),
])
def test_cli_bad_outcomes(protocol_file, args, message):
    r = cli("table", protocol_file(), *args)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr


def test_cli_bad_protocol(protocol_file):
    r = cli("table", protocol_file(design={"method": "boin", "p_saf": 0.3}))
    assert r.returncode == 2 and "p_saf" in r.stderr and "Traceback" not in r.stderr
