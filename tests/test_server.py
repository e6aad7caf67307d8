"""`serve` without a browser: its options (bad ones are exit 2 with a message), the addresses it prints, the order
in which it builds kernels, and what each command imports (`designs` and `--help` start without SciPy or the app)."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys

import pytest

from explorer.cli import main
from explorer.server import DEFAULT_POOL, ServeOptions, problems
from explorer.server.addresses import is_local_only, participant_urls
from explorer.server.heating import HeatQueue, ServerStopping


@pytest.mark.parametrize(("argv", "says"), [
    (["--port", "0"], "--port 0: a port is a whole number from 1 to 65535"),
    (["--port", "70000"], "--port 70000"),
    (["--pool", "-1"], "--pool -1: the number of preheated kernels is 0 or more"),
    (["--cull-idle", "-5"], "--cull-idle -5: seconds, 0 (never cull) or more"),
    (["--host", "no-such-host.invalid"], "--host 'no-such-host.invalid' is not an address or name of this machine"),
])
def test_bad_options_exit_2_with_a_message(argv, says, capsys):
    assert main(["serve", "--no-browser", *argv]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_a_port_in_use_is_named():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        found = problems(ServeOptions(port=port))
    assert found == [f"--port {port}: the port is in use (another server?); choose another, e.g. --port {port + 1}"]


def test_a_bad_protocol_file_is_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"truth": [0.1, 1.4], "target": 0.25, "design": {"method": "3+3"}}))
    assert main(["serve", "--no-browser", str(bad)]) == 2
    assert "truth[1]" in capsys.readouterr().err


def test_defaults_fit_a_room():
    opts = ServeOptions()
    assert (opts.host, opts.port, opts.pool) == ("127.0.0.1", 8866, DEFAULT_POOL) and DEFAULT_POOL >= 10
    assert opts.cull_idle >= 15 * 60  # a coffee break keeps a participant's session


def test_what_participants_type(monkeypatch):
    from explorer.server import addresses

    monkeypatch.setattr(addresses, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.5"])
    assert participant_urls("0.0.0.0", 8866) == ["http://192.168.1.20:8866/", "http://10.0.0.5:8866/"]
    assert participant_urls("127.0.0.1", 9000) == ["http://127.0.0.1:9000/"]
    monkeypatch.setattr(addresses, "lan_addresses", lambda: [])
    assert participant_urls("0.0.0.0", 8866) == ["http://127.0.0.1:8866/"]  # no network: this machine only
    assert is_local_only("127.0.0.1") and is_local_only("localhost") and not is_local_only("0.0.0.0")


def test_heat_queue_builds_claimed_kernels_first_in_order_then_refills_one_at_a_time():
    heat = HeatQueue(claimed_limit=2, refill_limit=1, quiet=0.0)
    claimed: set[str] = set()
    order: list[str] = []
    most = [0]

    async def build(name: str, seconds: float = 0.1) -> None:
        await heat.turn(lambda: name in claimed)
        order.append(name)
        most[0] = max(most[0], heat.building)
        await asyncio.sleep(seconds)
        heat.done()

    async def room():
        refills = [asyncio.create_task(build(f"refill{i}")) for i in range(3)]
        await asyncio.sleep(0.02)
        assert order == ["refill0"]  # refills go one at a time
        claimed.update({"refill1", "refill2"})  # two pages took pending pool kernels
        await asyncio.gather(*refills)

    asyncio.run(room())
    # refill0 started alone (one refill at a time); once pages claimed 1 and 2, refill1 went beside it (two
    # builds for waiting pages), refill2 when a build was over.
    assert order == ["refill0", "refill1", "refill2"]
    assert most[0] == 2


def test_heat_queue_waits_for_a_quiet_room_and_stops():
    heat = HeatQueue(claimed_limit=2, quiet=0.3)

    async def main_():
        heat.page_came()
        task = asyncio.create_task(heat.turn(lambda: False))
        await asyncio.sleep(0.15)
        assert not task.done()  # a page came 0.15 s ago: no refill yet
        await asyncio.wait_for(task, 2)
        heat.done()
        heat.stop()
        with pytest.raises(ServerStopping):
            await heat.turn(lambda: True)

    asyncio.run(main_())


@pytest.mark.parametrize("argv", [["designs"], ["simulate", "--help"], ["serve", "--help"]])
def test_commands_import_only_what_they_use(argv):
    code = ("import sys\nfrom explorer.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'bokeh', 'ipywidgets', 'voila', "
            "'jupyter_server', 'tornado'})\nprint('HEAVY', heavy, file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in out.stderr
