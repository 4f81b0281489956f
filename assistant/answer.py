"""The nouns of an answer: passages, citations and the Answer, all traceable to article offsets."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Any

from index.dates import ResolvedDate


class Tier(str, Enum):
    """What the page stands behind: an answer, a possible answer (low confidence, marked so), or none."""

    ANSWERED = "answered"
    POSSIBLE = "possible"
    ABSTAINED = "abstained"


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
    features: dict[str, float] = field(default_factory=dict, compare=False)  # the evidence the score came from


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
class Support:
    """One candidate behind a group: the answer span text[start:end] in its sentence, where it was read."""

    article_id: str
    start: int
    end: int
    text: str
    sentence_start: int
    sentence_end: int
    sentence: str
    outlet: str | None
    date: str | None
    score: float
    copy_of: str | None = None  # the original article when this one is a near-duplicate reprint


@dataclass(frozen=True)
class AnswerGroup:
    """Candidates that name the same thing. key is the derived normal form they were grouped by and
    reason says how it was derived; sources counts independent articles (copies once)."""

    value: str
    kind: str  # "date" | "number" | "name"
    key: str
    reason: str
    sources: int
    outlets: tuple[str, ...]
    supports: tuple[Support, ...]
    conflicts_with: tuple[int, ...] = ()  # positions of the groups that state this fact differently
    main: bool = False  # holds the answer the assistant gave


@dataclass(frozen=True)
class Answer:
    """What the assistant says: a short answer, the verbatim quote, and numbered citations.

    When abstained, answer and quote are None and the citations are the nearest passages,
    "nearest, not an answer". A "possible" answer is given with its quote and citation, marked as
    low confidence.
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
    resolved_dates: tuple[ResolvedDate, ...] = ()  # the date expressions in the answer span (derived)
    groups: tuple[AnswerGroup, ...] = ()  # what each source says, side by side (assistant/sources.py)
    tier: Tier = Tier.ANSWERED
    shape: str = "fact"  # assistant.shapes.Shape: said, who, event, why, when or fact
    speaker: str | None = None  # said: whose words the answer is; who: whom the role describes
    role: str | None = None  # the speaker's post as the article gives it

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(d: dict[str, Any]) -> "Answer":
        """The exact inverse of to_json (fields this version does not know are dropped, so an answer stored
        by an older or newer version still reads)."""
        def known(cls, row: dict) -> dict:
            return {k: v for k, v in row.items() if k in _FIELDS[cls]}

        def group(g: dict) -> AnswerGroup:
            g = known(AnswerGroup, g)
            return AnswerGroup(**(g | {"outlets": tuple(g.get("outlets", ())),
                                       "supports": tuple(Support(**known(Support, x)) for x in g.get("supports", ())),
                                       "conflicts_with": tuple(g.get("conflicts_with", ()))}))

        fields = known(Answer, d)
        fields["citations"] = tuple(Citation(**known(Citation, c)) for c in d.get("citations", ()))
        fields["resolved_dates"] = tuple(ResolvedDate(**known(ResolvedDate, r)) for r in d.get("resolved_dates", ()))
        fields["groups"] = tuple(group(g) for g in d.get("groups", ()))
        fields["tier"] = Tier(d.get("tier", Tier.ANSWERED))
        return Answer(**fields)


_FIELDS = {cls: {f.name for f in fields(cls)} for cls in (Answer, Citation, AnswerGroup, Support, ResolvedDate)}
