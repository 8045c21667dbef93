"""FAQ retrieval figures on the owners' question corpus (tests/data/understanding/faq_{dev,heldout,heldout2}.yaml,
written by someone who had not seen the content): accuracy and decline for the lexical channels alone and fused with the
semantic channel, side by side with a character n-gram TF-IDF baseline; the model's load time and memory; latency at
the real size, 1,000 and 10,000 entries. `python bench/faq.py [--sizes 1000,10000] [--cache DIR]`;
`python bench/faq.py --misses` prints the development part's misses by kind (never the held-out part's)."""

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

from dialogs.program import fill  # noqa: E402
from knowledge.calibration import DEV_OUT_OF_SCOPE  # noqa: E402
from knowledge.content import DEFAULT, read_yaml  # noqa: E402
from knowledge.index import Entry, Index, _query_features  # noqa: E402

CORPUS = REPO / "tests" / "data" / "understanding"


def corpus(name: str) -> list[dict]:  # type: ignore[type-arg]
    return list(yaml.safe_load((CORPUS / f"faq_{name}.yaml").read_text(encoding="utf-8")))


HELD_OUT = corpus("heldout")


def _n(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "")


def answers(entry: Entry | None, item: dict) -> bool:  # type: ignore[type-arg]
    """The entry's answer (with its cited clause) states the fact the question asks for."""
    facts = item["fact"] if isinstance(item["fact"], list) else [item["fact"]]
    return entry is not None and any(_n(str(f)) in _n(fill(entry.answer, None) + entry.source) for f in facts)


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


def evaluate(search, items=None) -> tuple[float, float, list[float]]:  # type: ignore[no-untyped-def]
    right = declined = inside = outside = 0
    latencies = []
    for item in items if items is not None else HELD_OUT:
        t0 = time.perf_counter()
        entry = search(item["q"])
        latencies.append((time.perf_counter() - t0) * 1000)
        if item.get("decline"):
            outside += 1
            declined += entry is None
        else:
            inside += 1
            right += answers(entry, item)
    return right / inside, declined / outside, latencies


def synthetic(entries: list[Entry], n: int, seed: int = 7) -> list[Entry]:
    """n entries: the real ones, then variants with distinct extra words (longer postings, larger vocabulary)."""
    rng = random.Random(seed)
    vocab = [w for e in entries for w in (e.question + "".join(e.phrasings))[::3]]
    out = list(entries)
    while len(out) < n:
        base = entries[len(out) % len(entries)]
        extra = "".join(rng.choice(vocab) for _ in range(6)) + f"事例{len(out)}"
        out.append(
            replace(
                base,
                id=f"{base.id}-{len(out)}",
                question=base.question + extra,
                phrasings=tuple(p + extra for p in base.phrasings),
            )
        )
    return out


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def matched(index: Index):  # type: ignore[no-untyped-def]
    def search(question: str) -> Entry | None:
        result = index.search(question)
        return result.best.entry if result.matched and result.best else None

    return search


def dev_misses(entries: list[Entry]) -> None:
    """The development questions the fused index gets wrong, by kind: a wrong entry, an in-scope question declined,
    an out-of-scope one answered."""
    index = Index(entries)
    kinds: dict[str, list[str]] = {"wrong entry": [], "declined in-scope": [], "answered out-of-scope": []}
    for item in corpus("dev"):
        result = index.search(item["q"])
        best = result.best
        entry = best.entry if result.matched and best else None
        seen = f"{best.entry.id} {best.score:.3f}{' outside' if result.outside else ''}" if best else "-"
        if item.get("decline"):
            if entry is not None:
                kinds["answered out-of-scope"].append(f"{item['q']} → {seen}")
        elif not answers(entry, item):
            right = ",".join(e.id for e in entries if answers(e, item))[:60] or "(no entry states it)"
            kind = "declined in-scope" if entry is None else "wrong entry"
            kinds[kind].append(f"{item['q']} → {seen}; {item.get('clause', '')} needs {right}")
    for kind, rows in kinds.items():
        print(f"\n{kind}: {len(rows)}")
        for row in rows:
            print(f"  {row}")


def copied_vectors(entries: list[Entry], copies: list[Entry]):  # type: ignore[no-untyped-def]
    """An embedding function for the synthetic index that gives each copy's texts the vectors of its original's
    (embedding ~200,000 synthetic texts for 10,000 entries takes an hour on a shared 2-core machine; the search's
    cost does not depend on what the vectors say)."""
    from knowledge import semantic

    originals = {e.id: e for e in entries}
    mapping: dict[str, str] = {}
    for copy in copies:
        base = originals.get(copy.id) or originals[copy.id.rsplit("-", 1)[0]]
        for text, original in zip((copy.question, *copy.phrasings), (base.question, *base.phrasings), strict=True):
            mapping[text] = original
        mapping[f"{copy.question} {fill(copy.answer, None)}"] = f"{base.question} {fill(base.answer, None)}"
    return lambda texts: semantic.embed([mapping.get(t, t) for t in texts])


def same_as_exhaustive(index: Index, questions: list[str]) -> str:
    """How often the semantic channel's candidates give the answer (or the decline) that comparing the question with
    every phrasing gives (synthetic copies share their original's answer)."""

    def answer(exhaustive: bool, question: str) -> str | None:
        index.exhaustive = exhaustive
        result = index.search(question)
        return result.best.entry.answer if result.matched and result.best else None

    same = sum(answer(True, q) == answer(False, q) for q in questions)
    index.exhaustive = False
    return f"{same}/{len(questions)}"


def main() -> None:
    import resource

    from knowledge import semantic

    sizes = [
        int(n)
        for n in (sys.argv[sys.argv.index("--sizes") + 1] if "--sizes" in sys.argv else "1000,10000").split(",")
        if n
    ]
    if "--cache" in sys.argv:  # keep the synthetic entries' vectors between runs (SHA-1 keys, as the service does)
        semantic.keep_on_disk(Path(sys.argv[sys.argv.index("--cache") + 1]))
    entries = read_yaml(DEFAULT)
    if "--misses" in sys.argv:
        dev_misses(entries)
        return
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    loaded = semantic.available()
    load_s = time.perf_counter() - t0
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"semantic model: {'loaded' if loaded else 'NOT available'} in {load_s:.1f} s, "
        f"+{rss1 - rss0:.0f} MB resident (peak {rss1:.0f} MB)"
    )
    lexical, fused = Index(entries, meaning=False), Index(entries)
    baseline = NgramBaseline(entries)
    calibrate_baseline(baseline)
    for index in (lexical, fused):
        index.search("ウォームアップ")
    systems = (
        ("lexical (Sudachi + n-grams + reading)", matched(lexical)),
        ("fused with the semantic channel", matched(fused)),
        ("baseline (char n-gram TF-IDF)", lambda q: baseline.search(q)[0]),
    )
    for part in ("dev", "heldout", "heldout2"):
        items = corpus(part)
        inside = sum(1 for q in items if not q.get("decline"))
        print(f"\n{part}: {inside} in-scope and {len(items) - inside} out-of-scope questions, {len(entries)} entries")
        print(f"{'':42} {'in-scope':>9} {'decline':>8} {'p50 ms':>7} {'p99 ms':>7}")
        for name, search in systems:
            acc, dec, lat = evaluate(search, items)
            print(f"{name:42} {acc:9.3f} {dec:8.3f} {pct(lat, 50):7.2f} {pct(lat, 99):7.2f}")
    print(f"\n{'entries':>8} {'build s':>8} {'p50 ms':>7} {'p99 ms':>7}   (fused; lexical alone in brackets)")
    questions = [q["q"] for q in HELD_OUT]
    copy = "--copy-vectors" in sys.argv
    if copy:
        print("(each synthetic entry's phrasings take their original's vectors: only the search is measured)")
    for n in sizes:
        row = []
        same = ""
        for meaning in (True, False):
            t0 = time.perf_counter()
            copies = synthetic(entries, n)
            index = Index(copies, meaning=meaning, embed=copied_vectors(entries, copies) if copy else None)
            built = time.perf_counter() - t0
            lat = []
            for q in questions:  # each question as if asked for the first time: no cached analysis or vector
                _query_features.cache_clear()
                semantic.forget(q)
                t = time.perf_counter()
                index.search(q)
                lat.append((time.perf_counter() - t) * 1000)
            row.append((built, pct(lat, 50), pct(lat, 99)))
            if meaning and index.vectors is not None and not index.exhaustive:
                same = same_as_exhaustive(index, questions)
        (b, p50, p99), (lb, l50, l99) = row
        print(
            f"{n:8} {b:8.1f} {p50:7.2f} {p99:7.2f}   ({lb:.1f} s, {l50:.2f}, {l99:.2f})"
            + (f"   same answer as comparing every phrasing: {same}" if same else "")
        )


if __name__ == "__main__":
    main()
