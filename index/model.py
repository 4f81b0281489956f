"""The nouns of the index: small frozen dataclasses whose offsets index the original article text."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) of an article's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Field:
    """A metadata value and, when the article text states it, where: text[start:end].
    source says where the value came from when it matters ("page", "htmldate", "text"; None: the file or text)."""

    value: str
    start: int | None = None
    end: int | None = None
    source: str | None = None




@dataclass(frozen=True)
class PubDate:
    """The one date type of newsdesk: a date with its known precision and where it came from; unknown
    parts stay None, never invented. Article dates, filter bounds, page metadata and resolved event
    dates all use (or extend) it.

    precision is one of "minute", "day", "month-day" (the year is not stated).
    iso is ISO 8601, with "--MM-DD" when the year is unknown.
    source says where it was read: "text" (article.text[start:end] states it), "metadata" (a field
    given beside the text: a JSONL field, a command-line filter), "page" (a web page's own metadata) or
    "htmldate" (found in a page's markup by htmldate).
    """

    iso: str
    precision: str
    year: int | None
    month: int
    day: int
    hour: int | None = None
    minute: int | None = None
    start: int | None = None
    end: int | None = None
    source: str | None = None  # None: not recorded (indexes built before sources were)

    def sort_key(self) -> tuple[int, int, int]:
        """Key for date-range filters; an unknown year sorts as unknown (0)."""
        return (self.year or 0, self.month, self.day)


@dataclass(frozen=True)
class Article:
    """One source article. text is the original text; excluded marks boilerplate spans."""

    id: str
    text: str
    sha256: str
    source: str = ""
    title: Field | None = None
    date: PubDate | None = None
    dateline: Field | None = None
    outlet: Field | None = None
    url: str | None = None
    excluded: tuple[Span, ...] = field(default_factory=tuple)
    author: Field | None = None
    fetched_at: str | None = None  # a fetched web page: when it was fetched (ISO 8601, UTC)
    updated_at: str | None = None  # ... and when a changed version last replaced it

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(d: dict[str, Any]) -> "Article":
        def opt(cls, v):
            return cls(**v) if v else None

        return Article(
            id=d["id"], text=d["text"], sha256=d["sha256"], source=d.get("source", ""),
            title=opt(Field, d.get("title")), date=opt(PubDate, d.get("date")),
            dateline=opt(Field, d.get("dateline")), outlet=opt(Field, d.get("outlet")),
            url=d.get("url"), excluded=tuple(Span(**s) for s in d.get("excluded", ())),
            author=opt(Field, d.get("author")), fetched_at=d.get("fetched_at"), updated_at=d.get("updated_at"),
        )


@dataclass(frozen=True)
class Sentence:
    """A sentence of an article: article.text[start:end] == text."""

    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Chunk:
    """Whole consecutive sentences packed together; sentences are indexes into the index's sentence list."""

    article_id: str
    start: int
    end: int
    text: str
    sentences: tuple[int, ...]
