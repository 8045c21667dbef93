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
        mine.say("個人でやっとります")
        mine.say("同意します")
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
        missing = subprocess.run([sys.executable, "-m", "bot", "data", "export", "line:Unobody"],
                                 env=env_for(bot.settings), cwd=REPO, capture_output=True, text=True, timeout=120)
        assert missing.returncode == 1 and "ありません" in missing.stderr
        with bot.engine.connect() as conn:
            audited = conn.exec_driver_sql("SELECT target FROM audit_log WHERE action = 'data.export'").scalars().all()
        assert audited == ["line:Uowner1"]
