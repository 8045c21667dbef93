"""The public edge over real HTTP (uvicorn): /try is a setting, rate-limited, and its cases are trials; request bodies
are limited while they stream in; the Telegram secret is checked before the body; signed but malformed LINE bodies
are 400, never 500."""

from __future__ import annotations

import concurrent.futures
import json
import socket
import time

import httpx
import pytest

from bot.db.tables import Conversation, InboxEvent
from bot.settings import Settings
from handoff.tables import Case, CaseNotification
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import populate
from tests.fakes import line_events
from tests.fakes.line_server import CHANNEL_SECRET, FakeLine
from tests.fakes.telegram_server import FakeTelegram

PERSON = "担当者と話したいです"


def test_try_is_off_unless_enabled(sqlite_url: str) -> None:
    assert Settings(_env_file=None).trial_enabled is False  # type: ignore[call-arg]
    with LiveBot(make_settings(sqlite_url, trial_enabled=False)) as bot:
        assert bot.client.get("/try").status_code == 404
        assert bot.client.post("/try/say", json={"start": True}).status_code == 404
        assert bot.count(Conversation) == 0


def test_500_anonymous_requests_do_not_make_500_cases_and_trials_are_never_mailed(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, smtp_host="127.0.0.1", smtp_port=9)  # mail on (nobody listens)
    with LiveBot(settings) as bot:
        world = populate(bot)

        def stranger(_: int) -> list[int]:  # a new person each time (no cookie): greeted, then asks for a person
            with httpx.Client(base_url=bot.server.url, timeout=60) as client:
                return [client.post("/try/say", json=body).status_code
                        for body in ({"start": True}, {"text": PERSON})]

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            statuses = [s for pair in pool.map(stranger, range(250)) for s in pair]
        assert len(statuses) == 500 and set(statuses) <= {200, 429}
        assert statuses.count(200) <= settings.trial_per_address_burst + (time.monotonic() - started) * 0.5 + 1
        trials = bot.count(Case, Case.trial.is_(True))
        assert 1 <= trials <= statuses.count(200) // 2
        assert bot.count(Case) == trials + 2  # the two real cases of `populate`, nothing else
        assert bot.count(Conversation, Conversation.trial.is_(False), Conversation.channel == "web") == 0
        assert bot.count(CaseNotification) == 0  # mail is on, but trials are never mailed
        coordinator = world.login("coordinator")
        queue = coordinator.get("/cases").text
        assert world.case_in_org in queue and world.case_elsewhere in queue and "お試し" not in queue.split("<tbody")[1]
        shown = coordinator.get("/cases", params={"trials": "1"}).text
        assert shown.count('<span class="flag">お試し</span>') == trials
        assert ">2</span>" in coordinator.get("/cases/badge").text  # the badge counts the real cases only


def test_the_rate_limit_is_per_address_and_says_so_in_japanese(sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url, trial_per_address_burst=3, trial_per_address_per_minute=1)) as bot:
        answers = [bot.client.post("/try/say", json={"start": True}) for _ in range(5)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
        assert "しばらく時間をおいて" in answers[-1].json()["detail"] and answers[-1].headers["retry-after"]


def _raw_post(url: str, path: str, headers: dict[str, str], chunks: int = 0, chunk: bytes = b"") -> tuple[int, int]:
    """POST over a raw socket: the headers, then up to `chunks` chunks (chunked encoding) until the server answers.
    Returns (status, bytes of body sent); status 0 when the server gave no answer within 10 s."""
    host, port = url.removeprefix("http://").split(":")
    sent = 0
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"POST {path} HTTP/1.1\r\nhost: {host}\r\n{head}\r\n".encode())
        sock.settimeout(0.0)
        answer = b""
        for _ in range(chunks):
            try:
                answer += sock.recv(65536)
                break
            except BlockingIOError:
                pass
            except OSError:
                break
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            except (BlockingIOError, OSError):
                time.sleep(0.01)
        sock.settimeout(10)
        try:
            answer = answer or sock.recv(65536)
        except (TimeoutError, OSError):
            return 0, sent
    return (int(answer.split(b" ")[1]) if answer.startswith(b"HTTP/1.1") else 0), sent


@pytest.mark.parametrize(("path", "limit"), [("/try/say", 8_192), ("/webhooks/line", 1_000_000),
                                             ("/webhooks/telegram", 1_000_000)])
def test_a_200_mb_body_is_refused_while_it_streams_in(sqlite_url: str, fake_line: FakeLine,
                                                       fake_telegram: FakeTelegram, path: str, limit: int) -> None:
    settings = make_settings(sqlite_url, fake_line.url, telegram_url=fake_telegram.url)  # type: ignore[attr-defined]
    from tests.fakes.telegram_server import SECRET
    headers = {"content-type": "application/json", "x-line-signature": "x", "x-telegram-bot-api-secret-token": SECRET}
    with LiveBot(settings) as bot:
        declared = _raw_post(bot.server.url, path, headers | {"content-length": str(200_000_000)})
        assert declared == (413, 0)  # answered on the declared length alone
        chunk = b"[" * 65536
        status, sent = _raw_post(bot.server.url, path, headers | {"transfer-encoding": "chunked"},
                                 chunks=200_000_000 // len(chunk), chunk=chunk)
        assert status == 413 and sent <= limit + 4 * 1024 * 1024, (status, sent)  # not 200 MB: stopped early
        assert bot.count(InboxEvent) == 0 and bot.count(Conversation) == 0


def test_telegram_checks_its_secret_before_reading_the_body(sqlite_url: str, fake_telegram: FakeTelegram) -> None:
    with LiveBot(make_settings(sqlite_url, telegram_url=fake_telegram.url)) as bot:
        headers = {"content-type": "application/json", "content-length": "500000",
                   "x-telegram-bot-api-secret-token": "wrong"}
        assert _raw_post(bot.server.url, "/webhooks/telegram", headers) == (403, 0)  # no body was ever sent


def _deep(depth: int) -> bytes:
    return b'{"destination": "U1", "events": [' + b"[" * depth + b"]" * depth + b"]}"


MALFORMED = {
    "nested 100,000 deep": _deep(100_000),
    "nested 500 deep": _deep(500),
    "huge timestamp": line_events.body(line_events.event("text", "Ux", ts_ms=10**30)),
    "timestamp a string": line_events.body(line_events.event("text", "Ux") | {"timestamp": "now"}),
    "timestamp a float overflow": line_events.body(line_events.event("text", "Ux")).replace(
        b'"timestamp": ', b'"timestamp": 1e999, "x": '),
    "source a string": line_events.body(line_events.event("text", "Ux") | {"source": "Ux"}),
    "userId a number": line_events.body(line_events.event("text", "Ux") | {"source": {"type": "user", "userId": 5}}),
    "message a list": line_events.body(line_events.event("text", "Ux") | {"message": [1]}),
    "event a string": b'{"destination": "U1", "events": ["x"]}',
    "events an object": b'{"destination": "U1", "events": {"a": 1}}',
    "body a list": b"[]",
    "not utf-8": b'{"destination": "\xff", "events": []}',
}


def test_signed_but_malformed_line_bodies_are_400_not_500(sqlite_url: str, fake_line: FakeLine) -> None:
    """A 500 would make LINE redeliver the body for ever; a 400 tells it the body is bad."""
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        got = {}
        for name, raw in MALFORMED.items():
            headers = line_events.headers(CHANNEL_SECRET, raw)
            got[name] = bot.client.post("/webhooks/line", content=raw, headers=headers).status_code
        assert got == dict.fromkeys(MALFORMED, 400)
        assert bot.count(InboxEvent) == 0
        assert json.loads(bot.post().text) == {"received": 0, "stored": 0}  # and the server is fine
