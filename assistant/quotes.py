"""Quote search: "who said ...?" and "what did Ryabkov say about ...?" over an index's quotations.

Every quotation of every article is attributed once per loaded index (assistant.attribution) and
ranked against the query by what it says: idf-weighted word overlap with the quoted sentence and the
embedding similarity of that sentence (the index's own sentence vectors), mixed half and half.
A speaker filter matches the attributed name by surname, and by first name too when one is given,
tolerant of transliteration ("Sergei" / "Sergey").
"""
from __future__ import annotations

import difflib
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index.bm25 import tokenize
from index.duplicates import source_of
from index.store_api import Store, idf

from .attribution import quotations, statements
from .retrieval import Filters


@dataclass(frozen=True)
class QuoteHit:
    """A quotation article.text[start:end] inside the sentence [sentence_start, sentence_end), its
    speaker as the article attributes it (reason says how), and the article's metadata."""

    article_id: str
    start: int
    end: int
    text: str
    sentence_start: int
    sentence_end: int
    sentence: str
    speaker: str | None
    role: str | None
    speaker_kind: str | None
    reason: str
    outlet: str | None
    date: str | None
    dateline: str | None
    title: str | None
    score: float
    copies: tuple[str, ...] = ()  # "Outlet (article id)" of reprints of this article, counted once
    kind: str = "direct"  # "direct" (in quotation marks) or "reported" ("X said that ...")
    how: str = "none"  # how the speaker was found (index.parsing): named_subject, appositive, pronoun_resolved, ...


@dataclass(frozen=True)
class _Entry:
    article_id: str
    start: int
    end: int
    sentence_ids: tuple[int, ...]
    speaker: str | None
    role: str | None
    kind: str | None
    reason: str
    quote_kind: str = "direct"
    how: str = "none"


_CACHE: "weakref.WeakKeyDictionary[Store, list[_Entry]]" = weakref.WeakKeyDictionary()
_WHAT_DID = re.compile(r"^\s*what\s+(?:did|does|has|had)\s+(?P<who>.+?)\s+(?:say|said|tell|told|state|stated)"
                       r"(?:\s+\w+)?(?:\s+(?:about|on|regarding|of|concerning)\s+(?P<q>.*?))?\s*\??\s*$", re.I)
_WHO_SAID = re.compile(r"^\s*who\s+(?:said|says|has said|told|stated|called|warned|described)\b\s*(?:that\s+)?"
                       r"(?P<q>.*?)\s*\??\s*$", re.I)


def parse_question(question: str) -> tuple[str | None, str]:
    """(speaker, what about) of a quote question; a plain query is (None, query)."""
    m = _WHAT_DID.match(question)
    if m:
        return m.group("who").strip(), (m.group("q") or "").strip(" \"“”'")
    m = _WHO_SAID.match(question)
    if m:
        return None, m.group("q").strip(" \"“”'")
    return None, question.strip()


def is_quote_question(question: str) -> bool:
    return bool(_WHAT_DID.match(question) or _WHO_SAID.match(question))


def _entries(index: Store) -> list[_Entry]:
    cached = _CACHE.get(index)
    if cached is not None:
        return cached
    by_article: dict[str, list[int]] = {}
    for sid, s in enumerate(index.sentences):
        by_article.setdefault(s.article_id, []).append(sid)
    out = []
    for aid, article in index.articles.items():
        sids = by_article.get(aid, [])
        for kind, found in (("direct", quotations(article.text)), ("reported", statements(article.text))):
            for q in found:
                inside = tuple(i for i in sids if index.sentences[i].start < q.end and q.start < index.sentences[i].end)
                if not inside:  # a quotation in excluded boilerplate
                    continue
                sp = q.speaker
                out.append(_Entry(aid, q.start, q.end, inside, sp.name if sp else None, sp.role if sp else None,
                                  sp.kind if sp else None, q.reason, kind, q.how))
    _CACHE[index] = out
    return out


def same_speaker(asked: str, name: str | None) -> bool:
    """Whether a name asked for ("Ryabkov", "Sergei Ryabkov") names the attributed speaker."""
    if not name:
        return False
    a = [w for w in re.findall(r"[\w’'-]+", asked.casefold()) if w not in ("the", "mr", "ms", "mrs", "dr")]
    n = re.findall(r"[\w’'-]+", name.casefold())
    if not a or not n:
        return False
    if len(a) == 1:
        return any(difflib.SequenceMatcher(None, a[0], w).ratio() >= 0.85 for w in n)
    return difflib.SequenceMatcher(None, a[-1], n[-1]).ratio() >= 0.85 and \
        difflib.SequenceMatcher(None, " ".join(a[:-1]), " ".join(n[:-1])).ratio() >= 0.75


def search_quotes(index: Store, query: str, speaker: str | None = None, filters: Filters = Filters(),
                  limit: int = 10, attributed_only: bool = True, reported: bool | None = None,
                  whose: Callable[[str | None, str | None, str], bool] | None = None) -> list[QuoteHit]:
    """Quotations matching the query, best first; without a query, newest first. reported: reported
    statements ("X said that ...") count too; by default only when a speaker is named.
    With a speaker named, every quotation of theirs is listed, the query ranking them (their words need not
    repeat the topic: "What did Gavrilov say about the talks?" lists what he said in articles about the
    talks), their own words in quotation marks first and what is reported of them after.
    whose(speaker, role, article id): keep only the quotations it accepts, before any is scored."""
    if reported is None:
        reported = bool(speaker)
    entries = [e for e in _entries(index) if filters.allows(index.articles[e.article_id])
               and (reported or e.quote_kind == "direct")]
    if speaker:
        entries = [e for e in entries if same_speaker(speaker, e.speaker)]
    elif attributed_only:
        entries = [e for e in entries if e.speaker]
    if whose is not None:
        entries = [e for e in entries if whose(e.speaker, e.role, e.article_id)]
    if not entries:
        return []
    q_tokens = list(dict.fromkeys(tokenize(query)))
    if q_tokens:
        weights = {t: idf(index, t) for t in q_tokens}
        total = sum(weights.values()) or 1.0
        qvec = index.embed_query(query)
        scored = []
        for e in entries:
            words = set(tokenize(index.articles[e.article_id].text[e.start:e.end]))
            for sid in e.sentence_ids:
                words |= set(tokenize(index.sentences[sid].text))
            lex = sum(w for t, w in weights.items() if t in words) / total
            dense = float(np.max(index.sentence_vectors(list(e.sentence_ids)) @ qvec))
            scored.append((0.5 * lex + 0.5 * max(dense, 0.0), e))
        if not speaker:
            scored = [(s, e) for s, e in scored if s > 0.25]
        scored.sort(key=lambda x: (-x[0], x[1].article_id, x[1].start))
    else:
        def newest(e: _Entry):
            d = index.articles[e.article_id].date
            return (-(d.year or 0), -(d.month if d else 0), -(d.day if d else 0), e.article_id, e.start) if d \
                else (1, 0, 0, e.article_id, e.start)
        scored = [(1.0, e) for e in sorted(entries, key=newest)]
    if speaker:  # their own words first, what is reported of them after (the sort keeps each one's order)
        scored.sort(key=lambda x: x[1].quote_kind != "direct")
    copies = index.copies
    hits, seen = [], {}
    for s, e in scored:  # a reprinted quotation is shown once, from the original, naming its copies
        text = " ".join(index.articles[e.article_id].text[e.start:e.end].split())
        key = (source_of(e.article_id, copies), text)
        if key in seen:
            continue
        seen[key] = e
        hits.append(_hit(index, e, s, copies))
        if len(hits) == limit:
            break
    return hits


def _hit(index: Store, e: _Entry, score: float, copies: dict[str, str]) -> QuoteHit:
    a = index.articles[e.article_id]
    source = source_of(e.article_id, copies)
    family = [i for i in index.articles if source_of(i, copies) == source and i != e.article_id]
    s0 = index.sentences[e.sentence_ids[0]].start
    s1 = index.sentences[e.sentence_ids[-1]].end
    return QuoteHit(article_id=e.article_id, start=e.start, end=e.end, text=a.text[e.start:e.end],
                    sentence_start=s0, sentence_end=s1, sentence=a.text[s0:s1], speaker=e.speaker, role=e.role,
                    speaker_kind=e.kind, reason=e.reason, outlet=a.outlet.value if a.outlet else None,
                    date=a.date.iso if a.date else None, dateline=a.dateline.value if a.dateline else None,
                    title=a.title.value if a.title else None, score=round(score, 4),
                    copies=tuple(f"{_outlet(index, i)} ({i})" for i in sorted(family)), kind=e.quote_kind, how=e.how)


def _outlet(index: Store, article_id: str) -> str:
    o = index.articles[article_id].outlet
    return o.value if o else "unknown outlet"


def answer_quote_question(index: Store, question: str, filters: Filters = Filters(),
                          limit: int = 5) -> list[QuoteHit]:
    """The quotations a "who said ...?" / "what did X say about ...?" question asks for."""
    who, what = parse_question(question)
    return search_quotes(index, what, speaker=who, filters=filters, limit=limit)
