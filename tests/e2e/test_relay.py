"""A coordinator's reply reaches the owner on their own channel: LINE (push with a retry key) or Telegram."""

from __future__ import annotations

from sqlalchemy import text

from tests.e2e.conftest import case_for
from tests.e2e.harness import wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World
from tests.e2e.telegram_owner import TelegramOwner
from tests.fakes.line_server import FakeLine
from tests.fakes.telegram_server import FakeTelegram

REPLY = "コーディネーターの田中です。来週の火曜日にお電話してもよろしいですか？"


def send(desk: World, role: str, reference: str, body: str = REPLY, with_token: bool = True) -> int:
    client = desk.login(role)
    page = client.get(f"/cases/{reference}").text
    data = {"text": body}
    if with_token and 'name="csrf_token" value="' in page:
        data["csrf_token"] = page.split('name="csrf_token" value="')[1].split('"')[0]
    if "このケースを担当する" in page:  # only the case's coordinator replies: take it first
        client.post(f"/cases/{reference}/claim", data={"csrf_token": data.get("csrf_token", "")})
    return client.post(f"/cases/{reference}/reply", data=data).status_code


def test_reply_is_relayed_to_telegram(desk: World, fake_telegram: FakeTelegram) -> None:
    owner = TelegramOwner(desk.bot, fake_telegram, 9090)
    owner.start()
    reference = case_for(desk, "telegram:9090")
    assert send(desk, "coordinator", reference) == 303
    wait_until(lambda: fake_telegram.to(9090)[-1].text == REPLY, what="the reply on Telegram")
    assert sum(1 for s in fake_telegram.to(9090) if s.text == REPLY) == 1


def test_reply_is_relayed_to_line_by_push_with_a_retry_key(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Urelay")
    owner.follow()
    reference = case_for(desk, "line:Urelay")
    assert send(desk, "admin", reference) == 303
    wait_until(lambda: REPLY in fake_line.texts_to("Urelay"), what="the reply on LINE")
    call = fake_line.delivered("Urelay")[-1]
    assert call.kind == "push" and call.retry_key
    with desk.bot.engine.connect() as conn:
        row = conn.execute(text("SELECT detail FROM audit_log WHERE action = 'case.reply'")).scalar_one()
    assert REPLY not in str(row)  # the audit row says that a reply went out, not what it said


def test_only_coordinators_and_admins_reply_and_only_with_the_csrf_token(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Unoreply")
    owner.follow()
    reference = case_for(desk, "line:Unoreply")
    assert send(desk, "editor", reference) == 403
    assert send(desk, "advisor", reference) in (403, 404)
    assert send(desk, "coordinator", reference, with_token=False) == 403
    assert send(desk, "coordinator", reference, body="") in (303, 422)
    assert REPLY not in fake_line.texts_to("Unoreply")
