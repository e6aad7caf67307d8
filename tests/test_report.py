"""`phase1-explorer report` and explorer.report: the CAR4SAR examples (one and two arms) in HTML, Markdown and Word;
the Word OC tables hold `simulate`'s numbers; the design text gives the published BOIN boundaries; bad input: exit 2."""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import explorer
from explorer import cli
from explorer.statistical_section import content

docx = pytest.importorskip("docx", reason="the report extra is installed by make install")  # make test installs it

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ["car4sar-arm-a.json", "car4sar-two-arm.json"]


@pytest.fixture(scope="module", params=EXAMPLES)
def example(request, tmp_path_factory):
    """A report written by the command line in the three formats, and `simulate`'s JSON for the same protocol."""
    out = tmp_path_factory.mktemp("report")
    path = ROOT / "examples" / request.param
    files = {}
    for ext in ("html", "md", "docx"):
        files[ext] = out / f"report.{ext}"
        assert cli.main(["report", str(path), "--out", str(files[ext])]) == 0
    return request.param, files, explorer.simulate(path).to_dict()


def oc_tables(document) -> list:
    """The Word tables of OCs by dose (header: level, dose, true P(DLT), P(select as MTD), ...), in order."""
    return [t for t in document.tables if [c.text for c in t.rows[0].cells][:4] ==
            ["level", "dose", "true P(DLT)", "P(select as MTD)"]]


def test_the_docx_opens_and_its_oc_tables_hold_simulates_numbers(example):
    name, files, result = example
    document = docx.Document(io.BytesIO(files["docx"].read_bytes()))
    arms = result["arms"] if "arms" in result else [result]
    tables = oc_tables(document)
    assert len(tables) == len(arms)
    for table, arm in zip(tables, arms):
        head = [c.text for c in table.rows[0].cells]
        col = {h: j for j, h in enumerate(head)}
        cells = [[c.text for c in row.cells] for row in table.rows[1:]]
        K = len(arm["doses"])
        for k in range(K):
            row = cells[k]
            assert row[col["level"]] == str(k + 1) and row[col["dose"]].startswith(arm["doses"][k])
            assert float(row[col["true P(DLT)"]]) == pytest.approx(arm["truth"][k], abs=0.005)
            shown = float(row[col["P(select as MTD)"]].rstrip("%")) / 100
            assert shown == pytest.approx(arm["selection"][k], abs=0.0005 + 1e-12)
            assert f"{100 * arm['selection'][k]:.1f}%" == row[col["P(select as MTD)"]]
            assert float(row[col["mean patients"]]) == pytest.approx(arm["patients"][k], abs=0.005 + 1e-12)
            assert float(row[col["mean DLTs"]]) == pytest.approx(arm["dlts"][k], abs=0.005 + 1e-12)
            assert ("(true MTD)" in row[col["dose"]]) == (arm["true_mtd"] == k + 1)
        assert cells[K][col["P(select as MTD)"]] == f"{100 * arm['no_selection']:.1f}%"
        assert cells[K + 1][col["mean patients"]] == f"{arm['sample_size']:.2f}"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Dose escalation follows the 3+3 design" in text and "Storer BE" in text
    assert len(document.inline_shapes) >= 3  # selection, patients and DLTs, sample size


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sources: list[str] = []
        self.tables: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.sources += [v for k, v in attrs if k in ("src", "href") and v]
        if tag == "table":
            self.tables.append(a.get("data-key", ""))


def test_the_html_stands_alone_with_every_table_and_figure(example):
    name, files, result = example
    page = _Page()
    page.feed(files["html"].read_text())
    assert page.sources and all(s.startswith("data:image/svg+xml;base64,") for s in page.sources)
    two = "arms" in result
    assert ("oc-arm-1" in page.tables and "oc-arm-2" in page.tables and "joint" in page.tables) if two else \
        "oc" in page.tables
    assert "rules-3+3" in page.tables and "pathways-1" in page.tables
    html = files["html"].read_text()
    assert "phase1-explorer version " + explorer.__version__ in html
    assert f"phase1-explorer simulate {ROOT / 'examples' / name} --format md" in html


def test_the_markdown_has_the_tables_the_figures_and_the_protocol(example):
    name, files, result = example
    md = files["md"].read_text()
    arms = result["arms"] if "arms" in result else [result]
    for arm in arms:
        for k, label in enumerate(arm["doses"]):
            assert f"| {k + 1} | {label}" in md and f"{100 * arm['selection'][k]:.1f}%" in md
    assert md.count("](data:image/png;base64,") >= 3
    shown = re.search(r"```json\n(.*?)```", md, re.S).group(1)
    assert explorer.loads_protocol(shown) == explorer.load_protocol(ROOT / "examples" / name)


def test_monte_carlo_reports_hold_the_numbers_of_simulate_for_the_same_seed(tmp_path):
    protocol = {"target": 0.3, "truth": [0.1, 0.2, 0.3, 0.45, 0.6], "design": {"method": "boin", "max_n": 15},
                "method": "monte-carlo", "trials": 700, "seed": 11}
    report = explorer.report(protocol, out=tmp_path / "r.docx")
    fresh = explorer.simulate(protocol).to_dict()
    assert fresh["method"] == "monte-carlo"
    table = oc_tables(docx.Document(str(tmp_path / "r.docx")))[0]
    shown = [row.cells[3].text for row in table.rows[1:6]]
    assert shown == [f"{100 * v:.1f}%" for v in fresh["selection"]]
    se = [row.cells[4].text for row in table.rows[1:6]]
    assert se == [f"{100 * v:.1f}" for v in fresh["stderr"]["selection"]]
    assert report.document.data["simulate"]["selection"] == fresh["selection"]
    assert "Monte Carlo, 700 trials, seed 11" in report.to_markdown()


def test_boin_text_gives_the_published_boundaries():
    """Liu & Yuan 2015 (and BOIN's get.boundary) for a target of 0.25 with the default φ1, φ2: λe = 0.197,
    λd = 0.298."""
    p = explorer.load_protocol(ROOT / "examples" / "car4sar-arm-a.json").with_changes(design={"method": "boin"})
    text = " ".join(content.design_text.design_paragraphs(p, p.arms[0], p.arms[0].design))
    lam = [float(v) for v in re.findall(r"boundary λ[ed] = (0\.\d+)", text)]
    assert lam == pytest.approx([0.197, 0.298], abs=0.0006)
    assert "isotonic regression" in text and "0.95" in text


@pytest.mark.parametrize("method", ["crm", "blrm", "mtpi2", "i3+3", "a+b", "rolling-six", "tite-crm"])
def test_every_design_has_its_paragraph_and_references(method):
    p = explorer.load_protocol(ROOT / "examples" / "car4sar-arm-a.json").with_changes(design={"method": method})
    text = " ".join(content.design_text.design_paragraphs(p, p.arms[0], p.arms[0].design))
    assert "Stopping" in text or "stops" in text
    assert "MTD" in text
    assert content.references.for_method(method)


def test_a_study_adds_every_scenario(tmp_path):
    study = {"study": {"scenarios": [{"mtd_at": [1, 3]}], "designs": ["3+3", {"method": "boin", "max_n": 12}]}}
    path = tmp_path / "study.json"
    path.write_text(json.dumps(study))
    report = explorer.report(ROOT / "examples" / "car4sar-arm-a.json", study=path)
    keys = [t.key for t in report.document.tables()]
    assert "study-summary" in keys and keys.count("study-1") == 1 and "study-2" in keys
    md = report.to_markdown()
    assert "Scenario MTD at 1" in md and "boin (max_n = 12): P(select)" in md
    assert f"--study {path}" in md


def test_the_api_gives_pathways_by_arm_name():
    p = explorer.pathways(ROOT / "examples" / "car4sar-two-arm.json", arm="B", cohorts=1)
    assert [r["T1"] for r in p.rows()] == [0, 1, 2, 3]
    assert p.nodes[1].probability == pytest.approx(0.92 ** 3)  # Arm B's truth at dose 1 is 0.08
    with pytest.raises(explorer.api.ProtocolError, match="is not an arm"):
        explorer.pathways(ROOT / "examples" / "car4sar-two-arm.json", arm="C")


def test_import_explorer_gives_the_documented_calls():
    for name in ("simulate", "compare", "study", "pathways", "report", "load_protocol"):
        f = getattr(explorer, name)
        assert f.__doc__ and f.__annotations__, name


# ---- bad input: exit 2, a message, no traceback -------------------------------------------------------------------
def test_bad_protocol_exits_2_with_the_field(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"target": 0.25, "truth": [0.1, 1.2], "design": {"method": "3+3"}}))
    assert cli.main(["report", str(bad), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "truth[1]: 1.2 is outside [0, 1]" in err and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()


def test_unknown_extension_exits_2(tmp_path, capsys):
    assert cli.main(["report", str(ROOT / "examples" / "car4sar-arm-a.json"), "--out", str(tmp_path / "r.pdf")]) == 2
    assert "end it in .html, .md or .docx" in capsys.readouterr().err


def test_missing_extra_exits_2_naming_it(tmp_path, capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "docx" else real(name, *a))
    assert cli.main(["report", str(ROOT / "examples" / "car4sar-arm-a.json"), "--out", str(tmp_path / "r.docx")]) == 2
    err = capsys.readouterr().err
    assert "python-docx" in err and "pip install 'phase1-explorer[report]'" in err


def test_bad_study_exits_2_with_its_field(tmp_path, capsys):
    study = tmp_path / "study.json"
    study.write_text(json.dumps({"study": {"scenarios": [{"name": "x", "truth": [0.1, 0.2]}]}}))
    assert cli.main(["report", str(ROOT / "examples" / "car4sar-arm-a.json"), "--study", str(study), "--out",
                     str(tmp_path / "r.md")]) == 2
    err = capsys.readouterr().err
    assert f"{study} cannot be used with" in err and "study.scenarios[0].truth" in err
