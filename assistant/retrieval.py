"""Hybrid retrieval: BM25 and dense (FAISS) candidates, fused.

Two fusions, both over the union of candidates:

* weighted min-max ("minmax", the default, chosen by measurement in eval/RESULTS.md):
      s(c) = w * norm(dense(c)) + (1 - w) * norm(bm25(c)),  norm(x) = (x - min) / (max - min)
* reciprocal rank fusion ("rrf"):
      s(c) = 1 / (k + rank_dense(c)) + 1 / (k + rank_bm25(c))

dense(c) mixes the chunk's own cosine with its best sentence's (sentence-level evidence):
      dense(c) = (1 - a) * cos(q, c) + a * max_{s in c} cos(q, s)
Ties are broken by dense score, then BM25, then chunk order, so results are deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from index.bm25 import tokenize
from index.dates import events_between, parse_bound, parse_upper_bound
from index.metadata import parse_date_string
from index.model import Article
from index.newsindex import NewsIndex
from index.settings import Settings

from .answer import Passage


@dataclass(frozen=True)
class Filters:
    """Metadata filters: outlets (case-insensitive), a date range (ISO or any parseable date), article ids."""

    outlets: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    article_ids: tuple[str, ...] = field(default_factory=tuple)
    event_since: str | None = None  # resolved event dates in the text (index/dates.py), not publication dates
    event_until: str | None = None

    def active(self) -> bool:
        return bool(self.outlets or self.since or self.until or self.article_ids or self.events())

    def events(self) -> bool:
        return bool(self.event_since or self.event_until)

    def event_range(self):
        """(first day, last day) of the event range; "1988" as an upper bound is 31 December 1988."""
        return parse_bound(self.event_since), parse_upper_bound(self.event_until)

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
            key = d.sort_key()
            for bound, ok in ((self.since, lambda b: key >= b), (self.until, lambda b: key <= b)):
                if bound:
                    b = parse_date_string(bound)
                    if b is None or b.year is None:
                        raise ValueError(f"cannot read the date {bound!r}; use YYYY-MM-DD")
                    if not ok(b.sort_key()):
                        return False
        if self.events() and not events_between(article, *self.event_range()):
            return False
        return True


def minmax(x: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; a constant vector maps to 1 where positive, else 0."""
    if len(x) == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 1e-12:
        return (x > 0).astype(np.float32) if hi <= 0 or lo == hi else np.ones_like(x)
    return (x - lo) / (hi - lo)


def top_positive(scores: np.ndarray, n: int) -> np.ndarray:
    """Ids of the n highest positive scores, best first, ties by id (argpartition: linear in the corpus)."""
    if n < len(scores):
        part = np.argpartition(-scores, n - 1)[:n]
    else:
        part = np.arange(len(scores))
    part = part[scores[part] > 0]
    return part[np.lexsort((part, -scores[part]))]


def ranks(scores: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """1-based ranks, higher score first, ties broken by tiebreak (higher first), then position."""
    order = np.lexsort((np.arange(len(scores)), -tiebreak, -scores))
    r = np.empty(len(scores), np.int64)
    r[order] = np.arange(1, len(scores) + 1)
    return r


def fuse(dense: np.ndarray, bm25: np.ndarray, method: str, dense_weight: float, rrf_k: int) -> np.ndarray:
    """Fused scores in [0, 1] for the candidates (see the module docstring)."""
    if method == "rrf":
        s = 1.0 / (rrf_k + ranks(dense, bm25)) + 1.0 / (rrf_k + ranks(bm25, dense))
        return (s / (2.0 / (rrf_k + 1))).astype(np.float32)
    if method == "minmax":
        return (dense_weight * minmax(dense) + (1 - dense_weight) * minmax(bm25)).astype(np.float32)
    raise ValueError(f"unknown fusion {method!r}: use minmax or rrf")


@dataclass
class Retrieval:
    """Candidates with their evidence, before and after fusion (the evaluation reads all of it)."""

    query: str
    qvec: np.ndarray
    chunk_ids: np.ndarray
    bm25: np.ndarray
    dense: np.ndarray
    fused: np.ndarray
    passages: list[Passage]


class Retriever:
    """Dense + BM25 candidates over an index's chunks, fused into ranked passages."""

    def __init__(self, index: NewsIndex, settings: Settings):
        self.index = index
        self.settings = settings
        self._article_of_chunk = [c.article_id for c in index.chunks]

    def _allowed(self, filters: Filters) -> np.ndarray | None:
        if not filters.active():
            return None
        ok = {a.id for a in self.index.articles.values() if filters.allows(a)}
        allowed = np.array([aid in ok for aid in self._article_of_chunk], bool)
        if filters.events():  # only the chunks that state an event in the range
            lo, hi = filters.event_range()
            arts = self.index.articles
            allowed &= np.array([bool(ok_ and events_between(arts[c.article_id], lo, hi, c.start, c.end))
                                 for ok_, c in zip(allowed, self.index.chunks)], bool)
        return allowed

    def _dense_scores(self, qvec: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """dense(c) for the given chunks: chunk cosine mixed with the best sentence cosine.
        Vectors come back in one batch each (one call per vector dominated at 10k chunks)."""
        idx = self.index
        a = self.settings.sentence_weight
        ids = np.asarray(ids, np.int64)
        c_cos = idx.chunk_index.reconstruct_batch(ids) @ qvec
        members = [idx.chunks[int(c)].sentences for c in ids]
        flat = np.fromiter((s for m in members for s in m), np.int64)
        s_cos = idx.sentence_vectors(flat) @ qvec
        starts = np.cumsum([0] + [len(m) for m in members[:-1]])
        best = np.maximum.reduceat(s_cos, starts) if len(flat) else np.zeros(len(ids), np.float32)
        return ((1 - a) * c_cos + a * best).astype(np.float32)

    def retrieve(self, query: str, filters: Filters = Filters(), k: int | None = None,
                 fusion: str | None = None, dense_weight: float | None = None) -> Retrieval:
        s = self.settings
        k = k or s.top_k
        idx = self.index
        qvec = idx.embed_query(query)
        bm25_all = idx.bm25.scores(tokenize(query))
        allowed = self._allowed(filters)
        c = s.candidates
        if allowed is not None and allowed.sum() <= 5000:
            cand = np.flatnonzero(allowed)
        else:
            top_bm25 = top_positive(bm25_all, c)
            dense_ids, _ = idx.search_chunks(qvec, c)
            cand = np.unique(np.concatenate([top_bm25, dense_ids]).astype(np.int64))
            if allowed is not None:
                cand = cand[allowed[cand]]
        if len(cand) == 0:
            return Retrieval(query, qvec, cand, np.zeros(0), np.zeros(0), np.zeros(0), [])
        bm25 = bm25_all[cand].astype(np.float32)
        dense = self._dense_scores(qvec, cand)
        fused = fuse(dense, bm25, fusion or s.fusion, s.dense_weight if dense_weight is None else dense_weight, s.rrf_k)
        order = np.lexsort((cand, -bm25, -dense, -fused))
        passages = []
        for rank, j in enumerate(order[:k], 1):
            ch = idx.chunks[int(cand[j])]
            passages.append(Passage(int(cand[j]), ch.article_id, ch.start, ch.end, ch.text,
                                    float(fused[j]), float(bm25[j]), float(dense[j]), rank))
        return Retrieval(query, qvec, cand, bm25, dense, fused, passages)


def article_ranking(retrieval: Retrieval, chunks_article: list[str], by: str) -> list[str]:
    """Article ids ranked by their best chunk under one signal: "bm25", "dense" or "fused"."""
    scores = {"bm25": retrieval.bm25, "dense": retrieval.dense, "fused": retrieval.fused}[by]
    tiebreak = retrieval.dense if by != "dense" else retrieval.bm25
    order = np.lexsort((retrieval.chunk_ids, -tiebreak, -scores))
    seen: dict[str, None] = {}
    for j in order:
        if by == "bm25" and scores[j] <= 0:
            break
        seen.setdefault(chunks_article[int(retrieval.chunk_ids[j])], None)
    return list(seen)
