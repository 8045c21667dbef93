"""Calibration data for the decline gate: out-of-scope questions for development (the held-out set in
tests/data stays untouched), and leave-one-out scores over the entries' own phrasings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from knowledge.index import Entry, Index

DEV_OUT_OF_SCOPE = (
    "ゴルフ場の予約をしたい", "宝くじの当選番号", "引っ越しの手続きを教えて", "歯医者の予約方法", "消費税の計算方法",
    "給料の計算がわからない", "忘年会によいお店", "パスポートの申請はどこで", "ふるさと納税のやり方", "車の保険の見直し",
    "熊本のおすすめ観光地", "犬の散歩の時間", "風邪薬はどれがいい", "選挙の投票所", "スマホの機種変更", "結婚式の費用",
    "新幹線の時刻", "プロ野球の結果", "お弁当のレシピ", "ダイエット方法", "英会話教室を探している", "ゴミの出し方",
    "自転車の修理", "温泉の営業時間", "家のリフォームの見積もり",
)


def leave_one_out(entries: Sequence[Entry]) -> list[tuple[bool, float]]:
    """For every phrasing: searched against the index without it — (the right entry came first, its score)."""
    out = []
    for i, entry in enumerate(entries):
        for j, phrasing in enumerate(entry.phrasings):
            held = replace(entry, phrasings=entry.phrasings[:j] + entry.phrasings[j + 1 :])
            index = Index([*entries[:i], held, *entries[i + 1 :]])
            result = index.search(phrasing)
            out.append((result.best is not None and result.best.entry.id == entry.id,
                        result.best.score if result.best else 0.0))
    return out


def sweep(entries: Sequence[Entry], thresholds: Sequence[float]) -> list[tuple[float, float, float]]:
    """(threshold, in-scope accuracy, out-of-scope decline) on development data."""
    loo = leave_one_out(entries)
    index = Index(entries)
    oos = [index.search(q).best for q in DEV_OUT_OF_SCOPE]
    rows = []
    for t in thresholds:
        accuracy = sum(1 for ok, s in loo if ok and s >= t) / len(loo)
        decline = sum(1 for m in oos if m is None or m.score < t) / len(oos)
        rows.append((t, accuracy, decline))
    return rows
