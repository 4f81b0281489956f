"""Sources side by side: the reader's candidate answers grouped by what they name, each group with the
outlets and dates that support it, and the groups that disagree about the same fact marked.

* Grouping (derived, with its reason): dates by calendar day ("Dec. 17" / "December 17", the year
  stated or, when not stated, taken from the article's date: a month after the article's month is
  the year before); numbers by value ("at least 12 dead" / "12"); names by spelling up to
  transliteration ("Sergey Ryabkov" / "Sergei Ryabkov": similar surname and first name).
* Independent sources: an article linked as a near-duplicate copy of another (index/duplicates.py)
  counts as its original, so a wire story reprinted three times is one source.
* Disagreement: two groups of the same kind (two dates or two numbers) that answer the question
  comparably well and come from different sources. Two names are set side by side but never called a
  disagreement: a different name usually answers something else ("Foreign Minister Sergey Lavrov" for
  a question about the deputy minister). A source that states both values
  (EIRNS: drafts "delivered on Dec. 15 and published on Dec. 17") shows they are two different
  facts, so those groups never conflict.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import datetime

import numpy as np
from dateutil import parser as dateparser

from index.bm25 import tokenize
from index.duplicates import source_of
from index.store_api import Store, idf

from .answer import AnswerCandidate, AnswerGroup, Support

MIN_SCORE_RATIO = 0.3  # a candidate joins when its reader score is at least this share of the best's
# ... and its sentence is at least this share as relevant as the most relevant one (relevance: half the
# idf-weighted share of the question's words it holds, half its embedding cosine with the question)
MIN_RELEVANCE_RATIO = 0.6
MAX_CANDIDATES = 8
_MONTHS = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|" \
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_DATE = re.compile(rf"\b{_MONTHS}\s+\d{{1,2}}(?:,?\s+\d{{4}})?\b|\b\d{{1,2}}\s+{_MONTHS}(?:,?\s+\d{{4}})?\b")
_MONTH_ONLY = re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December)"
                         r"(?:,?\s+(\d{4}))?\b")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "twenty": 20, "hundred": 100}
_TITLES = {"mr", "ms", "mrs", "dr", "president", "minister", "deputy", "foreign", "russian", "us", "secretary", "of",
           "state", "the", "prime", "chancellor", "general", "ambassador"}


def _kind(span: str) -> str:
    if _DATE.search(span) or _MONTH_ONLY.search(span):
        return "date"
    if _NUMBER.search(span) or any(w in _WORD_NUMBERS for w in span.lower().split()):
        return "number"
    return "name"


def _date_key(span: str, article_date) -> tuple[str, str] | None:
    m = _DATE.search(span)
    if not m:
        mo = _MONTH_ONLY.search(span)
        if not mo:
            return None
        month = datetime.strptime(mo.group(0).split()[0].rstrip(","), "%B").month
        if mo.group(1):
            return f"{mo.group(1)}-{month:02d}", "a month, year stated"
        return f"--{month:02d}", "a month, year not stated"
    try:
        a = dateparser.parse(m.group(0), default=datetime(1, 1, 1))
        b = dateparser.parse(m.group(0), default=datetime(2, 1, 1))
    except (ValueError, OverflowError):
        return None
    if a.year == b.year:
        return f"{a.year:04d}-{a.month:02d}-{a.day:02d}", "a calendar day, year stated"
    if article_date is not None and article_date.year:
        year = article_date.year - (1 if a.month > article_date.month else 0)
        return f"{year:04d}-{a.month:02d}-{a.day:02d}", \
            f"a calendar day, year {year} from the article's date {article_date.iso}"
    return f"--{a.month:02d}-{a.day:02d}", "a calendar day, year unknown"


def _number_key(span: str) -> str | None:
    m = _NUMBER.search(span)
    if m:
        v = float(m.group(0).replace(",", ""))
        return f"{v:g}"
    for w in span.lower().split():
        if w in _WORD_NUMBERS:
            return str(_WORD_NUMBERS[w])
    return None


def _name_key(span: str) -> str:
    text = unicodedata.normalize("NFKD", span).encode("ascii", "ignore").decode().casefold()
    words = [w for w in re.findall(r"[a-z0-9]+", text) if w not in _TITLES]
    return " ".join(words)


def same_name(a: str, b: str) -> bool:
    """Two normalised names for the same thing: equal, or the same surname and a similar first name
    ("sergey ryabkov" / "sergei ryabkov"), or one the surname of the other ("ryabkov")."""
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return False
    if difflib.SequenceMatcher(None, wa[-1], wb[-1]).ratio() < 0.85:
        return False
    if len(wa) == 1 or len(wb) == 1:
        return True
    return difflib.SequenceMatcher(None, " ".join(wa[:-1]), " ".join(wb[:-1])).ratio() >= 0.75


def _relevance(question: str, sentence: str, index: Store) -> float:
    terms = list(dict.fromkeys(tokenize(question)))
    if not terms:
        return 0.0
    weights = [idf(index, t) for t in terms]
    words = set(tokenize(sentence))
    return sum(w for t, w in zip(terms, weights) if t in words) / (sum(weights) or 1.0)


def _key(kind: str, span: str, article) -> tuple[str, str]:
    if kind == "date":
        found = _date_key(span, article.date)
        if found:
            return found
    if kind == "number":
        n = _number_key(span)
        if n is not None:
            return n, "the same number"
    return _name_key(span), "the same name, up to spelling"


def group_answers(candidates: list[AnswerCandidate], index: Store, question: str,
                  qvec: np.ndarray | None = None) -> tuple[AnswerGroup, ...]:
    """Group the reader's candidates (best first; candidates[0] is the answer given) by what they name,
    and mark the groups that disagree. Empty when there is nothing to set side by side. qvec: the vector
    of the question as searched, when the caller has it (the pipeline passes its retrieval's)."""
    spans = [c for c in candidates if c.start is not None and c.end is not None and c.end > c.start]
    if not spans or candidates[0].start is None:
        return ()
    best = spans[0]
    qvec = index.embed_query(question) if qvec is None else qvec
    dense = index.sentence_vectors([c.sentence_id for c in spans]) @ qvec
    rel = {id(c): 0.5 * _relevance(question, index.sentences[c.sentence_id].text, index) + 0.5 * max(float(d), 0.0)
           for c, d in zip(spans, dense)}
    top_rel = max(rel.values()) or 1.0
    top_score = max(c.score for c in spans) or 1.0
    kept = [best] + [c for c in spans[1:] if c.score >= MIN_SCORE_RATIO * top_score
                     and rel[id(c)] >= MIN_RELEVANCE_RATIO * top_rel][:MAX_CANDIDATES]
    copies = index.copies
    groups: list[dict] = []
    seen_spans = set()
    for c in kept:
        a = index.articles[c.article_id]
        span = a.text[c.start:c.end]
        if (c.article_id, c.start, c.end) in seen_spans:
            continue
        seen_spans.add((c.article_id, c.start, c.end))
        kind = _kind(span)
        key, reason = _key(kind, span, a)
        support = Support(c.article_id, c.start, c.end, span, c.sentence_start, c.sentence_end,
                          a.text[c.sentence_start:c.sentence_end], a.outlet.value if a.outlet else None,
                          a.date.iso if a.date else None, round(float(c.score), 4), copies.get(c.article_id))
        for g in groups:
            if g["kind"] == kind and (g["key"] == key if kind != "name" else same_name(g["key"], key)):
                g["supports"].append(support)
                break
        else:
            groups.append({"kind": kind, "key": key, "reason": reason, "supports": [support], "main": not groups})
    if len({source_of(s.article_id, copies) for g in groups for s in g["supports"]}) < 2:
        return ()  # everything read comes from one source: nothing to set side by side
    # which independent sources state which keys: a source stating two values treats them as two facts
    stated: dict[str, set[str]] = {}
    for g in groups:
        for s in g["supports"]:
            stated.setdefault(source_of(s.article_id, copies), set()).add(g["key"])
    for src in stated:
        family = [a for i, a in index.articles.items() if source_of(i, copies) == src]
        for g in groups:
            if g["key"] not in stated[src] and any(_states(a, g) for a in family):
                stated[src].add(g["key"])
    out = []
    for i, g in enumerate(groups):
        sources = {source_of(s.article_id, copies) for s in g["supports"]}
        conflicts = []
        for j, h in enumerate(groups):
            if i == j or h["kind"] != g["kind"] or g["kind"] == "name":
                continue  # two names usually answer two things (Ryabkov, deputy; Lavrov, minister): side by side only
            other = {source_of(s.article_id, copies) for s in h["supports"]}
            if sources == other:
                continue  # the same sources give both: two facts, not two versions
            if any(g["key"] in keys and h["key"] in keys for keys in stated.values()):
                continue
            conflicts.append(j)
        outlets = tuple(dict.fromkeys(s.outlet or "unknown outlet" for s in g["supports"]))
        out.append(AnswerGroup(value=g["supports"][0].text, kind=g["kind"], key=g["key"], reason=g["reason"],
                               sources=len(sources), outlets=outlets, supports=tuple(g["supports"]),
                               conflicts_with=tuple(conflicts), main=g["main"]))
    return tuple(out)


def _states(article, group: dict) -> bool:
    """Whether an article states the group's value anywhere (not only where the reader found it)."""
    kind, key, text = group["kind"], group["key"], article.text
    if kind == "date":
        return any((found := _date_key(m.group(0), article.date)) and found[0] == key for m in _DATE.finditer(text))
    if kind == "number":
        return any(f"{float(m.group(0).replace(',', '')):g}" == key for m in _NUMBER.finditer(text))
    return bool(key) and key in _name_key(text)


def disagreements(groups: tuple[AnswerGroup, ...]) -> list[tuple[int, int]]:
    """Pairs (i, j), i < j, of groups that state the same fact differently."""
    return [(i, j) for i, g in enumerate(groups) for j in g.conflicts_with if i < j]
