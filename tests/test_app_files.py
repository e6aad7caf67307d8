"""In-process app tests: protocol download (loadable by the CLI), CSV download, and uploads."""

from __future__ import annotations

import base64
import json
import re

from explorer.api import simulate as run_protocol
from explorer.app import ExplorerApp
from explorer.core.protocol_file import loads_protocol

ONE_ARM = "car4sar-arm-a"  # the single-arm preset (the app opens on the two-arm one)


def links(app: ExplorerApp) -> dict[str, str]:
    out = {}
    for name, data in re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', app.files.links.value):
        out[name] = base64.b64decode(data).decode()
    return out


def test_downloads_are_the_protocol_and_the_cli_csv(tmp_path):
    app = ExplorerApp(preset=ONE_ARM)
    app.settings.seed.value = 77
    files = links(app)
    proto = files["car4sar-like-arm-a-only-cells-kg-3-3.json"]
    p = loads_protocol(proto)
    assert p.seed == 77 and p.arms[0].truth == (0.05, 0.12, 0.25, 0.45) and p.arms[0].design.method == "3+3"
    assert files["car4sar-like-arm-a-only-cells-kg-3-3-oc.csv"] == run_protocol(p).to_csv()


def test_two_designs_csv_has_a_design_column():
    app = ExplorerApp(preset=ONE_ARM)
    app.designs.checks["a+b"].value = True
    csv = next(v for k, v in links(app).items() if k.endswith(".csv"))
    assert csv.startswith("design,metric,")
    assert '"a+b",selection' in csv


def test_upload_restores_a_session():
    app = ExplorerApp(preset=ONE_ARM)
    text = json.dumps({"title": "Uploaded", "target": 0.3, "truth": [0.1, 0.2, 0.3, 0.4, 0.5],
                       "design": {"method": "a+b", "a": 4}, "trials": 500, "seed": 9, "start_dose": 2})
    app.upload(text.encode(), "mine.json")
    assert app.truth.values() == [0.1, 0.2, 0.3, 0.4, 0.5]
    assert app.ladder.label_list() == ["DL1", "DL2", "DL3", "DL4", "DL5"]
    assert app.settings.target.value == 0.3 and app.settings.start_dose.value == 2
    assert app.designs.picked() == ["a+b"]
    assert app.protocol.arms[0].design.options["a"] == 4
    assert "Opened mine.json" in app.files.message.value
    assert app.preset.value == "" and app.preset.label == "(your own)" and app.title.value == "Uploaded"
    assert len(app.views.selection.source.data["value"]) == 6


def test_bad_upload_shows_the_validator_message_and_changes_nothing():
    app = ExplorerApp(preset=ONE_ARM)
    before = list(app.views.selection.source.data["value"])
    app.upload(b'{"target": 0.25, "truth": [0.1, 1.4], "design": {"method": "3+3"}}', "bad.json")
    assert "bad.json" in app.files.message.value and "truth[1]" in app.files.message.value
    app.upload(b"{not json", "broken.json")
    assert "not valid JSON" in app.files.message.value
    assert list(app.views.selection.source.data["value"]) == before
    assert app.truth.values() == [0.05, 0.12, 0.25, 0.45]


def test_serve_protocol_from_environment(monkeypatch, tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"target": 0.2, "truth": [0.1, 0.2, 0.35], "design": {"method": "3+3"}}))
    monkeypatch.setenv("PHASE1_EXPLORER_PROTOCOL", str(path))
    app = ExplorerApp.from_environment()
    assert app.truth.values() == [0.1, 0.2, 0.35]
    assert app.settings.target.value == 0.2
