"""Webhook and turn figures: madoguchi vs a bare echo bot (line-bot-sdk fastapi-echo), one run, one fake LINE.

    python bench/webhook.py [--users 50] [--messages 20]

Both bots run as subprocesses (uvicorn, one process each) against the same fake LINE server, which runs in this
process and timestamps every accepted reply. Two phases per bot:
  ack:  USERS concurrent clients post MESSAGES signed webhooks each, back to back → ack p50/p99, events/s
  turn: USERS concurrent people send a message and wait for its answer before the next → turn p50/p99, turns/s
The echo bot answers inside the webhook request (the official pattern); madoguchi stores, acks, then answers from
its worker. Ratios are madoguchi / echo (latency: lower is better; throughput: higher is better).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fakes import line_events, postgres  # noqa: E402
from tests.fakes.line_server import ACCESS_TOKEN, CHANNEL_SECRET, Call, FakeLine  # noqa: E402
from tests.fakes.server import ThreadedServer, free_port  # noqa: E402


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


class Waiter:
    """Futures resolved when the fake LINE server accepts the reply for a token (called from its thread)."""

    def __init__(self, fake: FakeLine, loop: asyncio.AbstractEventLoop) -> None:
        self.loop, self.pending, self.done_at = loop, {}, {}
        fake.on_delivery = self._seen

    def _seen(self, call: Call) -> None:
        if call.reply_token:
            self.done_at[call.reply_token] = call.at
            fut = self.pending.pop(call.reply_token, None)
            if fut is not None:
                self.loop.call_soon_threadsafe(lambda f=fut, t=call.at: f.done() or f.set_result(t))

    def expect(self, token: str) -> asyncio.Future[float]:
        fut: asyncio.Future[float] = self.loop.create_future()
        self.pending[token] = fut
        return fut


@contextmanager
def bot_process(kind: str, fake_url: str, db_url: str | None, workers: int = 0) -> Iterator[str]:
    """The bot on a free port; `workers` > 0 runs `serve` without its embedded worker plus that many workers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")} | {
        "PYTHONPATH": str(REPO), "LINE_CHANNEL_SECRET": CHANNEL_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": fake_url, "MADOGUCHI_LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "MADOGUCHI_LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "MADOGUCHI_LINE_API_BASE_URL": fake_url,
        "MADOGUCHI_DATABASE_URL": db_url or "", "MADOGUCHI_POLL_INTERVAL_SECONDS": "0.05",
        "MADOGUCHI_EMBEDDED_WORKER": "false" if workers else "true",
    }
    if kind == "echo":
        args, path = [sys.executable, str(REPO / "bench" / "echo_bot.py"), str(port)], "/callback"
    else:
        subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=env, check=True, capture_output=True)
        args, path = [sys.executable, "-m", "bot", "serve", "--port", str(port)], "/webhooks/line"
    procs = [subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    procs += [
        subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    proc = procs[0]
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{kind} bot did not start") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(15)


def signed_event(fake: FakeLine, user: str, text: str) -> tuple[bytes, dict[str, str], str]:
    token = fake.issue_token(user)
    raw = line_events.body(line_events.event("text", user, token=token, message__text=text))
    return raw, line_events.headers(CHANNEL_SECRET, raw), token


async def post(client: httpx.AsyncClient, url: str, raw: bytes, headers: dict[str, str]) -> httpx.Response:
    """One webhook; a connection the server closed while idle is retried once (the event id dedupes it)."""
    try:
        return await client.post(url, content=raw, headers=headers)
    except (httpx.ReadError, httpx.RemoteProtocolError):
        return await client.post(url, content=raw, headers=headers)


async def ack_phase(client: httpx.AsyncClient, url: str, fake: FakeLine, waiter: Waiter, users: int,
                    messages: int, tag: str) -> tuple[list[float], float]:
    acks: list[float] = []
    tokens: list[str] = []

    async def user(u: int) -> None:
        for _ in range(messages):
            raw, headers, token = signed_event(fake, f"U{tag}a{u}", "こんにちは")
            tokens.append(token)
            t0 = time.perf_counter()
            response = await post(client, url, raw, headers)
            acks.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.text

    start = time.perf_counter()
    await asyncio.gather(*(user(u) for u in range(users)))
    rate = len(acks) / (time.perf_counter() - start)
    deadline = time.monotonic() + 120
    while not all(t in waiter.done_at for t in tokens):  # every event answered before the next phase
        if time.monotonic() > deadline:
            raise RuntimeError("not every event of the ack phase was answered")
        await asyncio.sleep(0.05)
    return acks, rate


async def turn_phase(client: httpx.AsyncClient, url: str, fake: FakeLine, waiter: Waiter, users: int,
                     messages: int, tag: str) -> tuple[list[float], float]:
    turns: list[float] = []

    async def user(u: int) -> None:
        for m in range(messages):
            raw, headers, token = signed_event(fake, f"U{tag}t{u}", "よくある質問" if m % 2 else "こんにちは")
            answered = waiter.expect(token)
            t0 = time.time()
            response = await post(client, url, raw, headers)
            assert response.status_code == 200
            turns.append(await asyncio.wait_for(answered, 60) - t0)

    start = time.perf_counter()
    await asyncio.gather(*(user(u) for u in range(users)))
    return turns, len(turns) / (time.perf_counter() - start)


async def measure(kind: str, fake: FakeLine, fake_url: str, db_url: str | None, users: int, messages: int,
                  workers: int = 0) -> dict:
    waiter = Waiter(fake, asyncio.get_running_loop())
    with bot_process(kind, fake_url, db_url, workers) as url:
        limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            await ack_phase(client, url, fake, waiter, 5, 4, kind + "w")  # warm-up
            tag = f"{kind}{workers}{len(db_url or '')}"
            acks, ack_rate = await ack_phase(client, url, fake, waiter, users, messages, tag)
            turns, turn_rate = await turn_phase(client, url, fake, waiter, users, messages, tag)
    return {"ack_p50": pct(acks, 50) * 1000, "ack_p99": pct(acks, 99) * 1000, "events_s": ack_rate,
            "turn_p50": pct(turns, 50) * 1000, "turn_p99": pct(turns, 99) * 1000, "turns_s": turn_rate}


def report(results: dict[str, dict], users: int, messages: int) -> None:
    base = results["echo bot (baseline)"]
    print(f"\n{users} concurrent users × {messages} messages each; ratio = madoguchi / echo bot\n")
    head = (f"{'':28} {'ack p50 ms':>11} {'ack p99 ms':>11} {'events/s':>9} {'turn p50 ms':>12} "
            f"{'turn p99 ms':>12} {'turns/s':>8}")
    print(head)
    for name, r in results.items():
        print(f"{name:28} {r['ack_p50']:11.1f} {r['ack_p99']:11.1f} {r['events_s']:9.0f} "
              f"{r['turn_p50']:12.1f} {r['turn_p99']:12.1f} {r['turns_s']:8.0f}")
        if r is not base:
            ratio = {k: r[k] / base[k] for k in r}
            print(f"{'  ratio':28} {ratio['ack_p50']:11.2f} {ratio['ack_p99']:11.2f} {ratio['events_s']:9.2f} "
                  f"{ratio['turn_p50']:12.2f} {ratio['turn_p99']:12.2f} {ratio['turns_s']:8.2f}")


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--messages", type=int, default=20)
    args = ap.parse_args()
    fake = FakeLine()
    results: dict[str, dict] = {}
    with ThreadedServer(fake.app()) as server, tempfile.TemporaryDirectory() as tmp:
        results["echo bot (baseline)"] = await measure("echo", fake, server.url, None, args.users, args.messages)
        results["madoguchi, SQLite"] = await measure(
            "madoguchi", fake, server.url, f"sqlite:///{tmp}/bench.db", args.users, args.messages)
        if postgres.reachable():
            with postgres.fresh_database() as url:
                results["madoguchi, PostgreSQL"] = await measure(
                    "madoguchi", fake, server.url, url, args.users, args.messages)
            with postgres.fresh_database() as url:
                results["madoguchi, PG, web + 2 workers"] = await measure(
                    "madoguchi", fake, server.url, url, args.users, args.messages, workers=2)
    if fake.violations:
        raise SystemExit(f"platform limits broken: {fake.violations}")
    report(results, args.users, args.messages)


if __name__ == "__main__":
    asyncio.run(main())
