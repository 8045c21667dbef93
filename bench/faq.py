"""FAQ retrieval figures: accuracy, decline and latency on the held-out set, against a character n-gram TF-IDF
baseline on the same content (both calibrated on the same development data), and latency at 1,000 and 10,000
entries. `python bench/faq.py`"""

from __future__ import annotations

import math
import random
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import replace
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from knowledge.calibration import DEV_OUT_OF_SCOPE  # noqa: E402
from knowledge.content import DEFAULT, read_yaml  # noqa: E402
from knowledge.index import Entry, Index  # noqa: E402

HELD_OUT = yaml.safe_load((REPO / "tests" / "data" / "faq_heldout.yaml").read_text(encoding="utf-8"))


class NgramBaseline:
    """Plain NFKC character 2/3-gram TF-IDF cosine over question + phrasings; nothing Japanese-specific."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.docs = [(i, self._grams(t)) for i, e in enumerate(entries) for t in (e.question, *e.phrasings)]
        df = Counter(g for _, d in self.docs for g in d)
        n = len(self.docs)
        self.idf = {g: math.log((n + 1) / (c + 1)) + 1 for g, c in df.items()}
        self.vecs = [(i, self._vec(d)) for i, d in self.docs]
        self.threshold = 0.0

    @staticmethod
    def _grams(text: str) -> Counter[str]:
        t = unicodedata.normalize("NFKC", text).lower().replace(" ", "")
        return Counter(t[i : i + n] for n in (2, 3) for i in range(len(t) - n + 1))

    def _vec(self, grams: Counter[str]) -> dict[str, float]:
        raw = {g: (1 + math.log(c)) * self.idf.get(g, 0.0) for g, c in grams.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {g: v / norm for g, v in raw.items()}

    def search(self, question: str) -> tuple[Entry | None, float]:
        q = self._vec(self._grams(question))
        best: dict[int, float] = {}
        for i, v in self.vecs:
            s = sum(w * v.get(g, 0.0) for g, w in q.items())
            best[i] = max(s, best.get(i, 0.0))
        i, s = max(best.items(), key=lambda p: p[1])
        return (self.entries[i], s) if s >= self.threshold else (None, s)


def calibrate_baseline(baseline: NgramBaseline) -> None:
    """The lowest threshold that declines ≥ 90 % of the development out-of-scope questions (as for ours)."""
    scores = sorted(baseline.search(q)[1] for q in DEV_OUT_OF_SCOPE)
    baseline.threshold = scores[math.ceil(0.9 * len(scores)) - 1] + 1e-9


def evaluate(search) -> tuple[float, float, list[float]]:  # type: ignore[no-untyped-def]
    right = declined = inside = outside = 0
    latencies = []
    for item in HELD_OUT:
        t0 = time.perf_counter()
        entry = search(item["q"])
        latencies.append((time.perf_counter() - t0) * 1000)
        if item.get("decline"):
            outside += 1
            declined += entry is None
        else:
            inside += 1
            right += entry is not None and item["fact"] in entry.answer
    return right / inside, declined / outside, latencies


def synthetic(entries: list[Entry], n: int, seed: int = 7) -> list[Entry]:
    """n entries: the real ones, then variants with distinct extra words (longer postings, larger vocabulary)."""
    rng = random.Random(seed)
    vocab = [w for e in entries for w in (e.question + "".join(e.phrasings))[::3]]
    out = list(entries)
    while len(out) < n:
        base = entries[len(out) % len(entries)]
        extra = "".join(rng.choice(vocab) for _ in range(6)) + f"事例{len(out)}"
        out.append(replace(base, id=f"{base.id}-{len(out)}", question=base.question + extra,
                           phrasings=tuple(p + extra for p in base.phrasings)))
    return out


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    entries = read_yaml(DEFAULT)
    ours = Index(entries)
    ours.search("ウォームアップ")
    baseline = NgramBaseline(entries)
    calibrate_baseline(baseline)
    def ours_search(question: str) -> Entry | None:
        result = ours.search(question)
        return result.best.entry if result.matched and result.best else None

    rows = []
    for name, search in (
        ("madoguchi (Sudachi + n-grams + reading)", ours_search),
        ("baseline (char n-gram TF-IDF)", lambda q: baseline.search(q)[0]),
    ):
        acc, dec, lat = evaluate(search)
        rows.append((name, acc, dec, pct(lat, 50), pct(lat, 99)))
    inside = sum(1 for q in HELD_OUT if not q.get("decline"))
    outside = len(HELD_OUT) - inside
    print(f"\nheld-out set: {inside} in-scope and {outside} out-of-scope questions, {len(entries)} entries")
    print(f"{'':42} {'accuracy':>9} {'decline':>8} {'p50 ms':>7} {'p99 ms':>7}")
    for name, acc, dec, p50, p99 in rows:
        print(f"{name:42} {acc:9.3f} {dec:8.3f} {p50:7.2f} {p99:7.2f}")
    print(f"{'ratio (ours / baseline)':42} {rows[0][1] / rows[1][1]:9.2f} {rows[0][2] / max(rows[1][2], 1e-9):8.2f} "
          f"{rows[0][3] / rows[1][3]:7.2f} {rows[0][4] / rows[1][4]:7.2f}")
    print(f"\n{'entries':>8} {'build s':>8} {'p50 ms':>7} {'p99 ms':>7}")
    questions = [q["q"] for q in HELD_OUT]
    for n in (1_000, 10_000):
        t0 = time.perf_counter()
        index = Index(synthetic(entries, n))
        built = time.perf_counter() - t0
        lat = []
        for q in questions * 3:
            t = time.perf_counter()
            index.search(q)
            lat.append((time.perf_counter() - t) * 1000)
        print(f"{n:8} {built:8.1f} {pct(lat, 50):7.2f} {pct(lat, 99):7.2f}")


if __name__ == "__main__":
    main()
