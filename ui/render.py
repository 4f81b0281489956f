"""Pure rendering of answers and articles for the UI. All article and question text is escaped."""
from __future__ import annotations

import html
import re
import textwrap

from assistant.answer import Answer, Citation
from index.model import Article

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~{}])")


def esc(text: str) -> str:
    """Escape text for the chat's markdown: HTML entities first, then markdown punctuation."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def display_date(iso: str | None) -> str:
    """"2022-01-10T23:10" -> "10 January 2022, 23:10"; "--01-25" -> "25 January, year not stated"."""
    if not iso:
        return "undated"
    m = re.fullmatch(r"(\d{4}|-)-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?", iso)
    if not m:
        return iso
    year, month, day, time = m.groups()
    text = f"{int(day)} {_MONTHS[int(month) - 1]}"
    text += ", year not stated" if year == "-" else f" {year}"
    return f"{text}, {time}" if time else text


def citation_label(c: Citation) -> str:
    """One line naming a citation: "[1] TASS · 10 January 2022, 23:10 · GENEVA · Ryabkov speaking — title"."""
    parts = [c.outlet or "unknown outlet", display_date(c.date)]
    if c.dateline:
        parts.append(c.dateline)
    if c.speaker:
        parts.append(f"{c.speaker} speaking")
    return f"[{c.number}] {' · '.join(parts)} — {short_title(c.title or c.article_id)}"


def short_title(title: str, limit: int = 90) -> str:
    """The title, cut at a word boundary (with "…") when longer than limit."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[: limit + 1].rsplit(" ", 1)[0].rstrip(",;:—-")
    return (cut if cut else title[:limit]) + "…"


def confidence_text(ans: Answer) -> str:
    """The calibrated confidence in words a reader can act on (a "possible" answer is always low)."""
    c = ans.confidence
    if getattr(ans, "tier", None) == "possible":
        return "Low confidence: a possible answer only. Read the quoted sentence before relying on it."
    if c >= 0.75:
        return "High confidence: the quoted sentence states this directly."
    if c >= 0.5:
        return "Moderate confidence: check the quoted sentence."
    return "Low confidence: read the quoted sentence before relying on it."


def quoted(text: str) -> str:
    """The sentence in quotation marks, unless it already starts with its own."""
    t = text.strip()
    return t if t[:1] in "“\"‘'«" else f"“{t}”"


def answer_parts(ans: Answer) -> list[tuple[str, object]]:
    """What an Answer shows, in order, as (kind, value) pairs; the chat and the terminal format them."""
    parts: list[tuple[str, object]] = []
    if ans.note:
        parts.append(("note", ans.note))
    if ans.abstained:
        if ans.query:
            parts.append(("abstain", "The articles do not answer this question."))
        if ans.citations:
            parts.append(("nearest", "Nearest passages, not an answer:"))
    else:
        if ans.answer:
            parts.append(("answer", f"{ans.answer}"))
        parts.append(("quote", ans.quote or ""))
        parts.append(("confidence", confidence_text(ans)))
    parts += [("citation", c) for c in ans.citations]
    if ans.query and ans.query != ans.question:
        parts.append(("query", f"searched for: {ans.query}"))
    return parts


def answer_markdown(ans: Answer) -> str:
    """The chat message for an Answer: bold short answer, verbatim quote, numbered citations."""
    lines = []
    for kind, value in answer_parts(ans):
        if kind == "note":
            lines.append(f"*{esc(value)}*")
        elif kind == "abstain":
            lines.append(f"**{esc(value)}**")
        elif kind == "nearest":
            lines.append("Nearest passages, *not an answer*:")
        elif kind == "answer":
            lines.append(f"**{esc(value)}** [{ans.answer_citation}]")
        elif kind == "quote":
            lines.append(f"> {esc(quoted(value))} [1]")
        elif kind in ("confidence", "query"):
            lines.append(f"<small>{esc(value)}</small>" + ("\n" if kind == "confidence" else ""))
        elif kind == "citation":
            snippet = value.text if len(value.text) <= 240 else value.text[:240] + "…"
            tail = f": “{esc(snippet)}”" if ans.abstained else ""
            lines.append(f"- {esc(citation_label(value))}{tail}")
    return "\n".join(lines)


def answer_text(ans: Answer) -> str:
    """An Answer as plain text for the terminal."""
    lines = []
    for kind, value in answer_parts(ans):
        if kind == "note":
            lines.append(f"({value})")
        elif kind == "answer":
            lines.append(f"Answer: {value} [{ans.answer_citation}]")
        elif kind == "quote":
            lines.append(f"Quote: {quoted(value)} [1]")
        elif kind == "citation":
            lines.append(citation_label(value))
            lines.append(f"    {value.article_id} [{value.start}:{value.end}]")
            if ans.abstained:
                lines.append(textwrap.indent(textwrap.fill(value.text, 100), "    "))
        else:
            lines.append(str(value))
    return "\n".join(lines)


def article_html(article: Article, start: int | None = None, end: int | None = None, speaker: str | None = None) -> str:
    """The whole article, escaped, with [start, end) highlighted (id "cited") and boilerplate greyed.

    Built from the article's offsets, never re-typed: concatenating the pieces gives article.text.
    """
    cuts = {0, len(article.text)}
    for s in article.excluded:
        cuts |= {s.start, s.end}
    if start is not None and end is not None:
        cuts |= {start, end}
    bounds = sorted(cuts)
    body = []
    for lo, hi in zip(bounds, bounds[1:]):
        piece = html.escape(article.text[lo:hi], quote=True)
        if any(s.start <= lo and hi <= s.end for s in article.excluded):
            piece = f'<span class="nd-boiler" title="site boilerplate, not indexed">{piece}</span>'
        if start is not None and start <= lo and hi <= end:
            piece = f'<mark class="nd-cited">{piece}</mark>'
        body.append(piece)
    text = "".join(body)
    if start is not None:  # one anchor at the start of the highlight, for scrolling
        text = text.replace('<mark class="nd-cited">', '<mark class="nd-cited" id="nd-cited">', 1)
    meta = []
    for label, value in (("Outlet", article.outlet and article.outlet.value),
                         ("Date", display_date(article.date.iso if article.date else None)),
                         ("Dateline", article.dateline and article.dateline.value), ("Speaker", speaker),
                         ("Article", article.id)):
        if value:
            meta.append(f"<b>{label}</b> {html.escape(value)}")
    url = getattr(article, "url", None)
    if url and re.match(r"https?://", url):  # a link only to the web, never javascript: or data:
        meta.append(f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">original article ↗</a>')
    title = html.escape(article.title.value if article.title else article.id)
    # the header sticks to the top of the scrolling panel, so the source stays named beside the passage
    return (f'<div class="nd-article"><div class="nd-head"><h3>{title}</h3><p class="nd-meta">{" · ".join(meta)}</p></div>'
            f'<div class="nd-text">{text}</div></div>')


def history_text(content) -> str:
    """The text of a chat turn: a string through gradio_client, a list of parts from the browser."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, (list, tuple)):
        return " ".join(history_text(p) for p in content).strip()
    return ""
