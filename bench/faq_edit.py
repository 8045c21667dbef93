"""A FAQ edit at 10,000 entries while 50 owners chat: acks, turns before/during/after the edit, and how long until the
bot answers with the edited entry. Real processes throughout:

    .venv/bin/python bench/faq_edit.py [--entries 10000] [--users 50] [--before 20] [--after 20] [--layouts sqlite,pg]

- The knowledge base: the real entries of knowledge/content/faq.yaml, then variants of them (each real entry's
  question and first phrasings with distinct extra words, the real answer) up to --entries, written to YAML files
  and loaded with `python -m bot faq import` (the CLI's path; at most 5,000 rows a file).
- The bot: `python -m bot serve` on the default SQLite layout (web + embedded worker in one process), and on
  PostgreSQL `serve` without its worker plus one `python -m bot worker`; LINE is tests/fakes/line_server.py.
- The load: --users owners, each sending a FAQ question (a real phrasing) over a signed webhook and waiting for the
  answer before the next, for --before seconds, through the edit, and --after seconds after it is answered.
- The edit: an editor logged in to the staff web app opens /faq/<id>, previews the entry with one more phrasing and a
  changed answer (POST /faq/<id>/preview) and publishes what was previewed (POST /faq/<id>), as the browser does. A
  probe owner then asks the new phrasing until the answer carries the change.

Printed per layout: acks (count, 5xx, p50/p99/max), turns p50/p99/max before / during / after the edit (by the time the
question was sent; "during" = from the preview until the bot first answered with the edit), the publish request's
time and the seconds from publishing until the bot answered with the edit. Figures are printed, never asserted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.db.engine import make_engine, make_session_factory  # noqa: E402
from bot.db.tables import utcnow  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.staff.auth import create_user  # noqa: E402
from knowledge.content import DEFAULT, read_yaml  # noqa: E402
from knowledge.index import Entry  # noqa: E402
from knowledge.transfer import dump  # noqa: E402
from tests.conftest import make_settings  # noqa: E402
from tests.e2e.processes import BotProcess, env_for  # noqa: E402
from tests.fakes import line_events, postgres  # noqa: E402
from tests.fakes.line_server import CHANNEL_SECRET, Call, FakeLine  # noqa: E402
from tests.fakes.server import ThreadedServer  # noqa: E402

EDITOR, PASSWORD = "editor@bench.example", "bench-editor-password"
EDITED = "desk-what"  # the entry the editor changes (a real one; the probe asks its question)
FILE_ROWS = 5000  # knowledge/transfer.py: MAX_ROWS a file
# The phrasings' sentence vectors, kept across runs (as a server keeps them in its cache_dir): the first build at
# 10,000 entries embeds ~50,000 texts (minutes on 2 cores); what is measured is the edit, not that first start.
CACHE = Path(tempfile.gettempdir()) / "madoguchi-bench-faq-cache"
# The edit adds this phrasing to the entry and a mark to its answer; the probe asks it until the answer carries the
# mark (before the edit no entry has it, so the bot declines or offers others).
PROBE = "窓口の事務所には車を何台とめられますか"


def variants(n: int, seed: int = 11) -> list[Entry]:
    """The real entries, then variants up to n: each real entry's question and first three phrasings with distinct
    extra words appended (a larger vocabulary and longer postings), the real answer and source."""
    rng = random.Random(seed)
    real = read_yaml(DEFAULT)
    vocab = [w for e in real for w in (e.question + "".join(e.phrasings))[::3]]
    out = list(real)
    while len(out) < n:
        base = real[len(out) % len(real)]
        extra = "".join(rng.choice(vocab) for _ in range(5)) + f"の件{len(out)}"
        out.append(replace(base, id=f"{base.id}-v{len(out)}", question=base.question + extra,
                           phrasings=tuple(p + extra for p in base.phrasings[:3])))
    return out


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


@dataclass
class Run:
    acks: list[tuple[float, float, int]] = field(default_factory=list)  # (sent at, seconds, status)
    turns: list[tuple[float, float]] = field(default_factory=list)  # (sent at, seconds)
    lost: int = 0  # questions not answered within the wait
    edit_started: float = 0.0
    published: float = 0.0
    publish_seconds: float = 0.0
    edit_answered: float | None = None

    def edited_seconds(self) -> float:
        return self.published - self.edit_started


class Answers:
    """Futures resolved when the fake LINE server accepts the answer to a question (called from its thread): the
    reply with its token or, when the token ran out before the answer (the bot then pushes), a push to its owner."""

    def __init__(self, fake: FakeLine, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pending: dict[str, tuple[str, asyncio.Future[tuple[float, list[str]]]]] = {}
        fake.on_delivery = self._seen

    def _seen(self, call: Call) -> None:
        if call.reply_token:
            found = self.pending.pop(call.reply_token, None)
        else:
            token = next((t for t, (user, _) in list(self.pending.items()) if user == call.to), None)
            found = self.pending.pop(token, None) if token else None
        if found is not None:
            fut = found[1]
            self.loop.call_soon_threadsafe(
                lambda f=fut, t=call.at, x=call.texts: f.done() or f.set_result((t, x)))

    def expect(self, user: str, token: str) -> asyncio.Future[tuple[float, list[str]]]:
        fut: asyncio.Future[tuple[float, list[str]]] = self.loop.create_future()
        self.pending[token] = (user, fut)
        return fut


async def ask(client: httpx.AsyncClient, url: str, fake: FakeLine, answers: Answers, run: Run | None, user: str,
              question: str, wait: float = 60) -> list[str] | None:
    token = fake.issue_token(user)
    raw = line_events.body(line_events.event("text", user, token=token, message__text=question))
    answered = answers.expect(user, token)
    t0 = time.time()
    try:
        response = await client.post(url, content=raw, headers=line_events.headers(CHANNEL_SECRET, raw))
        status = response.status_code
    except httpx.HTTPError:
        status = 599  # no HTTP answer at all (reported apart from the 5xx)
    if run is not None:
        run.acks.append((t0, time.time() - t0, status))
    if status != 200:
        answers.pending.pop(token, None)
        return None
    try:
        at, texts = await asyncio.wait_for(answered, wait)
    except TimeoutError:
        if run is not None:
            run.lost += 1
        return None
    if run is not None:
        run.turns.append((t0, at - t0))
    return texts


def csrf(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


async def edit(staff: httpx.AsyncClient, entry: Entry, marker: str, run: Run) -> None:
    """The editor's two steps over HTTP: preview the changed answer, then publish what was previewed."""
    form = {"question": entry.question, "answer": entry.answer + marker,
            "phrasings": "\n".join((*entry.phrasings, PROBE)),
            "source": entry.source, "tags": "、".join(entry.tags), "next_action": entry.next or ""}
    run.edit_started = time.time()
    page = (await staff.get(f"/faq/{entry.id}")).text
    shown = await staff.post(f"/faq/{entry.id}/preview", data={"csrf_token": csrf(page), **form})
    assert shown.status_code == 200, shown.text[:300]
    digest = re.search(r'name="previewed" value="([0-9a-f]{64})"', shown.text)
    assert digest, shown.text[:300]
    t = time.time()
    saved = await staff.post(f"/faq/{entry.id}", data={"csrf_token": csrf(shown.text), "previewed": digest.group(1),
                                                       **form})
    run.published, run.publish_seconds = time.time(), time.time() - t
    assert saved.status_code == 303, saved.text[:300]


async def load(url: str, fake: FakeLine, entries: list[Entry], users: int, before: float, after: float) -> Run:
    run = Run()
    answers = Answers(fake, asyncio.get_running_loop())
    questions = [p for e in read_yaml(DEFAULT) if e.id != EDITED for p in e.phrasings]
    target = next(e for e in entries if e.id == EDITED)
    limits = httpx.Limits(max_connections=users + 10, max_keepalive_connections=users + 10)
    stop = asyncio.Event()
    base = url.rsplit("/webhooks", 1)[0]
    async with httpx.AsyncClient(limits=limits, timeout=60) as client, \
            httpx.AsyncClient(base_url=base, headers={"origin": base}, timeout=120) as staff:
        login = await staff.post("/login", data={"email": EDITOR, "password": PASSWORD})
        assert login.status_code == 303, login.text[:300]
        # a new friend's first message is welcomed (not searched): every owner and the probe say hello first
        await asyncio.gather(*(ask(client, url, fake, answers, None, f"Uq{u}", "こんにちは", wait=600)
                               for u in [*range(users), "probe"]))
        print("  warming up (the first index of each process is built on start) …", flush=True)
        t = time.time()
        while await ask(client, url, fake, answers, None, "Uqprobe", target.question, wait=1800) is None:
            if time.time() - t > 1800:
                raise RuntimeError("the bot never answered")
        print(f"  first FAQ answer after {time.time() - t:.0f} s", flush=True)

        async def owner(u: int) -> None:
            rng = random.Random(u)
            while not stop.is_set():
                await ask(client, url, fake, answers, run, f"Uq{u}", rng.choice(questions))

        async def probe(marker: str) -> None:
            n = 0
            while run.edit_answered is None:
                sent = time.time()
                texts = await ask(client, url, fake, answers, None, "Uqprobe", PROBE)
                if texts and any(marker in t for t in texts) and sent >= run.published:
                    run.edit_answered = time.time()
                elif n % 20 == 0:
                    print(f"  probe {n}: {texts}", flush=True)
                n += 1

        owners = [asyncio.create_task(owner(u)) for u in range(users)]
        await asyncio.sleep(before)
        marker = f"（改訂{uuid.uuid4().hex[:6]}）"
        await edit(staff, target, marker, run)
        await asyncio.wait_for(probe(marker), 600)
        await asyncio.sleep(after)
        stop.set()
        await asyncio.gather(*owners)
    return run


def report(name: str, run: Run) -> None:
    acks = [s for _, s, _ in run.acks]
    errors = Counter(status for _, _, status in run.acks if status >= 500)
    failed = errors.pop(599, 0)
    print(f"\n{name}")
    print(f"  acks {len(acks)}, 5xx {sum(errors.values())} {dict(errors) or ''}, no HTTP answer {failed}, "
          f"over 1 s {sum(1 for s in acks if s > 1)}; "
          f"ack p50 {pct(acks, 50) * 1000:.1f} ms, p99 {pct(acks, 99) * 1000:.1f} ms, max {max(acks) * 1000:.1f} ms")
    answered = run.edit_answered or float("inf")
    phases = {"before": lambda t: t < run.edit_started, "during": lambda t: run.edit_started <= t < answered,
              "after": lambda t: t >= answered}
    print(f"  {'turns':8}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'ack p99':>9}{'ack max':>9}")
    for phase, inside in phases.items():
        turns = [s for t, s in run.turns if inside(t)]
        acked = [s for t, s, _ in run.acks if inside(t)]
        if turns:
            print(f"  {phase:8}{len(turns):6}{pct(turns, 50) * 1000:9.0f}{pct(turns, 99) * 1000:9.0f}"
                  f"{max(turns) * 1000:9.0f}{pct(acked, 99) * 1000:9.0f}{max(acked) * 1000:9.0f}")
    print(f"  unanswered within 60 s: {run.lost}")
    print(f"  edit: preview+publish took {run.edited_seconds():.2f} s (publish request {run.publish_seconds:.2f} s); "
          f"answered by the bot {answered - run.published:.2f} s after publishing")


@contextlib.contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder}/bench-{uuid.uuid4().hex[:6]}.db"
        return
    name = f"i14b_faq_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres.ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield postgres.ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def seed(settings: Settings, entries: list[Entry], folder: Path) -> float:
    """The entries through `python -m bot faq import` (files of at most 5,000 rows); the editor account."""
    t = time.perf_counter()
    env = env_for(settings)
    for start in range(0, len(entries), FILE_ROWS):
        path = folder / f"faq-{start}.yaml"
        path.write_text(dump([e.to_dict() for e in entries[start:start + FILE_ROWS]]), encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "bot", "faq", "import", str(path)], env=env, cwd=REPO,
                              capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(done.stderr[-2000:])
    engine = make_engine(settings)
    with make_session_factory(engine).begin() as session:
        create_user(session=session, email=EDITOR, password=PASSWORD, role="editor", organisation=None, now=utcnow())
    engine.dispose()
    return time.perf_counter() - t


def layout(kind: str, fake: FakeLine, fake_url: str, entries: list[Entry], args: argparse.Namespace,
           folder: Path) -> None:
    with database(kind, folder) as url:
        workers = 0 if kind == "sqlite" else 1
        settings = make_settings(url, fake_url, embedded_worker=workers == 0,
                                 send_lease_seconds=Settings.model_fields["send_lease_seconds"].default,
                                 cache_dir=CACHE, trial_enabled=False)
        took = seed(settings, entries, folder)
        print(f"\n{kind}: {len(entries):,} entries imported with `faq import` in {took:.0f} s", flush=True)
        procs = [BotProcess(settings, "serve", folder)]
        procs += [BotProcess(settings, "worker", folder) for _ in range(workers)]
        try:
            for p in procs:
                p.start()
            run = asyncio.run(load(procs[0].url + "/webhooks/line", fake, entries, args.users, args.before,
                                   args.after))
        finally:
            for p in procs:
                p.stop()
            for p in procs:  # kept for a look at any 5xx (the run's folder is removed)
                shutil.copy(p.log_path, Path(tempfile.gettempdir()) / f"faq-edit-{kind}-{p.log_path.name}")
        name = "SQLite, serve (web + embedded worker)" if kind == "sqlite" else "PostgreSQL, serve (web) + 1 worker"
        report(f"{name}, {len(entries):,} entries, {args.users} owners", run)
        print(f"  load average: {load_average()}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--before", type=float, default=20)
    ap.add_argument("--after", type=float, default=20)
    ap.add_argument("--layouts", default="sqlite,pg")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # killed: the bot processes and databases are cleaned up
    entries = variants(args.entries)
    texts = sum(1 + len(e.phrasings) for e in entries)
    print(f"{len(entries):,} entries ({texts:,} questions and phrasings); {args.users} owners; "
          f"load average {load_average()}")
    fake = FakeLine()
    with ThreadedServer(fake.app()) as server, tempfile.TemporaryDirectory() as tmp:
        for kind in args.layouts.split(","):
            if kind != "sqlite" and not postgres.reachable():
                print("PostgreSQL not reachable: skipped")
                continue
            layout("sqlite" if kind == "sqlite" else "postgresql", fake, server.url, entries, args, Path(tmp))
    if fake.violations:
        print(f"platform limits broken: {fake.violations[:5]}")


if __name__ == "__main__":
    main()
