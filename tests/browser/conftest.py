"""Fixtures for browser tests: one Voila server per session on a free port, and a fresh Chromium page per test."""

from __future__ import annotations

import pytest

from .helpers import CHROMIUM, free_port, launch, start_serve, stop


@pytest.fixture(scope="session")
def voila_url():
    """Base URL of a `phase1-explorer serve` (stopped at the end of the session)."""
    port = free_port()
    proc = start_serve(port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright (per module: Playwright's sync API keeps an asyncio loop
    running while it is open, which would make in-process app tests run refinement as never-awaited tasks)."""
    import os

    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (browser tests must run, not skip)")
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A new page at a projector-like size."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    pg = context.new_page()
    yield pg
    context.close()
