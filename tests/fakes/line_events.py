"""Signed LINE webhook bodies, shaped like line-bot-sdk's recorded fixtures (tests/data/line/*.json)."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

from tests.fakes import ulid_like

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "line"


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def fixture(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def event(name: str, user: str, *, token: str | None = None, ts_ms: int | None = None,
          event_id: str | None = None, **fields: Any) -> dict[str, Any]:
    """A recorded event with our user, reply token, time and id; `fields` overwrite nested keys."""
    ev = fixture(name)
    ev["source"] = {"type": "user", "userId": user}
    ev["timestamp"] = ts_ms if ts_ms is not None else int(time.time() * 1000)
    ev["webhookEventId"] = event_id or ulid_like.new()
    if token is not None:
        ev["replyToken"] = token
    for path, value in fields.items():
        target = ev
        *parents, leaf = path.split("__")
        for p in parents:
            target = target[p]
        target[leaf] = value
    return ev


def body(*events: dict[str, Any], destination: str = "U8e742f61d673b39c7fff3cecb7536ef0") -> bytes:
    return json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False).encode()


def headers(secret: str, raw: bytes) -> dict[str, str]:
    return {"x-line-signature": sign(secret, raw), "content-type": "application/json"}
