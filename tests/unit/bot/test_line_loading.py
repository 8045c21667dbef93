"""The loading animation stays under LINE's 100 req/s however many events wait (the fake LINE server fails the
test on a violation): at most 50 starts in any second and a few calls open at once; the rest are skipped."""

from __future__ import annotations

import asyncio

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

    asyncio.run(burst())
    times = sorted(c.at for c in fake_line.loading())
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= LOADING_PER_SECOND
