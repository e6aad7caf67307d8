"""In-process app tests: the single-trial view, progressive refinement and stale-work cancellation."""

from __future__ import annotations

import asyncio
import json

import numpy as np

from explorer.api import simulate as run_protocol
from explorer.app import ExplorerApp
from explorer.core.pipeline import stream
from explorer.core.validation import protocol_from_dict

ONE_ARM = "car4sar-arm-a"  # the single-arm preset (the app opens on the two-arm one)


def test_single_trial_view_matches_its_outcome_string():
    app = ExplorerApp(preset=ONE_ARM)
    data = app.walkthrough.one.patients.data
    outcome = app.walkthrough.outcome.value.split("<code>")[1].split("</code>")[0]
    assert sum(len(c) - len(c.lstrip("0123456789")) > 0 for c in outcome.split()) == len(outcome.split())
    n_patients = sum(len(c.lstrip("0123456789")) for c in outcome.split())
    assert len(data["patient"]) == n_patients
    assert data["marker"].count("x") == outcome.count("T")
    first = outcome
    seen = {first}
    for _ in range(5):
        app.walkthrough.another.click()
        seen.add(app.walkthrough.outcome.value)
    assert len(seen) > 2


def test_progressive_chunks_end_at_the_cli_result():
    p = protocol_from_dict({"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "3+3"},
                            "trials": 2500, "seed": 5, "method": "monte-carlo"})
    snaps = list(stream(p, first=300, chunk=1000, every=0))
    assert [s.done for s in snaps] == [300, 1300, 2300, 2500]
    np.testing.assert_allclose(snaps[-1].ocs[0].arms[0].selection, run_protocol(p).oc.selection, atol=1e-12)
    throttled = list(stream(p, first=300, chunk=1000, every=60))
    assert [s.ocs is not None for s in throttled] == [True, False, False, True]
    np.testing.assert_allclose(throttled[-1].ocs[0].arms[0].selection, snaps[-1].ocs[0].arms[0].selection, atol=1e-12)


def test_refinement_runs_as_a_task_and_a_new_change_cancels_it():
    async def scenario():
        app = ExplorerApp(preset=ONE_ARM)
        app.settings.method.value = "monte-carlo"
        app.settings.trials.value = 20_000
        first = app.snapshot
        assert first.done == 300 and not first.finished
        assert app.refinement.task is not None
        await asyncio.sleep(0.01)
        stale = app.refinement.task
        app.truth.boxes[0].value = 0.1  # stale: the running refinement must stop
        assert app.refinement.task is not stale
        await asyncio.sleep(0)
        assert stale.done()
        for _ in range(400):
            if app.snapshot.finished:
                break
            await asyncio.sleep(0.01)
        assert app.snapshot.finished and app.snapshot.done == 20_000
        assert app.protocol.arms[0].truth[0] == 0.1
        return app

    app = asyncio.run(scenario())
    expected = run_protocol(protocol_from_dict(json.loads(app.protocol.to_json()))).oc
    np.testing.assert_allclose(app.views.selection.source.data["value"][:4], expected.selection, atol=1e-12)
