"""Who may see what: one table, checked on the server for every route, and the navigation it implies."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    roles: frozenset[str]
    in_nav: bool = True


PAGES = {
    "dashboard": Page("dashboard", "ホーム", "/", frozenset({"admin", "coordinator", "editor", "advisor"}), False),
    "cases": Page("cases", "ケース一覧", "/cases", frozenset({"admin", "coordinator", "advisor"})),
    "cases_reply": Page("cases_reply", "返信", "/cases", frozenset({"admin", "coordinator"}), False),
    "cases_admin": Page("cases_admin", "担当の変更", "/cases", frozenset({"admin"}), False),
    "cases_export": Page("cases_export", "CSV出力", "/cases.csv", frozenset({"admin", "coordinator"}), False),
    "businesses": Page("businesses", "事業者カルテ", "/businesses", frozenset({"admin", "coordinator", "advisor"})),
    "businesses_edit": Page("businesses_edit", "カルテの記入・統合", "/businesses", frozenset({"admin", "coordinator"}),
                            False),
    "experts": Page("experts", "専門家", "/experts", frozenset({"admin", "coordinator", "advisor"})),
    "experts_edit": Page("experts_edit", "専門家の登録・編集", "/experts", frozenset({"admin", "coordinator"}), False),
    "cases_evaluate": Page("cases_evaluate", "専門家の評価", "/cases", frozenset({"advisor"}), False),
    "seminars": Page("seminars", "講習会・相談会", "/seminars", frozenset({"admin", "coordinator", "advisor"})),
    "seminars_request": Page("seminars_request", "申込票", "/seminars/new", frozenset({"advisor"}), False),
    "seminars_desk": Page("seminars_desk", "講習会の運営", "/seminars", frozenset({"admin", "coordinator"}), False),
    "canned": Page("canned", "定型文", "/canned", frozenset({"admin", "coordinator"})),
    "settings": Page("settings", "通知の設定", "/settings", frozenset({"admin", "coordinator"}), False),
    "faq": Page("faq", "FAQ", "/faq", frozenset({"admin", "editor"})),
    "stats": Page("stats", "統計", "/stats", frozenset({"admin", "coordinator"})),
    "reports": Page("reports", "レポート", "/reports", frozenset({"admin", "coordinator", "advisor"})),
    "admin": Page("admin", "管理", "/admin", frozenset({"admin"})),
}


def allowed(role: str, page: str) -> bool:
    return role in PAGES[page].roles


def navigation(role: str) -> list[Page]:
    return [p for p in PAGES.values() if p.in_nav and role in p.roles]
