"""The nouns of an answer: passages, citations and the Answer, all traceable to article offsets."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with the evidence that ranked it."""

    chunk_id: int
    article_id: str
    start: int
    end: int
    text: str
    score: float  # fused, in [0, 1]
    bm25: float  # raw BM25 score
    dense: float  # cosine of the chunk (mixed with its best sentence)
    rank: int  # 1-based


@dataclass(frozen=True)
class AnswerCandidate:
    """A reader's answer: the span [start, end) of an article and the sentence that contains it."""

    article_id: str
    start: int | None  # None: the reader found no short span, only the sentence
    end: int | None
    sentence_id: int
    sentence_start: int
    sentence_end: int
    score: float  # reader confidence in [0, 1]
    no_answer: float = 0.0  # reader's belief that the passages do not answer, in [0, 1]


@dataclass(frozen=True)
class Citation:
    """A numbered source: article.text[start:end] == text, always."""

    number: int
    article_id: str
    start: int
    end: int
    text: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    dateline: str | None = None
    speaker: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Answer:
    """What the assistant says: a short answer, the verbatim quote, and numbered citations.

    When abstained, answer and quote are None and the citations are the nearest passages,
    "nearest, not an answer".
    """

    question: str
    query: str  # the query as rewritten from the conversation
    answer: str | None
    quote: str | None
    confidence: float
    abstained: bool
    citations: tuple[Citation, ...] = field(default_factory=tuple)
    answer_citation: int | None = None  # number of the citation holding the answer
    answer_start: int | None = None  # offsets of the answer span in that citation's article
    answer_end: int | None = None
    note: str | None = None  # e.g. "the question was cut to 2,000 characters"
    reader: str | None = None  # which reader read the passages ("trained", "rules")
    calibrated: bool = False  # confidence is a fitted P(correct), not the reader's raw score
    resolved_dates: tuple = ()  # index.dates.ResolvedDate of the date expressions in the answer span (derived)
    groups: tuple = ()  # assistant.sources.AnswerGroup: what each source says, side by side

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
