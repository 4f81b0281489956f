"""A timeline for a query: the dated statements and events of the passages the retriever finds,
ordered by their resolved calendar date; those whose year the article does not give are kept apart.

Everything shown is verbatim (the sentence, the date expression, both by offsets); the calendar date is
derived (index/dates.py) and says how.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from index.dates import ResolvedDate, dates_in

from .retrieval import Filters

_WS = re.compile(r"\s+")
_EDGE = re.compile(r"^\W+|\W+$")


def _same_statement(text: str) -> str:
    return _EDGE.sub("", _WS.sub(" ", text).lower())


def day_offset(month: int, day: int, ref_month: int, ref_day: int) -> int:
    """Days from the report's month-day to a month-day, taking the nearer way round the year (in
    [-183, 182]): an order for dates whose year is unknown; it gives them no year. (2004 is only a
    calendar to count in that holds 29 February.)"""
    d = (date(2004, month, day) - date(2004, ref_month, ref_day)).days
    return (d + 183) % 366 - 183


@dataclass(frozen=True)
class TimelineEntry:
    """One date expression and the sentence that holds it: article.text[sentence_start:sentence_end] == sentence."""

    date: ResolvedDate
    article_id: str
    sentence_start: int
    sentence_end: int
    sentence: str
    outlet: str | None
    published: str | None  # the article's own date (ISO, "--MM-DD" when its year is unknown)
    title: str | None
    score: float  # fused retrieval score of the passage it came from


@dataclass(frozen=True)
class Timeline:
    query: str
    dated: tuple[TimelineEntry, ...] = field(default_factory=tuple)  # ordered by calendar date
    undated: tuple[TimelineEntry, ...] = field(default_factory=tuple)  # year (or date) not given by the article
    note: str | None = None

    def entries(self) -> tuple[TimelineEntry, ...]:
        return self.dated + self.undated

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _undated_key(e: TimelineEntry, assistant) -> tuple:
    pub = assistant.index.articles[e.article_id].date
    if e.date.month and e.date.day and pub is not None:
        return (e.published is None, e.article_id, 0, day_offset(e.date.month, e.date.day, pub.month, pub.day), e.date.start)
    return (e.published is None, e.article_id, 1, 0, e.date.start)


def build_timeline(assistant, query: str, filters: Filters = Filters(), k: int = 12,
                   min_score: float = 0.25) -> Timeline:
    """The timeline of the top-k passages for query (those fused-scoring at least min_score): each event
    date expression in their sentences (never the article's own date line), ordered by date."""
    query = query if isinstance(query, str) else ""
    if not query.strip():
        return Timeline(query=query, note="Type what the timeline is about, e.g. INF Treaty.")
    index = assistant.index
    retrieval = assistant.retriever.retrieve(query, filters, k=k)
    if not retrieval.passages:
        return Timeline(query=query, note="No article matches the query and filters.")
    seen: set = set()
    entries: list[TimelineEntry] = []
    for p in retrieval.passages:
        if p.score < min_score:
            continue
        article = index.articles[p.article_id]
        for sid in index.chunks[p.chunk_id].sentences:
            sent = index.sentences[sid]
            for d in dates_in(article, sent.start, sent.end):
                if d.role != "event" or not (sent.start <= d.start and d.end <= sent.end):
                    continue
                # a sub-headline repeated in the body is one statement, not two
                key = (article.id, _same_statement(sent.text), d.text)
                if key in seen or (article.id, d.start) in seen:
                    continue
                seen |= {key, (article.id, d.start)}
                entries.append(TimelineEntry(
                    date=d, article_id=article.id, sentence_start=sent.start, sentence_end=sent.end,
                    sentence=sent.text, outlet=article.outlet.value if article.outlet else None,
                    published=article.date.iso if article.date else None,
                    title=article.title.value if article.title else None, score=p.score))
    dated = sorted((e for e in entries if e.date.resolved),
                   key=lambda e: (e.date.date_start, e.date.date_end, e.published or "", e.date.start))
    # year unknown: per article, by month-day counted the nearer way from the report's day (no year given)
    undated = sorted((e for e in entries if not e.date.resolved), key=lambda e: _undated_key(e, assistant))
    note = None if entries else "The passages found hold no date expressions."
    return Timeline(query=query, dated=tuple(dated), undated=tuple(undated), note=note)
