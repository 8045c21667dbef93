"""The worker: turn loops and send loops in one event loop; as many processes as you like share the database."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import secrets
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import program
from bot.channels.base import (
    Channel,
    Delivery,
    FileSource,
    MenuChannel,
    MenuUnavailable,
    NoFile,
    NoProfile,
    Outcome,
    Outgoing,
    ProfileSource,
)
from bot.db.engine import reader
from bot.db.tables import InboxEvent, utcnow
from bot.metrics import Metrics
from bot.pipeline import effects, files, heartbeat, menus, notifier, outbox, profiles, purge
from bot.pipeline.inbox import NewEvent
from bot.pipeline.turns import Dialog, LocalClaims, TurnContext, process_one
from bot.settings import Settings
from dialogs.model import Inbound, State
from handoff import evaluation, seminar_signups

log = logging.getLogger(__name__)
T = TypeVar("T")
MENU_ATTEMPTS = 4
SETTLE_ATTEMPTS = 6
SETTLE_STUCK_SECONDS = 1.0
ANSWERED_KEPT = 10_000
FILE_ATTEMPTS = 3


class Waker:
    """Wakes one sleeping loop per call; a wake with nobody asleep is kept for the next loop to sleep."""

    def __init__(self) -> None:
        self._sleepers: deque[asyncio.Future[None]] = deque()
        self._kept = 0

    def wake(self) -> None:
        while self._sleepers:
            sleeper = self._sleepers.popleft()
            if not sleeper.done():
                sleeper.set_result(None)
                return
        self._kept = min(self._kept + 1, 64)

    async def wait(self, timeout: float) -> None:
        if self._kept:
            self._kept -= 1
            return
        sleeper: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append(sleeper)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(sleeper, timeout)


class Pipeline:
    """Takes pending events turn by turn (per conversation, in order) and delivers the outbox."""

    def __init__(
        self, *, settings: Settings, session_factory: sessionmaker[Session], channels: Mapping[str, Channel],
        dialog: Dialog, metrics: Metrics | None = None, menu_of: Callable[[State], str] | None = None,
        slow: Callable[[State, Inbound], bool] | None = None,
    ) -> None:
        self.settings = settings
        self.metrics = metrics or Metrics()
        self.session_factory = session_factory
        self.channels = channels
        # Unique per start (a restarted container's worker often has the same host name and pid): a dead worker's
        # stale heartbeat must never be refreshed by its successor, or its leases would wait out the lease.
        self.worker_id = f"{socket.gethostname()[:50]}:{os.getpid()}:{secrets.token_hex(3)}"
        self.programs = program.load(settings.program_dir, pinned=settings.program_today)  # refuses a bad year file
        self.turns = TurnContext(
            session_factory=session_factory, dialog=dialog, channels=channels, worker_id=self.worker_id,
            reply_token_max_age=timedelta(seconds=settings.reply_token_max_age_seconds),
            max_attempts=settings.turn_max_attempts, send_lease=timedelta(seconds=settings.send_lease_seconds),
            effects=effects.handlers(reply_days=settings.reply_within_business_days,
                                     notify_by_mail=settings.smtp_enabled),
            business_hours=settings.business_hours(), programs=self.programs,
            profile_channels=frozenset(name for name, ch in channels.items() if isinstance(ch, ProfileSource)),
            menu_channels=frozenset(name for name, ch in channels.items() if isinstance(ch, MenuChannel)),
            menu_of=menu_of, slow=slow, on_slow=self._slow_turn,
            local_claims=LocalClaims() if settings.is_sqlite else None,
        )
        self._event_loop: asyncio.AbstractEventLoop | None = None  # where the turn threads schedule the animation
        self._menu_locks: dict[str, asyncio.Lock] = {}
        self._push_channels = [name for name, ch in channels.items() if not ch.pull]
        self.turn_loops = settings.worker_concurrency
        self.send_loops = max(1, settings.worker_concurrency // 2)
        # Our own threads: loops blocked on the database must not starve anything else in the process.
        self._executor = ThreadPoolExecutor(self.turn_loops + self.send_loops + 2, thread_name_prefix="pipeline")
        self._waker = Waker()
        self._stop = asyncio.Event()
        self._background: set[asyncio.Task[None]] = set()
        self._running = False  # this process runs the turn loops (then it knows, without a read, what is answered)
        self._answered: dict[str, float] = {}  # conversation key → when its latest turn ended (monotonic)
        self._settles: list[tuple[Outgoing, Delivery, asyncio.Future[str]]] = []  # outcomes waiting to be written
        self._settling = 0  # batches being written
        self._settle_started = 0.0

    async def _run(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, functools.partial(fn, **kwargs))

    def wake(self) -> None:
        """New events are stored: rouse one idle turn loop (the others keep sleeping)."""
        self._waker.wake()

    async def _idle(self) -> None:
        await self._waker.wait(self.settings.poll_interval_seconds)

    async def _turn_step(self) -> bool:
        started = time.perf_counter()
        self._event_loop = asyncio.get_running_loop()
        done = await self._run(process_one, ctx=self.turns)
        if done is None:
            return False
        self._turn_ended(done.conversation_key)
        self.metrics.turns.labels(done.channel, done.result).inc()
        self.metrics.turn_seconds.labels(done.channel).observe(time.perf_counter() - started)
        sent = done.claimed is not None and await self._send(done.claimed)
        # the rest of the turn's sends (or all, when an earlier one still waits): no read when the lease covered all
        if len(done.outbox_ids) > (1 if sent else 0) and done.channel in self._push_channels:
            await self.deliver(conversation_key=done.conversation_key)
        if done.menu_due:
            self._spawn(self.sync_menu(done.conversation_key))
        if done.file_id is not None:
            self._spawn(self._fetch_file(done.file_id))
        if done.profile_of is not None:
            self._spawn(self._fetch_profile(done.channel, done.conversation_key, done.profile_of))
        return True

    async def sync_menu(self, conversation_key: str) -> None:
        """Link the menu of the conversation's state (best effort, after the answer; one at a time per owner)."""
        lock = self._menu_locks.setdefault(conversation_key, asyncio.Lock())
        async with lock:
            for attempt in range(MENU_ATTEMPTS):
                due = await self._run(menus.pending, session_factory=self.session_factory,
                                      conversation_key=conversation_key)
                channel = self.channels.get(due[0]) if due else None
                if due is None or not isinstance(channel, MenuChannel):
                    break
                try:
                    await channel.show_menu(due[1], due[2])
                except MenuUnavailable:
                    log.info("menu %s is not set up on %s; run the channel's menu sync", due[2], due[0])
                    break
                except Exception as exc:  # noqa: BLE001 - 429, the network: back off; the next turn tries again
                    log.info("menu %s for %s not linked: %s", due[2], conversation_key, type(exc).__name__)
                    await asyncio.sleep(0.5 * 2 ** attempt)
                    continue
                await self._run(menus.shown, session_factory=self.session_factory, conversation_key=conversation_key,
                                menu=due[2])
        if not lock.locked():
            self._menu_locks.pop(conversation_key, None)

    async def _fetch_file(self, file_id: int) -> None:
        """An owner's image or file, fetched at once (the platform keeps it only for a while) and stored checked."""
        found = await self._run(files.message_id_of, session_factory=self.session_factory, file_id=file_id)
        channel = self.channels.get(found[0]) if found else None
        if found is None or not isinstance(channel, FileSource):
            return
        data, reason = None, ""
        for attempt in range(FILE_ATTEMPTS):
            try:
                data = await channel.fetch_file(found[1])
                break
            except NoFile:
                reason = "expired"
                break
            except Exception as exc:  # noqa: BLE001 - the platform or the network: a few tries, then recorded
                reason = f"fetch failed: {type(exc).__name__}"
                log.info("file %s not fetched (attempt %d): %s", file_id, attempt + 1, reason)
                await asyncio.sleep(0.5 * 2 ** attempt)
        try:
            await self._run(files.store, session_factory=self.session_factory, file_id=file_id, data=data,
                            reason=reason)
        except Exception:  # noqa: BLE001
            log.exception("file %s not stored", file_id)

    async def _fetch_profile(self, channel_name: str, conversation_key: str, user_id: str) -> None:
        """Who is writing (best effort, after the answer): stored, or left for a later turn to try again."""
        channel = self.channels.get(channel_name)
        if not isinstance(channel, ProfileSource):
            return
        found, status = None, "error"
        try:
            found, status = await channel.profile(user_id), "found"
        except NoProfile:
            status = "missing"
        except Exception as exc:  # noqa: BLE001 - the platform or the network: the claim lapses, a later turn retries
            log.info("profile of %s not fetched: %s", conversation_key, type(exc).__name__)
        try:
            await self._run(profiles.store, session_factory=self.session_factory, conversation_key=conversation_key,
                            status=status, display_name=found.display_name if found else None,
                            picture_url=found.picture_url if found else None)
        except Exception:  # noqa: BLE001 - never a reason to disturb the turn loops
            log.exception("profile of %s not stored", conversation_key)

    async def _send_step(self) -> bool:
        return await self.deliver() > 0

    async def _loop(self, step: Callable[[], Awaitable[bool]], idle: Callable[[], Awaitable[None]]) -> None:
        while not self._stop.is_set():
            try:
                busy = await step()
            except Exception:  # noqa: BLE001 - e.g. the database restarting: log, back off, carry on
                log.exception("pipeline step failed; retrying shortly")
                await asyncio.sleep(1.0)
                continue
            if not busy:
                await idle()

    async def _send_idle(self) -> None:
        """Send loops only retry (a turn sends its own answer at once): a timer, never a webhook's wake, which must
        rouse a turn loop."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stop.wait(), self.settings.poll_interval_seconds)

    async def _notify_loop(self) -> None:
        """New-case e-mails (only when SMTP is configured); its own pace, so it never takes a turn loop's wake."""
        while not self._stop.is_set():
            try:
                busy = await self._run(notifier.notify_one, session_factory=self.session_factory,
                                       settings=self.settings)
            except Exception:  # noqa: BLE001 - the database or the mail server restarting: log, carry on
                log.exception("notification step failed; retrying shortly")
                busy = False
            if not busy:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), 1.0)

    async def _evaluation_loop(self) -> None:
        """One reminder to owners who have not rated their expert (002 専門家の評価), at its own slow pace."""
        after = timedelta(hours=self.settings.evaluation_reminder_after_hours)
        while not self._stop.is_set():
            try:
                key = await self._run(evaluation.remind_one, session_factory=self.session_factory,
                                      channels=self.channels, now=utcnow(), after=after)
            except Exception:  # noqa: BLE001 - the database restarting: log, carry on
                log.exception("evaluation reminder step failed; retrying shortly")
                key = None
            if key is not None:
                await self.deliver(conversation_key=key)
                continue
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.evaluation_reminder_poll_seconds)

    async def _seminar_loop(self) -> None:
        """The one reminder the day before a 講習会・個別相談会 the owner signed up for."""
        while not self._stop.is_set():
            try:
                key = await self._run(seminar_signups.remind_one, session_factory=self.session_factory,
                                      channels=self.channels, now=utcnow(), hour=self.settings.seminar_reminder_hour)
            except Exception:  # noqa: BLE001 - the database restarting: log, carry on
                log.exception("seminar reminder step failed; retrying shortly")
                key = None
            if key is not None:
                await self.deliver(conversation_key=key)
                continue
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.seminar_reminder_poll_seconds)

    async def deliver(self, *, conversation_key: str | None = None) -> int:
        """Deliver due outbox rows (of one conversation, or any); returns how many were settled."""
        settled = 0
        lease = timedelta(seconds=self.settings.send_lease_seconds)
        takeover = timedelta(seconds=self.settings.lease_takeover_seconds)
        while True:
            claimed = await self._run(
                outbox.claim_next, session_factory=self.session_factory, channels=self._push_channels,
                lease=lease, conversation_key=conversation_key, worker_id=self.worker_id, takeover=takeover,
            )
            if claimed is None:
                return settled
            settled += 1
            if not await self._send(claimed) and conversation_key is not None:
                return settled  # the send loop retries it after the backoff

    async def _send(self, claimed: Outgoing) -> bool:
        """Deliver one leased row and record the outcome; False when it must wait (backoff) or failed."""
        delivery = await self._deliver_one(claimed)
        status = await self._settle(claimed, delivery)
        self.metrics.deliveries.labels(claimed.channel, delivery.via or "-", status or "taken_over").inc()
        if delivery.outcome is not Outcome.SENT:
            platform_status = str(delivery.status) if delivery.status else "network"
            self.metrics.delivery_failures.labels(claimed.channel, platform_status).inc()
        if status == "":
            log.warning("outbox %s was taken over by another worker; its outcome is theirs to record", claimed.id)
            return False
        if status != "sent" and not delivery.reply_refused:
            log.warning("outbox %s %s: %s", claimed.id, status, delivery.error)
            return False
        return True

    async def _settle(self, claimed: Outgoing, delivery: Delivery) -> str:
        """Record the outcome, trying hard (a locked or restarting database): an unrecorded reply could only end as
        送信未確認 once its token is stale. Still unrecorded, the lease runs out and the row is tried again.

        Settles that arrive while one is being written go together in the next transaction (under load one write
        and one thread hand-off for several turns' answers); a write stuck for over a second (a row lock held
        elsewhere) lets the next batch start beside it rather than behind it."""
        done: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._settles.append((claimed, delivery, done))
        if self._settling == 0 or time.monotonic() - self._settle_started > SETTLE_STUCK_SECONDS:
            self._spawn(self._settle_batches())
        return await done

    async def _settle_batches(self) -> None:
        self._settling += 1
        try:
            while self._settles:
                batch, self._settles = self._settles, []
                self._settle_started = time.monotonic()
                await self._settle_batch(batch)
        finally:
            self._settling -= 1

    async def _settle_batch(self, batch: list[tuple[Outgoing, Delivery, asyncio.Future[str]]]) -> None:
        for attempt in range(SETTLE_ATTEMPTS):
            try:
                statuses = await self._run(outbox.settle_many, session_factory=self.session_factory,
                                           outcomes=[(sent, delivery) for sent, delivery, _ in batch],
                                           max_attempts=self.settings.send_max_attempts)
            except Exception as exc:  # noqa: BLE001
                if attempt == SETTLE_ATTEMPTS - 1:
                    for _, _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                    return
                log.warning("outbox %s not settled (attempt %d); trying again",
                            ", ".join(str(sent.id) for sent, _, _ in batch), attempt + 1)
                await asyncio.sleep(min(2.0, 0.1 * 2 ** attempt))
                continue
            for (_, _, done), status in zip(batch, statuses, strict=True):
                if not done.done():
                    done.set_result(status)
            return

    async def _deliver_one(self, claimed: Outgoing) -> Delivery:
        try:
            return await self.channels[claimed.channel].deliver(claimed, now=utcnow())
        except Exception as exc:  # noqa: BLE001 - an SDK surprise must not end the loop; the lease guards retries
            log.exception("delivery of outbox %s raised", claimed.id)
            return Delivery(Outcome.RETRY, error=f"unexpected: {type(exc).__name__}")

    def received(self, events: list[NewEvent]) -> None:
        """After a webhook stored events: the channel's acknowledgement at once, and its loading indicator if
        an event is still unanswered after ~1 s."""
        for event in events:
            channel = self.channels.get(event.channel)
            if channel is None or channel.pull or event.inbound is None:
                continue
            self._spawn(channel.acknowledge(event.raw))
            self._spawn(self._loading_after(event.channel, event.user_id, [event.event_key],
                                            event.conversation_key, time.monotonic()))

    def deliver_soon(self, conversation_key: str) -> None:
        """Deliver a conversation's queued sends now (e.g. a coordinator's reply) instead of at the next poll."""
        self._spawn(self._deliver_quietly(conversation_key))

    async def _deliver_quietly(self, conversation_key: str) -> None:
        await self.deliver(conversation_key=conversation_key)
        await self.sync_menu(conversation_key)  # a coordinator may have changed the state (person mode)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _slow_turn(self, channel: str, user_id: str) -> None:
        """From a turn's thread, before a turn known to be slow runs: the loading animation starts at once."""
        if self._event_loop is not None and not self._event_loop.is_closed():
            self._event_loop.call_soon_threadsafe(self._show_loading, channel, user_id)

    def _show_loading(self, channel: str, user_id: str) -> None:
        self._spawn(self.channels[channel].show_loading(user_id))

    def _turn_ended(self, conversation_key: str) -> None:
        now = time.monotonic()
        self._answered[conversation_key] = now
        if len(self._answered) > ANSWERED_KEPT:  # only the last minute matters to the loading animation
            self._answered = {k: t for k, t in self._answered.items() if now - t < 60}

    async def _loading_after(self, channel: str, user_id: str, event_keys: list[str], conversation_key: str,
                             received: float) -> None:
        await asyncio.sleep(self.settings.loading_after_seconds)
        if self._running:  # our own turn loops: no database read per event (it slowed every ack under load)
            unanswered = self._answered.get(conversation_key, float("-inf")) < received
        else:  # a web process beside separate workers: ask the database
            unanswered = bool(await self._run(self._pending_count, channel=channel, event_keys=event_keys))
        if unanswered:
            await self.channels[channel].show_loading(user_id)

    def _pending_count(self, channel: str, event_keys: list[str]) -> int:
        with Session(reader(self.session_factory.kw["bind"])) as session:
            return int(session.scalar(
                select(func.count()).select_from(InboxEvent).where(
                    InboxEvent.channel == channel, InboxEvent.event_key.in_(event_keys),
                    InboxEvent.status == "pending",
                )
            ) or 0)

    def beat(self) -> None:
        """Record that this worker is alive (also called once before serving, so /readyz is right at once)."""
        heartbeat.beat(session_factory=self.session_factory, worker_id=self.worker_id, now=utcnow())

    async def _heartbeat_loop(self) -> None:
        while not self._stop.is_set():
            try:
                await self._run(self.beat)
                self.metrics.heartbeats.labels("recorded").inc()
            except Exception:  # noqa: BLE001 - the database restarting: readiness will say so
                self.metrics.heartbeats.labels("failed").inc()
                log.exception("heartbeat failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.heartbeat_interval_seconds)
        with contextlib.suppress(Exception):
            await self._run(heartbeat.leave, session_factory=self.session_factory, worker_id=self.worker_id)

    async def _housekeeping_loop(self) -> None:
        """The audit log's seals every `audit_seal_seconds`; the retention purge and SQLite's planner statistics at
        start and then every `retention_purge_hours` (safe with any number of workers)."""
        next_purge = 0.0
        while not self._stop.is_set():
            due = time.monotonic() >= next_purge
            works: list[tuple[Callable[..., object], str]] = [(purge.seal_once, "audit seal")] + (
                [(purge.purge_once, "retention purge"), (purge.analyze_once, "planner statistics")] if due else [])
            for work, what in works:
                try:
                    await self._run(work, session_factory=self.session_factory, settings=self.settings)
                except Exception:  # noqa: BLE001 - tried again at the next interval
                    log.exception("%s failed", what)
            if due:
                next_purge = time.monotonic() + self.settings.retention_purge_hours * 3600
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.settings.audit_seal_seconds)

    async def run(self) -> None:
        """Run until `stop()`; then finish the current step of every loop."""
        loops = [self._heartbeat_loop(), self._evaluation_loop(), self._seminar_loop(), self._housekeeping_loop()]
        loops += [self._loop(self._turn_step, self._idle) for _ in range(self.turn_loops)]
        loops += [self._loop(self._send_step, self._send_idle) for _ in range(self.send_loops)]
        if self.settings.smtp_enabled:
            loops.append(self._notify_loop())
        self._running = True
        log.info("worker %s running %d turn and %d send loops", self.worker_id, self.turn_loops, self.send_loops)
        await asyncio.gather(*loops)

    def stop(self) -> None:
        self._stop.set()

    async def aclose(self) -> None:
        for task in list(self._background):
            task.cancel()
        for channel in self.channels.values():
            await channel.aclose()
        self._executor.shutdown(wait=False, cancel_futures=True)
