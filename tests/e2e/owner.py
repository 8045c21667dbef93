"""A business owner on LINE, for end-to-end tests: types, taps quick replies by their label, reads the answers."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy.orm import Session

from handoff.cases import list_cases
from tests.e2e.harness import LiveBot, wait_until
from tests.fakes import line_events
from tests.fakes.line_server import FakeLine


class Owner:
    def __init__(self, bot: LiveBot, fake: FakeLine, user: str) -> None:
        self.bot, self.fake, self.user = bot, fake, user
        self.clock_ms: int | None = None  # None: now; else the events' own timestamps (to test long pauses)
        self.heard: list[list[str]] = []
        self.offered: dict[str, str] = {}

    def _send(self, name: str, **fields: Any) -> list[str]:
        before = len(self.fake.delivered(self.user))
        event = line_events.event(name, self.user, token=self.fake.issue_token(self.user), ts_ms=self.clock_ms, **fields)
        assert self.bot.post(event).status_code == 200
        wait_until(lambda: len(self.fake.delivered(self.user)) > before, what=f"an answer to {fields}")
        call = self.fake.delivered(self.user)[-1]
        items = (call.messages[-1].get("quickReply") or {}).get("items", [])
        self.offered = {i["action"]["label"]: i["action"]["data"] for i in items}
        texts = [t for c in self.fake.delivered(self.user)[before:] for t in c.texts]
        self.heard.append(texts)
        return texts

    def follow(self) -> list[str]:
        return self._send("follow")

    def say(self, text: str) -> list[str]:
        return self._send("text", message__text=text)

    def tap(self, label: str) -> list[str]:
        assert label in self.offered, f"{label!r} not offered; offered: {list(self.offered)}"
        return self._send("postback", postback__data=self.offered[label])

    def sticker(self) -> list[str]:
        return self._send("sticker")

    def later(self, days: float) -> None:
        self.clock_ms = int((time.time() + days * 86400) * 1000)

    @property
    def last(self) -> str:
        return "\n".join(self.heard[-1])

    def cases(self) -> list[dict[str, Any]]:
        with Session(self.bot.engine) as session:
            return [c for c in list_cases(session=session)]
