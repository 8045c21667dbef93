"""The business-hours calculator across a weekend, a public holiday and the desk's 年末年始."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from dialogs.hours import DEFAULT, JST, BusinessHours
from dialogs.main import step
from dialogs.model import Inbound, Kind, State


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)  # type: ignore[misc]


@pytest.mark.parametrize(("day", "open_"), [
    (date(2026, 11, 20), True),  # Friday
    (date(2026, 11, 21), False),  # Saturday
    (date(2026, 11, 22), False),  # Sunday
    (date(2026, 11, 23), False),  # 勤労感謝の日 (Monday)
    (date(2026, 11, 24), True),  # Tuesday
    (date(2026, 12, 28), True),
    (date(2026, 12, 29), False),  # 年末年始 (the desk's own closed dates)
    (date(2027, 1, 4), True),
    (date(2026, 5, 6), False),  # 振替休日
])
def test_open_days(day: date, open_: bool) -> None:
    assert DEFAULT.is_open_day(day) is open_


def test_business_time_across_a_weekend_and_a_holiday() -> None:
    # Friday 16:00 → Tuesday 10:00: 1 h on Friday, nothing Sat/Sun/勤労感謝の日, 1 h on Tuesday.
    assert DEFAULT.business_hours_between(jst(2026, 11, 20, 16), jst(2026, 11, 24, 10)) == 2.0
    # the same instants given in UTC
    assert DEFAULT.business_hours_between(datetime(2026, 11, 20, 7, tzinfo=UTC),
                                          datetime(2026, 11, 24, 1, tzinfo=UTC)) == 2.0
    # from Saturday night to Tuesday 9:30: half an hour
    assert DEFAULT.business_seconds(jst(2026, 11, 21, 22), jst(2026, 11, 24, 9, 30)) == 1800
    # inside one day, and reversed
    assert DEFAULT.business_hours_between(jst(2026, 11, 24, 8), jst(2026, 11, 24, 18)) == 8.0
    assert DEFAULT.business_seconds(jst(2026, 11, 24, 12), jst(2026, 11, 24, 11)) == 0


def test_business_time_across_the_new_year() -> None:
    # Monday 28 Dec 16:00 → Monday 4 Jan 2027 10:00: 29 Dec–3 Jan closed (1 Jan is also a holiday)
    assert DEFAULT.business_hours_between(jst(2026, 12, 28, 16), jst(2027, 1, 4, 10)) == 2.0


def test_next_opening() -> None:
    assert DEFAULT.next_open(jst(2026, 11, 20, 17)) == jst(2026, 11, 24, 9)  # Friday after closing
    assert DEFAULT.next_open(jst(2026, 11, 24, 8, 59)) == jst(2026, 11, 24, 9)
    assert DEFAULT.next_open(jst(2026, 11, 24, 12)) == jst(2026, 11, 24, 12)  # open: now
    assert DEFAULT.next_open(jst(2026, 12, 28, 17, 30)) == jst(2027, 1, 4, 9)
    assert DEFAULT.reply_by(jst(2026, 12, 28, 17, 30)) == "1月4日（月）9時以降"
    assert DEFAULT.reply_by(jst(2026, 11, 24, 12)) == ""


def test_settings_shape_the_calendar() -> None:
    saturdays = BusinessHours(days=frozenset(range(6)), opens=time(8, 30), closes=time(12), closed=("2026-11-24",),
                              public_holidays=False)
    assert saturdays.is_open_day(date(2026, 11, 21)) and saturdays.is_open_day(date(2026, 11, 23))
    assert not saturdays.is_open_day(date(2026, 11, 24)) and saturdays.is_open_day(date(2027, 11, 24))
    assert saturdays.describe() == "月・火・水・木・金・土8時30分〜12時"
    assert BusinessHours.from_dict(saturdays.to_dict()) == saturdays
    assert DEFAULT.describe() == "平日9時〜17時（土日祝・年末年始を除く）"
    with pytest.raises(ValueError):
        BusinessHours(opens=time(17), closes=time(9))


def test_the_owner_is_told_when_a_person_replies_with_the_desks_own_hours() -> None:
    late = BusinessHours(closes=time(20))
    at = datetime(2026, 11, 24, 10, tzinfo=UTC)  # Tuesday 19:00 JST: open until 20 for this desk
    inbound = Inbound(Kind.TEXT, at, text="担当者と話したい", facts={"business_hours": late.to_dict()})
    assert "受付時間内ですので" in step(State("menu"), inbound).replies[0].text  # type: ignore[union-attr]
    closed = Inbound(Kind.TEXT, at, text="担当者と話したい")  # the default desk closed at 17
    assert "11月25日（水）9時以降" in step(State("menu"), closed).replies[0].text  # type: ignore[union-attr]
