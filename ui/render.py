"""Pure rendering of answers and articles for the UI. All article and question text is escaped."""
from __future__ import annotations

import html
import re
import textwrap

from assistant.answer import Answer, Citation, Tier
from index.calendar import display_date
from index.model import Article

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~{}])")


def esc(text: str) -> str:
    """Escape text for the chat's markdown: HTML entities first, then markdown punctuation."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def citation_line(c: Citation) -> str:
    """A citation's source in one line: "TASS · 10 January 2022, 23:10 · GENEVA · Ryabkov speaking — title"."""
    parts = [c.outlet or "unknown outlet", display_date(c.date)]
    if c.dateline:
        parts.append(c.dateline)
    if c.speaker:
        parts.append(f"{c.speaker} speaking")
    return f"{' · '.join(parts)} — {short_title(c.title or c.article_id)}"


def citation_label(c: Citation) -> str:
    """One line naming a numbered citation: "[1] " and its citation_line."""
    return f"[{c.number}] {citation_line(c)}"


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
    if ans.tier is Tier.POSSIBLE:
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


def resolved_date_line(d) -> str:
    """A resolved date beside its verbatim expression, marked as derived:
    "“on Monday” → Monday 10 January 2022 (derived: the report's own day, a Monday; from 10 January 2022)"."""
    base = f"; from {display_date(d.derived_from)}" if d.derived_from else ""
    return f"“{d.text}” → {d.label} (derived: {d.reason}{base})"


_PAST_OR_AHEAD = re.compile(r"looks ahead|speaks of the past")


def _counted(d) -> str:
    """How a date counted from the report's date was placed, in plain words ("the day of the report")."""
    r = re.split(r";|\s\(", d.reason, maxsplit=1)[0].strip()
    if d.kind in ("month_day", "month"):
        where = ("the report's year" if "the report's year" in d.reason else
                 "the year before the report's" if "before the report" in d.reason else
                 "the year after the report's" if "after the report" in d.reason else "the year nearest the report")
        return f"the year is not stated: most likely {where}"
    r = r.split(":", 1)[0] if r.startswith("the night") else r
    r = re.sub(r"^the report's own day(, a \w+)?$", "the day of the report", r)
    r = re.sub(r"^the night before the report$", "the day before the report", r)
    r = re.sub(r"^the (last|first) (\w+day) ", r"the \2 ", r)
    r = re.sub(r"^the (day|week|month|year) (\w+) \1\(s\)", lambda m: f"{m.group(2)} {m.group(1)}"
               f"{'' if m.group(2) in ('1', 'one') else 's'}", r)
    r = re.sub(r"(\d+|\w+) (day|week|month|year)\(s\)", lambda m: f"{m.group(1)} {m.group(2)}"
               f"{'' if m.group(1) in ('1', 'one') else 's'}", r)
    r = r.replace("the report's date", "the report").replace(" (the date named before it)", "")
    return ("most likely " + r) if _PAST_OR_AHEAD.search(d.reason) else r


def date_plain(d) -> str:
    """A resolved date as a person reads it, leading with the date and how sure it is:
    "Monday 10 January 2022, the day of the report"; "Tuesday 8 December 1987, as the text states it"."""
    if not d.resolved:
        return d.label  # "15 January (year not stated)": says itself what is not known
    if not d.derived_from:
        return f"{d.label}, as the text states it"
    return f"{d.label}, {_counted(d)}"


def date_details_html(d) -> str:
    """How the date was worked out, for whoever asks (a closed <details>), escaped."""
    base = f"; counted from {display_date(d.derived_from)}" if d.derived_from else ""
    return (f'<details class="nd-how"><summary>how this date was worked out</summary>'
            f'<small>{html.escape(d.kind.replace("_", " "))}, {html.escape(d.precision)} precision; derived: '
            f'{html.escape(d.reason)}{html.escape(base)}</small></details>')


def date_line_html(d, bold: bool = True) -> str:
    """A resolved date beside its verbatim expression, for the chat: plain words first, the derivation on demand;
    the date in bold only where the page stands behind the answer it is in."""
    label = f"<b>{html.escape(d.label)}</b>" if bold else html.escape(d.label)
    return (f'<small>“{html.escape(d.text)}” → {label}'
            f'{html.escape(date_plain(d)[len(d.label):])}</small> {date_details_html(d)}')


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
            mark = "⚠️ Possible answer: " if ans.tier is Tier.POSSIBLE else ""
            lines.append(f"{mark}**{esc(value)}** [{ans.answer_citation}]")
        elif kind == "date":
            lines.append(f"<small>{esc(resolved_date_line(value))}</small>")
        elif kind == "quote":
            lines.append(f"> {esc(quoted(value))} [1]")
        elif kind in ("confidence", "query"):
            lines.append(f"<small>{esc(value)}</small>" + ("\n" if kind == "confidence" else ""))
        elif kind == "citation":
            snippet = value.text if len(value.text) <= 240 else value.text[:240] + "…"
            tail = f": “{esc(snippet)}”" if ans.abstained else ""
            lines.append(f"- {esc(citation_label(value))}{tail}")
    return "\n".join(lines) + groups_markdown(ans)


def answer_text(ans: Answer) -> str:
    """An Answer as plain text for the terminal."""
    lines = []
    for kind, value in answer_parts(ans):
        if kind == "note":
            lines.append(f"({value})")
        elif kind == "answer":
            label = "Possible answer (low confidence)" if ans.tier is Tier.POSSIBLE else "Answer"
            lines.append(f"{label}: {value} [{ans.answer_citation}]")
        elif kind == "date":
            lines.append(f"Date: {resolved_date_line(value)}")
        elif kind == "quote":
            lines.append(f"Quote: {quoted(value)} [1]")
        elif kind == "citation":
            lines.append(citation_label(value))
            lines.append(f"    {value.article_id} [{value.start}:{value.end}]")
            if ans.abstained:
                lines.append(textwrap.indent(textwrap.fill(value.text, 100), "    "))
        else:
            lines.append(str(value))
    return "\n".join(lines) + groups_text(ans)


def article_html(article: Article, start: int | None = None, end: int | None = None, speaker: str | None = None,
                 note: str = "") -> str:
    """The whole article, escaped, with [start, end) highlighted (id "cited") and boilerplate greyed; note is
    HTML (already escaped) shown under the header: which answer and citation the panel shows, a correction.

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
                         ("By", getattr(article, "author", None) and article.author.value),
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
    return (f'<div class="nd-article"><div class="nd-head"><h3>{title}</h3><p class="nd-meta">{" · ".join(meta)}</p>'
            f'{note}</div><div class="nd-text">{text}</div></div>')


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
            how = date_plain(e.date)[len(e.date.label):].lstrip(", ")
            out.append(f'<li class="nd-tl-entry {cls}"><b class="nd-tl-date">{html.escape(e.date.label)}</b>'
                       + (f' <span class="nd-tl-how">{html.escape(how)}</span>' if how else "")
                       + f' · {date_details_html(e.date)}'
                       + f'<br>“{sent}”<br><span class="nd-meta">[{n}] {html.escape(e.outlet or "unknown outlet")} · '
                       f'{html.escape(display_date(e.published))} — {html.escape((e.title or e.article_id)[:90])}</span></li>')
        out.append("</ol>")
    return "".join(out) + "</div>"
# -- sources side by side, quotes, search (assistant/sources.py, assistant/quotes.py, assistant/search.py) --

def _marked_md(sentence: str, sent_start: int, start: int, end: int, bold: bool = True) -> str:
    """The sentence, escaped, with the answer span [start, end) (article offsets) in bold (underlined when the
    answer is only possible: bold is for what the page stands behind)."""
    a, b = max(0, start - sent_start), max(0, end - sent_start)
    span = f"**{esc(sentence[a:b])}**" if bold else f'<span class="nd-possible">{esc(sentence[a:b])}</span>'
    return f"{esc(sentence[:a])}{span}{esc(sentence[b:])}"


def _support_line(s) -> str:
    where = f"{s.outlet or 'unknown outlet'} · {display_date(s.date)}"
    copy = f" (reprint of {s.copy_of}, counted once)" if s.copy_of else ""
    return f"{where}{copy}"


def shown_supports(g) -> list[tuple[int, object]]:
    """The supports a group shows: one per article (its first), with their positions in g.supports."""
    seen: set[str] = set()
    out = []
    for i, s in enumerate(g.supports):
        if s.article_id not in seen:
            seen.add(s.article_id)
            out.append((i, s))
    return out


def sources_count(shown) -> str:
    """"2 sources" (reprints apart: "1 source and 1 reprint"): what the list under it shows."""
    n = sum(1 for _, s in shown if not s.copy_of)
    copies = len(shown) - n
    text = f"{n} source{'s' if n != 1 else ''}"
    return text + (f" and {copies} reprint{'s' if copies != 1 else ''}" if copies else "")


def groups_markdown(ans: Answer, pos: int | None = None) -> str:
    """The answer's groups under the main answer: each version with the sources that state it, one line an
    article, the count being the number of sources listed; with pos (the answer's place in the chat) each
    source is a link that opens its sentence in the article panel. Disagreements named. Empty when there is
    nothing to set side by side."""
    groups = getattr(ans, "groups", ()) or ()
    if ans.abstained or not groups:
        return ""
    conflict = any(g.conflicts_with for g in groups)
    head = "**Sources disagree** — each version with its sources:" if conflict else "**What each source says:**"
    lines = ["", "", "---", head]
    sure = ans.tier is not Tier.POSSIBLE  # a possible answer's versions are not bold either

    def value(v: str) -> str:
        return f"**{esc(v)}**" if sure else esc(v)

    for gi, g in enumerate(groups):
        shown = shown_supports(g)
        tag = (" *(the answer above)*" if sure else " *(the possible answer above)*") if g.main else ""
        vs = ", ".join(value(groups[j].value) for j in g.conflicts_with)
        against = f" — disagrees with {vs}" if vs else ""
        lines.append(f"- {value(g.value)}{tag} · {sources_count(shown)}{against}")
        for si, s in shown:
            where = esc(_support_line(s))
            link = f"[{where}](#nd-src-{pos}-{gi}-{si})" if pos is not None else where
            lines.append(f"    - {link} — {_marked_md(s.sentence, s.sentence_start, s.start, s.end, sure)}")
    return "\n".join(lines)


def groups_text(ans: Answer) -> str:
    groups = getattr(ans, "groups", ()) or ()
    if ans.abstained or not groups:
        return ""
    conflict = any(g.conflicts_with for g in groups)
    lines = ["", "Sources disagree:" if conflict else "What each source says:"]
    for g in groups:
        vs = "; disagrees with " + ", ".join(groups[j].value for j in g.conflicts_with) if g.conflicts_with else ""
        lines.append(f"* {g.value}{' (the answer above)' if g.main else ''} — {g.sources} independent "
                     f"source{'s' if g.sources != 1 else ''}{vs} [derived: {g.key}, {g.reason}]")
        for s in g.supports:
            lines.append(f"    {_support_line(s)} — {s.article_id} [{s.start}:{s.end}]")
            lines.append(textwrap.indent(textwrap.fill(s.sentence, 100), "      "))
    return "\n".join(lines)


def quote_label(h) -> str:
    """"Sergey Ryabkov, Russian Deputy Foreign Minister · TASS · GENEVA · 10 January 2022"."""
    who = h.speaker or "speaker not named"
    if h.role:
        who += f", {h.role}"
    parts = [who, h.outlet or "unknown outlet"]
    if h.dateline:
        parts.append(h.dateline)
    parts.append(display_date(h.date))
    return " · ".join(parts)


QUOTE_KINDS = {"direct": "in quotation marks: their own words",
               "reported": "reported speech: the article's words for what they said"}


def _technical(*parts: str) -> str:
    """Offsets and scores, for whoever asks: a closed <details> (escaped)."""
    return (f'<details class="nd-tech"><summary>technical</summary><small>{html.escape(" · ".join(parts))}'
            f'</small></details>')


def quotes_html(hits, query: str = "") -> str:
    """Quote search results as cards: the sentence with the quotation highlighted in it, who (with role), where,
    when, and whether these are their own words or reported; offsets only in the closed technical view."""
    if not hits:
        return f'<p class="nd-empty">No attributed quotation matches {html.escape(query)!s}.</p>' if query else \
            '<p class="nd-empty">No attributed quotation matches.</p>'
    cards = []
    for h in hits:
        a, b = h.start - h.sentence_start, h.end - h.sentence_start
        s = h.sentence
        body = (f"{html.escape(s[:max(a, 0)])}<mark class=\"nd-quote\">{html.escape(s[max(a, 0):b])}</mark>"
                f"{html.escape(s[b:])}") if 0 <= a < len(s) else f"<mark class=\"nd-quote\">{html.escape(h.text)}</mark>"
        copies = f'<div class="nd-copies">also reprinted: {html.escape(", ".join(h.copies))}</div>' if h.copies else ""
        kind = getattr(h, "kind", "direct")
        tech = _technical(f"{h.article_id} [{h.start}:{h.end}]", f"attribution: {h.reason}",
                          f"speaker found by: {getattr(h, 'how', 'none').replace('_', ' ')}", f"score {h.score:.2f}")
        cards.append(f'<div class="nd-card nd-quote-card nd-{html.escape(kind)}"><div class="nd-who">'
                     f'{html.escape(quote_label(h))}</div><div class="nd-kind">{html.escape(QUOTE_KINDS.get(kind, kind))}'
                     f'</div><blockquote>{body}</blockquote><div class="nd-meta">{html.escape(h.title or h.article_id)}'
                     f'</div>{tech}{copies}</div>')
    return "".join(cards)


def quotes_text(hits) -> str:
    if not hits:
        return "No attributed quotation matches."
    lines = []
    for i, h in enumerate(hits, 1):
        lines.append(f"[{i}] {quote_label(h)}")
        lines.append(textwrap.indent(textwrap.fill(h.text, 100), "    "))
        lines.append(f"    {h.article_id} [{h.start}:{h.end}] — {h.title or ''} (attribution: {h.reason})")
        if h.copies:
            lines.append(f"    also reprinted: {', '.join(h.copies)}")
    return "\n".join(lines)


def _highlighted(text: str, offset: int, marks, mark_class: str = "nd-hit") -> str:
    """Escaped passage with its highlights (article offsets): the best sentence, then the query's words."""
    sentence = marks[0] if marks else None
    words = list(marks[1:])
    cuts = {0, len(text)}
    for s, e in ([sentence] if sentence else []) + words:
        cuts |= {max(0, min(len(text), s - offset)), max(0, min(len(text), e - offset))}
    bounds = sorted(cuts)
    out = []
    for lo, hi in zip(bounds, bounds[1:]):
        piece = html.escape(text[lo:hi])
        if any(s - offset <= lo and hi <= e - offset for s, e in words):
            piece = f"<b class=\"nd-term\">{piece}</b>"
        if sentence and sentence[0] - offset <= lo and hi <= sentence[1] - offset:
            piece = f"<mark class=\"{mark_class}\">{piece}</mark>"
        out.append(piece)
    return "".join(out)


def _sentence_html(h) -> str:
    """The hit's matching sentence, escaped, as one highlight with the query's words in it."""
    s, e = h.highlights[0]
    text = h.text[s - h.start:e - h.start]
    words = [(a, b) for a, b in h.highlights[1:] if s <= a and b <= e]
    return f'<mark class="nd-hit">{_highlighted(text, s, [(s, s)] + words, "nd-none")}</mark>'


def search_count(hits) -> str:
    """"“security guarantees”: 9 matches in 4 articles", for a search with quoted phrases; else empty."""
    matches = getattr(hits, "matches", None)
    if matches is None:
        return ""
    phrases = " and ".join(f"“{p}”" for p in getattr(hits, "phrases", ()))
    n = getattr(hits, "matched_articles", 0) or 0
    return (f"{phrases}: {matches:,} match{'es' if matches != 1 else ''} in {n:,} article{'s' if n != 1 else ''}, "
            f"word for word (case aside); {len(hits)} sentence{'s' if len(hits) != 1 else ''} listed")


def search_html(hits, query: str = "") -> str:
    """Search results: each hit's matching sentence highlighted (its words in bold), the passage around it and
    the offsets on demand (closed <details>); a quoted phrase's count of all matches above."""
    count = search_count(hits)
    head = f'<p class="nd-count">{html.escape(count)}</p>' if count else ""
    if not hits:
        return head + f'<p class="nd-empty">No passage matches {html.escape(query)}.</p>'
    cards = []
    for i, h in enumerate(hits, 1):
        meta = [h.outlet or "unknown outlet", display_date(h.date)] + ([h.dateline] if h.dateline else [])
        copies = f'<div class="nd-copies">also reprinted: {html.escape(", ".join(h.copies))}</div>' if h.copies else ""
        if h.highlights:
            s, e = h.highlights[0]
            shown = (f'<blockquote class="nd-sentence">{_sentence_html(h)}</blockquote><details class="nd-ctx">'
                     f'<summary>the passage around it</summary><div class="nd-passage">'
                     f'{_highlighted(h.text, h.start, h.highlights, "nd-ctx")}</div></details>')
            where = f"sentence [{s}:{e}] in passage [{h.start}:{h.end}]"
        else:
            shown = f'<div class="nd-passage">{html.escape(h.text)}</div>'
            where = f"passage [{h.start}:{h.end}]"
        cards.append(f'<div class="nd-card nd-search-hit"><div class="nd-who">[{i}] {html.escape(" · ".join(meta))} — '
                     f'{html.escape(h.title or h.article_id)}</div>{shown}'
                     f'{_technical(h.article_id, where, f"score {h.score:.2f}")}{copies}</div>')
    return head + "".join(cards)


def search_text(hits) -> str:
    count = search_count(hits)
    if not hits:
        return (count + "\n" if count else "") + "No passage matches."
    lines = [count] if count else []
    for i, h in enumerate(hits, 1):
        meta = [h.outlet or "unknown outlet", display_date(h.date)] + ([h.dateline] if h.dateline else [])
        lines.append(f"[{i}] {' · '.join(meta)} — {h.title or h.article_id} (score {h.score:.2f})")
        if h.highlights:
            s, e = h.highlights[0]
            best = h.text[s - h.start:e - h.start]
            lines.append(textwrap.indent(textwrap.fill(f">> {best}", 100), "    "))
        lines.append(f"    {h.article_id} [{h.start}:{h.end}]")
        if h.copies:
            lines.append(f"    also reprinted: {', '.join(h.copies)}")
    return "\n".join(lines)
