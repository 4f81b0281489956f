"""The chat's filters in plain words: outlets, a date range typed as ISO dates, and whether articles
whose year is not stated stay in. Bad input gets one clear sentence (FilterError)."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from index.calendar import MONTHS
from index.errors import UsageError
from index.store_api import Filters

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_MONTHS = [m.lower() for m in MONTHS]
NONE_MATCH = ("\x00no-article",)  # an allow-list no article id can be in


class FilterError(UsageError):
    """A filter the user typed cannot be used; the message says why and what to type instead."""


def parse_day(text: str | None, label: str, end: bool = False) -> str | None:
    """An ISO day "YYYY-MM-DD" from "2022-01-10", "2022-01" or "2022" (the first day, or the last with end),
    or "10 January 2022"; numeric day/month forms are refused, as they read two ways."""
    t = (text or "").strip()
    if not t:
        return None
    m = _ISO.match(t)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2) or (12 if end else 1)), m.group(3)
        try:
            if d is None:
                d = (date(y + (mo == 12), mo % 12 + 1, 1) - date.resolution).day if end else 1
            return date(y, mo, int(d)).isoformat()
        except ValueError:
            raise FilterError(f"{label} “{t}” is not a date on the calendar; write it as YYYY-MM-DD") from None
    m = _NUMERIC.match(t)
    if m:
        a, b, c = m.groups()
        if len(a) != 4 and int(a) <= 12 and int(b) <= 12 and a != b:
            year = c if len(c) == 4 else f"20{c}"
            raise FilterError(f"{label} “{t}” is ambiguous ({int(a)} {_MONTHS[int(b) - 1].title()} or "
                              f"{_MONTHS[int(a) - 1].title()} {int(b)}?): write it as YYYY-MM-DD, e.g. "
                              f"{year}-{int(b):02d}-{int(a):02d}")
        raise FilterError(f"{label} “{t}”: write dates as YYYY-MM-DD, e.g. 2022-01-25")
    words = re.findall(r"[a-z]+|\d+", t.lower())
    months = [i for i, w in enumerate(_MONTHS, 1) if any(x.startswith(w[:3]) and w.startswith(x) for x in words if len(x) >= 3)]
    nums = [int(w) for w in words if w.isdigit()]
    years = [n for n in nums if n > 31]
    days = [n for n in nums if n <= 31]
    if len(months) == 1 and len(years) == 1 and len(days) <= 1:
        try:
            return date(years[0], months[0], days[0] if days else 1).isoformat()
        except ValueError:
            pass
    raise FilterError(f"{label} “{t}” is not a date I can read: write it as YYYY-MM-DD, e.g. 2022-01-25")


def build_filters(outlets, since: str | None, until: str | None, include_yearless: bool,
                  articles: dict, event_since: str | None = None, event_until: str | None = None
                  ) -> tuple[Filters, str | None]:
    """The Filters for the chat's inputs, and a plain description of them (None when no filter is on).
    Articles without a stated year cannot be placed in a date range; include_yearless keeps them in.
    The event range (dates the text states, resolved by index/dates.py) applies passage by passage."""
    filters, described = _article_filters(outlets, since, until, include_yearless, articles)
    if not (event_since or event_until):
        return filters, described
    filters = replace(filters, event_since=event_since or None, event_until=event_until or None)
    filters.event_range()  # a bad bound is refused before any work
    events = f"events stated between {event_since or 'any date'} and {event_until or 'any date'}"
    return filters, "; ".join(w for w in (described, events) if w)


def _article_filters(outlets, since: str | None, until: str | None, include_yearless: bool,
                     articles: dict) -> tuple[Filters, str | None]:
    outlets = tuple(o for o in (outlets or ()) if o)
    lo, hi = parse_day(since, "The From date"), parse_day(until, "The To date", end=True)
    if lo and hi and lo > hi:
        raise FilterError(f"The From date ({lo}) is after the To date ({hi}): swap them or clear one")
    words = []
    if outlets:
        words.append("outlet " + " or ".join(outlets))
    if lo:
        words.append(f"from {lo}")
    if hi:
        words.append(f"to {hi}")
    if not (lo or hi):
        return Filters(outlets=outlets), ("; ".join(words) or None)
    if not include_yearless:
        return Filters(outlets=outlets, since=lo, until=hi), "; ".join(words + ["articles without a stated year left out"])
    dated = Filters(since=lo, until=hi)
    keep = tuple(a.id for a in articles.values()
                 if a.date is None or a.date.year is None or dated.allows(a))
    return Filters(outlets=outlets, article_ids=keep or NONE_MATCH), "; ".join(words + ["articles without a stated year kept"])
