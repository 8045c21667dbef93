"""The FAQ editor's writes over HTTP: create refuses a taken id, save revises, saving a missing entry creates nothing."""

from __future__ import annotations

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


def write(client: httpx.Client, path: str, **form: str) -> str:
    token = client.get("/faq/new").text.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(path, data={"csrf_token": token, **form})
    assert response.status_code == 303, response.text[:200]
    return client.get(response.headers["location"]).text


def test_create_save_and_their_refusals(world: World) -> None:
    editor = world.login("editor")
    assert "test-parking を公開しました" in write(editor, "/faq/new", entry_id="test-parking", **ENTRY)
    assert "保存できませんでした：そのIDはすでに使われています" in write(editor, "/faq/new", entry_id="test-parking",
                                                                 **ENTRY)
    saved = write(editor, "/faq/test-parking", **(ENTRY | {"answer": "駐車場は建物の裏にあります。"}))
    assert "test-parking を保存しました" in saved and "駐車場は建物の裏にあります。" in saved
    assert "見つかりません" in write(editor, "/faq/no-such-entry", **ENTRY)  # refused: nothing was created
    assert editor.get("/faq/no-such-entry").status_code == 404
