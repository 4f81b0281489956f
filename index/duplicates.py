"""Near-duplicate articles: the same wire story reprinted by several outlets is one source.

Each article's indexed text (boilerplate excluded) is reduced to word 5-shingles, hashed into a
MinHash signature (datasketch), and LSH banding (datasketch's bands for THRESHOLD, grouped with numpy)
finds the pairs whose estimated Jaccard similarity is at least THRESHOLD; each pair is then checked with
the exact Jaccard of the shingle sets, so the probabilistic index only proposes and never decides. The
signatures are kept in the index (one row per article), so growing an index signs only its new articles.
Linked articles form groups (union-find); the group's original is its earliest-dated article (then the
smallest id), and every other member is a copy of it. The links live in the index manifest as JSON ({"copies": {copy_id: original_id}});
an index built before this has none, and every article is then its own source.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np
from datasketch import MinHash, MinHashLSH

from .model import Article

log = logging.getLogger(__name__)
THRESHOLD = 0.7
NUM_PERM = 64
SHINGLE = 5
MIN_SHINGLES = 3  # an article with fewer is too short to call anything a copy of it
METHOD = f"minhash-lsh word-{SHINGLE}-shingles, {NUM_PERM} permutations, exact Jaccard check"
_WORD = re.compile(r"\w+")
_UNSIGNED = np.uint32(0xFFFFFFFF)  # the signature of an article with too few shingles: never a candidate


def shingles(article: Article) -> set[str]:
    """Word 5-shingles of the article's text outside its boilerplate, lowercased."""
    text = article.text
    if article.excluded:
        keep, pos = [], 0
        for span in sorted(article.excluded, key=lambda s: s.start):
            keep.append(text[pos:span.start])
            pos = max(pos, span.end)
        keep.append(text[pos:])
        text = " ".join(keep)
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


_BLANK = MinHash(num_perm=NUM_PERM, seed=1)  # its permutations, shared: drawing them per article costs more


def signatures(articles: Sequence[Article]) -> np.ndarray:
    """One MinHash signature per article, shape (len(articles), NUM_PERM), uint32; an article with fewer than
    MIN_SHINGLES shingles gets a row of _UNSIGNED."""
    out = np.full((len(articles), NUM_PERM), _UNSIGNED, np.uint32)
    for i, a in enumerate(articles):
        sh = shingles(a)
        if len(sh) >= MIN_SHINGLES:
            m = MinHash(num_perm=NUM_PERM, seed=1, permutations=_BLANK.permutations, scheme=_BLANK.scheme)
            m.update_batch([x.encode("utf-8") for x in sh])
            out[i] = m.hashvalues
    return out


def _candidates(sigs: np.ndarray, threshold: float = THRESHOLD) -> set[tuple[int, int]]:
    """Row pairs (i < j) that agree on every value of at least one LSH band (the bands for threshold)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)  # only for its bands: b rows of r values
    signed = np.flatnonzero((sigs != _UNSIGNED).any(axis=1))
    pairs: set[tuple[int, int]] = set()
    for start, end in lsh.hashranges:
        band = np.ascontiguousarray(sigs[signed, start:end]).view(np.dtype((np.void, 4 * (end - start)))).ravel()
        _, bucket, counts = np.unique(band, return_inverse=True, return_counts=True)
        shared = counts[bucket] > 1
        rows, buckets = signed[shared], bucket[shared]
        order = np.argsort(buckets, kind="stable")
        rows, buckets = rows[order], buckets[order]
        for group in np.split(rows, np.flatnonzero(np.diff(buckets)) + 1):
            g = group.tolist()
            pairs.update((g[x], g[y]) for x in range(len(g)) for y in range(x + 1, len(g)))
    return pairs


def near_duplicates(articles: Sequence[Article], sigs: np.ndarray | None = None, threshold: float = THRESHOLD) -> dict:
    """{"method", "threshold", "copies": {copy_id: original_id}, "similarity": {copy_id: jaccard}}.
    sigs: the articles' signatures (signatures(articles)), when already known."""
    sigs = signatures(articles) if sigs is None else sigs
    if len(sigs) != len(articles):
        raise ValueError(f"{len(sigs)} signatures for {len(articles)} articles")
    parent = list(range(len(articles)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    sets: dict[int, set[str]] = {}  # shingled only for the candidates
    similarity: dict[int, float] = {}
    for i, j in sorted(_candidates(sigs, threshold)):
        a, b = (sets.get(k) or sets.setdefault(k, shingles(articles[k])) for k in (i, j))
        jac = len(a & b) / len(a | b)
        if jac >= threshold:
            parent[find(j)] = find(i)
            for k in (i, j):
                similarity[k] = max(similarity.get(k, 0.0), round(jac, 3))
    groups: dict[int, list[int]] = {}
    for k in range(len(articles)):
        groups.setdefault(find(k), []).append(k)
    copies = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        group = [articles[k] for k in members]
        original = min(group, key=lambda a: (a.date is None or a.date.year is None,
                                             a.date.sort_key() if a.date else (0, 0, 0), a.id))
        for m in group:
            if m.id != original.id:
                copies[m.id] = original.id
    if copies:
        log.info("near-duplicates: %d copies of %d originals", len(copies), len(set(copies.values())))
    by_id = {articles[k].id: v for k, v in similarity.items()}
    return {"method": METHOD, "threshold": threshold, "copies": dict(sorted(copies.items())),
            "similarity": {k: by_id[k] for k in sorted(copies)}}


def copies_of(manifest: dict) -> dict[str, str]:
    """copy id -> original id from an index manifest; empty for indexes built before the links."""
    nd = manifest.get("near_duplicates") or {}
    copies = nd.get("copies") if isinstance(nd, dict) else None
    return dict(copies) if isinstance(copies, dict) else {}


def source_of(article_id: str, copies: dict[str, str]) -> str:
    """The independent source an article counts as: its original when it is a copy."""
    return copies.get(article_id, article_id)

