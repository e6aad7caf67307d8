"""Study files: generated truths (the MTD at each level, all safe/toxic, pseudo-uniform curves and their properties),
validation with field paths, cells and seeds."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from explorer.core.errors import ProtocolError
from explorer.core.oc import true_mtd
from explorer.core.study import curves, load_study, study_from_dict, tasks
from explorer.core.study.cells import task_seed

BASE = {"title": "study", "target": 0.25, "doses": ["DL1", "DL2", "DL3", "DL4"], "truth": [0.05, 0.12, 0.25, 0.45],
        "design": {"method": "3+3"}, "trials": 400, "seed": 11}


def study(**spec):
    return {**BASE, "study": spec}


def problems(raw) -> dict[str, str]:
    with pytest.raises(ProtocolError) as e:
        study_from_dict(raw)
    return {p.field: p.message for p in e.value.problems}


# ---- generated truths ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("levels,target", [(4, 0.25), (6, 0.3), (2, 0.2)])
def test_mtd_at_each_level_and_none(levels, target):
    for level in range(1, levels + 1):
        assert true_mtd(np.asarray(curves.mtd_at(levels, level, target)), target) == level - 1
    none = curves.mtd_at(levels, None, target)
    assert true_mtd(np.asarray(none), target) is None and min(none) > target + 0.10
    safe = curves.all_safe(levels, target)
    assert max(safe) < target and true_mtd(np.asarray(safe), target) == levels - 1
    assert curves.all_toxic(levels, target) == none


def test_a_flat_curve_is_refused_for_no_mtd():
    with pytest.raises(ValueError, match="too flat"):
        curves.mtd_at(4, None, 0.25, steepness=0.1)


@pytest.mark.parametrize("levels,target", [(4, 0.25), (6, 0.3), (8, 0.2), (2, 0.33)])
def test_pseudo_uniform_curves_are_monotone_with_the_drawn_mtd(levels, target):
    rng = np.random.default_rng(3)
    for _ in range(300):
        curve, level = curves.pseudo_uniform(rng, levels, target)
        assert len(curve) == levels and 0 <= curve[0] and curve[-1] < 1
        assert all(b >= a for a, b in zip(curve, curve[1:]))
        assert true_mtd(np.asarray(curve), target) == level - 1


def test_pseudo_uniform_mtd_levels_are_uniform():
    rng = np.random.default_rng(5)
    K, draws = 5, 3000
    counts = np.bincount([curves.pseudo_uniform(rng, K, 0.25)[1] for _ in range(draws)], minlength=K + 1)[1:]
    expected, sd = draws / K, np.sqrt(draws * (1 / K) * (1 - 1 / K))
    assert np.all(np.abs(counts - expected) < 4 * sd), counts


@pytest.mark.parametrize("level", [1, 3, 5])
def test_the_upper_bound_follows_its_beta_law(level):
    # B = target + (1 - target) M, M ~ Beta(a, 1), a = max(K - l, 0.5): E[M] = a / (a + 1), Var = a / ((a+1)^2 (a+2))
    K, target, draws = 5, 0.25, 4000
    rng = np.random.default_rng(level)
    m = (np.array([curves.upper_bound(rng, K, level, target) for _ in range(draws)]) - target) / (1 - target)
    a = max(K - level, 0.5)
    mean, var = a / (a + 1), a / ((a + 1) ** 2 * (a + 2))
    assert abs(m.mean() - mean) < 4 * np.sqrt(var / draws)
    assert m.min() >= 0 and m.max() <= 1


def test_given_the_mtd_and_bound_a_curve_is_uniform_over_the_region():
    # Two doses, MTD at 1, B = 0.6: the accepted (sorted) pairs are uniform on the region where dose 1 is the true
    # MTD; the mean of each coordinate over that region, by a fine grid, is the reference.
    target, bound = 0.25, 0.6
    g = (np.arange(1200) + 0.5) / 1200 * bound
    p1, p2 = np.meshgrid(g, g, indexing="ij")
    region = (p1 <= p2) & (np.abs(p1 - target) <= np.abs(p2 - target)) & ~((p1 > 0.35) & (p2 > 0.35))
    want = np.array([p1[region].mean(), p2[region].mean()])
    rng = np.random.default_rng(9)
    got = np.array([curves.curve_given(rng, 2, 1, bound, target) for _ in range(4000)])
    se = got.std(axis=0) / np.sqrt(len(got))
    assert np.all(np.abs(got.mean(axis=0) - want) < 4 * se + 1e-3), (got.mean(axis=0), want)


def test_random_curves_are_reproducible_and_a_longer_list_extends_a_shorter():
    a = curves.random_curves(3, 7, 4, 0.25)
    assert a == curves.random_curves(3, 7, 4, 0.25)
    assert curves.random_curves(6, 7, 4, 0.25)[:3] == a
    assert curves.random_curves(3, 8, 4, 0.25) != a


# ---- the study file ------------------------------------------------------------------------------------------------

def test_a_study_expands_its_scenarios_designs_and_settings():
    s = study_from_dict(study(scenarios=[{"name": "base", "truth": [0.05, 0.12, 0.25, 0.45]}, {"mtd_at": "each"},
                                         {"random": 3, "seed": 2}, "all-safe", "all-toxic"],
                              designs=["3+3", {"method": "boin", "max_n": 18}, {"method": "crm", "label": "CRM"}],
                              vary={"max_n": [18, 24], "cohort_size": [1, 3]}))
    names = [sc.name for sc in s.scenarios]
    assert names == ["base", "MTD at 1", "MTD at 2", "MTD at 3", "MTD at 4", "no MTD", "random 1", "random 2",
                     "random 3", "all-safe", "all-toxic"]
    assert [d.label for d in s.designs] == ["3+3", "boin", "CRM"]  # varied options are not part of a label
    assert len(s.settings) == 4 and s.cell_count == 11 * 3 * 4
    raw = s.task_protocol(s.scenarios[1], {"max_n": 24, "cohort_size": 1})
    assert raw["truth"] == list(s.scenarios[1].truths[0])
    assert raw["design"] == {"method": "3+3"}  # no max_n option: left alone
    assert raw["compare"] == [{"method": "boin", "max_n": 24, "cohort_size": 1},
                              {"method": "crm", "max_n": 24, "cohort_size": 1}]


def test_a_study_defaults_to_the_protocols_truth_and_designs():
    s = study_from_dict({**BASE, "compare": ["boin"], "study": {}})
    assert [sc.truths[0] for sc in s.scenarios] == [tuple(BASE["truth"])]
    assert [d.label for d in s.designs] == ["3+3", "boin"]
    assert s.cell_count == 2


def test_method_specific_and_protocol_axes():
    s = study_from_dict(study(designs=["boin", "crm"], vary={"crm.prior_sd": [0.5, 1.0], "target": [0.2, 0.3]}))
    raw = s.task_protocol(s.scenarios[0], {"crm.prior_sd": 0.5, "target": 0.3})
    assert raw["target"] == 0.3 and raw["design"] == {"method": "boin"}
    assert raw["compare"] == [{"method": "crm", "prior_sd": 0.5}]


def test_arm_design_options_vary_in_two_arm_studies():
    two = {"target": 0.25, "doses": ["DL1", "DL2", "DL3"], "design": {"method": "3+3"},
           "arms": [{"name": "A", "truth": [0.05, 0.2, 0.4]}, {"name": "B", "truth": [0.1, 0.3, 0.5]}],
           "arm_design": {"mode": "staggered"}, "trials": 300,
           "study": {"vary": {"arm_design.max_total": [12, 18]},
                     "scenarios": [{"name": "same", "truth": [0.05, 0.25, 0.45]},
                                   {"name": "apart", "arms": [[0.05, 0.2, 0.4], [0.1, 0.3, 0.5]]}, "all-safe"]}}
    s = study_from_dict(two)
    assert s.scenarios[0].truths == ((0.05, 0.25, 0.45),) * 2
    raw = s.task_protocol(s.scenarios[1], {"arm_design.max_total": 12})
    assert raw["arm_design"] == {"mode": "staggered", "max_total": 12}
    assert [a["truth"] for a in raw["arms"]] == [[0.05, 0.2, 0.4], [0.1, 0.3, 0.5]]
    assert not any(t.benchmark for t in tasks(s))  # the benchmark is for one arm


@pytest.mark.parametrize("spec,field,words", [
    ({"scenarioz": []}, "study.scenarioz", 'Did you mean "scenarios"'),
    ({"scenarios": [{"name": "x", "truth": [0.1, 0.2]}]}, "study.scenarios[0].truth", "2 values for 4 doses"),
    ({"scenarios": [{"name": "x", "truth": [0.1, 0.2, 1.5, 0.3]}]}, "study.scenarios[0].truth[2]",
     "not a probability"),
    ({"scenarios": ["all-sa"]}, "study.scenarios[0]", "not a generator"),
    ({"scenarios": [{"mtd_at": 9}]}, "study.scenarios[0].mtd_at", "levels from 1 to 4"),
    ({"scenarios": [{"random": 0}]}, "study.scenarios[0].random", "from 1 to"),
    ({"scenarios": [{"name": "a", "truth": [0.1] * 4}, {"name": "a", "truth": [0.2] * 4}]}, "study.scenarios",
     "used 2 times"),
    ({"designs": ["boin", {"method": "crn"}]}, "study.designs[1].method", 'Did you mean "crm"'),
    ({"designs": ["boin", {"method": "boin", "max_n": -3}]}, "study.designs[1].max_n", "not valid"),
    ({"designs": [{"method": "boin", "label": "X"}, {"method": "crm", "label": "X"}]}, "study.designs", "distinct"),
    ({"vary": {"max_m": [18]}}, "study.vary.max_m", "not an option"),
    ({"vary": {"max_n": [18]}}, "study.vary.max_n", "not an option of any design"),
    ({"designs": ["boin"], "vary": {"max_n": []}}, "study.vary.max_n", "list of values"),
    ({"designs": ["boin"], "vary": {"max_n": [18, 0]}}, "study.vary.max_n[1]", "0: design.max_n"),
    ({"vary": {"arm_design.max_total": [18]}}, "study.vary.arm_design.max_total", "two-arm"),
    ({"designs": ["boin"], "vary": {"target": [0.25, 1.5]}}, "study.vary.target[1]", "outside (0, 1)"),
    ({"seed": -1}, "study.seed", "not a seed"),
])
def test_bad_study_files_name_the_field(spec, field, words):
    found = problems(study(**spec))
    assert field in found, found
    assert words in found[field], found[field]


def test_a_combination_of_values_that_does_not_fit_is_named():
    found = problems(study(designs=["boin"], vary={"max_n": [3, 12], "cohort_size": [1, 6]}))
    assert "max_n = 3, cohort_size = 6" in found["study.vary"] and "cohort" in found["study.vary"]


def test_the_base_protocol_problems_keep_their_paths_and_a_missing_study_is_named():
    assert "truth[1]" in problems({**BASE, "truth": [0.05, 2, 0.25, 0.45], "study": {}})
    assert "study" in problems(dict(BASE))


def test_cli_exits_2_with_field_paths_and_no_traceback(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(study(vary={"max_n": "18"}, scenarios=[{"mtd_at": "all"}])))
    r = subprocess.run([sys.executable, "-m", "explorer.cli", "study", str(path)], capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "study.scenarios[0].mtd_at" in r.stderr and "study.vary.max_n" in r.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{" * 40)
    r = subprocess.run([sys.executable, "-m", "explorer.cli", "study", str(broken)], capture_output=True, text=True)
    assert r.returncode == 2 and "nests" in r.stderr


# ---- cells and seeds -----------------------------------------------------------------------------------------------

def test_a_tasks_seed_depends_on_its_identity_not_on_the_rest_of_the_study():
    small = study_from_dict(study(scenarios=[{"mtd_at": [2]}], vary={"max_n": [24]}, designs=["boin"]))
    large = study_from_dict(study(scenarios=[{"mtd_at": "each"}], vary={"max_n": [18, 24]}, designs=["boin", "crm"]))
    sc = small.scenarios[0]
    assert task_seed(11, sc, {"max_n": 24}) == task_seed(11, large.scenarios[1], {"max_n": 24})
    assert task_seed(11, sc, {"max_n": 24}) != task_seed(11, sc, {"max_n": 18}) != task_seed(12, sc, {"max_n": 18})
    t_small = tasks(small)[0]
    t_large = next(t for t in tasks(large) if t.scenario == "MTD at 2" and t.setting == {"max_n": 24})
    assert t_small.protocol["seed"] == t_large.protocol["seed"]
    assert len(set(t.protocol["seed"] for t in tasks(large))) == len(tasks(large))
    ids = [c for t in tasks(large) for c in t.cells]
    assert len(set(ids)) == len(ids) == 5 * 2 * 3  # designs and the benchmark, in each scenario and setting
    assert [c for t in tasks(large) for c in t.cells] == ids  # stable


def test_a_study_file_is_read_with_the_protocol_caps(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(study(designs=["boin"])))
    assert load_study(path).designs[0].label == "boin"
