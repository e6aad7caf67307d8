"""The notebooks: committed without outputs, and the teaching lesson's code runs against the current app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "explorer" / "notebooks"  # package data: `pip install` ships them


@pytest.mark.parametrize("name", ["explorer.ipynb", "teaching-3plus3-vs-model-based.ipynb", "design-study.ipynb",
                                  "api-car4sar.ipynb"])
def test_committed_without_outputs(name):
    nb = json.loads((NOTEBOOKS / name).read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)


@pytest.mark.parametrize("name", ["explorer.ipynb", "teaching-3plus3-vs-model-based.ipynb", "api-car4sar.ipynb"])
def test_checkout_notebooks_are_links_to_the_packaged_ones(name):
    """notebooks/ (Binder's urlpath voila/render/notebooks/...) holds links, not second copies."""
    link = ROOT / "notebooks" / name
    assert link.is_symlink() and link.resolve() == (NOTEBOOKS / name).resolve()


def test_teaching_lesson_runs(monkeypatch, capsys):
    monkeypatch.chdir(NOTEBOOKS)
    nb = json.loads((NOTEBOOKS / "teaching-3plus3-vs-model-based.ipynb").read_text())
    ns: dict = {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), ns)  # noqa: S102 - our own notebook
    lesson = ns["lesson"]
    assert lesson.views.summary.source.data["design"] == ["3+3", "CRM"]
    assert lesson.protocol.compare[0].options["max_n"] == 18
    assert lesson.views.truth.mtd.data["x"] == [2]
    assert "CRM: P(correct)" in capsys.readouterr().out


def test_explorer_notebook_builds_the_app(monkeypatch):
    monkeypatch.chdir(NOTEBOOKS)
    nb = json.loads((NOTEBOOKS / "explorer.ipynb").read_text())
    ns: dict = {}
    for cell in nb["cells"]:
        exec("".join(cell["source"]), ns)  # noqa: S102
    assert ns["app"].truth.values() == [0.05, 0.12, 0.25, 0.45]


def test_design_study_notebook_runs_the_study_and_draws_the_heat_map(monkeypatch, capsys):
    monkeypatch.chdir(NOTEBOOKS)
    nb = json.loads((NOTEBOOKS / "design-study.ipynb").read_text())
    ns: dict = {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), ns)  # noqa: S102
    summary = ns["result"].summary
    assert summary["designs"] == ["3+3", "boin", "CRM"] and len(summary["scenarios"]) == 9
    assert "| rank | design | mean PCS" in capsys.readouterr().out
    panels = [p for r in ns["heat"].children[1:] if hasattr(r, "children") for p in r.children]
    assert [p.title.text for p in panels][:2] == ["Correct selection (PCS)", "Overdose selection"]
    assert list(panels[0].x_range.factors) == ["3+3", "boin", "CRM", "benchmark"]


def test_api_notebook_runs_simulate_compare_pathways_and_report_on_car4sar(monkeypatch, capsys):
    import explorer

    monkeypatch.chdir(NOTEBOOKS)
    nb = json.loads((NOTEBOOKS / "api-car4sar.ipynb").read_text())
    ns: dict = {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec("".join(cell["source"]), ns)  # noqa: S102
    out = capsys.readouterr().out
    assert "P(correct selection) = 37.9% (exact)" in out
    assert ns["result"].to_dict() == explorer.simulate(ns["protocol"]).to_dict()
    assert [lab for lab in ns["comparison"].labels] == ["3+3", "boin", "crm (max_n = 18)"]
    assert "D0  T1  D1" in out and ns["paths"].cohorts == 2
    assert ns["report"].document.data["simulate"] == ns["result"].to_dict()
    assert "phase1-explorer simulate protocol.json --format md" in out
