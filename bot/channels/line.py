"""LINE delivery with the real line-bot-sdk: reply while the token is fresh, else push with X-Line-Retry-Key."""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    ShowLoadingAnimationRequest,
)
from yarl import URL

from bot.channels import line_render, line_richmenu_sync, line_richmenus
from bot.channels.base import (
    Attachment,
    Batch,
    Delivery,
    NoFile,
    NoProfile,
    Outcome,
    Outgoing,
    Profile,
    SentFile,
)
from bot.pipeline.costs import MONTHLY_LIMIT, Quota
from dialogs.hours import BusinessHours
from dialogs.model import Reply

log = logging.getLogger(__name__)
LOADING_SECONDS = 20  # 5–60, a multiple of 5; disappears when our next message arrives
LOADING_PER_SECOND = 50  # LINE allows 100 req/s for the loading endpoint: stay well under it
LOADING_IN_FLIGHT = 8  # and never let a stalled event loop release a burst of queued calls at once
TRANSIENT = {408, 429, 500, 502, 503, 504}
API_HOST, DATA_HOST = "https://api.line.me", "https://api-data.line.me"  # the content and rich-menu image endpoints


def _failure(exc: ApiException) -> Delivery:
    body = str(exc.body)[:300]
    if exc.status == 429 and MONTHLY_LIMIT in body.lower():  # retrying does not help until next month
        return Delivery(Outcome.FAILED, error=f"LINE 429: {MONTHLY_LIMIT} reached ({body})", status=429)
    outcome = Outcome.RETRY if exc.status in TRANSIENT else Outcome.FAILED
    return Delivery(outcome, error=f"LINE {exc.status}: {body}", status=exc.status)


class LineChannel:
    name = "line"
    pull = False

    def __init__(self, *, access_token: str, base_url: str) -> None:
        self._config = Configuration(host=base_url.rstrip("/"), access_token=access_token)
        self._client: AsyncApiClient | None = None
        self._api: AsyncMessagingApi | None = None
        self._loading_started: deque[float] = deque()  # start times within the last second (a sliding window)
        self._loading_in_flight = 0
        self._menus = line_richmenu_sync.UserMenus()

    def render(self, replies: Sequence[Reply]) -> list[Batch]:
        return line_render.render(replies)

    def render_file(self, sent: SentFile) -> list[Batch]:
        return line_render.render_file(sent)

    def _messaging(self) -> AsyncMessagingApi:
        if self._api is None:  # the SDK's aiohttp session must be created inside the running loop
            with contextlib.suppress(LookupError):  # a proxy from the environment: looked up once, not per call
                self._config.proxy = str(get_env_proxy_for_url(URL(self._config.host))[0])
            self._client = AsyncApiClient(self._config)
            # The SDK's session trusts the environment, which costs two thread hand-offs per call (a netrc file
            # read and a proxy lookup); its Bearer token leaves netrc nothing to add and the proxy is set above.
            rest = self._client.rest_client
            connector = rest.pool_manager.connector
            rest.pool_manager.detach()
            rest.pool_manager = aiohttp.ClientSession(connector=connector, trust_env=False)
            self._api = AsyncMessagingApi(self._client)
        return self._api

    async def _post(self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        """A send through the SDK's client (its auth, transport and ApiException), without its per-call layers:
        the payload was rendered to LINE's JSON by line_render, so building the SDK's pydantic models from it and
        back (and validating every argument twice) would only cost time on every answer."""
        api = self._messaging()
        assert self._client is not None
        await self._client.call_api(
            path, "POST", {}, [], {"Accept": "application/json", "Content-Type": "application/json"} | (headers or {}),
            body=body, post_params=[], files={}, response_types_map={}, auth_settings=["Bearer"],
            _return_http_data_only=True, _preload_content=True, _request_timeout=10, _host=api.line_base_path,
            collection_formats={})

    async def deliver(self, message: Outgoing, *, now: datetime) -> Delivery:
        """Exactly one platform call: the reply when the claim chose it, else a push with the retry key."""
        try:
            return await (self._reply(message) if message.use_reply_token else self._push(message))
        except aiohttp.ClientConnectorError as exc:  # no connection was made: LINE surely has nothing
            return Delivery(Outcome.RETRY, error=f"network: {type(exc).__name__}")
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:  # the request may have been taken
            return Delivery(Outcome.RETRY, error=f"network: {type(exc).__name__}", maybe_accepted=True)

    async def _reply(self, message: Outgoing) -> Delivery:
        try:
            await self._post("/v2/bot/message/reply", {"replyToken": message.reply_token, "messages": message.payload})
            return Delivery(Outcome.SENT, via="reply")
        except ApiException as exc:
            if exc.status != 400:
                return _failure(exc)
            if message.reply_attempted:  # our earlier attempt, whose answer we never saw, used the token
                return Delivery(Outcome.SENT, via="reply", error="reply token used by the earlier attempt")
            log.info("reply token refused for outbox %s; it will be pushed", message.id)
            return Delivery(Outcome.RETRY, error="reply token refused", reply_refused=True, status=400)

    async def _push(self, message: Outgoing) -> Delivery:
        try:
            await self._post("/v2/bot/message/push", {"to": message.recipient, "messages": message.payload},
                             {"X-Line-Retry-Key": message.retry_key})
            return Delivery(Outcome.SENT, via="push")
        except ApiException as exc:
            if exc.status == 409:  # the retry key was accepted before: delivered
                return Delivery(Outcome.SENT, via="push", error="accepted earlier (409)")
            return _failure(exc)

    async def quota(self) -> Quota:
        """The plan's monthly limit and this month's usage (GET /v2/bot/message/quota and …/consumption)."""
        api = self._messaging()
        plan = await api.get_message_quota(_request_timeout=5)
        usage = await api.get_message_quota_consumption(_request_timeout=5)
        limited = str(getattr(plan.type, "value", plan.type)) == "limited"
        return Quota(limit=plan.value if limited else None, used=usage.total_usage)

    def _loading_allowed(self) -> bool:
        """At most LOADING_PER_SECOND starts in any second and LOADING_IN_FLIGHT calls open; else skip (best effort)."""
        now = time.monotonic()
        while self._loading_started and now - self._loading_started[0] >= 1.0:
            self._loading_started.popleft()
        if len(self._loading_started) >= LOADING_PER_SECOND or self._loading_in_flight >= LOADING_IN_FLIGHT:
            return False
        self._loading_started.append(now)
        return True

    async def show_loading(self, user_id: str) -> None:
        """Best effort: the loading animation in a 1:1 chat."""
        if not self._loading_allowed():
            return
        request = ShowLoadingAnimationRequest(chatId=user_id, loadingSeconds=LOADING_SECONDS)
        self._loading_in_flight += 1
        try:
            await self._messaging().show_loading_animation(request, _request_timeout=5)
        except (TimeoutError, ApiException, aiohttp.ClientError, OSError) as exc:
            log.info("loading animation not shown: %s", type(exc).__name__)
        finally:
            self._loading_in_flight -= 1

    async def profile(self, user_id: str) -> Profile:
        """The user's LINE profile (display name, picture); NoProfile when LINE has none (404: not a friend)."""
        try:
            found = await self._messaging().get_profile(user_id, _request_timeout=5)
        except ApiException as exc:
            if exc.status == 404:
                raise NoProfile(user_id) from None
            raise
        return Profile(found.display_name, found.picture_url)

    async def show_menu(self, user_id: str, key: str) -> None:
        """Link the rich menu `key` (line_richmenus.MENUS) to the user; raises on failure (the caller retries)."""
        await self._menus.show(self._messaging(), user_id, key)

    def attachment(self, raw: dict[str, Any]) -> Attachment | None:
        """An image or file message kept on LINE (content provider "line"); None for anything else."""
        message = raw.get("message") if isinstance(raw.get("message"), dict) else None
        if message is None or message.get("type") not in ("image", "file") or not message.get("id"):
            return None
        if (message.get("contentProvider") or {}).get("type", "line") != "line":
            return None  # sent from an external URL: nothing on LINE to fetch
        size = message.get("fileSize")
        return Attachment(str(message["id"]), str(message["type"]), str(message.get("fileName") or ""),
                          int(size) if isinstance(size, int) else None)

    async def fetch_file(self, message_id: str) -> bytes:
        """The content of an owner's image or file from LINE's data host; NoFile once LINE no longer has it."""
        host = self._config.host
        data_host = DATA_HOST if host.rstrip("/") == API_HOST else host
        async with AsyncApiClient(Configuration(host=data_host, access_token=self._config.access_token)) as data:
            try:
                return bytes(await AsyncMessagingApiBlob(data).get_message_content(message_id, _request_timeout=30))
            except ApiException as exc:
                if exc.status in (404, 410):
                    raise NoFile(message_id) from None
                raise

    async def sync_menus(self, hours: BusinessHours | None = None) -> list[str]:
        """`madoguchi line richmenu sync`: the menus, their images, aliases and the default, on LINE. Images go to
        LINE's data host (a host set for tests, e.g. a fake server, serves both)."""
        host = self._config.host
        data_host = DATA_HOST if host.rstrip("/") == API_HOST else host
        async with AsyncApiClient(Configuration(host=data_host, access_token=self._config.access_token)) as data:
            menus = line_richmenus.menus(hours) if hours is not None else None
            return await line_richmenu_sync.sync(self._messaging(), AsyncMessagingApiBlob(data), menus)

    async def acknowledge(self, raw: dict[str, Any]) -> None:
        return None  # LINE needs nothing: the webhook's 200 is the acknowledgement

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = self._api = None
