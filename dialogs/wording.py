"""Words that belong to one channel. The texts are written in LINE's words (トーク, 友だち追加), LINE being where
owners live; on another channel the same text is said in that channel's words. Applied only to the bot's own
texts (never to what an owner typed or a coordinator wrote), by the step that says them."""

from __future__ import annotations

# channel → (LINE's phrase, that channel's phrase), most specific first. Channels not listed (LINE itself and the
# trial channels, which stand in for LINE) keep the texts as written.
VOCABULARY: dict[str, tuple[tuple[str, str], ...]] = {
    "telegram": (
        ("友だち追加ありがとうございます。", "ご利用ありがとうございます。"),
        ("ご相談をLINEで", "ご相談をこのチャットで"),
        ("このLINE", "このチャット"),
        ("このトーク", "このチャット"),
        ("トーク画面", "チャット画面"),
    ),
}
# What must not reach a Telegram owner (tests check every text against it; 「LINE公式アカウント」 as a business tool
# is a topic, not a channel word).
LINE_WORDS = ("LINEで", "このLINE", "トーク", "友だち追加", "友だち")


def say(text: str, channel: str) -> str:
    """`text` (one of the bot's own) in the words of `channel`."""
    for line_phrase, own in VOCABULARY.get(channel, ()):
        text = text.replace(line_phrase, own)
    return text
