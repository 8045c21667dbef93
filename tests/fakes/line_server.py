"""A local fake of the LINE Messaging API that the real line-bot-sdk talks to (Configuration(host=…)).

It records reply/push/loading calls, serves the monthly quota and its consumption (and answers a push over the
quota with LINE's 429 "You have reached your monthly limit."), rejects reused or expired reply tokens (400), answers a repeated
X-Line-Retry-Key with 409, and lists every platform-limit violation in `violations` (the test fixture fails
the test when it is not empty). Faults can be injected: failures, and holding a response after acceptance
(to let a test kill the bot between "LINE accepted it" and "the bot recorded it").
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.line_limits import message_problems
from tests.fakes.line_richmenu import RichMenus
from tests.fakes.server import ThreadedServer

ACCESS_TOKEN = "fake-line-access-token"
CHANNEL_SECRET = "8c570fa6dd201bb328f1c1eac23a96d8"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
TOKEN_LIFETIME = 60.0


def _sent(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"sentMessages": [{"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex} for _ in messages]}


@dataclass
class Call:
    kind: str  # reply | push | loading
    to: str
    messages: list[dict[str, Any]]
    at: float
    retry_key: str | None = None
    reply_token: str | None = None

    @property
    def texts(self) -> list[str]:
        return [m.get("text") or m.get("altText") or "" for m in self.messages]


@dataclass
class FakeLine:
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    tokens: dict[str, tuple[str, float]] = field(default_factory=dict)  # token -> (user, issued_at)
    used_tokens: set[str] = field(default_factory=set)
    retry_keys: dict[str, str] = field(default_factory=dict)
    failures: dict[str, list[int]] = field(default_factory=dict)  # kind -> statuses to answer next
    hold_after_accept: set[str] = field(default_factory=set)
    hold_before_accept: set[str] = field(default_factory=set)
    arrived: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _loading_window: list[float] = field(default_factory=list)
    on_delivery: Callable[[Call], None] | None = None  # benchmarks: told of every accepted reply/push
    profiles: dict[str, dict[str, str]] = field(default_factory=dict)  # userId → profile; anyone else: 404
    profile_calls: list[str] = field(default_factory=list)  # userIds asked for (kept apart from `calls`)
    _profile_window: list[float] = field(default_factory=list)
    profile_delay: float = 0.0  # seconds the profile API takes to answer
    richmenus: RichMenus = field(init=False)
    contents: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # message id → (bytes, type); else 404
    content_calls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.richmenus = RichMenus(self._refuse)
    latency: float = 0.0  # seconds each reply/push takes, like the real API's round trip
    token_lifetime: float = TOKEN_LIFETIME  # LINE's reply-token window (crash tests stretch it for slow restarts)
    quota_limit: int | None = None  # the plan's monthly push limit (None: type "none", unlimited)
    quota_used: int = 0  # pushes counted this month before the test's own (each accepted push adds one)

    # --- test helpers -------------------------------------------------------------------------------------
    def issue_token(self, user: str, *, age: float = 0.0) -> str:
        token = uuid.uuid4().hex
        with self.lock:
            self.tokens[token] = (user, time.time() - age)
        return token

    def fail_next(self, kind: str, *statuses: int) -> None:
        with self.lock:
            self.failures.setdefault(kind, []).extend(statuses)

    def delivered(self, user: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.kind in ("reply", "push") and (user is None or c.to == user)]

    def texts_to(self, user: str) -> list[str]:
        return [t for c in self.delivered(user) for t in c.texts]

    def loading(self, user: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.kind == "loading" and (user is None or c.to == user)]

    # --- the API --------------------------------------------------------------------------------------
    def _injected(self, kind: str) -> int | None:
        with self.lock:
            queue = self.failures.get(kind)
            return queue.pop(0) if queue else None

    def _refuse(self, kind: str, status: int, message: str, *, violation: bool = False) -> JSONResponse:
        with self.lock:
            self.refused[f"{kind}:{status}"] += 1
            if violation:
                self.violations.append(f"{kind}: {message}")
        return JSONResponse({"message": message}, status_code=status)

    async def _accept(self, call: Call, response: Response) -> Response:
        if self.latency:
            await asyncio.sleep(self.latency)
        with self.lock:
            self.calls.append(call)
            hold = call.kind in self.hold_after_accept
        if self.on_delivery is not None:
            self.on_delivery(call)
        deadline = time.monotonic() + 3600
        while hold and call.kind in self.hold_after_accept and time.monotonic() < deadline:
            await asyncio.sleep(0.02)  # the bot is killed meanwhile, or the test lets the answer go (clear())
        return response

    async def api_reply(self, request: Request) -> Response:
        body = await request.json()
        if (status := self._injected("reply")) is not None:
            return self._refuse("reply", status, "injected failure")
        token = body.get("replyToken", "")
        with self.lock:
            known = self.tokens.get(token)
            fresh = known is not None and time.time() - known[1] < self.token_lifetime and token not in self.used_tokens
            if fresh:
                self.used_tokens.add(token)
        if not fresh or known is None:
            return self._refuse("reply", 400, "Invalid reply token")
        if problems := message_problems(body.get("messages")):
            return self._refuse("reply", 400, "; ".join(problems), violation=True)
        return await self._accept(Call("reply", known[0], body["messages"], time.time(), reply_token=token),
                                  JSONResponse(_sent(body["messages"])))

    async def api_push(self, request: Request) -> Response:
        body = await request.json()
        key = request.headers.get("x-line-retry-key")
        if key is not None and not UUID_RE.match(key):
            return self._refuse("push", 400, f"retry key {key!r} is not a UUID", violation=True)
        with self.lock:
            accepted = self.retry_keys.get(key) if key else None
        if accepted:
            return JSONResponse({"message": "The retry key is already accepted"}, status_code=409,
                                headers={"x-line-accepted-request-id": accepted})
        if (status := self._injected("push")) is not None:
            return self._refuse("push", status, "injected failure")
        if problems := message_problems(body.get("messages")):
            return self._refuse("push", 400, "; ".join(problems), violation=True)
        if not body.get("to"):
            return self._refuse("push", 400, "no 'to'", violation=True)
        with self.lock:
            over = self.quota_limit is not None and self.quota_used + len(body["messages"]) > self.quota_limit
            if not over:
                self.quota_used += len(body["messages"])  # LINE counts messages, not calls
        if over:
            return self._refuse("push", 429, "You have reached your monthly limit.")
        if key:
            with self.lock:
                self.retry_keys[key] = uuid.uuid4().hex
        return await self._accept(Call("push", body["to"], body["messages"], time.time(), key),
                                  JSONResponse(_sent(body["messages"]), headers={"x-line-request-id": key or ""}))

    async def api_loading(self, request: Request) -> Response:
        body = await request.json()
        seconds = body.get("loadingSeconds", 20)
        if not (isinstance(seconds, int) and 5 <= seconds <= 60 and seconds % 5 == 0):
            return self._refuse("loading", 400, f"loadingSeconds {seconds!r}", violation=True)
        now = time.time()
        with self.lock:
            self._loading_window = [t for t in self._loading_window if now - t < 1.0] + [now]
            too_fast = len(self._loading_window) > 100
        if too_fast:
            return self._refuse("loading", 429, "loading rate over 100 req/s", violation=True)
        with self.lock:
            self.calls.append(Call("loading", body.get("chatId", ""), [], now))
        return JSONResponse({}, status_code=202)

    async def api_quota(self, request: Request) -> Response:
        with self.lock:
            limit = self.quota_limit
        return JSONResponse({"type": "none"} if limit is None else {"type": "limited", "value": limit})

    async def api_consumption(self, request: Request) -> Response:
        with self.lock:
            return JSONResponse({"totalUsage": self.quota_used})

    def add_friend(self, user: str, name: str, picture: str | None = None) -> None:
        """A user who follows the bot: the profile API knows them."""
        with self.lock:
            self.profiles[user] = {"userId": user, "displayName": name, "language": "ja",
                                   **({"pictureUrl": picture} if picture else {})}

    async def api_profile(self, request: Request) -> Response:
        """GET /v2/bot/profile/{userId}: 404 unless the user is a friend; 429 over 2,000 req/s."""
        user = request.path_params["user"]
        now = time.time()
        with self.lock:
            self.profile_calls.append(user)
            self._profile_window = [t for t in self._profile_window if now - t < 1.0] + [now]
            too_fast = len(self._profile_window) > 2000
            found = self.profiles.get(user)
        if too_fast:
            return self._refuse("profile", 429, "profile rate over 2,000 req/s", violation=True)
        if self.profile_delay:
            await asyncio.sleep(self.profile_delay)
        if (status := self._injected("profile")) is not None:
            return self._refuse("profile", status, "injected failure")
        return JSONResponse(found) if found else self._refuse("profile", 404, "Not found")

    async def api_content(self, request: Request) -> Response:
        """GET (data host) /v2/bot/message/{messageId}/content: what the owner sent, while LINE still keeps it."""
        message_id = request.path_params["id"]
        with self.lock:
            self.content_calls.append(message_id)
            found = self.contents.get(message_id)
        if (status := self._injected("content")) is not None:
            return self._refuse("content", status, "injected failure")
        if found is None:
            return self._refuse("content", 404, "Not found")
        return Response(found[0], media_type=found[1])

    def authorized(self, request: Request) -> bool:
        if request.headers.get("authorization") == f"Bearer {ACCESS_TOKEN}":
            return True
        self._refuse("auth", 401, "Authentication failed", violation=True)
        return False

    def app(self) -> Starlette:
        def guard(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
            async def checked(request: Request) -> Response:
                if not self.authorized(request):
                    return JSONResponse({"message": "Authentication failed"}, status_code=401)
                return await handler(request)
            return checked

        async def profile(request: Request) -> Response:
            if not self.authorized(request):
                return JSONResponse({"message": "Authentication failed"}, status_code=401)
            return await self.api_profile(request)

        async def guarded(request: Request) -> Response:
            if not self.authorized(request):
                return JSONResponse({"message": "Authentication failed"}, status_code=401)
            kind = request.url.path.rsplit("/", 1)[-1]
            with self.lock:
                self.arrived[kind] += 1
                hold = kind in self.hold_before_accept
            if hold:
                await asyncio.sleep(3600)  # never accepted: the bot is killed meanwhile
            handler = {
                "/v2/bot/message/reply": self.api_reply,
                "/v2/bot/message/push": self.api_push,
                "/v2/bot/chat/loading/start": self.api_loading,
                "/v2/bot/message/quota": self.api_quota,
                "/v2/bot/message/quota/consumption": self.api_consumption,
            }.get(request.url.path)
            if handler is None:
                return self._refuse("unknown", 404, f"not faked: {request.url.path}", violation=True)
            return await handler(request)

        paths = ["/v2/bot/message/reply", "/v2/bot/message/push", "/v2/bot/chat/loading/start"]
        reads = ["/v2/bot/message/quota", "/v2/bot/message/quota/consumption"]
        return Starlette(routes=[*(Route(p, guarded, methods=["POST"]) for p in paths),
                                 *(Route(p, guarded, methods=["GET"]) for p in reads),
                                 Route("/v2/bot/profile/{user}", profile, methods=["GET"]),
                                 Route("/v2/bot/message/{id}/content", guard(self.api_content), methods=["GET"]),
                                 *self.richmenus.routes(guard)])


def start_fake_line() -> tuple[FakeLine, ThreadedServer]:
    fake = FakeLine()
    server = ThreadedServer(fake.app()).__enter__()
    return fake, server
