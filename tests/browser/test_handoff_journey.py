"""The handoff from end to end: an owner pre-screens over signed LINE webhooks (real SDK, fake LINE server), the
case appears in a coordinator's open queue without a reload, and the coordinator works it in a real browser: claims,
asks for the missing item (the owner answers on LINE), replies, approves, and logs visits until the ledger refuses
the sixth. The owner receives every message once, in order."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

from bot.db.engine import make_session_factory
from dialogs import satisfaction
from dialogs import texts as bot_texts
from dialogs.hours import JST
from dialogs.prescreen import texts
from handoff import cases
from handoff.tables import Visit
from tests.browser.conftest import ARTIFACTS
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, World, populate
from tests.e2e.test_prescreen_conversations import AFTER_TAPPED, answer, contact, to_problem
from tests.fakes.line_server import FakeLine

USER = "Ujourney"
REPLY = "コーディネーターの田中です。内容を確認しました。専門家の派遣を進めます。"


@pytest.fixture
def desk(sqlite_url: str, fake_line: FakeLine) -> Iterator[World]:
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        yield populate(bot)


def pre_screen(owner: Owner) -> str:
    """The whole pre-screening on LINE, leaving 事業の内容 to the coordinator; returns the reference."""
    to_problem(owner, typing=False, industry="小売業", heads="3人")
    owner.say("お店の商品をネットでも売りたいが、始め方がわからない")
    answer(owner, AFTER_TAPPED | {"business": "後で担当者に伝える"}, until="business_name", typing=False)
    contact(owner, typing=False)
    owner.tap("送信する")
    found = re.search(r"KD-\d{4}-\d{4}", owner.last)
    assert found, owner.last
    return found.group()


def log_visit(page: Any, day: str) -> None:
    page.get_by_label("支援日").fill(day)
    page.get_by_label("時間（1回3時間以内）").fill("3")
    page.get_by_role("button", name="支援を記録する").click()
    page.locator(".flash").first.wait_for()


def test_owner_to_queue_to_decision_to_visits(browser: Any, desk: World, fake_line: FakeLine) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(desk.url + "/login")
    page.get_by_label("メールアドレス").fill(EMAILS["coordinator"])
    page.get_by_label("パスワード").fill(PASSWORDS["coordinator"])
    page.keyboard.press("Enter")
    page.get_by_role("navigation", name="メイン").get_by_role("link", name="ケース一覧").click()
    page.get_by_role("link", name=desk.case_in_org).wait_for()

    owner = Owner(desk.bot, fake_line, USER)
    owner.follow()
    reference = pre_screen(owner)
    submitted = len(fake_line.texts_to(USER))
    page.get_by_role("link", name=reference).wait_for(timeout=15_000)  # appeared without a reload
    assert page.locator("#badge").inner_text(timeout=15_000) != ""

    page.get_by_role("link", name=reference).click()
    page.get_by_role("heading", name=reference).wait_for()
    assert "（後で担当者へ）" in page.locator("table.form1", has_text="経営状況").inner_text()
    page.get_by_role("button", name="このケースを担当する").click()
    page.get_by_text("このケースの担当になりました").wait_for()

    assert page.locator("select[name=item]").input_value() == "business"  # the missing item, preselected
    page.get_by_role("button", name="ボットで質問する").click()
    page.get_by_text("「事業の内容」を事業者に質問しました").first.wait_for()
    wait_until(lambda: fake_line.texts_to(USER)[-2:] == [bot_texts.ASK_ITEM_INTRO, texts.ASK_BUSINESS],
               what="the question on LINE")  # ASK_BUSINESS alone was heard during pre-screening
    owner.say("雑貨の店頭販売です")
    page.locator("#thread").get_by_text("【事業の内容】雑貨の店頭販売です").wait_for(timeout=10_000)  # polled in

    page.get_by_label("メッセージ（line で届きます）").fill(REPLY)
    page.get_by_role("button", name="送信", exact=True).click()
    page.get_by_text("事業者に送信しました").wait_for()
    wait_until(lambda: REPLY in fake_line.texts_to(USER), what="the reply on LINE")

    decide = page.locator("form[action$='/decide']")  # a label's name includes its select's value: use the fields
    decide.locator("select[name=decision]").select_option("approve")
    decide.locator("input[name=expert]").fill("山田 花子")
    decide.locator("select[name=mode]").select_option("visit")
    decide.locator("input[name=visits]").fill("5")
    decide.get_by_role("button", name="送る内容を確認する").click()
    message = page.get_by_label("事業者へのメッセージ")  # the confirmation: what the owner will read, editable
    assert "専門家：山田 花子" in message.input_value() and "予定回数：5回" in message.input_value()
    page.get_by_role("button", name="この内容で記録して知らせる").click()
    page.get_by_text("判断を記録し、事業者に知らせました").wait_for()
    assert page.locator("#status").inner_text() == "承認"
    wait_until(lambda: any("専門家の派遣が決まりました" in t for t in fake_line.texts_to(USER)), what="the news")
    wait_until(lambda: satisfaction.QUESTION in fake_line.texts_to(USER), what="the rating question after it")

    today = datetime.now(JST).date().isoformat()  # visits lie between the application and today
    for number, day in enumerate((today, today), 1):
        log_visit(page, day)
        page.get_by_text(f"{number}回目の支援を記録しました").wait_for()
    for day in (today, today, today):
        log_visit(page, day)
    page.get_by_text("支援の記録（5回・15時間／上限 5回・15時間）").wait_for()
    log_visit(page, today)
    refusal = page.get_by_role("alert").get_by_text("支援は1申請につき5回までです（実施要領 4(1)ク①）。6回目は記録できません")
    refusal.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "handoff-case-page.png"), full_page=True)

    heard = fake_line.texts_to(USER)[submitted:]
    approval = next(t for t in heard if "専門家の派遣が決まりました" in t)
    assert heard == [bot_texts.ASK_ITEM_INTRO, texts.ASK_BUSINESS, bot_texts.ASK_ITEM_THANKS,
                     bot_texts.PERSON_STARTED, REPLY, approval,  # a reply silences the bot first
                     satisfaction.QUESTION]  # and the decision is followed by the one rating question
    keys = [c.retry_key for c in fake_line.delivered(USER) if c.kind == "push"]
    assert len(keys) == len(set(keys)) == 5  # question, person mode, reply, approval, rating: own retry keys
    assert all(u.startswith(desk.url) for u in requests), "no external requests"
    context.close()


def five_visits_and_a_full_draft(desk: World) -> None:
    """The case of the print test filled in as far as it goes, with the five visits the ledger allows."""
    with make_session_factory(desk.bot.engine).begin() as session:
        case = cases.by_reference(session=session, reference=desk.case_in_org)
        assert case is not None
        case.fields = {**case.fields, "representative": "熊本 太郎", "municipality": "菊陽町", "phone": "0961234567",
                       "email": "taro@example.jp", "problem": "在庫管理を紙で行っており、棚卸しに毎月二日かかる。" * 4,
                       "business": "和菓子の製造と店頭・ネット販売", "situation": "横ばい", "theme": "it_tools",
                       "mode": "visit", "expert_name": "山田 花子"}
        case.status = "in_support"
        for _ in range(5):
            session.add(Visit(case_id=case.id, visited_on=date.today(), minutes=180, mode="visit",
                              expert="山田 花子（中小企業診断士）", report="在庫管理ツールの比較と導入計画", actor="test"))


def test_form_1_prints_to_a_pdf_with_the_japanese_fields(browser: Any, desk: World) -> None:
    """The print view as chromium prints it (「PDFに保存」): one A4 page even with a full draft and five visits,
    fonts embedded, the text reads back."""
    pypdf = pytest.importorskip("pypdf")
    five_visits_and_a_full_draft(desk)
    context = browser.new_context(locale="ja-JP")
    page = context.new_page()
    page.goto(desk.url + "/login")
    page.get_by_label("メールアドレス").fill(EMAILS["advisor"])  # the 商工会's advisor may print their own case
    page.get_by_label("パスワード").fill(PASSWORDS["advisor"])
    page.keyboard.press("Enter")
    page.get_by_role("navigation", name="メイン").wait_for()
    page.goto(f"{desk.url}/cases/{desk.case_in_org}")
    page.get_by_role("link", name="様式1を印刷・PDFに保存").click()
    page.get_by_role("heading", name="様式1 専門家指導申請書（下書き）").wait_for()
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "form1.pdf").write_bytes(pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = unicodedata.normalize("NFKC", reader.pages[0].extract_text())  # the font maps some kanji to radicals
    for expected in ("専門家指導申請書", desk.case_in_org, "企業概要", "事業所名", "菊陽町商工会の会員", "相談内容",
                     "支援の記録"):
        assert expected in text, expected
    assert "印刷する" not in text  # the screen-only button is not printed
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]

    def carried(font: Any) -> bool:  # glyphs drawn in the file (Type3) or the font file embedded: no viewer font needed
        if "/CharProcs" in font:
            return True
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant.get("/FontDescriptor")
        return descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2",
                                                                                       "/FontFile3"))

    assert fonts and all(carried(f) for f in fonts)
    context.close()
