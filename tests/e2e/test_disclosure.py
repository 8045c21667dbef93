"""Disclosure (開示, issue 17, item 3, in part): `madoguchi data export` gives everything held about one owner — their
messages, their draft, their case's visits and who viewed it — and nothing of another owner."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from sqlalchemy import select

from bot.db.engine import make_session_factory
from bot.db.tables import utcnow
from handoff import disclosure
from handoff.tables import Case, Visit
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.owner import Owner
from tests.e2e.processes import REPO, env_for
from tests.fakes.line_server import FakeLine


def test_an_owners_export_holds_their_data_and_nothing_of_another(sqlite_url: str, fake_line: FakeLine) -> None:
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        mine, other = Owner(bot, fake_line, "Uowner1"), Owner(bot, fake_line, "Uowner2")
        mine.follow()
        mine.say("菊陽町で和菓子屋をしています。従業員は5人で、ネット販売を始めたいとです")
        mine.say("同意します")  # consent is asked first
        mine.say("個人でやっとります")
        mine.say("担当者と話したいです")  # a callback case carrying the partial draft
        other.follow()
        other.say("八代市で鉄工所をしています。担当者と話したいです")
        with make_session_factory(bot.engine).begin() as session:
            case = session.scalars(select(Case).where(Case.conversation_key == "line:Uowner1")).one()
            session.add(Visit(case_id=case.id, visited_on=date(2026, 12, 1), minutes=90, mode="online",
                              expert="熊本デジタル太郎", report="EC の始め方", actor="c@test.example",
                              created_at=utcnow()))
            reference = case.reference
        run = subprocess.run([sys.executable, "-m", "bot", "data", "export", "line:Uowner1"], env=env_for(bot.settings),
                             cwd=REPO, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        held = json.loads(run.stdout)
        dumped = json.dumps(held, ensure_ascii=False)
        assert held["cases"] == [reference]
        assert "和菓子屋" in dumped and "個人でやっとります" in dumped  # their messages
        [draft] = held["tables"]["handoff_case"]
        assert "菊陽町" in json.dumps(draft["fields"], ensure_ascii=False)  # their draft (the place, from the opening)
        assert held["tables"]["case_visit"][0]["expert"] == "熊本デジタル太郎"  # their visits
        assert {"conversation", "inbox_event", "outbox_message", "handoff_case", "case_visit"} <= set(held["tables"])
        assert "Uowner2" not in dumped and "鉄工所" not in dumped and "八代" not in dumped  # nothing of the other
        page = subprocess.run([sys.executable, "-m", "bot", "data", "export", "line:Uowner1", "--html"],
                              env=env_for(bot.settings), cwd=REPO, capture_output=True, text=True, timeout=120)
        assert page.returncode == 0 and page.stdout.startswith("<!doctype html>"), page.stderr
        assert "<h2>case_visit（1件）</h2>" in page.stdout and "和菓子屋" in page.stdout and "鉄工所" not in page.stdout
        missing = subprocess.run([sys.executable, "-m", "bot", "data", "export", "line:Unobody"],
                                 env=env_for(bot.settings), cwd=REPO, capture_output=True, text=True, timeout=120)
        assert missing.returncode == 1 and "ありません" in missing.stderr
        with bot.engine.connect() as conn:
            audited = conn.exec_driver_sql("SELECT target FROM audit_log WHERE action = 'data.export'").scalars().all()
        assert audited == [disclosure.owner_label("line:Uowner1")] * 2  # not the owner's platform id


def every_row(bot: LiveBot) -> str:
    from bot.db.models import metadata

    with bot.engine.connect() as conn:
        rows = [dict(r._mapping) for table in metadata.sorted_tables for r in conn.execute(select(table))]
    return json.dumps(rows, ensure_ascii=False, default=str)


def erase(bot: LiveBot, owner: str, *flags: str) -> dict:  # type: ignore[type-arg]
    run = subprocess.run([sys.executable, "-m", "bot", "data", "erase", owner, *flags], env=env_for(bot.settings),
                         cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return dict(json.loads(run.stdout))


def test_after_erasure_no_table_holds_the_owners_data(db_url: str, fake_line: FakeLine) -> None:
    with LiveBot(make_settings(db_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        gone, approved, other = (Owner(bot, fake_line, u) for u in ("Uerase1", "Uerase2", "Ukeep3"))
        for owner, place in ((gone, "もっこす菓子舗"), (approved, "あそ鉄工"), (other, "やつしろ漬物")):
            owner.follow()
            owner.say(f"{place}と申します。")
            owner.say("担当者と話したいです")
        with make_session_factory(bot.engine).begin() as session:
            case = session.scalars(select(Case).where(Case.conversation_key == "line:Uerase2")).one()
            case.status = "approved"
            session.add(Visit(case_id=case.id, visited_on=date(2026, 12, 1), minutes=60, mode="visit",
                              expert="阿蘇の専門家", actor="c@test.example", created_at=utcnow()))
            kept = case.reference
        assert "would_erase_from" in erase(bot, "line:Uerase1")  # without --yes: only what would go
        assert "もっこす菓子舗" in every_row(bot)
        done = erase(bot, "line:Uerase1", "--yes")
        assert done["kept_cases"] == [] and done["deleted"]["inbox_event"] >= 2
        stored = every_row(bot)
        assert "もっこす菓子舗" not in stored and "Uerase1" not in stored  # every table scanned
        assert erase(bot, "line:Uerase2", "--yes")["kept_cases"] == [kept]
        stored = every_row(bot)
        assert "あそ鉄工" not in json.dumps([r for r in json.loads(stored) if "text" in r or "inbound" in r])
        assert "阿蘇の専門家" in stored and kept in stored  # the approved application and its visit record stay
        assert "やつしろ漬物" in stored and "Ukeep3" in stored  # another owner is untouched


def test_the_admin_ui_discloses_and_erases(sqlite_url: str, fake_line: FakeLine) -> None:
    from tests.e2e.staff_fixtures import populate

    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        world = populate(bot)
        owner = Owner(bot, fake_line, "Uui1")
        owner.follow()
        owner.say("くまもと桜商店と申します。")
        owner.say("私の個人情報を削除してください")
        with make_session_factory(bot.engine)() as session:
            reference = session.scalars(select(Case.reference).where(Case.conversation_key == "line:Uui1")).one()
        case = {"reference": reference}
        assert world.login("coordinator").get("/admin/owner", params={"reference": case["reference"]}).status_code == 403
        admin = world.login("admin")
        shown = admin.get("/admin/owner", params={"reference": case["reference"]})
        assert shown.status_code == 200 and "くまもと桜商店" in shown.text and "inbox_event" in shown.text
        assert "Cache-Control".lower() in shown.headers and shown.headers["cache-control"] == "no-store"
        download = admin.get("/admin/owner/export.json", params={"reference": case["reference"]})
        assert download.json()["cases"] == [case["reference"]] and "くまもと桜商店" in download.text
        with bot.engine.connect() as conn:  # reading an owner's data is a view of their case (the breach report)
            views = conn.exec_driver_sql("SELECT staff_email, what, reference FROM access_log").all()
        assert views == [("admin@test.example", "disclosure", case["reference"])] * 2
        token = shown.text.split('name="csrf_token" value="')[1].split('"')[0]
        refused = admin.post("/admin/owner/erase", data={"csrf_token": token, "reference": case["reference"]})
        assert refused.status_code == 400 and "くまもと桜商店" in every_row(bot)  # not without the confirmation
        erased = admin.post("/admin/owner/erase", data={"csrf_token": token, "reference": case["reference"],
                                                        "confirmed": "yes"})
        assert erased.status_code == 303
        stored = every_row(bot)
        assert "くまもと桜商店" not in stored and "Uui1" not in stored
        with bot.engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT actor, action FROM audit_log WHERE action LIKE 'data.%'").all()
        assert sorted(rows) == sorted([("admin@test.example", "data.export")] * 2 + [("admin@test.example", "data.erase")])
