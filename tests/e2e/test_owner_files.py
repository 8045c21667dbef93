"""Pictures and files from owners: fetched with the real line-bot-sdk from the fake LINE server's content API right
after the answer, checked (size, type by name and by bytes), kept with the conversation and shown on its case
(image inline, download audited), never to an advisor of another organisation; the owner is told."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.tables import InboxEvent, OwnerFile
from bot.staff.tables import AuditLog
from dialogs import texts
from dialogs.prescreen import texts as prescreen_texts
from tests.conftest import make_settings
from tests.e2e.conftest import case_for
from tests.e2e.harness import LiveBot, wait_until
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World
from tests.e2e.test_person_mode import post
from tests.fakes.line_server import FakeLine


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "#c33").save(out, "JPEG")
    return out.getvalue()


def files(bot: LiveBot, key: str) -> list[OwnerFile]:
    with Session(bot.engine) as session:
        return list(session.scalars(select(OwnerFile).where(OwnerFile.conversation_key == key).order_by(OwnerFile.id)))


def settled_files(bot: LiveBot, key: str, count: int) -> list[OwnerFile]:
    wait_until(lambda: len(found := files(bot, key)) == count and all(f.status != "pending" for f in found),
               what=f"{count} files settled")
    return files(bot, key)


def test_a_photo_reaches_the_case_and_its_download_is_audited(desk: World, fake_line: FakeLine) -> None:
    photo = jpeg()
    fake_line.contents["900001"] = (photo, "image/jpeg")
    owner = Owner(desk.bot, fake_line, "Uphoto")
    owner.follow()
    said = owner._send("image", message__id="900001")
    assert said[0] == texts.FILE_KEPT
    [stored] = settled_files(desk.bot, "line:Uphoto", 1)
    assert (stored.status, stored.content_type, stored.size) == ("stored", "image/jpeg", len(photo))
    reference = case_for(desk, "line:Uphoto")
    coordinator = desk.login("coordinator")
    page = coordinator.get(f"/cases/{reference}").text
    assert f'<img src="/cases/{reference}/files/{stored.id}"' in page
    shown = coordinator.get(f"/cases/{reference}/files/{stored.id}")
    assert shown.status_code == 200 and shown.content == photo and shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["content-disposition"] == "inline"
    got = coordinator.get(f"/cases/{reference}/files/{stored.id}?download=1")
    assert got.content == photo and got.headers["content-disposition"].startswith("attachment;")
    with Session(desk.bot.engine) as session:
        audited = session.scalars(select(AuditLog).where(AuditLog.action == "case.file_download")).all()
    assert [(a.target, a.detail["file"]) for a in audited] == [(reference, stored.id)]
    advisor = desk.login("advisor")  # of 菊陽町商工会; this case belongs to no organisation of theirs
    assert advisor.get(f"/cases/{reference}/files/{stored.id}").status_code == 404
    assert desk.client().get(f"/cases/{reference}/files/{stored.id}").status_code in (303, 401, 403)


def test_refused_files_are_said_so_and_nothing_is_lost(desk: World, fake_line: FakeLine) -> None:
    owner = Owner(desk.bot, fake_line, "Ufiles")
    owner.follow()
    assert owner._send("file", message__id="900010", message__fileName="setup.exe", message__fileSize=2048)[0] == \
        texts.FILE_WRONG_TYPE
    assert owner._send("file", message__id="900011", message__fileName="kessan.pdf",
                       message__fileSize=11 * 1024 * 1024)[0] == texts.FILE_TOO_LARGE
    fake_line.contents["900012"] = (b"MZ not a pdf at all", "application/pdf")
    assert owner._send("file", message__id="900012", message__fileName="kessan.pdf", message__fileSize=19)[0] == \
        texts.FILE_KEPT
    owner._send("image", message__id="900013")  # LINE no longer has it (404)
    got = settled_files(desk.bot, "line:Ufiles", 4)
    assert [(f.status, f.reason) for f in got] == [("refused", "wrong_type"), ("refused", "too_large"),
                                                   ("refused", "wrong_type"), ("failed", "expired")]
    assert fake_line.content_calls == ["900012", "900013"]  # refused on arrival: never fetched
    assert desk.bot.count(InboxEvent, InboxEvent.status != "done") == 0


def test_a_file_during_the_pre_screening_goes_with_the_application(desk: World, fake_line: FakeLine) -> None:
    fake_line.contents["900020"] = ("%PDF-1.4 a 決算書".encode(), "application/pdf")
    owner = Owner(desk.bot, fake_line, "Uform")
    owner.follow()
    owner.say("相談したい")
    said = owner._send("file", message__id="900020", message__fileName="決算書.pdf", message__fileSize=24)
    assert said[0] == texts.FILE_KEPT_IN_FORM and said[-1].startswith(prescreen_texts.ASK_CONSENT)  # asked first
    [kept] = settled_files(desk.bot, "line:Uform", 1)
    assert (kept.status, kept.content_type, kept.file_name) == ("stored", "application/pdf", "決算書.pdf")


def test_a_file_sent_before_a_no_to_consent_is_not_kept(desk: World, fake_line: FakeLine) -> None:
    fake_line.contents["900021"] = ("%PDF-1.4 決算書".encode(), "application/pdf")
    owner = Owner(desk.bot, fake_line, "Unofile")
    owner.follow()
    owner.say("相談したい")
    owner._send("file", message__id="900021", message__fileName="決算書.pdf", message__fileSize=20)
    settled_files(desk.bot, "line:Unofile", 1)
    assert prescreen_texts.NO_CONSENT in owner.tap("同意しない")
    wait_until(desk.bot.settled, what="settled")
    assert files(desk.bot, "line:Unofile") == []


def test_stored_on_either_database(db_url: str, fake_line: FakeLine) -> None:
    photo = jpeg()
    fake_line.contents["900030"] = (photo, "image/jpeg")
    with LiveBot(make_settings(db_url, fake_line.url)) as bot:  # type: ignore[attr-defined]
        owner = Owner(bot, fake_line, "Udbfile")
        owner.follow()
        owner._send("image", message__id="900030")
        owner._send("image", message__id="900030", event_id=None)  # the same message again: one row
        [kept] = settled_files(bot, "line:Udbfile", 1)
        with Session(bot.engine) as session:
            data = session.scalar(select(OwnerFile.data).where(OwnerFile.id == kept.id))
        assert kept.status == "stored" and data == photo


def test_in_person_mode_the_thread_points_to_the_photo(desk: World, fake_line: FakeLine) -> None:
    fake_line.contents["900040"] = (jpeg(), "image/jpeg")
    owner = Owner(desk.bot, fake_line, "Uthread")
    owner.follow()
    reference = case_for(desk, "line:Uthread")
    coordinator = desk.login("coordinator")
    assert post(desk, coordinator, reference, "claim").status_code == 303
    assert post(desk, coordinator, reference, "person/start").status_code == 303
    wait_until(lambda: texts.PERSON_STARTED in fake_line.texts_to("Uthread"), what="person mode")
    owner._send("image", message__id="900040")
    settled_files(desk.bot, "line:Uthread", 1)
    thread = coordinator.get(f"/cases/{reference}/thread").text
    assert "（画像）" in thread and 'href="#owner-files"' in thread
    assert 'id="owner-files"' in coordinator.get(f"/cases/{reference}").text
