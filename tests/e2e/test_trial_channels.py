"""The trial channels: /try (web) and `madoguchi chat` (terminal) give the answers a LINE user gets."""

from __future__ import annotations

import subprocess
import sys

from bot.db.tables import InboxEvent
from dialogs import texts
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.processes import REPO, env_for
from tests.kb import ANSWERS as KB


def test_try_page_and_api_follow_the_same_dialog(db_url: str) -> None:
    with LiveBot(make_settings(db_url)) as bot:
        page = bot.client.get("/try")
        assert page.status_code == 200 and "お試しチャット" in page.text
        assert "http" not in page.text.split("<script>")[0].replace('name="viewport"', "")  # no external assets
        first = bot.client.post("/try/say", json={"start": True}).json()["replies"]
        assert [r["text"] for r in first] == [texts.GREETING, texts.MENU_PROMPT]
        assert [c["label"] for c in first[-1]["choices"]] == [texts.LABEL_CONSULT, texts.LABEL_FAQ, texts.LABEL_HUMAN]
        tapped = bot.client.post("/try/say", json={"data": "menu:faq"}).json()["replies"]
        assert tapped[0]["text"] == texts.FAQ_PROMPT
        typed = bot.client.post("/try/say", json={"text": "最初からやり直したい"}).json()["replies"]
        assert [r["text"] for r in typed] == [texts.RESTARTED, texts.MENU_PROMPT]
        assert bot.count(InboxEvent, InboxEvent.channel == "web") == 3  # the same durable inbox


def test_try_sessions_are_separate_people(sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        bot.client.post("/try/say", json={"data": "menu:faq"})
        other = bot.client.__class__(base_url=bot.server.url)
        reply = other.post("/try/say", json={"text": "はい"}).json()["replies"]
        assert reply[0]["text"] == texts.GREETING  # a new person: first contact
        other.close()


def test_madoguchi_chat_in_a_terminal(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url)
    run = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "tester"], input="２\n1\nやめる\n",
        capture_output=True, text=True, env=env_for(settings), cwd=REPO, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert texts.GREETING.splitlines()[0] in out
    assert "[2] よくある質問" in out
    assert KB["eligible-who"] in out  # 全角 ２ picked the FAQ, then 1 picked the first topic
    assert texts.CANCELLED in out
    again = subprocess.run(  # state persisted: the same user comes back to the same database
        [sys.executable, "-m", "bot", "chat", "--user", "tester"], input="", capture_output=True, text=True,
        env=env_for(settings), cwd=REPO, timeout=60,
    )
    assert again.returncode == 0
    from sqlalchemy import create_engine, text

    engine = create_engine(settings.sqlalchemy_url())
    with engine.connect() as conn:
        turns = conn.execute(text("SELECT turn_count FROM conversation WHERE key='terminal:tester'")).scalar_one()
    engine.dispose()
    assert turns == 5
