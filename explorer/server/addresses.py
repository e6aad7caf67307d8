"""Where the server listens, and what a participant types to reach it."""

from __future__ import annotations

import ipaddress
import socket

import psutil

WILDCARDS = ("0.0.0.0", "::", "")


def check_bind(host: str, port: int) -> str | None:
    """Why (host, port) cannot be listened on, or None if it can."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        return f"--host {host!r} is not an address or name of this machine ({e.strerror})"
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            if e.errno == 98:  # EADDRINUSE
                return f"--port {port}: the port is in use (another server?); choose another, e.g. --port {port + 1}"
            return f"--host {host!r} --port {port}: cannot listen there ({e.strerror})"
    return None


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback (read from its interfaces; nothing is sent)."""
    found = []
    for addrs in psutil.net_if_addrs().values():
        for a in addrs:
            if a.family == socket.AF_INET:
                ip = ipaddress.ip_address(a.address)
                if not ip.is_loopback and not ip.is_link_local:
                    found.append(a.address)
    return sorted(set(found), key=lambda a: (not ipaddress.ip_address(a).is_private, a))


def participant_urls(host: str, port: int) -> list[str]:
    """What people type in their browser: for a wildcard host, one address per network interface."""
    if host in WILDCARDS:
        return [f"http://{a}:{port}/" for a in lan_addresses()] or [f"http://127.0.0.1:{port}/"]
    shown = f"[{host}]" if ":" in host else host
    return [f"http://{shown}:{port}/"]


def is_local_only(host: str) -> bool:
    """Whether only this machine can reach `host` (loopback)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"
