"""Whether an answer can fit its question at all, before the page shows it as one.

A possible (or even a confident) answer whose type cannot fit the question is not shown as an answer: the
page shows the passage it came from as the nearest passage, not an answer, and says why. Two cases, both
read from the article's stored parse and the question's words, never from the answer's confidence:

- "Who is X?" answered by a place (a GPE or a facility to the parse: "Moscow") or by X's own name: neither
  says who X is (assistant/shapes.py caps these to a possible answer; here they are not shown as one);
- a question that names one side of something ("Who led the Russian delegation?") answered from a sentence
  that gives the answer to another side ("Andrea Thompson, ..., who led the US delegation"): the words the
  question puts before the noun ("Russian") and those the sentence puts before the same noun nearest the
  answer ("US") name different sides. Sides are compared by name, with a short table of the usual
  synonyms ("US" / "U.S." / "American" / "Washington").
"""
from __future__ import annotations

import re

from assistant.answer import Answer
from assistant.shapes import Shape, route
from index.parsing import article_parse, parse_question

# one side, several names (a country, its adjective, its capital as used for its government)
_SIDES = {
    "us": ("us", "usa", "u.s", "u.s.a", "american", "americans", "america", "united states", "washington"),
    "uk": ("uk", "u.k", "british", "britain", "united kingdom", "london", "english"),
    "russia": ("russia", "russian", "russians", "moscow", "kremlin", "russian federation"),
    "ukraine": ("ukraine", "ukrainian", "ukrainians", "kyiv", "kiev"),
    "china": ("china", "chinese", "beijing"),
    "france": ("france", "french", "paris"),
    "germany": ("germany", "german", "berlin"),
    "netherlands": ("netherlands", "dutch", "holland", "the hague"),
    "eu": ("eu", "european union", "brussels"),
    "nato": ("nato", "alliance"),
    "iran": ("iran", "iranian", "tehran"),
    "israel": ("israel", "israeli"),
    "japan": ("japan", "japanese", "tokyo"),
}
_ALIAS = {name: key for key, names in _SIDES.items() for name in names}
_DETERMINERS = r"(?:The|A|An|This|That|These|Those|Its|Their|His|Her|Our|Your|My)"
_MODIFIER = rf"(?:{_DETERMINERS}\s+)?(?P<side>(?!{_DETERMINERS}\b)[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?(?:['’]s)?)"


def side_key(word: str) -> str:
    """A side's name in one form: "U.S." and "American" -> "us", "Russia's" -> "russia"; an unknown one by its
    stem ("Ukrainian" and "Ukraine" -> "ukra")."""
    w = re.sub(r"['’]s$", "", word.strip()).lower().rstrip(".")
    if w in _ALIAS:
        return _ALIAS[w]
    w = w.replace(".", "")
    if w in _ALIAS:
        return _ALIAS[w]
    return re.sub(r"(?:ians?|eans?|ans?|ese|ish|is?|ic)$", "", w)[:4] or w


def _plural_free(noun: str) -> str:
    n = noun.lower()
    return n[:-1] if n.endswith("s") and not n.endswith("ss") else n


def asked_sides(question: str) -> list[tuple[str, str]]:
    """(side, noun) pairs a question names: a capitalised word that modifies a common noun ("the Russian
    delegation", "Russia's negotiators"), from the question's parse."""
    qp = parse_question(question)
    out = []
    for i, t in enumerate(qp.tokens):
        if i == 0 or not t.text[:1].isupper() or t.dep not in ("amod", "compound", "nmod", "poss"):
            continue
        head = qp.tokens[t.head]
        if head.pos == "NOUN" and head.text.islower() and t.head > i:
            out.append((t.text, head.text))
    return out


def _other_side(question: str, text: str, sent_start: int, sent_end: int, start: int, end: int) -> str | None:
    """Why the sentence gives the answer to another side than the question's, or None. A side in the sentence
    is a name the parse knows as a nationality, a place or a body (NORP, GPE, ORG), or one of the table's."""
    sentence = text[sent_start:sent_end]
    named = [m for m in article_parse(text).mentions if m.label in ("NORP", "GPE", "ORG")
             and sent_start <= m.start < sent_end]

    def is_side(m: re.Match) -> bool:
        a, b = sent_start + m.start("side"), sent_start + m.end("side")
        word = re.sub(r"['’]s$", "", m.group("side"))
        return word.lower() in _ALIAS or any(n.start <= a and b - (len(m.group("side")) - len(word)) <= n.end
                                             for n in named)

    for side, noun in asked_sides(question):
        want = side_key(side)
        pattern = re.compile(rf"\b{_MODIFIER}\s+(?:[a-z-]+\s+)?(?P<noun>{re.escape(_plural_free(noun))}s?)\b")
        found = [m for m in pattern.finditer(sentence) if is_side(m)]
        if not found:
            continue

        def distance(m: re.Match) -> int:  # characters between the answer and this mention of the noun
            a, b = sent_start + m.start(), sent_start + m.end()
            return max(0, a - end, start - b)

        nearest = min(found, key=distance)
        theirs = nearest.group("side")
        if side_key(theirs) != want and side_key(theirs.split()[-1]) != want:
            return (f"the sentence found gives “{text[start:end]}” to the {theirs} {nearest.group('noun')}, "
                    f"not to the {side} one the question asks about")
    return None


def withheld(store, ans: Answer) -> str | None:
    """Why an answer cannot fit its question (then it is not shown as an answer), or None."""
    if ans.abstained or ans.answer is None or ans.answer_start is None or not ans.citations:
        return None
    c = next((c for c in ans.citations if c.number == (ans.answer_citation or 1)), None)
    article = store.articles.get(c.article_id) if c is not None else None
    if article is None or article.text[ans.answer_start:ans.answer_end] != ans.answer:
        return None
    start, end = ans.answer_start, ans.answer_end
    routed = route(ans.question)
    if routed.shape is Shape.WHO and routed.describe and routed.who:
        span = ans.answer.strip()
        if span.casefold() in routed.who.casefold() or routed.who.casefold() in span.casefold():
            return f"“{span}” only names {routed.who} again; it does not say who they are"
        for m in article_parse(article.text).mentions:
            if m.label in ("GPE", "FAC") and m.start <= start and end <= m.end:
                return f"“{span}” is a place; it does not say who {routed.who} is"
    if ans.shape in (Shape.WHO.value, Shape.FACT.value, Shape.SAID.value):
        return _other_side(ans.question, article.text, c.start, c.end, start, end)
    return None
