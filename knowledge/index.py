"""Japanese FAQ retrieval: three channels fused — Sudachi content words, character n-grams, and readings (for
kana-only input) — TF-IDF with inverted postings; an entry scores as its best phrasing. Below THRESHOLD the
bot declines; entries scoring at least CLOSE × the best are offered as alternatives."""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import sparse

from dialogs.program import fill
from dialogs.understand.text import standard
from knowledge import semantic
from knowledge.morph import analyse
from knowledge.text import is_kana_only, ngrams, normalize

# Calibrated on the development corpus (tests/data/understanding/faq_dev.yaml), never on the held-out one: on a grid
# over both, the threshold and outside margin with the best sum of development in-scope accuracy and out-of-scope
# decline, among those that decline at least 0.92 (knowledge/calibration.py `gate`; bench/faq.py prints the figures).
LEXICAL_THRESHOLD = 0.18  # lexical channels alone (the model could not load)
FUSED_THRESHOLD = 0.24  # lexical fused with the semantic channel
LEXICAL_MARGIN = 0.80  # decline when the outside topics score at least this share of the best entry
FUSED_MARGIN = 0.89
SEMANTIC_WEIGHT = 0.3  # share of the semantic channel in the fused score
CLOSE = 0.85  # an entry scoring at least this share of the best is offered too
# Up to this many phrasing vectors (about 200 entries; the real content has ~2,400) the semantic channel compares
# the question with every one of them. Beyond, it compares exactly only with the phrasings of the CANDIDATES entries
# that score best lexically and the CANDIDATES whose mean cosine (one product with per-entry mean vectors) is highest;
# every other entry keeps its mean cosine, a lower bound of its best one — so a large knowledge base is not read whole
# for every question (bench/faq.py prints how often the answer is the exhaustive comparison's).
EXHAUSTIVE = 5_000
CANDIDATES = 64
OUTSIDE = Path(__file__).parent / "content" / "outside.yaml"  # neighbouring topics the desk does not answer
UNKNOWN_PENALTY = 0.6
BUILD_SLICE = 2000  # documents per step of an index build (see _tfidf)
WEIGHTS = {"words": 0.5, "chars": 0.3, "reading": 0.2}
KANA_WEIGHTS = {"words": 0.2, "chars": 0.3, "reading": 0.5}


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    phrasings: tuple[str, ...]
    answer: str
    source: str
    tags: tuple[str, ...] = ()
    next: str | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entry:
        return cls(str(d["id"]), d["question"], tuple(d.get("phrasings") or ()), d["answer"], d.get("source", ""),
                   tuple(d.get("tags") or ()), d.get("next"))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "question": self.question, "phrasings": list(self.phrasings),
                               "answer": self.answer, "source": self.source, "tags": list(self.tags)}
        if self.next:
            out["next"] = self.next
        return out


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


@dataclass(frozen=True)
class Result:
    question: str
    best: Match | None
    alternatives: tuple[Match, ...]

    threshold: float = LEXICAL_THRESHOLD
    outside: bool = False  # the question is closer to a topic the desk does not answer than to any entry

    @property
    def matched(self) -> bool:
        return self.best is not None and self.best.score >= self.threshold and not self.outside

    def to_json(self) -> dict[str, Any]:
        best = self.best if self.matched else None
        return {
            "question": self.question, "matched": self.matched, "faq_id": best.entry.id if best else None,
            "answer": best.entry.answer if best else None, "score": round(self.best.score, 4) if self.best else 0.0,
            "outside": self.outside,
            "alternatives": [{"faq_id": m.entry.id, "question": m.entry.question, "score": round(m.score, 4)}
                             for m in self.alternatives],
        }


def features(text: str) -> dict[str, Counter[str]]:
    normal = normalize(standard(text))  # the dialect's grammar in standard forms first (〜と？ → 〜の？)
    words, reading = analyse(normal)
    return {"words": Counter(words), "chars": Counter(ngrams(normal)), "reading": Counter(ngrams(reading, (2,)))}


@functools.lru_cache(maxsize=100_000)
def _doc_features(text: str) -> dict[str, Counter[str]]:
    """`features` of an entry's phrasing, kept across rebuilds: after an edit only the changed texts are analysed
    again (read only: the index never changes them)."""
    return features(text)


@functools.lru_cache(maxsize=4096)
def _query_features(text: str) -> dict[str, Counter[str]]:
    """`features` of a question (read only), so that the same question asked again is not analysed again."""
    return features(text)


@functools.lru_cache(maxsize=1)
def outside_topics() -> tuple[str, ...]:
    """The phrasings of knowledge/content/outside.yaml: questions next to the desk's work that it does not answer."""
    rows = yaml.safe_load(OUTSIDE.read_text(encoding="utf-8")) or []
    return tuple(p for row in rows for p in row["phrasings"])


class Index:
    """An immutable index over entries (a sparse TF-IDF matrix per channel); build a new one when content changes.
    The `outside` phrasings form one more, hidden group scored like an entry: a question closer to them than to
    every entry is declined."""

    def __init__(self, entries: Iterable[Entry], *, meaning: bool = True, outside: Sequence[str] | None = None,
                 embed: Callable[[Sequence[str]], np.ndarray] | None = None) -> None:
        self.entries = list(entries)
        self.outside = tuple(outside_topics() if outside is None else outside) if self.entries else ()
        n_entries = len(self.entries)
        docs: list[tuple[int, dict[str, Counter[str]]]] = [
            (i, _doc_features(text)) for i, e in enumerate(self.entries) for text in (e.question, *e.phrasings)
        ] + [(n_entries, _doc_features(text)) for text in self.outside]
        self.doc_entry = np.array([i for i, _ in docs], dtype=np.int64)
        # docs are grouped by entry: the first doc of each entry, for the per-entry maximum
        self.entry_starts = np.flatnonzero(np.r_[True, self.doc_entry[1:] != self.doc_entry[:-1]])
        self.idf: dict[str, dict[str, float]] = {}
        self.vocab: dict[str, dict[str, int]] = {}
        self.matrix: dict[str, sparse.csr_matrix] = {}
        n = max(len(docs), 1)
        self.unknown_idf = math.log(n + 1) + 1  # a query word no entry uses: rarer than any known one
        for channel in WEIGHTS:
            self.idf[channel], self.vocab[channel], self.matrix[channel] = _tfidf([f[channel] for _, f in docs], n)
        # a query word only the outside topics use still counts as unknown to the entries
        self.entry_words = set(chain.from_iterable(f["words"] for _, f in docs[: len(docs) - len(self.outside)]))
        self.vectors: np.ndarray | None = None
        if meaning and self.entries and semantic.available():
            # each phrasing, and the question with its answer (what the answer says helps match indirect questions)
            texts = [t for e in self.entries
                     for t in (e.question, *e.phrasings, f"{e.question} {fill(e.answer, None)}")]
            texts += list(self.outside)
            self.vector_entry = np.array([i for i, e in enumerate(self.entries) for _ in range(len(e.phrasings) + 2)]
                                         + [n_entries] * len(self.outside))
            self.vector_starts = np.flatnonzero(np.r_[True, self.vector_entry[1:] != self.vector_entry[:-1]])
            self.vectors = np.ascontiguousarray((embed or semantic.embed)(texts), dtype=np.float32)
            self.vector_counts = np.diff(np.r_[self.vector_starts, len(self.vectors)])
            self.exhaustive = len(self.vectors) <= EXHAUSTIVE
            if not self.exhaustive:  # per group, the mean vector: its dot product is the mean cosine
                self.means = np.ascontiguousarray(
                    np.add.reduceat(self.vectors, self.vector_starts, axis=0) / self.vector_counts[:, None],
                    dtype=np.float32)
        self.threshold = FUSED_THRESHOLD if self.vectors is not None else LEXICAL_THRESHOLD
        self.margin = FUSED_MARGIN if self.vectors is not None else LEXICAL_MARGIN

    def meaning(self, question: str, lexical: np.ndarray | None = None) -> np.ndarray | None:
        """Per entry (then the outside group): the cosine of its closest phrasing in the semantic channel (None
        without the model). Past EXHAUSTIVE vectors, only candidates are compared phrasing by phrasing (see there);
        `lexical` (per group) names the lexical ones."""
        if self.vectors is None:
            return None
        query = semantic.embed([question])[0]
        if self.exhaustive:
            return np.asarray(np.maximum.reduceat(self.vectors @ query, self.vector_starts))
        out = self.means @ query
        k = min(CANDIDATES, len(out) - 1)
        candidates: list[np.ndarray] = [np.argpartition(-out, k)[:k + 1], np.array([len(out) - 1])]
        if lexical is not None:
            candidates.append(np.argpartition(-lexical, k)[:k + 1])
        chosen: np.ndarray = np.unique(np.concatenate(candidates))
        counts = self.vector_counts[chosen]
        firsts = np.r_[0, np.cumsum(counts)[:-1]]  # where each chosen group starts among the rows read
        rows = np.repeat(self.vector_starts[chosen] - firsts, counts) + np.arange(counts.sum())
        out[chosen] = np.maximum.reduceat(self.vectors[rows] @ query, firsts)
        return out

    def scores(self, question: str) -> np.ndarray:
        """Per entry: the fused score of its best phrasing."""
        return self._scores(question)[: len(self.entries)]

    def _scores(self, question: str) -> np.ndarray:
        """Per entry, then (when there are outside topics) one more: the outside group's score."""
        lexical = self.lexical(question)
        meaning = self.meaning(question, lexical)
        if meaning is None:
            return lexical
        return (1 - SEMANTIC_WEIGHT) * lexical + SEMANTIC_WEIGHT * np.clip(meaning, 0, None)

    def _channel_scores(self, channel: str, counts: Counter[str]) -> np.ndarray:
        vec = _weights(counts, self.idf[channel], unknown=self.unknown_idf)
        vocab = self.vocab[channel]
        known = [(vocab[t], w) for t, w in vec.items() if t in vocab]
        if not known:
            return np.zeros(len(self.doc_entry))
        columns, weights = zip(*known, strict=True)
        return np.asarray(self.matrix[channel][:, list(columns)] @ np.array(weights))

    def lexical(self, question: str) -> np.ndarray:
        """Per entry: the fused lexical score of its best phrasing, lowered when the question is mostly about words
        no entry uses."""
        query = _query_features(question)
        weights = KANA_WEIGHTS if is_kana_only(question) else WEIGHTS
        doc_scores = sum(weight * self._channel_scores(channel, query[channel]) for channel, weight in weights.items())
        entry_scores = np.maximum.reduceat(doc_scores, self.entry_starts)
        words = query["words"]
        unknown = sum(1 for w in words if w not in self.entry_words) / len(words) if words else 0.0
        return np.asarray(entry_scores * (1.0 - UNKNOWN_PENALTY * unknown))

    def search(self, question: str, *, limit: int = 3) -> Result:
        if not self.entries:
            return Result(question, None, (), self.threshold)
        all_scores = self._scores(question)
        entry_scores = all_scores[: len(self.entries)]
        order = np.argsort(-entry_scores)[:limit]
        if entry_scores[order[0]] <= 0:
            return Result(question, None, (), self.threshold)
        ranked = [(int(k), float(entry_scores[k])) for k in order]
        best = Match(self.entries[ranked[0][0]], ranked[0][1])
        outside = bool(self.outside) and float(all_scores[-1]) >= best.score * self.margin
        close = tuple(Match(self.entries[e], sc) for e, sc in ranked[1:]
                      if sc >= max(self.threshold, best.score * CLOSE))
        return Result(question, best, () if outside else close, self.threshold, outside)


def _tfidf(counted: list[Counter[str]], n: int) -> tuple[dict[str, float], dict[str, int], sparse.csc_matrix]:
    """One channel's IDF, vocabulary and document matrix: the weights of `_weights` (sublinear TF × IDF, each row
    L2-normalised), computed with numpy over all documents at once — at 10,000 entries (~50,000 phrasings) a rebuild
    after an edit took ~15 s of Python holding the interpreter lock, with every webhook of the process waiting on it."""
    # In slices of BUILD_SLICE documents: each C call below holds the interpreter lock until it returns, and a
    # rebuild runs beside the webhooks of its process — whole-channel calls held it ~0.5 s at a time at 10,000 entries.
    slices = [counted[i : i + BUILD_SLICE] for i in range(0, len(counted), BUILD_SLICE)]
    lengths = np.fromiter((len(c) for c in counted), dtype=np.int64, count=len(counted))
    terms: list[str] = []
    df: Counter[str] = Counter()
    parts = []
    for part in slices:
        these = list(chain.from_iterable(part))
        terms += these
        df.update(these)
        parts.append(np.fromiter(chain.from_iterable(c.values() for c in part), dtype=np.float64, count=len(these)))
    counts = np.concatenate(parts) if parts else np.zeros(0)
    vocab = {t: j for j, t in enumerate(df)}
    idf_values = np.log((n + 1) / (np.fromiter(df.values(), dtype=np.float64, count=len(df)) + 1)) + 1
    idf = dict(zip(vocab, idf_values.tolist(), strict=True))
    step = max(1, len(terms) // max(1, len(slices)))
    cols = np.concatenate([np.fromiter(map(vocab.__getitem__, terms[i : i + step]), dtype=np.int64)
                           for i in range(0, len(terms), step)] or [np.zeros(0, dtype=np.int64)])
    rows = np.repeat(np.arange(len(counted), dtype=np.int64), lengths)
    raw = (1 + np.log(counts)) * idf_values[cols]
    norms = np.sqrt(np.bincount(rows, weights=raw * raw, minlength=len(counted)))
    norms[norms == 0] = 1.0
    # column-major: a question reads only the postings of its own terms
    matrix = sparse.csc_matrix((raw / norms[rows], (rows, cols)), shape=(len(counted), len(df)), dtype=np.float64)
    return idf, vocab, matrix


def _weights(counts: Counter[str], idf: dict[str, float], *, unknown: float) -> dict[str, float]:
    """Sublinear TF × IDF, L2-normalised. Unknown query terms weigh in (they match nothing, so they lower the
    cosine of a question that is mostly about something else)."""
    raw = {t: (1 + math.log(c)) * idf.get(t, unknown) for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in raw.values())) or 1.0
    return {t: w / norm for t, w in raw.items() if w}


def load(rows: Sequence[dict[str, Any]]) -> list[Entry]:
    return [Entry.from_dict(r) for r in rows]
