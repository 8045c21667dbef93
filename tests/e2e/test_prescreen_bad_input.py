"""Bad input in the middle of a pre-screening, over the real LINE path: nothing is lost, nothing raises, the pending
question is asked again; an owner who blocks the bot is never pushed to, and one who comes back may continue."""

from __future__ import annotations

import pytest

from bot.db.tables import InboxEvent
from dialogs.prescreen import texts
from handoff.tables import Case
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.fakes import line_events
from tests.fakes.line_server import FakeLine
from tests.simulation import pending

APOLOGY = "うまく処理できませんでした"


@pytest.fixture
def bot(sqlite_url: str, fake_line: FakeLine):
    with LiveBot(make_settings(sqlite_url, fake_line.url)) as live:  # type: ignore[attr-defined]
        yield live


@pytest.fixture
def owner(bot: LiveBot, fake_line: FakeLine, request: pytest.FixtureRequest) -> Owner:
    o = Owner(bot, fake_line, f"U{request.node.name[:40]}")
    o.follow()
    o.say("相談したいです")
    o.say("同意します")  # consent is the first question (issue 17)
    o.say("菊陽町です")
    o.say("株式会社")
    assert pending(o.heard[-1]) == "industry"
    return o


def test_stickers_images_long_text_emoji_nul_and_forged_postbacks_lose_nothing(owner: Owner, bot: LiveBot) -> None:
    owner.sticker()
    assert pending(owner.heard[-1]) == "industry"
    owner._send("image")
    owner._send("file")
    assert pending(owner.heard[-1]) == "industry"
    owner.say("あ" * 5000)
    assert pending(owner.heard[-1]) == "industry"
    owner.say("🙂🙂🙂")
    owner.say("製造\x00業です")  # NUL inside an answer: read without it
    assert pending(owner.heard[-1]) == "employees"
    for forged in ("ps:emp:abc", "ps:emp:9-1", "ps:edit:abc", "ps:nothing", "x" * 60):
        said = owner._send("postback", postback__data=forged)
        assert pending(said) == "employees" and not any(APOLOGY in s for s in said)
    owner.say("２５名")
    assert pending(owner.heard[-1]) == "shokokai"
    assert bot.count(InboxEvent, InboxEvent.status == "failed") == 0
    assert not any(APOLOGY in t for said in owner.heard for t in said)


def test_a_burst_of_ten_messages_is_read_in_order(owner: Owner, bot: LiveBot, fake_line: FakeLine) -> None:
    before = len(fake_line.delivered(owner.user))
    burst = ["製造業", "25人", "入っていません", "在庫管理をクラウドにしたい", "決まっていません",
             "利用していない", "和菓子の製造販売", "横ばい", "菊陽菓子舗", "菊陽 太郎"]
    bot.post(*[line_events.event("text", owner.user, token=fake_line.issue_token(owner.user), message__text=t)
               for t in burst])
    wait_until(lambda: len(fake_line.delivered(owner.user)) >= before + len(burst), what="ten answers")
    wait_until(bot.settled, what="settled")
    said = [t for call in fake_line.delivered(owner.user)[before:] for t in call.texts]
    assert texts.ASK_PHONE in said[-1]  # every answer taken in order: the next question is the phone
    assert bot.count(InboxEvent, InboxEvent.status == "failed") == 0


def test_unfollow_mid_form_pushes_nothing_and_a_refollow_may_continue(owner: Owner, bot: LiveBot,
                                                                         fake_line: FakeLine) -> None:
    calls = len(fake_line.calls) if hasattr(fake_line, "calls") else None
    delivered = len(fake_line.delivered(owner.user))
    bot.post(line_events.event("unfollow", owner.user))
    wait_until(bot.settled, what="settled")
    assert len(fake_line.delivered(owner.user)) == delivered  # nothing to someone who blocked the bot
    if calls is not None:
        assert len(fake_line.calls) == calls
    said = owner.follow()
    assert texts.RESUME in said[-1] and set(owner.offered) == {"続きから", "最初から"}
    said = owner.tap("続きから")
    assert said[0] == texts.RESUMED and pending(said) == "industry"


def test_a_person_asked_for_mid_form_gets_the_partial_draft(owner: Owner, bot: LiveBot) -> None:
    owner.say("製造業です")
    owner.say("担当者と話したいです")
    wait_until(bot.settled, what="settled")
    [case] = bot.rows(Case, Case.conversation_key == f"line:{owner.user}")
    assert case.kind == "callback" and case.fields["reason"] == "user_asked"
    assert (case.fields["municipality"], case.fields["org_type"], case.fields["industry"]) == (
        "菊陽町", "company", "manufacturing")  # what was already entered is not asked again by the desk


def test_a_confirmation_that_cannot_be_read_twice_goes_to_a_person_not_round_again(owner: Owner, bot: LiveBot) -> None:
    for answer in ("製造業", "3人", "入っていません", "在庫管理をクラウドにしたい", "決まっていません",
                   "利用していない", "和菓子の製造販売", "横ばい", "菊陽菓子舗", "菊陽 太郎", "096-123-4567"):
        owner.say(answer)
    assert texts.CONFIRM_PROMPT in owner.heard[-1][-1]
    owner.say("ふぁｓｄｆ")  # unreadable once: the card again
    assert texts.CONFIRM_PROMPT in owner.heard[-1][-1]
    said = owner.say("ｑｗｅｒ")  # twice: a person takes over with the whole draft
    assert said[0] == texts.CONFIRM_UNREAD
    wait_until(bot.settled, what="settled")
    [case] = bot.rows(Case, Case.conversation_key == f"line:{owner.user}")
    assert case.fields["reason"] == "unread_confirmation" and case.fields["business_name"] == "菊陽菓子舗"
    assert case.fields["phone"] == "0961234567"
