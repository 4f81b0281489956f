"""Evidence helpers the readers and the confidence share: lexical overlap and passage sentences."""
from __future__ import annotations

from index.store_api import Store, idf

from ..answer import Passage


def lexical_overlap(query_tokens: list[str], text_tokens: set[str], store: Store) -> float:
    """idf-weighted share of the query's terms found in a text, in [0, 1]."""
    terms = list(dict.fromkeys(query_tokens))
    if not terms:
        return 0.0
    weights = [idf(store, t) for t in terms]
    return sum(w for t, w in zip(terms, weights) if t in text_tokens) / sum(weights)


def passage_sentences(passages: list[Passage], store: Store) -> dict[int, Passage]:
    """Sentence id -> the best passage holding it, over the passages in rank order."""
    out: dict[int, Passage] = {}
    for p in passages:
        for sid in store.chunks[p.chunk_id].sentences:
            out.setdefault(sid, p)
    return out
