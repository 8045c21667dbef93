"""Whether a message at the menu asks for a consultation (the pre-screening) rather than a fact from the FAQ.

Two shapes, read on the standardised text (dialect forms already in standard Japanese, understand/text.py):
- a wish to consult, said outright: 「専門家に相談したいです」「SNSのことで見てもらいたか」「そうだんしたい」;
- a worry whether the owner's own business can be helped: 「車の整備工場でも使えるんですか？」「うちみたいな小さい
  味噌屋でもよかとですか」「財団の施設の売店なんですけど、こういうのも相談できますか？」 — the pre-screening is how
  that question is answered (the FAQ answers the general ones first: 「個人事業主でも利用できますか」).
"""

from __future__ import annotations

import re

from dialogs.understand.morph import tokens
from dialogs.understand.text import standard

# 相談したい / 見てもらいたい / 来てほしい / お願いしたい / 申し込みたい, in kana too; 〜たく (ご相談したく存じます) and
# the dialect's 〜たか (頼みたかとばってん) are the same wish
_WISH = re.compile(
    r"(相談|そうだん|見て|みて|診て|来て|きて|派遣して|はけんして|頼み|たのみ|申し込み|申込み?|もうしこみ|お願い|おねがい)"
    r"(を|に|に乗って|にのって|して|し)?(もらい|いただき|頂き)?(たい|たく|たか|ほしい|欲しい)|"
    r"(相談|そうだん)(を)?(させて|さして|して|に乗って|にのって)(ください|下さい|くれ|いただけ|頂け|もらえ)|"
    r"(相談|そうだん)(が|を)?(あります|ある|あって|です)")
# 「〜でも使えますか」「〜も相談できますか」「〜でもいいですか」「〜は対象ですか」
_CAN_I = re.compile(
    r"(でも|も|は)[^。？?]{0,10}(使え|つかえ|利用でき|りようでき|相談でき|そうだんでき|申し込め|もうしこめ|申込め|頼め|"
    r"受けられ|うけられ|見てもらえ|みてもらえ|来てもらえ|きてもらえ|対象|たいしょう|いい|良い|よい|大丈夫|だいじょうぶ)")
# the owner speaking of their own business
_OWN = re.compile(r"うち|私ども|私|わたし|わし|当店|当社|弊社|自分|僕|俺|おれ|"
                  r"(をして|をやって|して|やって|営んで|経営して)(い|お)?(ます|る|ります)|(なん|な)?ですけど|ですが")


def wish(text: str) -> bool:
    """A wish to consult, said outright (not a question about the program)."""
    return _WISH.search(standard(text)) is not None


def speaks_of_own(text: str) -> bool:
    """The owner speaks of their own business (「うちは」「八代市で畳屋をしています」)."""
    return _OWN.search(standard(text)) is not None


def _asks_leave(std: str, at: int) -> bool:
    """The も at `at` follows a verb's て/で form (「連れて行っても」「読んでも」): asking leave to do something, not
    whether a business is covered (「整備工場でも」: で is a case particle there)."""
    end = 0
    for tok in tokens(std):
        end += len(tok.surface)
        if end >= at:
            return tok.pos == "助詞" and tok.sub == "接続助詞" and tok.surface in ("て", "で")
    return False


def own_case(text: str, *, business_named: bool = False) -> bool:
    """A worry whether the owner's own business (said as theirs, or named: 「車の整備工場でも」) can be helped."""
    std = standard(text)
    asks = any(not _asks_leave(std, m.start(1) + (1 if m.group(1) == "でも" else 0)) for m in _CAN_I.finditer(std))
    return asks and (business_named or _OWN.search(std) is not None)
