"""`madoguchi staff …`: the first admin is printed once; accounts are added, re-passworded and disabled."""

from __future__ import annotations

import subprocess
import sys

import httpx

from bot.settings import Settings
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.processes import REPO, env_for


def madoguchi(settings: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          env=env_for(settings), cwd=REPO, timeout=60)


def test_staff_commands(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url)
    first = madoguchi(settings, "staff", "bootstrap")
    assert first.returncode == 0 and "admin@localhost" in first.stdout
    password = first.stdout.split("パスワード: ")[1].split()[0]
    assert len(password) >= 12
    assert madoguchi(settings, "staff", "bootstrap").stdout == ""  # printed once, never again
    added = madoguchi(settings, "staff", "add", "adv@kikuyo.example", "--role", "advisor", "--org", "菊陽町商工会",
                      stdin="advisor-password\n")
    assert added.returncode == 0, added.stderr
    refused = madoguchi(settings, "staff", "add", "x@example.jp", "--role", "advisor", stdin="advisor-password\n")
    assert refused.returncode == 1 and "所属組織" in refused.stderr
    with LiveBot(settings) as bot:
        client = httpx.Client(base_url=bot.server.url, headers={"origin": bot.server.url})
        assert client.post("/login", data={"email": "admin@localhost", "password": password}).status_code == 303
        assert client.post("/login", data={"email": "adv@kikuyo.example", "password": "advisor-password"}
                           ).status_code == 303
        assert client.get("/cases").status_code == 200
        assert madoguchi(settings, "staff", "passwd", "adv@kikuyo.example", stdin="another-password\n").returncode == 0
        assert client.get("/cases").status_code == 401  # a new password ends the sessions
        assert client.post("/login", data={"email": "adv@kikuyo.example", "password": "another-password"}
                           ).status_code == 303
        assert madoguchi(settings, "staff", "disable", "adv@kikuyo.example").returncode == 0
        assert client.get("/cases").status_code == 401
        assert client.post("/login", data={"email": "adv@kikuyo.example", "password": "another-password"}
                           ).status_code == 401
