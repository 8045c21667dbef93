"""Canned replies a coordinator inserts into the reply box (to edit) or sends as they are (texts follow seed 001).
They may name {事業所名}, {受付番号} and {担当者名}, filled in for the case at hand, and the program year's figures
({上限回数}, {1回の上限時間}, {上限時間}, {実施期間}, {年度}: dialogs/program.py) of the day the case came in."""

from __future__ import annotations

from dialogs.program import Program
from dialogs.program import fill as year_fill
from handoff.tables import Case

CANNED: dict[str, tuple[str, str]] = {
    "received": ("受付のお礼", "{事業所名} 様　お問い合わせありがとうございます。担当の{担当者名}です。"
                 "受付番号 {受付番号} の内容を確認しています。このトークでご連絡しますので、少々お待ちください。"),
    "schedule": ("日程の相談", "専門家の訪問日程を調整しています。ご都合のよい日時（平日）をいくつか教えてください。"),
    "advisor": ("商工会の同行", "専門家の支援には、原則として所属の商工会・商工会議所の経営指導員が同行します"
                "（実施要領 4(1)キ）。あわせて日程を調整します。"),
    "limits": ("支援の回数", "専門家の支援は、1申請につき{上限回数}回まで（1回{1回の上限時間}時間以内）、"
               "合計{上限時間}時間までです（実施要領 4(1)ク①）。"),
    "report": ("支援後のご報告", "ご支援おつかれさまでした。専門家からの報告書を受け取り、所属の商工会・商工会議所と共有します"
               "（実施要領 3(2)イ）。"),
    "thanks": ("お礼", "ご連絡ありがとうございました。ほかにもご不明な点があれば、このトークでお気軽にお尋ねください。"),
}


def fill(body: str, *, case: Case, coordinator: str, program: Program | None = None) -> str:
    """The canned text for this case: 事業所名 (or a neutral address), 受付番号, 担当者名, the year's figures."""
    values = {"事業所名": str(case.fields.get("business_name") or "ご担当者"), "受付番号": case.reference,
              "担当者名": coordinator}
    for name, value in values.items():
        body = body.replace("{" + name + "}", value)
    return year_fill(body, program)


def name_of(email: str) -> str:
    """How a coordinator is named to owners (accounts have no display name yet: the e-mail's local part)."""
    return email.split("@")[0]
