"""商工会・商工会議所: added and edited by admins (audited), with aliases, and the routing of a case to the one the
owner named. Names are compared in one normal form (NFKC, no spaces, 異体字 folded) with the town's 町/村/市 left
out before 商工会 — owners write 「菊陽商工会」 for 菊陽町商工会 — and every alias the desk has added."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff import audit
from bot.staff.auth import StaffError
from bot.staff.tables import Organisation, StaffUser
from handoff.search import fold

KINDS = ("商工会", "商工会議所", "連合会")
_TOWN = re.compile(r"(?<=.)[町村市](?=商工会)")  # 菊陽町商工会 → 菊陽商工会 (not 八代市商工会議所's 八代)


def key(name: str) -> str:
    """The form names are compared in."""
    return _TOWN.sub("", fold(name).replace("・", ""))


def keys(org: Organisation) -> set[str]:
    return {key(n) for n in (org.name, *(org.aliases or [])) if n.strip()}


def route(*, session: Session, name: str | None) -> int | None:
    """The organisation the owner named (its name or an alias, normalised), or None when none or several match."""
    if not name or not key(name):
        return None
    wanted = key(name)
    found = [org.id for org in session.scalars(select(Organisation)) if wanted in keys(org)]
    return found[0] if len(found) == 1 else None


def _aliases(text: str) -> list[str]:
    """Aliases from the form: one a line (or separated by 、 or ,), blanks and duplicates dropped."""
    out: list[str] = []
    for part in re.split(r"[\n,、，]", text):
        part = " ".join(part.split())
        if part and part not in out:
            out.append(part[:100])
    return out


def save(*, session: Session, organisation: Organisation | None, name: str, kind: str, area: str, aliases: str,
         actor: StaffUser, now: datetime, address: str = "") -> Organisation:
    """Add (organisation None) or edit an organisation. A name or alias that another organisation already answers
    to is refused, so routing never has to guess."""
    name, area = " ".join(name.split())[:100], " ".join(area.split())[:100]
    if not name:
        raise StaffError("組織の名前を入力してください")
    if kind not in KINDS:
        raise StaffError(f"種別は {'・'.join(KINDS)} のいずれかです")
    listed = [a for a in _aliases(aliases) if key(a) != key(name)]
    if len(listed) > 20:
        raise StaffError("別名は20個までです")
    mine = {key(n) for n in (name, *listed)}
    for other in session.scalars(select(Organisation).with_for_update()):
        if organisation is not None and other.id == organisation.id:
            continue
        clash = mine & keys(other)
        if clash:
            taken = next(n for n in (name, *listed) if key(n) in clash)
            raise StaffError(f"「{taken}」は {other.name} の名前か別名です")
    if organisation is None:
        organisation = Organisation(name=name, kind=kind, area=area, aliases=listed)
        session.add(organisation)
        session.flush()
        audit.record(session=session, action="organisation.add", actor=actor, target=name, address=address,
                     now=now, detail={"kind": kind, "area": area, "aliases": listed})
        return organisation
    before = {"name": organisation.name, "kind": organisation.kind, "area": organisation.area,
              "aliases": list(organisation.aliases or [])}
    after = {"name": name, "kind": kind, "area": area, "aliases": listed}
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if not changed:
        raise StaffError("変更がありません")
    organisation.name, organisation.kind, organisation.area, organisation.aliases = name, kind, area, listed
    audit.record(session=session, action="organisation.edit", actor=actor, target=name, address=address, now=now,
                 detail=changed)
    return organisation
