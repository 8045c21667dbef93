"""Requests the program does not cover (実施要領 4(1)ク②), recognised from the owner's own words."""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.normalize import normalize


@dataclass(frozen=True)
class Excluded:
    key: str
    words: tuple[str, ...]
    why: str  # what the 要領 says, in plain words
    instead: str  # what the program can do instead


EXCLUDED = (
    Excluded("production", ("ホームページを作って", "ホームページ作成", "hp作成", "hpを作って", "サイトを作って", "サイト制作",
                            "ロゴ", "チラシ", "パッケージデザイン", "名刺を作", "動画を作", "作ってほしい", "作ってもらいたい",
                            "作成してほしい", "制作してほしい", "デザインしてほしい"),
             "ホームページ・ロゴ・パッケージ・チラシなどの制作は、業務上の取引にあたるため対象外です",
             "専門家が、作り方の進め方や、できたものを集客や販売に生かす方法を助言することはできます"),
    Excluded("documents", ("補助金の申請書", "申請書を書いて", "申請書を作", "計画書を作", "計画書を書いて", "書類を作って",
                           "資料を作って", "事業計画を作って", "申請を代わりに"),
             "計画書や補助金申請書などの資料を専門家が作成することは対象外です",
             "計画づくりの考え方や、デジタル化の進め方を一緒に整理する助言はできます"),
    Excluded("do_the_work", ("代わりにやって", "代行", "やってほしい", "全部お任せ", "運用してほしい", "投稿してほしい",
                             "入力してほしい", "設定してほしい"),
             "専門家が事業者の実務を代わりに行うことは、自助努力を促す支援にあたらないため対象外です",
             "ご自分で進められるよう、手順や使い方を専門家が助言することはできます"),
    Excluded("introductions", ("取引先を紹介", "販路を紹介", "業者を紹介", "売り先を紹介", "お客さんを紹介"),
             "取引先のあっせんは対象外です", "販路を広げるためのデジタル活用（ECやSNS）の助言はできます"),
    Excluded("training", ("社員研修", "社員向けの研修", "従業員研修", "講義をして", "セミナーをして", "勉強会をして"),
             "社員研修での講義が主体の支援は対象外です",
             "講習会（無料）を商工会・商工会議所を通じて申し込むことができます（様式2）"),
)


def screen(text: str) -> Excluded | None:
    """The first excluded kind of request the text asks for, or None."""
    t = normalize(text)
    return next((e for e in EXCLUDED if any(normalize(w) in t for w in e.words)), None)
