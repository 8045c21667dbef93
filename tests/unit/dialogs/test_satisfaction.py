"""Owner satisfaction as a pure step: a face anywhere records a score and asks for a comment; the comment (or
「なし」) ends it and the conversation goes back to where it was."""

from __future__ import annotations

from datetime import UTC, datetime

from dialogs import person, satisfaction
from dialogs.hours import DEFAULT
from dialogs.main import step
from dialogs.model import Choices, Inbound, Kind, State, Text

AT = datetime(2026, 11, 30, 1, tzinfo=UTC)
MENU = State("menu", {"keep": 1})


def tap(data: str) -> Inbound:
    return Inbound(Kind.POSTBACK, AT, data=data)


def test_the_question_offers_five_faces() -> None:
    [question] = satisfaction.question("KD-2026-0001")
    assert isinstance(question, Choices) and len(question.choices) == 5
    assert question.choices[0].data == "sat:KD-2026-0001:5" and question.choices[-1].data == "sat:KD-2026-0001:1"


def test_a_face_then_a_comment() -> None:
    rated = step(MENU, tap("sat:KD-2026-0001:4"))
    assert [(e.kind, e.payload) for e in rated.effects] == [("satisfaction_rated", {"case": "KD-2026-0001", "score": 4})]
    assert rated.replies[0].text == satisfaction.COMMENT  # type: ignore[union-attr]
    said = step(rated.state, Inbound(Kind.TEXT, AT, text="丁寧でした。連絡は 090-1234-5678 へ"))
    assert said.state == MENU and said.replies == (Text(satisfaction.THANKS),)
    [comment] = said.effects
    assert comment.kind == "satisfaction_comment" and "090" not in comment.payload["text"]


def test_no_comment_by_tap_or_word() -> None:
    rated = step(MENU, tap("sat:KD-2026-0001:2"))
    for skip in (tap("sat:skip"), Inbound(Kind.TEXT, AT, text="なし"), Inbound(Kind.STICKER, AT)):
        done = step(rated.state, skip)
        assert done.state == MENU and done.effects == () and done.replies == (Text(satisfaction.THANKS),)


def test_bad_data_is_not_a_rating() -> None:
    for data in ("sat:KD-1:9", "sat::3", "sat:KD-1:x"):
        assert satisfaction.step(MENU, tap(data)) is None


def test_handing_back_asks_for_a_rating_only_when_the_shell_says_so() -> None:
    back = Inbound(Kind.TEXT, AT, text="ボットに戻る")
    asked = step(person.start(MENU, "KD-2026-0003", DEFAULT, survey=True), back)
    assert asked.replies[-1] == satisfaction.question("KD-2026-0003")[0]
    assert asked.effects[0].payload == {"case": "KD-2026-0003", "surveyed": True}
    not_asked = step(person.start(MENU, "KD-2026-0003", DEFAULT, survey=False), back)
    assert satisfaction.question("KD-2026-0003")[0] not in not_asked.replies
