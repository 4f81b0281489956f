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


def resolved_date_line(d) -> str:
    """A resolved date beside its verbatim expression, marked as derived:
    "“on Monday” → Monday 10 January 2022 (derived: the report's own day, a Monday; from 10 January 2022)"."""
    base = f"; from {display_date(d.derived_from)}" if d.derived_from else ""
    return f"“{d.text}” → {d.label} (derived: {d.reason}{base})"


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
        parts += [("date", d) for d in getattr(ans, "resolved_dates", ())]
        parts.append(("quote", ans.quote or ""))
        parts.append(("confidence", f"confidence {ans.confidence:.2f}"))
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
        elif kind == "date":
            lines.append(f"<small>{esc(resolved_date_line(value))}</small>")
        elif kind == "quote":
            lines.append(f"> “{esc(value)}” [1]")
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
        elif kind == "date":
            lines.append(f"Date: {resolved_date_line(value)}")
        elif kind == "quote":
            lines.append(f"Quote: “{value}” [1]")
        elif kind == "citation":
            lines.append(citation_label(value))
            lines.append(f"    {value.article_id} [{value.start}:{value.end}]")
            if ans.abstained:
                lines.append(textwrap.indent(textwrap.fill(value.text, 100), "    "))
        else:
            lines.append(str(value))
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


def timeline_choice(n: int, e) -> str:
    """The label of a timeline entry's citation: "[3] 1992 · TASS · 25 January (year not stated)"."""
    return f"[{n}] {e.date.label} · {e.outlet or 'unknown outlet'} · {display_date(e.published)}"


def _timeline_groups(tl) -> list[tuple[str, list]]:
    n = 0
    groups = []
    for title, entries in (("On the calendar, earliest first", tl.dated),
                           ("Year not stated in the article (never guessed); ordered by nearness to the report's day",
                            tl.undated)):
        if entries:
            groups.append((title, [(n + i, e) for i, e in enumerate(entries, 1)]))
            n += len(entries)
    return groups


def timeline_text(tl) -> str:
    """A Timeline as plain text for the terminal: each entry with its verbatim sentence and citation."""
    lines = [f"Timeline: {tl.query}"]
    if tl.note:
        lines.append(f"({tl.note})")
    for title, entries in _timeline_groups(tl):
        lines.append(f"\n{title}:")
        for n, e in entries:
            lines.append(f"{n:>3}. {e.date.label}  ← “{e.date.text}”")
            lines.append(textwrap.indent(textwrap.fill(f"“{e.sentence}”", 100), "     "))
            lines.append(f"     {e.outlet or 'unknown outlet'} · {display_date(e.published)} — {(e.title or e.article_id)[:70]}")
            lines.append(f"     {e.article_id} [{e.sentence_start}:{e.sentence_end}]; derived: {e.date.reason}")
    return "\n".join(lines)


def timeline_html(tl) -> str:
    """A Timeline for the chat: dated entries first, then those whose year is unknown; the date expression
    is marked inside its verbatim sentence, everything escaped."""
    out = [f'<div class="nd-timeline"><h3>Timeline: {html.escape(tl.query)}</h3>']
    if tl.note:
        out.append(f"<p><i>{html.escape(tl.note)}</i></p>")
    for title, entries in _timeline_groups(tl):
        out.append(f"<h4>{html.escape(title)}</h4><ol class='nd-tl-list' start='{entries[0][0]}'>")
        for n, e in entries:
            s, t = e.date.start - e.sentence_start, e.date.end - e.sentence_start
            sent = (html.escape(e.sentence[:s]) + f'<mark class="nd-date">{html.escape(e.sentence[s:t])}</mark>'
                    + html.escape(e.sentence[t:]))
            cls = "nd-tl-dated" if e.date.resolved else "nd-tl-undated"
            out.append(f'<li class="nd-tl-entry {cls}"><b class="nd-tl-date">{html.escape(e.date.label)}</b> '
                       f'<span class="nd-meta">({html.escape(e.date.precision)}; derived: {html.escape(e.date.reason)})'
                       f'</span><br>“{sent}”<br><span class="nd-meta">[{n}] {html.escape(e.outlet or "unknown outlet")} · '
                       f'{html.escape(display_date(e.published))} — {html.escape((e.title or e.article_id)[:90])}</span></li>')
        out.append("</ol>")
    return "".join(out) + "</div>"
