"""The カルテ end to end over the real LINE path (issue 15, item 4): a returning owner's second application is
prefilled and confirmed in a few taps; the business's page shows both applications, the visit and the evaluation;
advisors see only their organisation's businesses; 「KD-…の状況を教えて」 answers the owner's own case and refuses
another's without revealing anything; a Telegram user with the same phone is proposed for merging, merged only when
a coordinator confirms (audited), and the merge can be undone."""

from __future__ import annotations

import re

from dialogs import texts as menu_texts
from dialogs.prescreen import texts
from tests.e2e.harness import wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World
from tests.e2e.telegram_owner import TelegramOwner
from tests.e2e.test_decide import token_of
from tests.e2e.test_experts import add_expert, approve, log_visit, sql
from tests.e2e.test_prescreen_conversations import AFTER, BUSINESS, CONTACT, answer
from tests.fakes.line_server import FakeLine
from tests.fakes.telegram_server import FakeTelegram
from tests.simulation import pending

PROBLEM = "在庫と受注を紙で管理していて、クラウドの管理システムを入れたい"


def first_application(o: Owner | TelegramOwner, *, kai: str = "菊陽町商工会です", name: str = "菊陽菓子舗",
                      phone: str = "０９６－２３２－１２３４") -> str:
    """A whole first pre-screening, typed; returns the reference the owner is told."""
    assert texts.START in " ".join(o.say("相談したいです"))
    answers = BUSINESS | AFTER | CONTACT | {"shokokai": kai, "problem": PROBLEM, "business_name": name,
                                            "phone": phone}
    answer(o, answers, until="confirm")  # type: ignore[arg-type]
    o.tap("送信する")
    found = re.search(r"KD-\d{4}-\d{4}", o.last)
    assert found, o.last
    return found.group(0)


def business_of(desk: World, reference: str) -> int:
    [(business_id,)] = sql(desk, "SELECT l.business_id FROM business_link l JOIN handoff_case c "
                                 "ON c.conversation_key = l.conversation_key WHERE c.reference = :r", r=reference)
    return int(business_id)  # type: ignore[call-overload]


def rate(owner: Owner, fake: FakeLine) -> None:
    wait_until(lambda: any(t.startswith("（1/6）") for t in fake.texts_to(owner.user)), what="the first axis")
    owner.offered = {i["action"]["label"]: i["action"]["data"]
                     for i in fake.delivered(owner.user)[-1].messages[-1]["quickReply"]["items"]}
    for score in ("5 とても良い", "4 良い", "5 とても良い", "3 ふつう", "4 良い", "5 とても良い"):
        owner.tap(score)
    owner.say("とても親身でした")


def test_a_returning_owner_is_greeted_and_the_second_application_is_prefilled(desk: World,
                                                                               fake_line: FakeLine) -> None:
    fake_line.add_friend("Ukarte", "はなこ＠菓子舗")
    owner = Owner(desk.bot, fake_line, "Ukarte")
    owner.follow()
    before = len(owner.heard)
    first = first_application(owner)
    first_turns = len(owner.heard) - before  # from 「相談したいです」 to 送信する
    expert_id = add_expert(desk)
    approve(desk, first, expert_id, visits=1)
    log_visit(desk, first)
    rate(owner, fake_line)

    before = len(owner.heard)
    said = owner.say("相談したい")
    assert pending(said) == "consent" and "熊本 花子" not in " ".join(said)  # consent first, then the greeting
    taps = 0
    said = owner.tap("同意する")
    taps += 1
    assert "熊本 花子様、またのご相談ありがとうございます。" in said
    assert "前回の内容（菊陽菓子舗、製造業、従業員25名）のままでよろしいですか？" in said
    assert list(owner.offered) == ["はい", "変更する"]
    owner.tap("はい")
    taps += 1
    assert texts.RETURNING_KEPT in owner.heard[-1]
    assert pending(owner.heard[-1]) == "problem"  # 所在地・形態・業種・規模・商工会 were not asked again
    owner.say("ネットショップを始めたい")
    for _ in range(6):
        slot = pending(owner.heard[-1])
        if slot == "confirm":
            break
        owner.tap({"theme": "ITツールの活用", "expert": "決まっていない", "situation": "横ばい"}[slot])
        taps += 1
    assert pending(owner.heard[-1]) == "confirm" and taps <= 5, (taps, owner.last)
    card = " ".join(owner.heard[-1])
    assert "菊陽菓子舗" in card and "熊本 花子" in card and "（窓口の記録）" in card  # usage from the ledger
    owner.tap("送信する")
    second_turns = len(owner.heard) - before
    assert second_turns * 2 <= first_turns
    second = re.search(r"KD-\d{4}-\d{4}", owner.last).group(0)  # type: ignore[union-attr]
    assert second != first
    rows = sql(desk, "SELECT reference FROM handoff_case WHERE conversation_key = 'line:Ukarte' ORDER BY id")
    assert [r[0] for r in rows] == [first, second]
    business_id = business_of(desk, first)
    assert business_of(desk, second) == business_id

    coordinator = desk.login("coordinator")
    case_page = coordinator.get(f"/cases/{second}").text
    assert f'href="/businesses/{business_id}"' in case_page.split('id="karte-link"')[1][:200]
    karte = coordinator.get(f"/businesses/{business_id}").text
    assert first in karte and second in karte and "EC サイトの構成を一緒に検討" in karte
    assert "事業者による専門家の評価 平均4.3" in karte and "とても親身でした" in karte
    identity = karte.split('id="identity"')[1].split("</section>")[0]
    assert "はなこ＠菓子舗" in identity and "未確認" in identity

    advisor = desk.login("advisor")  # 菊陽町商工会: its member's カルテ, without the case threads
    assert first in advisor.get(f"/businesses/{business_id}").text
    assert "菊陽菓子舗" in advisor.get("/businesses").text


def test_advisors_see_only_their_organisations_businesses(desk: World, fake_line: FakeLine) -> None:
    mine = Owner(desk.bot, fake_line, "Umine")
    mine.follow()
    own = first_application(mine, name="菊陽の店")
    other = Owner(desk.bot, fake_line, "Uother")
    other.follow()
    elsewhere = first_application(other, kai="八代商工会議所です", name="八代の店", phone="0965-11-2222")
    advisor = desk.login("advisor")
    listed = advisor.get("/businesses").text
    assert "菊陽の店" in listed and "八代の店" not in listed
    assert advisor.get(f"/businesses/{business_of(desk, elsewhere)}").status_code == 404
    assert advisor.get(f"/businesses/{business_of(desk, own)}").status_code == 200
    assert "八代の店" not in advisor.get("/businesses", params={"q": "八代"}).text
    assert "八代の店" in desk.login("coordinator").get("/businesses", params={"q": "八代"}).text
    assert advisor.post(f"/businesses/{business_of(desk, own)}/notes",
                        data={"csrf_token": token_of(listed), "text": "x"}).status_code == 403


def test_the_status_of_ones_own_case_and_never_anothers(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Ustatus")
    owner.follow()
    own = first_application(owner, name="状況の店", phone="096-555-0001")
    stranger = Owner(desk.bot, fake_line, "Ustranger")
    stranger.follow()
    theirs = first_application(stranger, name="よその店", phone="096-555-0002")

    said = owner.say(f"{own}の状況を教えて")
    assert f"{own} の状況です。" in said[0] and menu_texts.STATUS_WORDS["new"] in said[0]
    refused = owner.say(f"{theirs}の状況を教えて")
    assert refused[0] == menu_texts.STATUS_NOT_YOURS.format(reference=theirs)
    assert "よその店" not in " ".join(refused) and "受け付けました" not in " ".join(refused)
    missing = owner.say("KD-2026-9999の状況を教えて")  # no such case: the very same answer
    assert missing[0] == menu_texts.STATUS_NOT_YOURS.format(reference="KD-2026-9999")
    owner.offered = {"menu": "menu:status"}  # the rich menu's 申請の状況
    listed = " ".join(owner.tap("menu"))
    assert own in listed and theirs not in listed


def test_a_same_phone_on_telegram_is_proposed_and_merged_only_when_confirmed(
        desk: World, fake_line: FakeLine, fake_telegram: FakeTelegram) -> None:
    line = Owner(desk.bot, fake_line, "Umerge")
    line.follow()
    on_line = first_application(line, name="合併菓子店", phone="096-777-1234")
    telegram = TelegramOwner(desk.bot, fake_telegram, 7777)
    on_telegram = first_application(telegram, name="合併菓子店（支店）", phone="０９６（７７７）１２３４")
    kept, other = business_of(desk, on_line), business_of(desk, on_telegram)
    assert kept != other  # never merged silently
    assert sql(desk, "SELECT reason, status FROM business_merge") == [("phone", "proposed")]
    refused = telegram.say(f"{on_line}の状況を教えて")  # not (yet) the same business
    assert refused[0] == menu_texts.STATUS_NOT_YOURS.format(reference=on_line)

    coordinator = desk.login("coordinator")
    listing = coordinator.get("/businesses").text
    proposed = listing.split('id="proposed"')[1].split("</section>")[0]
    assert "合併菓子店" in proposed and "電話番号が同じ" in proposed
    [(merge_id,)] = sql(desk, "SELECT id FROM business_merge")
    coordinator.post(f"/businesses/merges/{merge_id}/confirm", data={"csrf_token": token_of(listing)})
    assert business_of(desk, on_telegram) == kept
    page = coordinator.get(f"/businesses/{kept}").text
    assert on_line in page and on_telegram in page and "TELEGRAM" in page and "統合済み" in page
    assert coordinator.get(f"/businesses/{other}", follow_redirects=False).headers["location"] == f"/businesses/{kept}"
    assert f"{on_line} の状況です。" in telegram.say(f"{on_line}の状況を教えて")[0]  # one business now

    coordinator.post(f"/businesses/merges/{merge_id}/undo", data={"csrf_token": token_of(page)})
    assert business_of(desk, on_telegram) == other and business_of(desk, on_line) == kept
    trail = sql(desk, "SELECT action, actor, target FROM audit_log WHERE action LIKE 'business.%' ORDER BY id")
    assert trail == [("business.merge_confirm", "coordinator@test.example", f"business:{kept}"),
                     ("business.merge_undo", "coordinator@test.example", f"business:{kept}")]


def test_follow_ups_show_in_the_queue_when_due(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Ufollow")
    owner.follow()
    business_id = business_of(desk, first_application(owner, name="伴走の店", phone="096-555-0003"))
    coordinator = desk.login("coordinator")
    page = coordinator.get(f"/businesses/{business_id}").text
    coordinator.post(f"/businesses/{business_id}/notes", data={
        "csrf_token": token_of(page), "text": "EC開始", "next_action": "売上を確認", "due_on": ""})
    assert "次の対応と期日は、両方入力してください" in coordinator.get(f"/businesses/{business_id}").text
    for due_on, action in (("2020-01-10", "売上を電話で確認"), ("2099-01-10", "来年の計画を聞く")):
        coordinator.post(f"/businesses/{business_id}/notes", data={
            "csrf_token": token_of(page), "text": "EC開始", "next_action": action, "due_on": due_on})
    queue = coordinator.get("/cases").text
    due = queue.split('id="followups-due"')[1].split("</section>")[0]
    assert "伴走の店" in due and "売上を電話で確認" in due and "来年の計画を聞く" not in due
    [(note_id,)] = sql(desk, "SELECT id FROM business_note WHERE due_on = '2020-01-10'")
    coordinator.post(f"/businesses/{business_id}/notes/{note_id}/done", data={"csrf_token": token_of(page)})
    assert 'id="followups-due"' not in coordinator.get("/cases").text
