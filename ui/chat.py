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

from assistant.answer import Answer, Tier
from assistant.conversation import Conversation
from assistant.guard import failure_message, is_failure
from assistant.settings import AskSettings

from .render import confidence_text as confidence_words
from .render import citation_line, esc, groups_markdown, quoted, resolved_date_line

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


def extras_markdown(ans: Answer) -> str:
    """What is derived from the answer, rendered once while the Answer is live (the stored turn keeps its
    JSON): resolved dates beside their verbatim expressions, and the sources side by side."""
    if ans.abstained:
        return ""
    dates = "".join(f"\n<small>{esc(resolved_date_line(d))}</small>\n" for d in ans.resolved_dates)
    return dates + groups_markdown(ans)


def answer_message(ans: Answer, pos: int, filters: str | None = None, extras: str = "") -> str:
    """The chat message for an Answer: short answer, verbatim sentence, clickable [n] citations."""
    lines = []
    if ans.note:
        lines.append(f"*{esc(ans.note)}*\n")
    if ans.abstained:
        if ans.query:
            lines.append("**The articles do not answer this question.**")
            if filters:
                lines.append(f"\n*Filters are on ({esc(filters)}): the answer may be in articles they leave out.*")
        if ans.citations:
            lines.append("\nNearest passages, *not an answer*:\n")
    else:
        if ans.tier is Tier.POSSIBLE:
            lines.append("⚠️ **Possible answer** (not sure):\n")
        if ans.answer:
            lines.append(f"**{esc(ans.answer)}** {_marker(pos, ans.answer_citation or 1)}\n")
        lines.append(f"> {esc(quoted(ans.quote or ''))} {_marker(pos, ans.answer_citation or 1)}\n")
        lines.append(f"*{esc(confidence_words(ans))}*\n")
        if extras:
            lines.append(extras + "\n")
    for c in ans.citations:
        snippet = ""
        if ans.abstained:
            text = _flat(c.text)
            snippet = ": " + esc(quoted(text if len(text) <= 240 else text[:240].rsplit(" ", 1)[0] + "…"))
        lines.append(f"- {_marker(pos, c.number)} {esc(citation_line(c))}{snippet}")
    if ans.query and ans.query != ans.question:
        lines.append(f"\n<small>Understood as: {esc(ans.query)}</small>")
    return "\n".join(lines)


def turn_message(turn: dict, pos: int) -> str:
    if turn.get("error"):
        return f"*{esc(turn['error'])}*"
    ans = answer_of(turn)
    return answer_message(ans, pos, turn.get("filters"), turn.get("extras", "")) if ans else \
        "*This answer could not be shown.*"


def history(turns: list[dict]) -> list[dict]:
    """The Chatbot's messages for the stored turns: the user's text as text, the answers as markdown."""
    out = []
    for pos, t in enumerate(turns):
        out.append({"role": "user", "content": shown_question(t["question"], t.get("typed"))})
        out.append({"role": "assistant", "content": turn_message(t, pos)})
    return out


def respond(collection, question: Any, turns: list[dict], filters, filters_text: str | None = None,
            settings: AskSettings | None = None) -> tuple[list[dict], Answer | None]:
    """Answer one question in the conversation the turns hold; a failure becomes the turn's message, and
    the conversation stays usable. Returns the new turns and the Answer (None on failure)."""
    question = question if isinstance(question, str) else ""
    typed = len(question)
    try:
        ans = collection.ask(question, conversation_of(turns), filters, settings)
        turn = {"question": question, "answer": ans.to_json(), "error": None,
                "filters": filters_text if filters_text and ans.abstained else None, "extras": extras_markdown(ans)}
    except ValueError as e:  # a bad filter, or answering failed (AnsweringError): its one line
        ans, turn = None, {"question": question, "answer": None, "error": str(e), "filters": None}
    except BaseException as e:  # never a dead session
        if not is_failure(e):
            raise
        log.exception("answering failed")
        ans, turn = None, {"question": question, "answer": None, "error": failure_message(e), "filters": None}
    turn["question"], turn["typed"] = question[:STORED_QUESTION_CHARS], typed  # localStorage holds a few MB
    return turns + [turn], ans


def _md_text(text: str) -> str:
    """Text for an exported Markdown file: markup shown, not run."""
    return re.sub(r"([\\`*_\[\]#|<>])", r"\\\1", text)


def export_markdown(turns: list[dict], only: int | None = None) -> str:
    """The conversation (or one turn) as Markdown: question, answer, verbatim sentence, numbered citations
    with outlet, date, dateline, speaker, article id, offsets and URL."""
    out = ["# newsdesk conversation", ""]
    chosen = [(i, t) for i, t in enumerate(turns) if only is None or i == only]
    for i, t in chosen:
        out += [f"## Q{i + 1}. {_md_text(t['question'][:SHOWN_QUESTION_CHARS])}", ""]
        ans = answer_of(t)
        if t.get("error") or ans is None:
            out += [f"_{_md_text(t.get('error') or 'no answer')}_", ""]
            continue
        if ans.query and ans.query != ans.question:
            out += [f"Understood as: {_md_text(ans.query)}", ""]
        if ans.note:
            out += [f"_{_md_text(ans.note)}_", ""]
        if ans.abstained:
            out += ["**The articles do not answer this question.** Nearest passages, not an answer:", ""]
        else:
            if ans.tier is Tier.POSSIBLE:
                out += ["**Possible answer** (low confidence)", ""]
            if ans.answer:
                out += [f"**Answer:** {_md_text(ans.answer)} [{ans.answer_citation or 1}]", ""]
            out += [f"> {_md_text(quoted(ans.quote or ''))} [{ans.answer_citation or 1}]", "",
                    f"_{confidence_words(ans)}_", ""]
        for c in ans.citations:
            where = f"`{c.article_id}` characters {c.start}–{c.end}"
            link = f" <{c.url}>" if c.url and re.match(r"https?://", c.url) else ""
            out.append(f"[{c.number}] {_md_text(citation_line(c))} ({where}){link}")
            if ans.abstained:
                out.append(f"    > {_md_text(_flat(c.text))}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def unescape_shown(text: str) -> str:
    """The text a shown question came from (the inverse of esc for what the chat holds)."""
    return html.unescape(re.sub(r"\\([\\`*_\[\]#|~{}])", r"\1", text))
