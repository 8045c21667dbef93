"""Retention (issue 17, item 2): how long each class of personal data is kept, and the purge the worker runs daily.

Classes (the defaults are settings, `MADOGUCHI_RETENTION_*_DAYS`):
- trials: /try and `madoguchi chat` conversations, erased whole some days after their last message;
- unconsented openings: a pre-screening waiting at its first question (consent) for a day: the opening's facts in
  the state and what the owner typed since it began are forgotten, as after a no (issue 17, item 1);
- drafts: a pre-screening left unfinished (the saved answers in the conversation's state), forgotten;
- chats: messages, the bot's answers and dialog effects of conversations that never became a case;
- closed cases: cases ended without approval (rejected, routed, closed, resolved), with their threads;
  approved applications and their visit records are kept (the program requires them);
- files: images and files owners sent (`owner_file`) and those the desk sent back (`desk_file`), rows and bytes,
  some days after they arrived or were sent, whatever became of the case: they are working material for the
  desk's decision and support, not part of the application the program keeps (the 様式1 draft and the visit
  records hold what it requires). A signed link to a purged file answers 410.
Raw platform bodies are never stored (only their envelope), so they need no retention. The audit and access logs
(append-only for the application) are purged in the same run by `bot/staff/seal.py` (`purge_logs`: audit 5 years,
access 3 years by default, keeping the hash chain verifiable from an anchor).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from bot.db.models import metadata
from bot.db.tables import Conversation, DialogEffect, InboxEvent, OutboxMessage, OwnerFile
from handoff import disclosure
from handoff.business_tables import BusinessLink
from handoff.tables import Case, DeskFile, Visit

ENDED = ("rejected", "routed", "closed", "resolved")


@dataclass(frozen=True)
class Policy:
    trial_days: int = 7
    unconsented_days: int = 1
    draft_days: int = 30
    chat_days: int = 180
    closed_case_days: int = 1825  # five years
    file_days: int = 365  # a program year (001: applications within the fiscal year) and some


def purge(*, session: Session, now: datetime, policy: Policy, dry_run: bool = False) -> dict[str, int]:
    """Remove (or, dry, count) what is past its retention; {class: how many}."""
    done: dict[str, int] = {}
    trials = list(session.scalars(select(Conversation.key).where(
        Conversation.trial.is_(True), Conversation.updated_at < now - timedelta(days=policy.trial_days))))
    done["trial_conversations"] = len(trials)
    for key in [] if dry_run else trials:
        disclosure.erase(session=session, conversation_key=key)

    waiting = [c for c in session.scalars(select(Conversation).where(
        Conversation.updated_at < now - timedelta(days=policy.unconsented_days))) if _unconsented(c.state)]
    done["unconsented_openings"] = len(waiting)
    for conversation in [] if dry_run else waiting:
        from bot.pipeline.inbox import forget_prescreening  # the shell's own forgetting (bot imports handoff)

        forget_prescreening(session=session, conversation_key=conversation.key)
        conversation.state = {"node": "menu", "slots": {}}

    drafts = [c for c in session.scalars(select(Conversation).where(
        Conversation.updated_at < now - timedelta(days=policy.draft_days))) if _draft(c.state)]
    done["abandoned_drafts"] = len(drafts)
    for conversation in [] if dry_run else drafts:
        if conversation.state.get("node") == "prescreen":  # left mid-form: back to the menu, the answers gone
            conversation.state = {"node": "menu", "slots": {}}
            continue
        slots = {k: v for k, v in (conversation.state.get("slots") or {}).items() if k != "saved_prescreen"}
        conversation.state = {**conversation.state, "slots": slots}

    ended = list(session.scalars(select(Case.id).where(
        Case.status.in_(ENDED), Case.updated_at < now - timedelta(days=policy.closed_case_days),
        ~exists().where(Visit.case_id == Case.id))))
    done["closed_cases"] = len(ended)
    if ended and not dry_run:
        for table in reversed(metadata.sorted_tables):
            if "case_id" in table.c and table.name != "case_visit":
                session.execute(delete(table).where(table.c.case_id.in_(ended)))
        session.execute(delete(Case).where(Case.id.in_(ended)))

    # A カルテ link (the name and phone given on a conversation) goes with the conversation's last case.
    orphaned = list(session.scalars(select(BusinessLink.conversation_key).where(~exists().where(
        Case.conversation_key == BusinessLink.conversation_key, Case.id.not_in(ended)))))
    done["business_links"] = len(orphaned)
    if orphaned and not dry_run:
        session.execute(delete(BusinessLink).where(BusinessLink.conversation_key.in_(orphaned)))
    done |= _chats(session, now - timedelta(days=policy.chat_days), dry_run, ended)
    done |= _files(session, now - timedelta(days=policy.file_days), dry_run, ended)
    return done


def _files(session: Session, cutoff: datetime, dry_run: bool, ending: list[int]) -> dict[str, int]:
    """Owners' files and the desk's past their retention: the rows with their bytes (a closed case's desk files
    already went with it above, so a dry run does not count them twice)."""
    owners = select(OwnerFile.id).where(OwnerFile.received_at < cutoff)
    desks = select(DeskFile.id).where(DeskFile.sent_at < cutoff, DeskFile.case_id.not_in(ending))
    counts = {"owner_files": len(session.scalars(owners).all()), "desk_files": len(session.scalars(desks).all())}
    if not dry_run:
        session.execute(delete(OwnerFile).where(OwnerFile.id.in_(owners)))
        session.execute(delete(DeskFile).where(DeskFile.id.in_(desks)))
    return counts


def _draft(state: dict[str, Any] | None) -> bool:
    slots = (state or {}).get("slots") or {}
    if (state or {}).get("node") == "prescreen":
        return bool(slots.get("consent")) and any(not k.startswith("_") and k != "consent" for k in slots)
    return bool(slots.get("saved_prescreen"))


def _unconsented(state: dict[str, Any] | None) -> bool:
    """A pre-screening still waiting for the owner's consent (its first question)."""
    return (state or {}).get("node") == "prescreen" and not ((state or {}).get("slots") or {}).get("consent")


def _chats(session: Session, cutoff: datetime, dry_run: bool, ending: list[int]) -> dict[str, int]:
    """Old messages of conversations without a case (a case's transcript stays with the case; the cases `ending`
    in this purge count as gone, so a dry run counts what the real one removes)."""
    def caseless(key: Any) -> Any:
        return ~exists().where(Case.conversation_key == key, Case.id.not_in(ending))

    old_events = select(InboxEvent.id).where(InboxEvent.received_at < cutoff, caseless(InboxEvent.conversation_key))
    old_sent = select(OutboxMessage.id).where(OutboxMessage.created_at < cutoff,
                                              caseless(OutboxMessage.conversation_key))
    old_effects = select(DialogEffect.id).where(DialogEffect.created_at < cutoff,
                                                caseless(DialogEffect.conversation_key))
    counts = {"chat_messages": len(session.scalars(old_events).all()),
              "chat_answers": len(session.scalars(old_sent).all()),
              "chat_effects": len(session.scalars(old_effects).all())}
    if not dry_run:
        session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(old_sent)))
        session.execute(delete(InboxEvent).where(
            InboxEvent.id.in_(old_events), ~exists().where(OutboxMessage.inbox_event_id == InboxEvent.id)))
        session.execute(delete(DialogEffect).where(DialogEffect.id.in_(old_effects)))
    return counts
