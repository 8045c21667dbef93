"""`madoguchi ask` answers from the live database's content (an entry published in the web editor is answered at
once) when the configured database holds the knowledge base, and from the YAML file otherwise; `--json -` keeps
its shape: one object per line with question, matched, faq_id, answer, score, alternatives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from knowledge import store
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.processes import REPO, env_for
from tests.e2e.staff_fixtures import populate
from tests.e2e.test_faq_editor_http import publish

CAT = "猫の餌は何がいいですか"
FIELDS = {"question", "matched", "faq_id", "answer", "score", "alternatives", "outside"}


def ask(env: dict[str, str], *questions: str) -> list[dict[str, Any]]:
    run = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "-"], input="".join(q + "\n" for q in questions),
                         capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert all(set(line) == FIELDS for line in lines) and [line["question"] for line in lines] == list(questions)
    return lines


def test_ask_answers_from_the_live_database_when_it_holds_the_knowledge_base(sqlite_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "none.db"
    env = env_for(make_settings(sqlite_url), MADOGUCHI_DATABASE_URL=f"sqlite:///{missing}")
    assert not ask(env, CAT)[0]["matched"] and not missing.parent.exists()  # the YAML file; no database created

    settings = make_settings(sqlite_url)  # a schema, but the knowledge base was never seeded: still the YAML file
    assert not ask(env_for(settings), CAT)[0]["matched"]

    with LiveBot(settings) as bot:
        world = populate(bot)
        engine = make_engine(settings)
        with make_session_factory(engine).begin() as session:
            store.seed(session=session, now=utcnow())
        engine.dispose()
        publish(world.login("editor"), "/faq/new", entry_id="test-cat", question=CAT, phrasings="猫のごはん",
                answer="猫の餌についての回答です。", source="test", tags="", next_action="")
        answered, other = ask(env_for(settings), CAT, "オンラインでも相談できますか")
    assert answered["matched"] and answered["faq_id"] == "test-cat"
    assert answered["answer"].startswith("猫の餌についての回答です。")
    assert other["faq_id"] != "test-cat"
