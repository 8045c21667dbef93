"""LINE message costs: pushes counted by kind, the plan's quota read from LINE with a warning near the limit, and
LINE's monthly-limit 429 shown as a failure (one attempt, no retry loop)."""

from __future__ import annotations

from sqlalchemy import text

from tests.e2e.conftest import case_for
from tests.e2e.harness import wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World
from tests.e2e.test_relay import send
from tests.fakes.line_server import FakeLine


def outbox(desk: World, purpose: str) -> list[tuple[str, int, str | None]]:
    with desk.bot.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(  # type: ignore[misc]
            "SELECT status, attempts, last_error FROM outbox_message WHERE purpose = :p ORDER BY id"), {"p": purpose})]


def test_quota_warning_then_the_monthly_limit_is_a_visible_failure(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Ucost")
    owner.follow()  # the greeting is a reply: free, not counted
    reference = case_for(desk, "line:Ucost")
    fake_line.quota_limit, fake_line.quota_used = 10, 7
    coordinator = desk.login("coordinator")
    page = coordinator.get("/stats").text
    assert "7 / 10通（70%）" in page and "上限の80%" not in page

    assert send(desk, "coordinator", reference, body="ご連絡ありがとうございます。") == 303
    wait_until(lambda: outbox(desk, "coordinator_reply") == [("sent", 1, None)], what="the reply pushed")
    page = coordinator.get("/stats").text
    # the reply first put the conversation into person mode: that notice is a push too
    assert "今月の送信数が上限の80%を超えました（9 / 10通）" in page
    assert 'data-kind="coordinator_reply">1通' in page and 'data-kind="notice">1通' in page

    fake_line.quota_used = 10  # the rest of the month went elsewhere
    assert send(desk, "coordinator", reference, body="日程のご相談です。") == 303
    wait_until(lambda: len(outbox(desk, "coordinator_reply")) == 2 and outbox(desk, "coordinator_reply")[1][0] != "pending",
               what="the second reply settled")
    status, attempts, error = outbox(desk, "coordinator_reply")[1]
    assert (status, attempts) == ("failed", 1) and "monthly limit" in str(error)  # one call, not a retry loop
    assert fake_line.refused["push:429"] == 1
    page = coordinator.get("/stats").text
    assert "今月の送信上限（10通）に達しました" in page
    assert "上限のため届かなかったメッセージ：1件" in page
    assert 'data-kind="coordinator_reply">1通' in page  # only delivered pushes count
    assert "日程のご相談です。" not in fake_line.texts_to("Ucost")


def test_a_bot_answer_pushed_after_its_token_expired_counts_as_a_fallback(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Ulate")
    owner.follow()
    fake_line.fail_next("reply", 400)  # the reply token refused: the answer is pushed instead
    owner.tap("よくある質問")
    wait_until(lambda: any(c.kind == "push" for c in fake_line.delivered("Ulate")), what="the pushed answer")
    wait_until(lambda: 'data-kind="bot_fallback">1通' in desk.login("admin").get("/stats").text,
               what="the fallback counted")
