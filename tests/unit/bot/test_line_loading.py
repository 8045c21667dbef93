"""The loading animation stays under LINE's 100 req/s however many events wait (the fake LINE server fails the
test on a violation): at most 50 starts in any second and a few calls open at once; the rest are skipped. Arrivals
at the server can bunch by the calls still open, so they are bounded by 50 + 8 a second."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

from bot.channels.line import LOADING_IN_FLIGHT, LOADING_PER_SECOND, LineChannel
from tests.fakes.line_server import ACCESS_TOKEN, FakeLine


def test_a_burst_of_loading_calls_is_capped(fake_line: FakeLine) -> None:
    fake_line.latency = 0.05  # calls stay open a little, as they do over the internet

    async def burst() -> None:
        channel = LineChannel(access_token=ACCESS_TOKEN, base_url=fake_line.url)  # type: ignore[attr-defined]
        try:
            await asyncio.gather(*(channel.show_loading(f"U{i}") for i in range(300)))
            first = len(fake_line.loading())
            assert 0 < first <= LOADING_IN_FLIGHT
            for _ in range(20):  # a steady stream for a second: the sliding window holds
                await asyncio.gather(*(channel.show_loading(f"V{i}") for i in range(30)))
                await asyncio.sleep(0.05)
        finally:
            await channel.aclose()

    # Its own thread and loop: the browser tests' Playwright may hold this thread's event loop.
    errors: list[BaseException] = []
    runner = threading.Thread(target=lambda: _run(burst(), errors))
    runner.start()
    runner.join()
    assert errors == []
    times = sorted(c.at for c in fake_line.loading())
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= LOADING_PER_SECOND + LOADING_IN_FLIGHT  # 50 starts a second, plus calls still open: far under 100


def _run(work: Coroutine[Any, Any, None], errors: list[BaseException]) -> None:
    try:
        asyncio.run(work)
    except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
        errors.append(exc)
