"""A business owner on Telegram: the same say/tap/last interface as tests.e2e.owner.Owner (LINE)."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

from sqlalchemy.orm import Session

from handoff.cases import list_cases
from tests.e2e.harness import LiveBot, wait_until
from tests.fakes.telegram_server import SECRET, FakeTelegram

_updates = itertools.count(1000)


class TelegramOwner:
    def __init__(self, bot: LiveBot, fake: FakeTelegram, chat_id: int) -> None:
        self.bot, self.fake, self.chat_id = bot, fake, chat_id
        self.heard: list[list[str]] = []
        self.offered: dict[str, str] = {}
        self.queries: list[str] = []

    def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {"content-type": "application/json"}
        if secret is not None:
            headers["x-telegram-bot-api-secret-token"] = secret
        body = json.dumps(update, ensure_ascii=False).encode()
        return self.bot.client.post("/webhooks/telegram", content=body, headers=headers).status_code

    def message(self, text: str, update_id: int | None = None) -> dict[str, Any]:
        who = {"id": self.chat_id, "is_bot": False, "first_name": "オーナー"}
        return {"update_id": update_id or next(_updates), "message": {
            "message_id": next(_updates), "date": int(time.time()), "from": who,
            "chat": {"id": self.chat_id, "type": "private"}, "text": text}}

    def _turn(self, update: dict[str, Any]) -> list[str]:
        before = len(self.fake.to(self.chat_id))
        assert self.post(update) == 200
        wait_until(lambda: len(self.fake.to(self.chat_id)) > before and self.bot.settled(), what="the answer")
        sent = self.fake.to(self.chat_id)[before:]
        self.offered = {b["text"]: b["callback_data"] for b in sent[-1].buttons}
        self.heard.append([s.text for s in sent])
        return self.heard[-1]

    def start(self) -> list[str]:
        return self._turn(self.message("/start"))

    def say(self, text: str) -> list[str]:
        return self._turn(self.message(text))

    def tap(self, label: str) -> list[str]:
        assert label in self.offered, f"{label!r} not offered; offered: {list(self.offered)}"
        query = self.fake.query_id()
        self.queries.append(query)
        who = {"id": self.chat_id, "is_bot": False, "first_name": "オーナー"}
        return self._turn({"update_id": next(_updates), "callback_query": {
            "id": query, "from": who, "chat_instance": "ci", "data": self.offered[label],
            "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": self.chat_id, "type": "private"},
                        "text": "…"}}})

    @property
    def last(self) -> str:
        return "\n".join(self.heard[-1])

    def cases(self) -> list[dict[str, Any]]:
        with Session(self.bot.engine) as session:
            return list_cases(session=session)
