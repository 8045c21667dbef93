"""様式1: the case page's sections and the XLSX read back with its Japanese fields."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from handoff import export, form1
from handoff.tables import Case, Visit

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
FIELDS = {"business_name": "菊陽菓子舗", "representative": "熊本 太郎", "municipality": "菊陽町", "org_type": "sole_proprietor",
          "industry": "retail", "employees": 3, "capital_yen": None, "shokokai": "菊陽町商工会", "phone": "0961234567",
          "email": None, "business": None, "situation": "横ばい", "problem": "ネットショップを始めたい", "theme": "d2c_ec",
          "mode": "visit", "expert_name": None, "past_visits": None, "past_hours": None, "missing": ["business"]}


def case() -> Case:
    return Case(id=1, reference="KD-2026-0042", kind="application", status="approved", outcome="eligible",
                conversation_key="line:U1", channel="line", fields=FIELDS, created_at=NOW, updated_at=NOW, flags=[],
                decisions=[{"rule": "size_class", "outcome": "eligible", "clause": "004 中小企業の範囲④; 001 4(1)ウ",
                            "values": {"size_class": "small"}, "note": ""}])


def test_sections_follow_form_1_and_show_labels_not_codes() -> None:
    sections = dict(form1.sections(case()))
    assert list(sections) == ["企業概要", "経営状況", "相談内容", "希望する支援", "テーマ"]
    overview = dict(sections["企業概要"])
    assert overview["事業の形態"] == "個人事業主" and overview["業種"] == "小売業" and overview["従業員数"] == "3人"
    assert dict(sections["経営状況"]) == {"事業の内容": form1.LATER, "最近の経営状況": "横ばい"}
    assert dict(sections["テーマ"])["テーマ"] == "ネット販売・EC"
    assert dict(sections["希望する支援"])["希望する専門家"] == "希望なし（窓口が選定）"


def test_the_xlsx_reads_back_with_the_japanese_fields() -> None:
    visit = Visit(visited_on=date(2026, 11, 20), minutes=150, mode="online", expert="山田 花子")
    book = load_workbook(io.BytesIO(export.form1_xlsx(case(), [visit], NOW)))
    sheet = book["様式1"]
    assert sheet["A1"].value == form1.TITLE
    pairs = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert pairs["受付番号"] == "KD-2026-0042" and pairs["事業所名"] == "菊陽菓子舗"
    assert pairs["所属の商工会・商工会議所"] == "菊陽町商工会" and pairs["ご相談内容"] == "ネットショップを始めたい"
    assert pairs["出力日時"] == "2026年11月22日 15:00"  # JST
    assert pairs["1回目 2026-11-20"] == "2.5時間・オンライン・山田 花子"
    assert int(sheet.page_setup.paperSize) == 9 and sheet["B5"].font.name == export.FONT
    assert list(book["判定の根拠"].iter_rows(values_only=True))[1][:3] == (
        "size_class", "eligible", "004 中小企業の範囲④; 001 4(1)ウ")
