"""Webhook and turn figures: madoguchi vs a bare echo bot (line-bot-sdk fastapi-echo), one run, one fake LINE.

    python bench/webhook.py [--users 50] [--messages 20] [--rate 200] [--rate-seconds 5]

Both bots run as subprocesses (uvicorn, one process each) against the same fake LINE server, which runs in this
process and timestamps every accepted reply. Three phases per bot:
  ack:  USERS concurrent clients post MESSAGES signed webhooks each, back to back → ack p50/p99, events/s
  rate: webhooks offered at a fixed RATE per second for RATE_SECONDS (open loop: each is sent on schedule, whether
        or not the earlier ones were answered) → ack p50/p99 at that rate (LINE's own pattern of arrival)
  turn: USERS concurrent people send a message and wait for its answer before the next → turn p50/p99, turns/s,
        and the bot's CPU per turn (user + system time of all its processes over the phase, from /proc, / turns)
The echo bot answers inside the webhook request (the official pattern); madoguchi stores, acks, then answers from
its worker. Ratios are madoguchi / echo (latency: lower is better; throughput: higher is better).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
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
        self.answers: Counter[str] = Counter()  # accepted replies and pushes per user
        fake.on_delivery = self._seen

    def _seen(self, call: Call) -> None:
        self.answers[call.to] += 1  # a push too: under a backlog past the token's window madoguchi pushes
        if call.reply_token:
            self.done_at[call.reply_token] = call.at
            fut = self.pending.pop(call.reply_token, None)
            if fut is not None:
                self.loop.call_soon_threadsafe(lambda f=fut, t=call.at: f.done() or f.set_result(t))

    async def all_answered(self, asked: Counter[str], what: str) -> None:
        """Until every user has had as many answers as they sent events (the next phase must start from idle)."""
        deadline = time.monotonic() + 300
        while any(self.answers[user] < n for user, n in asked.items()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"not every event of the {what} phase was answered")
            await asyncio.sleep(0.05)

    def expect(self, token: str) -> asyncio.Future[float]:
        fut: asyncio.Future[float] = self.loop.create_future()
        self.pending[token] = fut
        return fut


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of the processes so far (/proc/PID/stat fields 14 and 15, in clock ticks)."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def profiler(pids: list[int], name: str) -> subprocess.Popen[bytes] | None:
    """With BENCH_PYSPY=DIR: py-spy samples the bot's first process over the turn phase (DIR/NAME.txt, folded;
    only the thread holding the GIL, i.e. Python CPU, without pausing the process)."""
    out = os.environ.get("BENCH_PYSPY")
    if not out:
        return None
    spy = Path(sys.executable).with_name("py-spy")
    args = ["record", "--pid", str(pids[0]), "--format", "raw", "--rate", "100", "--gil", "--nonblocking"]
    return subprocess.Popen([str(spy), *args, "--output", f"{out}/{name}.txt"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@contextmanager
def bot_process(kind: str, fake_url: str, db_url: str | None, workers: int = 0,
                pids: list[int] | None = None, repo: Path = REPO) -> Iterator[str]:
    """The bot on a free port; `workers` > 0 runs `serve` without its embedded worker plus that many workers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")} | {
        "PYTHONPATH": str(repo), "LINE_CHANNEL_SECRET": CHANNEL_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": fake_url, "MADOGUCHI_LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "MADOGUCHI_LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN, "MADOGUCHI_LINE_API_BASE_URL": fake_url,
        "MADOGUCHI_DATABASE_URL": db_url or "", "MADOGUCHI_POLL_INTERVAL_SECONDS": "0.05",
        "MADOGUCHI_EMBEDDED_WORKER": "false" if workers else "true",
    }
    if kind == "echo":
        args, path = [sys.executable, str(REPO / "bench" / "echo_bot.py"), str(port)], "/callback"
    else:
        subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], env=env, cwd=repo, check=True,
                       capture_output=True)
        args, path = [sys.executable, "-m", "bot", "serve", "--port", str(port)], "/webhooks/line"
    pids = pids if pids is not None else []
    procs = [subprocess.Popen(args, env=env, cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    procs += [
        subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env, cwd=repo, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    proc = procs[0]
    pids.clear()
    pids.extend(p.pid for p in procs)
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts slowly
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
    """One webhook; a connection the server closed while idle (uvicorn: after 5 s) is retried on another, a few
    times, as the pool may hold several such (the event id dedupes a retried event)."""
    for _ in range(4):
        try:
            return await client.post(url, content=raw, headers=headers)
        except (httpx.ReadError, httpx.RemoteProtocolError):
            continue
    return await client.post(url, content=raw, headers=headers)


async def ack_phase(client: httpx.AsyncClient, url: str, fake: FakeLine, waiter: Waiter, users: int,
                    messages: int, tag: str) -> tuple[list[float], float]:
    acks: list[float] = []
    asked: Counter[str] = Counter()

    async def user(u: int) -> None:
        for _ in range(messages):
            raw, headers, _token = signed_event(fake, f"U{tag}a{u}", "こんにちは")
            asked[f"U{tag}a{u}"] += 1
            t0 = time.perf_counter()
            response = await post(client, url, raw, headers)
            acks.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.text

    start = time.perf_counter()
    await asyncio.gather(*(user(u) for u in range(users)))
    rate = len(acks) / (time.perf_counter() - start)
    await waiter.all_answered(asked, "ack")
    return acks, rate


async def rate_phase(client: httpx.AsyncClient, url: str, fake: FakeLine, waiter: Waiter, rate: float,
                     seconds: float, tag: str) -> list[float]:
    """Webhooks at a fixed rate (open loop), one event each from rotating users; their acks."""
    acks: list[float] = []
    asked = Counter(f"U{tag}r{i % 200}" for i in range(int(rate * seconds)))
    bodies = [signed_event(fake, f"U{tag}r{i % 200}", "こんにちは") for i in range(int(rate * seconds))]

    async def one(raw: bytes, headers: dict[str, str]) -> None:
        t0 = time.perf_counter()
        response = await post(client, url, raw, headers)
        acks.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.text

    start = time.perf_counter()
    sent: list[asyncio.Task[None]] = []
    for i, (raw, headers, _token) in enumerate(bodies):
        await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
        sent.append(asyncio.create_task(one(raw, headers)))
    await asyncio.gather(*sent)
    await waiter.all_answered(asked, "rate")
    return acks


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
                  workers: int = 0, rate: float = 200, rate_seconds: float = 5, repo: Path = REPO) -> dict:
    waiter = Waiter(fake, asyncio.get_running_loop())
    pids: list[int] = []
    with bot_process(kind, fake_url, db_url, workers, pids, repo) as url:
        print(f"measuring {kind} ({db_url.split(':')[0] if db_url else 'inline'}, {workers} workers)", flush=True)
        limits = httpx.Limits(max_connections=max(users, 200), max_keepalive_connections=max(users, 200))
        async with httpx.AsyncClient(limits=limits, timeout=60) as client:
            await ack_phase(client, url, fake, waiter, 5, 4, kind + "w")  # warm-up
            tag = f"{kind}{workers}{len(db_url or '')}"
            acks, ack_rate = await ack_phase(client, url, fake, waiter, users, messages, tag)
            rated = await rate_phase(client, url, fake, waiter, rate, rate_seconds, tag) if rate else [0.0]
            cpu = cpu_seconds(pids)
            spy = profiler(pids, f"{kind}{workers}{(db_url or '').split(':')[0]}")
            turns, turn_rate = await turn_phase(client, url, fake, waiter, users, messages, tag)
            cpu = cpu_seconds(pids) - cpu
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(60)
    return {"ack_p50": pct(acks, 50) * 1000, "ack_p99": pct(acks, 99) * 1000, "events_s": ack_rate,
            "rate_p50": pct(rated, 50) * 1000, "rate_p99": pct(rated, 99) * 1000,
            "turn_p50": pct(turns, 50) * 1000, "turn_p99": pct(turns, 99) * 1000, "turns_s": turn_rate,
            "cpu_ms": cpu * 1000 / len(turns), "load": os.getloadavg()[0]}


COLUMNS = (("ack p50 ms", "ack_p50", 1), ("ack p99 ms", "ack_p99", 1), ("events/s", "events_s", 0),
           ("@rate p50", "rate_p50", 1), ("@rate p99", "rate_p99", 1), ("turn p50 ms", "turn_p50", 1),
           ("turn p99 ms", "turn_p99", 1), ("turns/s", "turns_s", 0), ("CPU ms/turn", "cpu_ms", 2))


def report(results: dict[str, dict], users: int, messages: int, rate: float) -> None:
    base = results["echo bot (baseline)"]
    print(f"\n{users} concurrent users × {messages} messages each; @rate = acks at {rate:g} events/s offered; "
          f"CPU = the bot's processes' CPU per turn; ratio = madoguchi / echo bot\n")
    print(f"{'':28}" + "".join(f" {head:>11}" for head, _, _ in COLUMNS))
    for name, r in results.items():
        print(f"{name:28}" + "".join(f" {r[key]:11.{digits}f}" for _, key, digits in COLUMNS))
        if r is not base:
            print(f"{'  ratio':28}" + "".join(
                f" {r[key] / base[key] if base[key] else float('nan'):11.2f}" for _, key, _ in COLUMNS))


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--messages", type=int, default=20)
    ap.add_argument("--rate", type=float, default=200, help="events/s offered in the rate phase (0: skip it)")
    ap.add_argument("--rate-seconds", type=float, default=5)
    ap.add_argument("--compare", type=Path, help="also measure madoguchi from this checkout (e.g. an older commit)")
    ap.add_argument("--repeat", type=int, default=1, help="measure every bot this many times, interleaved")
    ap.add_argument("--only", default="", help="comma-separated: echo,sqlite,pg,pg2 (default: all)")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else {"echo", "sqlite", "pg", "pg2"}
    extra = {"rate": args.rate, "rate_seconds": args.rate_seconds}
    fake = FakeLine()
    with ThreadedServer(fake.app()) as server, tempfile.TemporaryDirectory() as tmp:
        for round_no in range(args.repeat):
            results: dict[str, dict] = {}
            load_before = os.getloadavg()
            results["echo bot (baseline)"] = await measure(
                "echo", fake, server.url, None, args.users, args.messages, **extra)
            if "sqlite" in only:
                results["madoguchi, SQLite"] = await measure(
                    "madoguchi", fake, server.url, f"sqlite:///{tmp}/bench{round_no}.db", args.users, args.messages,
                    **extra)
            if postgres.reachable() and "pg" in only:
                with postgres.fresh_database() as url:
                    results["madoguchi, PostgreSQL"] = await measure(
                        "madoguchi", fake, server.url, url, args.users, args.messages, **extra)
            if postgres.reachable() and "pg2" in only:
                with postgres.fresh_database() as url:
                    results["madoguchi, PG, web + 2 workers"] = await measure(
                        "madoguchi", fake, server.url, url, args.users, args.messages, workers=2, **extra)
            if args.compare:
                with postgres.fresh_database() as url:
                    for name, db in (("SQLite", f"sqlite:///{tmp}/compare{round_no}.db"), ("PostgreSQL", url)):
                        if ("sqlite" if name == "SQLite" else "pg") in only:
                            results[f"{args.compare.name}, {name}"] = await measure(
                                "madoguchi", fake, server.url, db, args.users, args.messages, repo=args.compare,
                                **extra)
            print(f"\nround {round_no + 1}; load average (1, 5, 15 min) before {load_before}, after {os.getloadavg()}")
            report(results, args.users, args.messages, args.rate)
    if fake.violations:
        raise SystemExit(f"platform limits broken: {fake.violations}")


if __name__ == "__main__":
    asyncio.run(main())
