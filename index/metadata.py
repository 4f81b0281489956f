"""Article metadata read from the text itself, each value with its source offsets.

Title, publication date (with its known precision: a dateline such as "MOSCOW, January 25"
gives month and day and leaves the year unknown), dateline place and outlet.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

from dateutil import parser as dateparser

from .model import Field, PubDate, Span

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?,?\s+"
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}:\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?)?"
# "January 10, 2022, 23:10", "Dec. 23, 2021", "Friday 21 January 2022", "2022-01-10"
_FULL_DATE = re.compile(
    rf"(?:{_WEEKDAY})?(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}){_TIME}"
    r"|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2})?\b"
)
# "GENEVA, January 10. /TASS/.", "WASHINGTON, Jan. 5 (Reuters) -", "NEW YORK/OSLO, Oct 11 (Meridian Press) -",
# and with the state or country wire services add: "FENMORE, Vermont, Sept 12 (Green Mountain Wire) -"
_REGION = r"(?:,\s+[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,2})?"
_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z .'\-/]{{1,40}}[A-Z]){_REGION},\s+(?P<date>{_MONTH}\s+\d{{1,2}})\b\.?"
    r"(?:\s*/\s*(?P<slash>[A-Za-z][A-Za-z .\-]{0,30}?)\s*/)?(?:\s*\((?P<paren>[A-Za-z][A-Za-z .&'\-]{0,30})\))?",
    re.M,
)
# "WASHINGTON (Reuters) -"
_PAREN_DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z .'\-]{1,40}[A-Z])\s*\((?P<paren>[A-Za-z][A-Za-z .\-]{0,30})\)\s*[-—–]", re.M)
# "Dec. 23, 2021 (EIRNS)—"
_OUTLET_AFTER_DATE = re.compile(r"\s*\((?P<outlet>[A-Z][A-Za-z.\- ]{1,20})\)")
# "..., Russian diplomat tells RT", "told Bloomberg"
_TOLD_OUTLET = re.compile(r"\b(?:tells|told|to|says to)\s+(?P<outlet>[A-Z]{2,6})\b")
_HEADER_LINES = 8


def _parse_date(s: str) -> tuple[datetime, bool] | None:
    """Parse a matched date string; the bool says whether it stated a year."""
    try:
        a = dateparser.parse(s, default=datetime(1, 1, 1), fuzzy=True)
        b = dateparser.parse(s, default=datetime(2, 1, 1), fuzzy=True)
    except (ValueError, OverflowError):
        return None
    return a, a.year == b.year


def _pubdate(s: str, start: int, end: int) -> PubDate | None:
    parsed = _parse_date(s)
    if parsed is None:
        return None
    source = "text" if start is not None else None
    dt, has_year = parsed
    has_time = bool(re.search(r"\d:\d\d", s))
    if not has_year:
        return PubDate(iso=f"--{dt.month:02d}-{dt.day:02d}", precision="month-day", year=None,
                       month=dt.month, day=dt.day, start=start, end=end, source=source)
    if has_time:
        return PubDate(iso=dt.strftime("%Y-%m-%dT%H:%M"), precision="minute", year=dt.year, month=dt.month,
                       day=dt.day, hour=dt.hour, minute=dt.minute, start=start, end=end, source=source)
    return PubDate(iso=dt.strftime("%Y-%m-%d"), precision="day", year=dt.year, month=dt.month, day=dt.day,
                   start=start, end=end, source=source)


def parse_date_string(s: str) -> PubDate | None:
    """Parse a date given outside the text (a jsonl field, a CLI filter); no offsets."""
    m = _FULL_DATE.search(s)
    if m:
        d = _pubdate(m.group(0), None, None)  # type: ignore[arg-type]
    elif re.fullmatch(r"\s*\d{4}\s*", s):
        return None
    else:
        d = _pubdate(s, None, None)  # type: ignore[arg-type]
    return replace(d, source="metadata") if d else None


def _line_words(s: str) -> int:
    return len(re.findall(r"\w+", s))


def find_date(text: str, lines: list[Span]) -> PubDate | None:
    """The publication date: a full date that starts or ends a header line, else the dateline's."""
    for span in lines[:_HEADER_LINES]:
        line = text[span.start:span.end]
        for m in _FULL_DATE.finditer(line):
            at_start = not line[:m.start()].strip()
            ends_short_line = not line[m.end():].strip(" .,") and _line_words(line) <= 14
            if at_start or ends_short_line:
                d = _pubdate(m.group(0), span.start + m.start(), span.start + m.end())
                if d:
                    return d
    for span in lines[:_HEADER_LINES]:
        m = _DATELINE.match(text, span.start, span.end)
        if m:
            d = _pubdate(m.group("date"), m.start("date"), m.end("date"))
            if d:
                return d
    return None


def find_dateline(text: str, lines: list[Span]) -> tuple[Field | None, Field | None]:
    """The dateline place ("GENEVA") and the outlet it names ("/TASS/", "(Reuters)"), if any."""
    for span in lines[:_HEADER_LINES]:
        m = _DATELINE.match(text, span.start, span.end) or _PAREN_DATELINE.match(text, span.start, span.end)
        if not m:
            continue
        place = Field(m.group("place").strip(), m.start("place"), m.end("place"))
        outlet = None
        for g in ("slash", "paren"):
            if g in m.groupdict() and m.group(g):
                outlet = Field(m.group(g).strip(), m.start(g), m.end(g))
                break
        return place, outlet
    return None, None


def find_outlet(text: str, date: PubDate | None, title: Field | None) -> Field | None:
    """An outlet named right after the date ("Dec. 23, 2021 (EIRNS)"), or in the title ("tells RT")."""
    if date and date.end is not None:
        m = _OUTLET_AFTER_DATE.match(text, date.end)
        if m:
            return Field(m.group("outlet"), m.start("outlet"), m.end("outlet"))
    if title and title.start is not None:
        m = _TOLD_OUTLET.search(text, title.start, title.end)
        if m:
            return Field(m.group("outlet"), m.start("outlet"), m.end("outlet"))
    return None


def _is_date_line(line: str) -> bool:
    rest = _FULL_DATE.sub("", line)
    return _line_words(rest) <= 1


def find_title(text: str, lines: list[Span], given: str | None = None) -> Field | None:
    """The headline: the given title (located in the text when it is there), else the first header line
    that is neither a date line nor a dateline paragraph."""
    if given:
        at = text.find(given)
        return Field(given, at, at + len(given)) if at >= 0 else Field(given)
    for span in lines[:_HEADER_LINES]:
        line = text[span.start:span.end]
        if _is_date_line(line) or _DATELINE.match(line) or _line_words(line) > 40 or line.endswith(":"):
            continue
        return Field(line, span.start, span.end)
    return None


def extract(text: str, lines: list[Span], given_title: str | None = None, given_date: str | None = None,
            given_outlet: str | None = None) -> dict:
    """All metadata of one article as keyword arguments for Article; values the file gave win."""
    title = find_title(text, lines, given_title)
    date = (parse_date_string(given_date) if given_date else None) or find_date(text, lines)
    place, dateline_outlet = find_dateline(text, lines)
    if given_outlet:
        at = text.find(given_outlet)
        outlet = Field(given_outlet, at, at + len(given_outlet)) if at >= 0 else Field(given_outlet)
    else:
        outlet = dateline_outlet or find_outlet(text, date, title)
    return {"title": title, "date": date, "dateline": place, "outlet": outlet}
