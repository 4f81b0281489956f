"""Question types and the short spans each type expects (dates for when, numbers for how many, ...)."""
from __future__ import annotations

import re

from index.calendar import MONTHS, WEEKDAYS

TYPES = ("who", "when", "where", "how many", "which", "what", "other")

_MONTHS = "|".join(MONTHS) + r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\."
_WEEKDAYS = "|".join(WEEKDAYS)
_NUMWORD = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|dozens|twenty|thirty|forty|fifty"
            r"|hundred|hundreds|thousand|thousands|million|billion|several|a few")
DATE = re.compile(
    rf"\b(?:(?:early |late |mid-)?(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?"
    rf"|(?:early |late |mid-)?(?:{_MONTHS})(?:\s+\d{{4}})?"
    rf"|(?:on |last |next |this )?(?:{_WEEKDAYS})"
    r"|(?:in |since |by )?(?:1[6-9]|20)\d\d(?:s)?"
    r"|yesterday|today|tomorrow|(?:early |late )?(?:next|last|this) (?:year|week|month)|the following day|(?:\d+|a few|several) (?:days|weeks|months|years) (?:ago|later))\b"
)
NUMBER = re.compile(
    rf"\b(?:(?:from |between )?\$?\d[\d,]*(?:\.\d+)?(?:\s*(?:to|and|-|–)\s*\$?\d[\d,]*(?:\.\d+)?)?"
    rf"(?:\s*(?:%|percent|million|billion|thousand|kilometers|km|miles|meters|days|weeks|months|years|times|people|troops|yards|points))?"
    rf"|(?:a |an )?(?:{_NUMWORD})(?: of)?(?:\s+(?:times|days|weeks|months|years|people))?)\b", re.I)
# Capitalised word sequences: names, organisations, places ("Sergey Ryabkov", "U.S. State Department").
NAME = re.compile(r"\b(?:[A-Z][\w’'.-]*[\w]|[A-Z]{2,}|[A-Z]\.)(?:\s+(?:of\s+|de\s+|the\s+)?(?:[A-Z][\w’'.-]*[\w]|[A-Z]{2,}|\d+))*")


def question_type(question: str) -> str:
    """One of TYPES, from the wh-word that leads the question (or the first one in it)."""
    q = question.lower()
    m = re.search(r"\b(how many|how much|who|whom|whose|when|what year|what day|where|which|what|how)\b", q)
    if not m:
        return "other"
    w = m.group(1)
    if w in ("how many", "how much"):
        return "how many"
    if w in ("who", "whom", "whose"):
        return "who"
    if w in ("what year", "what day"):
        return "when"
    if w == "how":
        return "other"
    return w


def expected_kind(question: str) -> str | None:
    """The kind of short span the question asks for: "date", "number", "name", "place", or None."""
    qt = question_type(question)
    q = question.lower()
    if qt == "when" or re.search(r"\b(which|what) (day|date|year|month|time)\b", q):
        return "date"
    if qt == "how many" or re.search(r"\b(how (long|far|soon|old)|what (range|percentage|number|amount))\b", q):
        return "number"
    if qt == "who" or re.search(r"\b(which|what) (person|official|diplomat|minister|president|secretary|leader|player|coach)\b", q):
        return "name"
    if qt == "where" or re.search(r"\b(which|what|in which|in what) (city|country|place|state|stadium|venue)\b", q):
        return "place"
    if qt == "which" or re.search(r"\b(what|which) (broadcaster|publication|newspaper|agency|outlet|team|organi[sz]ation|treaty|missile|company)\b", q):
        return "name"
    return None


def typed_spans(kind: str, sentence: str) -> list[tuple[int, int]]:
    """[start, end) spans of the sentence that fit the expected kind."""
    if kind == "date":
        pattern = DATE
    elif kind == "number":
        pattern = NUMBER
    else:
        pattern = NAME
    spans = []
    for m in pattern.finditer(sentence):
        s, e = m.span()
        text = sentence[s:e].strip(" ,.;:")
        if not text:
            continue
        s = s + sentence[s:e].find(text)
        spans.append((s, s + len(text)))
    if kind in ("name", "place"):
        spans = [(s, e) for s, e in spans if not _sentence_initial_function_word(sentence, s, e)]
    return spans


_FUNCTION = {"The", "A", "An", "In", "On", "At", "But", "And", "He", "She", "It", "They", "We", "I", "This", "That",
             "However", "After", "Before", "As", "If", "So", "Here", "There", "What", "When", "Who", "Under", "With",
             "According", "Certainly", "Everything", "Russia’s", "US", "Our", "His", "Her", "Their", "Its"}


def _sentence_initial_function_word(sentence: str, s: int, e: int) -> bool:
    words = sentence[s:e].split()
    return len(words) == 1 and words[0] in _FUNCTION
