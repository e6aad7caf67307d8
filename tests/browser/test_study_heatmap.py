"""End-to-end: a study's heat map opens in Chromium with no network and draws every design × scenario cell."""

from __future__ import annotations

import pytest

import explorer

pytestmark = pytest.mark.browser

STUDY = {"title": "Heat map", "target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "3+3"},
         "study": {"scenarios": [{"mtd_at": "each"}], "designs": ["3+3", {"method": "boin", "max_n": 12}]}}


def test_the_heat_map_draws_offline(page, tmp_path):
    result = explorer.study(STUDY)
    path = tmp_path / "heat.html"
    result.heatmap(path)
    requests: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def refuse(route):  # nothing but the file itself may load
        requests.append(route.request.url)
        route.abort() if not route.request.url.startswith("file:") else route.continue_()

    page.route("**/*", refuse)
    page.goto(path.as_uri())
    page.wait_for_function("window.Bokeh && Bokeh.documents.length > 0 && Object.keys(Bokeh.index).length > 0",
                           timeout=30_000)
    canvases = page.evaluate("""() => { let n = 0; const walk = (root) => {
        for (const el of root.querySelectorAll('*')) { if (el.tagName === 'CANVAS') n++; if (el.shadowRoot)
        walk(el.shadowRoot); } }; walk(document); return n; }""")
    assert canvases >= 2
    cells = page.evaluate("""() => {
        const out = [];
        for (const doc of Bokeh.documents)
            for (const m of doc._all_models.values())
                if (m.type === 'ColumnDataSource' && m.data.scenario) out.push([m.data.design, m.data.scenario]);
        return out; }""")
    assert errors == [] and all(u.startswith("file:") for u in requests)
    assert len(cells) == 2  # PCS and overdose panels
    designs, scenarios = cells[0]
    assert sorted(set(designs)) == ["3+3", "benchmark", "boin (max_n = 12)"]
    assert set(scenarios) == {"MTD at 1", "MTD at 2", "MTD at 3", "MTD at 4", "no MTD"}
