"""The staff web app over real HTTP: roles, sessions, CSRF, throttling and the audit log."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.staff.tables import StaffSession
from bot.web.staff.security import COOKIE
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, World, populate


@pytest.fixture
def world(db_url: str):
    with LiveBot(make_settings(db_url)) as bot:
        yield populate(bot)


OK, FORBIDDEN, MISSING = 200, 403, 404
ROLES = ("admin", "coordinator", "editor", "advisor")
# route → expected status for admin, coordinator, editor, advisor (the advisor belongs to the first case's org)
MATRIX = {
    "/": (OK, OK, OK, OK),
    "/cases": (OK, OK, FORBIDDEN, OK),
    "/cases/{in_org}": (OK, OK, FORBIDDEN, OK),
    "/cases/{elsewhere}": (OK, OK, FORBIDDEN, MISSING),
    "/cases/KD-1999-9999": (MISSING, MISSING, FORBIDDEN, MISSING),
    "/cases.csv": (OK, OK, FORBIDDEN, FORBIDDEN),
    "/cases/rows": (OK, OK, FORBIDDEN, OK),
    "/cases/badge": (OK, OK, FORBIDDEN, OK),
    "/cases/{in_org}/form1": (OK, OK, FORBIDDEN, OK),
    "/cases/{elsewhere}/form1": (OK, OK, FORBIDDEN, MISSING),
    "/cases/{elsewhere}/form1.xlsx": (OK, OK, FORBIDDEN, MISSING),
    "/cases/{elsewhere}/thread": (OK, OK, FORBIDDEN, MISSING),
    "/cases/{elsewhere}/outbox/1": (MISSING, MISSING, FORBIDDEN, FORBIDDEN),
    "/faq": (OK, FORBIDDEN, OK, FORBIDDEN),
    "/stats": (OK, OK, FORBIDDEN, FORBIDDEN),
    "/reports": (OK, OK, FORBIDDEN, OK),
    "/reports.csv": (OK, OK, FORBIDDEN, OK),
    "/admin": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "/admin/audit": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
}


def path(world: World, template: str) -> str:
    return template.format(in_org=world.case_in_org, elsewhere=world.case_elsewhere)


def test_role_by_route_matrix(world: World) -> None:
    anonymous = world.client()
    for template in MATRIX:
        assert anonymous.get(path(world, template)).status_code == 401, template
    for role, column in zip(ROLES, zip(*MATRIX.values(), strict=True), strict=True):
        client = world.login(role)
        got = tuple(client.get(path(world, t)).status_code for t in MATRIX)
        assert got == column, f"{role}: {dict(zip(MATRIX, got, strict=True))}"


def test_advisor_sees_only_their_organisations_cases(world: World) -> None:
    page = world.login("advisor").get("/cases").text
    assert world.case_in_org in page and world.case_elsewhere not in page
    everything = world.login("coordinator").get("/cases").text
    assert world.case_in_org in everything and world.case_elsewhere in everything


def test_navigation_follows_the_role(world: World) -> None:
    labels = {"ケース一覧", "FAQ", "統計", "レポート", "管理"}
    expected = {"admin": labels, "coordinator": {"ケース一覧", "統計", "レポート"}, "editor": {"FAQ"},
                "advisor": {"ケース一覧", "レポート"}}
    for role, shown in expected.items():
        nav = world.login(role).get("/").text.split('aria-label="メイン"')[1].split("</nav>")[0]
        assert {label for label in labels if f">{label}<" in nav} == shown, role


def test_csrf_missing_token_or_foreign_origin_is_refused(world: World) -> None:
    client = world.login("admin")
    new_user = {"email": "new@test.example", "password": "long-enough-pw", "role": "editor"}
    assert client.post("/admin/staff", data=new_user).status_code == 403  # no token
    token = client.get("/admin").text.split('name="csrf_token" value="')[1].split('"')[0]
    foreign = client.post("/admin/staff", data=new_user | {"csrf_token": token},
                          headers={"origin": "https://evil.example"})
    assert foreign.status_code == 403
    no_origin = httpx.Client(base_url=world.url, cookies=client.cookies).post(
        "/admin/staff", data=new_user | {"csrf_token": token})
    assert no_origin.status_code == 403
    assert "new@test.example" not in client.get("/admin").text
    assert client.post("/admin/staff", data=new_user | {"csrf_token": token}).status_code == 303
    assert "new@test.example" in client.get("/admin").text
    htmx = client.post("/logout", headers={"x-csrf-token": "wrong"})
    assert htmx.status_code == 403
    login_from_elsewhere = httpx.post(world.url + "/login", headers={"origin": "https://evil.example"},
                                      data={"email": EMAILS["admin"], "password": PASSWORDS["admin"]})
    assert login_from_elsewhere.status_code == 403


def test_logout_invalidates_the_old_cookie(world: World) -> None:
    client = world.login("coordinator")
    cookie = client.cookies[COOKIE]
    token = client.get("/").text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    replay = httpx.Client(base_url=world.url, cookies={COOKIE: cookie})
    assert replay.get("/cases").status_code == 401


def test_a_new_session_id_at_each_login_and_the_old_one_ends(world: World) -> None:
    client = world.login("editor")
    first = client.cookies[COOKIE]
    world.login("editor", client)
    second = client.cookies[COOKIE]
    assert first != second
    assert httpx.Client(base_url=world.url, cookies={COOKIE: first}).get("/faq").status_code == 401
    assert httpx.Client(base_url=world.url, cookies={COOKIE: second}).get("/faq").status_code == 200


def test_cookie_flags(world: World) -> None:
    plain = world.client().post("/login", data={"email": EMAILS["admin"], "password": PASSWORDS["admin"]})
    cookie = plain.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    https = httpx.post(world.url + "/login", headers={"x-forwarded-proto": "https",
                                                      "origin": world.url.replace("http:", "https:")},
                       data={"email": EMAILS["admin"], "password": PASSWORDS["admin"]})
    assert https.status_code == 303 and "secure" in https.headers["set-cookie"].lower()


@pytest.mark.parametrize(("column", "age", "alive"), [
    ("last_seen_at", timedelta(minutes=29), True), ("last_seen_at", timedelta(minutes=31), False),
    ("created_at", timedelta(hours=11, minutes=59), True), ("created_at", timedelta(hours=12, minutes=1), False),
])
def test_idle_and_absolute_timeouts(world: World, column: str, age: timedelta, alive: bool) -> None:
    client = world.login("coordinator")
    with Session(world.bot.engine) as session, session.begin():
        for record in session.scalars(select(StaffSession)):
            setattr(record, column, getattr(record, column) - age)
    assert (client.get("/cases").status_code == 200) is alive


def test_ten_failed_logins_throttle_the_account(world: World) -> None:
    client = world.client()
    for _ in range(10):
        assert client.post("/login", data={"email": EMAILS["editor"], "password": "wrong"}).status_code == 401
    blocked = client.post("/login", data={"email": EMAILS["editor"], "password": PASSWORDS["editor"]})
    assert blocked.status_code == 429 and "15分" in blocked.text
    assert world.login("coordinator").get("/").status_code == 200  # other accounts are not affected


def test_audit_rows_for_each_event_and_never_a_secret(world: World) -> None:
    admin = world.login("admin")
    world.client().post("/login", data={"email": EMAILS["advisor"], "password": "not-it"})
    token = admin.get("/admin").text.split('name="csrf_token" value="')[1].split('"')[0]
    admin.post("/admin/staff", data={"email": "temp@test.example", "password": "temp-password-9", "role": "editor",
                                     "csrf_token": token})
    page = admin.get("/admin").text
    temp_id = page.split("temp@test.example")[1].split('/admin/staff/')[1].split('/')[0]
    admin.post(f"/admin/staff/{temp_id}/role", data={"role": "coordinator", "csrf_token": token})
    admin.post(f"/admin/staff/{temp_id}/disable", data={"csrf_token": token})
    admin.get("/cases.csv")
    org_id = page.split('><td data-label="名前">大津町商工会</td>')[0].rsplit('id="org-', 1)[1].rstrip('"')
    admin.post(f"/admin/organisations/{org_id}/delete", data={"csrf_token": token})
    coordinator = world.login("coordinator")
    ctoken = coordinator.get("/").text.split('name="csrf_token" value="')[1].split('"')[0]
    coordinator.post("/logout", data={"csrf_token": ctoken})
    with world.bot.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text("SELECT actor, action, target, detail, address FROM audit_log"))]
    actions = {r["action"] for r in rows}
    assert {"login", "login.failed", "logout", "staff.create", "staff.role", "staff.disable", "export",
            "organisation.delete"} <= actions
    assert all(r["address"] for r in rows if r["action"] in ("login", "login.failed"))
    dumped = json.dumps(rows, ensure_ascii=False, default=str)
    secrets = [*PASSWORDS.values(), "not-it", "temp-password-9", token, ctoken, admin.cookies[COOKIE]]
    assert not [s for s in secrets if s in dumped]
    shown = admin.get("/admin/audit").text
    assert "staff.role" in shown and "organisation.delete" in shown


def test_the_audit_log_is_append_only_in_the_database(world: World) -> None:
    world.login("admin")
    with pytest.raises(Exception, match="append-only"), world.bot.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET action = 'nothing'"))
    with pytest.raises(Exception, match="append-only"), world.bot.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))
