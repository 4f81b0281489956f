"""The store interface: everything the assistant reads from an index, whatever engine holds it.

`assistant/` depends on this Protocol only. The embedded FAISS + BM25 folder (index.newsindex.NewsIndex)
is the first implementation; a distributed engine is a second one. Searches take Filters and apply them
inside the engine (a filtered search returns only allowed chunks), so fusion, reading and citing are
the same code whatever the store.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from .bm25 import lucene_idf
from .dates import events_between, parse_bound, parse_upper_bound
from .metadata import parse_date_string
from .model import Article, Chunk, Sentence


@dataclass(frozen=True)
class Filters:
    """Metadata filters: outlets (case-insensitive), a publication date range (ISO or any parseable
    date; articles whose year is unknown are kept out of a range), article ids, and a range of the
    event dates the text states (index/dates.py; chunk by chunk)."""

    outlets: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    article_ids: tuple[str, ...] = ()
    event_since: str | None = None  # resolved event dates in the text, not publication dates
    event_until: str | None = None

    def active(self) -> bool:
        return bool(self.outlets or self.since or self.until or self.article_ids or self.events())

    def events(self) -> bool:
        return bool(self.event_since or self.event_until)

    def event_range(self):
        """(first day, last day) of the event range; "1988" as an upper bound is 31 December 1988."""
        return parse_bound(self.event_since), parse_upper_bound(self.event_until)

    def allows_chunk(self, article: Article, chunk: Chunk) -> bool:
        """allows(article), and, with an event range, the chunk states an event in it."""
        if not self.allows(article):
            return False
        return not self.events() or bool(events_between(article, *self.event_range(), chunk.start, chunk.end))

    def bounds(self) -> tuple[tuple[int, int, int] | None, tuple[int, int, int] | None]:
        """The date range as sort keys; raises ValueError with one sentence for an unreadable date."""
        lo = _bound(self.since) if self.since else None
        hi = _bound(self.until) if self.until else None
        if lo and hi and lo > hi:
            raise ValueError(f"'since' ({self.since}) is after 'until' ({self.until})")
        return lo, hi

    def allows(self, article: Article) -> bool:
        if self.article_ids and article.id not in self.article_ids:
            return False
        if self.outlets:
            outlet = (article.outlet.value if article.outlet else "").lower()
            if outlet not in {o.lower() for o in self.outlets}:
                return False
        if self.since or self.until:
            d = article.date
            if d is None or d.year is None:  # an unknown year cannot be placed in a range
                return False
            lo, hi = self.bounds()
            key = d.sort_key()
            if (lo and key < lo) or (hi and key > hi):
                return False
        if self.events() and not events_between(article, *self.event_range()):
            return False
        return True


def _bound(text: str) -> tuple[int, int, int]:
    d = parse_date_string(text)
    if d is None or d.year is None:
        raise ValueError(f"cannot read the date {text!r}; use YYYY-MM-DD")
    return d.sort_key()


@runtime_checkable
class Store(Protocol):
    """A loaded index: articles, sentences and chunks with their offsets, dense and BM25 search."""

    kind: str  # "folder", "milvus", ...
    manifest: dict
    articles: Mapping[str, Article]
    sentences: Sequence[Sentence]
    chunks: Sequence[Chunk]
    copies: Mapping[str, str]  # near-duplicate reprint id -> its original's id (index/duplicates.py)

    def embed_query(self, text: str) -> np.ndarray:
        """The unit query vector, by the model the index was built with."""
        ...

    def dense_search(self, qvec: np.ndarray, k: int, filters: Filters = Filters()) -> tuple[np.ndarray, np.ndarray]:
        """Top-k allowed chunk ids by cosine, best first, and their cosines."""
        ...

    def bm25_search(self, tokens: list[str], k: int, filters: Filters = Filters()) -> tuple[np.ndarray, np.ndarray]:
        """Top-k allowed chunk ids with a positive BM25 score, best first (ties by id), and their scores."""
        ...

    def bm25_scores(self, tokens: list[str], ids: np.ndarray) -> np.ndarray:
        """BM25 scores of these chunks (0 where no term matches)."""
        ...

    def chunk_vectors(self, ids: np.ndarray) -> np.ndarray:
        """float32 unit vectors of these chunks, in order."""
        ...

    def sentence_vectors(self, ids) -> np.ndarray:
        """float32 unit vectors of these sentences, in order."""
        ...

    def doc_freq(self, token: str) -> int:
        """How many chunks hold this token."""
        ...

    @property
    def n_docs(self) -> int:
        """How many chunks the BM25 statistics count."""
        ...


def idf(store: Store, token: str) -> float:
    """The Lucene idf of a token in this store (the largest idf for an unknown token)."""
    return float(lucene_idf(store.n_docs, store.doc_freq(token)))
