"""Who said it: the speaker a sentence attributes its words to ("..., Ryabkov said")."""
from __future__ import annotations

import re

_VERBS = (r"said|says|stated|states|told|tells|added|noted|stressed|insisted|explained|warned|remarked|"
          r"outlined|specified|declared|argued|announced|affirmed|reported|wrote|claimed|emphasized|emphasised|pointed out")
_NAME = r"[A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){0,3}"
_PRONOUN = r"he|she|He|She"
# "X said", "X told", "said X" — X a name (with optional title words) or a pronoun, or "the ministry"
_AFTER = re.compile(rf"(?P<who>(?:{_NAME})|{_PRONOUN}|the (?:ministry|diplomat|minister|official|spokesman|spokeswoman))\s+(?:has\s+|had\s+|also\s+)?(?:{_VERBS})\b")
_BEFORE = re.compile(rf"\b(?:{_VERBS})\s+(?P<who>{_NAME})")
_PERSON = re.compile(r"\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2})\b")
_NOT_PEOPLE = {"Foreign", "Ministry", "State", "Department", "United", "States", "Russian", "Treaty", "Council",
               "News", "Union", "Secretary", "Minister", "President", "Deputy", "Security", "Forces", "Nuclear"}


def _last_person(text: str) -> str | None:
    names = [m.group(1) for m in _PERSON.finditer(text) if m.group(1).split()[-1] not in _NOT_PEOPLE]
    return names[-1] if names else None


def _clean(name: str) -> str:
    words = name.split()
    while words and words[0] in _NOT_PEOPLE | {"The", "US", "U.S.", "Russia’s"}:
        words = words[1:]
    return " ".join(words) or name


def speaker(article_text: str, start: int, end: int) -> str | None:
    """The speaker of the sentence article_text[start:end], resolving he/she to the last person named before it."""
    sentence = article_text[start:end]
    m = _AFTER.search(sentence) or _BEFORE.search(sentence)
    if not m:
        return None
    who = m.group("who")
    if who.lower() in ("he", "she"):
        return _last_person(article_text[:start + m.start()])
    if who.lower().startswith("the "):
        return who[4:]
    return _clean(who)
