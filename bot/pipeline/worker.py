"""The worker: turn loops and send loops in one event loop; as many processes as you like share the database."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Channel, Delivery, Outcome, Outgoing
from bot.db.tables import InboxEvent, utcnow
from bot.pipeline import outbox
from bot.pipeline.turns import Dialog, TurnContext, process_one
from bot.settings import Settings

log = logging.getLogger(__name__)


class Pipeline:
    """Takes pending events turn by turn (per conversation, in order) and delivers the outbox."""

    def __init__(
        self, *, settings: Settings, session_factory: sessionmaker[Session], channels: Mapping[str, Channel],
        dialog: Dialog,
    ) -> None:
        self.settings = settings
        self.session_factory = session_factory
        self.channels = channels
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}"
        self.turns = TurnContext(
            session_factory=session_factory, dialog=dialog, channels=channels, worker_id=self.worker_id,
            reply_token_max_age=timedelta(seconds=settings.reply_token_max_age_seconds),
            max_attempts=settings.turn_max_attempts,
        )
        self._push_channels = [name for name, ch in channels.items() if not ch.pull]
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._background: set[asyncio.Task[None]] = set()

    def wake(self) -> None:
        self._wake.set()

    async def _idle(self) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.settings.poll_interval_seconds)
        self._wake.clear()

    async def _turn_step(self) -> bool:
        done = await asyncio.to_thread(process_one, self.turns)
        if done is not None and done.outbox_ids and done.channel in self._push_channels:
            await self.deliver(conversation_key=done.conversation_key)
        return done is not None

    async def _send_step(self) -> bool:
        return await self.deliver() > 0

    async def _loop(self, step: Callable[[], Awaitable[bool]]) -> None:
        while not self._stop.is_set():
            try:
                busy = await step()
            except Exception:  # noqa: BLE001 - e.g. the database restarting: log, back off, carry on
                log.exception("pipeline step failed; retrying shortly")
                await asyncio.sleep(1.0)
                continue
            if not busy:
                await self._idle()

    async def deliver(self, *, conversation_key: str | None = None) -> int:
        """Deliver due outbox rows (of one conversation, or any); returns how many were settled."""
        settled = 0
        lease = timedelta(seconds=self.settings.send_lease_seconds)
        while True:
            claimed = await asyncio.to_thread(
                outbox.claim_next, session_factory=self.session_factory, channels=self._push_channels,
                lease=lease, conversation_key=conversation_key,
            )
            if claimed is None:
                return settled
            delivery = await self._deliver_one(claimed)
            status = await asyncio.to_thread(
                outbox.settle, session_factory=self.session_factory, message_id=claimed.id, delivery=delivery,
                max_attempts=self.settings.send_max_attempts,
            )
            if status != "sent" and not delivery.reply_refused:
                log.warning("outbox %s %s: %s", claimed.id, status, delivery.error)
                if conversation_key is not None:
                    return settled  # the send loop retries it after the backoff
            settled += 1

    async def _deliver_one(self, claimed: Outgoing) -> Delivery:
        try:
            return await self.channels[claimed.channel].deliver(claimed, now=utcnow())
        except Exception as exc:  # noqa: BLE001 - an SDK surprise must not end the loop; the lease guards retries
            log.exception("delivery of outbox %s raised", claimed.id)
            return Delivery(Outcome.RETRY, error=f"unexpected: {type(exc).__name__}")

    def expect_replies(self, channel: str, user_id: str, event_keys: list[str]) -> None:
        """Show the channel's loading animation if these events are still unanswered after ~1 s."""
        if self.channels.get(channel) is None or self.channels[channel].pull:
            return
        task = asyncio.get_running_loop().create_task(self._loading_after(channel, user_id, event_keys))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _loading_after(self, channel: str, user_id: str, event_keys: list[str]) -> None:
        await asyncio.sleep(self.settings.loading_after_seconds)
        if await asyncio.to_thread(self._pending_count, channel, event_keys):
            await self.channels[channel].show_loading(user_id)

    def _pending_count(self, channel: str, event_keys: list[str]) -> int:
        with self.session_factory() as session:
            return int(session.scalar(
                select(func.count()).select_from(InboxEvent).where(
                    InboxEvent.channel == channel, InboxEvent.event_key.in_(event_keys),
                    InboxEvent.status == "pending",
                )
            ) or 0)

    async def run(self) -> None:
        """Run until `stop()`; then finish the current step of every loop."""
        n = self.settings.worker_concurrency
        loops = [self._loop(self._turn_step) for _ in range(n)]
        loops += [self._loop(self._send_step) for _ in range(max(1, n // 2))]
        log.info("worker %s running %d turn and %d send loops", self.worker_id, n, max(1, n // 2))
        await asyncio.gather(*loops)

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    async def aclose(self) -> None:
        for task in list(self._background):
            task.cancel()
        for channel in self.channels.values():
            await channel.aclose()
