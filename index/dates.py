"""Date expressions in article text, found with their offsets and put on the calendar.

Each expression is resolved against the article's own publication date (`Article.date`, a PubDate
with its precision). Pure functions; computed on demand (one regex pass over an article, cached per
article), so old indexes need nothing new on disk.

Rules, each stated in the `reason` of what it produces:

* An absolute date ("December 8, 1987", "21 January 2022", "2022-01-10") is parsed by
  python-dateutil and needs no base date.
* A partial date ("Dec. 15", "in January") takes the year that puts it nearest the report's date
  (so at most about six months either side): "Dec. 15" in a report of Jan. 6, 2022 is 15 December 2021;
  a past clause keeps it out of the future, and a clause that looks ahead (as for weekdays) out of
  the past ("the plant opens in March" in a September report is the March after).
* A weekday ("on Monday", "Friday's session") is the report's own day when the weekdays match, else the
  most recent such day before the report, or the next one when the clause looks ahead. Whether it does
  comes from the dependency parse of the expression's clause (index/parsing.py): a future or
  conditional verb ("will meet"), an infinitive under "plan", "due", "expected", "is to", or a present
  or present progressive that is not a verb of saying and not in the headline ("Prosecutors meet on
  Tuesday", "talks resume on Monday", "are meeting on Friday": news puts scheduled events in the
  present); a past clause keeps the past. "ahead of" / "upcoming" before it look ahead whatever the
  tense; where the parse finds no verb, the words of the clause decide ("will", "scheduled" ...).
  "last"/"next"/"this Monday" say which explicitly.
* Relative words ("yesterday", "this morning", "last week", "next week", "early next year",
  "two days ago") count from the report's day; weeks run Monday to Sunday.
* "the following day" / "the day before" count from the nearest day-precise date before it in the
  same paragraph.
* When the report's year is unknown (a dateline such as "MOSCOW, January 25" with no year), nothing
  that needs a year gets one: a month-day stays a month-day ("15 January, year not stated"), a
  weekday or a week stays unresolved, and the reason says so. A year is never invented.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

from . import parsing
from .calendar import MONTHS, WEEKDAYS
from .model import Article, PubDate

_MONTH = ("(?:" + "|".join(MONTHS) + r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_END = r"(?![\w-])"
_NUM = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
        "eight": 8, "nine": 9, "ten": 10}

# Order matters: the first pattern to claim characters keeps them (longest, most specific first).
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("full", re.compile(rf"\b(?:{_WD},?\s+)?(?:{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+{_MONTH},?\s+{_YEAR}){_END}")),
    ("iso", re.compile(r"\b(?:1[89]|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b")),
    ("month_year", re.compile(rf"\b(?:(?:early|late|mid-?)\s*)?{_MONTH}\s+(?:of\s+)?{_YEAR}{_END}", re.I)),
    ("month_day", re.compile(rf"\b(?:{_WD},?\s+)?(?:{_MONTH}\s+{_DAY}(?![\d,]*\d)(?!\s*,?\s*{_YEAR})|{_DAY}\s+(?:of\s+)?{_MONTH}(?!\s*,?\s*{_YEAR})){_END}")),
    ("ago", re.compile(r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+"
                       r"(?P<unit>day|week|month|year)s?\s+ago\b", re.I)),
    ("anaphor", re.compile(r"\b(?:on\s+)?the\s+(?P<which>following|next|previous|preceding)\s+day\b"
                           r"|\bthe\s+day\s+(?P<which2>before|after)(?!\s+\w+day\b)\b", re.I)),
    ("period", re.compile(r"\b(?:(?P<part>early|earlier|late|later|mid-?|the\s+end\s+of|the\s+beginning\s+of|"
                          r"the\s+start\s+of|the\s+middle\s+of)\s*)?(?P<rel>last|next|this|the\s+coming|the\s+past|the)\s+"
                          r"(?P<unit>week|month|year)\b", re.I)),
    ("day_word", re.compile(r"\b(?:yesterday|today|tomorrow|tonight|last\s+night|this\s+(?:morning|afternoon|evening))\b",
                            re.I)),
    ("weekday", re.compile(rf"\b(?:(?P<rel>on|last|next|this|since|by|until|from)\s+)?(?P<wd>{_WD})(?P<poss>['’]s)?\b")),
    ("month", re.compile(rf"\b(?:(?P<part>early|late|mid-?)\s*)?(?P<prep>in|since|until|by|from|during|of)\s+"
                         rf"(?:(?P<part2>early|late|mid-?)\s*)?(?P<m>{_MONTH})(?!\s*\d)\b")),
    ("year", re.compile(rf"\b(?P<prep>in|since|of|by|until|from|before|after|during|around|throughout|early|late|mid-?)"
                        rf"\s*(?P<y>{_YEAR})(?![\d-])(?!,\d)", re.I)),
]
_FUTURE = re.compile(r"\b(?:will|would|shall|is\s+to|are\s+to|is\s+due|are\s+due|due\s+to|set\s+to|going\s+to|"
                     r"scheduled|planned|plans?\s+to|expects?|expected|hopes?\s+to|upcoming|ahead\s+of)\b", re.I)
# Past-tense markers that override the nearest-year rule only when the nearest year lies ahead of the report
# ("last changed its rate on Jan. 1" in a September report is the January before, not the one after).
_PAST = re.compile(r"\b(?:was|were|had|did|said|held|met|took|began|signed|changed|ended|started|agreed|announced|"
                   r"last|ago|earlier|previously)\b", re.I)
_PARA = re.compile(r"\n\s*\n")
# words right before an expression that place it ahead whatever the verb's tense ("ahead of Friday's vote")
_AHEAD_OF = re.compile(r"\b(?:ahead\s+of|upcoming|scheduled\s+for|set\s+for|due\s+on)\s+(?:the\s+|this\s+|next\s+)?$",
                       re.I)


@dataclass(frozen=True)
class ResolvedDate:
    """A date expression, article.text[start:end] == text, and where it lies on the calendar.

    date_start/date_end (ISO, inclusive) are None when the expression needs a year the article does not
    give; month/day then keep what the text does state. derived_from is the ISO base date the expression
    was counted from (the report's date, or an earlier date for "the following day"); None for an
    absolute date. role: "event" for dates in the text, "publication"/"dateline" for the article's own.
    """

    article_id: str
    start: int
    end: int
    text: str
    kind: str  # full | iso | month_year | month_day | ago | anaphor | period | day_word | weekday | month | year
    precision: str  # day | week | month | year
    date_start: str | None
    date_end: str | None
    reason: str
    label: str  # "Monday 10 January 2022", "10–16 January 2022", "15 January (year not stated)"
    derived_from: str | None = None
    month: int | None = None
    day: int | None = None
    role: str = "event"

    @property
    def resolved(self) -> bool:
        return self.date_start is not None

    def overlaps(self, since: date | None, until: date | None) -> bool:
        """Whether the calendar range meets [since, until]; an unresolved date meets no range."""
        if self.date_start is None or self.date_end is None:
            return False
        return (since is None or date.fromisoformat(self.date_end) >= since) and \
            (until is None or date.fromisoformat(self.date_start) <= until)


# --- labels -------------------------------------------------------------------------------------------

def day_label(d: date) -> str:
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"


def range_label(a: date, b: date) -> str:
    """"Monday 10 January 2022", "10–16 January 2022", "January–April 2022", "1987"."""
    if a == b:
        return day_label(a)
    whole_months = a.day == 1 and b == b.replace(day=1) + relativedelta(months=1, days=-1)
    if whole_months and a.year == b.year:
        if (a.month, b.month) == (1, 12):
            return str(a.year)
        if a.month == b.month:
            return f"{MONTHS[a.month - 1]} {a.year}"
        return f"{MONTHS[a.month - 1]}–{MONTHS[b.month - 1]} {a.year}"
    if a.year == b.year and a.month == b.month:
        return f"{a.day}–{b.day} {MONTHS[a.month - 1]} {a.year}"
    if a.year == b.year:
        return f"{a.day} {MONTHS[a.month - 1]} – {b.day} {MONTHS[b.month - 1]} {a.year}"
    return f"{a.day} {MONTHS[a.month - 1]} {a.year} – {b.day} {MONTHS[b.month - 1]} {b.year}"


# --- resolution ---------------------------------------------------------------------------------------

def _month_number(token: str) -> int:
    t = token.rstrip(".").lower()[:3]
    return [m[:3].lower() for m in MONTHS].index(t) + 1


def _parse_absolute(s: str) -> date | None:
    try:
        return dateutil_parser.parse(s, default=datetime(2000, 1, 1), fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


def _nearest_year(month: int, day: int | None, ref: date) -> int:
    """The year (ref's, the one before or after) that puts month[/day] nearest ref; ties go to the past."""
    def distance(y: int) -> int:
        if day is not None:
            try:
                return abs((date(y, month, day) - ref).days)
            except ValueError:
                return 10**6
        lo = date(y, month, 1)
        hi = lo + relativedelta(months=1, days=-1)
        return 0 if lo <= ref <= hi else min(abs((lo - ref).days), abs((hi - ref).days))

    return min((ref.year - 1, ref.year, ref.year + 1), key=lambda y: (distance(y), y > ref.year))


def _part(lo: date, hi: date, part: str | None, ref: date | None = None) -> tuple[date, date, str]:
    """Narrow a period to its early / mid / late third (of a year: four months each; of a month: days
    1-10, 11-20, 21-end), or to the part before / after the report."""
    if not part:
        return lo, hi, ""
    p = re.sub(r"\s+", " ", part.lower()).rstrip("-")
    if (hi - lo).days >= 364:
        cuts = [lo, lo + relativedelta(months=4), lo + relativedelta(months=8), hi + timedelta(days=1)]
    elif (hi - lo).days >= 27:
        cuts = [lo, lo + timedelta(days=10), lo + timedelta(days=20), hi + timedelta(days=1)]
    else:
        cuts = [lo, lo + timedelta(days=2), lo + timedelta(days=5), hi + timedelta(days=1)]
    one = timedelta(days=1)
    if p in ("early", "the beginning of", "the start of"):
        return cuts[0], cuts[1] - one, "the early part of "
    if p in ("late", "the end of"):
        return cuts[2], cuts[3] - one, "the late part of "
    if p in ("mid", "the middle of"):
        return cuts[1], cuts[2] - one, "the middle of "
    if p == "earlier" and ref is not None and lo <= ref <= hi:
        return lo, ref, "the part up to the report of "
    if p == "later" and ref is not None and lo <= ref <= hi:
        return ref, hi, "the part after the report of "
    return lo, hi, ""


def _unit_range(d: date, unit: str) -> tuple[date, date]:
    if unit == "week":
        lo = d - timedelta(days=d.weekday())
        return lo, lo + timedelta(days=6)
    if unit == "month":
        lo = d.replace(day=1)
        return lo, lo + relativedelta(months=1, days=-1)
    return date(d.year, 1, 1), date(d.year, 12, 31)


def _clause_start(text: str, start: int) -> int:
    return max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), text.rfind(";", 0, start), 0)


def _looks_ahead(text: str, start: int) -> bool:
    """Whether the clause before an expression speaks of the future ("will meet on Friday")."""
    return bool(_FUTURE.search(text, _clause_start(text, start), start))


def _looks_back(text: str, start: int) -> bool:
    """Whether the clause before an expression speaks of the past and not of the future."""
    left = _clause_start(text, start)
    return bool(_PAST.search(text, left, start)) and not _FUTURE.search(text, left, start)


def clause_time(article: Article, start: int, end: int) -> tuple[str | None, str]:
    """Where the clause of article.text[start:end] places its time, from the dependency parse: "future",
    "past" or None (present about now, or no verb found), with the words for a reason."""
    text = article.text
    if _AHEAD_OF.search(text, max(0, start - 40), start):
        return "future", "“ahead of” / “upcoming” before it"
    verb = parsing.verb_at(text, start, end)
    if verb is None:
        return None, ""
    label = parsing.tense_label(verb.tense, verb.aspect)
    read = parsing.reading(label)
    said = f"“{text[verb.start:verb.end]}”"
    if read == "present":
        title = article.title
        in_title = title is not None and title.start is not None and title.end is not None and \
            title.start <= start < title.end
        if verb.lemma in parsing.SPEECH_LEMMAS or in_title:
            return None, ""
        return "future", f"{said} is in the {label.replace('_', ' ')}, which news uses for what is scheduled"
    if read == "future":
        return "future", f"{said} is {label.replace('_', ' ')}"
    if read == "past":
        return "past", f"{said} is {label.replace('_', ' ')}"
    return None, ""


def _ahead(article: Article, m: re.Match) -> tuple[bool, str]:
    """Whether an expression's clause looks ahead; the parse decides, the clause's words where it is silent."""
    time, why = clause_time(article, m.start(), m.end())
    if time is not None or why:
        return time == "future", why
    verb = parsing.verb_at(article.text, m.start(), m.end())
    if verb is not None:
        return False, ""
    return _looks_ahead(article.text, m.start()), "the clause's words look ahead"


def _back(article: Article, m: re.Match) -> bool:
    """Whether an expression's clause speaks of the past (the parse, else the clause's words)."""
    time, _ = clause_time(article, m.start(), m.end())
    if time is not None:
        return time == "past"
    if parsing.verb_at(article.text, m.start(), m.end()) is not None:
        return False
    return _looks_back(article.text, m.start())


class _Ctx:
    """What one resolution needs: the article, its base date, and the day-precise dates found so far."""

    def __init__(self, article: Article):
        self.article = article
        self.base = article.date
        self.ref = date(article.date.year, article.date.month, article.date.day) \
            if article.date is not None and article.date.year is not None else None
        self.days: list[ResolvedDate] = []


def _make(ctx: _Ctx, m: re.Match, kind: str, precision: str, lo: date | None, hi: date | None, reason: str,
          derived: str | None, label: str | None = None, month: int | None = None, day: int | None = None) -> ResolvedDate:
    if lo is not None and hi is not None and label is None:
        label = range_label(lo, hi)
    if lo is not None and month is None and precision in ("day", "month"):
        month = lo.month
    if lo is not None and day is None and precision == "day":
        day = lo.day
    return ResolvedDate(article_id=ctx.article.id, start=m.start(), end=m.end(), text=m.group(0), kind=kind,
                        precision=precision, date_start=lo.isoformat() if lo else None,
                        date_end=hi.isoformat() if hi else None, reason=reason, label=label or "not resolved",
                        derived_from=derived, month=month, day=day)


def _unresolved(ctx: _Ctx, m: re.Match, kind: str, precision: str, what: str, month: int | None = None,
                day: int | None = None) -> ResolvedDate:
    base = ctx.base
    why = "the article has no date" if base is None else "the article does not state its year"
    if month is not None and day is not None:
        label = f"{day} {MONTHS[month - 1]} (year not stated)"
    elif month is not None:
        label = f"{MONTHS[month - 1]} (year not stated)"
    else:  # e.g. "a Friday near the report (year not stated)"
        label = f"{what} ({'year not stated' if base is not None else 'undated article'})"
    return _make(ctx, m, kind, precision, None, None, f"{what}; {why}, so no year is given", base.iso if base else None,
                 label, month, day)


def _shift_month_day(base: PubDate, days: int) -> tuple[int, int] | None:
    """Month and day `days` from a year-less base, or None when a leap year could change the answer."""
    out = set()
    for y in (2001, 2004):  # one common and one leap year: the month-day must not depend on which
        try:
            d = date(y, base.month, base.day) + timedelta(days=days)
        except ValueError:
            return None
        out.add((d.month, d.day))
    return out.pop() if len(out) == 1 else None


def _resolve(ctx: _Ctx, kind: str, m: re.Match) -> ResolvedDate | None:
    text = ctx.article.text
    ref, base = ctx.ref, ctx.base
    base_iso = base.iso[:10] if base else None
    s = m.group(0)

    if kind in ("full", "iso"):
        d = _parse_absolute(s)
        if d is None:
            return None
        return _make(ctx, m, kind, "day", d, d, "a full date: the text states day, month and year", None)

    if kind == "month_year":
        mm = re.search(_MONTH, s)
        y = int(re.search(_YEAR, s).group(0))
        month = _month_number(mm.group(0))
        lo = date(y, month, 1)
        hi = lo + relativedelta(months=1, days=-1)
        part = re.match(r"(early|late|mid)-?", s, re.I)
        lo, hi, how = _part(lo, hi, part.group(1) if part else None)
        return _make(ctx, m, kind, "month", lo, hi, f"{how}a month and year stated in the text", None)

    if kind == "month_day":
        mm = re.search(_MONTH, s)
        month = _month_number(mm.group(0))
        day = int(re.search(r"\d{1,2}", s[:mm.start()] + " " + s[mm.end():]).group(0))
        try:
            date(2004, month, day)
        except ValueError:
            return None
        if ref is None:
            return _unresolved(ctx, m, kind, "day", f"{day} {MONTHS[month - 1]}", month, day)
        y = _nearest_year(month, day, ref)
        rule = "the one that puts the date nearest the report's date"
        try:
            if date(y, month, day) > ref and _back(ctx.article, m):
                y, rule = y - 1, "the latest before the report, as the clause speaks of the past"
            elif date(y, month, day) < ref:
                ahead, why = _ahead(ctx.article, m)
                if ahead:
                    y, rule = y + 1, f"the first after the report, as the clause looks ahead ({why})"
            d = date(y, month, day)
        except ValueError:  # 29 February in a common year
            return _unresolved(ctx, m, kind, "day", f"{day} {MONTHS[month - 1]} falls in no nearby year", month, day)
        where = "the report's year" if y == ref.year else ("the year before the report's" if y < ref.year
                                                           else "the year after the report's")
        return _make(ctx, m, kind, "day", d, d, f"month and day in the text, year not: {where}, {rule}", base_iso)

    if kind == "month":
        month = _month_number(m.group("m"))
        if ref is None:
            return _unresolved(ctx, m, kind, "month", f"{MONTHS[month - 1]}", month)
        y = _nearest_year(month, None, ref)
        rule = "nearest the report's date"
        if date(y, month, 1) + relativedelta(months=1, days=-1) < ref:
            ahead, why = _ahead(ctx.article, m)
            if ahead:
                y, rule = y + 1, f"after the report, as the clause looks ahead ({why})"
        elif date(y, month, 1) > ref and _back(ctx.article, m):
            y, rule = y - 1, "before the report, as the clause speaks of the past"
        lo = date(y, month, 1)
        lo, hi, how = _part(lo, lo + relativedelta(months=1, days=-1), m.group("part") or m.group("part2"))
        return _make(ctx, m, kind, "month", lo, hi, f"{how}a month named without a year: the {MONTHS[month - 1]} "
                     f"{rule}", base_iso)

    if kind == "year":
        y = int(m.group("y"))
        prep = m.group("prep").lower().rstrip("-")
        lo, hi, how = _part(date(y, 1, 1), date(y, 12, 31), prep if prep in ("early", "late", "mid") else None)
        return _make(ctx, m, kind, "year", lo, hi, f"{how}a year stated in the text", None)

    if kind == "ago":
        n = _NUM.get(m.group("n").lower()) or int(m.group("n"))
        unit = m.group("unit").lower()
        if unit == "day":
            if ref is None:
                md = _shift_month_day(base, -n) if base else None
                return _unresolved(ctx, m, kind, "day", f"{n} day(s) before the report", *(md or (None, None)))
            d = ref - timedelta(days=n)
            return _make(ctx, m, kind, "day", d, d, f"{n} day(s) before the report's date", base_iso)
        if ref is None:
            return _unresolved(ctx, m, kind, unit, f"{n} {unit}(s) before the report")
        d = ref - relativedelta(**{unit + "s": n})
        lo, hi = _unit_range(d, unit)
        return _make(ctx, m, kind, unit, lo, hi, f"the {unit} {n} {unit}(s) before the report's date", base_iso)

    if kind == "day_word":
        w = re.sub(r"\s+", " ", s.lower())
        offset, what = {"yesterday": (-1, "the day before the report"), "tomorrow": (1, "the day after the report"),
                        "last night": (-1, "the night before the report: the day before it")}.get(w, (0, "the report's own day"))
        if ref is None:
            md = (_shift_month_day(base, offset) if base else None)
            if md:
                return _make(ctx, m, kind, "day", None, None, f"{what}; the article does not state its year, so no year "
                             "is given", base.iso, f"{md[1]} {MONTHS[md[0] - 1]} (year not stated)", md[0], md[1])
            return _unresolved(ctx, m, kind, "day", what)
        d = ref + timedelta(days=offset)
        return _make(ctx, m, kind, "day", d, d, what, base_iso)

    if kind == "anaphor":
        which = (m.group("which") or m.group("which2") or "").lower()
        step = 1 if which in ("following", "next", "after") else -1
        para_start = max((p.end() for p in _PARA.finditer(text, 0, m.start())), default=0)
        anchors = [r for r in ctx.days if para_start <= r.start and r.end <= m.start()]
        if not anchors:
            return None  # "the next day" with nothing to count from is not a date we can place
        a = anchors[-1]
        what = f"the day {'after' if step > 0 else 'before'} “{a.text}” (the date named before it)"
        if a.date_start is None:
            if a.month and a.day:
                md = _shift_month_day(PubDate(iso="", precision="month-day", year=None, month=a.month, day=a.day), step)
                if md:
                    return _make(ctx, m, kind, "day", None, None, f"{what}; the article does not state its year, so no "
                                 "year is given", f"--{a.month:02d}-{a.day:02d}", f"{md[1]} {MONTHS[md[0] - 1]} (year not stated)",
                                 md[0], md[1])
            return _make(ctx, m, kind, "day", None, None, f"{what}, which has no year", a.derived_from,
                         "not resolved (year not stated)")
        d = date.fromisoformat(a.date_start) + timedelta(days=step)
        return _make(ctx, m, kind, "day", d, d, what, a.date_start)

    if kind == "period":
        rel = re.sub(r"\s+", " ", m.group("rel").lower())
        if rel == "the":
            if not (m.group("part") or "").lower().startswith("the"):
                return None  # "the week" alone names no particular week
            rel = "this"  # "the end of the month": the report's month
        unit = m.group("unit").lower()
        step = {"last": -1, "the past": -1, "next": 1, "the coming": 1, "this": 0}[rel]
        what = {-1: f"the {unit} before the report's {unit}", 1: f"the {unit} after the report's {unit}",
                0: f"the report's own {unit}"}[step]
        if ref is None:
            return _unresolved(ctx, m, kind, unit, what)
        lo, hi = _unit_range(ref + relativedelta(**{unit + "s": step}), unit)
        lo, hi, how = _part(lo, hi, m.group("part"), ref)
        note = " (weeks run Monday to Sunday)" if unit == "week" else ""
        return _make(ctx, m, kind, unit, lo, hi, f"{how}{what}{note}", base_iso)

    if kind == "weekday":
        wd = WEEKDAYS.index(m.group("wd"))
        rel = (m.group("rel") or "").lower()
        if ref is None:
            return _unresolved(ctx, m, kind, "day", f"a {WEEKDAYS[wd]} near the report")
        diff = wd - ref.weekday()
        if rel == "this":
            d, what = ref + timedelta(days=diff), f"the {WEEKDAYS[wd]} of the report's week (weeks run Monday to Sunday)"
        elif rel == "next" or (rel not in ("last", "since") and diff != 0 and (ahead := _ahead(ctx.article, m))[0]):
            d = ref + timedelta(days=(diff % 7) or 7)
            what = f"the first {WEEKDAYS[wd]} after the report" + \
                ("" if rel == "next" else f" (the clause looks ahead: {ahead[1]})")
        elif diff == 0 and rel != "last":
            d, what = ref, f"the report's own day, a {WEEKDAYS[wd]}"
        else:
            d = ref - timedelta(days=((-diff) % 7) or 7)
            what = f"the last {WEEKDAYS[wd]} before the report"
        return _make(ctx, m, kind, "day", d, d, what, base_iso)
    return None


def _role(article: Article, start: int, end: int) -> str:
    d = article.date
    if d is not None and d.start is not None and d.start < end and start < d.end:
        return "publication"
    dl = article.dateline
    if dl is not None and dl.end is not None and 0 <= start - dl.end <= 3:
        return "dateline"
    return "event"


def _find(article: Article) -> tuple[ResolvedDate, ...]:
    text = article.text
    taken = bytearray(len(text))
    matches = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            if kind == "weekday" and not m.group("rel") and not m.group("poss"):
                # a bare weekday ("said Thursday") counts only when it follows a verb-like word, not in names
                before = text[max(0, m.start() - 12):m.start()]
                if not re.search(r"\b(?:said|says|told|held|met|announced|on|by|until|late|early|and|or)\s+$", before, re.I):
                    continue
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
            matches.append((m.start(), kind, m))
    ctx = _Ctx(article)
    out = []
    for _, kind, m in sorted(matches, key=lambda t: t[0]):
        r = _resolve(ctx, kind, m)
        if r is None:
            continue
        role = _role(article, r.start, r.end)
        if role != "event":
            r = ResolvedDate(**{**r.__dict__, "role": role})
        if r.precision == "day" and (r.date_start is not None or r.month is not None):
            ctx.days.append(r)
        out.append(r)
    return tuple(out)


@lru_cache(maxsize=4096)
def _cached(article: Article) -> tuple[ResolvedDate, ...]:
    return _find(article)


def find_dates(article: Article) -> tuple[ResolvedDate, ...]:
    """Every date expression of an article, in text order, resolved against its publication date."""
    return _cached(article)


def dates_in(article: Article, start: int, end: int) -> tuple[ResolvedDate, ...]:
    """The date expressions that overlap article.text[start:end]."""
    return tuple(r for r in find_dates(article) if r.start < end and start < r.end)


def answer_dates(article: Article, start: int | None, end: int | None, sentence_start: int,
                 sentence_end: int) -> tuple[ResolvedDate, ...]:
    """The resolved dates to show beside an answer: those in its short span, else none.
    When the reader gave only a sentence, the dates in that sentence."""
    if start is None or end is None:
        return dates_in(article, sentence_start, sentence_end)
    return dates_in(article, start, end)


def events_between(article: Article, since: date | None, until: date | None, start: int = 0,
                   end: int | None = None) -> tuple[ResolvedDate, ...]:
    """The event dates (not the article's own date or dateline) of article.text[start:end] whose calendar
    range meets [since, until]. Dates without a known year meet no range."""
    end = len(article.text) if end is None else end
    return tuple(r for r in find_dates(article)
                 if r.role == "event" and start <= r.start < end and r.overlaps(since, until))


def parse_bound(value: str | None) -> date | None:
    """A date-range bound given by the user ("2022-01-01", "1987", "Dec 1987"): the earliest day it names.
    A bound without a year is refused (ValueError) rather than guessed."""
    if not value:
        return None
    v = value.strip()
    if re.fullmatch(_YEAR, v):
        return date(int(v), 1, 1)
    a = _parse_absolute_strict(v, 1)
    b = _parse_absolute_strict(v, 2)
    if a is None or b is None or a.year != b.year:
        raise ValueError(f"cannot read the date {value!r}; use YYYY-MM-DD")
    return a


def parse_upper_bound(value: str | None) -> date | None:
    """An upper bound: the last day it names ("1988" -> 1988-12-31, "2022-01" -> 2022-01-31)."""
    if not value:
        return None
    v = value.strip()
    if re.fullmatch(_YEAR, v):
        return date(int(v), 12, 31)
    lo = parse_bound(v)
    if re.fullmatch(r"\d{4}-\d{2}", v) or (not re.search(r"\d{1,2}(?!\d)", re.sub(_YEAR, "", v))):
        return lo + relativedelta(months=1, days=-1)  # a month: its last day
    return lo


def _parse_absolute_strict(s: str, default_year: int) -> date | None:
    try:
        return dateutil_parser.parse(s, default=datetime(default_year, 1, 1)).date()
    except (ValueError, OverflowError):
        return None
