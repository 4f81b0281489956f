"""BM25 over chunks: rank-bm25's statistics and Okapi formula, scored through a sparse matrix.

rank-bm25's BM25Okapi uses idf(t) = ln((N - n_t + 0.5) / (n_t + 0.5)), which is zero or negative
(then floored to a small epsilon) for a term in half the documents or more. On a small topical
corpus that silences the names a question is about ("Ryabkov", "INF"). We keep rank-bm25's
statistics and term-frequency saturation but use the always-positive Lucene idf

    idf(t) = ln(1 + (N - n_t + 0.5) / (n_t + 0.5))

    score(q, d) = sum_{t in q} idf(t) * f(t, d) * (k1 + 1) / (f(t, d) + k1 * (1 - b + b * |d| / avgdl))

rank-bm25's get_scores walks every document in Python for every query term; here each term's
contributions are precomputed once as a row of a term-by-document sparse matrix, so a query costs
a few array additions.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import Path

import numpy as np
from rank_bm25 import BM25Okapi

# Function words carry no evidence in a query; measured on the Super Bowl benchmark (eval/RESULTS.md).
STOPWORDS = frozenset("""
a an the and or but if of at by for with about against between into through during before after above
below to from up down in out on off over under again further then once here there when where why how
all any both each few more most other some such no nor not only own same so than too very s t can will
just don should now is are was were be been being have has had having do does did doing i me my we our
you your he him his she her it its they them their what which who whom this that these those am would
could also said says
""".split())
_TOKEN = re.compile(r"\w+")


def tokenize(text: str) -> list[str]:
    """Lower-cased NFKC word tokens without stopwords; "Russia’s" gives "russia"."""
    text = unicodedata.normalize("NFKC", text).lower()
    return [t for t in _TOKEN.findall(text) if t not in STOPWORDS]


class _LuceneIdfBM25(BM25Okapi):
    """rank-bm25's Okapi statistics with an idf that never vanishes."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1.0 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


def reference_bm25(token_lists: list[list[str]], k1: float, b: float) -> BM25Okapi:
    """rank-bm25's own scorer with our idf: the reference the sparse scorer must equal."""
    return _LuceneIdfBM25(token_lists, k1=k1, b=b)


class SparseBM25:
    """Term-by-document matrix of BM25 contributions (CSR: indptr, indices, data) and its vocabulary."""

    def __init__(self, vocab: dict[str, int], indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n_docs: int):
        self.vocab, self.indptr, self.indices, self.data, self.n_docs = vocab, indptr, indices, data, n_docs

    @classmethod
    def build(cls, token_lists: list[list[str]], k1: float = 1.5, b: float = 0.75) -> "SparseBM25":
        n = len(token_lists)
        if n == 0:
            return cls({}, np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32), 0)
        ref = reference_bm25(token_lists, k1, b)
        postings: dict[str, list[tuple[int, float]]] = {}
        for d, freqs in enumerate(ref.doc_freqs):
            norm = k1 * (1 - b + b * ref.doc_len[d] / ref.avgdl) if ref.avgdl else k1
            for term, f in freqs.items():
                postings.setdefault(term, []).append((d, ref.idf[term] * f * (k1 + 1) / (f + norm)))
        terms = sorted(postings)
        vocab = {t: i for i, t in enumerate(terms)}
        indptr = np.zeros(len(terms) + 1, np.int64)
        for i, t in enumerate(terms):
            indptr[i + 1] = indptr[i] + len(postings[t])
        indices = np.fromiter((d for t in terms for d, _ in postings[t]), np.int32, int(indptr[-1]))
        data = np.fromiter((w for t in terms for _, w in postings[t]), np.float64, int(indptr[-1]))
        return cls(vocab, indptr, indices, data.astype(np.float32), n)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every document; repeated query terms count again, as in rank-bm25."""
        out = np.zeros(self.n_docs, np.float32)
        for tok in query_tokens:
            t = self.vocab.get(tok)
            if t is not None:
                lo, hi = self.indptr[t], self.indptr[t + 1]
                out[self.indices[lo:hi]] += self.data[lo:hi]
        return out

    FILES = ("bm25_vocab.json", "bm25_indptr.npy", "bm25_indices.npy", "bm25_data.npy")

    def save(self, folder: Path) -> None:
        (folder / "bm25_vocab.json").write_text(json.dumps({"n_docs": self.n_docs, "terms": list(self.vocab)}))
        np.save(folder / "bm25_indptr.npy", self.indptr)
        np.save(folder / "bm25_indices.npy", self.indices)
        np.save(folder / "bm25_data.npy", self.data)

    @classmethod
    def load(cls, folder: Path) -> "SparseBM25":
        meta = json.loads((folder / "bm25_vocab.json").read_text())
        vocab = {t: i for i, t in enumerate(meta["terms"])}
        arrays = [np.load(folder / name, allow_pickle=False) for name in cls.FILES[1:]]
        return cls(vocab, *arrays, n_docs=int(meta["n_docs"]))


def idf_of(bm25: SparseBM25, token: str) -> float:
    """The Lucene idf of a token in this index (the largest idf for an unknown token)."""
    t = bm25.vocab.get(token)
    n = 0 if t is None else int(bm25.indptr[t + 1] - bm25.indptr[t])
    return math.log(1.0 + (bm25.n_docs - n + 0.5) / (n + 0.5))
