"""The bot served live (uvicorn in a thread) with helpers to post signed LINE webhooks and wait for results."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from bot.db.tables import InboxEvent, OutboxMessage
from bot.settings import Settings
from bot.web.app import create_app
from tests.fakes import line_events
from tests.fakes.line_server import CHANNEL_SECRET
from tests.fakes.server import ThreadedServer


class LiveBot:
    def __init__(self, settings: Settings, **app_kwargs: Any) -> None:
        self.settings = settings
        self.server = ThreadedServer(create_app(settings, **app_kwargs))
        self.engine = create_engine(settings.sqlalchemy_url())

    def __enter__(self) -> LiveBot:
        self.server.__enter__()
        self.client = httpx.Client(base_url=self.server.url, timeout=30)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.server.__exit__(*exc)
        self.engine.dispose()

    def post(self, *events: dict[str, Any], secret: str = CHANNEL_SECRET) -> httpx.Response:
        raw = line_events.body(*events)
        return self.client.post("/webhooks/line", content=raw, headers=line_events.headers(secret, raw))

    def count(self, model: type, *where: Any) -> int:
        with Session(self.engine) as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    def rows(self, model: type, *where: Any) -> list[Any]:
        """Rows of a table (detached: read their attributes freely)."""
        with Session(self.engine, expire_on_commit=False) as session:
            found = list(session.scalars(select(model).where(*where)))
            session.expunge_all()
            return found

    def settled(self) -> bool:
        """No pending inbox event and no pending outbox row."""
        return (self.count(InboxEvent, InboxEvent.status == "pending") == 0
                and self.count(OutboxMessage, OutboxMessage.status == "pending") == 0)


def wait_until(check: Callable[[], bool], timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")
