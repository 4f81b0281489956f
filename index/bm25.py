"""BM25 over chunks: rank-bm25's statistics and Okapi formula, scored through a sparse matrix.

rank-bm25's BM25Okapi uses idf(t) = ln((N - n_t + 0.5) / (n_t + 0.5)), which is zero or negative
(then floored to a small epsilon) for a term in half the documents or more. On a small topical
corpus that silences the names a question is about ("Ryabkov", "INF"). We keep rank-bm25's
statistics and term-frequency saturation but use the always-positive Lucene idf

    idf(t) = ln(1 + (N - n_t + 0.5) / (n_t + 0.5))

    score(q, d) = sum_{t in q} idf(t) * f(t, d) * (k1 + 1) / (f(t, d) + k1 * (1 - b + b * |d| / avgdl))

rank-bm25's get_scores walks every document in Python for every query term; here each term's
contributions are computed once, at load, as a row of a term-by-document sparse matrix, so a query
costs a few array additions. The statistics are rank-bm25's (N, document lengths, avgdl, document
frequencies; tests/index/test_bm25.py checks the scores equal its get_scores), computed with numpy
instead of a Python dict per document, which at 100k chunks held gigabytes.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
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


def lucene_idf(n_docs, doc_freq):
    """idf(t) = ln(1 + (N - n_t + 0.5) / (n_t + 0.5)), for numbers or numpy arrays: the one place it is written."""
    return np.log(1.0 + (n_docs - doc_freq + 0.5) / (doc_freq + 0.5))


class _LuceneIdfBM25(BM25Okapi):
    """rank-bm25's Okapi statistics with an idf that never vanishes."""

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = float(lucene_idf(self.corpus_size, freq))


def reference_bm25(token_lists: list[list[str]], k1: float, b: float) -> BM25Okapi:
    """rank-bm25's own scorer with our idf: the reference the sparse scorer must equal."""
    return _LuceneIdfBM25(token_lists, k1=k1, b=b)


class SparseBM25:
    """BM25 over a term-by-document matrix (CSR over terms) of raw term frequencies.

    Stored: the vocabulary, indptr, document ids and term frequencies per term, and document
    lengths; the BM25 contribution of every (term, document) pair is computed from them at load,
    so documents can be appended (extend) or dropped (select) without touching the others' tokens.
    """

    FILES = ("bm25_vocab.json", "bm25_indptr.npy", "bm25_docs.npy", "bm25_tf.npy", "bm25_doclen.npy")

    def __init__(self, terms: list[str], indptr: np.ndarray, docs: np.ndarray, tf: np.ndarray,
                 doc_len: np.ndarray, k1: float = 1.5, b: float = 0.75):
        self.terms, self.indptr, self.indices, self.tf, self.doc_len = terms, indptr, docs, tf, doc_len
        self.k1, self.b = k1, b
        self.vocab = {t: i for i, t in enumerate(terms)}
        self.n_docs = len(doc_len)
        self.data = self._weights()

    def _term_of_postings(self) -> np.ndarray:
        """The term id of every stored (term, document) pair, in storage order."""
        return np.repeat(np.arange(len(self.terms)), np.diff(self.indptr))

    def _weights(self) -> np.ndarray:
        if self.n_docs == 0 or len(self.indices) == 0:
            return np.zeros(len(self.indices), np.float32)
        n, k1, b = self.n_docs, self.k1, self.b
        df = np.diff(self.indptr).astype(np.float64)
        idf = lucene_idf(n, df)
        avgdl = float(self.doc_len.sum()) / n
        norm = k1 * (1 - b + b * self.doc_len / avgdl) if avgdl else np.full(n, k1)
        f = self.tf.astype(np.float64)
        return (idf[self._term_of_postings()] * f * (k1 + 1) / (f + norm[self.indices])).astype(np.float32)

    @classmethod
    def build(cls, token_lists: list[list[str]], k1: float = 1.5, b: float = 0.75) -> "SparseBM25":
        empty = cls([], np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int32), k1, b)
        return empty.extend(token_lists)

    def extend(self, token_lists: Iterable[list[str]]) -> "SparseBM25":
        """A new index with these documents appended (ids n_docs, n_docs + 1, ...); new terms get new ids."""
        vocab = dict(self.vocab)
        t_new, d_new, f_new, lens = [], [], [], []
        for d, tokens in enumerate(token_lists, self.n_docs):
            lens.append(len(tokens))
            for term, f in Counter(tokens).items():
                t_new.append(vocab.setdefault(term, len(vocab)))
                d_new.append(d)
                f_new.append(f)
        terms = self.terms + list(vocab)[len(self.terms):]
        t = np.concatenate([self._term_of_postings(), np.array(t_new, np.int64)])
        d = np.concatenate([self.indices, np.array(d_new, np.int32)])
        f = np.concatenate([self.tf, np.array(f_new, np.int32)])
        return self._from_triplets(terms, t, d, f, np.concatenate([self.doc_len, np.array(lens, np.int32)]))

    def select(self, keep: np.ndarray) -> "SparseBM25":
        """A new index of the documents in `keep` (ascending old ids), renumbered 0..len(keep)-1;
        terms left in no document are dropped."""
        new_id = np.full(self.n_docs, -1, np.int64)
        new_id[keep] = np.arange(len(keep))
        t = self._term_of_postings()
        d = new_id[self.indices]
        live = d >= 0
        t, d, f = t[live], d[live], self.tf[live]
        used = np.unique(t)
        remap = np.full(len(self.terms), -1, np.int64)
        remap[used] = np.arange(len(used))
        return self._from_triplets([self.terms[i] for i in used], remap[t], d.astype(np.int32), f, self.doc_len[keep])

    def _from_triplets(self, terms: list[str], t: np.ndarray, d: np.ndarray, f: np.ndarray,
                       doc_len: np.ndarray) -> "SparseBM25":
        order = np.lexsort((d, t))
        indptr = np.zeros(len(terms) + 1, np.int64)
        np.cumsum(np.bincount(t, minlength=len(terms)), out=indptr[1:])
        return SparseBM25(terms, indptr, d[order].astype(np.int32), f[order].astype(np.int32),
                          doc_len.astype(np.int32), self.k1, self.b)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every document; repeated query terms count again, as in rank-bm25."""
        out = np.zeros(self.n_docs, np.float32)
        for tok in query_tokens:
            t = self.vocab.get(tok)
            if t is not None:
                lo, hi = self.indptr[t], self.indptr[t + 1]
                out[self.indices[lo:hi]] += self.data[lo:hi]
        return out

    def doc_freq(self, token: str) -> int:
        """How many documents hold this token."""
        t = self.vocab.get(token)
        return 0 if t is None else int(self.indptr[t + 1] - self.indptr[t])

    def save(self, folder: Path) -> None:
        (folder / "bm25_vocab.json").write_text(json.dumps({"k1": self.k1, "b": self.b, "terms": self.terms}))
        for name, arr in zip(self.FILES[1:], (self.indptr, self.indices, self.tf, self.doc_len)):
            np.save(folder / name, arr)

    @classmethod
    def load(cls, folder: Path) -> "SparseBM25":
        meta = json.loads((folder / "bm25_vocab.json").read_text())
        arrays = [np.load(folder / name, allow_pickle=False) for name in cls.FILES[1:]]
        return cls(meta["terms"], *arrays, k1=float(meta["k1"]), b=float(meta["b"]))
