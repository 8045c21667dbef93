"""Steps shared by the 講習会・個別相談会 tests: an advisor's 様式2/様式3, the desk's schedule and publication, a second
organisation's advisor, and an owner's taps on the real LINE path."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from bot.staff.auth import create_user
from dialogs.hours import JST
from tests.e2e.owner import Owner
from tests.e2e.staff_fixtures import World
from tests.e2e.test_decide import token_of

OTHER_EMAIL, OTHER_PASSWORD = "yatsushiro@test.example", "yatsushiro-password-5"


def other_advisor(desk: World) -> None:
    """An advisor of another organisation (八代商工会議所)."""
    engine = make_engine(desk.bot.settings)
    with make_session_factory(engine).begin() as session:
        create_user(session=session, email=OTHER_EMAIL, password=OTHER_PASSWORD, role="advisor",
                    organisation="八代商工会議所", now=utcnow())
    engine.dispose()


def login_other(desk: World) -> object:
    client = desk.client()
    assert client.post("/login", data={"email": OTHER_EMAIL, "password": OTHER_PASSWORD}).status_code == 303
    return client


def request_form(desk: World, kind: str = "lecture", **over: str) -> int:
    """The advisor of 菊陽町商工会 sends 様式2 (lecture) or 様式3 (consultation); returns the event's id."""
    advisor = desk.login("advisor")
    page = advisor.get("/seminars/new", params={"kind": kind}).text
    form = {"csrf_token": token_of(page), "kind": kind, "theme": "sns", "title": "はじめてのSNS集客",
            "proposed_dates": "12月の平日午後", "venue_request": "菊陽町商工会 会議室", "area": "菊陽町",
            "expected": "20", "note": ""} | over
    response = advisor.post("/seminars", data=form)
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].rsplit("/", 1)[1])


def tomorrow_at(hour: int) -> datetime:
    day = (utcnow().astimezone(JST) + timedelta(days=1)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=JST)


def desk_post(desk: World, seminar_id: int, action: str, **form: str) -> str:
    """A desk action on the event's page; returns the page it lands on (with the flashed message)."""
    client = desk.login("coordinator")
    page = client.get(f"/seminars/{seminar_id}").text
    response = client.post(f"/seminars/{seminar_id}/{action}", data={"csrf_token": token_of(page), **form})
    assert response.status_code == 303, response.text[:300]
    return client.get(f"/seminars/{seminar_id}").text


def schedule_and_publish(desk: World, seminar_id: int, expert_id: int, starts: datetime, capacity: str = "2",
                         slots: int = 0) -> str:
    desk_post(desk, seminar_id, "move", move="accept")
    desk_post(desk, seminar_id, "schedule", day=starts.date().isoformat(), start=f"{starts:%H:%M}",
              end=f"{starts + timedelta(hours=2):%H:%M}", venue="菊陽町商工会 2階会議室", area="菊陽町",
              expert_id=str(expert_id), capacity=capacity)
    if slots:
        desk_post(desk, seminar_id, "slots", slot_expert_id=str(expert_id), slot_day=starts.date().isoformat(),
                  slot_start=f"{starts:%H:%M}", minutes="60", count=str(slots))
    return desk_post(desk, seminar_id, "move", move="publish")


def open_events(owner: Owner) -> list[str]:
    """The rich menu's 講習会 button (its postback)."""
    return owner._send("postback", postback__data="menu:seminars")
