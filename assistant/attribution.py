"""Who said it: the speaker a sentence attributes its words to ("..., Ryabkov said").

A speaker is a name (or "the ministry") next to a speech verb. A single capitalised word counts
only when the article also uses it as the surname of a full name ("Gavrilov" after "Konstantin
Gavrilov"), so "in Vienna told RT" names nobody. "he"/"she" resolve to the last speaker
attributed before the sentence.
"""
from __future__ import annotations

import re

_VERBS = (r"said|says|stated|states|told|tells|added|noted|stressed|insisted|explained|warned|remarked|"
          r"outlined|specified|declared|argued|announced|affirmed|wrote|claimed|emphasized|emphasised|pointed out|"
          r"reiterated|recalled|urged|asked|replied|answered|commented|confirmed|reported")
# Inverted attribution ("..., said Ryabkov"): only verbs whose object is not the addressee or an outlet.
_INVERTED = r"said|says|stated|added|noted|wrote|asked|explained|stressed"
_WORD = r"[A-Z][\w’'-]+"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,5}}"
_SUBJECT = rf"(?P<who>{_NAME}|he|she|He|She|the (?:ministry|diplomat|minister|official|spokesman|spokeswoman))"
_AFTER = re.compile(rf"{_SUBJECT}\s+(?:has\s+|had\s+|also\s+|then\s+)?(?:{_VERBS})\b")
_BEFORE = re.compile(rf"\b(?:{_INVERTED})\s+(?P<who>{_NAME})")
_TITLES = {"Foreign", "Ministry", "Minister", "Deputy", "Secretary", "State", "Department", "President", "Prime",
           "Russian", "US", "U.S.", "American", "Defense", "Defence", "Under", "Head", "Chief", "Senior", "Spokesman",
           "The", "Russia’s", "Russia's", "Kremlin", "General", "Ambassador", "Vice", "Chancellor", "Mr", "Ms", "Dr"}


def _person(candidate: str, article_text: str) -> str | None:
    """Strip titles; keep a full name, or a single word the article uses as a surname."""
    words = candidate.split()
    while words and words[0] in _TITLES:
        words = words[1:]
    if not words:
        return None
    if len(words) >= 2:
        return " ".join(words[-3:])
    surname = words[0]
    if re.search(rf"\b{_WORD}\s+{re.escape(surname)}\b", article_text):
        return surname
    return None


def _speaker_in(text: str, article_text: str) -> tuple[str | None, bool]:
    """(speaker, is_pronoun) of the last attribution in text."""
    found = []
    for pattern in (_AFTER, _BEFORE):
        for m in pattern.finditer(text):
            found.append((m.start(), m.group("who")))
    for _, who in sorted(found, reverse=True):
        low = who.lower()
        if low in ("he", "she"):
            return None, True
        if low.startswith("the "):
            return who, False
        name = _person(who, article_text)
        if name:
            return name, False
    return None, False


def speaker(article_text: str, start: int, end: int) -> str | None:
    """The speaker of the sentence article_text[start:end], or None when it attributes nothing."""
    name, pronoun = _speaker_in(article_text[start:end], article_text)
    if name:
        return name
    if not pronoun:
        return None
    before = article_text[:start]
    for m in reversed(list(re.finditer(r"[^.!?\n]+[.!?\n”\"]*", before))):  # walk back sentence by sentence
        name, _ = _speaker_in(m.group(0), article_text)
        if name:
            return name
    return None
