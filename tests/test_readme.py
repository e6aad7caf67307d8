"""The README's Python example runs as written (from the project root, where its example path is)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_python_example_runs(monkeypatch, capsys):
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "the README shows a Python example"
    monkeypatch.chdir(ROOT)
    exec(blocks[0], {})  # noqa: S102 - our own README
    out = capsys.readouterr().out
    assert "P(correct selection) = 37.9% (exact)" in out


def test_the_study_file_shown_is_the_example():
    import json

    text = (ROOT / "README.md").read_text()
    shown = next(b for b in re.findall(r"```json\n(.*?)```", text, re.S) if '"study"' in b)
    assert json.loads(shown) == json.loads((ROOT / "examples" / "study.json").read_text())
