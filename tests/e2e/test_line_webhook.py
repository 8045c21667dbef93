"""Signed LINE webhooks in → recorded LINE calls out, through the real line-bot-sdk and a real database."""

from __future__ import annotations

import concurrent.futures
import json
import time

import pytest

from bot.db.tables import InboxEvent, OutboxMessage
from dialogs import texts
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.fakes import line_events
from tests.fakes.line_server import CHANNEL_SECRET, FakeLine
from tests.kb import ANSWERS as KB


@pytest.fixture
def bot(db_url: str, fake_line: FakeLine):
    with LiveBot(make_settings(db_url, fake_line.url)) as live:  # type: ignore[attr-defined]
        yield live


def text_event(fake: FakeLine, user: str, text: str, **kw):
    return line_events.event("text", user, token=fake.issue_token(user), message__text=text, **kw)


def test_signature_vector_from_the_platform_notes() -> None:
    raw = b'{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}'
    assert line_events.sign(CHANNEL_SECRET, raw) == "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs="


@pytest.mark.parametrize("tamper", ["missing", "wrong", "one_byte_changed", "other_secret"])
def test_bad_signature_is_refused_and_nothing_stored(bot: LiveBot, fake_line: FakeLine, tamper: str) -> None:
    raw = line_events.body(text_event(fake_line, "Ubad", "こんにちは"))
    headers = line_events.headers(CHANNEL_SECRET, raw)
    if tamper == "missing":
        del headers["x-line-signature"]
    elif tamper == "wrong":
        headers["x-line-signature"] = "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs="
    elif tamper == "one_byte_changed":
        raw = raw.replace("こんにちは".encode(), "こんにちわ".encode())
    else:
        headers = line_events.headers("0" * 32, raw)
    response = bot.client.post("/webhooks/line", content=raw, headers=headers)
    assert response.status_code == 401
    assert bot.count(InboxEvent) == 0
    assert fake_line.delivered() == []


def test_empty_events_is_a_connectivity_check(bot: LiveBot) -> None:
    response = bot.post()
    assert response.status_code == 200
    assert bot.count(InboxEvent) == 0


def test_signed_garbage_is_a_400(bot: LiveBot) -> None:
    raw = b'{"destination": "U1"}'
    response = bot.client.post("/webhooks/line", content=raw, headers=line_events.headers(CHANNEL_SECRET, raw))
    assert response.status_code == 400
    assert bot.count(InboxEvent) == 0


def test_follow_gets_the_greeting_and_menu_by_reply(bot: LiveBot, fake_line: FakeLine) -> None:
    user = "Ufollow"
    assert bot.post(line_events.event("follow", user, token=fake_line.issue_token(user))).status_code == 200
    wait_until(lambda: len(fake_line.delivered(user)) == 1, what="greeting")
    call = fake_line.delivered(user)[0]
    assert call.kind == "reply"
    assert call.texts == [texts.GREETING, texts.MENU_PROMPT]
    labels = [i["action"]["label"] for i in call.messages[-1]["quickReply"]["items"]]
    assert labels == [texts.LABEL_CONSULT, texts.LABEL_FAQ, texts.LABEL_HUMAN]


def test_same_event_posted_20_times_concurrently_is_one_turn_and_one_reply(bot: LiveBot, fake_line: FakeLine) -> None:
    user = "Udup"
    event = text_event(fake_line, user, "よくある質問")
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(lambda _: bot.post(event).status_code, range(20)))
    assert statuses == [200] * 20
    wait_until(bot.settled, what="pipeline to settle")
    assert bot.count(InboxEvent) == 1
    assert bot.count(InboxEvent, InboxEvent.turn_no.is_not(None)) == 1
    assert len(fake_line.delivered(user)) == 1


def test_twenty_quick_messages_are_answered_in_order(bot: LiveBot, fake_line: FakeLine) -> None:
    user = "Uorder"
    taps = ["menu:faq", "faq:show:eligible-who", "faq:show:limits", "faq:show:apply-how"] * 5
    events = [
        line_events.event("postback", user, token=fake_line.issue_token(user), postback__data=data)
        for data in taps
    ]
    for ev in events:  # quick succession, one webhook each, as LINE sends them
        assert bot.post(ev).status_code == 200
    wait_until(lambda: len(fake_line.delivered(user)) == 20, what="20 replies")
    expected = {"menu:faq": texts.FAQ_PROMPT, "faq:show:eligible-who": KB["eligible-who"],
                "faq:show:limits": KB["limits"], "faq:show:apply-how": KB["apply-how"]}
    assert [c.texts[0] for c in fake_line.delivered(user)] == [expected[t] for t in taps]
    assert all(c.kind == "reply" for c in fake_line.delivered(user))


def test_expired_reply_token_falls_back_to_push_with_a_retry_key(bot: LiveBot, fake_line: FakeLine) -> None:
    user = "Uexpired"
    token = fake_line.issue_token(user, age=120)  # LINE would refuse it: older than a minute
    bot.post(line_events.event("postback", user, token=token, postback__data="faq:show:limits"))
    wait_until(lambda: len(fake_line.delivered(user)) == 1, what="push")
    call = fake_line.delivered(user)[0]
    assert call.kind == "push" and call.retry_key
    assert call.texts[0] == KB["limits"]
    assert fake_line.refused["reply:400"] == 1

    def settled() -> tuple | None:  # the sender records the outcome just after LINE accepted the push
        with bot.engine.connect() as conn:
            row = conn.exec_driver_sql("SELECT reply_token, via, attempts, status FROM outbox_message").one()
        return tuple(row) if row.status == "sent" else None

    wait_until(lambda: settled() is not None, what="the push recorded")
    assert settled() == (None, "push", 2, "sent")  # the refused token was forgotten before the push


def test_old_event_is_pushed_without_trying_its_token(bot: LiveBot, fake_line: FakeLine) -> None:
    user = "Uold"
    old_ms = int((time.time() - 300) * 1000)  # a redelivery, five minutes late
    bot.post(line_events.event("postback", user, token=fake_line.issue_token(user), ts_ms=old_ms,
                               postback__data="faq:show:apply-how"))
    wait_until(lambda: len(fake_line.delivered(user)) == 1, what="push")
    assert fake_line.delivered(user)[0].kind == "push"
    assert fake_line.refused["reply:400"] == 0


def test_standby_events_are_stored_but_never_answered(bot: LiveBot, fake_line: FakeLine) -> None:
    user = "Ustandby"
    bot.post(line_events.event("text", user, token=fake_line.issue_token(user), mode="standby"))
    wait_until(lambda: bot.count(InboxEvent, InboxEvent.status == "ignored") == 1, what="stored event")
    bot.post(text_event(fake_line, user, "メニュー"))  # a later active event is answered: the pipe works
    wait_until(lambda: len(fake_line.delivered(user)) == 1, what="the active event's reply")
    assert fake_line.delivered(user)[0].texts == [texts.MENU_PROMPT]


@pytest.mark.parametrize(("name", "said"), [("sticker", texts.NOT_TEXT), ("image", texts.FILE_KEPT),
                                            ("location", texts.NOT_TEXT), ("file", texts.FILE_KEPT)])
def test_non_text_messages_get_a_short_helpful_answer(bot: LiveBot, fake_line: FakeLine, name: str, said: str) -> None:
    user = f"U{name}"
    bot.post(line_events.event(name, user, token=fake_line.issue_token(user)))
    wait_until(lambda: len(fake_line.delivered(user)) == 1, what="answer")
    assert fake_line.delivered(user)[0].texts == [said, texts.MENU_PROMPT]  # images and files are kept for the desk


def test_unfollow_beacon_and_unknown_events_are_kept_without_error(bot: LiveBot, fake_line: FakeLine) -> None:
    user = "Umisc"
    response = bot.post(line_events.event("unfollow", user), line_events.event("beacon", user),
                        line_events.event("unknown", user))
    assert response.status_code == 200
    wait_until(bot.settled, what="settled")
    assert bot.count(InboxEvent) == 3
    assert bot.count(InboxEvent, InboxEvent.status == "failed") == 0
    assert fake_line.delivered(user) == []


def test_5000_characters_and_emoji_are_answered_and_nothing_breaks(bot: LiveBot, fake_line: FakeLine) -> None:
    user = "Ulong"
    bot.post(line_events.event("follow", user, token=fake_line.issue_token(user)))
    bot.post(text_event(fake_line, user, "あ🙂" * 2500))
    wait_until(lambda: len(fake_line.delivered(user)) == 2, what="answer")
    assert fake_line.delivered(user)[1].texts == [texts.FAQ_DECLINE, texts.FAQ_DECLINE_NEXT]
    with bot.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT inbound FROM inbox_event WHERE id = 2").scalar_one()
    inbound = stored if isinstance(stored, dict) else json.loads(stored)
    assert inbound["text"] == "あ🙂" * 2500  # kept whole


def test_transient_push_errors_are_retried_with_backoff(bot: LiveBot, fake_line: FakeLine) -> None:
    user = "Uretry"
    fake_line.fail_next("push", 500, 503)
    old_ms = int((time.time() - 300) * 1000)  # too old for its reply token: straight to push
    bot.post(line_events.event("postback", user, token=fake_line.issue_token(user, age=300), ts_ms=old_ms,
                               postback__data="faq:show:eligible-who"))
    wait_until(lambda: len(fake_line.delivered(user)) == 1, what="push after retries")
    assert fake_line.refused["push:500"] == 1 and fake_line.refused["push:503"] == 1
    with bot.engine.connect() as conn:
        attempts = conn.exec_driver_sql("SELECT attempts FROM outbox_message").scalar_one()
    assert attempts == 3


def test_several_users_in_one_webhook_each_get_their_answer(bot: LiveBot, fake_line: FakeLine) -> None:
    users = [f"Umany{i}" for i in range(5)]
    bot.post(*[text_event(fake_line, u, "よくある質問") for u in users])
    wait_until(lambda: all(len(fake_line.delivered(u)) == 1 for u in users), what="five answers")
    wait_until(bot.settled, what="settled")
    assert bot.count(OutboxMessage, OutboxMessage.status == "sent") == 5
