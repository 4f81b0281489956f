"""Near-duplicate articles: the same wire story reprinted by several outlets is one source.

Each article's indexed text (boilerplate excluded) is reduced to word 5-shingles, hashed into a
MinHash signature (datasketch), and MinHash LSH finds the pairs whose estimated Jaccard similarity
is at least THRESHOLD; each pair is then checked with the exact Jaccard of the shingle sets, so the
probabilistic index only proposes and never decides. Linked articles form groups (union-find); the
group's original is its earliest-dated article (then the smallest id), and every other member is a
copy of it. The links live in the index manifest as JSON ({"copies": {copy_id: original_id}});
an index built before this has none, and every article is then its own source.
"""
from __future__ import annotations

import logging
import re

from datasketch import MinHash, MinHashLSH

from .model import Article

log = logging.getLogger(__name__)
THRESHOLD = 0.7
NUM_PERM = 64
SHINGLE = 5
_WORD = re.compile(r"\w+")


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


def _signature(sh: set[str]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1)
    if sh:
        m.update_batch([s.encode("utf-8") for s in sh])
    return m


def near_duplicates(articles: list[Article], threshold: float = THRESHOLD) -> dict:
    """{"method", "threshold", "copies": {copy_id: original_id}, "similarity": {copy_id: jaccard}}."""
    sets = {a.id: shingles(a) for a in articles}
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    parent = {a.id: a.id for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    similarity: dict[str, float] = {}
    for a in articles:
        if len(sets[a.id]) < 3:  # too short to call anything a copy of it
            continue
        sig = _signature(sets[a.id])
        for other in lsh.query(sig):
            j = len(sets[a.id] & sets[other]) / len(sets[a.id] | sets[other])
            if j >= threshold:
                parent[find(a.id)] = find(other)
                similarity[a.id] = max(similarity.get(a.id, 0.0), round(j, 3))
                similarity[other] = max(similarity.get(other, 0.0), round(j, 3))
        lsh.insert(a.id, sig)
    groups: dict[str, list[Article]] = {}
    for a in articles:
        groups.setdefault(find(a.id), []).append(a)
    copies = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        original = min(members, key=lambda a: (a.date is None or a.date.year is None,
                                               a.date.sort_key() if a.date else (0, 0, 0), a.id))
        for m in members:
            if m.id != original.id:
                copies[m.id] = original.id
    if copies:
        log.info("near-duplicates: %d copies of %d originals", len(copies), len(set(copies.values())))
    return {"method": f"minhash-lsh word-{SHINGLE}-shingles, {NUM_PERM} permutations, exact Jaccard check",
            "threshold": threshold, "copies": dict(sorted(copies.items())),
            "similarity": {k: similarity[k] for k in sorted(copies)}}


def copies_of(manifest: dict) -> dict[str, str]:
    """copy id -> original id from an index manifest; empty for indexes built before the links."""
    nd = manifest.get("near_duplicates") or {}
    copies = nd.get("copies") if isinstance(nd, dict) else None
    return dict(copies) if isinstance(copies, dict) else {}


def source_of(article_id: str, copies: dict[str, str]) -> str:
    """The independent source an article counts as: its original when it is a copy."""
    return copies.get(article_id, article_id)

