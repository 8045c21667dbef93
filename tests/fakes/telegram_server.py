"""A local fake of the Telegram Bot API for the real python-telegram-bot client (base_url=…/bot).

It answers getMe, sendMessage, sendPhoto and sendDocument (uploads), sendChatAction, answerCallbackQuery, setWebhook, setMyCommands and getMyCommands in
the Bot API's envelope ({"ok": true, "result": …}), records calls, and lists every limit violation (text ≤ 4,096,
callback data ≤ 64 bytes, a callback query answered once; commands: 1–100, names of 1–32 a-z/0-9/_ and unique,
descriptions of 1–256 characters, a two-letter language code) in `violations`."""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOKEN = "123456:fake-telegram-token"
SECRET = "fake-secret_token-1"
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")


@dataclass
class Sent:
    chat_id: int
    text: str
    buttons: list[dict[str, str]]


@dataclass
class Upload:
    """A file the bot uploaded (sendPhoto / sendDocument as multipart/form-data)."""

    chat_id: int
    method: str  # sendPhoto | sendDocument
    file_name: str
    content: bytes
    caption: str


@dataclass
class FakeTelegram:
    sent: list[Sent] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    webhooks: list[dict[str, Any]] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)
    commands: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # language code ("" default) → list
    users: dict[int, dict[str, str]] = field(default_factory=dict)  # chat id → first_name/last_name/username
    chats_read: list[int] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # file_id → content (getFile, then the download)
    downloads: list[str] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    open_queries: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    url: str = ""

    def query_id(self) -> str:
        """A callback query id as Telegram would send one (it must be answered once)."""
        qid = f"cq{next(self._ids)}"
        with self.lock:
            self.open_queries.add(qid)
        return qid

    def to(self, chat_id: int) -> list[Sent]:
        with self.lock:
            return [s for s in self.sent if s.chat_id == chat_id]

    def _bad(self, problem: str) -> JSONResponse:
        with self.lock:
            self.violations.append(problem)
        return JSONResponse({"ok": False, "error_code": 400, "description": f"Bad Request: {problem}"}, 400)

    def _send_message(self, params: dict[str, Any]) -> JSONResponse:
        text = str(params.get("text", ""))
        if not 1 <= len(text.encode("utf-16-le")) // 2 <= 4096:
            return self._bad(f"message text is empty or too long ({len(text)})")
        buttons: list[dict[str, str]] = []
        if params.get("reply_markup"):
            markup = params["reply_markup"]
            markup = json.loads(markup) if isinstance(markup, str) else markup
            buttons = [b for row in markup.get("inline_keyboard", []) for b in row]
            for b in buttons:
                if not b.get("text") or not 1 <= len(b.get("callback_data", "").encode()) <= 64:
                    return self._bad(f"BUTTON_DATA_INVALID {b}")
        chat_id = int(params["chat_id"])
        with self.lock:
            self.sent.append(Sent(chat_id, text, buttons))
            message_id = len(self.sent)
        return JSONResponse({"ok": True, "result": {"message_id": message_id, "date": int(time.time()),
                                                    "chat": {"id": chat_id, "type": "private"}, "text": text}})

    async def _upload(self, method: str, params: dict[str, Any]) -> JSONResponse:
        """A photo (≤ 10 MB) or a document (≤ 50 MB) uploaded as a multipart part; caption ≤ 1,024 characters."""
        field_name = "photo" if method == "sendPhoto" else "document"
        part = params.get(field_name)
        if part is None or isinstance(part, str):
            return self._bad(f"{method}: no file uploaded in {field_name!r} (a file_id or URL is not faked)")
        content = await part.read()
        limit = 10 * 1024 * 1024 if method == "sendPhoto" else 50 * 1024 * 1024
        caption = str(params.get("caption") or "")
        if not 1 <= len(content) <= limit:
            return self._bad(f"{method}: file of {len(content)} bytes")
        if len(caption) > 1024:
            return self._bad(f"{method}: caption of {len(caption)} characters")
        chat_id = int(params["chat_id"])
        with self.lock:
            self.uploads.append(Upload(chat_id, method, part.filename or "", content, caption))
            message_id = len(self.sent) + len(self.uploads)
        return JSONResponse({"ok": True, "result": {"message_id": message_id, "date": int(time.time()),
                                                    "chat": {"id": chat_id, "type": "private"}}})

    def _answer(self, params: dict[str, Any]) -> JSONResponse:
        qid = str(params.get("callback_query_id"))
        with self.lock:
            known = qid in self.open_queries
            self.open_queries.discard(qid)
            if known:
                self.answered.append(qid)
        return JSONResponse({"ok": True, "result": True}) if known else self._bad(f"query {qid} is too old or unknown")

    def _set_commands(self, params: dict[str, Any]) -> JSONResponse:
        raw = params.get("commands")
        try:
            commands = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            return self._bad("commands is not JSON")
        if not isinstance(commands, list) or not 0 <= len(commands) <= 100:
            return self._bad("commands must be a list of at most 100")
        names = [str(c.get("command", "")) for c in commands if isinstance(c, dict)]
        if len(names) != len(commands) or len(set(names)) != len(names):
            return self._bad("commands must be objects with unique names")
        for c in commands:
            if not COMMAND_NAME.match(c["command"]):
                return self._bad(f"BOT_COMMAND_INVALID {c['command']!r}")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                return self._bad(f"BOT_COMMAND_DESCRIPTION_INVALID for {c['command']!r}")
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            return self._bad(f"language code {language!r}")
        with self.lock:
            self.commands[language] = [{"command": c["command"], "description": c["description"]} for c in commands]
        return JSONResponse({"ok": True, "result": True})

    def _get_commands(self, params: dict[str, Any]) -> JSONResponse:
        with self.lock:
            found = self.commands.get(str(params.get("language_code") or ""), [])
        return JSONResponse({"ok": True, "result": found})

    def app(self) -> Starlette:
        async def method(request: Request) -> JSONResponse:
            token, name = request.path_params["token"], request.path_params["method"]
            if token != TOKEN:
                return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
            if request.headers.get("content-type", "").startswith("application/json"):
                params = await request.json()
            else:
                params = dict(await request.form())
            if name == "getMe":
                return JSONResponse({"ok": True, "result": {"id": 123456, "is_bot": True, "first_name": "madoguchi",
                                                            "username": "madoguchi_bot"}})
            if name == "sendMessage":
                return self._send_message(params)
            if name in ("sendPhoto", "sendDocument"):
                return await self._upload(name, params)
            if name == "answerCallbackQuery":
                return self._answer(params)
            if name == "sendChatAction":
                with self.lock:
                    self.actions.append(int(params["chat_id"]))
                return JSONResponse({"ok": True, "result": True})
            if name == "getChat":
                chat_id = int(params["chat_id"])
                with self.lock:
                    self.chats_read.append(chat_id)
                    user = self.users.get(chat_id)
                if user is None:  # not a violation: Telegram answers this for chats the bot does not know
                    return JSONResponse({"ok": False, "error_code": 400, "description": "Bad Request: chat not found"},
                                        400)
                return JSONResponse({"ok": True, "result": {"id": chat_id, "type": "private", **user,
                                                            "accent_color_id": 0, "max_reaction_count": 11,
                                                            "accepted_gift_types": {"unlimited_gifts": True,
                                                                                    "limited_gifts": True,
                                                                                    "unique_gifts": True,
                                                                                    "premium_subscription": True,
                                                                                    "gifts_from_channels": True}}})
            if name == "getFile":
                file_id = str(params.get("file_id"))
                with self.lock:
                    content = self.files.get(file_id)
                if content is None:
                    return JSONResponse({"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"},
                                        400)
                return JSONResponse({"ok": True, "result": {"file_id": file_id, "file_unique_id": f"u-{file_id}",
                                                            "file_size": len(content),
                                                            "file_path": f"documents/{file_id}"}})
            if name == "setMyCommands":
                return self._set_commands(params)
            if name == "getMyCommands":
                return self._get_commands(params)
            if name == "setWebhook":
                with self.lock:
                    self.webhooks.append(params)
                return JSONResponse({"ok": True, "result": True})
            return self._bad(f"method {name} is not faked")

        async def download(request: Request) -> Response:
            if request.path_params["token"] != TOKEN:
                return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
            file_id = request.path_params["path"].rsplit("/", 1)[-1]
            with self.lock:
                self.downloads.append(file_id)
                content = self.files.get(file_id)
            return Response(content, media_type="application/octet-stream") if content is not None else \
                JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

        return Starlette(routes=[Route("/bot{token}/{method}", method, methods=["POST", "GET"]),
                                 Route("/file/bot{token}/{path:path}", download, methods=["GET"])])
