"""Telegram delivery with python-telegram-bot: sendMessage per outbox row; callback queries answered at once.

Telegram has no retry key: a process killed after Telegram accepted a message but before we recorded it may
send that message again after the restart (LINE's pushes do not have this window)."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.channels import telegram_commands, telegram_render
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
from dialogs.model import Reply

log = logging.getLogger(__name__)
FileLoader = Callable[[int], Awaitable[bytes | None]]  # a desk file's bytes by id (None: purged meanwhile)


class TelegramChannel:
    name = "telegram"
    pull = False

    def __init__(self, *, token: str, base_url: str) -> None:
        self._bot = Bot(token, base_url=base_url.rstrip("/") + "/bot", base_file_url=base_url.rstrip("/") + "/file/bot")
        self._ready = False
        self.files: FileLoader | None = None  # set by the shell (bot/services.py): reads desk files' bytes

    async def _api(self) -> Bot:
        if not self._ready:  # getMe, inside the running loop
            await self._bot.initialize()
            self._ready = True
        return self._bot

    def render(self, replies: Sequence[Reply]) -> list[Batch]:
        return telegram_render.render(replies)

    def render_file(self, sent: SentFile) -> list[Batch]:
        return telegram_render.render_file(sent)

    async def _upload(self, chat_id: int, payload: dict[str, Any]) -> Delivery:
        """sendPhoto / sendDocument with the desk file's bytes (multipart upload)."""
        data = await self.files(int(payload["upload"])) if self.files is not None else None
        if data is None:
            return Delivery(Outcome.FAILED, error="telegram: the file is no longer kept")
        api = await self._api()
        upload = InputFile(data, filename=str(payload.get("file_name") or "file"))
        caption = str(payload.get("caption") or "") or None
        if payload.get("method") == "photo":
            await api.send_photo(chat_id=chat_id, photo=upload, caption=caption)
        else:
            await api.send_document(chat_id=chat_id, document=upload, caption=caption)
        return Delivery(Outcome.SENT, via="upload")

    async def deliver(self, message: Outgoing, *, now: datetime) -> Delivery:
        [payload] = message.payload
        keyboard = json.loads(payload["reply_markup"]) if "reply_markup" in payload else None
        markup = InlineKeyboardMarkup.de_json(keyboard, None) if keyboard else None
        try:
            if "upload" in payload:
                return await self._upload(int(message.recipient), payload)
            await (await self._api()).send_message(chat_id=int(message.recipient), text=payload["text"],
                                                   reply_markup=markup)
            return Delivery(Outcome.SENT, via="send")
        except RetryAfter:
            return Delivery(Outcome.RETRY, error="telegram: RetryAfter", status=429)
        except (TimedOut, NetworkError) as exc:  # TimedOut is a NetworkError too
            return Delivery(Outcome.RETRY, error=f"telegram: {type(exc).__name__}")
        except (BadRequest, Forbidden) as exc:
            return Delivery(Outcome.FAILED, error=f"telegram: {exc.message[:200]}",
                            status=403 if isinstance(exc, Forbidden) else 400)
        except TelegramError as exc:
            return Delivery(Outcome.RETRY, error=f"telegram: {exc.message[:200]}")

    def attachment(self, raw: dict[str, Any]) -> Attachment | None:
        """A photo (its largest size) or a document in a private message; None for anything else."""
        message = raw.get("message") if isinstance(raw.get("message"), dict) else None
        if message is None:
            return None
        photos, document = message.get("photo"), message.get("document")
        if isinstance(photos, list) and photos:
            largest = photos[-1]
            return Attachment(str(largest["file_id"]), "image", "", largest.get("file_size"))
        if isinstance(document, dict) and document.get("file_id"):
            return Attachment(str(document["file_id"]), "file", str(document.get("file_name") or ""),
                              document.get("file_size"))
        return None

    async def fetch_file(self, message_id: str) -> bytes:
        """getFile, then the download (the Bot API serves files up to 20 MB); NoFile when Telegram has it no more."""
        try:
            found = await (await self._api()).get_file(message_id)
            return bytes(await found.download_as_bytearray())
        except BadRequest:
            raise NoFile(message_id) from None

    async def profile(self, user_id: str) -> Profile:
        """The name the user shows on Telegram (getChat: first and last name, else the username); no picture URL
        (Telegram's file links carry the bot token). NoProfile when Telegram has no such chat or we are blocked."""
        try:
            chat = await (await self._api()).get_chat(int(user_id))
        except (BadRequest, Forbidden):
            raise NoProfile(user_id) from None
        name = " ".join(n for n in (chat.first_name, chat.last_name) if n) or (chat.username or "")
        if not name:
            raise NoProfile(user_id)
        return Profile(name)

    async def show_loading(self, user_id: str) -> None:
        try:
            await (await self._api()).send_chat_action(chat_id=int(user_id), action="typing")
        except TelegramError as exc:
            log.info("typing action not shown: %s", type(exc).__name__)

    async def acknowledge(self, raw: dict[str, Any]) -> None:
        """Answer a callback query so the client stops its spinner (best effort)."""
        query = raw.get("callback_query")
        if not isinstance(query, dict) or "id" not in query:
            return
        try:
            await (await self._api()).answer_callback_query(str(query["id"]))
        except TelegramError as exc:
            log.info("callback query not answered: %s", type(exc).__name__)

    async def set_webhook(self, url: str, secret_token: str) -> bool:
        return bool(await (await self._api()).set_webhook(url, secret_token=secret_token))

    async def set_commands(self) -> bool:
        """Telegram's menu (the "/" button): our commands, for every client and for Japanese ones."""
        api = await self._api()
        commands = telegram_commands.bot_commands()
        return all([await api.set_my_commands(commands, language_code=lang) for lang in telegram_commands.LANGUAGES])

    async def aclose(self) -> None:
        if self._ready:
            await self._bot.shutdown()
            self._ready = False
