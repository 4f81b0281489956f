"""Pure rendering of answers and articles for the UI. All article and question text is escaped."""
from __future__ import annotations

import html
import re

from assistant.answer import Answer, Citation
from index.model import Article

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~{}])")


def esc(text: str) -> str:
    """Escape text for the chat's markdown: HTML entities first, then markdown punctuation."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


def display_date(iso: str | None) -> str:
    """"2022-01-10T23:10" -> "10 January 2022, 23:10"; "--01-25" -> "25 January (year not stated)"."""
    if not iso:
        return "undated"
    m = re.fullmatch(r"(\d{4}|-)-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?", iso)
    if not m:
        return iso
    year, month, day, time = m.groups()
    text = f"{int(day)} {_MONTHS[int(month) - 1]}"
    text += " (year not stated)" if year == "-" else f" {year}"
    return f"{text}, {time}" if time else text


def citation_label(c: Citation) -> str:
    """One line naming a citation: "[1] TASS · 10 January 2022, 23:10 · GENEVA · Ryabkov speaking — title"."""
    parts = [c.outlet or "unknown outlet", display_date(c.date)]
    if c.dateline:
        parts.append(c.dateline)
    if c.speaker:
        parts.append(f"{c.speaker} speaking")
    title = c.title or c.article_id
    return f"[{c.number}] {' · '.join(parts)} — {title[:90]}"


def answer_markdown(ans: Answer) -> str:
    """The chat message for an Answer: bold short answer, verbatim quote, numbered citations."""
    lines = []
    if ans.note:
        lines.append(f"*{esc(ans.note)}*")
    if ans.abstained:
        if ans.query:
            lines.append("**The articles do not answer this question.**")
        if ans.citations:
            lines.append("Nearest passages, *not an answer*:")
            for c in ans.citations:
                snippet = c.text if len(c.text) <= 240 else c.text[:240] + "…"
                lines.append(f"- {esc(citation_label(c))}: “{esc(snippet)}”")
    else:
        if ans.answer:
            lines.append(f"**{esc(ans.answer)}** [{ans.answer_citation}]")
        lines.append(f"> “{esc(ans.quote or '')}” [1]")
        lines.append(f"<small>confidence {ans.confidence:.2f}</small>")
        lines.append("")
        for c in ans.citations:
            lines.append(f"- {esc(citation_label(c))}")
    if ans.query and ans.query != ans.question:
        lines.append(f"<small>searched for: {esc(ans.query)}</small>")
    return "\n".join(lines)


def article_html(article: Article, start: int | None = None, end: int | None = None) -> str:
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
    for label, value in (("Outlet", article.outlet and article.outlet.value), ("Date", article.date and display_date(article.date.iso)),
                         ("Dateline", article.dateline and article.dateline.value), ("Article", article.id)):
        if value:
            meta.append(f"<b>{label}</b> {html.escape(value)}")
    title = html.escape(article.title.value if article.title else article.id)
    return (f'<div class="nd-article"><h3>{title}</h3><p class="nd-meta">{" · ".join(meta)}</p>'
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
