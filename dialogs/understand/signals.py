"""What a message *is*, whatever question is pending: a command, a request for a person, a question for the desk,
small talk, "I don't know", and the polarity of a yes/no answer. Read from morphology (morph.py) after the dialect's
grammar is rewritten to the standard (text.py), never from substrings of the raw text."""

from __future__ import annotations

import re

from dialogs.understand.morph import Token, tokens
from dialogs.understand.text import is_kana_only, standard, to_katakana

# Negation: the auxiliaries ない/ぬ(ん)/ず and the adjective ない (ありません, ない, なし), plus words that deny.
NEG_AUX = {"ない", "ぬ", "ず", "ん", "無い"}
NEG_WORDS = {"いいえ", "いえ", "いや", "無し", "なし", "ナシ", "無", "未", "不要", "結構", "まだ", "未定", "ノー", "no",
             "ちがう", "違う", "全然", "別に", "特に", "だめ", "駄目", "ダメ", "無理", "嫌", "いやだ",
             "拒否", "お断り", "断る"}
YES_WORDS = {"はい", "ええ", "うん", "そう", "ある", "有る", "いる", "居る", "オーケー", "ok", "おk", "yes", "了解", "承知",
             "大丈夫", "良い", "よい", "いい", "同意", "もちろん", "お願い", "はーい", "あい"}
# A denied objection is a yes: 「問題なかです」「異議なし」「構いません」「差し支えありません」.
NO_OBJECTION = re.compile(r"(問題|異議|異存|差し支え|差支え|支障|文句|心配|間違い|まちがい|誤り)(は|も)?(ない|なし|無し|ありません|"
                          r"ございません)|(直す|直し|修正する|訂正する)(ところ|所|点)(は|も)?(ない|なし|ありません)|"
                          r"構わない|構いません|かまわない|かまいません|"
                          r"^(仕方|しかた|しょう|しょー|しゃあ|しゃー)(が|の)?(ない|ありません|ないです)(ね|な|よ)?[。！!]*$")
_BUT = ("でも", "けど", "だけど", "ですけど", "ただ", "しかし", "ですが", "だが", "とはいえ")
_CONCEDING = ("ね", "けど", "けれど", "が", "ても", "でも", "ねえ", "なあ")
_ACKNOWLEDGE = {"はい", "ええ", "うん", "そう", "そうです", "はいはい", "ね", "よ"}
# Whole answers that say yes in chat shorthand.
OK_WORDS = {"おけ", "おっけ", "おっけー", "おけー", "オッケー", "オッケ", "おーけー", "おk", "ok", "okです", "りょ", "りょです",
            "りょうかい", "おけです", "おっけーです"}
# Verbs and nouns of not knowing (negated or not): わからない, 知らない, 不明, 覚えていない, 忘れた.
UNKNOWN_NEG = {"分かる", "わかる", "知る", "覚える", "把握", "確認"}
UNKNOWN_WORDS = ("不明", "忘れ", "わかんない", "わかんね", "さあ", "はっきりしない", "はっきりせん", "見当がつか",
                 "把握していない", "分からず", "わからず", "存じ上げ")

COMMANDS = {
    "cancel": {"やめる", "止める", "辞める", "中止", "キャンセル", "取り消す", "取消", "取り消し", "終了", "終わる", "終わり",
               "中断", "打ち切る", "もういい"},
    "restart": {"最初", "初め", "始め", "はじめ", "やり直す", "遣り直す", "やり直し", "リセット", "一から", "最初から"},
}
COMMANDS["cancel"] |= {"取りやめる", "取り止める", "取りやめ", "とりやめ", "中止する"}
# Words that mean restart only beside a restart word or 入力: 「最初に戻して」「入力し直します」 (alone, 「直したい」 is an edit).
RESTART_WEAK = {"直す", "戻す", "戻る", "し直す", "入れ直す", "打ち直す"}
# What may surround a command without making the message about something else.
COMMAND_FILLER = {"もう", "やっぱり", "やはり", "いったん", "一旦", "ちょっと", "すみません", "すいません", "では", "じゃあ",
                  "それでは", "今回", "今日", "一度", "また", "全部", "これ", "この", "相談", "申し込み", "申請", "入力", "質問",
                  "事前", "確認", "手続き", "お願い", "下さる", "くださる", "する", "おく", "置く", "いる", "たい", "ます",
                  "から", "に", "は", "で", "を", "の", "と", "ね", "よ", "か", "です", "だ", "てる", "ください", "ほしい",
                  "欲しい", "やっぱ", "えっと", "あの", "あのー", "う", "ん", "えー", "まあ", "ひとまず", "とりあえず", "いい",
                  "良い", "方", "ほう", "話", "ばい", "ちゃう", "しまう", "一回", "もう一回", "もう一度", "回", "一", "度",
                  "内容", "ので", "願う", "お", "て", "たく", "ござる", "思う", "けど", "が", "申請書", "下書き"}
PEOPLE = {"担当", "担当者", "人", "人間", "職員", "スタッフ", "オペレーター", "係", "係員", "誰", "だれ", "コーディネーター",
          "生身", "窓口の人", "窓口の方"}
PEOPLE_READINGS = ("タントウ", "ニンゲン", "ヒト", "オペレーター", "ショクイン", "スタッフ")
TALK_READINGS = ("ハナシ", "ハナス", "ハナセ", "カワッ", "カワリ", "ツナイ", "ツナゲ", "デンワ")
TALK = {"話す", "代わる", "替わる", "変わる", "繋ぐ", "つなぐ", "電話", "連絡", "通話", "対応", "相談", "かける", "掛ける",
        "聞く", "取り次ぐ", "お話", "話", "説明"}
WANT = {"たい", "ほしい", "欲しい", "くださる", "下さる", "ください", "もらう", "貰う", "頂く", "いただく", "願う", "お願い",
        "できる", "出来る", "良い", "いい", "早い"}
INTERROGATIVES = {"いくら", "いつ", "どこ", "何", "なに", "なん", "どう", "どの", "どれ", "どんな", "なぜ", "何故", "どうして",
                  "誰", "だれ", "何時", "幾ら", "どちら", "どっち", "どなた", "何回", "何時間", "何人", "いくつ", "どれくらい",
                  "どのくらい", "どれぐらい", "どのぐらい"}
SMALL_TALK = {"ありがとう", "有難う", "ありがとうございます", "どうも", "お疲れ様", "お疲れさま", "おつかれ", "こんにちは",
              "こんばんは", "おはよう", "おはようございます", "よろしく", "宜しく", "了解", "りょうかい", "承知", "わかりました",
              "分かりました", "はい", "ok", "おk", "なるほど", "そうですか", "すみません", "失礼", "ごめんなさい", "笑", "w"}
_QUESTION_END = re.compile(r"([?？]|(です|ます|でしょう|ません|の|ん|かな|かね|ますかね|ですかね|ないです|もの)か[?？]?|"
                           r"でしょうか|の[?？]|かな|かしら|教えて(ください|下さい|ほしい|欲しい)?|知りたい)[。！!]*$")


def _content(toks: tuple[Token, ...]) -> list[Token]:
    return [t for t in toks if t.pos not in ("補助記号", "空白", "記号")]


def negated(toks: tuple[Token, ...]) -> bool:
    """A negative predicate or a denying word anywhere in the message."""
    for i, t in enumerate(toks):
        if t.pos == "助動詞" and t.lemma in NEG_AUX:
            return True
        if t.pos == "形容詞" and t.lemma in ("ない", "無い"):
            return True
        if t.lemma in NEG_WORDS or t.surface in NEG_WORDS or t.normal in NEG_WORDS:
            if t.lemma in ("特に", "別に", "全然") and not any(x.lemma in ("ない", "無い", "ぬ", "ず") for x in toks[i:]):
                continue
            return True
    return False


def polarity(text: str) -> bool | None:
    """Yes (True), no (False) or neither (None) for an answer to a yes/no question, negation and dialect included:
    「入っとらんです」 → False; 「もう決めてます」 → True; 「いいえ」 → False; 「はい」 → True; 「したことはなか」 → False."""
    std = standard(text)
    if not std:
        return None
    toks = tokens(std)
    if not _content(toks):
        return None
    if NO_OBJECTION.search(std) or std.rstrip("。！!ー〜~") in OK_WORDS:
        return True
    clauses = [c for c in re.split(r"[、。,.!！]+", std) if c and c not in _ACKNOWLEDGE]
    if len(clauses) > 1 and (clauses[-1].startswith(_BUT) or clauses[-2].endswith(_CONCEDING)):
        # after a concession the conclusion comes last: 「しょうがないね、よかです」 is a yes, 「はい、でも入ってません」
        # a no; otherwise the first clause answers and the rest adds to it (「ない、LINEでよか」 is a no)
        last = polarity(clauses[-1])
        if last is not None:
            return last
    if negated(toks):
        return False
    first = _content(toks)[0]
    if first.lemma in YES_WORDS or first.surface in YES_WORDS or first.normal in YES_WORDS:
        return True
    verbs = [t for t in toks if t.pos in ("動詞", "形容詞")]
    return True if verbs else None


def plainly_yes(text: str) -> bool:
    """A yes in so many words (はい, ええ, いいです, お願いします, 構いません, おけ) — what it takes to throw answers
    away; a yes read only from a verb (「相談したいです」) is not enough there."""
    std = standard(text)
    toks = _content(tokens(std))
    if not toks or polarity(text) is not True:
        return False
    first = toks[0]
    return (first.lemma in YES_WORDS or first.surface in YES_WORDS or first.normal in YES_WORDS
            or NO_OBJECTION.search(std) is not None or std.rstrip("。！!ー〜~") in OK_WORDS)


def unknown(text: str) -> bool:
    """The owner does not know the answer: わからない, 分かりません, 知らん, 不明, 覚えていない, 忘れました."""
    std = standard(text)
    if len(std) > 30:  # a long message says more than "I don't know" — unless its conclusion is just that
        last = [c for c in re.split(r"[、。,.!！]+|(?<=ので)|(?<=けど)", std) if c]
        tail = last[-1] if last else ""
        wish = any(w in std for w in ("たい", "ほしい", "欲しい", "困"))  # 「…何から始めればいいかわからない」 is a problem
        return len(tail) <= 20 and tail != std and not wish and unknown(tail) and not polarity_of_fact(std)
    if any(w in std for w in UNKNOWN_WORDS):
        return True
    toks = tokens(std)
    for i, t in enumerate(toks):
        if t.normal in UNKNOWN_NEG or t.lemma in UNKNOWN_NEG:
            after = toks[i + 1 : i + 5]
            if any((a.pos == "助動詞" and a.lemma in NEG_AUX) or a.lemma in ("ない", "無い") for a in after):
                return True
    return False


def polarity_of_fact(std: str) -> bool:
    """A long message that ends in 「わからない」 but states the fact before it (「5人だと思うけど、正確にはわからん」)."""
    return bool(re.search(r"\d|[一二三四五六七八九十百千万]+(人|名|円|回|時間)", std))


def command(text: str) -> str | None:
    """A global command only when the message *is* the command: 「やめます」「もう最初からやり直したい」 — never when the
    command word is part of an answer (「予約のキャンセルを減らしたい」「在庫表を最初から作り直したい」)."""
    std = standard(text)
    if not std or len(std) > 30:
        return None
    toks = _content(tokens(std))
    found: set[str] = set()
    weak = False
    for t in toks:
        hit = next((c for c, words in COMMANDS.items() if {t.lemma, t.normal, t.surface} & words), None)
        if hit:
            found.add(hit)
        elif {t.lemma, t.normal, t.surface} & RESTART_WEAK:
            weak = True
        elif not ({t.lemma, t.normal, t.surface} & COMMAND_FILLER) and t.pos not in ("助詞", "助動詞", "接尾辞", "接頭辞",
                                                                                       "感動詞"):
            return None
    if weak and (found == {"restart"} or "入力" in std):
        return "restart"
    if weak:
        return None
    if len(found) != 1:
        return "restart" if found == {"cancel", "restart"} else None
    return found.pop()


def wants_person(text: str) -> bool:
    """A request to talk to a person: 「担当者と話したい」「人間の方に代わって」「電話で話したほうが早か」."""
    std = standard(text)
    if len(std) > 40:
        return False
    toks = tokens(std)
    lemmas = [t.lemma for t in toks] + [t.normal for t in toks] + [t.surface for t in toks]
    person = any(t.lemma in PEOPLE or t.normal in PEOPLE or t.surface in PEOPLE for i, t in enumerate(toks)
                 if not (i + 1 < len(toks) and toks[i + 1].surface == "を")) or any(  # 「人を増やす」: an object
        w in std for w in ("担当の", "窓口の", "電話で話", "電話で聞", "電話で相談"))
    talk = any(w in TALK for w in lemmas)
    if is_kana_only(text):
        kata = to_katakana(std)
        person = person or any(r in kata for r in PEOPLE_READINGS)
        talk = talk or any(r in kata for r in TALK_READINGS)
    want = any(w in WANT for w in lemmas) or _QUESTION_END.search(std) is not None or std.endswith(("て", "で"))
    if person and talk and want and not _describes_someone(toks):
        return not any(t.lemma in ("専門家", "先生", "コンサルタント", "業者") for t in toks)
    return std in ("担当者", "担当者さん", "人間", "オペレーター")


_DIRECT_END = re.compile(r"([?？]|か|かね|ですかね|の|と|とね|でしょ)[。！!…]*$")


def direct_question(text: str) -> bool:
    """Asked of the desk in so many words (ends 〜か／〜の？／？), not a wish to find something out
    (「どのレジがいいか知りたい」「やり方を教えてほしい」)."""
    return _DIRECT_END.search(standard(text)) is not None


def _describes_someone(toks: tuple[Token, ...]) -> bool:
    """「前に展示会で話した人がいい」: a talk verb in the past modifying the person noun describes someone (an
    expert the owner met), it does not ask to talk to someone now."""
    for i in range(len(toks) - 2):
        if toks[i].lemma in TALK and toks[i + 1].lemma == "た" and toks[i + 2].lemma in PEOPLE | {"方"}:
            return True
    return False


_WEAK_END = re.compile(r"(かな|かね|かも|かしら|かなあ|かなー)[。！!…]*$")


def hedged(text: str) -> bool:
    """A hedge at the end of an answer (「まあ横ばいかな」), not a question to the desk."""
    std = standard(text)
    return _WEAK_END.search(std) is not None and not any(c in std for c in "?？")


_CONCEDING_SPLIT = re.compile(r"(けれども|けれど|けども|けど|ですが|だが|ますが)[、,]?")  # ばってん is けど by now (standard)


def answer_before_question(text: str) -> str | None:
    """「荒尾市ですけど、県内なら大丈夫ですよね？」「12人ですけど、人数って関係あります？」: an answer, then a worry about
    it — the part before the concession (None when the message is not of that shape)."""
    std = standard(text)
    split = _CONCEDING_SPLIT.search(std)
    if split is None or not question(std[split.end():]):
        return None
    head = std[: split.start()].strip("、, ")
    return head if 1 <= len(head) <= 40 else None


def question(text: str) -> bool:
    """A question put to the desk: a question ending or an interrogative word with a predicate."""
    std = standard(text)
    if not std:
        return False
    if _QUESTION_END.search(std):
        return True
    toks = tokens(std)
    if any(t.lemma in INTERROGATIVES or t.surface in INTERROGATIVES for t in toks):
        return std.endswith(("か", "の", "?", "？", "ですか", "ますか")) or (
            std.endswith("る") and any(t.lemma in ("いくら", "いつ", "どこ", "何時", "何回") for t in toks))
    return False


_SMALL_TALK = re.compile(r"^(ありがと|有難|有り難|どうも|お世話に|おせわに|お疲れ|おつかれ|こんにち|こんばん|おはよ|よろしく|宜しく|"
                         r"了解|りょうかい|承知|わかりました|分かりました|なるほど|すみません|すいません|失礼|ごめん|はーい|"
                         r"はい$|ok$|おk$|いえいえ|どういたしまして|お願いします$|おねがいします$)")


# A remark about the weather or the season (「今日は暑かですね」「寒くなりましたね」): the particle ね closing it.
_WEATHER = re.compile(r"(暑い|寒い|暑か|寒か|天気|涼しい|暖かい|あったかい|あつい|さむい|蒸す|蒸し暑い|(暑|寒|涼し|暖か)く(なりました|なった|なって))"
                      r"(です|だ|や|じゃ|き)?(ね|ねえ|なあ|のう)$")


def small_talk(text: str) -> bool:
    """A greeting, thanks or acknowledgement that answers nothing, or a word about the weather."""
    std = standard(text).rstrip("!！。.〜~ー")
    return bool(std) and len(std) <= 20 and (_SMALL_TALK.match(std) is not None or _WEATHER.search(std) is not None)


def meaningful(text: str) -> bool:
    """Not just a sound or a mark: 「ああああ」「ー」「うーん」「…」 say nothing."""
    std = standard(text)
    if len(set(std.replace("ー", "").replace("〜", ""))) < 2:
        return False
    return not all(t.pos in ("感動詞", "補助記号", "記号", "空白") for t in tokens(std))
