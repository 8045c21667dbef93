"""YAML export and import in the web editor (the CLI's code path): an upload is summarised (added, changed,
retired) and written only after a confirmation; a broken file gives a clear error and changes nothing, in the web
and in `madoguchi faq import`."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy.orm import Session

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from knowledge import store
from knowledge.tables import FaqEntry
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.processes import REPO, env_for
from tests.e2e.staff_fixtures import World, populate


@pytest.fixture
def world(sqlite_url: str) -> Iterator[World]:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world = populate(bot)
        engine = make_engine(bot.settings)
        with make_session_factory(engine).begin() as session:
            store.seed(session=session, now=utcnow())
        engine.dispose()
        yield world


def csrf(client: httpx.Client) -> str:
    return client.get("/faq/import").text.split('name="csrf_token" value="')[1].split('"')[0]


def upload(client: httpx.Client, text: str) -> httpx.Response:
    return client.post("/faq/import/preview", data={"csrf_token": csrf(client)},
                       files={"file": ("faq.yaml", text.encode(), "application/yaml")})


def confirm(client: httpx.Client, text: str, page: str) -> str:
    digest = re.search(r'name="previewed" value="([0-9a-f]{64})"', page).group(1)  # type: ignore[union-attr]
    response = client.post("/faq/import", data={"csrf_token": csrf(client), "text": text, "previewed": digest})
    assert response.status_code == 303
    return client.get(response.headers["location"]).text


def entry(world: World, entry_id: str) -> FaqEntry | None:
    with Session(world.bot.engine) as session:
        return session.get(FaqEntry, entry_id)


def test_export_edit_import_with_a_summary_and_a_confirmation(world: World) -> None:
    editor = world.login("editor")
    exported = editor.get("/faq/export.yaml")
    assert exported.status_code == 200 and "attachment" in exported.headers["content-disposition"]
    rows = yaml.safe_load(exported.text)
    assert len(rows) == len(store.entries(session=Session(world.bot.engine)))
    first, second = rows[0]["id"], rows[1]["id"]
    rows[0]["answer"] = "取り込みで書き換えた回答です。"
    rows[1]["retired"] = True
    rows.append({"id": "test-parking", "question": "駐車場はありますか", "answer": "駐車場の案内です。", "source": ""})
    text = yaml.safe_dump(rows, allow_unicode=True, sort_keys=False)

    shown = upload(editor, text)
    assert shown.status_code == 200
    assert "追加 1件・変更 1件・取り下げ 1件・再公開 0件" in shown.text
    assert "test-parking" in shown.text and f"{first}（answer）" in shown.text and second in shown.text
    assert entry(world, "test-parking") is None and not entry(world, second).retired  # type: ignore[union-attr]

    unconfirmed = editor.post("/faq/import", data={"csrf_token": csrf(editor), "text": text})
    assert unconfirmed.status_code == 303 and "取り込めませんでした" in editor.get("/faq/import").text
    assert entry(world, "test-parking") is None

    done = confirm(editor, text, shown.text)
    assert "YAMLを取り込みました（追加 1件・変更 1件・取り下げ 1件" in done
    assert entry(world, "test-parking") is not None and entry(world, second).retired  # type: ignore[union-attr]
    assert entry(world, first).answer == "取り込みで書き換えた回答です。"  # type: ignore[union-attr]
    assert entry(world, first).updated_by == "editor@test.example"  # type: ignore[union-attr]
    again = upload(editor, text).text
    assert f"変更なし {len(rows)}件" in again and "変更はありません" in again
    assert ">この内容で取り込む</button>" not in again


def test_a_broken_file_gives_a_clear_error_and_imports_nothing(world: World) -> None:
    editor = world.login("editor")
    rows = yaml.safe_load(editor.get("/faq/export.yaml").text)
    before = rows[0]["answer"]
    bad_syntax = "- id: test-a\n  question: 質問\n   answer: [閉じていない\n"
    shown = upload(editor, bad_syntax)
    assert shown.status_code == 400 and "YAMLとして読めません（3行目" in shown.text and "何も変更していません" in shown.text
    assert ">この内容で取り込む</button>" not in shown.text

    rows[0]["answer"] = "途中まで取り込まれてはいけない回答です。"
    rows[1]["answer"] = "あ" * 401
    half = yaml.safe_dump(rows, allow_unicode=True, sort_keys=False)
    shown = upload(editor, half)
    assert shown.status_code == 400 and f"2件目（{rows[1]['id']}）：回答は400文字以内" in shown.text
    for text, message in ((half, "回答は400文字以内"), ("- just text\n", "項目は id・question・answer")):
        forged = f'name="previewed" value="{hashlib.sha256(text.encode()).hexdigest()}"'
        forced = confirm(editor, text, forged)  # even a confirmation of an unchecked file writes nothing
        assert "取り込めませんでした" in forced and message in forced
    assert entry(world, rows[0]["id"]).answer == before  # type: ignore[union-attr]
    for not_a_list in ("", "id: x\n", "- [1, 2]\n"):
        assert upload(editor, not_a_list).status_code == 400


def test_the_cli_import_takes_the_same_path(world: World, tmp_path: Path) -> None:
    rows = yaml.safe_load(world.login("editor").get("/faq/export.yaml").text)
    before = rows[0]["answer"]
    rows[0]["answer"], rows[1]["answer"] = "途中まで取り込まれてはいけない回答です。", "あ" * 401
    path = tmp_path / "half.yaml"
    path.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "bot", "faq", "import", str(path)], capture_output=True, text=True,
                         env=env_for(world.bot.settings), cwd=REPO, timeout=120)
    assert run.returncode == 1 and f"できませんでした：2件目（{rows[1]['id']}）：回答は400文字以内" in run.stderr
    assert entry(world, rows[0]["id"]).answer == before  # type: ignore[union-attr]
    rows[1]["answer"] = "CLIで書き換えた回答です。"
    path.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "bot", "faq", "import", str(path)], capture_output=True, text=True,
                         env=env_for(world.bot.settings), cwd=REPO, timeout=120)
    assert run.returncode == 0 and "2件を更新しました（追加 0件・変更 2件・取り下げ 0件" in run.stdout
