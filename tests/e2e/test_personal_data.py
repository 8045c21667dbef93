"""Personal data the bot keeps (issue 17, item 1, in part): the inbox stores only the envelope of a platform's body,
and an owner who does not consent leaves nothing they typed in that pre-screening — every table is scanned."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import metadata
from bot.db.tables import DialogEffect, InboxEvent
from bot.pipeline.inbox import ENVELOPE
from dialogs import texts as menu_texts
from dialogs.prescreen import texts
from handoff.transcript import transcript
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.fakes import line_events
from tests.fakes.line_server import FakeLine

OPENING = "菊陽町で和菓子屋「もっこす菓子舗」をしています。従業員は5人で、ネット販売を始めたいとです"
SECRET_WORDS = ("もっこす", "和菓子屋", "ネット販売")


@pytest.fixture
def bot(db_url: str, fake_line: FakeLine):
    with LiveBot(make_settings(db_url, fake_line.url)) as live:  # type: ignore[attr-defined]
        yield live


def every_row(bot: LiveBot) -> str:
    """Every row of every table, as text."""
    with bot.engine.connect() as conn:
        rows = [dict(r._mapping) for table in metadata.sorted_tables for r in conn.execute(select(table))]
    return json.dumps(rows, ensure_ascii=False, default=str)


def test_an_owner_who_does_not_consent_leaves_nothing_they_typed(bot: LiveBot, fake_line: FakeLine) -> None:
    owner = Owner(bot, fake_line, "Unoconsent")
    owner.follow()
    said = owner.say(OPENING)
    assert texts.ASK_CONSENT in said[-1]  # consent first: nothing about the business is asked before it
    assert not any(q in t for t in said for q in (texts.ASK_LOCATION, texts.ASK_ORG, texts.ASK_PROBLEM))
    said = owner.say("もっこす菓子舗の隣の店は何時に開きますか？")  # a question on the way: kept for the FAQ editor, for now
    assert texts.ASK_CONSENT in said[-1]
    assert any(word in every_row(bot) for word in SECRET_WORDS)  # kept while the owner may still agree
    assert bot.count(DialogEffect, DialogEffect.kind == "faq_missed") == 1
    said = owner.say("同意しません")
    assert texts.NO_CONSENT in said
    stored = every_row(bot)
    assert [word for word in SECRET_WORDS if word in stored] == []
    with Session(bot.engine) as session:
        shown = transcript(session=session, conversation_key="line:Unoconsent")
    owner_lines = [line.text for line in shown if line.who == "owner"]
    assert owner_lines.count("（同意がなかったため削除しました）") == 3  # opening, question, the no: marked deleted
    later = owner.say("オンラインでも相談できますか")  # FAQ answers are still there for them
    assert later and texts.ASK_CONSENT not in later


@pytest.mark.parametrize("leave", ["同意しない", "やめる"])
def test_the_opening_read_before_consent_is_gone_after_a_no(bot: LiveBot, fake_line: FakeLine, leave: str) -> None:
    """The opening message routes the owner (it is read before consent); a no, or leaving at the consent
    question, leaves none of it in any table — inbox, dialog state, effects, outbox."""
    owner = Owner(bot, fake_line, f"Uopening{len(leave)}")
    owner.follow()
    said = owner.say("阿蘇市でもっこす旅館をしています。ネット予約を増やしたいので、ご相談させてください")
    assert texts.ASK_CONSENT in said[-1]
    assert "もっこす旅館" in every_row(bot)
    owner.say(leave)
    assert "もっこす" not in every_row(bot) and "ネット予約" not in every_row(bot)


def test_the_inbox_keeps_only_the_envelope_of_a_platform_body(bot: LiveBot, fake_line: FakeLine) -> None:
    said = line_events.event("text", "Uenvelope", token=fake_line.issue_token("Uenvelope"), message__text="秘密の話")
    group = line_events.event("text", "Ugroup", message__text="グループの雑談") | {
        "source": {"type": "group", "groupId": "Cg1", "userId": "Ugroup"}}
    assert bot.post(said, group).status_code == 200
    wait_until(lambda: len(fake_line.delivered("Uenvelope")) == 1, what="the answer")
    with bot.engine.connect() as conn:
        raws = [r.raw if isinstance(r.raw, dict) else json.loads(r.raw) for r in conn.execute(select(InboxEvent.raw))]
    assert len(raws) == 2 and all(set(raw) <= set(ENVELOPE) and raw["webhookEventId"] for raw in raws)
    stored = every_row(bot)
    assert "グループの雑談" not in stored  # nobody answers a group's message: its text is not kept at all
    assert "秘密の話" in stored  # the owner's own message stays where the transcript reads it (`inbound`)


def test_a_request_about_personal_data_reaches_the_desk_flagged(bot: LiveBot, fake_line: FakeLine) -> None:
    owner = Owner(bot, fake_line, "Urights")
    owner.follow()
    said = owner.say("私の個人情報を削除してください")
    assert menu_texts.PERSONAL_DATA_ACK in said and "お答えできません" not in owner.last
    [case] = owner.cases()
    assert (case["kind"], case["flags"]) == ("callback", ["personal_data"])
