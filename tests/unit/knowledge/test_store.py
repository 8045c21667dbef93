"""The knowledge base in the database: revisions, retiring, lossless YAML round trip, live refresh, misses."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import Conversation, DialogEffect, utcnow
from knowledge import misses, store
from knowledge.content import DEFAULT, read_yaml
from knowledge.live import LiveIndex
from tests.conftest import make_settings
from tests.e2e.processes import REPO, env_for


@pytest.fixture
def factory(db_url: str):
    engine = make_engine(make_settings(db_url))
    yield make_session_factory(engine)
    engine.dispose()


def test_seed_once_then_edit_with_revisions_and_retire(factory) -> None:
    now = utcnow()
    with factory.begin() as session:
        assert store.seed(session=session, now=now) == len(read_yaml(DEFAULT))
        assert store.seed(session=session, now=now) == 0  # never twice
        row = store.save(session=session, entry_id="online", actor="ed@test", now=now,
                         data=store.snapshot(session.get(store.FaqEntry, "online")) | {"answer": "オンライン相談もできます。"})
        assert row.answer == "オンライン相談もできます。"
        store.set_retired(session=session, entry_id="online", retired=True, actor="ed@test", now=now)
        with pytest.raises(store.FaqError):
            store.save(session=session, entry_id="Bad ID", data={"question": "q", "answer": "a"}, actor="x", now=now)
        with pytest.raises(store.FaqError):
            store.save(session=session, entry_id="long", data={"question": "q", "answer": "あ" * 401}, actor="x", now=now)
    with factory() as session:
        revs = store.revisions(session=session, entry_id="online")
        assert [r.action for r in revs] == ["retire", "edit", "seed"] and revs[1].actor == "ed@test"
        assert revs[1].before["answer"] != revs[1].after["answer"]
        assert "online" not in {e.id for e in store.entries(session=session)}


def test_yaml_export_import_round_trip_is_lossless(factory, tmp_path: Path, sqlite_url: str) -> None:
    with factory.begin() as session:
        store.seed(session=session, now=utcnow())
        store.set_retired(session=session, entry_id="cost", retired=True, actor="x", now=utcnow())
        exported = store.export_rows(session=session)
    other = make_session_factory(make_engine(make_settings(f"sqlite:///{tmp_path / 'other.db'}")))
    with other.begin() as session:
        assert store.import_rows(session=session, rows=exported, actor="cli", now=utcnow()) >= 1  # the retired one
        assert store.export_rows(session=session) == exported
        assert store.import_rows(session=session, rows=exported, actor="cli", now=utcnow()) == 0  # nothing changed
    assert any(r.get("retired") for r in exported)


def test_an_edit_in_another_process_is_answered_here_within_a_second(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url)
    factory = make_session_factory(make_engine(settings))
    with factory.begin() as session:
        store.seed(session=session, now=utcnow())
    live = LiveIndex(factory)
    assert not live.current().search("猫の餌は何がいいですか").matched
    new = [{"id": "cat-food", "question": "猫の餌は何がいいですか", "phrasings": ["キャットフードのおすすめ"],
            "answer": "猫の餌についての回答です。", "source": "test"}]
    path = tmp_path / "new.yaml"
    path.write_text(yaml.safe_dump(new, allow_unicode=True), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "bot", "faq", "import", str(path)], capture_output=True, text=True,
                         env=env_for(settings), cwd=REPO, timeout=60)
    assert run.returncode == 0, run.stderr
    changed_at = time.monotonic()
    while not (result := live.current().search("猫の餌は何がいいですか")).matched:
        assert time.monotonic() - changed_at < 1.0, "not refreshed within a second"
        time.sleep(0.05)
    assert result.best is not None and result.best.entry.id == "cat-food"


def test_misses_are_grouped_by_similarity_with_counts(factory) -> None:
    with factory.begin() as session:
        session.add(Conversation(key="line:U", channel="line", user_id="U", state={}, turn_count=0))
        session.flush()
        for q in ["駐車場はありますか", "駐車場はありますか？", "駐車場ありますか", "Wi-Fiは使えますか"]:
            session.add(DialogEffect(conversation_key="line:U", kind="faq_missed", payload={"question": q}))
        session.add(DialogEffect(conversation_key="line:U", kind="faq_unhelpful",
                                 payload={"question": "オンラインでもいいですか", "faq_id": "online"}))
    with factory() as session:
        groups = misses.grouped(session=session)
    # most frequent first; equal counts: the most recent first
    assert [(g.count, g.kind) for g in groups] == [(3, "faq_missed"), (1, "faq_unhelpful"), (1, "faq_missed")]
    assert groups[1].faq_ids == {"online"} and len(groups[0].examples) == 3


class SlowBuild(LiveIndex):
    """The real live index whose builds take as long as one at 10,000 entries (seconds)."""

    def _load(self):  # type: ignore[no-untyped-def]
        if self._index is not None:
            time.sleep(2.0)
        return super()._load()


def test_a_slow_rebuild_is_built_aside_and_never_holds_a_question(db_url: str) -> None:
    factory = make_session_factory(make_engine(make_settings(db_url)))
    with factory.begin() as session:
        store.seed(session=session, now=utcnow())
    live = SlowBuild(factory)
    old = live.current()
    with factory.begin() as session:
        store.save(session=session, entry_id="cat-food", actor="ed@test", now=utcnow(),
                   data={"question": "猫の餌は何がいいですか", "answer": "猫の餌についての回答です。"})
    time.sleep(0.6)  # past the refresh interval: the next question notices the new version
    asked = time.monotonic()
    assert live.current() is old  # answered with the index it had, while the new one is built aside
    assert time.monotonic() - asked < 0.5
    while live.current() is old:
        assert time.monotonic() - asked < 10, "the new index was never swapped in"
        time.sleep(0.05)
    assert live.current().search("猫の餌は何がいいですか").matched
