"""Calibration data for the decline gate: out-of-scope questions for development (the held-out set in
tests/data stays untouched), and leave-one-out scores over the entries' own phrasings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

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


def gate(index: Index, items: Sequence[dict[str, Any]],
         right: Callable[[Entry, dict[str, Any]], bool]) -> list[tuple[float, float, float, float]]:
    """(in-scope accuracy, out-of-scope decline, threshold, margin) over a grid, best first: the sum of the two, then
    the higher threshold. `items` are development questions ({q, fact} or {q, decline: true}); `right` says whether
    an entry's answer states the fact asked for."""
    n = len(index.entries)
    inside = np.array([not item.get("decline") for item in items])
    scores = np.array([index._scores(item["q"]) for item in items])
    best = scores[:, :n].argmax(1)
    best_score = scores[np.arange(len(items)), best]
    ok = np.array([bool(inside[i]) and right(index.entries[best[i]], item) for i, item in enumerate(items)])
    rows = []
    for threshold in np.round(np.arange(0.10, 0.50, 0.01), 2):
        for margin in np.round(np.arange(0.80, 1.21, 0.01), 2):
            matched = (best_score >= threshold) & ~(scores[:, n] >= best_score * margin)
            accuracy, decline = (matched & ok)[inside].mean(), (~matched)[~inside].mean()
            if decline >= 0.92:
                rows.append((float(accuracy), float(decline), float(threshold), float(margin)))
    return sorted(rows, key=lambda r: (round(r[0] + r[1], 6), r[2], -r[3]), reverse=True)
