"""The カルテ in a real browser (issue 15, item 4): from a case page to its business's カルテ, which shows both
applications and their decisions, the visit with its report, the evaluation, the channels (LINE display name marked
unverified) and the timeline; a follow-up note added with a date that has come appears in the queue; a proposed
merge is confirmed from the list; the advisor of another organisation gets nothing. Screenshots at 1280 and 375 px."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import Conversation, OwnerProfile, utcnow
from bot.staff.tables import Organisation
from handoff import business
from handoff.tables import Case, ExpertEvaluation, Visit
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_experts import login
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import World, populate

FIELDS = {"business_name": "菊陽菓子舗", "representative": "熊本 花子", "phone": "096-232-1234",
          "shokokai": "菊陽町商工会", "municipality": "菊陽町", "industry": "manufacturing", "org_type": "company",
          "employees": 25}


def seed(bot: LiveBot) -> dict[str, Any]:
    """Two applications from one LINE user (the first approved, visited and rated), and a Telegram user with the same
    phone (a merge proposed, not made)."""
    now = utcnow()
    with Session(bot.engine) as session, session.begin():
        org = session.scalar(select(Organisation.id).where(Organisation.name == "菊陽町商工会"))
        session.add(Conversation(key="line:Ukarte", channel="line", user_id="Ukarte", state={}, turn_count=3))
        session.add(Conversation(key="telegram:88", channel="telegram", user_id="88", state={}, turn_count=3))
        session.add(OwnerProfile(conversation_key="line:Ukarte", display_name="はなこ＠菓子舗", due_at=now,
                                 status="found", fetched_at=now))
        first = Case(reference="KD-2026-0101", kind="application", status="in_support", outcome="eligible",
                     conversation_key="line:Ukarte", channel="line", organisation_id=org,
                     fields=FIELDS | {"problem": "受注を紙で管理している", "theme": "it_tools",
                                      "decision": {"result": "approved", "expert": "山田 太郎", "planned_visits": 1,
                                                   "at": (now - timedelta(days=50)).isoformat()}},
                     decisions=[], flags=[], created_at=now - timedelta(days=60), updated_at=now)
        second = Case(reference="KD-2026-0102", kind="application", status="new", outcome="eligible",
                      conversation_key="line:Ukarte", channel="line", organisation_id=org,
                      fields=FIELDS | {"problem": "ネットショップを始めたい", "theme": "d2c_ec"}, decisions=[], flags=[],
                      created_at=now - timedelta(hours=2), updated_at=now)
        other = Case(reference="KD-2026-0103", kind="application", status="new", outcome="eligible",
                     conversation_key="telegram:88", channel="telegram", organisation_id=org,
                     fields=FIELDS | {"business_name": "菊陽菓子舗 直売所", "problem": "キャッシュレス"}, decisions=[],
                     flags=[], created_at=now - timedelta(hours=1), updated_at=now)
        session.add_all([first, second, other])
        session.flush()
        session.add(Visit(case_id=first.id, visited_on=(now - timedelta(days=40)).date(), minutes=120, mode="online",
                          expert="山田 太郎", report="受注管理のクラウド化を一緒に検討", report_shared=True, actor="c"))
        session.add(ExpertEvaluation(expert_id=_expert(session), case_id=first.id, rater="owner", communication=5,
                                     clarity=4, expertise=5, analysis=4, execution=4, manners=5,
                                     comment="とても親身でした", created_at=now - timedelta(days=39)))
        for case in (first, second, other):
            business.record(session=session, conversation_key=case.conversation_key, fields=case.fields,
                            organisation_id=org, now=case.created_at)
        return {"business": business.of_conversation(session=session, conversation_key="line:Ukarte").id}  # type: ignore[union-attr]


def _expert(session: Session) -> int:
    from handoff.tables import Expert
    expert = Expert(name="山田 太郎", fields=["it_tools"], areas=["菊陽町"], recommended_by="熊本県商工会連合会")
    session.add(expert)
    session.flush()
    return expert.id


def test_karte_from_the_case_page(browser: Any, sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world: World = populate(bot)
        ids = seed(bot)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        page = context.new_page()
        login(page, world.url, "coordinator")
        page.goto(world.url + "/cases/KD-2026-0102")
        page.get_by_role("link", name="この事業者のカルテ（これまでの申請・支援・評価）").click()
        page.get_by_role("heading", name="菊陽菓子舗 カルテ").wait_for()
        cases = page.locator("#cases").inner_text()
        assert "KD-2026-0101" in cases and "KD-2026-0102" in cases and "承認（山田 太郎）" in cases
        assert "受注管理のクラウド化を一緒に検討" in page.locator("#visits").inner_text()
        identity = page.locator("#identity").inner_text()
        assert "はなこ＠菓子舗" in identity and "未確認" in identity
        timeline = page.locator("#timeline").inner_text()
        assert "事業者による専門家の評価 平均4.5（5段階）：とても親身でした" in timeline and "決定：承認" in timeline
        merges = page.locator("#merges").inner_text()
        assert "電話番号が同じ" in merges and "提案中（未統合）" in merges
        assert "KD-2026-0103" not in cases  # proposed, not merged

        page.get_by_label("メモ").fill("ECサイトを公開。3か月後に売上を確認する。")
        page.get_by_label("次の対応").fill("EC売上を電話で確認")
        page.get_by_label("期日").fill((date.today() - timedelta(days=1)).isoformat())
        page.get_by_role("button", name="記録する").click()
        page.get_by_text("メモを記録しました").wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "karte-desktop.png"), full_page=True)
        page.set_viewport_size({"width": 375, "height": 800})
        page.screenshot(path=str(ARTIFACTS / "karte-375.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})

        page.goto(world.url + "/cases")
        assert "EC売上を電話で確認" in page.locator("#followups-due").inner_text()
        page.get_by_role("navigation", name="メイン").get_by_role("link", name="事業者カルテ").click()
        page.locator("#proposed").get_by_role("button", name="統合する").click()
        page.get_by_text("統合しました").wait_for()
        page.get_by_role("heading", name="菊陽菓子舗 カルテ").wait_for()  # the first name, not the branch's
        assert "KD-2026-0103" in page.locator("#cases").inner_text() and "TELEGRAM" in page.locator("#identity").inner_text()
        page.screenshot(path=str(ARTIFACTS / "karte-merged.png"), full_page=True)
        context.close()

        advisor_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
        advisor = advisor_context.new_page()
        login(advisor, world.url, "advisor")  # 菊陽町商工会: sees its member, without notes form or merges
        advisor.goto(f"{world.url}/businesses/{ids['business']}")
        assert "KD-2026-0101" in advisor.locator("#cases").inner_text()
        assert advisor.locator("#note-form").count() == 0 and advisor.locator("#merges").count() == 0
        advisor_context.close()
