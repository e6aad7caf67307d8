"""Dose-transition pathways: hand-worked 3+3 and BOIN tables, CRM against chained one-step transitions, path
probabilities, the number of decisions, and the `pathways` subcommand."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import binom

from explorer.cli import main
from explorer.core.designs import design_classes, find_design
from explorer.core.errors import OutcomeStringError
from explorer.core.outcomes import parse_outcomes
from explorer.core.pathways import Pathways, pathways, table_cells, table_text
from explorer.core.transitions import one_step, replay

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).parent.parent / "examples"
TRUTH = np.array([0.05, 0.12, 0.25, 0.45])  # the CAR4SAR-like Arm A ladder of 4 doses


def compact(p: Pathways) -> list[str]:
    """The wide table's rows as 'D0 T1 D1 T2 D2 T3 D3', a stop written stop:k (k the selected dose, - for none)."""
    out = []
    for r in p.rows():
        cells = []
        for c in p.columns():
            if c not in r:
                break
            v = r[c]
            cells.append(f"stop:{r['selected'] or '-'}" if v == "stop" else str(v))
        out.append(" ".join(cells))
    return out


def rows(text: str) -> list[str]:
    return [line.split("#")[0].strip() for line in text.strip().splitlines() if line.split("#")[0].strip()]


# The standard 3+3 rule of shared/reference/README.md, 4 doses, from level 1, three cohorts of 3, worked by hand.
# D: the dose after each cohort; T: its DLTs. 0/3 escalates; 1/3 expands to 6 at the same dose; 1/6 escalates;
# ≥2/3 or ≥2/6 means the dose exceeds the MTD: the dose below is expanded to 6 (or declared the MTD if it already
# has 6; below the lowest dose: stop, no selection), and with ≤1/6 there it is the MTD.
THREE_PLUS_THREE = rows("""
1 0 2 0 3 0 4          # 0/3 at 1, 2, 3: up to 4
1 0 2 0 3 1 3          # 1/3 at 3: expand
1 0 2 0 3 2 2          # 2/3 at 3: 3 exceeds; 2 has only 3 patients: expand it
1 0 2 0 3 3 2
1 0 2 1 2 0 3          # 1/3 then 0/3 at 2 (1/6): escalate
1 0 2 1 2 1 1          # 2/6 at 2: 2 exceeds; expand 1
1 0 2 1 2 2 1
1 0 2 1 2 3 1
1 0 2 2 1 0 stop:1     # 2/3 at 2: expand 1; 0/6 at 1: MTD 1
1 0 2 2 1 1 stop:1     # 1/6 at 1: MTD 1
1 0 2 2 1 2 stop:-     # 2/6 at 1: the lowest dose exceeds: no selection
1 0 2 2 1 3 stop:-
1 0 2 3 1 0 stop:1
1 0 2 3 1 1 stop:1
1 0 2 3 1 2 stop:-
1 0 2 3 1 3 stop:-
1 1 1 0 2 0 3          # 1/6 at 1: escalate; 0/3 at 2: escalate
1 1 1 0 2 1 2          # 1/3 at 2: expand
1 1 1 0 2 2 stop:1     # 2/3 at 2: 2 exceeds; 1 already has 6: MTD 1
1 1 1 0 2 3 stop:1
1 1 1 1 stop:-         # 2/6 at the lowest dose: no selection
1 1 1 2 stop:-
1 1 1 3 stop:-
1 2 stop:-             # ≥2/3 at the lowest dose: no selection
1 3 stop:-
""")

# BOIN, target 0.25, cohorts of 3, 36 patients, 4 doses, from level 1, worked by hand from get.boundary's table
# (tests/data/boin_get_oc.json; checked below): with n patients and x DLTs at the current dose, escalate if
# x ≤ e[n], de-escalate if x ≥ d[n], else stay; eliminate the dose and all above if x ≥ u[n]:
#   n = 3: e 0, d 1, u 3;   n = 6: e 1, d 2, u 4;   n = 9: e 1, d 3, u 5.
# De-escalating from the lowest dose stays; escalating into an eliminated dose stays; leaving an eliminated dose
# goes down one level; the lowest dose eliminated: stop, no selection.
BOIN_BOUNDARIES = {3: (0, 1, 3), 6: (1, 2, 4), 9: (1, 3, 5)}
BOIN = rows("""
1 0 2 0 3 0 4          # 0/3 at 1, 2, 3: up
1 0 2 0 3 1 2          # 1/3 at 3: down
1 0 2 0 3 2 2
1 0 2 0 3 3 2          # 3/3 at 3: 3 and 4 eliminated, down
1 0 2 1 1 0 2          # 1/3 at 2: down to 1; there 0/6: up
1 0 2 1 1 1 2          # 1/6 at 1: up
1 0 2 1 1 2 1          # 2/6 at 1: de-escalate from the lowest: stay
1 0 2 1 1 3 1          # 3/6 at 1: stay (elimination needs 4/6)
1 0 2 2 1 0 2
1 0 2 2 1 1 2
1 0 2 2 1 2 1
1 0 2 2 1 3 1
1 0 2 3 1 0 1          # 3/3 at 2 eliminated it: escalation from 1 stays
1 0 2 3 1 1 1
1 0 2 3 1 2 1
1 0 2 3 1 3 1
1 1 1 0 2 0 3          # 1/3 at 1: stay; 1/6: up; 0/3 at 2: up
1 1 1 0 2 1 1
1 1 1 0 2 2 1
1 1 1 0 2 3 1
1 1 1 1 1 0 1          # 2/6 at 1: stay; 2/9: stay
1 1 1 1 1 1 1          # 3/9: de-escalate from the lowest: stay
1 1 1 1 1 2 1
1 1 1 1 1 3 stop:-     # 5/9: the lowest dose eliminated
1 1 1 2 1 0 1          # 3/6: stay; 3/9 stay
1 1 1 2 1 1 1
1 1 1 2 1 2 stop:-     # 5/9
1 1 1 2 1 3 stop:-
1 1 1 3 stop:-         # 4/6
1 2 1 0 1 0 1          # 2/3 stays at the lowest; 2/6 stays; 2/9 stays
1 2 1 0 1 1 1
1 2 1 0 1 2 1
1 2 1 0 1 3 stop:-
1 2 1 1 1 0 1
1 2 1 1 1 1 1
1 2 1 1 1 2 stop:-
1 2 1 1 1 3 stop:-
1 2 1 2 stop:-         # 4/6
1 2 1 3 stop:-
1 3 stop:-             # 3/3 at the lowest dose
""")


def test_three_plus_three_from_the_start_matches_the_hand_worked_table():
    p = pathways(find_design("3+3")(4, 0.25, 0), "", 3)
    assert p.columns() == ["D0", "T1", "D1", "T2", "D2", "T3", "D3"]
    assert compact(p) == THREE_PLUS_THREE


def test_boin_from_the_start_matches_the_hand_worked_table():
    table = json.loads((DATA / "boin_get_oc.json").read_text())["boundary_table"]
    for n, (e, d, u) in BOIN_BOUNDARIES.items():
        k = table["n"].index(n)
        assert (table["escalate_if_dlts_at_most"][k], table["deescalate_if_dlts_at_least"][k],
                table["eliminate_if_dlts_at_least"][k]) == (e, d, u)
    p = pathways(find_design("boin")(4, 0.25, 0, cohort_size=3, max_n=36), "", 3)
    assert compact(p) == BOIN


def test_rows_are_ordered_by_t1_then_t2_and_nothing_follows_a_stop():
    p = pathways(find_design("boin")(4, 0.25, 0), "1NNN", 3)
    keys = [tuple(r.get(f"T{i}", -1) for i in (1, 2, 3)) for r in p.rows()]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    cols = p.columns()
    for r in p.rows():
        present = [c for c in cols if c in r]
        assert present == cols[: len(present)]
        if "selected" in r:  # the path stops: its last cell is the stop
            assert r[present[-1]] == "stop" and "stop" not in [r[c] for c in present[:-1]]
        else:
            assert present == cols and "stop" not in r.values()
    assert any("selected" in r for r in p.rows()) and "stop (none)" in table_text(p)


def _walk_against_one_step(design, history: str, p: Pathways, truth: np.ndarray) -> int:
    """Chain one-step transitions from the history down the tree: every node's next step and children must be the
    ones one_step gives for the node's history. Returns the number of nodes checked."""
    checked = 0

    def visit(node, hist: str) -> None:
        nonlocal checked
        t = one_step(design, hist, truth)
        assert node.then == t.now, hist
        kids = p.children(node.id)
        checked += 1
        if node.depth == p.cohorts or node.then.stop:
            assert kids == []
            return
        assert [(k.dose, k.size, k.dlts) for k in kids] == [(node.then.dose, node.then.size, s.dlts) for s in t.next]
        for k, s in zip(kids, t.next):
            assert k.then == s.then
            assert k.probability == pytest.approx(node.probability * s.probability, rel=1e-12)
            visit(k, f"{hist} {s.outcome}".strip())

    visit(p.nodes[0], history)
    return checked


@pytest.mark.parametrize("history", ["", "1NNN 2NTN", "1NNN2NNN2NNT"])
def test_crm_matches_one_step_transitions_chained(history):
    crm = find_design("crm")(4, 0.25, 0, max_n=18)
    p = pathways(crm, history, 3, TRUTH)
    assert _walk_against_one_step(crm, history, p, TRUTH) == len(p.nodes)


def test_crm_last_cohort_cut_by_max_n_then_stop_with_a_selection():
    crm = find_design("crm")(4, 0.25, 0, max_n=11, safety_stop=1.0)
    p = pathways(crm, "1NNN", 3, TRUTH)
    assert _walk_against_one_step(crm, "1NNN", p, TRUTH) == len(p.nodes)
    assert {n.size for n in p.nodes if n.depth == 3} == {2}  # 3 + 3 + 3 + 2 = 11
    leaves = p.leaves()
    assert len(leaves) == 4 * 4 * 3 and all(n.then.stop and n.then.selected >= 0 for n in leaves)
    assert all(r["D3"] == "stop" and r["N3"] == 2 for r in p.rows())


@pytest.mark.parametrize("method", sorted(design_classes()))
def test_every_design_matches_one_step_transitions_chained(method):
    design = find_design(method)(4, 0.25, 0)
    for history in ("", "1NNN 2NTN"):
        p = pathways(design, history, 2, TRUTH)
        assert _walk_against_one_step(design, history, p, TRUTH) == len(p.nodes)


def test_a_plus_b_cohort_sizes_come_from_the_design():
    design = find_design("a+b")(4, 0.25, 0, a=3, b=2, c=1, d=1, e=1)
    p = pathways(design, "", 3, TRUTH)
    assert _walk_against_one_step(design, "", p, TRUTH) == len(p.nodes)
    expanded = [n for n in p.nodes if n.depth == 2 and n.parent == 2]  # after 1/3 at dose 1: b = 2 more there
    assert [(n.dose, n.size) for n in expanded] == [(0, 2)] * 3
    assert "1/2" in table_text(p)  # cohorts of different sizes in one column are written DLTs/size


@pytest.mark.parametrize("method", sorted(design_classes()))
def test_leaf_probabilities_sum_to_one(method):
    p = pathways(find_design(method)(4, 0.25, 0), "1NNN", 3, TRUTH)
    assert sum(n.probability for n in p.leaves()) == pytest.approx(1.0, abs=1e-12)
    assert sum(r["probability"] for r in p.rows()) == pytest.approx(1.0, abs=1e-12)


def test_path_probabilities_are_binomial_products():
    p = pathways(find_design("3+3")(4, 0.25, 0), "", 3, TRUTH)
    by_path = {tuple(n.cohort for n in p.path(leaf)[1:]): leaf.probability for leaf in p.leaves()}
    q = TRUTH
    expected = {
        ("1NNN", "2NNN", "3NNT"): binom.pmf(0, 3, q[0]) * binom.pmf(0, 3, q[1]) * binom.pmf(1, 3, q[2]),
        ("1NNT", "1NNN", "2NTT"): binom.pmf(1, 3, q[0]) * binom.pmf(0, 3, q[0]) * binom.pmf(2, 3, q[1]),
        ("1NTT",): binom.pmf(2, 3, q[0]),
        ("1NNT", "1NNT"): binom.pmf(1, 3, q[0]) ** 2,
    }
    for path, value in expected.items():
        assert by_path[path] == pytest.approx(value, rel=1e-12)
    assert (0.95 ** 3) * (3 * 0.12 * 0.88 ** 2) * (0.88 ** 3) == pytest.approx(by_path[("1NNN", "2NNT", "2NNN")])


def test_without_a_truth_there_are_no_probabilities():
    p = pathways(find_design("boin")(4, 0.25, 0), "", 2)
    assert all(n.probability is None for n in p.nodes) and table_cells(p)[0] == p.columns()


class Counting:
    """Wraps a design and counts its decide calls and the states decided."""

    def __init__(self, design):
        self.design, self.calls, self.states = design, 0, 0

    def __getattr__(self, name):
        return getattr(self.design, name)

    def decide(self, n, x, cur, extra):
        self.calls += 1
        self.states += n.shape[0]
        return self.design.decide(n, x, cur, extra)


@pytest.mark.parametrize("method", sorted(design_classes()))
def test_each_distinct_state_is_decided_once_one_call_per_depth(method):
    design = find_design(method)(4, 0.25, 0)
    history = "1NNN 1NNN"
    counting = Counting(design)
    p = pathways(counting, history, 3, TRUTH)
    # the distinct states of the tree, found independently by replaying each node's full history
    states = set()
    for node in p.nodes:
        hist = parse_outcomes(history) + parse_outcomes(" ".join(n.cohort for n in p.path(node)[1:]))
        n, x, cur, extra = replay(design, hist)
        states.add((node.depth, *n, *x, cur, *np.asarray(extra).ravel()))
    # replay (reused from transitions.py) decides once per cohort of the history, one state each
    assert counting.states - 2 == p.decided_states == len(states) <= 1 + 4 + 16 + 64
    assert counting.calls - 2 == p.decide_calls == 1 + max(n.depth for n in p.nodes)


def test_the_bound_is_reached_when_no_path_stops_or_meets_another():
    p = pathways(find_design("crm")(4, 0.25, 0, safety_stop=1.0), "1NNN 2NTN", 3)
    assert p.decided_states == len(p.nodes) == 1 + 4 + 16 + 64 and p.decide_calls == 4


def test_identical_states_reached_by_different_paths_are_decided_once():
    p = pathways(find_design("boin")(4, 0.25, 0), "1NNN 1NNN", 3)
    assert p.decided_states < len(p.nodes)  # e.g. 2NNN 1NNN 2NNT and 2NNT 1NNN 2NNN


def test_a_history_that_already_stops_gives_the_root_only():
    p = pathways(find_design("3+3")(4, 0.25, 0), "1TTT", 3, TRUTH)
    assert len(p.nodes) == 1 and p.nodes[0].then.stop and compact(p) == ["stop:-"]
    assert p.rows()[0]["probability"] == 1.0


def test_tree_nodes_are_ready_to_draw():
    p = pathways(find_design("3+3")(4, 0.25, 0), "1NNN", 2, TRUTH)
    d = p.to_dict()
    assert d["nodes"][0] == {"id": 0, "parent": None, "depth": 0, "dose": None, "size": 0, "dlts": 0, "outcome": "",
                             "cohort": "", "next": {"stop": False, "dose": 2, "size": 3, "selected": None},
                             "probability": 1.0}
    assert [n["outcome"] for n in d["nodes"][1:5]] == ["NNN", "NNT", "NTT", "TTT"]
    assert all(d["nodes"][n["parent"]]["depth"] == n["depth"] - 1 for n in d["nodes"][1:])
    assert [n["id"] for n in d["nodes"]] == list(range(len(d["nodes"])))
    assert len(d["table"]["rows"]) == len(p.leaves())


def test_history_with_or_without_spaces_gives_the_same_tree():
    design = find_design("boin")(4, 0.25, 0)
    assert pathways(design, "1NNN2NTN", 3).nodes == pathways(design, "1NNN 2NTN", 3).nodes
    assert pathways(design, "1nnn2ntn", 1).history == "1NNN 2NTN"


@pytest.mark.parametrize("history,position", [("1NNN 2NXN", 7), ("1NNN5NN", 4), ("1NNN" * 13, 49)])
def test_bad_history_points_at_the_character(history, position):
    with pytest.raises(OutcomeStringError) as err:
        pathways(find_design("boin")(4, 0.25, 0, max_n=36), history, 3)
    assert err.value.position == position


def test_bad_arguments():
    design = find_design("boin")(4, 0.25, 0)
    with pytest.raises(ValueError, match="cohorts = 0"):
        pathways(design, "", 0)
    with pytest.raises(ValueError, match="the truth has 3 doses"):
        pathways(design, "", 1, np.array([0.1, 0.2, 0.3]))


# ---- the command line ------------------------------------------------------------------------------------------
PROTOCOL = {"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "boin", "max_n": 18}}


@pytest.fixture
def protocol_file(write_protocol):
    return lambda **changes: write_protocol(PROTOCOL, **changes)


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as e:  # argparse's own errors
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def core(**kw) -> Pathways:
    design = find_design(PROTOCOL["design"]["method"])(4, 0.25, 0, max_n=18)
    return pathways(design, kw.get("history", ""), kw.get("cohorts", 3), TRUTH)


def test_cli_text_is_the_wide_table(capsys, protocol_file):
    code, out, err = run(capsys, "pathways", protocol_file())
    assert code == 0 and err == ""
    assert "BOIN (Liu & Yuan 2015), target 0.25: dose-transition pathways for the next 3 cohorts from the start" in out
    lines = out.splitlines()
    head = lines.index(next(line for line in lines if line.startswith("D0")))
    assert lines[head].split() == ["D0", "T1", "D1", "T2", "D2", "T3", "D3", "P"]
    body = lines[head + 1: lines.index("", head)]
    assert len(body) == len(core().rows())
    assert body[0].split() == ["1", "0", "2", "0", "3", "0", "4", f"{core().rows()[0]['probability']:.4f}"]
    assert body[-1].split()[:4] == ["1", "3", "stop", "(none)"]
    assert "Doses: 1 = DL1; 2 = DL2; 3 = DL3; 4 = DL4." in out


def test_cli_tree_layout(capsys, protocol_file):
    code, out, _ = run(capsys, "pathways", protocol_file(), "--cohorts", "2", "--layout", "tree")
    assert code == 0
    assert "at the start: treat 3 at dose 1 (DL1)" in out
    assert "├─ 1NNN -> treat 3 at dose 2 (DL2)" in out and "└─ 1TTT -> stop; no dose selected" in out
    assert out.count(" -> ") == len(core(cohorts=2).nodes) - 1


def test_cli_markdown(capsys, protocol_file):
    code, out, _ = run(capsys, "pathways", protocol_file(), "--format", "md", "--outcomes", "1NNN 2NTN")
    assert code == 0 and "after 1NNN 2NTN" in out
    assert "| D0 | T1 | D1 | T2 | D2 | T3 | D3 | P |" in out
    assert out.count("\n| 1 |") == len(core(history="1NNN 2NTN").rows())  # D0 = 1: 1/3 at dose 2 de-escalates
    code, out, _ = run(capsys, "pathways", protocol_file(), "--format", "md", "--layout", "tree", "--cohorts", "1")
    assert code == 0 and "- `1NNN` → treat 3 at dose 2 (DL2)" in out


def test_cli_json_has_the_tree_and_the_table(capsys, protocol_file):
    code, out, _ = run(capsys, "pathways", protocol_file(), "--format", "json", "--outcomes", "1NNN2NTN")
    assert code == 0
    d = json.loads(out)
    expected = core(history="1NNN 2NTN").to_dict()
    assert d["nodes"] == expected["nodes"] and d["table"] == expected["table"]
    assert d["history"] == "1NNN 2NTN" and d["truth"] == PROTOCOL["truth"] and d["arm"] is None
    assert d["design"]["method"] == "boin" and d["doses"] == ["DL1", "DL2", "DL3", "DL4"]


def test_cli_csv_table_and_tree(capsys, protocol_file):
    code, out, _ = run(capsys, "pathways", protocol_file(), "--format", "csv")
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    assert list(table[0]) == ["D0", "N1", "T1", "D1", "N2", "T2", "D2", "N3", "T3", "D3", "stop", "selected",
                              "probability"]
    assert len(table) == len(core().rows())
    assert sum(float(r["probability"]) for r in table) == pytest.approx(1.0, abs=1e-12)
    assert table[-1]["D1"] == "stop" and table[-1]["T2"] == "" and table[-1]["selected"] == ""
    code, out, _ = run(capsys, "pathways", protocol_file(), "--format", "csv", "--layout", "tree")
    nodes = list(csv.DictReader(io.StringIO(out)))
    assert len(nodes) == len(core().nodes) and nodes[1]["outcome"] == "NNN" and nodes[1]["parent"] == "0"


def test_cli_two_arms_need_an_arm(capsys):
    path = str(EXAMPLES / "car4sar-two-arm.json")
    code, _, err = run(capsys, "pathways", path)
    assert code == 2 and 'has two arms ("A (systemic)", "B (systemic + local)")' in err and "--arm" in err
    code, out, err = run(capsys, "pathways", path, "--arm", "b", "--format", "json", "--cohorts", "1")
    assert code == 0 and "staggered arm design's rules between the arms" in err
    d = json.loads(out)
    assert d["arm"] == "B (systemic + local)" and d["truth"] == [0.08, 0.18, 0.33, 0.55]
    assert d["nodes"][1]["probability"] == pytest.approx(0.92 ** 3)
    code, _, err = run(capsys, "pathways", path, "--arm", "C")
    assert code == 2 and '--arm \'C\' is not an arm' in err
    code, _, err = run(capsys, "pathways", str(EXAMPLES / "car4sar-arm-a.json"), "--arm", "A")
    assert code == 2 and "has one arm" in err


@pytest.mark.parametrize("args,words", [
    (["--outcomes", "1NNN 7NN"], ["above the top of the ladder", "\n  1NNN 7NN\n       ^"]),
    (["--outcomes", "1NXN"], ["expected T (a DLT) or N", "\n  1NXN\n    ^"]),
    (["--outcomes", "1NNN2NNN2NNN3NNN3NNN3NNN3T"], ["patient 19 is more than the design's max_n = 18",
                                                    "  " + " " * 25 + "^"]),
    (["--cohorts", "4"], ["invalid choice: 4"]),
])
def test_cli_bad_input_exits_2(capsys, protocol_file, args, words):
    code, out, err = run(capsys, "pathways", protocol_file(), *args)
    assert code == 2 and out == ""
    for w in words:
        assert w in err


def test_cli_bad_protocol(capsys, protocol_file):
    code, _, err = run(capsys, "pathways", protocol_file(design={"method": "boin", "p_saf": 0.3}))
    assert code == 2 and "p_saf" in err
