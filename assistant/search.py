"""Search (the list, not one answer) and "latest" questions.

search(): the articles and passages matching a query, each with outlet, date and the parts to
highlight (the passage's best sentence and the query's words, as offsets into the article), sorted by
relevance or by date, under the same Filters as questions. Reprints (near-duplicates) are folded into
their original's hit.

Questions that ask for the latest ("What is the latest on ...", "most recent", "newest") get a small
re-ranking step: among the passages that are relevant (fused score at least RECENT_WITHIN of the
best), newer articles come first, so the reader reads the newest report; the answer then says which
date it is from.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from index.bm25 import tokenize
from index.calendar import display_date
from index.duplicates import source_of
from index.store_api import Store

from .answer import Answer, Passage
from .retrieval import Filters, Retriever

RECENT_WITHIN = 0.6
MIN_DENSE_ALONE = 0.5  # a search hit sharing no word with the query must be this close in meaning
_LATEST = re.compile(r"\b(?:latest|most recent(?:ly)?|newest|recent(?:ly)? (?:news|developments?|reports?)|"
                     r"last (?:news|word|report|update)|up to date|current state|now stand)\b", re.I)


def asks_for_latest(question: str) -> bool:
    return bool(_LATEST.search(question or ""))


def _date_key(index: Store, article_id: str) -> tuple:
    d = index.articles[article_id].date
    if d is None or d.year is None:
        return (0, 0, 0, 0, 0)  # undated articles cannot be the latest
    return (d.year, d.month, d.day, d.hour or 0, d.minute or 0)


def rerank_latest(question: str, passages: list[Passage], index: Store) -> list[Passage]:
    """For a question asking for the latest: relevant passages newest first (the rest after, as they
    were); any other question's passages come back unchanged."""
    if not passages or not asks_for_latest(question):
        return passages
    top = max(p.score for p in passages)
    relevant = [p for p in passages if p.score >= RECENT_WITHIN * top]
    rest = [p for p in passages if p.score < RECENT_WITHIN * top]
    relevant.sort(key=lambda p: (tuple(-x for x in _date_key(index, p.article_id)), -p.score, p.rank))
    return [replace(p, rank=i) for i, p in enumerate(relevant + rest, 1)]


def with_latest_date(question: str, answer: Answer, index: Store) -> Answer:
    """For a "latest" question, a note saying which article date the answer (or the nearest passage) is from."""
    if not asks_for_latest(question) or not answer.citations:
        return answer
    c = answer.citations[(answer.answer_citation or 1) - 1]
    newest = max((c2 for c2 in answer.citations), key=lambda x: _date_key(index, x.article_id))
    what = "the nearest passage" if answer.abstained else "this answer"
    text = f"Latest first: {what} is from {c.outlet or 'an unknown outlet'} of {display_date(c.date, 'an undated article')}"
    if newest.article_id != c.article_id and _date_key(index, newest.article_id) > _date_key(index, c.article_id):
        text += f"; the newest cited article is {newest.outlet or 'unknown outlet'} of {display_date(newest.date, 'an undated article')}"
    note = f"{answer.note}; {text}" if answer.note else text
    return replace(answer, note=note + ".")


@dataclass(frozen=True)
class SearchHit:
    """A matching passage article.text[start:end]; highlights are (start, end) offsets into the article
    (the best sentence first, then the query's words); copies: reprints folded into this hit."""

    article_id: str
    start: int
    end: int
    text: str
    score: float
    title: str | None
    outlet: str | None
    date: str | None
    dateline: str | None
    highlights: tuple[tuple[int, int], ...]
    copies: tuple[str, ...] = ()


def search(index: Store, retriever: Retriever, query: str, filters: Filters = Filters(), sort: str = "relevance",
           limit: int = 20, per_article: int = 2) -> list[SearchHit]:
    """Matching passages, at most per_article from one article, sorted by "relevance" or "date" (newest
    first, undated last)."""
    if sort not in ("relevance", "date"):
        raise ValueError(f"unknown sort {sort!r}: use relevance or date")
    if not tokenize(query):
        raise ValueError("give some words to search for")
    retrieval = retriever.retrieve(query, filters, k=max(limit * 3, 30))
    copies = index.copies
    q_terms = set(tokenize(query))
    top = max((p.score for p in retrieval.passages), default=0.0)
    hits: list[SearchHit] = []
    per: dict[str, int] = {}
    families: dict[str, list[str]] = {}
    for p in retrieval.passages:
        if p.score < 0.2 * top or (p.bm25 <= 0 and p.dense < MIN_DENSE_ALONE):
            continue
        src = source_of(p.article_id, copies)
        if src in families and p.article_id not in families[src]:
            families[src].append(p.article_id)  # a reprint: folded into the hit already shown
            continue
        families.setdefault(src, [p.article_id])
        if per.get(p.article_id, 0) >= per_article:
            continue
        per[p.article_id] = per.get(p.article_id, 0) + 1
        hits.append(_hit(index, p, retrieval.qvec, q_terms))
        if len(hits) >= limit:
            break
    hits = [replace(h, copies=tuple(f"{_outlet(index, i)} ({i})" for i in families[source_of(h.article_id, copies)]
                                    if i != h.article_id)) for h in hits]
    if sort == "date":
        hits.sort(key=lambda h: (tuple(-x for x in _date_key(index, h.article_id)), -h.score))
    return hits


def _outlet(index: Store, article_id: str) -> str:
    o = index.articles[article_id].outlet
    return o.value if o else "unknown outlet"


def _hit(index: Store, p: Passage, qvec: np.ndarray, q_terms: set[str]) -> SearchHit:
    a = index.articles[p.article_id]
    sids = list(index.chunks[p.chunk_id].sentences)
    cos = index.sentence_vectors(sids) @ qvec if sids else np.zeros(0)
    marks: list[tuple[int, int]] = []
    if len(sids):
        best = index.sentences[sids[int(np.argmax(cos))]]
        marks.append((best.start, best.end))
    for m in re.finditer(r"\w+", p.text):
        if set(tokenize(m.group(0))) & q_terms:
            marks.append((p.start + m.start(), p.start + m.end()))
    return SearchHit(article_id=p.article_id, start=p.start, end=p.end, text=p.text, score=round(p.score, 4),
                     title=a.title.value if a.title else None, outlet=a.outlet.value if a.outlet else None,
                     date=a.date.iso if a.date else None, dateline=a.dateline.value if a.dateline else None,
                     highlights=tuple(marks))
