"""The misses over HTTP: a miss becomes a phrasing only of an entry the editor chose, after a confirmation step;
a miss can be dismissed (stored, audited, off the list); full-width phone numbers and e-mail addresses are redacted."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import DialogEffect, utcnow
from bot.staff.tables import AuditLog
from knowledge import store
from knowledge.tables import FaqEntry, FaqMissDismissal
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import World, populate

CAT = "猫の餌は何がいいですか"
WEATHER = "明日の天気を教えてください"


@pytest.fixture
def world(sqlite_url: str) -> Iterator[World]:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world = populate(bot)
        engine = make_engine(bot.settings)
        with make_session_factory(engine).begin() as session:
            store.seed(session=session, now=utcnow())
        engine.dispose()
        yield world


def miss(world: World, question: str) -> None:
    """An owner asks in the /try chat; a question the bot answers anyway is marked unhelpful (いいえ)."""
    with httpx.Client(base_url=world.url, timeout=30) as owner:
        owner.post("/try/say", json={"start": True})
        replies = str(owner.post("/try/say", json={"text": question}).json()["replies"])
        if "解決しましたか" in replies:
            owner.post("/try/say", json={"text": "いいえ"})


def csrf(client: httpx.Client) -> str:
    return client.get("/faq/new").text.split('name="csrf_token" value="')[1].split('"')[0]


def ids_of(page: str, question: str) -> str:
    row = page.split(question, 1)[1]
    return re.search(r'name="ids" value="([0-9,]+)"', row).group(1)  # type: ignore[union-attr]


def phrasings(world: World, entry_id: str) -> list[str]:
    with Session(world.bot.engine) as session:
        return list(session.get(FaqEntry, entry_id).phrasings)  # type: ignore[union-attr]


def test_a_miss_becomes_a_phrasing_only_of_a_chosen_entry_after_a_confirmation(world: World) -> None:
    miss(world, CAT)
    editor = world.login("editor")
    page = editor.get("/faq/misses").text
    assert CAT in page and '<option value="" selected>項目を選ぶ</option>' in page  # no entry chosen by default
    ids, before = ids_of(page, CAT), phrasings(world, "online")
    form = {"csrf_token": csrf(editor), "question": CAT, "ids": ids}
    refusals = {"言い換えを追加する項目を選んでください": {},  # no target
                "追加先を確認してから追加してください": {"entry_id": "online"}}  # no confirmation: the old one click
    for message, refused in refusals.items():
        assert editor.post("/faq/misses/phrasing", data=form | refused).status_code == 303
        assert f"保存できませんでした：{message}" in editor.get("/faq/misses").text
    assert phrasings(world, "online") == before

    confirm = editor.get("/faq/misses/phrasing", params={"question": CAT, "entry_id": "online", "ids": ids}).text
    assert "言い換えの追加を確認" in confirm and "online に追加する" in confirm and 'name="confirmed" value="yes"' in confirm
    assert "いまのボットはこの質問に答えていません" in confirm or "で答えています" in confirm
    no_target = editor.get("/faq/misses/phrasing", params={"question": CAT, "ids": ids})
    assert no_target.status_code == 303  # back to the list, with the message
    assert "言い換えを追加する項目を選んでください" in editor.get("/faq/misses").text

    done = editor.post("/faq/misses/phrasing", data=form | {"entry_id": "online", "confirmed": "yes"})
    assert done.status_code == 303
    listed = editor.get("/faq/misses").text
    assert f"「{CAT}」を online の言い換えに追加しました" in listed and f"<td>{CAT}" not in listed
    assert phrasings(world, "online") == [*before, CAT]
    with Session(world.bot.engine) as session:
        reasons = set(session.scalars(select(FaqMissDismissal.reason)))
    assert reasons == {"phrasing:online"}


def test_a_miss_is_dismissed_stored_audited_and_hidden(world: World) -> None:
    miss(world, WEATHER)
    editor = world.login("editor")
    page = editor.get("/faq/misses").text
    assert WEATHER in page
    response = editor.post("/faq/misses/dismiss",
                           data={"csrf_token": csrf(editor), "question": WEATHER, "ids": ids_of(page, WEATHER)})
    assert response.status_code == 303
    listed = editor.get("/faq/misses").text
    assert f"「{WEATHER}」を一覧から外しました" in listed and f"<td>{WEATHER}" not in listed
    with Session(world.bot.engine) as session:
        kept = session.scalars(select(DialogEffect).where(DialogEffect.kind.in_(("faq_missed", "faq_unhelpful"))))
        assert [e.payload["question"] for e in kept] == [WEATHER]  # the miss itself is kept
        dismissal = session.scalars(select(FaqMissDismissal)).one()
        assert (dismissal.reason, dismissal.dismissed_by) == ("dismissed", "editor@test.example")
        logged = session.scalars(select(AuditLog).where(AuditLog.action == "faq_miss_dismissed")).one()
        assert logged.actor == "editor@test.example" and logged.detail["question"] == WEATHER
    again = editor.post("/faq/misses/dismiss",
                        data={"csrf_token": csrf(editor), "question": WEATHER, "ids": ids_of(page, WEATHER)})
    assert again.status_code == 303 and "その質問はもう一覧にありません" in editor.get("/faq/misses").text


@pytest.mark.parametrize("contact", ["０９６－１２３－４５６７", "０９６ー１２３ー４５６７", "０９６　１２３　４５６７",
                                     "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "ｔａｒｏ ＠ ｅｘａｍｐｌｅ ． ｊｐ"])
def test_full_width_phone_numbers_and_addresses_are_redacted_in_the_misses(world: World, contact: str) -> None:
    miss(world, f"猫の餌のことで {contact} に連絡をください")
    with Session(world.bot.engine) as session:
        stored = [e.payload["question"] for e in session.scalars(select(DialogEffect))
                  if e.kind in ("faq_missed", "faq_unhelpful")]
    assert stored and all(contact not in q and ("［電話番号］" in q or "［メール］" in q) for q in stored), stored
    page = world.login("editor").get("/faq/misses").text
    assert contact not in page and "１２３" not in page and "ｅｘａｍｐｌｅ" not in page
