"""The case page's transcript: owner's words and taps (by their button labels) and the bot's messages, in order,
from LINE and Telegram payloads alike."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import Conversation, InboxEvent, OutboxMessage, utcnow
from handoff.transcript import transcript
from tests.conftest import make_settings

LINE_QUESTION = {"type": "text", "text": "テーマはどれですか？", "quickReply": {"items": [
    {"type": "action", "action": {"type": "postback", "label": "SNSでの発信・集客", "data": "ps:theme:sns"}}]}}
TELEGRAM_QUESTION = {"text": "テーマはどれですか？", "reply_markup": json.dumps(
    {"inline_keyboard": [[{"text": "キャッシュレス化", "callback_data": "ps:theme:cashless"}]]}, ensure_ascii=False)}


def test_taps_are_shown_by_their_labels_on_both_channels(sqlite_url: str) -> None:
    engine = make_engine(make_settings(sqlite_url))
    factory = make_session_factory(engine)
    start = utcnow()
    with factory.begin() as session:
        for n, (channel, question, tap) in enumerate((("line", LINE_QUESTION, "ps:theme:sns"),
                                                      ("telegram", TELEGRAM_QUESTION, "ps:theme:cashless"))):
            key = f"{channel}:U{n}"
            session.add(Conversation(key=key, channel=channel, user_id=f"U{n}", state={}, turn_count=0))
            session.flush()
            events = [("text", "相談したいです", "", 0), ("postback", "", tap, 2), ("sticker", "", "", 3)]
            for i, (kind, text, data, seconds) in enumerate(events):
                at = start + timedelta(seconds=seconds)
                session.add(InboxEvent(channel=channel, event_key=f"{key}:{i}", conversation_key=key, status="done",
                                       inbound={"kind": kind, "at": at.isoformat(), "text": text, "data": data},
                                       raw={}, event_at=at, received_at=at))
            session.add(OutboxMessage(conversation_key=key, channel=channel, recipient=f"U{n}", payload=[question],
                                      retry_key=f"r{n}", status="sent", attempts=1, next_attempt_at=start,
                                      created_at=start + timedelta(seconds=1)))
    with factory() as session:
        line = [(x.who, x.text) for x in transcript(session=session, conversation_key="line:U0")]
        telegram = [(x.who, x.text) for x in transcript(session=session, conversation_key="telegram:U1")]
    assert line == [("owner", "相談したいです"), ("bot", "テーマはどれですか？"), ("owner", "［SNSでの発信・集客］"),
                    ("owner", "（スタンプ）")]
    assert telegram[2] == ("owner", "［キャッシュレス化］")
    engine.dispose()


def test_an_unconfirmed_reply_is_marked_for_the_desk(sqlite_url: str) -> None:
    engine = make_engine(make_settings(sqlite_url))
    factory = make_session_factory(engine)
    now = utcnow()
    with factory.begin() as session:
        session.add(Conversation(key="line:Uq", channel="line", user_id="Uq", state={}, turn_count=0))
        session.flush()
        for i, status in enumerate(("sent", "unconfirmed")):
            session.add(OutboxMessage(conversation_key="line:Uq", channel="line", recipient="Uq",
                                      payload=[{"type": "text", "text": f"answer {i}"}], retry_key=f"q{i}",
                                      status=status, attempts=1, next_attempt_at=now,
                                      created_at=now + timedelta(seconds=i)))
    with factory() as session:
        lines = [(x.text, x.note) for x in transcript(session=session, conversation_key="line:Uq")]
    assert lines[0] == ("answer 0", "")
    assert lines[1][0] == "answer 1" and lines[1][1].startswith("送信未確認")
    engine.dispose()
