"""Search (the list, not one answer) and "latest" questions.

search(): the articles and passages matching a query, each with outlet, date and the parts to
highlight (the sentence that matches, then the query's words, as offsets into the article), sorted by
relevance or by date, under the same Filters as questions. Reprints (near-duplicates) are folded into
their original's hit. A passage ranks by its retrieval score and by its best sentence: the one that
holds the query's words in the story (a word in the headline, the dateline or the report's date line
counts for nothing there: "Geneva" ranks "... held consultations in Geneva." above "GENEVA, January 10."),
mixed with how close it is in meaning. A phrase in double quotes ("security guarantees") is matched
exactly, case aside, across every article the filters allow, and the hits say how many matches there
are in all (SearchHits.matches), not only in the passages listed.

Questions that ask for the latest ("What is the latest on ...", "most recent", "newest") get a small
re-ranking step: among the passages that are relevant (fused score at least RECENT_WITHIN of the
best), newer articles come first, so the reader reads the newest report; the answer then says which
date it is from.
"""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, replace

import numpy as np

from index.bm25 import tokenize
from index.calendar import display_date
from index.duplicates import source_of
from index.store_api import Store, idf

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


class SearchHits(list):
    """The hits, best first, and for a query with a quoted phrase the count of all its matches in the articles
    the filters allow (matches, in matched_articles articles), however many hits are listed."""

    def __init__(self, hits=(), phrases: tuple[str, ...] = (), matches: int | None = None,
                 matched_articles: int | None = None):
        super().__init__(hits)
        self.phrases = phrases
        self.matches = matches
        self.matched_articles = matched_articles


_PHRASE = re.compile(r'"([^"]+)"|“([^”]+)”')
_LAYOUT: "weakref.WeakKeyDictionary[Store, tuple[dict[str, list[int]], dict[int, int]]]" = weakref.WeakKeyDictionary()


def quoted_phrases(query: str) -> tuple[str, ...]:
    """The phrases a query puts in double quotes, to be matched exactly."""
    return tuple(p for p in (" ".join((a or b).split()) for a, b in _PHRASE.findall(query or "")) if tokenize(p))


def phrase_pattern(phrase: str) -> re.Pattern:
    """A phrase word for word, case and the spaces between words aside, never inside a longer word."""
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?!\w)", re.I)


def _layout(index: Store) -> tuple[dict[str, list[int]], dict[int, int]]:
    """Each article's sentences in order, and for each sentence the first chunk holding it (once per index)."""
    cached = _LAYOUT.get(index)
    if cached is None:
        by_article: dict[str, list[int]] = {}
        for sid, sent in enumerate(index.sentences):
            by_article.setdefault(sent.article_id, []).append(sid)
        chunk_of: dict[int, int] = {}
        for cid, ch in enumerate(index.chunks):
            for sid in ch.sentences:
                chunk_of.setdefault(sid, cid)
        cached = _LAYOUT[index] = (by_article, chunk_of)
    return cached


def _metadata_spans(article) -> list[tuple[int, int]]:
    """Where the report names itself: its headline, date and dateline (a query's word there is no match)."""
    return [(f.start, f.end) for f in (article.title, article.date, article.dateline)
            if f is not None and f.start is not None and f.end is not None]


def _story_words(article, start: int, end: int) -> set[str]:
    """The words of article.text[start:end] outside its headline, date and dateline."""
    text = article.text[start:end]
    for a, b in _metadata_spans(article):
        a, b = max(a, start) - start, min(b, end) - start
        if a < b:
            text = text[:a] + " " * (b - a) + text[b:]
    return set(tokenize(text))


def _best_sentence(index: Store, article, sids: list[int], qvec: np.ndarray, weights: dict[str, float],
                   must: tuple[re.Pattern, ...] = ()) -> tuple[int, float] | None:
    """The sentence of sids that matches best and its score in [0, 1]: the query's words it holds in the story
    (idf-weighted), mixed with its closeness in meaning; a sentence holding a query word anywhere (even in the
    dateline) is shown before one that holds none; with phrases (must), only a sentence holding them all."""
    total = sum(weights.values()) or 1.0
    cos = index.sentence_vectors(sids) @ qvec if sids else np.zeros(0)
    best = None
    for sid, c in zip(sids, cos):
        sent = index.sentences[sid]
        if must and not all(r.search(sent.text) for r in must):
            continue
        story = sum(w for t, w in weights.items() if t in _story_words(article, sent.start, sent.end)) / total
        anywhere = any(t in set(tokenize(sent.text)) for t in weights)
        score = 0.6 * story + 0.4 * max(float(c), 0.0)
        key = (anywhere, score)
        if best is None or key > best[0]:
            best = (key, sid, score)
    return (best[1], best[2]) if best else None


def search(index: Store, retriever: Retriever, query: str, filters: Filters = Filters(), sort: str = "relevance",
           limit: int = 20, per_article: int = 2) -> SearchHits:
    """Matching passages, at most per_article from one article, sorted by "relevance" or "date" (newest
    first, undated last); a phrase in double quotes is matched exactly and counted in every article."""
    if sort not in ("relevance", "date"):
        raise ValueError(f"unknown sort {sort!r}: use relevance or date")
    if not tokenize(query):
        raise ValueError("give some words to search for")
    phrases = quoted_phrases(query)
    retrieval = retriever.retrieve(query, filters, k=max(limit * 3, 30))
    q_terms = list(dict.fromkeys(tokenize(query)))
    weights = {t: idf(index, t) for t in q_terms}
    top = max((p.score for p in retrieval.passages), default=0.0)
    if phrases:  # every sentence that holds them may be listed, several from one article
        candidates, matches, matched = _phrase_candidates(index, retrieval, phrases, weights, filters)
        per_article = max(per_article, limit)
    else:
        candidates, matches, matched = [], None, None
        for p in retrieval.passages:
            if p.score < 0.2 * top or (p.bm25 <= 0 and p.dense < MIN_DENSE_ALONE):
                continue
            sids = list(index.chunks[p.chunk_id].sentences)
            found = _best_sentence(index, index.articles[p.article_id], sids, retrieval.qvec, weights)
            sentence, s_score = found if found else (None, 0.0)
            candidates.append((0.5 * p.score + 0.5 * s_score, p, sentence))
    candidates.sort(key=lambda c: (-c[0], c[1].rank))
    copies = index.copies
    hits: list[SearchHit] = []
    per: dict[str, int] = {}
    families: dict[str, list[str]] = {}
    shown: set[tuple[str, int | None]] = set()
    for score, p, sentence in candidates:
        if (p.article_id, sentence) in shown and sentence is not None:
            continue  # overlapping passages of one article: their sentence once
        shown.add((p.article_id, sentence))
        src = source_of(p.article_id, copies)
        if src in families and p.article_id not in families[src]:
            families[src].append(p.article_id)  # a reprint: folded into the hit already shown
            continue
        families.setdefault(src, [p.article_id])
        if per.get(p.article_id, 0) >= per_article:
            continue
        per[p.article_id] = per.get(p.article_id, 0) + 1
        hits.append(_hit(index, replace(p, score=score), sentence, set(q_terms), phrases))
        if len(hits) >= limit:
            break
    hits = [replace(h, copies=tuple(f"{_outlet(index, i)} ({i})" for i in families[source_of(h.article_id, copies)]
                                    if i != h.article_id)) for h in hits]
    if sort == "date":
        hits.sort(key=lambda h: (tuple(-x for x in _date_key(index, h.article_id)), -h.score))
    return SearchHits(hits, phrases, matches, matched)


def _phrase_candidates(index: Store, retrieval, phrases: tuple[str, ...], weights: dict[str, float], filters: Filters):
    """Every sentence holding all the quoted phrases, in every article the filters allow, as (score, passage,
    sentence), and the count of all the phrases' matches (boilerplate aside) and of the articles holding them.
    A sentence's passage is the retrieved chunk holding it, else the first chunk that does."""
    patterns = tuple(phrase_pattern(p) for p in phrases)
    by_article, chunk_of = _layout(index)
    retrieved = {}
    for p in retrieval.passages:
        for sid in index.chunks[p.chunk_id].sentences:
            retrieved.setdefault(sid, p)
    out, matches, matched = [], 0, 0
    for aid, article in index.articles.items():
        if not filters.allows(article):
            continue
        found = [m.span() for r in patterns for m in r.finditer(article.text)
                 if not any(x.start <= m.start() < x.end for x in article.excluded)]
        if not found or not all(r.search(article.text) for r in patterns):
            continue
        matches += len(found)
        matched += 1
        sids = [sid for sid in by_article.get(aid, ()) if all(r.search(index.sentences[sid].text) for r in patterns)]
        cos = index.sentence_vectors(sids) @ retrieval.qvec if sids else np.zeros(0)
        total = sum(weights.values()) or 1.0
        for sid, c in zip(sids, cos):
            p = retrieved.get(sid)
            if p is None:
                cid = chunk_of.get(sid)
                if cid is None:
                    continue
                ch = index.chunks[cid]
                if filters.active() and not filters.allows_chunk(article, ch):
                    continue
                p = Passage(cid, aid, ch.start, ch.end, ch.text, 0.0, 0.0, 0.0, len(retrieval.passages) + 1 + sid)
            sent = index.sentences[sid]
            story = sum(w for t, w in weights.items() if t in _story_words(article, sent.start, sent.end)) / total
            out.append((0.5 * p.score + 0.5 * (0.6 * story + 0.4 * max(float(c), 0.0)), p, sid))
    return out, matches, matched


def _outlet(index: Store, article_id: str) -> str:
    o = index.articles[article_id].outlet
    return o.value if o else "unknown outlet"


def _hit(index: Store, p: Passage, sentence: int | None, q_terms: set[str], phrases: tuple[str, ...] = ()) -> SearchHit:
    a = index.articles[p.article_id]
    marks: list[tuple[int, int]] = []
    if sentence is not None:
        best = index.sentences[sentence]
        marks.append((best.start, best.end))
    for phrase in phrases:
        marks += [(p.start + m.start(), p.start + m.end()) for m in phrase_pattern(phrase).finditer(p.text)]
    for m in re.finditer(r"\w+", p.text):
        if set(tokenize(m.group(0))) & q_terms and not any(s <= p.start + m.start() < e for s, e in marks[1:]):
            marks.append((p.start + m.start(), p.start + m.end()))
    return SearchHit(article_id=p.article_id, start=p.start, end=p.end, text=p.text, score=round(p.score, 4),
                     title=a.title.value if a.title else None, outlet=a.outlet.value if a.outlet else None,
                     date=a.date.iso if a.date else None, dateline=a.dateline.value if a.dateline else None,
                     highlights=tuple(marks))
