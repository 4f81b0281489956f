"""Who said it: the quotations of an article and the person or institution whose words each one is.

The dependency parse decides (`index.parsing`: a verb of saying, its subject, the quotation its
subtree holds; "according to X"; an appositive; "he"/"she"/"it" resolved to the nearest compatible
earlier mention; an unnamed source stays nobody). Each Quote records `how` its speaker was found (the
parse's vocabulary: "named_subject", "appositive", "organisation", "pronoun_resolved",
"according_to", "unnamed", "none") and `found_by`: "parse", or "pattern" where the parse is silent
and one of the patterns below names the speaker. Each pattern has a test that shows the parse
alone missing that case (tests/assistant/test_attribution.py):

* a title-case headline, "Russian Diplomat Ryabkov Affirms, ‘Results Are Immediately Needed’": the
  parser reads "Ryabkov Affirms" as one proper noun, so the verb of saying is lost.

A role is the title the article puts before the name ("Russian Deputy Foreign Minister Sergey
Ryabkov") or its apposition (", the EU energy commissioner,"), from the parse.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from index.parsing import Quotation, article_parse
from index.parsing import find_quotations as _find_quotations

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Speaker:
    """Whose words: name as the article gives it in full; start/end: where the article names it."""

    name: str
    kind: str  # "person" | "institution"
    role: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Quote:
    """A quotation text[start:end] (marks included) and its speaker; cue_start/cue_end: the words that
    attribute it ("he said"), None when it continues the previous quotation or has no attribution.
    how: how the speaker was found (index.parsing's vocabulary); found_by: "parse" or "pattern"."""

    start: int
    end: int
    speaker: Speaker | None
    reason: str
    cue_start: int | None = None
    cue_end: int | None = None
    how: str = "none"
    found_by: str = "parse"


def find_quotations(text: str) -> list[tuple[int, int]]:
    """Top-level quotation spans [start, end), marks included; nested quotes belong to their outer one."""
    return _find_quotations(text)


def _speaker(q: Quotation) -> Speaker | None:
    if q.speaker is None or q.speaker_start is None or q.speaker_end is None:
        return None
    kind = "person" if q.speaker_kind == "person" else "institution"
    return Speaker(q.speaker, kind, q.role, q.speaker_start, q.speaker_end)


def _reason(q: Quotation) -> str:
    if q.link == "continues":
        return "continues the previous quotation"
    if q.link == "none":
        return "no attribution"
    if q.speaker is None:
        return "the source is not named"
    if q.cue_start is not None and q.cue_start >= q.end:
        return "attribution after the quotation"
    return "attribution before the quotation"


def _quote(q: Quotation) -> Quote:
    return Quote(q.start, q.end, _speaker(q), _reason(q), q.cue_start, q.cue_end, q.how, "parse")


# --- patterns, only where the parse is silent ------------------------------------------------------------

_HEADLINE_VERBS = ("Says|Said|Tells|Told|Affirms|Warns|Insists|Stresses|Declares|Claims|Urges|Vows|Admits|"
                   "Confirms|Denies|Argues|Announces|Predicts|Cautions")
_HEADLINE = re.compile(rf"(?P<name>(?:[A-Z][\w’'.-]+\s+){{0,4}}[A-Z][\w’'.-]+)\s+(?:{_HEADLINE_VERBS})\b[,:]?\s*$")


def _headline(text: str, quotes: list[Quote], parsed: tuple[Quotation, ...]) -> list[Quote]:
    """A title-case headline "Diplomat Ryabkov Affirms, ‘...’": the last words before the verb that name a
    person the article names in full (the parse sees one long proper noun there)."""
    out = []
    persons = {q.speaker: q for q in parsed if q.speaker_kind == "person" and q.speaker}
    for q in quotes:
        if q.speaker is not None or q.how not in ("none",):
            out.append(q)
            continue
        line_start = text.rfind("\n", 0, q.start) + 1
        m = _HEADLINE.search(text, line_start, q.start)
        hit = None
        if m:
            words = m.group("name").split()
            for k in range(len(words)):
                tail = " ".join(words[k:])
                hit = next((p for name, p in persons.items() if name == tail or name.endswith(" " + tail)), None)
                if hit:
                    break
        if hit is None:
            out.append(q)
            continue
        sp = Speaker(hit.speaker, "person", hit.role, hit.speaker_start, hit.speaker_end)
        out.append(Quote(q.start, q.end, sp, "attribution before the quotation", m.start("name"), m.end(),
                         "named_subject", "pattern"))
    return out


# --- the public functions ------------------------------------------------------------------------------------

@lru_cache(maxsize=512)
def _all(article_text: str) -> tuple[tuple[Quote, ...], tuple[Quote, ...]]:
    """(direct quotations, reported statements) of an article, speakers attributed."""
    parse = article_parse(article_text)
    direct = [_quote(q) for q in parse.quotations if q.kind == "direct"]
    direct = _headline(article_text, direct, parse.quotations)
    reported = tuple(_quote(q) for q in parse.quotations if q.kind == "reported")
    return tuple(direct), reported


def quotations(article_text: str) -> tuple[Quote, ...]:
    """Every quotation of an article with its speaker (None when the article does not name one)."""
    return _all(article_text)[0]


def statements(article_text: str) -> tuple[Quote, ...]:
    """Reported speech ("Ryabkov said that ..."): the clause said, with its speaker."""
    return _all(article_text)[1]


SURE = ("named_subject", "appositive", "organisation", "according_to")  # how a sure speaker was found


def attribution(article_text: str, start: int, end: int) -> Quote | None:
    """The quotation or reported statement that attributes the span [start, end): the first quotation it
    overlaps, else the first reported speech whose attribution lies in it ("Ryabkov said that ..."); None
    when it attributes nothing. Its speaker is None where the article names nobody (an unnamed source)."""
    for q in quotations(article_text):
        if q.start < end and start < q.end:
            if q.speaker is not None or q.how == "unnamed":
                return q
    for q in statements(article_text):
        if q.cue_start is not None and start <= q.cue_start and q.cue_end <= end and q.speaker is not None:
            return q
    return None


def attribute(article_text: str, start: int, end: int) -> Speaker | None:
    """The speaker of the span [start, end): the speaker of the first quotation it overlaps, else of
    reported speech in it ("Ryabkov said that ..."); None when it attributes nothing."""
    q = attribution(article_text, start, end)
    return q.speaker if q is not None else None


def names_someone(article_text: str, s: Speaker) -> bool:
    """Whether a speaker's name names a person or an institution as a whole: never a place ("Washington",
    a GPE to the parse; a dateline's city), never a fragment ("former Soviet Union and the United": a
    lower-case word, or a named entity cut in two)."""
    name = s.name.strip()
    if not name or not (name[0].isupper() or name[0].isdigit()) or re.search(r"\s(?:and|or|&)\s", name):
        return False
    line_start = article_text.rfind("\n", 0, s.start) + 1
    if name.isupper() and not article_text[line_start:s.start].strip() and article_text[s.end:s.end + 1] == ",":
        return False  # a dateline ("ALPENA, Mich., Aug 22 - ..."): where the report was filed
    for m in article_parse(article_text).mentions:
        if not (m.start < s.end and s.start < m.end):
            continue
        if (s.start <= m.start and s.end < m.end) or (m.start < s.start and m.end < s.end):
            return False  # a name cut in two: "... and the United" (States)
        if m.label == "GPE" and m.start <= s.start and s.end <= m.end and s.kind != "person":
            return False  # a place
    return True


def sure_speaker(article_text: str, start: int, end: int) -> Speaker | None:
    """The speaker of [start, end) when the attribution is sure: named as the subject of a verb of saying, in
    apposition, as an organisation, or "according to" it, and naming a person or an institution (never a
    place, never a fragment); None otherwise (a pronoun resolved, an unnamed source, nobody)."""
    q = attribution(article_text, start, end)
    if q is None or q.speaker is None or q.how not in SURE or not names_someone(article_text, q.speaker):
        return None
    return q.speaker


def speaker(article_text: str, start: int, end: int, sure: bool = False) -> str | None:
    """The name of whoever speaks in article_text[start:end], or None; sure: only a sure speaker
    (sure_speaker), as a citation's header names."""
    s = sure_speaker(article_text, start, end) if sure else attribute(article_text, start, end)
    return s.name if s else None
