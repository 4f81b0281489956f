"""The example questions under the chat, chosen by rule from the product's own seed set
(eval/seeds_qa.jsonl), never typed by hand: one of each kind the product serves (who, when, where,
how many) and one follow-up with the question it follows.

Rule: for each kind, the answerable seed questions of that kind in file order; given an assistant,
the first one it answers right (exact match with a gold answer), else the first one (shown anyway, so
that every kind has an example; whether it is answered then depends on the reader and its abstention). The follow-up
is the first seed with a history whose questions are all answered right, else the first with one.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from assistant.conversation import Conversation
from assistant.qtypes import question_type

log = logging.getLogger(__name__)
KINDS = ("who", "when", "where", "how many")


@dataclass(frozen=True)
class Example:
    kind: str  # one of KINDS or "follow-up"
    question: str
    history: tuple[str, ...] = ()  # asked first, for a follow-up
    seed_id: str = ""
    verified: bool = False  # the assistant answered it right when it was picked

    @property
    def label(self) -> str:
        if self.history:
            return f"Follow-up: “{self.history[-1]}” then “{self.question}”"
        return self.question


def _right(assistant, q) -> bool:
    from eval.metrics import exact_match

    try:
        conv = Conversation()
        for h in q.history:
            assistant.ask(h, conv)
        ans = assistant.ask(q.question, conv)
    except Exception:  # an example that fails is simply not chosen
        log.exception("example %s failed", q.id)
        return False
    return not ans.abstained and exact_match(ans.answer, list(q.answers)) == 1.0


def pick_examples(questions, assistant=None) -> list[Example]:
    """One Example per kind and a follow-up, by the module's rule."""
    out = []
    plain = [q for q in questions if q.answerable and not q.history]
    for kind in KINDS:
        of_kind = [q for q in plain if question_type(q.question) == kind]
        if not of_kind:
            continue
        right = next((q for q in of_kind if assistant is not None and _right(assistant, q)), None)
        chosen = right or of_kind[0]
        out.append(Example(kind, chosen.question, seed_id=chosen.id, verified=right is not None))
    follow = [q for q in questions if q.answerable and q.history]
    if follow:
        right = next((q for q in follow if assistant is not None and _right(assistant, q)), None)
        chosen = right or follow[0]
        out.append(Example("follow-up", chosen.question, tuple(chosen.history), chosen.id, right is not None))
    return out
