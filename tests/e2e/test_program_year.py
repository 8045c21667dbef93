"""The program year as data, end to end (issue 15, item 5). The day is pinned (MADOGUCHI_PROGRAM_TODAY), never the
real date: on 2026-12-01 with only the R7 file, an owner on LINE is told applications closed on 令和8年2月27日 and
still gives their details, and the case is flagged 受付期間外; before 4月1日 they are told when applications open;
a year file with other caps changes what the visit ledger accepts, with no code changed."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from bot import program
from handoff import canned
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import populate
from tests.e2e.test_experts import add_expert, approve, log_visit, sql
from tests.e2e.test_faq_editor_http import ENTRY, preview
from tests.e2e.test_karte import first_application
from tests.fakes.line_server import FakeLine


def test_after_the_period_the_owner_is_told_and_the_case_is_flagged(sqlite_url: str, fake_line: FakeLine) -> None:
    settings = make_settings(sqlite_url, fake_line.url, program_today=date(2026, 12, 1))  # type: ignore[attr-defined]
    with LiveBot(settings) as bot:
        desk = populate(bot)
        owner = Owner(bot, fake_line, "Ulate")
        owner.follow()
        said = owner.say("相談したいです")
        assert said[0] == ("令和7年度の専門家派遣の受付は令和8年2月27日で終了しました（実施要領 4(1)ア）。ご相談内容はいまお聞きして"
                           "窓口でお預かりし、次の受付が決まりましたら担当者からご連絡します。")
        owner.say("やめる")
        reference = first_application(owner, name="期間外の店")
        [(flags,)] = sql(desk, "SELECT flag_list FROM handoff_case WHERE reference = :r", r=reference)
        assert ",out_of_period," in str(flags)
        queue = desk.login("coordinator").get("/cases", params={"flag": "out_of_period"}).text
        assert reference in queue and "受付期間外" in queue


def test_before_the_period_the_owner_is_told_when_it_opens(sqlite_url: str, fake_line: FakeLine) -> None:
    settings = make_settings(sqlite_url, fake_line.url, program_today=date(2025, 3, 20))  # type: ignore[attr-defined]
    with LiveBot(settings) as bot:
        owner = Owner(bot, fake_line, "Uearly")
        owner.follow()
        assert "令和7年度の専門家派遣の受付は令和7年4月1日からです（実施要領 4(1)ア）。" in owner.say("相談したい")[0]


def test_the_caps_come_from_the_year_file(sqlite_url: str, fake_line: FakeLine, tmp_path: Path) -> None:
    r7 = (program.DEFAULT_DIR / "r7.yaml").read_text(encoding="utf-8")
    (tmp_path / "r7.yaml").write_text(r7.replace("visits: 5", "visits: 1"), encoding="utf-8")
    settings = make_settings(sqlite_url, fake_line.url, program_dir=str(tmp_path))  # type: ignore[attr-defined]
    with LiveBot(settings) as bot:
        desk = populate(bot)
        owner = Owner(bot, fake_line, "Ucaps")
        owner.follow()
        reference = first_application(owner, name="上限の店")
        approve(desk, reference, add_expert(desk), visits=1)
        assert "1回目の支援を記録しました" in log_visit(desk, reference)
        refused = log_visit(desk, reference)
        assert re.search(r"支援は1申請につき1回までです（実施要領 4\(1\)ク①）。2回目は記録できません", refused)


def test_answers_and_canned_replies_say_the_year_files_figures(sqlite_url: str, fake_line: FakeLine,
                                                               tmp_path: Path) -> None:
    """The FAQ's caps and period, and the canned 「支援の回数」, come from the year file of the day: a desk that moves
    to a 要領 with other caps edits no answer."""
    r7 = (program.DEFAULT_DIR / "r7.yaml").read_text(encoding="utf-8")
    (tmp_path / "r7.yaml").write_text(r7.replace("visits: 5", "visits: 4").replace("hours: 15", "hours: 12"),
                                      encoding="utf-8")
    settings = make_settings(sqlite_url, fake_line.url, program_dir=str(tmp_path))  # type: ignore[attr-defined]
    with LiveBot(settings) as bot:
        desk = populate(bot)
        owner = Owner(bot, fake_line, "Ufigures")
        owner.follow()
        said = owner.say("専門家には何回まで来てもらえますか")
        assert said[0].startswith("専門家の派遣は、原則1申請につき4回まで（1回につき3時間以内）、合計12時間が上限です。")
        assert "{" not in " ".join(said)
        owner.say("はい")
        period = owner.say("受付の期間はいつからいつまでですか")
        assert "令和7年4月1日（火）から令和8年2月27日（金）までです" in period[0] and "{" not in period[0]
        reference = first_application(owner, name="年度の店")
        with Session(bot.engine) as session:
            limits = next(c.id for c in canned.listing(session=session) if c.title == "支援の回数")
        page = desk.login("coordinator").get(f"/cases/{reference}/canned", params={"key": str(limits)}).text
        assert "1申請につき4回まで（1回3時間以内）、合計12時間まで" in page and "{上限回数}" not in page
        tried = desk.login("editor").get("/faq/test", params={"q": "専門家には何回まで来てもらえますか"}).text
        assert "原則1申請につき4回まで" in tried and "{上限回数}" not in tried  # the editor sees what owners read
        shown = preview(desk.login("editor"), "/faq/new", entry_id="test-caps",
                        **(ENTRY | {"answer": "1申請につき{上限回数}回・合計{上限時間}時間までです。"})).text
        assert "1申請につき4回・合計12時間までです。" in shown  # the preview, as the owner will read it
