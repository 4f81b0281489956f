"""The chat's logic without gradio: turns kept as JSON (so the browser can store them), the chat message
for each turn, answering that never fails the session, and Markdown export with citations.

A stored conversation is {"version": 1, "turns": [{"question": str, "answer": Answer JSON or None,
"error": str or None, "filters": str or None}, ...]}: everything the page shows is rebuilt from it,
so a reload or a new tab shows the same conversation.
"""
from __future__ import annotations

import html
import logging
import re
from typing import Any

from dataclasses import asdict, replace

from assistant.answer import Answer, Tier
from assistant.attribution import find_quotations
from assistant.conversation import Conversation
from assistant.guard import failure_message, is_failure
from assistant.settings import AskSettings
from assistant.shapes import Shape, route
from index.dates import ResolvedDate, dates_in

from .fit import withheld
from .render import confidence_text as confidence_words
from .render import citation_line, date_line_html, date_plain, display_date, esc, groups_markdown, quoted

log = logging.getLogger(__name__)
VERSION = 1
SHOWN_QUESTION_CHARS = 600  # a longer question is shown up to here, with how much more there was
STORED_QUESTION_CHARS = 2_000  # what the browser keeps of a question (the assistant reads no more)


def empty() -> dict:
    return {"version": VERSION, "turns": []}


def turns_of(stored: Any) -> list[dict]:
    """The turns of a stored conversation; anything unreadable (an old version, a damaged value) is none."""
    if not isinstance(stored, dict) or stored.get("version") != VERSION or not isinstance(stored.get("turns"), list):
        return []
    return [t for t in stored["turns"] if isinstance(t, dict) and isinstance(t.get("question"), str)]


def answer_of(turn: dict) -> Answer | None:
    try:
        return Answer.from_json(turn["answer"]) if turn.get("answer") else None
    except (TypeError, KeyError, ValueError):
        return None


def conversation_of(turns: list[dict]) -> Conversation:
    return Conversation([a for a in (answer_of(t) for t in turns) if a is not None])


def shown_question(question: str, typed: int | None = None) -> str:
    """What the user typed, as text for the chat's markdown (never markup), long ones shortened; typed is
    the length of the question as typed when only its start was kept."""
    extra = max(len(question), typed or 0) - SHOWN_QUESTION_CHARS
    text = esc(question[:SHOWN_QUESTION_CHARS]) if extra > 0 else esc(question)
    text = text.replace("\n", "  \n")
    return f"{text}… *({extra:,} more characters not shown)*" if extra > 0 else text


def _marker(pos: int, n: int) -> str:
    return f"[\\[{n}\\]](#nd-cite-{pos}-{n})"


def _flat(text: str) -> str:
    """A passage on one line, so that its paragraphs stay inside their list item."""
    return re.sub(r"\s+", " ", text).strip()


_CARRIED = re.compile(r"\s*\(([^()]*)\)\s*$")


def _core(query: str) -> str:
    """A query without the words carried over from the conversation (the trailing parentheses)."""
    return _CARRIED.sub("", query or "").strip()


def understood(ans: Answer, earlier: Answer | None = None) -> str:
    """How a follow-up was understood, in readable words (plain text): the rewritten question when it reads
    as one, the earlier question it follows, and the words carried over from it, labelled. Empty for a
    question asked as it stands."""
    if not ans.query or ans.query == ans.question:
        return ""
    m = _CARRIED.search(ans.query)
    core = _core(ans.query)
    words = m.group(1).strip() if m else ""
    before = _core(earlier.query or earlier.question) if earlier is not None else ""
    parts = []
    if core and core != ans.question.strip():
        parts.append(f"Understood as “{core}”" + (f", a follow-up to “{before}”" if before else ""))
    else:
        parts.append(f"Understood as a follow-up to “{before}”" if before else "Understood as a follow-up")
    if words:
        answer = earlier.answer if earlier is not None and not earlier.abstained and earlier.answer else ""
        if answer and words.endswith(answer) and words != answer:  # the earlier answer, carried as a whole
            carried = ", ".join(words[: -len(answer)].split()) + f" and the answer “{answer}”"
        elif answer and words == answer:
            carried = f"the answer “{answer}”"
        else:
            carried = ", ".join(words.split())
        parts.append(f"carried over: {carried}")
    return " · ".join(parts)


def changed_since(c, articles) -> str | None:
    """Why a stored citation no longer matches the collection, or None when article.text[start:end] still
    says what was quoted: "this article changed on 27 May 2024, 10:14 UTC since this answer"."""
    if articles is None:
        return None
    a = articles.get(c.article_id)
    if a is None:
        return "this article is no longer in the collection"
    if a.text[c.start:c.end] == c.text:
        return None
    when = getattr(a, "updated_at", None)
    return f"this article changed on {display_date(when[:16])} UTC since this answer" if when else \
        "this article changed since this answer"


def _quoted_then(c) -> str:
    text = _flat(c.text)
    return text if len(text) <= 300 else text[:300].rsplit(" ", 1)[0] + "…"


OPENING_MARKS = "\"“‘'«„"


def _answer_span(text: str, sure: bool) -> str:
    """Escaped answer words: bold where the page stands behind them, plain (underlined) when only possible."""
    return f"**{text}**" if sure else f'<span class="nd-possible">{text}</span>'


def _in_sentence(ans: Answer, sure: bool) -> str:
    """The quoted sentence, escaped, with the answer's words marked inside it (where they are in it)."""
    quote, words = ans.quote or "", (ans.answer or "").strip()
    at = quote.find(words) if words else -1
    if at < 0 or not words:
        return esc(quote.strip())
    return (esc(quote[:at]).lstrip() + _answer_span(esc(words), sure) + esc(quote[at + len(words):]).rstrip())


def _adds_to(answer: str | None, sentence: str | None) -> bool:
    """Whether the sentence says more than the answer shown (then it is quoted under it)."""
    a, s = " ".join((answer or "").split()), " ".join((sentence or "").split())
    return bool(s) and (not a or len(a) < 0.8 * len(s))


def _their_words(sentence: str, words: str) -> tuple[str, tuple[int, int] | None]:
    """The words a said answer shows: the quotation of the sentence that holds the answer's words, marks and
    all, with where those words are in it; else the answer's words alone (reported speech), and None."""
    words = words or sentence.strip()
    at = sentence.find(words)
    if at >= 0:
        for s, e in find_quotations(sentence):
            if s <= at and at + len(words) <= e:
                return sentence[s:e], (at - s, at - s + len(words))
    if words[:1] in OPENING_MARKS:
        return words, (0, len(words))
    return words, None


def shape_lines(ans: Answer, marker: str, event_dates: tuple[ResolvedDate, ...] = ()) -> list[str] | None:
    """An answer in the shape its question asks for, as chat lines, or None for a short span in its sentence
    (when, why, fact; and any shape the Answer lacks the parts of). Bold only when the page stands behind it:
    - said: "Sergey Ryabkov, Russian Deputy Foreign Minister: “…”", the quotation verbatim (a reported
      statement is labelled as such, never put in quotation marks);
    - who: "Sergey Ryabkov — Russian Deputy Foreign Minister", the role verbatim;
    - event: a dated line, the date the sentence gives its event (else the report's own, said so), then the
      sentence stating it."""
    sure = ans.tier is not Tier.POSSIBLE
    words = (ans.answer or "").strip()
    if ans.shape == Shape.SAID.value and ans.speaker and (words or ans.quote):
        who = esc(ans.speaker + (f", {ans.role}" if ans.role else ""))
        head = f"**{who}:**" if sure else f"{who}:"
        said, inside = _their_words(ans.quote or "", words)
        if inside is not None:  # a quotation, verbatim with its marks; the words the reader found marked in it
            a, b = inside
            mark = (lambda t: f"**{t}**") if sure else (lambda t: _answer_span(t, False))
            shown = esc(said) if (a, b) == (0, len(said)) else \
                esc(said[:a]) + mark(esc(said[a:b])) + esc(said[b:])
            shown = shown if sure or (a, b) != (0, len(said)) else _answer_span(shown, False)
            how = ""
        else:
            shown = esc(said) if sure else _answer_span(esc(said), False)
            how = " *(reported speech, not a direct quotation)*"
        out = [f"{head}{how} {shown} {marker}\n"]
        if _adds_to(said, ans.quote):
            out.append(f"> {esc(quoted(ans.quote or ''))} {marker}\n")
        return out
    routed = route(ans.question) if ans.shape == Shape.WHO.value else None
    if routed is not None and routed.describe and words:
        name = esc(ans.speaker or routed.who or "")
        role = f"{name} — {esc(words)}"
        out = [f"**{role}** {marker}\n" if sure else f'<span class="nd-possible">{role}</span> {marker}\n']
        return out + [f"> {esc(quoted(ans.quote or ''))} {marker}\n"]
    if ans.shape == Shape.EVENT.value and ans.quote:
        dated = next((d for d in event_dates if d.role == "event"), None) or \
            next((d for d in ans.resolved_dates if d.role == "event"), None)
        c = next((c for c in ans.citations if c.number == (ans.answer_citation or 1)), None)
        if dated is not None:
            when = esc(dated.label)
        else:
            when = esc(f"{display_date(c.date if c else None)} (the report's date; the sentence names no date)")
        when = f"**{when}**" if sure and dated is not None else when
        out = [f"{when} — {_in_sentence(ans, sure)} {marker}\n"]
        if dated is not None and all(d.start != dated.start for d in ans.resolved_dates):
            out.append(f"\n{date_line_html(dated, bold=False)}\n")
        return out
    return None


def answer_message(ans: Answer, pos: int, filters: str | None = None, earlier: Answer | None = None,
                   nearest: dict | None = None, articles=None, event_dates: tuple[ResolvedDate, ...] = (),
                   not_fit: str | None = None) -> str:
    """The chat message for an Answer: the answer in its shape, the verbatim sentence, clickable [n]
    citations. earlier is the turn a follow-up was resolved from; nearest maps a refusal's citation number to
    the [start, end) of its nearest sentence; articles (the collection's) checks every citation still quotes
    its article; event_dates: the dates an event's sentence gives; not_fit: why the answer found was not
    shown as one (its passage is then the nearest, not an answer)."""
    lines = []
    changes = {c.number: changed_since(c, articles) for c in ans.citations}
    if any(changes.values()):
        lines.append("⚠️ *A cited article changed since this answer: the text quoted then is shown below.*\n")
    if ans.note:
        lines.append(f"*{esc(ans.note)}*\n")
    if ans.abstained:
        if not_fit:
            lines.append(f"**Not an answer:** the passage found does not fit the question: {esc(not_fit)}.")
        elif ans.query:
            lines.append("**The articles do not answer this question.**")
        if filters and (ans.query or not_fit):
            lines.append(f"\n*Filters are on ({esc(filters)}): the answer may be in articles they leave out.*")
        if ans.citations:
            lines.append("\nNearest passages, *not an answer*:\n")
    else:
        sure = ans.tier is not Tier.POSSIBLE
        marker = _marker(pos, ans.answer_citation or 1)
        if not sure:
            lines.append("⚠️ *Possible answer* (not sure):\n")
            if filters:  # a guess under filters: what they leave out may hold the sure answer
                lines.append(f"*Filters are on ({esc(filters)}): a surer answer may be in articles they leave out.*\n")
        shaped = shape_lines(ans, marker, event_dates)
        if shaped is not None:
            lines += shaped
        else:
            if ans.answer:
                lines.append(f"{_answer_span(esc(ans.answer), sure)} {marker}\n")
            lines.append(f"> {esc(quoted(ans.quote or ''))} {marker}\n")
        lines.append(f"*{esc(confidence_words(ans))}*\n")
        for d in ans.resolved_dates:
            lines.append(f"\n{date_line_html(d, bold=sure)}\n")
        groups = groups_markdown(ans, pos)
        if groups:
            lines.append(groups + "\n")
    first_of: dict[str, int] = {}
    for c in ans.citations:
        snippet = ""
        if ans.abstained:
            span = (nearest or {}).get(str(c.number))
            if span and c.start <= span[0] < span[1] <= c.end:  # the sentence that came nearest
                text = _flat(c.text[span[0] - c.start:span[1] - c.start])
            else:
                text = _flat(c.text)
            snippet = ": " + esc(quoted(text if len(text) <= 240 else text[:240].rsplit(" ", 1)[0] + "…"))
        same = first_of.setdefault(c.article_id, c.number)
        source = esc(citation_line(c)) if same == c.number else f"same article as \\[{same}\\], another passage"
        line = f"- {_marker(pos, c.number)} {source}{snippet}"
        if changes[c.number]:
            line += f"<br><small>⚠️ {esc(changes[c.number])}; the text quoted then: {esc(quoted(_quoted_then(c)))}</small>"
        lines.append(line)
    how = understood(ans, earlier)
    if how:
        lines.append(f"\n<small>{esc(how)}</small>")
    return "\n".join(lines)


def event_dates_of(turn: dict) -> tuple[ResolvedDate, ...]:
    """The dates an event answer's sentence gives, as stored with its turn."""
    out = []
    for d in turn.get("event_dates") or ():
        try:
            out.append(ResolvedDate(**{k: v for k, v in d.items() if k in ResolvedDate.__dataclass_fields__}))
        except (TypeError, AttributeError):
            continue
    return tuple(out)


def not_fit_of(turn: dict) -> str | None:
    w = turn.get("withheld")
    return w.get("reason") if isinstance(w, dict) else None


def turn_message(turn: dict, pos: int, earlier: Answer | None = None, articles=None) -> str:
    if turn.get("error"):
        return f"*{esc(turn['error'])}*"
    ans = answer_of(turn)
    return answer_message(ans, pos, turn.get("filters"), earlier, turn.get("nearest"), articles,
                          event_dates_of(turn), not_fit_of(turn)) if ans else "*This answer could not be shown.*"


def earlier_turns(turns: list[dict]) -> list[Answer | None]:
    """For each turn, the earlier answer a follow-up is resolved from: the last one asked in words."""
    out, last = [], None
    for t in turns:
        out.append(last)
        ans = answer_of(t)
        if ans is not None and ans.query:
            last = ans
    return out


def history(turns: list[dict], articles=None) -> list[dict]:
    """The Chatbot's messages for the stored turns: the user's text as text, the answers as markdown; with
    the collection's articles, every citation is checked against the article as it is now."""
    out = []
    for pos, (t, earlier) in enumerate(zip(turns, earlier_turns(turns))):
        out.append({"role": "user", "content": shown_question(t["question"], t.get("typed"))})
        out.append({"role": "assistant", "content": turn_message(t, pos, earlier, articles)})
    return out


def nearest_sentences(store, ans: Answer) -> dict[str, list[int]]:
    """For a refusal: each nearest passage's sentence that came nearest the query (by the sentence vectors
    the retriever scores with), as {citation number: [start, end]}; empty when it cannot be worked out."""
    if not ans.abstained or not ans.citations or store is None:
        return {}
    try:
        qvec = store.embed_query(ans.query or ans.question)
        out = {}
        for c in ans.citations:
            sids = sorted({i for ch in store.chunks if ch.article_id == c.article_id and ch.start < c.end
                           and c.start < ch.end for i in ch.sentences})
            sids = [i for i in sids if c.start <= store.sentences[i].start and store.sentences[i].end <= c.end]
            if sids:
                best = store.sentences[sids[int((store.sentence_vectors(sids) @ qvec).argmax())]]
                out[str(c.number)] = [best.start, best.end]
        return out
    except Exception:  # a help for the reader, never a reason to lose the answer
        log.exception("no nearest sentence")
        return {}


def event_dates(store, ans: Answer) -> tuple[ResolvedDate, ...]:
    """The event dates the sentence of an event answer gives (not the report's own date or dateline)."""
    c = next((c for c in ans.citations if c.number == (ans.answer_citation or 1)), None)
    article = store.articles.get(c.article_id) if c is not None else None
    if article is None or not ans.quote:
        return ()
    at = article.text.find(ans.quote, c.start)
    if at < 0:
        return ()
    try:
        return tuple(d for d in dates_in(article, at, at + len(ans.quote)) if d.role == "event")
    except Exception:  # a help for the reader, never a reason to lose the answer
        log.exception("no event date")
        return ()


def respond(collection, question: Any, turns: list[dict], filters, filters_text: str | None = None,
            settings: AskSettings | None = None) -> tuple[list[dict], Answer | None]:
    """Answer one question in the conversation the turns hold; a failure becomes the turn's message, and
    the conversation stays usable. Returns the new turns and the Answer (None on failure)."""
    question = question if isinstance(question, str) else ""
    typed = len(question)
    try:
        ans = collection.ask(question, conversation_of(turns), filters, settings)
        store = getattr(collection, "store", None)
        why = withheld(store, ans) if store is not None else None
        if why:  # an answer whose type cannot fit the question: its passage is the nearest, not an answer
            kept = {"answer": ans.answer, "tier": ans.tier.value, "confidence": ans.confidence, "reason": why}
            ans = replace(ans, answer=None, quote=None, abstained=True, tier=Tier.ABSTAINED, answer_start=None,
                          answer_end=None, resolved_dates=(), groups=())
        turn = {"question": question, "answer": ans.to_json(), "error": None,
                "filters": filters_text if filters_text and ans.tier is not Tier.ANSWERED else None}
        if why:
            turn["withheld"] = kept
        if ans.abstained:
            turn["nearest"] = nearest_sentences(store, ans)
        elif ans.shape == Shape.EVENT.value and store is not None:
            turn["event_dates"] = [asdict(d) for d in event_dates(store, ans)]
    except ValueError as e:  # a bad filter, or answering failed (AnsweringError): its one line
        ans, turn = None, {"question": question, "answer": None, "error": str(e), "filters": None}
    except BaseException as e:  # never a dead session
        if not is_failure(e):
            raise
        log.exception("answering failed")
        ans, turn = None, {"question": question, "answer": None, "error": failure_message(e), "filters": None}
    turn["question"], turn["typed"] = question[:STORED_QUESTION_CHARS], typed  # localStorage holds a few MB
    return turns + [turn], ans


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def source_markdown(c, articles=None) -> str:
    """A citation for an exported file: outlet, byline, date, title and URL, as the article has them now
    (the byline is the article's; a citation does not carry it)."""
    a = articles.get(c.article_id) if articles is not None else None
    author = a.author.value if a is not None and getattr(a, "author", None) else None
    parts = [c.outlet or "unknown outlet"] + ([f"by {author}"] if author else []) + [display_date(c.date)]
    if c.dateline:
        parts.append(c.dateline)
    if c.speaker:
        parts.append(f"{c.speaker} speaking")
    title = _one_line(c.title or c.article_id)
    link = f" <{c.url}>" if c.url and re.match(r"https?://\S+$", c.url) else ""
    return f"{', '.join(parts)}: “{title}”{link}"


def _blockquote(text: str) -> list[str]:
    """Verbatim text as a Markdown quotation, every line of it quoted."""
    return [f"> {line}".rstrip() for line in text.strip().splitlines()]


def export_markdown(turns: list[dict], only: int | None = None, articles=None) -> str:
    """The conversation (or one turn) as Markdown: question, answer, the sentence word for word, numbered
    citations with outlet, byline, date, title and URL (articles: the collection's, for the byline and to
    say which article changed since the answer), the article id and offsets."""
    out = ["# newsdesk conversation", ""]
    earlier = earlier_turns(turns)
    chosen = [(i, t) for i, t in enumerate(turns) if only is None or i == only]
    for i, t in chosen:
        out += [f"## Q{i + 1}. {_one_line(t['question'][:SHOWN_QUESTION_CHARS])}", ""]
        ans = answer_of(t)
        if t.get("error") or ans is None:
            out += [f"_{_one_line(t.get('error') or 'no answer')}_", ""]
            continue
        how = understood(ans, earlier[i])
        if how:
            out += [how, ""]
        if ans.note:
            out += [f"_{_one_line(ans.note)}_", ""]
        if ans.abstained:
            why = not_fit_of(t)
            out += [f"**Not an answer:** the passage found does not fit the question: {_one_line(why)}. Nearest "
                    "passages, not an answer:" if why else
                    "**The articles do not answer this question.** Nearest passages, not an answer:", ""]
        else:
            n = ans.answer_citation or 1
            shown = _one_line(ans.answer or "")
            if ans.shape == Shape.SAID.value and ans.speaker:
                shown = f"{ans.speaker}{', ' + ans.role if ans.role else ''}: {shown}"
            elif ans.shape == Shape.WHO.value and route(ans.question).describe and shown:
                shown = f"{ans.speaker or route(ans.question).who} — {shown}"
            if ans.tier is Tier.POSSIBLE:
                out += ["Possible answer (low confidence, not sure)" + (f": {shown} [{n}]" if shown else ""), ""]
            elif shown:
                out += [f"**Answer:** {shown} [{n}]", ""]
            if ans.shape == Shape.EVENT.value:
                out += [f"Event date: “{d.text}” → {date_plain(d)}" for d in event_dates_of(t)[:1]] + \
                    ([""] if event_dates_of(t) else [])
            out += _blockquote(f"{quoted(ans.quote or '')} [{ans.answer_citation or 1}]") + ["",
                                                                                               f"_{confidence_words(ans)}_", ""]
            out += [f"Date: “{d.text}” → {date_plain(d)}" for d in ans.resolved_dates] + \
                ([""] if ans.resolved_dates else [])
        for c in ans.citations:
            out.append(f"[{c.number}] {source_markdown(c, articles)} (`{c.article_id}`, characters {c.start}–{c.end})")
            changed = changed_since(c, articles)
            if changed:
                out.append(f"    ({changed}; the text quoted then follows)")
            if ans.abstained or changed:
                out += ["    " + line for line in _blockquote(c.text)]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def unescape_shown(text: str) -> str:
    """The text a shown question came from (the inverse of esc for what the chat holds)."""
    return html.unescape(re.sub(r"\\([\\`*_\[\]#|~{}])", r"\1", text))
