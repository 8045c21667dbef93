"""YAML import/export of the knowledge base: one code path for `madoguchi faq import/export` and the web editor.

An import is checked as a whole before anything is written (a broken file changes nothing) and can be planned
first: which entries it adds, changes, retires and restores. Entries missing from the file are left alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy.orm import Session

from knowledge import store
from knowledge.store import FaqError
from knowledge.tables import FaqEntry

MAX_ROWS = 5000


def dump(rows: list[dict[str, Any]]) -> str:
    return yaml.safe_dump(rows, allow_unicode=True, sort_keys=False, width=1000)


def export_text(*, session: Session) -> str:
    """Every entry (retired ones too) as YAML, in the shape of knowledge/content/faq.yaml plus `retired`."""
    return dump(store.export_rows(session=session))


def parse(text: str) -> list[dict[str, Any]]:
    """The rows of a YAML file, each checked as the editor would be; FaqError names the line or the entry."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}行目" if mark is not None else "ファイル"
        raise FaqError(f"YAMLとして読めません（{where}：{getattr(exc, 'problem', None) or exc}）") from None
    if not isinstance(data, list) or not data:
        raise FaqError("YAMLは項目（id・question・answer …）のリストにしてください")
    if len(data) > MAX_ROWS:
        raise FaqError(f"項目は{MAX_ROWS}件までです")
    seen: set[str] = set()
    for n, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise FaqError(f"{n}件目：項目は id・question・answer などを持つ形にしてください")
        entry_id = str(item.get("id", ""))
        where = f"{n}件目（{entry_id or 'IDなし'}）"
        if not store.ID.match(entry_id):
            raise FaqError(f"{where}：IDは半角英小文字・数字・ハイフンで2〜59文字にしてください")
        if entry_id in seen:
            raise FaqError(f"{where}：IDが重複しています")
        seen.add(entry_id)
        if not all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                   for v in (item.get("phrasings") or [], item.get("tags") or [])):
            raise FaqError(f"{where}：phrasings と tags は文字列のリストにしてください")
        try:
            store.wanted(item)
        except FaqError as exc:
            raise FaqError(f"{where}：{exc}") from None
    return data


@dataclass
class Plan:
    added: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)  # id, the fields that change
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def writes(self) -> int:
        return len(self.added) + len(self.changed) + len(self.retired) + len(self.restored)

    def summary(self) -> str:
        return (f"追加 {len(self.added)}件・変更 {len(self.changed)}件・取り下げ {len(self.retired)}件・"
                f"再公開 {len(self.restored)}件・変更なし {self.unchanged}件")


def plan(*, session: Session, rows: list[dict[str, Any]]) -> Plan:
    """What importing these (parsed) rows would do, without writing."""
    out = Plan()
    for item in rows:
        row = session.get(FaqEntry, str(item["id"]))
        wanted = store.wanted(item)
        if row is None:
            out.added.append(str(item["id"]))
            continue
        before = store.snapshot(row)
        fields = [k for k, v in wanted.items() if before[k] != v and k != "retired"]
        if wanted["retired"] and not row.retired:
            out.retired.append(row.id)
        elif row.retired and not wanted["retired"]:
            out.restored.append(row.id)
        elif fields:
            out.changed.append((row.id, fields))
        else:
            out.unchanged += 1
    return out


def import_text(*, session: Session, text: str, actor: str, now: datetime) -> Plan:
    """Parse, plan and write in the caller's transaction; a refusal raises before anything is written."""
    rows = parse(text)
    done = plan(session=session, rows=rows)
    store.import_rows(session=session, rows=rows, actor=actor, now=now)
    return done
