"""In-process app tests of the Pathways and Report tabs: the tree's data (from core.pathways, checked by hand for 3+3
and against binomial probabilities), and Reproduce: the command it shows, run on the protocol it shows, gives the
numbers on screen."""

from __future__ import annotations

import asyncio
import html
import io
import json
import re
import shlex
from contextlib import redirect_stdout
from math import comb

import pytest

from explorer import cli
from explorer.app import ExplorerApp


def binomial(m: int, y: int, p: float) -> float:
    return comb(m, y) * p ** y * (1 - p) ** (m - y)


def shown_code(app: ExplorerApp, css: str) -> str:
    """The text of a code block of the Reproduce panel."""
    found = re.search(rf'<pre class="{css}"[^>]*>(.*?)</pre>', app.report_panel.reproduce.value, re.S)
    assert found, css
    return html.unescape(found.group(1))


def run_shown_command(app: ExplorerApp, folder, *extra: str) -> str:
    """Save the protocol shown under the name the command uses, run the command shown there, return its output."""
    command = shlex.split(shown_code(app, "p1x-reproduce-command"))
    assert command[0] == "phase1-explorer"
    (folder / command[2]).write_text(shown_code(app, "p1x-reproduce-json"))
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main([*command[1:2], str(folder / command[2]), *command[3:], *extra]) == 0
    return out.getvalue()


def test_pathways_tab_draws_the_3plus3_tree_of_the_first_cohorts():
    app = ExplorerApp(preset="car4sar-arm-a")
    panel = app.pathways_panel
    panel.cohorts.value = 1
    p = panel.pathways
    rows = p.rows()
    # the 3+3 rule at the lowest dose: 0/3 escalate, 1/3 three more at dose 1, 2 or 3 of 3 stop with no dose
    assert [(r["T1"], r["D1"]) for r in rows] == [(0, 2), (1, 1), (2, "stop"), (3, "stop")]
    assert [r["probability"] for r in rows] == pytest.approx([binomial(3, y, 0.05) for y in range(4)])
    nodes, edges = panel.tree.nodes.data, panel.tree.edges.data
    assert nodes["text"] == ["start → 1", "NNN → 2", "NNT → 1", "NTT → stop (none)", "TTT → stop (none)"]
    assert nodes["action"] == ["start", "escalate", "stay", "stop", "stop"]
    assert nodes["x"] == [0, 1, 1, 1, 1] and len(edges["x0"]) == 4
    assert nodes["y"][0] == pytest.approx(sum(nodes["y"][1:]) / 4)  # the root level with its children's middle
    panel.cohorts.value = 3
    assert len(panel.tree.nodes.data["id"]) == len(panel.pathways.nodes)
    assert sum(r["probability"] for r in panel.pathways.rows()) == pytest.approx(1.0)


def test_pathways_follow_the_arm_picked_and_the_trial_so_far():
    app = ExplorerApp(preset="car4sar-two-arm")
    panel = app.pathways_panel
    panel.cohorts.value = 1
    assert panel.picker.arm.layout.display == ""
    panel.picker.arm.value = 1
    truth_b = app.truth_b.values()[0]
    assert [r["probability"] for r in panel.pathways.rows()] == pytest.approx(
        [binomial(3, y, truth_b) for y in range(4)])
    panel.history.value = "1NNN 2NTN"
    assert panel.pathways.history == "1NNN 2NTN" and panel.pathways.nodes[0].then.dose == 1  # 3 more at dose 2
    panel.history.value = "1NNX"
    assert "p1x-error" in panel.message.value


def test_reproduce_gives_the_exact_numbers_on_screen(tmp_path):
    app = ExplorerApp(preset="car4sar-arm-a")
    assert app.snapshot.finished and app.snapshot.method == "exact"
    shown = app.views.selection.source.data["value"][:4]
    md = run_shown_command(app, tmp_path)
    for v in shown:
        assert f"{100 * v:.1f}%" in md
    d = json.loads(run_shown_command(app, tmp_path, "--format", "json"))
    assert d["selection"] == pytest.approx(shown, abs=1e-12)
    assert d["pcs"] == pytest.approx(app.views.summary.source.data["pcs"][0], abs=1e-12)
    assert "explorer.simulate('car4sar-like-arm-a-only-cells-kg-3-3.json')" in shown_code(app, "p1x-reproduce-python")


def test_reproduce_gives_the_monte_carlo_numbers_on_screen_once_done(tmp_path):
    async def refined():
        app = ExplorerApp(preset="car4sar-arm-a")
        with app.batch():
            app.settings.method.value = "monte-carlo"
            app.settings.trials.value = 2_500
        for _ in range(1000):
            if app.snapshot.finished:
                break
            await asyncio.sleep(0.01)
        return app

    app = asyncio.run(refined())
    assert app.snapshot.finished and app.snapshot.method == "monte-carlo"
    d = json.loads(run_shown_command(app, tmp_path, "--format", "json"))
    assert d["trials"] == 2_500
    assert d["selection"] == pytest.approx(app.views.selection.source.data["value"][:4], abs=1e-12)


def test_two_designs_reproduce_with_compare(tmp_path):
    app = ExplorerApp(preset="car4sar-arm-a")
    app.designs.checks["boin"].value = True
    assert shown_code(app, "p1x-reproduce-command").startswith("phase1-explorer compare ")
    d = json.loads(run_shown_command(app, tmp_path, "--format", "json"))
    screen = app.views.summary.source.data
    assert [x["design"]["method"] for x in d["designs"]] == ["3+3", "boin"] and len(screen["design"]) == 2
    for key in ("pcs", "sample_size", "overdose_selection"):
        assert [x[key] for x in d["designs"]] == pytest.approx(screen[key], abs=1e-12)


def test_download_report_offers_html_and_word():
    app = ExplorerApp(preset="car4sar-arm-a")
    app.report_panel.button.click()
    links = app.report_panel.links.value
    assert 'download="car4sar-like-arm-a-only-cells-kg-3-3-report.html"' in links
    assert 'download="car4sar-like-arm-a-only-cells-kg-3-3-report.docx"' in links
    assert "data:application/vnd.openxmlformats-officedocument.wordprocessingml.document;base64," in links
    assert not app.report_panel.button.disabled
    app.truth.boxes[0].value = 0.1  # a new protocol: the old report is no longer offered
    assert app.report_panel.links.value == ""
