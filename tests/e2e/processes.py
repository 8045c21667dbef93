"""The bot as real subprocesses (`python -m bot serve|worker`), so tests can SIGKILL them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.settings import Settings
from tests.fakes.server import free_port

REPO = Path(__file__).resolve().parents[2]


def env_for(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    for name, value in settings.model_dump().items():
        if value is not None:
            shown = json.dumps(value) if isinstance(value, list | dict) else str(value)
            env[f"MADOGUCHI_{name.upper()}"] = str(value).lower() if isinstance(value, bool) else shown
    env["PYTHONPATH"] = str(REPO)
    return env | extra


class BotProcess:
    def __init__(self, settings: Settings, command: str, workdir: Path, **extra_env: str) -> None:
        self.command = command
        self.embedded_worker = settings.embedded_worker
        self.port = free_port()
        self.env = env_for(settings, **extra_env)
        self.log_path = workdir / f"{command}-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BotProcess:
        args = [sys.executable, "-m", "bot", self.command]
        if self.command == "serve":
            args += ["--port", str(self.port)]
        self.log = self.log_path.open("ab")
        self.proc = subprocess.Popen(args, env=self.env, cwd=self.log_path.parent, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self._wait_started()
        return self

    def _wait_started(self) -> None:
        deadline = time.monotonic() + 180  # a busy shared machine can take minutes to import
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.command} exited: {self.log_path.read_text()[-2000:]}")
            if self.command == "serve":
                try:
                    answer = httpx.get(self.url + "/readyz", timeout=1)
                    checks = answer.json().get("checks", {})
                    if answer.status_code == 200 or (checks.get("database") and checks.get("schema")
                                                     and not self.embedded_worker):
                        return  # a web process without its own worker is up before any worker beats
                except httpx.HTTPError:
                    pass
            elif b"running" in self.log_path.read_bytes():
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.command} did not start: {self.log_path.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no finally blocks, exactly like a crash."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.log.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.log.close()
