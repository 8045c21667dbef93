from __future__ import annotations

import pytest

from dialogs.normalize import normalize, strip_polite


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ＦＡＱ", "faq"), ("２５名", "25名"), ("ｷｬﾝｾﾙ", "キャンセル"), ("  最初から！！ ", "最初から"), ("質問です。", "質問です")],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_strip_polite() -> None:
    assert strip_polite(normalize("製造業です。")) == "製造業"
    assert strip_polite("相談したいです") == "相談したい"
