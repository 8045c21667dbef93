"""Channel words: every text the bot says is in LINE's words on LINE and in Telegram's on Telegram."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs import main, texts, wording
from dialogs.model import Inbound, Kind, State, Text
from dialogs.prescreen import texts as prescreen_texts
from handoff import canned

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _all_texts() -> list[str]:
    own = [v for m in (texts, prescreen_texts) for k, v in vars(m).items() if k.isupper() and isinstance(v, str)]
    return own + [body for _, body in canned.DEFAULTS]


def test_some_texts_do_speak_line() -> None:
    """The check below means something: the texts are written in LINE's words."""
    assert sum(any(w in t for w in wording.LINE_WORDS) for t in _all_texts()) >= 5


@pytest.mark.parametrize("text", _all_texts())
def test_no_line_word_reaches_telegram(text: str) -> None:
    said = wording.say(text, "telegram")
    assert not [w for w in wording.LINE_WORDS if w in said], said


def test_line_and_the_trial_channels_keep_the_texts_as_written() -> None:
    for channel in ("line", "web", "terminal"):
        assert [wording.say(t, channel) for t in _all_texts()] == _all_texts()


def test_telegram_greeting_and_handoff_in_telegram_words() -> None:
    hello = main.step(State(), Inbound(Kind.FOLLOW, NOW, channel="telegram")).replies[0]
    assert isinstance(hello, Text)
    assert hello.text.startswith("ご利用ありがとうございます。") and "このチャットで受け付けています" in hello.text
    person = main.step(State("menu"), Inbound(Kind.POSTBACK, NOW, data="menu:human", channel="telegram")).replies[0]
    assert isinstance(person, Text) and "このチャットで担当者から" in person.text and "トーク" not in person.text
    line = main.step(State(), Inbound(Kind.FOLLOW, NOW)).replies[0]
    assert line == Text(texts.GREETING)
