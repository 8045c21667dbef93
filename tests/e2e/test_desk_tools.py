"""The desk's daily tools over real HTTP with the real app: correcting the draft (audited, the owner's value kept and
shown), re-routing a case to another organisation, organisations with aliases added and edited by admins and used
for routing an owner's own words, canned replies managed in the web UI, and the unread e-mail setting (a real SMTP
server, aiosmtpd)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import make_engine, make_session_factory
from bot.staff.tables import AuditLog, Organisation
from handoff import cases
from handoff.tables import Case, CaseNotification
from tests.conftest import make_settings
from tests.e2e.conftest import case_for
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import EMAILS, World, populate
from tests.e2e.test_decide import application_for, token_of
from tests.e2e.test_desk_rules import case_of, post
from tests.e2e.test_notifications import Inbox, smtp  # noqa: F401 - the SMTP server fixture
from tests.e2e.test_prescreen_conversations import BUSINESS, answer
from tests.fakes import line_events
from tests.fakes.line_server import FakeLine


def quietly(world: World, fake_line: FakeLine, user: str, text: str) -> None:
    """An owner's message in person mode after the one acknowledgement: the bot says nothing."""
    event = line_events.event("text", user, token=fake_line.issue_token(user), message__text=text)
    assert world.bot.post(event).status_code == 200


def audit_rows(world: World, action: str) -> list[AuditLog]:
    with Session(world.bot.engine) as session:
        return list(session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def org_id(world: World, name: str) -> int:
    with Session(world.bot.engine) as session:
        found = session.scalar(select(Organisation.id).where(Organisation.name == name))
        assert found is not None
        return found


def admin_post(client: object, path: str, **data: str) -> str:
    page = client.get("/admin").text  # type: ignore[attr-defined]
    client.post(path, data={"csrf_token": token_of(page), **data})  # type: ignore[attr-defined]
    return client.get("/admin").text  # type: ignore[attr-defined]


def test_a_coordinator_corrects_the_draft_and_the_owners_value_stays_visible(desk: World) -> None:
    reference = application_for(desk, "line:Ua")
    coordinator = desk.login("coordinator")
    refused = post(coordinator, reference, "correct", field="business_name", value="くまもと菓子舗")
    assert "先にこのケースの担当になってから修正できます" in coordinator.get(f"/cases/{reference}").text, refused.text[:200]
    post(coordinator, reference, "claim")
    post(coordinator, reference, "correct", field="business_name", value="くまもと菓子舗")
    post(coordinator, reference, "correct", field="employees", value="１２人")
    post(coordinator, reference, "correct", field="mode", value="訪問")
    page = coordinator.get(f"/cases/{reference}").text
    assert "「相談方法」を修正しました" in page
    case = case_of(desk, reference)
    assert (case.fields["business_name"], case.fields["employees"], case.fields["mode"]) == ("くまもと菓子舗", 12, "visit")
    assert case.owner_fields == {"business_name": "菊陽菓子舗", "employees": None, "mode": "online"}
    assert "窓口が修正（事業者の入力：菊陽菓子舗）" in page and 'id="corrections"' in page
    assert "くまもと菓子舗" in page
    # corrected twice: the owner's value is still the one kept
    post(coordinator, reference, "correct", field="business_name", value="くまもと菓子舗 本店")
    assert case_of(desk, reference).owner_fields["business_name"] == "菊陽菓子舗"
    # bad input: a clear answer, nothing changed
    post(coordinator, reference, "correct", field="phone", value="わかりません")
    assert "修正できませんでした：電話番号として読めませんでした" in coordinator.get(f"/cases/{reference}").text
    post(coordinator, reference, "correct", field="mode", value="電話")
    assert "「相談方法」は 訪問・オンライン・どちらでも から選んでください" in coordinator.get(f"/cases/{reference}").text
    post(coordinator, reference, "correct", field="status", value="closed")
    assert "修正する項目を選んでください" in coordinator.get(f"/cases/{reference}").text
    assert case_of(desk, reference).status == "claimed" and "phone" not in case_of(desk, reference).fields
    # audited: one row per correction, the field named, never the values
    rows = audit_rows(desk, "case.correct")
    assert [r.detail["field"] for r in rows] == ["business_name", "employees", "mode", "business_name"]
    assert not any("菓子" in str(r.detail) for r in rows)
    # the corrected name is what the queue's search finds
    assert reference in coordinator.get("/cases/rows", params={"q": "くまもと菓子舗", "status": "all"}).text
    # only the case's coordinator or an admin: an admin may, another role may not
    admin = desk.login("admin")
    post(admin, reference, "correct", field="representative", value="熊本 花子")
    assert case_of(desk, reference).fields["representative"] == "熊本 花子"
    advisor = desk.login("advisor")
    assert advisor.post(f"/cases/{reference}/correct", data={"field": "phone", "value": "0961234567"}).status_code \
        in (403, 404)


def test_re_routing_moves_the_case_between_organisations_advisors(desk: World) -> None:
    advisor, coordinator = desk.login("advisor"), desk.login("coordinator")
    reference = desk.case_in_org
    assert advisor.get(f"/cases/{reference}").status_code == 200
    post(coordinator, reference, "claim")
    post(coordinator, reference, "reroute", organisation=str(org_id(desk, "八代商工会議所")))
    assert "回付先を 八代商工会議所 にしました" in coordinator.get(f"/cases/{reference}").text
    assert case_of(desk, reference).organisation_id == org_id(desk, "八代商工会議所")
    assert advisor.get(f"/cases/{reference}").status_code == 404  # the old organisation's advisor: no longer
    assert reference not in advisor.get("/cases/rows", params={"status": "all"}).text
    [row] = audit_rows(desk, "case.reroute")
    assert row.detail == {"from": "菊陽町商工会", "to": "八代商工会議所"} and row.target == reference
    # the other case comes to 菊陽町商工会: its advisor sees it now
    other = desk.case_elsewhere
    assert advisor.get(f"/cases/{other}").status_code == 404
    admin = desk.login("admin")
    post(admin, other, "reroute", organisation=str(org_id(desk, "菊陽町商工会")))
    assert advisor.get(f"/cases/{other}").status_code == 200
    assert other in advisor.get("/cases/rows", params={"status": "all"}).text
    post(coordinator, other, "reroute", organisation="")  # not the coordinator's case: refused
    assert case_of(desk, other).organisation_id == org_id(desk, "菊陽町商工会")


def test_admins_add_and_edit_organisations_with_aliases(desk: World) -> None:
    admin = desk.login("admin")
    page = admin_post(admin, "/admin/organisations", name="南阿蘇村商工会", kind="商工会", area="阿蘇郡南阿蘇村",
                      aliases="みなみあそ商工会\n南阿蘇商工会")
    assert "南阿蘇村商工会 を追加しました" in page and "みなみあそ商工会" in page
    kikuyo = org_id(desk, "菊陽町商工会")
    page = admin_post(admin, f"/admin/organisations/{kikuyo}", name="菊陽町商工会", kind="商工会", area="菊池郡菊陽町",
                      aliases="きくよう商工会")
    assert "菊陽町商工会 を保存しました" in page
    page = admin_post(admin, f"/admin/organisations/{kikuyo}", name="菊陽町商工会", kind="商工会", area="菊池郡菊陽町",
                      aliases="南阿蘇商工会")
    assert "できませんでした：「南阿蘇商工会」は 南阿蘇村商工会 の名前か別名です" in page
    page = admin_post(admin, "/admin/organisations", name="", kind="商工会")
    assert "できませんでした：組織の名前を入力してください" in page
    page = admin_post(admin, f"/admin/organisations/{kikuyo}/delete")
    assert "できませんでした：所属する職員がいる組織は削除できません" in page
    assert [r.action for r in audit_rows(desk, "organisation.add")] == ["organisation.add"]
    [edit] = audit_rows(desk, "organisation.edit")
    assert edit.detail == {"aliases": [[], ["きくよう商工会"]]}
    coordinator = desk.login("coordinator")
    assert coordinator.post("/admin/organisations", data={"name": "x", "kind": "商工会"}).status_code == 403
    with Session(desk.bot.engine) as session:
        for typed, expected in (("菊陽商工会", "菊陽町商工会"), ("菊陽町 商工会", "菊陽町商工会"),
                                ("きくよう商工会", "菊陽町商工会"), ("南阿蘇商工会", "南阿蘇村商工会"),
                                ("八代市商工会議所", "八代商工会議所"), ("ＯＯ商工会", None)):
            found = cases.organisation_named(session=session, name=typed)
            assert (session.get(Organisation, found).name if found else None) == expected, typed


def test_an_owner_typing_the_short_name_reaches_the_organisations_advisor(desk: World, fake_line: FakeLine) -> None:
    """An organisation the admin added (城南町商工会, 熊本市南区) and an owner who writes 「城南商工会」: the case is routed
    to it (the name compared without 町) and the advisor the admin added for it sees the case."""
    admin = desk.login("admin")
    admin_post(admin, "/admin/organisations", name="城南町商工会", kind="商工会", area="熊本市南区城南町")
    page = admin_post(admin, "/admin/staff", email="jonan@test.example", password="jonan-password-5", role="advisor",
                      organisation="城南町商工会")
    assert "jonan@test.example を登録しました" in page
    owner = Owner(desk.bot, fake_line, "Ujonan")
    owner.follow()
    owner.say("相談したいです")
    answer(owner, BUSINESS | {"shokokai": "城南商工会に入っています"}, until="problem")
    owner.say("在庫と受注を紙で管理していて、クラウドの管理システムを入れたい")
    answer(owner, {"theme": "ITツールの活用", "expert": "特に決まっていません", "usage": "利用していない",
                   "business": "和菓子の製造と店頭販売", "situation": "横ばいです", "reading": "はい",
                   "business_name": "城南精密", "representative": "熊本 花子", "phone": "096-232-1234",
                   "email": "なし", "mode": "オンラインで"}, until="confirm")
    owner.tap("送信する")
    assert "受付番号は KD-" in owner.last
    with Session(desk.bot.engine) as session:
        case = session.scalars(select(Case).where(Case.conversation_key == "line:Ujonan")).one()
        assert case.fields["shokokai"] == "城南商工会"  # as the owner wrote it
        assert case.organisation_id == org_id(desk, "城南町商工会")
        reference = case.reference
    jonan = desk.client()
    assert jonan.post("/login", data={"email": "jonan@test.example", "password": "jonan-password-5"}).status_code == 303
    assert jonan.get(f"/cases/{reference}").status_code == 200
    assert desk.login("advisor").get(f"/cases/{reference}").status_code == 404  # 菊陽町商工会's advisor: not theirs


def test_canned_replies_are_managed_in_the_web_ui_and_filled_in_for_the_case(desk: World) -> None:
    coordinator = desk.login("coordinator")
    page = coordinator.get("/canned").text
    assert "受付のお礼" in page and "{事業所名}" in page
    token = token_of(page)
    coordinator.post("/canned", data={"csrf_token": token, "title": "書類のお願い",
                                      "body": "{事業所名} 様　受付番号 {受付番号} の件で、決算書の写しをお送りください。{担当者名}"})
    coordinator.post("/canned", data={"csrf_token": token, "title": "間違い", "body": "{会社名} 様"})
    page = coordinator.get("/canned").text
    assert "できませんでした：{会社名} は使えません。使える差し込みは {事業所名}・{受付番号}・{担当者名}・{年度}・" in page
    assert "定型文「書類のお願い」を追加しました" not in page  # flashes are shown once: the second post's only
    ids = {title: i for i, title in ((c.split('"')[0], c.split("<h2>")[1].split("<")[0])
                                     for c in page.split('id="canned-')[1:])}
    assert "書類のお願い" in ids and "間違い" not in ids
    box = coordinator.get(f"/cases/{desk.case_in_org}/canned", params={"key": ids["書類のお願い"]}).text
    assert f"菊陽町商工会の会員 様　受付番号 {desk.case_in_org} の件で" in box and box.rstrip().endswith(
        "coordinator</textarea>")
    coordinator.post(f"/canned/{ids['書類のお願い']}", data={"csrf_token": token, "title": "書類のお願い（決算書）",
                                                            "body": "決算書の写しをお送りください。"})
    assert "書類のお願い（決算書）" in coordinator.get("/canned").text
    coordinator.post(f"/canned/{ids['受付のお礼']}/delete", data={"csrf_token": token})
    page = coordinator.get("/canned").text
    assert "定型文「受付のお礼」を削除しました" in page and 'id="canned-' + ids["受付のお礼"] + '"' not in page
    assert [r.action for r in audit_rows(desk, "canned.add") + audit_rows(desk, "canned.edit")
            + audit_rows(desk, "canned.delete")] == ["canned.add", "canned.edit", "canned.delete"]
    post(coordinator, desk.case_in_org, "claim")
    case_page = coordinator.get(f"/cases/{desk.case_in_org}").text
    assert "書類のお願い（決算書）" in case_page and "受付のお礼" not in case_page
    assert desk.login("advisor").get("/canned").status_code == 403
    assert desk.login("editor").get("/canned").status_code == 403


def test_an_owners_message_mails_the_coordinator_who_asked_once_per_unread(
        sqlite_url: str, fake_line: FakeLine, smtp: tuple[Inbox, int]) -> None:  # noqa: F811
    inbox, port = smtp
    settings = make_settings(sqlite_url, fake_line.url, smtp_host="127.0.0.1", smtp_port=port,  # type: ignore[attr-defined]
                             smtp_from="desk@test.example", public_url="https://madoguchi.test",
                             notify_to="desk@test.example")
    with LiveBot(settings) as bot:
        world = populate(bot)
        owner = Owner(bot, fake_line, "Uunread")
        owner.follow()
        reference = case_for(world, "line:Uunread")
        coordinator = world.login("coordinator")
        page = coordinator.get("/settings").text
        assert "メールで知らせる" in page and "設定されていない" not in page
        coordinator.post("/settings", data={"csrf_token": token_of(page), "mail_unread": "1"})
        post(coordinator, reference, "claim")
        post(coordinator, reference, "reply", text="ご都合のよい日時を教えてください。")
        wait_until(lambda: "ご都合のよい日時を教えてください。" in fake_line.texts_to("Uunread"), what="the reply")
        owner.say("来週の火曜の午後なら大丈夫です")
        wait_until(lambda: any(EMAILS["coordinator"] in to for to, _ in inbox.received), what="the unread mail")
        quietly(world, fake_line, "Uunread", "午前でも大丈夫です")  # still unread: no second mail
        wait_until(lambda: case_of(world, reference).last_message.endswith("午前でも大丈夫です"), what="the thread")
        to_coordinator = [m for to, m in inbox.received if to == [EMAILS["coordinator"]]]
        assert len(to_coordinator) == 1
        mail = to_coordinator[0]
        body = mail.get_content()
        assert reference in mail["Subject"] and f"https://madoguchi.test/cases/{reference}" in body
        assert "火曜" not in body and "Uunread" not in body  # no message, no owner's details
        coordinator.get(f"/cases/{reference}")  # read: the next message mails again
        quietly(world, fake_line, "Uunread", "よろしくお願いします")
        wait_until(lambda: len([1 for to, _ in inbox.received if to == [EMAILS["coordinator"]]]) == 2,
                   what="the second unread mail")
        # the setting off: the badge still, no mail
        page = coordinator.get("/settings").text
        coordinator.post("/settings", data={"csrf_token": token_of(page)})
        coordinator.get(f"/cases/{reference}")
        quietly(world, fake_line, "Uunread", "念のためもう一度")
        wait_until(lambda: case_of(world, reference).unread, what="unread again")
        assert "未読 1" in coordinator.get("/cases/badge").text
        engine = make_engine(settings)
        with make_session_factory(engine)() as session:
            kinds = session.scalars(select(CaseNotification.kind).where(CaseNotification.kind == "unread")).all()
        engine.dispose()
        assert len(kinds) == 2
        assert len([1 for to, _ in inbox.received if to == [EMAILS["coordinator"]]]) == 2
        assert [r.detail for r in audit_rows(world, "staff.mail_unread")] == [{"to": True}, {"to": False}]
