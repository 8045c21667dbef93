"""Retention (issue 17, item 2, in part): `madoguchi data purge --dry-run` counts what is past its retention and
removes nothing; without it, exactly that goes — trials, abandoned drafts, old chats that never became a case, and
cases ended without approval — while approved applications, their visits and anything recent stay."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import Conversation, DialogEffect, InboxEvent, OwnerFile, utcnow
from handoff import cases
from handoff.tables import Case, CaseMessage, DeskFile, Visit
from tests.conftest import make_settings
from tests.e2e.processes import REPO, env_for


def seed(session: Session) -> dict[str, str]:
    now = utcnow()
    refs = {}

    def conversation(key: str, days: float, *, trial: bool = False, state: dict | None = None) -> None:  # type: ignore[type-arg]
        at = now - timedelta(days=days)
        session.add(Conversation(key=key, channel=key.split(":")[0], user_id=key.split(":")[1], state=state or {},
                                 turn_count=1, trial=trial, created_at=at, updated_at=at))
        session.add(InboxEvent(channel=key.split(":")[0], event_key=f"e-{key}", conversation_key=key, status="done",
                               inbound={"kind": "text", "text": f"said by {key}"}, raw={}, event_at=at,
                               received_at=at, started_at=at, attempts=1))
        if (state or {}).get("node") == "prescreen":
            session.add(DialogEffect(conversation_key=key, kind="prescreen_started", payload={},
                                     created_at=at, handled_at=at))

    def case(key: str, status: str, days: float, *, visit: bool = False) -> None:
        made = cases.create_case(session=session, conversation_key=key, channel="line", kind="application",
                                 outcome="eligible", fields={}, decisions=[], flags=[], now=now)
        made.status, made.updated_at = status, now - timedelta(days=days)
        session.add(CaseMessage(case_id=made.id, direction="out", text=f"to {key}", at=now))
        if visit:
            session.add(Visit(case_id=made.id, visited_on=date(2020, 1, 1), minutes=60, mode="visit", expert="x"))
        refs[key] = made.reference

    conversation("web:oldtrial", 10, trial=True)
    conversation("web:newtrial", 1, trial=True)
    conversation("line:Udraft", 40, state={"node": "menu", "slots": {"saved_prescreen": {"location": "菊陽町"}}})
    conversation("line:Ufreshdraft", 2, state={"node": "menu", "slots": {"saved_prescreen": {"location": "大津町"}}})
    conversation("line:Umidform", 40, state={"node": "prescreen", "slots": {"consent": True, "municipality": "菊陽町"}})
    conversation("line:Uwaiting", 2, state={"node": "prescreen", "slots": {"_opening": {"municipality": "阿蘇市"}}})
    conversation("line:Ujustwaiting", 0.1, state={"node": "prescreen", "slots": {"_opening": {"municipality": "南阿蘇村"}}})
    conversation("line:Uoldchat", 200)
    conversation("line:Uclosed", 200)
    conversation("line:Uapproved", 200)
    conversation("line:Uvisited", 200)
    session.flush()
    case("line:Uclosed", "closed", 2000)
    case("line:Uapproved", "approved", 2000)
    case("line:Uvisited", "closed", 2000, visit=True)
    session.flush()

    def owner_file(key: str, days: float, message_id: str) -> None:
        session.add(OwnerFile(conversation_key=key, channel="line", message_id=message_id, kind="image",
                              content_type="image/jpeg", size=3, data=b"\xff\xd8\xff", status="stored",
                              received_at=now - timedelta(days=days)))

    def desk_file(key: str, days: float) -> None:
        case_id = session.scalar(select(Case.id).where(Case.reference == refs[key]))
        session.add(DeskFile(case_id=case_id, conversation_key=key, kind="file", file_name="guide.pdf",
                             content_type="application/pdf", size=5, data=b"%PDF-", sent_by="c@test.example",
                             sent_at=now - timedelta(days=days)))

    owner_file("line:Uapproved", 400, "old-photo")  # past the files' 365 days, though its case is kept
    owner_file("line:Uapproved", 10, "new-photo")
    desk_file("line:Uapproved", 400)
    desk_file("line:Uapproved", 10)
    desk_file("line:Uclosed", 10)  # goes with its closed case, counted there
    return refs


def purge(settings: object, *flags: str) -> dict:  # type: ignore[type-arg]
    run = subprocess.run([sys.executable, "-m", "bot", "data", "purge", *flags], env=env_for(settings),  # type: ignore[arg-type]
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return dict(json.loads(run.stdout.strip().splitlines()[-1]))


def test_purge_removes_what_is_past_its_retention_and_nothing_else(db_url: str) -> None:
    settings = make_settings(db_url)
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        refs = seed(session)
    expected = {"trial_conversations": 1, "unconsented_openings": 1, "abandoned_drafts": 2, "closed_cases": 1,
                "business_links": 0, "chat_messages": 2, "chat_answers": 0, "chat_effects": 0, "owner_files": 1,
                "desk_files": 1, "audit_log": 0, "access_log": 0}
    assert purge(settings, "--dry-run") == {"dry_run": True, **expected}
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 3  # a dry run removes nothing
    assert purge(settings) == {"dry_run": False, **expected}
    with factory() as session:
        keys = set(session.scalars(select(Conversation.key)))
        assert "web:oldtrial" not in keys and "web:newtrial" in keys
        states = {c.key: c.state for c in session.scalars(select(Conversation))}
        assert states["line:Udraft"]["slots"] == {} and states["line:Ufreshdraft"]["slots"]["saved_prescreen"]
        assert states["line:Umidform"] == {"node": "menu", "slots": {}}
        assert states["line:Uwaiting"] == {"node": "menu", "slots": {}}  # waited a day for consent: forgotten
        assert states["line:Ujustwaiting"]["slots"]["_opening"]  # still may say yes
        typed = dict(session.execute(select(InboxEvent.conversation_key, InboxEvent.inbound)).tuples().all())
        assert typed["line:Uwaiting"]["text"] == "（同意がなかったため削除しました）"
        assert typed["line:Ujustwaiting"]["text"] == "said by line:Ujustwaiting"
        said = set(session.scalars(select(InboxEvent.conversation_key)))
        assert "line:Uoldchat" not in said and "line:Uclosed" not in said  # 200 days old and (no longer) a case
        assert {"line:Udraft", "line:Uapproved", "line:Uvisited", "web:newtrial"} <= said  # recent, or a kept case
        left = set(session.scalars(select(Case.reference)))
        assert left == {refs["line:Uapproved"], refs["line:Uvisited"]}  # approved, or with visit records
        assert session.scalar(select(func.count()).select_from(Visit)) == 1
        assert set(session.scalars(select(OwnerFile.message_id))) == {"new-photo"}
        assert session.scalar(select(func.count()).select_from(DeskFile)) == 1  # the recent one on the kept case
        assert session.scalar(select(DeskFile.case_id)) == session.scalar(
            select(Case.id).where(Case.reference == refs["line:Uapproved"]))
    assert purge(settings) == {"dry_run": False, **dict.fromkeys(expected, 0)}  # nothing left to do
    engine.dispose()
