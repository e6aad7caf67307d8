"""In-process tests of the dashboard (issue 14): fair comparisons by default, the per-design pickers, BLRM's prior on
the page, words for people (no option's JSON name in a label, percentages, design names), titles and the Preset
menu following the page, and the dark theme's contrast."""

from __future__ import annotations

import json
import re

import ipywidgets as W
import pytest
from test_app_files import links

from explorer.app import ExplorerApp
from explorer.app.theme import page_css
from explorer.app.views.patients import DEEPER, PALE
from explorer.app.views.style import darker, design_colour
from explorer.app.views.truth import BAND
from explorer.core.arms.spec import ARM_DESIGN_OPTIONS
from explorer.core.clock.spec import TIME_OPTIONS
from explorer.core.designs import design_classes
from explorer.core.rule_table import rule_table

ONE_ARM = "car4sar-arm-a"


@pytest.fixture
def app():
    return ExplorerApp(preset=ONE_ARM)


def tick(app: ExplorerApp, *methods: str) -> None:
    with app.batch():
        for m in methods:
            app.designs.checks[m].value = True


# ---- fair comparison -----------------------------------------------------------------------------------------
def test_compared_designs_share_the_first_designs_sample_size_by_default(app):
    tick(app, "boin", "crm")
    three = app.protocol.build_designs()[0]
    assert three.max_n == 24  # 3+3 on four doses: at most 6 per dose
    assert [d.options["max_n"] for d in app.protocol.compare] == [24, 24]
    summary = app.views.summary.source.data
    assert summary["design"] == ["3+3", "BOIN", "CRM"] and summary["max_n"] == [24, 24, 24]
    assert "at most 24 patients" in app.notes.widget.value and "differ" not in app.notes.widget.value
    assert "24, as 3+3" == app.designs.shared.text.placeholder
    # the mean sample size sits next to the PCS, in the table's second and third columns
    assert re.search(r"<th>BOIN</th><td>[\d.]+%</td><td>24\.0 \(24\)</td>", app.views.summary.widget.value)


def test_one_sample_size_for_every_design_unless_one_is_set_apart(app):
    tick(app, "boin", "crm")
    app.designs.shared.text.value = "18"
    assert [d.options["max_n"] for d in app.protocol.compare] == [18, 18]
    boin = {f.option.name: f for f in app.designs.forms["boin"].fields}
    boin["max_n"].widget.value = 30  # BOIN set apart
    assert [d.options["max_n"] for d in app.protocol.compare] == [30, 18]
    note = app.notes.widget.value
    assert "different numbers of patients" in note and "BOIN 30" in note and "CRM 18" in note and "3+3 24" in note
    app.designs.shared.text.value = "21"  # BOIN keeps its own; CRM follows
    assert [d.options["max_n"] for d in app.protocol.compare] == [30, 21]
    app.designs.shared.text.value = "many"
    assert "is not a sample size" in app.designs.message.value
    app.designs.shared.text.value = ""  # back to the first design's maximum
    assert app.designs.message.value == "" and [d.options["max_n"] for d in app.protocol.compare] == [30, 24]


def test_a_file_with_different_sample_sizes_keeps_them():
    app = ExplorerApp(preset=ONE_ARM)
    text = json.dumps({"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "boin", "max_n": 36},
                       "compare": [{"method": "crm", "max_n": 18}, {"method": "3+3"}]})
    app.upload(text.encode(), "mine.json")
    assert app.designs.shared.text.value == "36"
    assert {d.method: d.options.get("max_n") for d in (app.protocol.arms[0].design, *app.protocol.compare)} == \
        {"3+3": {}.get("max_n"), "boin": 36, "crm": 18}
    assert "different numbers of patients" in app.notes.widget.value


# ---- per-design panels ----------------------------------------------------------------------------------------
def test_each_panel_follows_its_own_design_picker(app):
    tick(app, "boin", "crm")
    panels = app.panels
    assert [label for label, _ in panels.table_picker.design.options] == ["3+3", "BOIN", "CRM"]
    assert "0 of 3" in app.decision_view.body.value  # 3+3's classic table first
    panels.table_picker.pick("BOIN")
    assert "BOIN" in app.decision_view.title.value and "Escalate if # of DLT" in app.decision_view.body.value
    panels.table_picker.pick("CRM")
    assert "No decision table" in app.decision_view.body.value
    panels.trial_picker.pick("CRM")
    assert app.walkthrough.one.fig.title.text.startswith("One simulated CRM trial")
    assert "CRM" in app.decision_view.title.value  # the pickers are independent
    app.truth.boxes[0].value = 0.06  # a recompute keeps what each picker shows
    assert panels.table_picker.design.label == "CRM" and panels.trial_picker.design.label == "CRM"
    app.designs.checks["crm"].value = False  # a design no longer ticked: back to the first
    assert panels.table_picker.design.label == "3+3" and "0 of 3" in app.decision_view.body.value


def test_the_classic_table_on_the_page_is_the_rule_tables(app):
    body = app.decision_view.body.value
    design = app.protocol.build_designs()[0]
    for situation, decision in rule_table(design).lines()[1:]:
        assert situation in body and decision in body
    assert "At the lowest dose" in body


# ---- BLRM's prior ---------------------------------------------------------------------------------------------
def test_the_blrm_prior_summary_is_shown_when_blrm_is_ticked(app):
    assert "prior" not in app.notes.widget.value
    tick(app, "blrm")
    blrm = app.protocol.arms[0].build_design(app.protocol.target, app.protocol.compare[0])
    summary = blrm.prior_summary(list(app.protocol.arms[0].labels))
    note = app.notes.widget.value
    assert "BLRM with EWOC prior" in note and summary.text.split(":")[0] in note
    assert summary.start_admissible and "⚠" not in note.split("BLRM with EWOC prior")[0][-60:]
    assert "EWOC admits the start dose" in note


def test_a_prior_that_makes_the_start_dose_inadmissible_says_so(app):
    tick(app, "blrm")
    app.settings.start_dose.value = 2  # default prior: P(overdose) at 3e5 cells/kg is 35% > 25%
    note = app.notes.widget.value
    assert "⚠ <b>BLRM with EWOC prior</b>" in note and "inadmissible" in note and "p1x-warn p1x-prior" in note


# ---- words for people -----------------------------------------------------------------------------------------
RAW = {o.name for c in design_classes().values() for o in c.options} | {o.name for o in ARM_DESIGN_OPTIONS} | \
    {o.name for o in TIME_OPTIONS} | \
    {c for o in ARM_DESIGN_OPTIONS for c in o.choices if "_" in c} | \
    {c for cls in design_classes().values() for o in cls.options for c in o.choices if "_" in c}


def visible_labels(widget: W.Widget) -> list[str]:
    """Every description, option label, section and tab title in a widget tree."""
    out: list[str] = []
    if getattr(widget, "description", None):
        out.append(widget.description)
    if isinstance(widget, (W.Dropdown, W.ToggleButtons, W.RadioButtons)):
        out += [label for label, _ in widget.options] if widget.options and isinstance(widget.options[0], tuple) \
            else [str(o) for o in widget.options]
    if isinstance(widget, (W.Accordion, W.Tab)):
        out += [t for t in widget.titles if t]
    for child in getattr(widget, "children", ()):
        out += visible_labels(child)
    return out


def test_no_raw_option_name_in_any_visible_label():
    app = ExplorerApp()  # two arms: the arm design's options are on the page too
    app.settings.trials.value = 300  # the labels, not the numbers, are tested
    tick(app, *design_classes())
    app.clock.on.value = True  # and the clock's, with its tabs
    labels = visible_labels(app.widget)
    for content in app.layout.tab_contents:  # tabs not opened yet are filled when first shown
        labels += visible_labels(content)
    for form in app.designs.forms.values():
        labels += visible_labels(form.widget)
    assert len(labels) > 80
    assert not RAW & set(labels), RAW & set(labels)
    assert not [label for label in labels if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", label)]
    for form in app.designs.forms.values():  # each option's label is its declared one, its tooltip its help
        for f in form.fields:
            assert f.widget.description == f.option.label and f.option.help.split(";")[0] in f.widget.tooltip
    assert {label for label, _ in app.arms.fields[3].widget.options} == {"Arm B first", "alternately", "Arm A first",
                                                                          "at random"}


def test_probabilities_are_percentages_and_designs_have_their_names(app):
    tick(app, "boin", "crm")
    cells = re.findall(r"<td>([^<]*)</td>", app.views.summary.widget.value)
    pcs = [c for c in cells if c.endswith("%")]
    assert len(pcs) == 3 * 5  # PCS, acceptable, overdose chosen, patients above MTD, no dose chosen
    assert not [c for c in cells if re.fullmatch(r"0\.\d+", c)]
    assert set(app.views.selection.source.data["design"]) == {"3+3", "BOIN", "CRM"}
    assert "Showing 3+3, BOIN, CRM" in app.status.text.value
    assert app.views.selection.fig.yaxis[0].formatter.format == "0%"
    assert re.search(r"<td>[\d.]+%</td>", app.next_view.table.value)


def test_every_metric_column_has_a_tooltip_and_acceptable_explains_correct(app):
    heads = re.findall(r'<th title="([^"]+)">([^<]+)</th>', app.views.summary.widget.value)
    assert [h for _, h in heads] == ["Design", "Correct MTD", "Mean patients (max)", "Acceptable dose",
                                     "Overdose chosen", "Patients above MTD", "No dose chosen"]
    assert "Computed" not in app.views.summary.widget.value  # every row exact: the status line says so
    tips = dict((h, t) for t, h in heads)
    assert "closest to the target" in tips["Correct MTD"]
    assert "correct selection can be higher than acceptable selection" in tips["Acceptable dose"]


def test_a_tab_gets_its_content_and_its_plots_current_state_when_first_shown(app):
    tabs, layout = app.layout.tabs, app.layout
    assert tabs.children[0].children == (layout.tab_contents[0],)
    assert not any(box.children for box in tabs.children[1:])  # the browser draws no tab nobody opened
    app.truth.boxes[3].value = 0.9  # while the sample size plot is off the page
    built = str(layout.bokeh["sample_size"].render_bundle["docs_json"])
    p_mode = repr(max(app.views.sample_size.points.data["p"]))[:10]  # P(the commonest sample size)
    assert p_mode not in built
    tabs.selected_index = list(tabs.titles).index("Sample size")
    assert tabs.children[tabs.selected_index].children == (layout.tab_contents[tabs.selected_index],)
    assert p_mode in str(layout.bokeh["sample_size"].render_bundle["docs_json"])


def test_the_upload_button_has_no_counter():
    app = ExplorerApp(preset=ONE_ARM)
    assert app.files.upload.description == ""  # ipywidgets would show "… (0)"
    assert "p1x-upload::after{content:'Open protocol…'" in page_css("light")


# ---- titles, file names and the Preset menu ---------------------------------------------------------------
def test_the_title_and_the_file_names_follow_the_designs(app):
    assert app.title.value == "CAR4SAR-like, Arm A only (cells/kg, 3+3)"
    tick(app, "boin")
    assert app.title.value == "CAR4SAR-like, Arm A only (cells/kg, 3+3 vs BOIN)"
    app.designs.checks["3+3"].value = False
    assert app.title.value == "CAR4SAR-like, Arm A only (cells/kg, BOIN)"
    files = links(app)
    assert "car4sar-like-arm-a-only-cells-kg-boin.json" in files
    assert json.loads(files["car4sar-like-arm-a-only-cells-kg-boin.json"])["design"]["method"] == "boin"
    app.title.value = "My trial"  # typed: it stays
    app.designs.checks["crm"].value = True
    assert app.title.value == "My trial" and "my-trial.json" in links(app)


def test_the_preset_menu_says_your_own_once_a_control_changes(app):
    assert app.preset.value == ONE_ARM
    app.title.value = "Renamed"  # the title alone does not change the scenario
    assert app.preset.value == ONE_ARM
    app.truth.boxes[1].value = 0.2
    assert app.preset.value == "" and app.preset.label == "(your own)"
    app.preset.value = ONE_ARM  # picking it again restores it
    assert app.truth.values()[1] == 0.12 and app.preset.label.startswith("CAR4SAR-like, Arm A")


# ---- dark theme ----------------------------------------------------------------------------------------------
def luminance(colour: str) -> float:
    def f(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)


def over(colour: str, background: str, alpha: float) -> str:
    return "#" + "".join(f"{round(int(colour[i:i + 2], 16) * alpha + int(background[i:i + 2], 16) * (1 - alpha)):02x}"
                         for i in (1, 3, 5))


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme, background", [("light", "#ffffff"), ("dark", "#20262b")])
def test_dlt_bars_are_the_deeper_ones_and_the_band_stands_out(theme, background):
    dark = theme == "dark"
    for j in range(3):
        c = design_colour(j)
        patients, dlts = over(c, background, PALE[dark]), darker(c, DEEPER) if dark else c
        assert luminance(dlts) < luminance(patients) and contrast(dlts, patients) > 1.8
    colour, alpha = BAND[dark]
    assert contrast(over(colour, background, alpha), background) >= 1.4
    app = ExplorerApp(theme=theme, preset=ONE_ARM)
    data = app.views.patients.source.data
    assert data["deep"] == ([darker(c, DEEPER) for c in data["colour"]] if dark else data["colour"])
