"""The FAQ editor's writes over HTTP: an entry is previewed as the owner will see it (cited answer, 「解決しましたか？」,
the next-step button) and published in a separate step; create refuses a taken id, save revises, saving a missing
entry creates nothing, and nothing is published that was not previewed."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import World, populate

ENTRY = {"question": "駐車場はありますか", "answer": "駐車場の案内です。", "phrasings": "車を停められますか",
         "source": "", "tags": "案内、施設", "next_action": ""}


@pytest.fixture
def world(sqlite_url: str) -> Iterator[World]:
    with LiveBot(make_settings(sqlite_url)) as bot:
        yield populate(bot)


def token(client: httpx.Client) -> str:
    return client.get("/faq/new").text.split('name="csrf_token" value="')[1].split('"')[0]


def preview(client: httpx.Client, path: str, **form: str) -> httpx.Response:
    return client.post(path + "/preview", data={"csrf_token": token(client), **form})


def previewed(page: str) -> str:
    found = re.search(r'name="previewed" value="([0-9a-f]{64})"', page)
    assert found, page[:500]
    return found.group(1)


def write(client: httpx.Client, path: str, **form: str) -> str:
    response = client.post(path, data={"csrf_token": token(client), **form})
    assert response.status_code == 303, response.text[:200]
    return client.get(response.headers["location"]).text


def publish(client: httpx.Client, path: str, **form: str) -> str:
    """Preview, then publish what was previewed (the editor's two steps)."""
    shown = preview(client, path, **form)
    assert shown.status_code == 200, shown.text[:300]
    return write(client, path, previewed=previewed(shown.text), **form)


def test_create_save_and_their_refusals(world: World) -> None:
    editor = world.login("editor")
    assert "test-parking を公開しました" in publish(editor, "/faq/new", entry_id="test-parking", **ENTRY)
    taken = preview(editor, "/faq/new", entry_id="test-parking", **ENTRY)
    assert taken.status_code == 400 and "そのIDはすでに使われています" in taken.text and "公開する" not in taken.text
    saved = publish(editor, "/faq/test-parking", **(ENTRY | {"answer": "駐車場は建物の裏にあります。"}))
    assert "test-parking を保存しました" in saved and "駐車場は建物の裏にあります。" in saved
    assert preview(editor, "/faq/no-such-entry", **ENTRY).status_code == 400
    assert "見つかりません" in write(editor, "/faq/no-such-entry", previewed="0" * 64, **ENTRY)  # nothing created
    assert editor.get("/faq/no-such-entry").status_code == 404


def test_preview_shows_what_the_owner_sees_and_publishing_is_a_separate_step(world: World) -> None:
    editor = world.login("editor")
    entry = ENTRY | {"source": "001 4(1)エ", "next_action": "prescreen"}
    shown = preview(editor, "/faq/new", entry_id="test-parking", **entry)
    assert shown.status_code == 200
    page = shown.text
    assert "駐車場の案内です。（実施要領 4(1)エ）" in page  # the answer with its cited clause, as the chat shows it
    assert "解決しましたか？" in page and "<li>相談したい</li>" in page  # follow-up and the next-step button
    assert "<li>はい</li>" in page and "<li>いいえ</li>" in page
    assert editor.get("/faq/test-parking").status_code == 404  # a preview publishes nothing
    assert "test-parking" not in editor.get("/faq/test?q=駐車場はありますか").text

    refused = write(editor, "/faq/new", entry_id="test-parking", **entry)  # no preview: refused
    assert "公開する前に「プレビュー」で事業者への表示を確認してください" in refused
    assert editor.get("/faq/test-parking").status_code == 404
    changed = write(editor, "/faq/new", entry_id="test-parking", previewed=previewed(page),
                    **(entry | {"answer": "プレビューしていない回答です。"}))
    assert "プレビュー" in changed and editor.get("/faq/test-parking").status_code == 404

    assert "test-parking を公開しました" in write(editor, "/faq/new", entry_id="test-parking",
                                                 previewed=previewed(page), **entry)
    assert "回答する項目：<a href=\"/faq/test-parking\">" in editor.get("/faq/test?q=駐車場はありますか").text

    edit = preview(editor, "/faq/test-parking", **(entry | {"answer": "駐車場は建物の裏に3台分あります。"}))
    assert "駐車場は建物の裏に3台分あります。（実施要領 4(1)エ）" in edit.text
    assert "-answer: 駐車場の案内です。" in edit.text and "+answer: 駐車場は建物の裏に3台分あります。" in edit.text
    assert "駐車場の案内です。" in editor.get("/faq/test-parking").text.split("変更履歴")[0]  # still live
    assert "回答は400文字以内" in preview(editor, "/faq/test-parking", **(entry | {"answer": "あ" * 401})).text


def test_the_list_is_paged_a_hundred_entries_at_a_time(world: World) -> None:
    from bot.db.engine import make_engine, make_session_factory
    from bot.db.tables import utcnow
    from knowledge import store

    engine = make_engine(world.bot.settings)
    with make_session_factory(engine).begin() as session:
        store.seed(session=session, now=utcnow())
        for i in range(150):
            store.save(session=session, entry_id=f"bulk-{i:03d}", actor="ed@test", now=utcnow(),
                       data={"question": f"質問{i}ですか", "answer": f"回答{i}です。"})
    engine.dispose()
    editor = world.login("editor")
    first = editor.get("/faq").text
    total = int(re.search(r"(\d+)件中 1/(\d+)ページ", first).group(1))  # type: ignore[union-attr]
    assert total >= 150 and first.count('<a href="/faq/') - first.count('<a href="/faq/new"') <= 100 + 3
    assert 'rel="next"' in first and 'rel="prev"' not in first
    found = editor.get("/faq", params={"q": "bulk-1", "page": 2}).text  # a search of 100 matches: one page
    assert "bulk-149" in found and "ページ" not in found.split("</table>")[1]
