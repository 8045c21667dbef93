"""The breach drill (issue 17, item 4, in part): a coordinator views three cases over HTTP; the access report for
that account (`madoguchi audit access`) lists exactly those three, and what its role could have viewed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

from bot.db.engine import make_session_factory
from bot.db.tables import Conversation, utcnow
from dialogs.hours import JST
from handoff import business, cases
from tests.conftest import make_settings
from tests.e2e.harness import LiveBot
from tests.e2e.processes import REPO, env_for
from tests.e2e.staff_fixtures import EMAILS, populate


def report(bot: LiveBot, role: str) -> dict:  # type: ignore[type-arg]
    today = utcnow().astimezone(JST).date()
    run = subprocess.run([sys.executable, "-m", "bot", "audit", "access", EMAILS[role], "--since",
                          str(today - timedelta(days=1)), "--until", str(today), "--json"],
                         env=env_for(bot.settings), cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return dict(json.loads(run.stdout))


def test_a_coordinator_views_three_cases_and_the_report_lists_exactly_those(db_url: str) -> None:
    with LiveBot(make_settings(db_url)) as bot:
        world = populate(bot)
        with make_session_factory(bot.engine).begin() as session:
            more = []
            for user in ("Uc", "Ud"):
                session.add(Conversation(key=f"line:{user}", channel="line", user_id=user, state={}, turn_count=0))
                session.flush()
                more.append(cases.create_case(session=session, conversation_key=f"line:{user}", channel="line",
                                              kind="application", outcome="eligible",
                                              fields={"business_name": f"{user}商店"}, decisions=[], flags=[],
                                              now=utcnow()).reference)
        coordinator = world.login("coordinator")
        assert coordinator.get("/cases").status_code == 200  # the list is not a view of anyone's case
        for path in (f"/cases/{world.case_in_org}", f"/cases/{world.case_in_org}", f"/cases/{world.case_elsewhere}/form1",
                     f"/cases/{more[0]}/form1.xlsx"):
            assert coordinator.get(path).status_code == 200, path
        world.login("advisor").get(f"/cases/{world.case_in_org}")
        admin_csv = world.login("admin").get("/cases.csv", params={"q": more[1]})  # a CSV of one case is a view of it
        assert admin_csv.status_code == 200 and more[1] in admin_csv.text

        seen = report(bot, "coordinator")
        assert [v["reference"] for v in seen["viewed"]] == sorted([world.case_in_org, world.case_elsewhere, more[0]])
        by_reference = {v["reference"]: v for v in seen["viewed"]}
        assert by_reference[world.case_in_org]["times"] == 2 and by_reference[world.case_in_org]["how"] == ["case"]
        assert by_reference[world.case_elsewhere]["how"] == ["print"] and by_reference[more[0]]["how"] == ["xlsx"]
        assert by_reference[more[0]]["business_name"] == "Uc商店"
        assert seen["could_view"] == sorted([world.case_in_org, world.case_elsewhere, *more])  # a coordinator: all
        advisor = report(bot, "advisor")
        assert [v["reference"] for v in advisor["viewed"]] == [world.case_in_org]
        assert advisor["could_view"] == [world.case_in_org]  # their 商工会's cases only
        assert report(bot, "editor") == {"email": EMAILS["editor"], "role": "editor", "viewed": [], "could_view": []}
        assert [(v["reference"], v["how"]) for v in report(bot, "admin")["viewed"]] == [(more[1], ["csv"])]

        today = str(utcnow().astimezone(JST).date())  # the same report in the admin UI (admins only)
        query = {"email": EMAILS["coordinator"], "since": today, "until": today}
        assert coordinator.get("/admin/access", params=query).status_code == 403
        page = world.login("admin").get("/admin/access", params=query).text
        table = page.split('<table id="viewed">')[1].split("</table>")[0]
        assert sorted(r.split("</a>")[0].rsplit(">", 1)[1] for r in table.split("<tbody>")[1].split("<tr>")[1:]) == \
            sorted([world.case_in_org, world.case_elsewhere, more[0]])
        assert "開くことができたケース 4件" in page and "Uc商店" in page


def test_a_karte_view_is_a_view_of_each_of_its_cases(sqlite_url: str) -> None:
    """The カルテ page shows a business's cases, names and contacts: the report lists each of them (how: karte)."""
    with LiveBot(make_settings(sqlite_url)) as bot:
        world = populate(bot)
        with make_session_factory(bot.engine).begin() as session:
            session.add(Conversation(key="line:Uk", channel="line", user_id="Uk", state={}, turn_count=0))
            session.flush()
            refs = [cases.create_case(session=session, conversation_key="line:Uk", channel="line",
                                      kind="application", outcome="eligible", fields={"business_name": "Uk商店"},
                                      decisions=[], flags=[], now=utcnow()).reference for _ in range(2)]
            found = business.record(session=session, conversation_key="line:Uk", fields={"business_name": "Uk商店"},
                                    organisation_id=None, now=utcnow())
        coordinator = world.login("coordinator")
        assert coordinator.get(f"/businesses/{found.id}").status_code == 200
        seen = report(bot, "coordinator")
        assert [(v["reference"], v["how"], v["business_name"]) for v in seen["viewed"]] == [
            (ref, ["karte"], "Uk商店") for ref in sorted(refs)]
