"""The program years (issue 15, item 5): every program/rN.yaml is read and checked once at start-up; each turn (and
each visit the desk logs) asks which year applies to its day.

Which file applies to a day: the file whose period (001 4(1)ア) contains it; else the next file that has not opened
yet (the bot says when applications open); else the latest file (the bot says applications closed and takes the
owner's details for the desk). The day is today in JST, unless `MADOGUCHI_PROGRAM_TODAY` pins it (tests, staging):
so a date between two 要領 (e.g. 2026-12-01 with only r7.yaml) is out of period until the desk adds r8.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from dialogs.hours import JST
from dialogs.program import Caps, Period, Program

DEFAULT_DIR = Path(__file__).resolve().parents[1] / "program"


class ProgramError(ValueError):
    """A year file that cannot be used, naming the file and what is wrong."""


def parse(text: str, *, source: str = "program") -> Program:
    """One year file → Program, or ProgramError saying what is missing."""
    try:
        raw: dict[str, Any] = yaml.safe_load(text) or {}
        period, caps = raw["period"], raw["caps"]
        program = Program(
            fiscal_year=int(raw["fiscal_year"]), name=str(raw["name"]),
            start=_day(period["start"]), end=_day(period["end"]), period_wording=str(period["wording"]),
            caps=Caps(int(caps["visits"]), float(caps["hours_per_visit"]), float(caps["hours"]),
                      str(caps.get("clause") or "実施要領 4(1)ク①")),
            themes={str(k): str(v) for k, v in (raw.get("themes") or {}).items()},
            wording={str(k): str(v) for k, v in (raw.get("wording") or {}).items()},
            period_clause=str(period.get("clause") or "実施要領 4(1)ア"))
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise ProgramError(f"{source}: {exc!r}") from exc
    if program.end < program.start or min(program.caps.visits, program.caps.hours, program.caps.hours_per_visit) <= 0:
        raise ProgramError(f"{source}: the period ends before it starts, or a cap is not positive")
    return program


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True)
class Programs:
    """Every loaded year, oldest first, and the pinned day (None: today in JST)."""

    years: tuple[Program, ...]
    pinned: date | None = None

    def today(self, now: datetime) -> date:
        return self.pinned or now.astimezone(JST).date()

    def for_day(self, day: date) -> Program:
        """The year that applies to `day` (see the module's docstring)."""
        for program in self.years:
            if program.period_of(day) is Period.OPEN:
                return program
        upcoming = [p for p in self.years if p.start > day]
        return upcoming[0] if upcoming else self.years[-1]

    def at(self, now: datetime) -> Program:
        """The year that applies now (the pinned day, else today in JST)."""
        return self.for_day(self.today(now))

    def caps_for(self, day: date) -> Caps:
        return self.for_day(day).caps

    def facts(self, now: datetime) -> dict[str, Any]:
        """What a turn's dialog is told: the year's program and the day it is judged on."""
        day = self.today(now)
        return {"program": self.for_day(day).to_dict(), "today": day.isoformat()}


def load(directory: Path | str | None = None, *, pinned: date | None = None) -> Programs:
    """Read every r*.yaml of the folder; refuse to start on a bad file, none, or two for one fiscal year."""
    folder = Path(directory) if directory else DEFAULT_DIR
    years = sorted((parse(p.read_text(encoding="utf-8"), source=str(p)) for p in sorted(folder.glob("r*.yaml"))),
                   key=lambda p: p.fiscal_year)
    if not years:
        raise ProgramError(f"no program year file (r*.yaml) in {folder}")
    if len({p.fiscal_year for p in years}) != len(years):
        raise ProgramError(f"two files for one fiscal year in {folder}")
    return Programs(tuple(years), pinned)
