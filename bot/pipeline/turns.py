"""One turn: lock the conversation, run the pure dialog on its oldest pending event, commit state + outbox.

The conversation row lock (FOR UPDATE [SKIP LOCKED] on PostgreSQL; BEGIN IMMEDIATE on SQLite) is held for the
whole turn, so one person's turns never run at once, in any number of processes, and a crash mid-turn rolls
everything back: the event stays pending and is taken again.
"""

from __future__ import annotations

import copy
import logging
import threading
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Attachment, Channel, FileSource, Outgoing
from bot.db.engine import reader
from bot.db.tables import Conversation, DialogEffect, InboxEvent, OutboxMessage, utcnow
from bot.pipeline import files, menus, outbox, profiles, seminar_effects
from bot.pipeline.effects import Handler, fill
from bot.pipeline.inbox import minimal
from bot.program import Programs
from dialogs.hours import DEFAULT as DEFAULT_HOURS
from dialogs.hours import BusinessHours
from dialogs.model import Inbound, Reply, State, Text, Transition
from handoff import evaluation, karte, visits

log = logging.getLogger(__name__)
Dialog = Callable[[State, Inbound], Transition]
APOLOGY = Text("申し訳ありません。うまく処理できませんでした。お手数ですが、もう一度お送りください。")
CANDIDATES = 16


@dataclass(frozen=True)
class TurnDone:
    conversation_key: str
    event_id: int
    channel: str
    outbox_ids: tuple[int, ...]
    claimed: Outgoing | None = None  # the first send, leased at birth: deliver it now, no claim needed
    result: str = "done"  # done | failed (apologised) | retry (the dialog raised; taken again)
    profile_of: str | None = None  # a user whose profile this turn claimed: fetch it after the answer is sent
    menu_due: bool = False  # the state's menu differs from the one the user has: link it after the answer
    file_id: int | None = None  # an owner's image or file to fetch after the answer (it expires on the platform)


@dataclass(frozen=True)
class TurnContext:
    session_factory: sessionmaker[Session]
    dialog: Dialog
    channels: Mapping[str, Channel]
    worker_id: str
    reply_token_max_age: timedelta
    max_attempts: int
    send_lease: timedelta = timedelta(seconds=30)
    effects: Mapping[str, Handler] = field(default_factory=dict)
    business_hours: BusinessHours = DEFAULT_HOURS
    profile_channels: frozenset[str] = frozenset()  # channels that can say who a user is (LINE)
    menu_channels: frozenset[str] = frozenset()  # channels with a menu per state (LINE's rich menus)
    menu_of: Callable[[State], str] | None = None  # the menu of a state (dialogs.main.menu_of)
    slow: Callable[[State, Inbound], bool] | None = None  # will this turn be slow? (dialogs.main.slow)
    on_slow: Callable[[str, str], None] | None = None  # told (channel, user) before a slow turn runs
    programs: Programs | None = None  # the program years (bot/program.py): the turn's year goes into its facts
    local_claims: LocalClaims | None = None  # SQLite: the dialog runs outside the write lock (see process_one)


# Statements are built once (building them is most of SQLAlchemy's cost); values come as bind parameters.
_ANY_PENDING = select(InboxEvent.id).where(InboxEvent.status == "pending").limit(1)
_CANDIDATES = (
    select(InboxEvent.conversation_key)
    .where(InboxEvent.status == "pending")
    .group_by(InboxEvent.conversation_key)
    .order_by(func.min(InboxEvent.id))
    .limit(CANDIDATES)
)
_CONVERSATION = select(Conversation).where(Conversation.key == bindparam("key"))
_LOCK = {True: _CONVERSATION.with_for_update(), False: _CONVERSATION.with_for_update(skip_locked=True)}
_NEXT_EVENT = (
    select(InboxEvent)
    .where(InboxEvent.conversation_key == bindparam("key"), InboxEvent.status == "pending")
    .order_by(InboxEvent.event_at, InboxEvent.id)
    .limit(1)
)


def _claim(session: Session, key: str | None) -> Conversation | None:
    """The conversation to work on, locked; None when there is no free conversation with pending events."""
    if key is not None:
        return session.scalars(_LOCK[True], {"key": key}).one_or_none()
    for candidate in session.execute(_CANDIDATES).scalars():
        conversation = session.scalars(_LOCK[False], {"key": candidate}).one_or_none()
        if conversation is not None:
            return conversation
    return None


def _next_event(session: Session, key: str) -> InboxEvent | None:
    return session.scalars(_NEXT_EVENT, {"key": key}).first()


def _facts(ctx: TurnContext, session: Session, conversation: Conversation, event: InboxEvent,
           now: datetime) -> dict[str, Any]:
    """What the desk knows: its hours, the program year (period, caps), and about this sender: the ledger's usage
    this fiscal year and what their business's last application said (a returning owner), the open cases of their
    business when they ask 申請の状況, and the status of a case number they name (only if it is theirs)."""
    today = now.astimezone(visits.JST).date()
    usage = visits.known_usage(session=session, conversation_key=conversation.key, today=today)
    facts: dict[str, Any] = {"business_hours": ctx.business_hours.to_dict()}
    if ctx.programs is not None:
        facts["program"] = ctx.programs.facts(now)
    if usage is not None:
        facts["usage_this_year"] = usage
        pending = evaluation.pending_for(session=session, conversation_key=conversation.key)
        if pending:
            facts["unrated_dispatch"] = {"case": pending.reference, "expert": pending.expert}
    asked = event.inbound or {}
    text = str(asked.get("text", ""))
    if asked.get("data") == "menu:status" or "状況" in text:  # cheap: no reading on every turn
        facts["cases"] = karte.open_cases(session=session, conversation_key=conversation.key)
    if (named := karte.REFERENCE.search(text)) is not None:
        facts["asked_case"] = karte.case_status(session=session, conversation_key=conversation.key,
                                                reference=named.group(0))
    if not conversation.trial and (known := karte.known(session=session, conversation_key=conversation.key)):
        facts["known_business"] = known
    return facts | seminar_effects.facts(session=session, conversation=conversation, inbound=asked, now=now)


def _attachment(ctx: TurnContext, conversation: Conversation, event: InboxEvent) -> tuple[Attachment, str] | None:
    """An image or file the channel lets us fetch, and what can be said of it now (kept, too large, wrong type)."""
    channel = ctx.channels.get(conversation.channel)
    if not isinstance(channel, FileSource) or (event.inbound or {}).get("kind") not in ("image", "file"):
        return None
    found = channel.attachment(event.raw)
    return (found, files.verdict(found)) if found else None


def _announce_slow(ctx: TurnContext, conversation: Conversation, event: InboxEvent) -> None:
    """Before the dialog runs: a turn known to be slow (a knowledge search, a long answer) is announced, so the
    channel's loading animation starts now rather than after a fixed delay (best effort: never fails the turn)."""
    if ctx.slow is None or ctx.on_slow is None or event.inbound is None or ctx.channels[conversation.channel].pull:
        return
    try:
        if ctx.slow(State.from_dict(conversation.state), Inbound.from_dict(event.inbound)):
            ctx.on_slow(conversation.channel, conversation.user_id)
    except Exception:  # noqa: BLE001 - a hint only
        log.exception("slow-turn check failed on inbox event %s", event.id)


def _run_dialog(ctx: TurnContext, conversation: Conversation, event: InboxEvent,
                facts: dict[str, Any]) -> tuple[Transition | None, str]:
    assert event.inbound is not None
    try:
        inbound = replace(Inbound.from_dict(event.inbound), facts=facts, channel=conversation.channel)
        return ctx.dialog(State.from_dict(conversation.state), inbound), ""
    except Exception:  # noqa: BLE001 - a dialog bug must not lose the event: counted, retried, then apologised for
        log.exception("dialog failed on inbox event %s", event.id)
        return None, traceback.format_exc(limit=5)


def _queue(ctx: TurnContext, session: Session, conversation: Conversation, event: InboxEvent,
           replies: tuple[Reply, ...], now: datetime) -> tuple[list[OutboxMessage], Outgoing | None]:
    """Outbox rows for the replies; the first is leased at once when nothing earlier waits before it."""
    channel = ctx.channels[conversation.channel]
    head = not channel.pull and not outbox.has_pending(session, conversation.key)
    rows = outbox.enqueue(session=session, conversation=conversation, channel=channel, replies=replies, now=now,
                          reply_token=event.reply_token, inbox_event_id=event.id,
                          reply_deadline_at=event.event_at + ctx.reply_token_max_age if event.reply_token else None)
    leased_at = utcnow()  # not the turn's start: a slow dialog must not hand out a lease that has already run out
    claimed = (outbox.lease_row(rows[0], now=leased_at, lease=ctx.send_lease, worker_id=ctx.worker_id)
               if head and rows else None)
    return rows, claimed


def _apply_effects(ctx: TurnContext, session: Session, conversation: Conversation, transition: Transition,
                   now: datetime) -> dict[str, str]:
    """Run each effect's handler in this transaction; record it (the payload only when nobody handled it)."""
    values: dict[str, str] = {}
    for effect in transition.effects:
        handler = ctx.effects.get(effect.kind)
        result = handler(session=session, conversation=conversation, payload=effect.payload, now=now) if handler else {}
        values |= result
        session.add(DialogEffect(conversation_key=conversation.key, kind=effect.kind,
                                 payload=dict(result) if handler else effect.payload, created_at=now,
                                 handled_at=now if handler else None))
    return values


def _profile_due(ctx: TurnContext, session: Session, conversation: Conversation, event: InboxEvent,
                 now: datetime) -> bool:
    """Claim a profile fetch for this owner when their channel has profiles and none is fresh (not on unfollow)."""
    if conversation.channel not in ctx.profile_channels or (event.inbound or {}).get("kind") == "unfollow":
        return False
    return profiles.claim(session, conversation_key=conversation.key, now=now)


def _menu_due(ctx: TurnContext, conversation: Conversation, event: InboxEvent) -> bool:
    """Record the menu of the new state; True when the user's must change (never for someone who blocked us)."""
    if ctx.menu_of is None or conversation.channel not in ctx.menu_channels:
        return False
    if (event.inbound or {}).get("kind") == "unfollow":
        return False
    return menus.record(conversation, ctx.menu_of(State.from_dict(conversation.state)))


def _anything_pending(ctx: TurnContext) -> bool:
    """A cheap read first, so idle polling never takes a write lock."""
    with Session(reader(ctx.session_factory.kw["bind"])) as session:
        return session.scalar(_ANY_PENDING) is not None


@dataclass(frozen=True)
class _Computed:
    transition: Transition | None
    error: str
    arrived: tuple[Attachment, str] | None


def _compute(ctx: TurnContext, session: Session, conversation: Conversation, event: InboxEvent,
             now: datetime) -> _Computed:
    """Reads and the pure dialog: nothing written."""
    _announce_slow(ctx, conversation, event)
    arrived = _attachment(ctx, conversation, event)
    facts = _facts(ctx, session, conversation, event, now) | ({"file": arrived[1]} if arrived else {})
    transition, error = _run_dialog(ctx, conversation, event, facts)
    return _Computed(transition, error, arrived)


def _commit(ctx: TurnContext, session: Session, conversation: Conversation, event: InboxEvent,
            computed: _Computed, now: datetime) -> TurnDone:
    """Everything the turn writes, in the caller's transaction."""
    transition, error, arrived = computed.transition, computed.error, computed.arrived
    event.attempts += 1
    event.started_at = now
    event.worker = ctx.worker_id
    if transition is None and event.attempts < ctx.max_attempts:
        event.last_error = error
        return TurnDone(conversation.key, event.id, conversation.channel, (), result="retry")
    replies: tuple[Reply, ...] = (APOLOGY,)
    if transition is not None:
        conversation.state = transition.state.to_dict()
        replies = fill(transition.replies, _apply_effects(ctx, session, conversation, transition, now))
    conversation.turn_count += 1
    conversation.updated_at = now
    event.status = "done" if transition else "failed"
    event.last_error = error or None
    event.turn_no = conversation.turn_count
    event.processed_at = utcnow()
    rows, claimed = _queue(ctx, session, conversation, event, replies, now)
    profile_of = conversation.user_id if _profile_due(ctx, session, conversation, event, now) else None
    menu_due = transition is not None and _menu_due(ctx, conversation, event)
    file_id = files.record(session, conversation=conversation, attachment=arrived[0], judged=arrived[1],
                           now=now) if arrived and transition is not None else None
    event.raw = minimal(event.raw)  # processed: `inbound` keeps what the transcript needs; the body goes
    session.flush()
    return TurnDone(conversation.key, event.id, conversation.channel, tuple(r.id for r in rows), claimed,
                    result=event.status, profile_of=profile_of, menu_due=menu_due, file_id=file_id)


def process_one(ctx: TurnContext, *, conversation_key: str | None = None) -> TurnDone | None:
    """Process the oldest pending event of one free conversation (or of `conversation_key`)."""
    if ctx.local_claims is not None:  # its first read (the candidates) is as cheap as the check below
        return _process_outside_lock(ctx, ctx.local_claims, conversation_key)
    if conversation_key is None and not _anything_pending(ctx):
        return None
    with ctx.session_factory.begin() as session:
        conversation = _claim(session, conversation_key)
        if conversation is None:
            return None
        event = _next_event(session, conversation.key)
        if event is None:
            return None
        now = utcnow()
        return _commit(ctx, session, conversation, event, _compute(ctx, session, conversation, event, now), now)


class LocalClaims:
    """SQLite (one process, bot/db/single.py): which conversations this process's turn loops are working on."""

    def __init__(self) -> None:
        self._held: set[str] = set()
        self._freed = threading.Condition()

    def take(self, key: str, *, wait: bool = False) -> bool:
        """Claim a conversation; with `wait`, until its current turn (another loop's) is over."""
        with self._freed:
            while wait and key in self._held:
                self._freed.wait()
            if key in self._held:
                return False
            self._held.add(key)
            return True

    def give_back(self, key: str) -> None:
        with self._freed:
            self._held.discard(key)
            self._freed.notify_all()


def _process_outside_lock(ctx: TurnContext, claims: LocalClaims, conversation_key: str | None) -> TurnDone | None:
    """SQLite: read and run the dialog without the database's write lock (webhook acks never wait for a dialog),
    then write in a short transaction that checks nothing moved meanwhile (else the turn is simply taken again).
    One process per SQLite database, so the conversation is claimed in memory."""
    bind = ctx.session_factory.kw["bind"]
    with Session(reader(bind)) as session:
        candidates = [conversation_key] if conversation_key else list(session.execute(_CANDIDATES).scalars())
    key = next((c for c in candidates if claims.take(c, wait=conversation_key is not None)), None)
    if key is None:
        return None
    try:
        with Session(reader(bind)) as session:
            conversation = session.scalars(_CONVERSATION, {"key": key}).one_or_none()
            event = _next_event(session, key) if conversation is not None else None
            if conversation is None or event is None:
                return None
            now = utcnow()
            # what the turn started from, taken before the dialog runs (a dialog that changed the loaded state in
            # place would otherwise never match the database again, and the turn would be retried for ever)
            seen = (conversation.turn_count, copy.deepcopy(conversation.state), event.id, event.attempts)
            computed = _compute(ctx, session, conversation, event, now)
        if computed.transition is not None and _lean(computed):
            return _commit_lean(ctx, conversation, event, seen, computed.transition, now)
        with ctx.session_factory.begin() as session:
            conversation = session.scalars(_CONVERSATION, {"key": key}).one()
            event = _next_event(session, key)
            if event is None or seen != (conversation.turn_count, conversation.state, event.id, event.attempts):
                log.info("conversation changed during its turn; taking the turn again")
                return TurnDone(key, seen[2], conversation.channel, (), result="retry")
            return _commit(ctx, session, conversation, event, computed, now)
    finally:
        claims.give_back(key)


def _lean(computed: _Computed) -> bool:
    """A turn that only answers (no effects, no file): written by `_commit_lean`."""
    return computed.transition is not None and not computed.transition.effects and computed.arrived is None


_SEEN_CONVERSATION = select(Conversation.turn_count, Conversation.state, Conversation.menu_shown).where(
    Conversation.key == bindparam("key"))
_SEEN_EVENT = _NEXT_EVENT.with_only_columns(InboxEvent.id, InboxEvent.attempts)
_UPDATE_CONVERSATION = update(Conversation).where(Conversation.key == bindparam("k"))
_UPDATE_EVENT = update(InboxEvent).where(InboxEvent.id == bindparam("i"))
_INSERT_OUTBOX = insert(OutboxMessage).returning(OutboxMessage.id)


def _commit_lean(ctx: TurnContext, conversation: Conversation, event: InboxEvent, seen: tuple[Any, ...],
                 transition: Transition, now: datetime) -> TurnDone:
    """What `_commit` writes for a turn that only answers, in one short write transaction of Core statements (no
    ORM objects loaded, flushed or reloaded): the check that nothing moved since the read, the state, the event,
    the outbox rows with the first one leased at birth (one INSERT, not an INSERT and an UPDATE), the profile claim."""
    key, channel = conversation.key, ctx.channels[conversation.channel]
    with ctx.session_factory.begin() as session:
        conn = session.connection()
        found = conn.execute(_SEEN_CONVERSATION, {"key": key}).one()
        pending = conn.execute(_SEEN_EVENT, {"key": key}).first()
        if pending is None or seen != (found.turn_count, found.state, pending.id, pending.attempts):
            log.info("conversation changed during its turn; taking the turn again")
            return TurnDone(key, seen[2], conversation.channel, (), result="retry")
        turn_no = found.turn_count + 1
        state = transition.state.to_dict()
        changes: dict[str, Any] = {"state": state, "turn_count": turn_no, "updated_at": now}
        menu_due = False
        if (ctx.menu_of is not None and conversation.channel in ctx.menu_channels
                and (event.inbound or {}).get("kind") != "unfollow"):
            changes["menu_wanted"] = wanted = ctx.menu_of(transition.state)
            menu_due = wanted != (found.menu_shown or menus.DEFAULT)
        conn.execute(_UPDATE_CONVERSATION.values(**changes), {"k": key})
        conn.execute(_UPDATE_EVENT.values(
            attempts=pending.attempts + 1, started_at=now, worker=ctx.worker_id, status="done", last_error=None,
            turn_no=turn_no, processed_at=utcnow(), raw=minimal(event.raw)), {"i": event.id})
        head = not channel.pull and not conn.execute(outbox._HAS_PENDING, {"key": key}).first()
        deadline = event.event_at + ctx.reply_token_max_age if event.reply_token else None
        leased_at = utcnow()  # as in `_queue`: after the dialog, so a slow one never hands out a spent lease
        ids: list[int] = []
        claimed: Outgoing | None = None
        for i, batch in enumerate(channel.render(fill(transition.replies, {}))):
            token = event.reply_token if i == 0 else None
            lease = i == 0 and head
            use_reply = bool(lease and token and deadline and leased_at < deadline)
            retry_key = str(uuid.uuid4())
            row_id = conn.execute(_INSERT_OUTBOX, {
                "conversation_key": key, "inbox_event_id": event.id, "channel": conversation.channel,
                "recipient": conversation.user_id, "payload": batch, "retry_key": retry_key, "reply_token": token,
                "reply_deadline_at": deadline if i == 0 else None, "reply_attempted": use_reply,
                "status": "pending", "attempts": 1 if lease else 0, "next_attempt_at": now, "created_at": now,
                "purpose": "bot", "lease_until": leased_at + ctx.send_lease if lease else None,
                "leased_by": (ctx.worker_id or None) if lease else None,
            }).scalar_one()
            ids.append(row_id)
            if lease:  # recorded before the call, as `outbox.lease_row` does: a crash knows a reply may have gone
                claimed = Outgoing(id=row_id, channel=conversation.channel, recipient=conversation.user_id,
                                   payload=batch, retry_key=retry_key, reply_token=token, use_reply_token=use_reply,
                                   reply_attempted=False, attempts=1)
        profile_of = None
        if conversation.channel in ctx.profile_channels and (event.inbound or {}).get("kind") != "unfollow" and \
                profiles.claim_core(conn, conversation_key=key, now=now):
            profile_of = conversation.user_id
    return TurnDone(key, event.id, conversation.channel, tuple(ids), claimed, result="done", profile_of=profile_of,
                    menu_due=menu_due)
