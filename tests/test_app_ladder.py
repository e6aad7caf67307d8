"""In-process app tests: ladder, truth helpers, presets and edits made on the truth plot."""

from __future__ import annotations

from explorer.app import ExplorerApp
from explorer.core.scenarios import curve_from_mtd, log_ladder
from explorer.presets import ORDER, preset

ONE_ARM = "car4sar-arm-a"  # the single-arm preset (the app opens on the two-arm one)


def test_more_levels_extend_truth_and_plots():
    app = ExplorerApp(preset=ONE_ARM)
    app.ladder.levels.value = 6
    assert len(app.truth.boxes) == 6
    assert len(app.views.truth.points.data["y"]) == 6
    assert len(app.views.selection.source.data["value"]) == 7  # six doses and "none"
    values = app.truth.values()
    assert values == sorted(values)


def test_log_fill_and_labels():
    app = ExplorerApp(preset=ONE_ARM)
    app.ladder.levels.value = 3
    app.ladder.fill_low.value, app.ladder.fill_high.value = "1e5", "1e7"
    app.ladder.fill.click()
    assert [v.value for v in app.ladder.values] == [1e5, 1e6, 1e7]
    assert app.views.truth.points.data["label"] == ["1e5 cells/kg", "1e6 cells/kg", "1e7 cells/kg"]
    assert log_ladder(1e5, 3e6, 4) == [1e5, 3.1e5, 9.7e5, 3e6]


def test_dose_minus_one_adds_a_level_below_and_keeps_the_start():
    app = ExplorerApp(preset=ONE_ARM)
    app.ladder.add_below.click()
    labels = app.ladder.label_list()
    assert len(labels) == 5 and labels[1] == "1e5 cells/kg"
    assert app.ladder.values[0].value < 1e5
    assert app.truth.values()[0] < app.truth.values()[1]
    assert app.settings.start_dose.value == 2
    assert app.problems == []
    assert app.protocol.arms[0].start_dose == 2


def test_bad_ladder_value_shows_message_next_to_ladder():
    app = ExplorerApp(preset=ONE_ARM)
    app.ladder.values[2].value = 1e4  # below the dose under it
    assert "not above the dose below it" in app.ladder.message.value
    app.ladder.values[2].value = 1e6
    assert app.ladder.message.value == ""


def test_curve_generator_and_random_scenario():
    app = ExplorerApp(preset=ONE_ARM)
    app.truth.mtd_level.value = 2
    app.truth.generate.click()
    assert app.truth.values() == curve_from_mtd(4, 2, 0.25, 1.0)
    assert app.truth.values()[1] == 0.25
    assert list(app.views.truth.mtd.data["x"]) == [2]
    app.truth.random.click()
    r1 = app.truth.values()
    assert r1 == sorted(r1) and all(0 < v < 1 for v in r1)
    assert app.views.truth.points.data["y"] == r1


def test_presets_load_whole_scenarios():
    app = ExplorerApp(preset=ONE_ARM)
    for key in ORDER:
        p = preset(key)
        app.preset.value = key
        assert app.truth.values() == list(p.arms[0].truth)
        assert app.arms.two == (p.arm_design is not None)
        assert app.truth_b.values() == list(p.arms[-1].truth)
        assert app.settings.target.value == p.target
        assert app.views.truth.points.data["label"] == p.arms[0].labels
        assert app.problems == []
        assert app.protocol == p  # the controls hold the preset file's protocol, nothing lost
    app.preset.value = "all-toxic"
    assert app.views.truth.mtd.data["x"] == []


def test_dragging_a_point_in_the_browser_sets_the_truth():
    app = ExplorerApp(preset=ONE_ARM)
    data = dict(app.views.truth.points.data)
    data["y"] = [0.05, 0.4, 0.25, 0.45]
    data["x"] = [1, 2.2, 3, 4]  # a drag moves x too; it is ignored
    app.views.truth.points.data = data
    assert app.truth.values()[1] == 0.4
    assert app.protocol.arms[0].truth[1] == 0.4
    assert app.views.truth.points.data["x"] == [1, 2, 3, 4]
