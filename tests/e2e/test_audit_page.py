"""The audit page over HTTP (issue 17, item 4, in part): filters by action, who, target and JST days, failed logins
can be left out, and every row is reachable 100 at a time (no longer only the last 200)."""

from __future__ import annotations

from datetime import timedelta

from bot.db.engine import make_session_factory
from bot.db.tables import utcnow
from bot.staff import audit
from dialogs.hours import JST
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.staff_fixtures import EMAILS, populate


def body_rows(page: str) -> list[str]:
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    return [r for r in rows if "該当する記録はありません" not in r]


def test_filters_search_and_paging(db_url: str) -> None:
    with LiveBot(make_settings(db_url)) as bot:
        world = populate(bot)
        for _ in range(3):
            world.client().post("/login", data={"email": EMAILS["advisor"], "password": "wrong-password"})
        old = utcnow() - timedelta(days=10)
        with make_session_factory(bot.engine).begin() as session:
            for n in range(250):
                audit.record(session=session, action="case.status", actor=None, actor_label="c@test.example",
                             target=f"KD-2026-{9000 + n}", now=old + timedelta(minutes=n), detail={"to": "closed"})
        admin = world.login("admin")
        everything = admin.get("/admin/audit").text
        assert len(body_rows(everything)) == 100 and 'rel="next"' in everything
        total = int(everything.split('<p class="pager">')[1].split("件")[0])
        assert total >= 250 + 3 + 1
        last = admin.get("/admin/audit", params={"page": (total + 99) // 100}).text
        assert len(body_rows(last)) == total - 100 * ((total - 1) // 100)
        assert "KD-2026-9000" in last  # the oldest row is reachable

        failed = body_rows(admin.get("/admin/audit", params={"action": "login.failed"}).text)
        assert len(failed) == 3 and all("login.failed" in r for r in failed)
        quiet = body_rows(admin.get("/admin/audit", params={"quiet": "1", "page": "1"}).text)
        assert quiet and not any("login.failed" in r for r in quiet)
        assert len(body_rows(admin.get("/admin/audit", params={"actor": "ADVISOR@"}).text)) == 3
        one = body_rows(admin.get("/admin/audit", params={"q": "KD-2026-9123"}).text)
        assert len(one) == 1 and "case.status" in one[0]
        cases = admin.get("/admin/audit", params={"action": "case.", "page": "3"}).text
        assert len(body_rows(cases)) == 50 and all("case." in r for r in body_rows(cases))
        today = utcnow().astimezone(JST).date()
        recent = admin.get("/admin/audit", params={"since": str(today - timedelta(days=1)), "until": ""}).text
        assert body_rows(recent) and "KD-2026-9" not in recent  # the rows of ten days ago are outside
        ten_days_ago = old.astimezone(JST).date()
        span = {"since": str(ten_days_ago), "until": str(ten_days_ago + timedelta(days=1)), "action": "case.status"}
        assert "250件" in admin.get("/admin/audit", params=span).text
        assert admin.get("/admin/audit", params={"since": "not-a-day", "page": "999"}).status_code == 200
