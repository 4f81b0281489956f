"""Web pages as articles: trafilatura extracts the main text and the page's metadata, htmldate the date
when the page's markup does not state one.

The stored article text is the extracted main text (navigation, cookie banners, related-article lists,
comments and footers left out), so every offset indexes what is stored. Each metadata value records
where it came from in its `source`: "page" (the page's own metadata: JSON-LD, meta tags, <title>),
"htmldate" (a date htmldate found in the page's text or URL) or "text" (read from the article text
by index.metadata); a value that also appears in the text carries its offsets there.

A page fetched by `newsdesk add` is stored with a one-line fetch record in front of it
(`<!-- newsdesk-fetch {...} -->`, the way browsers write "saved from url="): the URL it was fetched
from, when, and when it was last replaced by a changed version.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

import courlan
import htmldate
import trafilatura

from . import metadata
from .model import Field, PubDate, Span

log = logging.getLogger(__name__)

PAGE, HTMLDATE, TEXT = "page", "htmldate", "text"
_RECORD = re.compile(r"\A\s*<!-- newsdesk-fetch (?P<json>\{.*?\}) -->\n?", re.S)
_SAVED_FROM = re.compile(r"<!-- saved from url=\(\d+\)(?P<url>https?://[^\s>]+?) ?-->", re.I)
_ID_CHARS = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class FetchRecord:
    """How a page came into the collection: the URL asked for, the URL served, and when."""

    url: str
    final_url: str
    fetched_at: str
    updated_at: str | None = None  # when a changed version last replaced the stored one
    feed: str | None = None  # the feed that listed it


@dataclass(frozen=True)
class Page:
    """What trafilatura (and htmldate) read from one HTML page. text is the extracted main text."""

    text: str
    title: str | None = None
    author: str | None = None
    sitename: str | None = None
    date: str | None = None  # YYYY-MM-DD
    date_source: str | None = None  # PAGE or HTMLDATE
    url: str | None = None
    fetch: FetchRecord | None = None


def read_fetch_record(html: str) -> tuple[FetchRecord | None, str]:
    """The fetch record in front of a stored page (if any) and the page without it."""
    m = _RECORD.match(html)
    if not m:
        return None, html
    try:
        rec = FetchRecord(**json.loads(m.group("json")))
    except (ValueError, TypeError):
        return None, html[m.end():]
    return rec, html[m.end():]


def with_fetch_record(html: str, record: FetchRecord) -> str:
    """The page with its fetch record in front (">" escaped, so the JSON cannot close the comment)."""
    _, page = read_fetch_record(html)
    data = json.dumps(asdict(record), ensure_ascii=False, sort_keys=True).replace(">", "\\u003e")
    return f"<!-- newsdesk-fetch {data} -->\n{page}"


def normalize_url(url: str) -> str:
    """The URL that names a page: lower-case host, no fragment, no tracking parameters (courlan)."""
    try:
        return courlan.normalize_url(url.strip(), strict=True)
    except (ValueError, AttributeError):
        return url.strip()


def page_id(url: str) -> str:
    """A stable, readable article id for a page URL: host, last path segment and a short hash.
    The same page ingested twice (fetched, or saved under another file name) gets the same id."""
    norm = normalize_url(url)
    parts = urlsplit(norm)
    host = (parts.hostname or "page").removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    slug = re.sub(r"\.(s?html?|php|aspx?)$", "", segments[-1].lower()) if segments else ""
    slug = _ID_CHARS.sub("-", slug).strip("-")[:48]
    digest = hashlib.sha256(norm.encode("utf-8")).hexdigest()[:10]
    return "-".join(p for p in (_ID_CHARS.sub("-", host.lower()).strip("-"), slug, digest) if p)


def _same_site(a: str, b: str) -> bool:
    ha, hb = (urlsplit(u).hostname or "" for u in (a, b))
    return ha.removeprefix("www.") == hb.removeprefix("www.")


def extract_page(html: str, url: str | None = None, fetch: FetchRecord | None = None) -> Page | None:
    """Main text and metadata of an HTML page; None when it has no extractable main text.

    url is where the page was fetched from; the page's own canonical URL wins when it is on the same site.
    """
    if fetch is None:
        fetch, html = read_fetch_record(html)
    if fetch and not url:
        url = fetch.final_url
    saved = _SAVED_FROM.search(html[:4096])
    doc = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=True, with_metadata=True, favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True})
    if doc is None:
        return None
    text = (doc.text or "").strip()
    if not text:
        return None
    stated = doc.url if doc.url and doc.url.startswith(("http://", "https://")) else None
    page_url = url or (saved.group("url") if saved else None)
    if stated and (page_url is None or _same_site(stated, page_url)):
        page_url = stated
    date, date_source = doc.date, PAGE if doc.date else None
    if not date:  # nothing in the markup: let htmldate search the page's text and URL
        date = htmldate.find_date(html, extensive_search=True, original_date=True, url=page_url)
        date_source = HTMLDATE if date else None
    return Page(text=text, title=(doc.title or "").strip() or None, author=(doc.author or "").strip() or None,
                sitename=(doc.sitename or "").strip() or None, date=date, date_source=date_source,
                url=normalize_url(page_url) if page_url else None, fetch=fetch)


def _locate(text: str, value: str | None, source: str, lines: list[Span]) -> Field | None:
    """A page value as a Field, with offsets where it stands as (or at the start of) a line of the text."""
    if not value:
        return None
    for span in lines:
        if text.startswith(value, span.start) and span.end - span.start <= len(value) + 40:
            return Field(value, span.start, span.start + len(value), source)
    at = text.find(value)
    return Field(value, at, at + len(value), source) if at >= 0 and len(value) >= 12 else Field(value, source=source)


def _page_date(text: str, lines: list[Span], page: Page) -> PubDate | None:
    """The page's date, with offsets when a header line of the text states the same day."""
    if not page.date:
        return None
    d = metadata.parse_date_string(page.date)
    if d is None:
        return None
    found = metadata.find_date(text, lines)
    if found and (found.year, found.month, found.day) == (d.year, d.month, d.day):
        return PubDate(**{**asdict(found), "source": page.date_source})
    return PubDate(**{**asdict(d), "source": page.date_source})


def page_metadata(text: str, lines: list[Span], page: Page) -> dict:
    """Keyword arguments for Article from a page: the page's metadata, the dateline from the text."""
    place, dateline_outlet = metadata.find_dateline(text, lines)
    if place:
        place = Field(place.value, place.start, place.end, TEXT)
    outlet = _locate(text, page.sitename, PAGE, lines)
    if outlet is None and dateline_outlet:
        outlet = Field(dateline_outlet.value, dateline_outlet.start, dateline_outlet.end, TEXT)
    title = _locate(text, page.title, PAGE, lines) or metadata.find_title(text, lines)
    if title and title.source is None:
        title = Field(title.value, title.start, title.end, TEXT)
    date = _page_date(text, lines, page)
    if date is None:
        found = metadata.find_date(text, lines)
        date = PubDate(**{**asdict(found), "source": TEXT}) if found else None
    return {"title": title, "date": date, "dateline": place, "outlet": outlet,
            "author": _locate(text, page.author, PAGE, lines)}
