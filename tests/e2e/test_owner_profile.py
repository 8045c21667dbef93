"""Who is writing: the owner's LINE display name, fetched with the real line-bot-sdk from the fake LINE server
after the first turn (never before the answer), stored, refreshed rarely, and shown on the case as LINE's display
name (not a verified name)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.db.tables import InboxEvent, OwnerProfile, utcnow
from dialogs import texts
from tests.conftest import make_settings
from tests.e2e.conftest import case_for
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World
from tests.e2e.telegram_owner import TelegramOwner
from tests.fakes.line_server import FakeLine
from tests.fakes.telegram_server import FakeTelegram

PICTURE = "https://profile.line-scdn.net/0hfake"


def profile_of(bot: LiveBot, key: str) -> OwnerProfile | None:
    with Session(bot.engine) as session:
        return session.get(OwnerProfile, key)


def profile(bot: LiveBot, user: str) -> OwnerProfile | None:
    return profile_of(bot, f"line:{user}")


def stored(bot: LiveBot, user: str, status: str) -> bool:
    found = profile(bot, user)
    return found is not None and found.status == status


def test_fetched_once_stored_and_shown_on_the_case(desk: World, fake_line: FakeLine) -> None:
    fake_line.add_friend("Uhanako", "はなこ＠菓子舗", PICTURE)
    owner = Owner(desk.bot, fake_line, "Uhanako")
    owner.follow()
    wait_until(lambda: stored(desk.bot, "Uhanako", "found"), what="the profile stored")
    owner.say("よくある質問")
    owner.say("メニュー")
    wait_until(desk.bot.settled, what="settled")
    assert fake_line.profile_calls == ["Uhanako"]  # once, not per turn
    found = profile(desk.bot, "Uhanako")
    assert found is not None and (found.display_name, found.picture_url) == ("はなこ＠菓子舗", PICTURE)
    assert found.due_at > utcnow() + timedelta(days=29)
    reference = case_for(desk, "line:Uhanako")
    coordinator = desk.login("coordinator")
    page = coordinator.get(f"/cases/{reference}").text
    shown = page.split('id="display-name">')[1].split("</p>")[0]
    assert "LINEの表示名" in shown and "はなこ＠菓子舗" in shown and "本人確認はしていません" in shown
    assert f'href="{PICTURE}"' in shown and "<img" not in shown  # a link: the page itself makes no external request
    row = coordinator.get("/cases").text.split(f'id="row-{reference}"')[1].split("</tr>")[0]
    assert "LINEの表示名：はなこ＠菓子舗" in row


def test_stored_on_either_database(db_url: str, fake_line: FakeLine) -> None:
    fake_line.add_friend("Udb", "データベース")
    with LiveBot(make_settings(db_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        owner = Owner(bot, fake_line, "Udb")
        owner.follow()
        owner.say("メニュー")
        wait_until(lambda: stored(bot, "Udb", "found"), what="the profile stored")
        wait_until(bot.settled, what="settled")
        found = profile(bot, "Udb")
        assert found is not None and found.display_name == "データベース" and fake_line.profile_calls == ["Udb"]


def test_refreshed_when_older_than_thirty_days(desk: World, fake_line: FakeLine) -> None:
    fake_line.add_friend("Urefresh", "旧い名前")
    owner = Owner(desk.bot, fake_line, "Urefresh")
    owner.follow()
    wait_until(lambda: stored(desk.bot, "Urefresh", "found"), what="the profile stored")
    fake_line.add_friend("Urefresh", "新しい名前")
    with desk.bot.engine.begin() as conn:
        conn.execute(update(OwnerProfile).values(due_at=utcnow() - timedelta(seconds=1)))
    owner.say("メニュー")
    wait_until(lambda: (p := profile(desk.bot, "Urefresh")) is not None and p.display_name == "新しい名前",
               what="the refreshed name")
    assert fake_line.profile_calls == ["Urefresh", "Urefresh"]


def test_no_profile_or_a_failing_api_never_costs_a_turn(desk: World, fake_line: FakeLine) -> None:
    stranger = Owner(desk.bot, fake_line, "Ustranger")  # not a friend: the profile API answers 404
    assert stranger.follow()[0] == texts.GREETING
    wait_until(lambda: stored(desk.bot, "Ustranger", "missing"), what="404 recorded")
    fake_line.fail_next("profile", 500)
    flaky = Owner(desk.bot, fake_line, "Uflaky")
    fake_line.add_friend("Uflaky", "ふらき")
    assert flaky.follow()[0] == texts.GREETING
    wait_until(lambda: stored(desk.bot, "Uflaky", "error"), what="the error recorded")
    flaky.say("メニュー")  # the claim has not lapsed yet: no second call at once
    wait_until(desk.bot.settled, what="settled")
    assert fake_line.profile_calls.count("Uflaky") == 1
    with desk.bot.engine.begin() as conn:  # RETRY later
        conn.execute(update(OwnerProfile).where(OwnerProfile.conversation_key == "line:Uflaky")
                     .values(due_at=utcnow() - timedelta(seconds=1)))
    flaky.say("メニュー")
    wait_until(lambda: stored(desk.bot, "Uflaky", "found"), what="fetched on a later turn")
    assert desk.bot.count(InboxEvent, InboxEvent.status != "done") == 0


def test_a_slow_profile_api_does_not_hold_the_answer(desk: World, fake_line: FakeLine) -> None:
    fake_line.profile_delay = 5.0
    fake_line.add_friend("Uslow", "ゆっくり")
    owner = Owner(desk.bot, fake_line, "Uslow")
    owner.follow()  # answered (by the reply token) while the profile call is still open
    assert fake_line.profile_calls == ["Uslow"] or profile(desk.bot, "Uslow") is not None
    assert stored(desk.bot, "Uslow", "pending")
    assert owner.say("よくある質問") == [texts.FAQ_PROMPT]
    wait_until(lambda: stored(desk.bot, "Uslow", "found"), what="the profile, later")


def test_telegram_names_come_from_get_chat(desk: World, fake_telegram: FakeTelegram) -> None:
    fake_telegram.users[4343] = {"first_name": "花子", "last_name": "熊本"}
    owner = TelegramOwner(desk.bot, fake_telegram, 4343)
    owner.start()
    owner.say("メニュー")
    wait_until(lambda: (p := profile_of(desk.bot, "telegram:4343")) is not None and p.status == "found",
               what="the Telegram name stored")
    found = profile_of(desk.bot, "telegram:4343")
    assert found is not None and (found.display_name, found.picture_url) == ("花子 熊本", None)
    assert fake_telegram.chats_read == [4343]
    stranger = TelegramOwner(desk.bot, fake_telegram, 4444)  # getChat: chat not found
    stranger.start()
    wait_until(lambda: (p := profile_of(desk.bot, "telegram:4444")) is not None and p.status == "missing",
               what="no name")
    reference = case_for(desk, "telegram:4343")
    page = desk.login("coordinator").get(f"/cases/{reference}").text
    assert "Telegramの表示名：<strong>花子 熊本</strong>" in page
