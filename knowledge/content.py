"""The default content (knowledge/content/faq.yaml) and YAML import/export."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from knowledge.index import Entry, Index, load

DEFAULT = Path(__file__).parent / "content" / "faq.yaml"


def read_yaml(path: Path) -> list[Entry]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return load(rows)


def write_yaml(entries: list[Entry], path: Path) -> None:
    text = yaml.safe_dump([e.to_dict() for e in entries], allow_unicode=True, sort_keys=False, width=1000)
    path.write_text(text, encoding="utf-8")


@functools.lru_cache(maxsize=1)
def default_index() -> Index:
    return Index(read_yaml(DEFAULT))
