"""The theme an owner's aim belongs to (001 4(1)オ・別紙1, the same ①–⑤ as the 講習会 themes 4(2)オ), read from
the concepts in what they say when no option is named outright: 「現金しか使えんとはもうやめたか」 is about
payments (④ cashless), 「出面を紙で集めて給料を計算してる」 about office work (① IT tools),
「機械をネットにつないで止まったのがわかるように」 about sensors (⑤ other DX).

Each theme has the concepts that point to it (dictionary forms); a concept the owner denies or says is already
done (「キャッシュレスはもう入れとるけん、それじゃなか」) does not count; the theme with the most concepts wins,
a tie is no reading.
"""

from __future__ import annotations

import re

from dialogs.understand.morph import tokens
from dialogs.understand.text import standard, to_katakana

CONCEPTS: dict[str, frozenset[str]] = {
    "it_tools": frozenset({
        "給料", "給与", "計算", "集計", "請求書", "請求", "見積もり", "見積", "日報", "出面", "勤怠", "在庫",
        "受注", "発注", "帳簿",
        "会計", "経理", "ソフト", "エクセル", "表計算", "事務", "伝票", "手書き", "予約", "顧客", "名簿", "台帳",
        "管理", "まとめる",
        "一か所", "ペーパーレス", "書類", "入力", "レジ", "シフト", "共有", "クラウド", "アプリ", "タブレット",
        "ファックス", "fax", "電卓"}),
    "d2c_ec": frozenset({
        "通販", "ネットショップ", "取り寄せ", "発送", "送る", "全国", "ec", "楽天", "アマゾン", "amazon", "直販",
        "直接", "販売",
        "売る", "注文", "買う", "産直", "お歳暮", "ふるさと納税"}),
    "sns": frozenset({
        "発信", "宣伝", "集客", "知る", "インスタ", "インスタグラム", "sns", "ホームページ", "ブログ", "口コミ",
        "広告", "pr",
        "フォロワー", "投稿", "若い", "新規", "来店", "チラシ", "line", "ライン", "ユーチューブ", "動画",
        "グーグルマップ", "地図"}),
    "cashless": frozenset({
        "現金", "小銭", "払う", "支払い", "支払う", "決済", "カード", "キャッシュレス", "ペイペイ", "paypay",
        "電子マネー", "qr",
        "qrコード", "バーコード", "釣り銭", "両替", "ペイ", "クレジット", "交通系"}),
    "dx_other": frozenset({
        "ai", "人工知能", "iot", "センサー", "つなぐ", "機械", "ロボット", "自動", "防犯", "カメラ", "監視",
        "セキュリティ", "ウイルス", "不審", "添付", "バックアップ", "漏洩", "漏えい", "ハッキング", "乗っ取り",
        "なりすまし",
        "パスワード", "ドローン", "全体", "ぜんぶ", "全部", "遠隔", "チャット", "生成", "dx"}),
}
# Concepts that only point somewhere together with another (ネット + 売る is selling online, not SNS).
_ONLINE = frozenset({"ネット", "インターネット", "オンライン", "web", "ウェブ", "サイト"})
_DONE_OR_DENIED = re.compile(r"(もう|すでに|既に)[^、。]{0,8}(入れ|やっ|使っ|導入|始め)|"
                             r"(それ|そっち|そちら)(じゃ|では)(な|なか)|(つもり|予定)は(ない|なか|ありません)")


def _clauses(std: str) -> list[str]:
    return [c for c in re.split(r"[。！？!?]|(?<=けん)、|(?<=から)、|(?<=けど)、|(?<=が)、", std) if c]


def theme_of(text: str) -> str | None:
    """The theme the owner's aim points to, or None (none found, or two equally)."""
    score = scores(text)
    best = max(score.values())
    if best == 0:
        return None
    winners = [t for t, v in score.items() if v == best]
    return winners[0] if len(winners) == 1 else None


def clear_theme(text: str, margin: int = 2) -> str | None:
    """A theme a problem statement points to clearly enough to skip the question: at least `margin` concepts more
    than any other (「うち現金だけ…カードとかQRで払いたい」 is payments even with 「お客さんが増えた」 in it)."""
    ranked = sorted(scores(text).items(), key=lambda p: -p[1])
    return ranked[0][0] if ranked[0][1] >= ranked[1][1] + margin else None


def scores(text: str) -> dict[str, int]:
    """Per theme, the concepts of the owner's aim that point to it."""
    std = standard(text)
    score = dict.fromkeys(CONCEPTS, 0)
    for clause in _clauses(std):
        counted = dict.fromkeys(CONCEPTS, 0)
        toks = tokens(clause)
        words = {t.normal for t in toks} | {t.lemma for t in toks} | {t.surface for t in toks} | {
            to_katakana(t.surface) for t in toks}  # kana only: ねっと → ネット
        online = bool(words & _ONLINE)
        for theme, concepts in CONCEPTS.items():
            counted[theme] = len(words & concepts)
        if online and words & {"売る", "販売", "注文", "買う"}:
            counted["d2c_ec"] += 2  # selling online
        if _DONE_OR_DENIED.search(clause):
            continue  # 「キャッシュレスはもう入れとる」「ネットで売るつもりはなかです」: not the aim
        for theme in score:
            score[theme] += counted[theme]
    return score
