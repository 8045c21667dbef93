"""The desk's business hours: open days, opening time, Japanese public holidays (`jpholiday`) and the desk's own
closed dates (年末年始). Pure: used by the dialogs (when will a person reply?) and by the reports (time to reply
counted in business hours). Times are read in JST whatever their zone."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import jpholiday

JST = timezone(timedelta(hours=9))
WEEKDAYS = "月火水木金土日"
NEW_YEAR = ("12-29", "12-30", "12-31", "01-01", "01-02", "01-03")
MAX_DAYS_AHEAD = 400  # a calendar with no open day at all must not loop forever


def _hhmm(value: str) -> time:
    hour, _, minute = value.partition(":")
    return time(int(hour), int(minute or 0))


@functools.lru_cache(maxsize=8192)
def _is_holiday(day: date) -> bool:
    """jpholiday's answer for a day, kept: the reports ask it for every day of every case's wait (at 27,000 cases in
    a month's range, 3 s of the page went to asking it again)."""
    return bool(jpholiday.is_holiday(day))


@dataclass(frozen=True)
class BusinessHours:
    """Open on `days` (0 = Monday) from `opens` to `closes` JST, except public holidays and `closed` dates
    ("MM-DD" every year, or "YYYY-MM-DD" once)."""

    days: frozenset[int] = frozenset(range(5))
    opens: time = time(9)
    closes: time = time(17)
    closed: tuple[str, ...] = NEW_YEAR
    public_holidays: bool = True
    _closed_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.opens < self.closes:
            raise ValueError("opening time must be before closing time")
        object.__setattr__(self, "_closed_set", frozenset(self.closed))

    # --- the calendar -------------------------------------------------------------------------------------
    def is_open_day(self, day: date) -> bool:
        if day.weekday() not in self.days:
            return False
        if day.strftime("%m-%d") in self._closed_set or day.isoformat() in self._closed_set:
            return False
        return not (self.public_holidays and _is_holiday(day))

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(JST)
        return self.is_open_day(local.date()) and self.opens <= local.time() < self.closes

    def next_open(self, at: datetime) -> datetime:
        """`at` itself while open, else the next opening time (JST)."""
        local = at.astimezone(JST)
        if self.is_open(local):
            return local
        day = local.date() if local.time() < self.opens else local.date() + timedelta(days=1)
        for _ in range(MAX_DAYS_AHEAD):
            if self.is_open_day(day):
                return datetime.combine(day, self.opens, JST)
            day += timedelta(days=1)
        raise ValueError("no open day within a year")

    def business_seconds(self, start: datetime, end: datetime) -> float:
        """Seconds of opening time between two instants (0 when end is before start)."""
        if end <= start:
            return 0.0
        a, b = start.astimezone(JST), end.astimezone(JST)
        total = 0.0
        day = a.date()
        while day <= b.date():
            if self.is_open_day(day):
                lo = max(a, datetime.combine(day, self.opens, JST))
                hi = min(b, datetime.combine(day, self.closes, JST))
                total += max(0.0, (hi - lo).total_seconds())
            day += timedelta(days=1)
        return total

    def business_hours_between(self, start: datetime, end: datetime) -> float:
        return self.business_seconds(start, end) / 3600

    # --- words for owners -----------------------------------------------------------------------------
    def describe(self) -> str:
        """「平日9時〜17時（土日祝・年末年始を除く）」"""
        days = "平日" if self.days == frozenset(range(5)) else "・".join(WEEKDAYS[d] for d in sorted(self.days))
        excluded = [*(["土日"] if days == "平日" else []), *(["祝日"] if self.public_holidays else []),
                    *(["年末年始"] if set(NEW_YEAR) <= self._closed_set else [])]
        suffix = f"（{'・'.join(excluded).replace('土日・祝日', '土日祝')}を除く）" if excluded else ""
        return f"{days}{_clock(self.opens)}〜{_clock(self.closes)}{suffix}"

    def reply_by(self, at: datetime) -> str:
        """When a person will reply, in words: 「受付時間内です」 or 「12月30日（月）9時以降」."""
        when = self.next_open(at)
        if when == at.astimezone(JST):
            return ""
        return f"{when.month}月{when.day}日（{WEEKDAYS[when.weekday()]}）{_clock(when.time())}以降"

    # --- carried in a turn's facts and in a dialog state -------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"days": sorted(self.days), "opens": self.opens.strftime("%H:%M"),
                "closes": self.closes.strftime("%H:%M"), "closed": list(self.closed),
                "public_holidays": self.public_holidays}

    @classmethod
    def from_dict(cls, d: Any) -> BusinessHours:
        """From `to_dict`, or from the older [start_hour, end_hour] pair; the default when absent."""
        if isinstance(d, list | tuple) and len(d) == 2:
            return cls(opens=time(int(d[0])), closes=time(int(d[1])))
        if not isinstance(d, dict):
            return DEFAULT
        return cls(days=frozenset(int(x) for x in d.get("days", range(5))), opens=_hhmm(d.get("opens", "09:00")),
                   closes=_hhmm(d.get("closes", "17:00")), closed=tuple(d.get("closed", NEW_YEAR)),
                   public_holidays=bool(d.get("public_holidays", True)))


def _clock(t: time) -> str:
    return f"{t.hour}時" if t.minute == 0 else f"{t.hour}時{t.minute}分"


DEFAULT = BusinessHours()


def from_facts(facts: Any) -> BusinessHours:
    """The desk's hours as the shell supplied them in a turn's facts (the default otherwise)."""
    return BusinessHours.from_dict(facts.get("business_hours")) if hasattr(facts, "get") else DEFAULT
