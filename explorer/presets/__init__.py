"""Ready-made scenarios, each an ordinary protocol file (title and description included): the app's Preset menu,
and the examples of the README (examples/ links to these files)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from ..core.protocol import Protocol
from ..core.protocol_file import loads_protocol

#: The presets in menu order; the first opens by default (the two-arm CAR4SAR-like trial that started the project).
ORDER = ("car4sar-two-arm", "car4sar-arm-a", "car4sar-clock", "five-doses", "all-safe", "all-toxic")


def preset_text(key: str) -> str:
    """The protocol file of a preset."""
    return resources.files(__package__).joinpath(f"{key}.json").read_text(encoding="utf-8")


@cache
def preset(key: str) -> Protocol:
    """A preset's protocol, by key."""
    return loads_protocol(preset_text(key), f"preset {key}")


def find_preset(key_or_title: str | None) -> str | None:
    """The key of the preset with this key or title, if any."""
    for key in ORDER:
        if key_or_title in (key, preset(key).title):
            return key
    return None


__all__ = ["ORDER", "find_preset", "preset", "preset_text"]
