"""The FAQ's sentence vectors are kept on disk, so a restarted process (or another worker) does not embed the whole
knowledge base again before its first answer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge import semantic


class Refuses:
    """A model that must not be asked: everything has to come from the disk."""

    def encode(self, texts: list[str]) -> None:
        raise AssertionError(f"embedded again: {texts[:2]}")


def test_an_index_build_is_kept_on_disk_and_read_back_without_the_model(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    if not semantic.available():
        pytest.skip("the embedding model is not installed")
    monkeypatch.setattr(semantic, "_disk", [tmp_path])
    texts = [f"ディスクに残るベクトルの確認その{i}" for i in range(semantic.DISK_BATCH + 2)]
    first = semantic.embed(texts)
    assert (tmp_path / semantic.DISK_FILE).is_file()
    for text in texts:
        semantic._cache.pop(text, None)
    monkeypatch.setattr(semantic, "_model", [Refuses()])
    again = semantic.embed(texts)
    assert np.allclose(first, again) and np.allclose(np.linalg.norm(again, axis=1), 1.0, atol=1e-5)


def test_a_single_question_is_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not semantic.available():
        pytest.skip("the embedding model is not installed")
    monkeypatch.setattr(semantic, "_disk", [tmp_path])
    semantic.embed(["山田です。電話は090-0000-0000、ネットショップの相談です"])
    assert not (tmp_path / semantic.DISK_FILE).exists()  # owners' words stay out of the cache
