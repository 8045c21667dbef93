"""Owner satisfaction end to end: after a decision the owner is asked once, taps a face, adds a comment; a second
tap changes nothing; 「解決しましたか」 answers are recorded, tapped or typed."""

from __future__ import annotations

from sqlalchemy import text

from dialogs import satisfaction
from tests.e2e.harness import wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World
from tests.e2e.test_decide import application_for, decide
from tests.fakes.line_server import FakeLine


def feedback(desk: World) -> list[tuple[object, ...]]:
    with desk.bot.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT kind, score, answer, how, faq_id, comment FROM feedback ORDER BY id"))]


def test_after_a_decision_one_rating_and_a_comment(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Usat")
    owner.follow()
    reference = application_for(desk, "line:Usat")
    decide(desk, reference, decision="route", message="窓口で一度お話を伺います。")
    wait_until(lambda: satisfaction.QUESTION in fake_line.texts_to("Usat"), what="the rating question")
    owner.heard.append([])
    owner.offered = {i["action"]["label"]: i["action"]["data"]
                     for i in fake_line.delivered("Usat")[-1].messages[-1]["quickReply"]["items"]}
    assert owner.tap("🙂 満足") == [satisfaction.COMMENT]
    assert owner.say("説明がわかりやすかったです") == [satisfaction.THANKS]
    wait_until(lambda: len(feedback(desk)) == 1 and feedback(desk)[0][5] != "", what="the comment recorded")
    assert feedback(desk) == [("satisfaction", 4, None, None, None, "説明がわかりやすかったです")]
    owner.say("ボットに戻る")  # not in person mode: just the menu

    again = owner._send("postback", postback__data=f"sat:{reference}:1")  # an old question tapped again
    assert again == [satisfaction.COMMENT]
    owner.say("なし")
    assert [r[1] for r in feedback(desk)] == [4]  # the first answer stands
    assert fake_line.texts_to("Usat").count(satisfaction.QUESTION) == 1  # asked once
    thread = desk.login("coordinator").get(f"/cases/{reference}/thread").text
    assert "満足度：4（5段階）" in thread and "説明がわかりやすかったです" in thread


def test_was_it_solved_is_recorded_tapped_or_typed(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Ufaq")
    owner.follow()
    owner.say("オンラインでも相談できますか")
    owner.tap("はい")
    owner.say("派遣は何回まで使えますか")
    owner.say("いいえ")
    wait_until(lambda: len(feedback(desk)) == 2, what="both answers")
    assert [(r[2], r[3]) for r in feedback(desk)] == [("yes", "tap"), ("no", "typed")]
    with desk.bot.engine.connect() as conn:
        answered = conn.execute(text("SELECT count(*) FROM dialog_effect WHERE kind = 'faq_answered'")).scalar()
    assert answered == 2
