"""Conversations: follow-up questions are resolved from earlier turns into a standalone query."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.bm25 import STOPWORDS, tokenize

from .answer import Answer

_FOLLOWUP_START = re.compile(r"^\s*(and|also|what about|how about|so|then|but)\b", re.I)
_PRONOUNS = re.compile(r"\b(he|she|him|her|his|hers|it|its|they|them|their|there|that|those|this|these|then)\b", re.I)
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|her)\b", re.I)
_WORD = re.compile(r"\w[\w’'.-]*\w|\w")
_CAPITALISED = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w.-]+")


@dataclass
class Conversation:
    """The turns so far: each question with the Answer it got."""

    turns: list[Answer] = field(default_factory=list)

    def add(self, answer: Answer) -> None:
        self.turns.append(answer)

    def clear(self) -> None:
        self.turns.clear()


def is_followup(question: str) -> bool:
    """A question that leans on earlier turns: it opens with "and"/"what about", or refers back with a
    pronoun and names nothing of its own."""
    if _FOLLOWUP_START.search(question):
        return True
    if not _PRONOUNS.search(question):
        return False
    own_names = [w for w in _CAPITALISED.findall(question.strip()) if w.lower() not in STOPWORDS]
    content = [t for t in tokenize(question) if not _PRONOUNS.fullmatch(t)]
    return not own_names or len(content) <= 3


def rewrite(question: str, conversation: Conversation | None) -> str:
    """The standalone query for a question: unchanged unless it is a follow-up, else the question with
    the person it refers to and the topic of the last answered turn carried in."""
    if not conversation or not conversation.turns or not is_followup(question):
        return question
    last = next((t for t in reversed(conversation.turns) if not t.abstained), conversation.turns[-1])
    q = question.strip()
    if last.answer and _PERSON_PRONOUN.search(q) and re.match(r"^[A-Z]", last.answer):
        q = _PERSON_PRONOUN.sub(last.answer, q, count=1)
    have = set(tokenize(q))
    carried = [w for w in _WORD.findall(last.query) if tokenize(w) and not set(tokenize(w)) <= have]
    context = " ".join(dict.fromkeys(carried))
    if last.answer and last.answer not in q:
        context = f"{context} {last.answer}".strip()
    return f"{q} ({context})" if context else q
