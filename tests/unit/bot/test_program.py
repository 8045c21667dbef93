"""The program year as data (issue 15, item 5): the year files load and are checked, each day maps to one year
(in period, before it opens, after it closed), and the pinned day — never the real date — decides."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot import program
from dialogs.program import Period

R7 = (program.DEFAULT_DIR / "r7.yaml").read_text(encoding="utf-8")


def test_the_r7_file_says_what_the_yoryo_says() -> None:
    r7 = program.parse(R7)
    assert (r7.fiscal_year, r7.start, r7.end) == (2025, date(2025, 4, 1), date(2026, 2, 27))  # 001 4(1)ア
    assert (r7.caps.visits, r7.caps.hours_per_visit, r7.caps.hours) == (5, 3, 15)  # 001 4(1)ク①
    assert r7.themes["it_tools"] == "① ITツールの活用" and len(r7.themes) == 8
    assert r7.caps_text() == "専門家派遣は1申請につき5回まで（1回3時間以内）、合計15時間が上限です（実施要領 4(1)ク①）。"


@pytest.mark.parametrize(("day", "period"), [
    (date(2025, 3, 31), Period.BEFORE), (date(2025, 4, 1), Period.OPEN), (date(2026, 2, 27), Period.OPEN),
    (date(2026, 2, 28), Period.AFTER), (date(2026, 12, 1), Period.AFTER)])
def test_each_day_of_r7_alone(day: date, period: Period) -> None:
    years = program.load()
    assert years.for_day(day).fiscal_year == 2025 and years.for_day(day).period_of(day) is period


def test_the_next_yoryo_is_a_file_not_code(tmp_path: Path) -> None:
    (tmp_path / "r7.yaml").write_text(R7, encoding="utf-8")
    r8 = R7.replace("fiscal_year: 2025", "fiscal_year: 2026").replace("name: 令和7年度", "name: 令和8年度") \
        .replace("start: 2025-04-01", "start: 2026-05-01").replace("end: 2026-02-27", "end: 2027-02-26") \
        .replace("visits: 5", "visits: 4")
    (tmp_path / "r8.yaml").write_text(r8, encoding="utf-8")
    years = program.load(tmp_path)
    assert years.for_day(date(2026, 12, 1)).name == "令和8年度"
    assert years.caps_for(date(2026, 12, 1)).visits == 4 and years.caps_for(date(2025, 6, 1)).visits == 5
    between = years.for_day(date(2026, 4, 10))  # R7 closed, R8 not open yet: told when it opens
    assert between.name == "令和8年度" and between.period_of(date(2026, 4, 10)) is Period.BEFORE


def test_the_pinned_day_decides_not_the_clock() -> None:
    years = program.load(pinned=date(2025, 6, 2))
    facts = years.facts(datetime(2031, 1, 1, tzinfo=UTC))
    assert facts["today"] == "2025-06-02" and facts["program"]["name"] == "令和7年度"
    assert program.load().today(datetime(2026, 11, 30, 16, tzinfo=UTC)) == date(2026, 12, 1)  # JST


@pytest.mark.parametrize("broken", [
    R7.replace("end: 2026-02-27", "end: 2024-02-27"),  # ends before it starts
    R7.replace("  visits: 5\n", ""),  # a cap missing
    R7.replace("visits: 5", "visits: 0"),
    "period: [",
])
def test_a_bad_year_file_refuses_to_start(broken: str, tmp_path: Path) -> None:
    (tmp_path / "r7.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(program.ProgramError, match="r7.yaml"):
        program.load(tmp_path)


def test_no_file_or_two_for_one_year_refuse_to_start(tmp_path: Path) -> None:
    with pytest.raises(program.ProgramError, match="no program year file"):
        program.load(tmp_path)
    (tmp_path / "r7.yaml").write_text(R7, encoding="utf-8")
    (tmp_path / "r7b.yaml").write_text(R7, encoding="utf-8")
    with pytest.raises(program.ProgramError, match="two files"):
        program.load(tmp_path)
