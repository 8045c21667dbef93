"""LINE's rich menus over the real line-bot-sdk against the fake LINE server: `madoguchi line richmenu sync` is
idempotent and within the platform's limits, the fake refuses what LINE would refuse, and the menu a user has
follows the conversation through a pre-screening, a handoff and back (read from the fake's recorded calls)."""

from __future__ import annotations

import dataclasses
import io
import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    RichMenuRequest,
)
from PIL import Image
from sqlalchemy import create_engine, insert, select
from sqlalchemy.orm import Session

from bot.channels import line_richmenu_sync, line_richmenus
from bot.channels.line_richmenus import MENUS
from bot.db.tables import Conversation
from dialogs import texts
from handoff.tables import Case
from tests.conftest import make_settings
from tests.e2e.harness import wait_until
from tests.e2e.owner import Owner
from tests.e2e.processes import REPO, env_for
from tests.e2e.staff_fixtures import World
from tests.e2e.test_person_mode import post
from tests.e2e.test_prescreen_conversations import after_problem, to_problem
from tests.fakes.line_server import ACCESS_TOKEN, FakeLine


@pytest.fixture
async def api(fake_line: FakeLine) -> AsyncIterator[tuple[AsyncMessagingApi, AsyncMessagingApiBlob]]:
    client = AsyncApiClient(Configuration(host=fake_line.url, access_token=ACCESS_TOKEN))  # type: ignore[attr-defined]
    yield AsyncMessagingApi(client), AsyncMessagingApiBlob(client)
    await client.close()


def ops(fake: FakeLine, *kinds: str) -> list[tuple[str, str, str]]:
    return [entry for entry in fake.richmenus.log if entry[0] in kinds]


def test_sync_command_is_idempotent(sqlite_url: str, fake_line: FakeLine) -> None:
    settings = make_settings(sqlite_url, fake_line.url)  # type: ignore[attr-defined]
    runs = [subprocess.run([sys.executable, "-m", "bot", "line", "richmenu", "sync"], capture_output=True, text=True,
                           env=env_for(settings), cwd=REPO, timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    menus = fake_line.richmenus
    assert sorted(menus.key_of(m) or "" for m in menus.menus) == ["default", "person", "prescreen"]
    assert set(menus.images) == set(menus.menus)  # every menu has its image
    assert {a: menus.key_of(m) for a, m in menus.aliases.items()} == {
        "madoguchi-default": "default", "madoguchi-prescreen": "prescreen", "madoguchi-person": "person"}
    assert menus.key_of(menus.default) == "default"
    assert len(ops(fake_line, "create")) == 3 and len(ops(fake_line, "image")) == 3  # the second run changed nothing
    assert "変更 0 件" in runs[1].stdout and "default: set" in runs[0].stdout
    default = menus.menus[menus.default or ""]
    assert [a["action"].get("data") for a in default["areas"]] == [
        "menu:consult", "menu:faq", "menu:human", "menu:seminars", "menu:status"]


async def test_a_changed_menu_is_replaced_and_the_old_one_deleted(
        fake_line: FakeLine, api: tuple[AsyncMessagingApi, AsyncMessagingApiBlob]) -> None:
    await line_richmenu_sync.sync(*api)
    old = fake_line.richmenus.aliases["madoguchi-prescreen"]
    changed = {**MENUS, "prescreen": dataclasses.replace(MENUS["prescreen"], chat_bar="事前確認中")}
    report = await line_richmenu_sync.sync(*api, changed)
    new = fake_line.richmenus.aliases["madoguchi-prescreen"]
    assert new != old and old not in fake_line.richmenus.menus and len(fake_line.richmenus.menus) == 3
    assert fake_line.richmenus.menus[new]["chatBarText"] == "事前確認中"
    assert [line.split(":")[0] for line in report] == ["prescreen", "prescreen", "prescreen"]  # created, moved, deleted


async def test_the_fake_refuses_what_line_refuses(fake_line: FakeLine,
                                                  api: tuple[AsyncMessagingApi, AsyncMessagingApiBlob]) -> None:
    messaging, blob = api
    good = {**MENUS["prescreen"].body(), "name": "madoguchi:test:x"}
    bad_bodies = [
        {**good, "chatBarText": "十五文字のチャットバーテキストです"},
        {**good, "size": {"width": 2500, "height": 1000}},
        {**good, "areas": good["areas"] * 6},  # 24 areas
        {**good, "areas": [{**good["areas"][0], "bounds": {"x": 2000, "y": 0, "width": 600, "height": 843}}]},
    ]
    for body in bad_bodies:  # sent raw: the SDK's own models refuse some of them before they leave
        refused = httpx.post(f"{fake_line.url}/v2/bot/richmenu", json=body,  # type: ignore[attr-defined]
                             headers={"authorization": f"Bearer {ACCESS_TOKEN}"})
        assert refused.status_code == 400, body
    menu_id = (await messaging.create_rich_menu(RichMenuRequest.from_dict(good))).rich_menu_id
    with pytest.raises(ApiException):  # no image yet: cannot be linked
        await messaging.link_rich_menu_id_to_user("Uearly", menu_id)
    square = line_richmenus.render(dataclasses.replace(MENUS["person"], height=843))
    tall = io.BytesIO()
    Image.new("RGB", (1000, 800), "white").save(tall, "PNG")
    for image in (tall.getvalue(), b"\x89PNG not really", bytes(1024 * 1024 + 1)):
        with pytest.raises(ApiException):
            await blob.set_rich_menu_image(menu_id, image, _headers={"Content-Type": "image/png"})
    await blob.set_rich_menu_image(menu_id, square, _headers={"Content-Type": "image/png"})
    with pytest.raises(ApiException):  # LINE keeps the first image
        await blob.set_rich_menu_image(menu_id, square, _headers={"Content-Type": "image/png"})
    fake_line.richmenus.hourly_limit = len(ops(fake_line, "create")) + 1
    await messaging.delete_rich_menu(menu_id)
    with pytest.raises(ApiException) as limited:
        await messaging.create_rich_menu(RichMenuRequest.from_dict(good))
    assert limited.value.status == 429
    assert len(fake_line.violations) == 10, fake_line.violations
    fake_line.violations.clear()


async def test_the_menu_follows_the_conversation(desk: World, fake_line: FakeLine,
                                                 api: tuple[AsyncMessagingApi, AsyncMessagingApiBlob]) -> None:
    await line_richmenu_sync.sync(*api)
    menus, user = fake_line.richmenus, "Umenu"
    owner = Owner(desk.bot, fake_line, user)
    owner.follow()
    assert menus.shown_to(user) == "default" and menus.user_log(user) == []  # the default: no call needed
    to_problem(owner)
    wait_until(lambda: menus.shown_to(user) == "prescreen", what="the pre-screening menu")
    said = owner._send("postback", postback__data="ps:continue")  # 続ける on the rich menu: the question again
    assert "どのようなこと" in said[-1]
    owner.say("受発注をFAXからシステムに切り替えたい")
    after_problem(owner)
    owner.tap("送信する")
    reference = owner.last.split("受付番号は ")[1].split(" ")[0]
    wait_until(lambda: menus.shown_to(user) == "default", what="back to the default menu")
    owner._send("postback", postback__data="menu:status")  # 申請の状況 on the default menu
    assert reference in owner.last and "受け付けました" in owner.last
    coordinator = desk.login("coordinator")
    assert post(desk, coordinator, reference, "claim").status_code == 303
    assert post(desk, coordinator, reference, "person/start").status_code == 303
    wait_until(lambda: menus.shown_to(user) == "person", what="the person menu")
    wait_until(lambda: texts.PERSON_STARTED in fake_line.texts_to(user), what="the owner is told")
    owner.say("ボットに戻る")
    wait_until(lambda: menus.shown_to(user) == "default", what="the default menu again")
    assert menus.user_log(user) == ["prescreen", "default", "person", "default"]


def test_without_menus_on_line_the_bot_works_and_does_not_keep_asking(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Unosync")
    owner.follow()
    owner.say("相談したい")
    owner.say("菊陽町です")
    owner.say("やめる")
    owner.say("相談したい")
    wait_until(desk.bot.settled, what="settled")
    assert fake_line.richmenus.alias_reads == 1 and fake_line.richmenus.log == []  # looked up once, then left alone


def test_a_sync_that_deletes_a_menu_forgets_the_links_it_took_with_it(sqlite_url: str, fake_line: FakeLine) -> None:
    settings = make_settings(sqlite_url, fake_line.url)  # type: ignore[attr-defined]
    stale = {**MENUS["prescreen"].body(), "name": "madoguchi:prescreen:0000000000000000", "richMenuId": "richmenu-old"}
    fake_line.richmenus.menus["richmenu-old"] = stale  # an earlier version of the pre-screening menu, linked to Ulinked
    fake_line.richmenus.images["richmenu-old"] = line_richmenus.render(MENUS["prescreen"])
    fake_line.richmenus.links["Ulinked"] = "richmenu-old"
    engine = create_engine(settings.sqlalchemy_url())
    with engine.begin() as conn:
        conn.execute(insert(Conversation).values(key="line:Ulinked", channel="line", user_id="Ulinked", state={},
                                                 menu_wanted="prescreen", menu_shown="prescreen"))
    run = subprocess.run([sys.executable, "-m", "bot", "line", "richmenu", "sync"], capture_output=True, text=True,
                         env=env_for(settings), cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "richmenu-old" not in fake_line.richmenus.menus and "Ulinked" not in fake_line.richmenus.links
    with engine.connect() as conn:
        shown = conn.execute(select(Conversation.menu_shown).where(Conversation.key == "line:Ulinked")).scalar_one()
    engine.dispose()
    assert shown is None and "relink at their next turn: 1" in run.stdout  # the next turn links the new menu


async def test_the_menu_follows_a_handoff_asked_mid_form_and_the_desks_hand_back(
        desk: World, fake_line: FakeLine, api: tuple[AsyncMessagingApi, AsyncMessagingApiBlob]) -> None:
    """The other way through a handoff: the owner asks for a person from inside the pre-screening (担当者と話す on
    the pre-screening menu), a coordinator takes over and later hands back from the case page; checked from the
    per-user link/unlink calls the fake LINE server recorded."""
    await line_richmenu_sync.sync(*api)
    menus, user = fake_line.richmenus, "Umenu2"
    owner = Owner(desk.bot, fake_line, user)
    owner.follow()
    to_problem(owner)
    wait_until(lambda: menus.shown_to(user) == "prescreen", what="the pre-screening menu")
    owner._send("postback", postback__data="menu:human")  # 担当者と話す on the pre-screening menu
    wait_until(lambda: menus.shown_to(user) == "default", what="the form left for a person")
    with Session(desk.bot.engine) as session:
        reference = session.scalars(select(Case.reference).where(Case.conversation_key == f"line:{user}")).one()
    coordinator = desk.login("coordinator")
    assert post(desk, coordinator, reference, "claim").status_code == 303
    assert post(desk, coordinator, reference, "person/start").status_code == 303
    wait_until(lambda: menus.shown_to(user) == "person", what="the person menu")
    owner.say("入力の途中ですが、電話で話せますか")  # to the coordinator: the bot stays silent, the menu stays
    assert menus.shown_to(user) == "person"
    assert post(desk, coordinator, reference, "person/end").status_code == 303
    wait_until(lambda: menus.shown_to(user) == "default", what="the default menu after the hand-back")
    wait_until(lambda: texts.PERSON_ENDED in fake_line.texts_to(user), what="the owner is told")
    wait_until(desk.bot.settled, what="settled")
    assert menus.user_log(user) == ["prescreen", "default", "person", "default"]
