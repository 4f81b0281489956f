"""Conversations: a follow-up question is resolved from the last turns into a standalone query.

A question is a follow-up when it refers back (a pronoun such as "he", "it", "there", or "that
meeting" with nothing in the question it could refer to) or is elliptic ("When?", "And NATO?",
"What about Lavrov?"). A question that names its own subject is left exactly as it is.

Resolution uses the last turn that was asked in words: its question (its resolved query, so chains
keep their context), its answer and the sentence cited for it (for the speaker). An answer is carried
only when it can be trusted (not abstained, not a "possible" answer) and the follow-up refers to it:
"he"/"she" after a who-question, "there" after a where-question, "then" after a when-question, "it"
after a which-thing question. A person pronoun becomes the name; anything else gets the earlier
question's content words in parentheses; an elliptic "And X?" swaps X into the earlier question in
place of the name of the same kind.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.bm25 import STOPWORDS, tokenize

from .answer import Answer
from .qtypes import expected_kind

WH = frozenset("what which who whom whose when where why how".split())
_CONTINUE = re.compile(r"^\s*(and|also|plus|but|so|then|what about|how about|what of|same for)\b[\s,]*", re.I)
_WH_ONLY = re.compile(r"^\s*(and\s+|but\s+|so\s+)?(what|which|who|whom|when|where|why|how(\s+(many|much|long|soon|far|often))?)"
                      r"(\s+(exactly|precisely|else|then|so|again))?\s*[?.!]*\s*$", re.I)
_PERSON = re.compile(r"\b(he|she|him|his|her|hers)\b", re.I)
_GROUP = re.compile(r"\b(they|them|their|theirs)\b", re.I)
_THING = re.compile(r"\b(it|its)\b", re.I)
_DEMONSTRATIVE = re.compile(r"\b(this|these|those)\b|\bthat\s+(?=(?-i:[a-z]+)\b(?!\s+(?:is|was|are|were|has|had|will|would|can)\b))"
                            r"|\bthat\s*[?.!]*$",
                            re.I)
_THERE = re.compile(r"(?<!\bis\s)(?<!\bare\s)(?<!\bwas\s)(?<!\bwere\s)(?<!\bwill\s)(?<!\bbe\s)"
                    r"\bthere\b(?!\s+(is|are|was|were|be|been|will|would|has|have|had))", re.I)
_THEN = re.compile(r"(?<!\bsince\s)\bthen\s*[?.!]*$", re.I)
_EXPLETIVE_IT = re.compile(r"^\s*(is|was|isn't|wasn't|would|will)\s+it\b|\bit\s+(is|was|takes|took|seems|seemed)\b", re.I)
# "that" after these is a conjunction ("said that NATO ..."), not a pointer back
_SAYING = re.compile(r"\b(say|said|says|claim|claimed|warn|warned|think|believe|insist|insisted|stress|stressed|"
                     r"announce|announced|state|stated|argue|argued|ensure|hope|hoped|add|added|note|noted|so|"
                     r"demand|demanded|ask|asked|require|required|suggest|suggested|propose|proposed|agree|agreed|"
                     r"know|knew|report|reported|show|showed|fear|feared|expect|expected|promise|promised|"
                     r"confirm|confirmed|deny|denied|mean|meant|admit|admitted|decide|decided)\s+that\b", re.I)
_ROLE = re.compile(r"\b(minister|president|spokesman|spokeswoman|spokesperson|diplomat|envoy|official|secretary|chancellor|"
                   r"ambassador|negotiator|chief|head|leader|general|man|woman|person|reporter|journalist|analyst|"
                   r"expert|senator|governor|mayor|premier|king|queen|pope|director|commander|deputy)s?\b", re.I)
_NAME = re.compile(r"(?:[A-Z][\w’'.-]*|\d[\w-]*[A-Z][\w-]*)(?:\s+(?:of\s+the\s+|of\s+|de\s+|von\s+)?(?:[A-Z][\w’'.-]*|\d[\w-]*))*")
_PLACE_PREP = re.compile(r"\b(in|at|from|to|near|into|inside|outside)\s+(the\s+)?$", re.I)
_CLAUSE = re.compile(r"(,\s*(and|but)?|;|\band)\s+(how|when|where|why|what|who|which|did|does|is|was)\b[^,;]*$", re.I)
_WH_PHRASE = re.compile(r"^\s*(how many|how much|which|what|whose)\s+(\w+\s+){0,3}?"
                        r"(?=(did|do|does|was|were|is|are|has|have|had|will|would|can|could)\b)", re.I)
_POSSESSIVE = re.compile(r"[’']s?$")
_DEMONYM = re.compile(r"(an|ese|ish|ern)$")
_ORG_WORDS = frozenset("""Council Ministry Treaty Agency Union Commission Organization Organisation Department News Forces
Committee Office Agreement Act Party Government Parliament Assembly Bank Fund Company Services Group Centre Center
Station Authority Court Institute University Army Navy Kremlin NATO Council""".split())
_BODIES = frozenset("union unions ministry government agency company party council committee department office "
                    "commission court police army service authority board".split())
_TRAILING_CONTEXT = re.compile(r"\s*\([^()]*\)\s*$")
_MAX_CONTEXT_WORDS = 14


@dataclass
class Conversation:
    """The turns so far: each question with the Answer it got."""

    turns: list[Answer] = field(default_factory=list)

    def add(self, answer: Answer) -> None:
        self.turns.append(answer)

    def clear(self) -> None:
        self.turns.clear()


@dataclass(frozen=True)
class Resolution:
    """How a question was understood: the query searched, the kind of resolution, and what it came from."""

    question: str
    query: str
    kind: str  # "standalone", "pronoun", "ellipsis", "swap" or "unresolved" (a follow-up with no earlier turn)
    referent: str | None = None  # what a person pronoun was taken to mean
    source: str | None = None  # the earlier question it was resolved from


def _content(text: str) -> list[str]:
    return [t for t in tokenize(text) if t not in WH]


def _names(text: str) -> list[tuple[int, int]]:
    """[start, end) of capitalised spans, without the question's first word when it is a plain word."""
    out = []
    for m in _NAME.finditer(text):
        s, e = m.start(), m.end()
        if s == len(text) - len(text.lstrip()):  # the first word is capitalised anyway
            first = m.group().split()[0]
            if first.lower() in STOPWORDS or first.lower() in WH or first.lower() in ("and", "also", "plus"):
                rest = m.group()[len(first):].lstrip()
                if not rest:
                    continue
                s = e - len(rest)
        out.append((s, e))
    return out


def _person_pronoun_refers_back(question: str) -> bool:
    m = _PERSON.search(question)
    if not m:
        return False
    before = question[: m.start()]
    return not (_names(before) or _ROLE.search(before))


def _group_refers_back(question: str) -> bool:
    """"they" refers back unless a name or a plural noun before it could be what it means."""
    m = _GROUP.search(question)
    if not m:
        return False
    before = question[: m.start()]
    # the noun a wh-phrase asks about ("How many planes did they ...") is not what "they" means
    before = _WH_PHRASE.sub("", before)
    plural = [t for t in _content(before) if len(t) > 3 and t.endswith("s") and not t.endswith("ss")]
    return not (_names(before) or plural)


def _thing_refers_back(question: str) -> bool:
    m = _THING.search(question)
    if not m or _EXPLETIVE_IT.search(question):
        return False
    if m.group().lower() == "its":  # possessive: internal when a name comes first ("NATO ... its expansion")
        return not _names(question[: m.start()])
    # reported speech about a named subject: "When did Washington say it would ..."
    before = question[: m.start()]
    if _names(before) and re.search(r"\b(say|says|said|claim|claims|claimed|think|thinks|believe|believes|warn|warns|"
                                    r"warned|announce|announced|insist|insists|insisted|promise|promised)\s+(that\s+)?$",
                                    before, re.I):
        return False
    # a second clause about the first one's subject: "When did the strike take place, and how long did it last?"
    clause = _CLAUSE.search(question[: m.start()])
    return not (clause and _names(question[: clause.start()]))


def _demonstrative_refers_back(question: str) -> bool:
    for m in _DEMONSTRATIVE.finditer(question):
        following = question[m.end():].split()[:1]
        if m.group().lower().startswith("that") and following and following[0].lower() in STOPWORDS:
            continue  # "that the ...", "that he ...": a clause follows, not a thing pointed at
        if m.group().lower().startswith("that") and _SAYING.search(question[: m.end()].rstrip() + " that"):
            continue
        if m.group().lower().strip() == "that" and question[: m.start()].rstrip().split()[-1:] and \
                _names(question[: m.start()].rstrip().split()[-1]):
            continue  # "the missile that ..." after a name: a relative clause
        return True
    return False


def followup_kind(question: str) -> str | None:
    """"pronoun", "ellipsis" or None (standalone): how a question leans on earlier turns."""
    q = question.strip()
    if not q:
        return None
    if _WH_ONLY.match(q):
        return "ellipsis"
    own = _content(_CONTINUE.sub("", q))
    if _CONTINUE.match(q) and len(own) <= 3 and not re.search(r"\b(did|does|do|was|were|is|are|has|have|will)\b", q, re.I):
        return "ellipsis"
    if (_person_pronoun_refers_back(q) or _group_refers_back(q) or _thing_refers_back(q)
            or _demonstrative_refers_back(q) or _THERE.search(q) or _THEN.search(q)):
        return "pronoun"
    return None


def is_followup(question: str) -> bool:
    """A question that leans on earlier turns (see followup_kind)."""
    return followup_kind(question) is not None


def trusted_answer(turn: Answer) -> str | None:
    """The turn's short answer when it may be carried into a follow-up: not abstained, not a possible answer."""
    if turn.abstained or not turn.answer or getattr(turn, "tier", None) == "possible":
        return None
    return turn.answer


def _core(turn: Answer) -> str:
    """The earlier question as it was understood, without carried context."""
    return _TRAILING_CONTEXT.sub("", turn.query or turn.question).strip()


def _looks_like_person(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 5 or any(w.strip(".,") in _ORG_WORDS or "-" in w or w.isupper() for w in words):
        return False
    return all(w[:1].isupper() for w in words if w.lower() not in ("de", "von", "van", "al"))


def _person_answer(answer: str) -> bool:
    """A who-answer naming a person, titles and all ("US Secretary of State Antony Blinken"), not a body
    ("the FNV Havens union", "the Foreign Ministry")."""
    words = [w.strip(".,") for w in answer.split()]
    return bool(words) and words[0][:1].isupper() and not any(w in _ORG_WORDS or w.lower() in _BODIES for w in words)


def _as_noun(name: str, text_after: str) -> bool:
    """False for a nationality used as an adjective ("Russian delegation"), which names nobody."""
    return not (len(name.split()) == 1 and _DEMONYM.search(name) and re.match(r"\s+[a-z]", text_after))


def _speaker(turn: Answer) -> str | None:
    if turn.answer_citation is None or trusted_answer(turn) is None:
        return None
    cited = next((c for c in turn.citations if c.number == turn.answer_citation), None)
    return cited.speaker if cited else None


def _person_referent(turn: Answer) -> str | None:
    """Who "he"/"she" means: a trusted who-answer, else the speaker of the cited sentence, else the first
    person-like name of the earlier question."""
    answer = trusted_answer(turn)
    core = _core(turn)
    if answer and re.match(r"^\s*(who|whom)\b", turn.question, re.I) and _looks_like_person(answer):
        return answer
    if answer and expected_kind(turn.question) == "name" and _ROLE.search(turn.question) and _looks_like_person(answer):
        return answer
    speaker = _speaker(turn)
    if speaker and speaker.lower() not in ("he", "she"):
        return speaker
    for s, e in _names(core):
        name = _POSSESSIVE.sub("", core[s:e])
        if not _PLACE_PREP.search(core[:s]) and _looks_like_person(name) and _as_noun(name, core[e:]):
            return name
    return None


def _carries_answer(question: str, turn: Answer, kind: str) -> bool:
    """Whether the follow-up refers to the earlier answer itself (so that answer belongs in the query)."""
    if trusted_answer(turn) is None or len(trusted_answer(turn).split()) > 8:
        return False
    earlier = expected_kind(turn.question)
    if kind == "ellipsis":  # "When?" asks more about the same event; "And X?" asks it of something else
        return bool(_WH_ONLY.match(question))
    if _THERE.search(question):
        return earlier == "place"
    if _THEN.search(question):
        return earlier == "date"
    if _THING.search(question) or _DEMONSTRATIVE.search(question) or _GROUP.search(question):
        # after a who-question a person is "he"/"she"; "they"/"it" then mean an answer that is not a person
        who = re.match(r"^\s*(who|whom)\b", turn.question, re.I)
        return earlier in ("name", "place") and not (who and _person_answer(trusted_answer(turn)))
    return False


def _replace_person(question: str, name: str) -> str:
    m = _PERSON.search(question)
    word = m.group().lower()
    after = question[m.end():]
    possessive = word in ("his", "hers") or (word == "her" and re.match(r"\s+(?!(?:to|about|at|in|on|for|with|from|"
                                                                        r"when|after|before|that|if)\b)[a-z]", after))
    return question[: m.start()] + (f"{name}’s" if possessive else name) + after


def _swap(question: str, core: str) -> str | None:
    """ "And NATO?" after "What did Ryabkov tell the US?" -> "What did Ryabkov tell NATO?": the new name
    takes the place of the earlier name of the same shape (acronym, place, other)."""
    new = _names(_CONTINUE.sub("", question.strip()))
    if len(new) != 1:
        return None
    rest = _CONTINUE.sub("", question.strip())
    s, e = new[0]
    name = rest[s:e].rstrip(".?!")
    place = bool(re.match(r"^\s*(in|at|from|to|near)\s", rest, re.I))

    def shape(text: str, is_place: bool) -> str:
        return "place" if is_place else ("acronym" if re.fullmatch(r"[A-Z0-9.\-]{2,}", text.replace(" ", "")) else "name")

    want = shape(name, place)
    spans = [(a, b) for a, b in _names(core) if core[a:b] != name]
    same = [(a, b) for a, b in spans if shape(core[a:b], bool(_PLACE_PREP.search(core[:a]))) == want]
    if not same:
        return None
    a, b = same[-1] if want != "name" else same[0]
    return core[:a] + name + core[b:]


def _context(question: str, turn: Answer, with_answer: bool) -> list[str]:
    """The earlier query's content words (original spelling) not already in the question, then the answer."""
    have = set(tokenize(question))
    words = []
    untrusted = set(tokenize(turn.answer or "")) if trusted_answer(turn) is None else set()
    for w in re.findall(r"\w[\w’'.-]*\w|\w", turn.query or turn.question):
        toks = set(tokenize(w))
        if toks and not toks <= have and not (toks & untrusted) and w.lower() not in WH and w not in words:
            words.append(w)
    words = words[:_MAX_CONTEXT_WORDS]
    answer = trusted_answer(turn)
    if with_answer and answer and not set(tokenize(answer)) <= have | set(tokenize(" ".join(words))):
        words.append(answer)
    return words


def resolve(question: str, conversation: Conversation | None) -> Resolution:
    """How a question is understood in its conversation (see the module's docstring)."""
    kind = followup_kind(question)
    if kind is None:
        return Resolution(question, question, "standalone")
    turns = [t for t in (conversation.turns if conversation else []) if t.query]
    if not turns:
        return Resolution(question, question, "unresolved")
    last = turns[-1]
    q = question.strip()
    if kind == "ellipsis" and not _WH_ONLY.match(q):
        swapped = _swap(q, _core(last))
        if swapped:
            return Resolution(question, swapped, "swap", source=last.question)
    referent = None
    if kind == "pronoun" and _person_pronoun_refers_back(q):
        referent = next((r for r in (_person_referent(t) for t in reversed(turns[-3:])) if r), None)
        if referent:
            q = _replace_person(q, referent)
    with_answer = _carries_answer(question, last, kind) and trusted_answer(last) != referent
    words = _context(q, last, with_answer)
    query = f"{q} ({' '.join(words)})" if words else q
    return Resolution(question, query, kind, referent=referent, source=last.question)


def rewrite(question: str, conversation: Conversation | None) -> str:
    """The standalone query for a question: unchanged unless it is a follow-up."""
    return resolve(question, conversation).query


def unresolved_note(question: str) -> str:
    """What to say when a follow-up arrives with no earlier question to resolve it from."""
    return ("This question refers back to something (“he”, “it”, “there”, …) but there is no earlier question "
            "in this conversation: please name who or what you mean.")


def no_words_note(question: str) -> str:
    """Why a question with nothing to search for gets no answer."""
    if is_followup(question):
        return unresolved_note(question)
    return "Please ask a question in words: this one has none to search for."
