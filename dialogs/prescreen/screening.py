"""Requests the program does not cover (実施要領 4(1)ク②), recognised by the *goal* of the request, not by words in it.

A request is excluded when the owner asks someone else to produce a deliverable or do the work for them — an object of
the excluded kind governed by a making/doing verb in a request form (〜してほしい, 〜してもらいたい, 頼みたい, 代わりに,
代行, 丸投げ) — and not when they want to learn or decide it themselves (自分で, できるように, やり方, 教えて, 相談). So
「チラシをやめて、インスタで集客したい」 and 「ホームページを自分で更新できるようになりたい」 pass, 「HPを作るのだけ頼みたい」 does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dialogs.understand.morph import Token, tokens
from dialogs.understand.morph import reading as reading_of
from dialogs.understand.text import standard, to_katakana


@dataclass(frozen=True)
class Excluded:
    key: str
    objects: tuple[str, ...]  # what is asked for (lemmas or surface words)
    verbs: tuple[str, ...]  # what is to be done with it
    why: str  # what the 要領 says, in plain words
    instead: str  # what the program can do instead


REQUEST = ("ほしい", "欲しい", "もらう", "貰う", "いただく", "頂く", "くださる", "下さる", "くれる", "頼む", "依頼", "お願い",
           "願う", "任せる", "お任せ", "代わり", "代行", "丸投げ", "全部", "すべて", "全て", "外注", "発注", "委託")
SELF = ("自分", "自社", "自力", "自前", "覚える", "学ぶ", "勉強", "できるよう", "出来るよう", "やり方", "作り方", "書き方",
        "方法", "コツ", "教える", "アドバイス", "助言", "相談", "知りたい", "分かる", "わかる", "進め方", "選び方", "使い方",
        "考え方", "ポイント", "教えて", "おしえて", "教わ", "どうすれば", "どうしたら", "どのように", "どのような",
        "すればよい", "すればいい", "したらいい", "したらよい")
DELIVERABLES = ("ホームページ", "hp", "サイト", "ウェブサイト", "webサイト", "ロゴ", "チラシ", "パッケージ", "名刺", "動画",
                "ポスター", "パンフレット", "看板", "デザイン", "ecサイト", "ネットショップ", "lp", "バナー", "写真")
EXCLUDED = (
    Excluded("production", DELIVERABLES, ("作る", "作成", "制作", "デザイン", "撮る", "撮影", "作り直す", "リニューアル",
                                          "構築", "立ち上げる", "開設", "作れる"),
             "ホームページ・ロゴ・パッケージ・チラシなどの制作は、業務上の取引にあたるため対象外です",
             "専門家が、作り方の進め方や、できたものを集客や販売に生かす方法を助言することはできます"),
    Excluded("documents", ("申請書", "計画書", "事業計画", "事業計画書", "書類", "資料", "補助金", "助成金", "申請", "経営計画",
                           "企画書", "報告書", "マニュアル"),
             ("作る", "作成", "書く", "まとめる", "出す", "提出", "申請", "記入", "代筆", "やる"),
             "計画書や補助金申請書などの資料を専門家が作成することは対象外です",
             "計画づくりの考え方や、デジタル化の進め方を一緒に整理する助言はできます"),
    Excluded("do_the_work", ("sns", "インスタ", "インスタグラム", "投稿", "運用", "入力", "更新", "作業", "記帳", "経理",
                             "出品", "発送", "事務", "データ", "line"),
             ("運用", "投稿", "入力", "更新", "やる", "する", "代行", "出品", "処理", "打ち込む"),
             "専門家が事業者の実務を代わりに行うことは、自助努力を促す支援にあたらないため対象外です",
             "ご自分で進められるよう、手順や使い方を専門家が助言することはできます"),
    Excluded("introductions", ("取引先", "販路", "業者", "売り先", "お客", "お客さん", "顧客", "バイヤー", "卸先", "仕入れ先",
                               "仕入先", "問屋", "提携先", "買い手", "置いてくれる店", "扱ってくれる店",
                               "売ってくれる店", "取引してくれる"),
             ("紹介", "斡旋", "あっせん", "探す", "見つける", "つなぐ", "繋ぐ", "引き合わせる", "回す"),
             "取引先のあっせんは対象外です", "販路を広げるためのデジタル活用（ECやSNS）の助言はできます"),
    Excluded("training", ("研修", "社員研修", "講義", "セミナー", "勉強会", "講演", "授業"),
             ("する", "やる", "開く", "開催", "行う", "頼む", "来る", "話す"),
             "社員研修での講義が主体の支援は対象外です",
             "講習会（無料）を商工会・商工会議所を通じて申し込むことができます（様式2）"),
)
_STAFF = ("社員", "従業員", "スタッフ", "パート", "職員", "社内", "みんな", "全員")


def _has(toks: tuple[Token, ...], words: tuple[str, ...], std: str) -> bool:
    return any(t.lemma in words or t.normal in words or t.surface in words for t in toks) or any(
        w in std for w in words if len(w) >= 3)


@lru_cache(maxsize=512)
def _kana(word: str) -> str:
    return to_katakana(reading_of(word))


def _mentions(scope: str, kana: str, word: str) -> bool:
    """The word written as such, or its reading in the scope's reading (owners who type in kana only)."""
    if word in scope:
        return True
    spoken = _kana(word)
    return len(spoken) >= 3 and spoken in kana


def _abandoned(std: str, obj: str) -> bool:
    """The object is being given up or compared against: 「チラシをやめて」「チラシではなく」「チラシの代わりに」."""
    at = std.find(obj)
    tail = std[at + len(obj) : at + len(obj) + 6]
    return at >= 0 and tail.startswith(("をやめ", "はやめ", "ではなく", "じゃなく", "の代わり", "から", "より", "以外",
                                        "だけでなく", "に頼らず", "を使わず"))


# A request's goal is in the clause that makes the request, not in the reasons around it: 「自分でやる時間がないので、
# HPを作ってほしい」 asks for a website; 「ネットで自分たちで売るより、バイヤーを紹介してほしい」 asks for introductions.
_BACKGROUND = re.compile(r"(?:ので|から|けど|けれど|けども|のに|ため|より|し|が|ても|でも)、|(?:ので|けど|けれど)(?=[^、])")
_SENTENCE = re.compile(r"[。！？!?\n]+")
_NEGATED = re.compile(r"^[^、。]{0,14}?(ない|なか|ません|ん(?:し|から|けん|ので|です|$)|ず|無理|きらん|きれん)")


def _scopes(std: str) -> list[str]:
    """The request clause of each sentence: what follows the sentence's last background clause."""
    out = []
    for sentence in _SENTENCE.split(std):
        cut = 0
        for found in _BACKGROUND.finditer(sentence):
            cut = found.end()
        scope = sentence[cut:] if cut < len(sentence) - 3 else sentence
        if scope:
            out.append(scope)
    return out


def _learning(scope: str, toks: tuple[Token, ...]) -> bool:
    """The owner wants to learn or do it themselves (「作り方を教えてほしい」「自分で更新できるように」), not a statement
    that they cannot (「自分じゃ書ききらん」「書き方も分からん」)."""
    for word in SELF:
        at = scope.find(word)
        while at >= 0:
            if not _NEGATED.match(scope[at + len(word):]):
                return True
            at = scope.find(word, at + 1)
    return False


def _excluded_in(scope: str) -> Excluded | None:
    toks = tokens(scope)
    kana = to_katakana(reading_of(scope))
    request = _has(toks, REQUEST, scope) or any(_mentions(scope, kana, w) for w in REQUEST if len(w) >= 2) or (
        scope.endswith(("して", "やって", "作って", "書いて")))
    if not request or _learning(scope, toks):
        return None
    for kind in EXCLUDED:
        objects = [o for o in kind.objects if _mentions(scope, kana, o) and not _abandoned(scope, o)]
        if not objects or not (_has(toks, kind.verbs, scope) or any(_mentions(scope, kana, v) for v in kind.verbs
                                                                     if len(v) >= 2)):
            continue
        if kind.key == "training" and not any(w in scope for w in _STAFF) and "研修" not in scope:
            continue
        if kind.key == "do_the_work" and not any(_mentions(scope, kana, w) for w in _FOR_ME):
            continue
        return kind
    return None


_FOR_ME = ("代わり", "代行", "丸投げ", "全部", "任せ", "お任せ", "やってほしい", "やってもらい", "してほしい", "してもらい",
           "運用して", "投稿して", "入力して", "頼み", "頼ん")


GENERAL = Excluded("general", (), (), "一般的な知識や技術の説明だけで終わる支援は、特定の経営課題を解決する支援にあたらないため"
                   "対象外です", "「何に困っているか」「何を実現したいか」を具体的に教えていただければ、専門家がその課題に合わせて助言できます")
_GENERAL = re.compile(r"一般的な(お?話|こと|説明|知識)|一般論|基礎知識|(具体的な|特に)(悩み|課題|困りごと|問題)(は|が)?(ない|ありません|なか|"
                      r"あるわけでは)|特に困っ\w{0,4}ことは(ない|ありません)|話を(聞いて|聞き)|話ば聞")


def screen(text: str) -> Excluded | None:
    """The excluded kind of request the text asks for, or None (the request's goal is a kind the program supports)."""
    std = standard(text)
    if _GENERAL.search(std):
        return GENERAL
    for scope in _scopes(std):
        found = _excluded_in(scope)
        if found is not None:
            return found
    return None
