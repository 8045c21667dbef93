"""Interim answers for questions asked mid-flow, until the knowledge-base issue brings retrieval and an editor.

Each entry: words that must all appear (after normalisation), the answer, and its source clause in seed 001.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialogs.normalize import normalize


@dataclass(frozen=True)
class Entry:
    any_of: tuple[str, ...]
    answer: str


ENTRIES = (
    Entry(("オンライン", "zoom", "リモート", "ウェブ会議", "web会議"),
          "はい、オンラインでの相談もできます。専門家の派遣にはオンライン相談も含まれます（実施要領 4(1)エ）。"),
    Entry(("何回", "回数", "何時間", "時間まで"),
          "専門家の派遣は、原則1申請につき5回まで（1回3時間以内）、合計15時間が上限です（実施要領 4(1)ク①）。"),
    Entry(("いつまで", "期間", "締め切り", "締切"),
          "専門家派遣の実施期間は、令和7年4月1日から令和8年2月27日までです（実施要領 4(1)ア）。"),
    Entry(("同行", "指導員", "商工会の人"),
          "専門家の訪問には、原則として地域の商工会・商工会議所の経営指導員が同行します（実施要領 4(1)キ）。"),
    Entry(("どこで", "場所", "来てもらえ", "訪問"),
          "相談は、窓口（熊本県商工会館7階）、県内の商工会・商工会議所、または事業所で受けられます（実施要領 4(1)イ）。"),
    Entry(("報告", "報告書"),
          "支援の後、専門家の「専門家支援報告書」を当会が受け取り、地域の商工会・商工会議所にお伝えします（実施要領 3(2)イ）。"),
)


class InterimAnswers:
    """The `Answers` port of the pre-screening flow, from the table above."""

    def answer(self, question: str) -> str | None:
        text = normalize(question)
        return next((e.answer for e in ENTRIES if any(normalize(w) in text for w in e.any_of)), None)
