"""Hybrid retrieval: BM25 and dense (FAISS) candidates, fused.

Two fusions, both over the union of candidates:

* weighted min-max ("minmax", the default, chosen by measurement in eval/RESULTS.md):
      s(c) = w * norm(dense(c)) + (1 - w) * norm(bm25(c)),  norm(x) = (x - min) / (max - min)
* reciprocal rank fusion ("rrf"):
      s(c) = 1 / (k + rank_dense(c)) + 1 / (k + rank_bm25(c))

dense(c) mixes the chunk's own cosine with its best sentence's (sentence-level evidence):
      dense(c) = (1 - a) * cos(q, c) + a * max_{s in c} cos(q, s)
Passages are ordered by s(c) + v * norm(agree(article(c))), where agree(A) sums the two best s of A's
candidates: several chunks of one article agreeing (article-level evidence) lift its passages, so the
reader reads further into the report the question is about (a passage's score stays s(c)). v is
AskSettings.article_weight, 0 by default (measured in eval/experiments/newsq_retrieval.py).
Ties are broken by dense score, then BM25, then chunk order, so results are deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.bm25 import tokenize
from index.store_api import Filters, Store

from .answer import Passage
from .settings import AskSettings, Fusion

__all__ = ["Filters", "Retrieval", "Retriever", "article_agreement", "article_ranking", "fuse", "minmax", "ranks"]


def minmax(x: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; a constant vector maps to 1 where positive, else 0."""
    if len(x) == 0:
        return x
    lo, hi = float(x.min()), float(x.max())
    if hi - lo < 1e-12:
        return (x > 0).astype(np.float32) if hi <= 0 or lo == hi else np.ones_like(x)
    return (x - lo) / (hi - lo)


def ranks(scores: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """1-based ranks, higher score first, ties broken by tiebreak (higher first), then position."""
    order = np.lexsort((np.arange(len(scores)), -tiebreak, -scores))
    r = np.empty(len(scores), np.int64)
    r[order] = np.arange(1, len(scores) + 1)
    return r


def fuse(dense: np.ndarray, bm25: np.ndarray, method: Fusion, dense_weight: float, rrf_k: int) -> np.ndarray:
    """Fused scores in [0, 1] for the candidates (see the module docstring)."""
    method = Fusion(method)
    if method is Fusion.RRF:
        s = 1.0 / (rrf_k + ranks(dense, bm25)) + 1.0 / (rrf_k + ranks(bm25, dense))
        return (s / (2.0 / (rrf_k + 1))).astype(np.float32)
    return (dense_weight * minmax(dense) + (1 - dense_weight) * minmax(bm25)).astype(np.float32)


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
    """Dense + BM25 candidates from a Store, fused into ranked passages."""

    def __init__(self, store: Store, settings: AskSettings):
        self.store = store
        self.settings = settings

    def _dense_scores(self, qvec: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """dense(c) for the given chunks: chunk cosine mixed with the best sentence cosine.
        Vectors come back in one batch each (one call per vector dominated at 10k chunks)."""
        store = self.store
        a = self.settings.sentence_weight
        ids = np.asarray(ids, np.int64)
        c_cos = store.chunk_vectors(ids) @ qvec
        members = [store.chunks[int(c)].sentences for c in ids]
        flat = np.fromiter((s for m in members for s in m), np.int64)
        s_cos = store.sentence_vectors(flat) @ qvec
        starts = np.cumsum([0] + [len(m) for m in members[:-1]])
        best = np.maximum.reduceat(s_cos, starts) if len(flat) else np.zeros(len(ids), np.float32)
        return ((1 - a) * c_cos + a * best).astype(np.float32)

    def retrieve(self, query: str, filters: Filters = Filters(), k: int | None = None) -> Retrieval:
        s = self.settings
        k = k or s.top_k
        store = self.store
        qvec = store.embed_query(query)
        tokens = tokenize(query)
        top_bm25, _ = store.bm25_search(tokens, s.candidates, filters)
        dense_ids, _ = store.dense_search(qvec, s.candidates, filters)
        cand = np.unique(np.concatenate([top_bm25, dense_ids]).astype(np.int64))
        if len(cand) == 0:
            return Retrieval(query, qvec, cand, np.zeros(0), np.zeros(0), np.zeros(0), [])
        bm25 = store.bm25_scores(tokens, cand)
        dense = self._dense_scores(qvec, cand)
        fused = fuse(dense, bm25, s.fusion, s.dense_weight, s.rrf_k)
        ordered_by = fused + s.article_weight * article_agreement(store, cand, fused) if s.article_weight else fused
        order = np.lexsort((cand, -bm25, -dense, -ordered_by))
        passages = []
        for rank, j in enumerate(order[:k], 1):
            ch = store.chunks[int(cand[j])]
            passages.append(Passage(int(cand[j]), ch.article_id, ch.start, ch.end, ch.text,
                                    float(fused[j]), float(bm25[j]), float(dense[j]), rank))
        return Retrieval(query, qvec, cand, bm25, dense, fused, passages)


def article_agreement(store: Store, chunk_ids: np.ndarray, fused: np.ndarray) -> np.ndarray:
    """For each candidate, the sum of its article's two best fused scores among the candidates, in [0, 1]."""
    articles = [store.chunks[int(c)].article_id for c in chunk_ids]
    best: dict[str, list[float]] = {}
    for a, score in zip(articles, fused):
        best.setdefault(a, []).append(float(score))
    top2 = {a: sum(sorted(v, reverse=True)[:2]) for a, v in best.items()}
    return minmax(np.array([top2[a] for a in articles], np.float32))


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
