"""Person mode over LINE: the bot falls silent but for one acknowledgement, the thread fills, the coordinator's
replies arrive, 「ボットに戻る」 hands back, and the bot answers again."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dialogs import texts
from handoff import cases
from tests.e2e.conftest import case_for
from tests.e2e.harness import wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World
from tests.fakes import line_events
from tests.fakes.line_server import FakeLine
from tests.kb import ANSWERS as KB


def post(world: World, client, reference: str, path: str, **data: str):  # type: ignore[no-untyped-def]
    page = client.get(f"/cases/{reference}").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(f"/cases/{reference}/{path}", data={"csrf_token": token, **data})


def thread(world: World, reference: str) -> list[tuple[str, str]]:
    with Session(world.bot.engine) as session:
        case = cases.by_reference(session=session, reference=reference)
        assert case is not None
        return [(m.direction, m.text) for m in cases.thread(session=session, case=case)]


def test_person_mode_round_trip(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Uperson")
    owner.follow()
    reference = case_for(desk, "line:Uperson")
    coordinator = desk.login("coordinator")
    assert post(desk, coordinator, reference, "claim").status_code == 303
    assert post(desk, coordinator, reference, "person/start").status_code == 303
    wait_until(lambda: texts.PERSON_STARTED in fake_line.texts_to("Uperson"), what="the owner is told")
    first = owner.say("見積もりのことで相談です")
    assert first[0] == texts.PERSON_ACK or first[0].startswith("メッセージを担当者に伝えました。ただいま受付時間外のため、")
    before = len(fake_line.delivered("Uperson"))
    sticker = line_events.event("sticker", "Uperson", token=fake_line.issue_token("Uperson"))
    assert owner.bot.post(sticker).status_code == 200
    wait_until(lambda: ("in", "（スタンプ）") in thread(desk, reference), what="the sticker in the thread")
    assert len(fake_line.delivered("Uperson")) == before  # the bot said nothing
    assert post(desk, coordinator, reference, "reply", text="田中です。明日お電話します。").status_code == 303
    wait_until(lambda: "田中です。明日お電話します。" in fake_line.texts_to("Uperson"), what="the reply")
    assert ("in", "見積もりのことで相談です") in thread(desk, reference)
    assert "見積もりのことで相談です" in coordinator.get(f"/cases/{reference}/thread").text
    back = owner.say("ボットに戻る")
    assert back[0] == texts.PERSON_ENDED
    assert owner.say("オンラインでも相談できますか")[0] == KB["online"]  # the bot answers again
    texts_sent = fake_line.texts_to("Uperson")
    assert texts_sent.count(texts.PERSON_STARTED) == 1 and texts_sent.count("田中です。明日お電話します。") == 1
    with Session(desk.bot.engine) as session:
        case = cases.by_reference(session=session, reference=reference)
        assert case is not None and case.status == "claimed"
