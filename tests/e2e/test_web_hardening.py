"""The staff side of the public edge over real HTTP: security headers on every page, API docs off unless asked for,
a TLS proxy's forwarded headers believed from its address only (`madoguchi serve` as a subprocess), and login
throttling that holds under 40 concurrent attempts on PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory
from bot.db.tables import utcnow
from bot.staff.auth import create_user
from bot.staff.tables import AuditLog, LoginAttempt
from bot.web.staff.security import COOKIE
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.processes import BotProcess
from tests.e2e.staff_fixtures import EMAILS, PASSWORDS, populate


def test_security_headers_on_every_page_and_no_store_where_personal_data_is(sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        world = populate(bot)
        coordinator = world.login("coordinator")
        pages = {path: coordinator.get(path) for path in
                 ("/", "/cases", f"/cases/{world.case_in_org}", f"/cases/{world.case_in_org}/form1",
                  f"/cases/{world.case_in_org}/thread", "/cases.csv", "/login", "/try", "/healthz", "/nowhere",
                  "/static/app.css")}
        for path, page in pages.items():
            csp = page.headers.get("content-security-policy", "")
            assert "frame-ancestors 'none'" in csp and "script-src 'self';" in csp, path
            assert page.headers["x-content-type-options"] == "nosniff", path
            assert page.headers["referrer-policy"] == "same-origin", path
            assert page.headers["x-frame-options"] == "DENY", path
            assert (page.headers.get("cache-control") == "no-store") is (path != "/static/app.css"), path
        assert pages[f"/cases/{world.case_in_org}"].status_code == 200 and pages["/nowhere"].status_code == 404
        for path in ("/try", f"/cases/{world.case_in_org}/form1"):  # no inline script left for the policy to block
            assert "<script>" not in pages[path].text and "onclick" not in pages[path].text
        assert "strict-transport-security" not in pages["/login"].headers  # plain http here: HSTS only over https


def test_api_docs_are_off_unless_enabled(sqlite_url: str) -> None:
    with LiveBot(make_settings(sqlite_url)) as bot:
        assert [bot.client.get(p).status_code for p in ("/docs", "/redoc", "/openapi.json")] == [404, 404, 404]
    with LiveBot(make_settings(sqlite_url, api_docs=True)) as bot:
        assert [bot.client.get(p).status_code for p in ("/docs", "/redoc", "/openapi.json")] == [200, 200, 200]
        assert "/webhooks/line" in bot.client.get("/openapi.json").json()["paths"]


def _via(address: str, url: str) -> httpx.Client:
    """A client whose connections come from `address` (any 127.x.y.z reaches the loopback server)."""
    return httpx.Client(base_url=url, transport=httpx.HTTPTransport(local_address=address), timeout=30)


def test_behind_a_tls_proxy_the_cookie_is_secure_and_csrf_passes(sqlite_url: str, tmp_path: Path) -> None:
    """The proxy (127.0.0.2) terminates TLS and forwards Host, X-Forwarded-Proto and -For; `madoguchi serve` believes
    them from MADOGUCHI_FORWARDED_ALLOW_IPS only."""
    settings = make_settings(sqlite_url, forwarded_allow_ips="127.0.0.2")
    engine = make_engine(settings)
    with make_session_factory(engine).begin() as session:
        create_user(session=session, email=EMAILS["admin"], password=PASSWORDS["admin"], role="admin",
                    organisation=None, now=utcnow())
    web = BotProcess(settings, "serve", tmp_path).start()
    try:
        proxied = {"host": "madoguchi.example", "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7",
                   "origin": "https://madoguchi.example"}
        form = {"email": EMAILS["admin"], "password": PASSWORDS["admin"]}
        with _via("127.0.0.2", web.url) as proxy:
            login = proxy.post("/login", data=form, headers=proxied)
            assert login.status_code == 303, login.text[:300]
            cookie = login.headers["set-cookie"].lower()
            assert "secure" in cookie and "httponly" in cookie
            session = proxied | {"cookie": f"{COOKIE}={login.cookies[COOKIE]}"}  # a Secure cookie, sent as over TLS
            page = proxy.get("/admin", headers=session)
            assert page.status_code == 200 and page.headers["strict-transport-security"]
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            logout = proxy.post("/logout", data={"csrf_token": token}, headers=session)
            assert logout.status_code == 303  # the Origin check passes: the request is https://madoguchi.example
        with _via("127.0.0.3", web.url) as stranger:  # not the proxy: its forwarded headers are not believed
            assert stranger.post("/login", data=form, headers=proxied).status_code == 403
        with make_session_factory(engine)() as session:
            addresses = set(session.scalars(select(LoginAttempt.address)))
        assert addresses == {"203.0.113.7"}  # the owner's address, as the proxy saw it
    finally:
        web.stop()
        engine.dispose()


@pytest.mark.postgres
def test_forty_concurrent_wrong_passwords_get_ten_password_checks_on_postgres(postgres_url: str) -> None:
    with LiveBot(make_settings(postgres_url)) as bot:
        world = populate(bot)
        ready = threading.Barrier(40)
        statuses: list[int] = []

        def attempt() -> None:
            with world.client() as client:
                client.get("/login")  # connected before the barrier: the 40 posts leave together
                ready.wait()
                statuses.append(client.post("/login", data={"email": EMAILS["editor"], "password": "wrong"})
                                .status_code)

        threads = [threading.Thread(target=attempt) for _ in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert sorted(statuses) == [401] * 10 + [429] * 30
        with make_session_factory(bot.engine)() as session:
            checks = session.scalars(select(AuditLog).where(AuditLog.action == "login.failed",
                                                            AuditLog.target == EMAILS["editor"])).all()
        assert len(checks) == 10  # one audit row per password actually checked
        right = world.client().post("/login", data={"email": EMAILS["editor"], "password": PASSWORDS["editor"]})
        assert right.status_code == 429  # locked for the window, even with the right password
        assert world.login("coordinator").get("/").status_code == 200  # the other accounts are not
