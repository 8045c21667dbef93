"""The app's OpenAPI, exercised: schemathesis finds no 5xx, and nothing private answers without a session."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import httpx
import pytest

from bot.web.staff.security import COOKIE
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import World, populate
from tests.fakes.line_server import FakeLine
from tests.fakes.telegram_server import FakeTelegram

PUBLIC = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics"), ("GET", "/try"), ("POST", "/try/say"), ("GET", "/login"),
          ("POST", "/login")}
SIGNED = {("POST", "/webhooks/line"): 401, ("POST", "/webhooks/telegram"): 403}  # signature / secret, not a session


@pytest.fixture
def world(sqlite_url: str, fake_line: FakeLine, fake_telegram: FakeTelegram):
    settings = make_settings(sqlite_url, fake_line.url, telegram_url=fake_telegram.url,  # type: ignore[attr-defined]
                             api_docs=True)  # the schema is published only when asked for (off in production)
    with LiveBot(settings) as bot:
        yield populate(bot)


def operations(world: World) -> list[tuple[str, str]]:
    spec = httpx.get(world.url + "/openapi.json").json()
    return [(method.upper(), p) for p, item in spec["paths"].items() for method in item]


def test_every_non_public_operation_needs_a_session(world: World) -> None:
    ops = operations(world)
    assert len(ops) >= 15
    for method, template in ops:
        url = re.sub(r"\{[^}]+\}", "1", template)
        status = httpx.request(method, world.url + url, headers={"origin": world.url}).status_code
        if (method, template) in PUBLIC:
            assert status < 500, (method, template, status)
        elif (method, template) in SIGNED:
            assert status == SIGNED[(method, template)], (method, template, status)
        else:
            assert status in (401, 403), (method, template, status)


@pytest.mark.slow
@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_schemathesis_finds_no_server_error(world: World, who: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    command = shutil.which("schemathesis", path=str(__import__("pathlib").Path(sys.executable).parent))
    if command is None:
        pytest.skip("schemathesis is not installed")
    args = [command, "run", world.url + "/openapi.json", "--checks", "not_a_server_error", "--max-examples", "25",
            "--generation-deterministic", "--request-timeout", "10"]
    if who == "admin":
        cookie = world.login("admin").cookies[COOKIE]
        args += ["--header", f"Cookie: {COOKIE}={cookie}", "--header", f"Origin: {world.url}"]
    run = subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
