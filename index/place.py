"""Where a collection lives: an index folder, or an index inside Milvus; and its own articles.

A collection's own articles (uploads, fetched pages and feed items) live inside the place itself, so two
indexes in one parent folder never share them (they once lived in `articles/` beside the index folder,
and every index in that folder read them).
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from .milvus_store import MilvusConfig

log = logging.getLogger(__name__)
ARTICLES = "articles"


@dataclass(frozen=True)
class Place:
    """An index folder (root), or a Milvus index (milvus) whose collection folder lives under root."""

    root: Path
    milvus: MilvusConfig | None = None

    @property
    def kind(self) -> str:
        return "milvus" if self.milvus else "folder"

    @property
    def articles_dir(self) -> Path:
        """The collection's own articles: every build of this index reads them, no other index does."""
        if self.milvus:
            return Path(self.root) / f"milvus-{self.milvus.name}" / ARTICLES
        return Path(self.root) / ARTICLES

    def shown(self) -> str:
        if self.milvus:
            return f"Milvus index {self.milvus.name!r} at {self.milvus.shown()}"
        return str(self.root)


def as_place(where: Path | str | Place) -> Place:
    return where if isinstance(where, Place) else Place(Path(where))


def collection_dir(where: Path | str | Place) -> Path:
    """The folder of a collection's own articles (uploads, pages, feed items)."""
    return as_place(where).articles_dir


def adopt_legacy_articles(place: Place, indexed_sources: list[str]) -> str | None:
    """Copy this index's own articles out of the old shared `articles/` folder beside it.

    Only files that this index actually holds (by the source path each indexed article records) are
    copied; the old folder is left as it was, since a neighbouring index may hold others from it.
    Returns the one-line notice to show, or None when there was nothing to adopt.
    """
    if place.milvus:
        return None
    legacy = Path(place.root).parent / ARTICLES
    target = place.articles_dir
    if target.exists() or not legacy.is_dir():
        return None
    legacy_r = legacy.resolve()
    files = sorted({Path(s.rsplit(":", 1)[0] if ".jsonl:" in s else s) for s in indexed_sources})
    mine = [f for f in files if f.is_file() and f.resolve().parent == legacy_r]
    if not mine:
        return None
    tmp = target.with_name(ARTICLES + ".adopting")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for f in mine:
        shutil.copy2(f, tmp / f.name)
    tmp.rename(target)  # all or nothing: a crash midway leaves no half-filled collection
    return (f"moved this index's {len(mine)} own article(s) from the shared {legacy} into {target} "
            f"(each index now keeps its own; {legacy} is left for any other index that used it)")
