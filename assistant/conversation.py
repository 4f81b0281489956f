"""Conversations: a follow-up question is resolved from the last turns into a standalone query.

A question is a follow-up when a word in it points outside it: a pronoun with no compatible
antecedent inside the question itself, "there" with no place named before it, "that meeting" with no
meeting before it, "then" with no time; or when it is elliptic ("When?", "And NATO?", "What about
Lavrov?", "Who signed?"). What points where is read from the question's dependency parse
(index.parsing.parse_question: tags, morphology, dependencies, whatever the question's capitalisation):

* "he"/"she" need a person before them: a name, a person noun ("the judge"), "who"; "it"/"its" a
  singular thing or body ("NATO", "the union", "the court"); "they"/"their" a plural or a body. The
  gender of a person noun counts ("the spokesman ... her"), and an institution is no "her" ("When did
  the court announce her ruling?" is a follow-up);
* a non-possessive pronoun never means an argument of its own verb ("How many planes did they send?":
  "they" is not the planes; "What did the minister say about her?": "her" is not the minister);
* a question that names its own subject is left exactly as it is ("Why did the judge say he rejected
  the bail request?", "When did NATO say its troops would leave?").

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
from index.parsing import INSTITUTION_NOUNS, PERSON_NOUNS, QuestionParse, parse_question

from .answer import Answer
from .qtypes import expected_kind

WH = frozenset("what which who whom whose when where why how".split())
_CONTINUE = re.compile(r"^\s*(and|also|plus|but|so|then|what about|how about|what of|same for)\b[\s,]*", re.I)
_WH_ONLY = re.compile(r"^\s*(and\s+|but\s+|so\s+)?(what|which|who|whom|when|where|why|how(\s+(many|much|long|soon|far|often))?)"
                      r"(\s+(exactly|precisely|else|then|so|again))?\s*[?.!]*\s*$", re.I)
_EXPLETIVE_IT = re.compile(r"^\s*(is|was|isn't|wasn't|would|will)\s+it\b|\bit\s+(is|was|takes|took|seems|seemed)\b", re.I)
_ROLE = re.compile(r"\b(minister|president|spokesman|spokeswoman|spokesperson|diplomat|envoy|official|secretary|chancellor|"
                   r"ambassador|negotiator|chief|head|leader|general|man|woman|person|reporter|journalist|analyst|"
                   r"expert|senator|governor|mayor|premier|king|queen|pope|director|commander|deputy)s?\b", re.I)
_NAME = re.compile(r"(?:[A-Z][\w’'.-]*|\d[\w-]*[A-Z][\w-]*)(?:\s+(?:of\s+the\s+|of\s+|de\s+|von\s+)?(?:[A-Z][\w’'.-]*|\d[\w-]*))*")
_PLACE_PREP = re.compile(r"\b(in|at|from|to|near|into|inside|outside)\s+(the\s+)?$", re.I)
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


@dataclass(frozen=True)
class OpenReference:
    """A word of a question that points outside it: question[start:end], and what it needs."""

    start: int
    end: int
    word: str
    kind: str  # "person", "group", "thing", "demonstrative", "place" or "time"
    possessive: bool = False


_PERSON_PRONOUNS = {"he": "m", "him": "m", "his": "m", "himself": "m", "she": "f", "her": "f", "hers": "f",
                    "herself": "f"}
_GROUP_PRONOUNS = frozenset("they them their theirs themselves".split())
_THING_PRONOUNS = frozenset("it its itself".split())
_MASC_NOUNS = frozenset("man spokesman chairman king father son husband brother boy prince businessman congressman "
                        "sir lord mr mr.".split())
_FEM_NOUNS = frozenset("woman spokeswoman chairwoman queen mother daughter wife sister girl princess businesswoman "
                       "congresswoman lady dame mrs mrs. ms ms.".split())
_PLACE_PREPS = frozenset("in at from to near into inside outside across".split())
_ARGUMENTS = frozenset("nsubj nsubjpass dobj dative attr oprd iobj".split())
_TEMPORAL = frozenset("year week month morning afternoon evening weekend spring summer autumn fall winter season "
                      "quarter century decade".split())
_TIME_WORDS = re.compile(r"\b(?:1[89]\d\d|20\d\d|january|february|march|april|may|june|july|august|september|"
                         r"october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                         r"yesterday|today|tomorrow)\b", re.I)
# verbs that need an object: "Who signed?" leaves out what was signed
_TRANSITIVE = frozenset("sign ratify approve reject confirm deny announce launch propose accept veto publish release "
                        "cancel postpone host organise organize criticise criticize oppose violate suspend "
                        "negotiate".split())


def _clause(p: QuestionParse, i: int) -> int:
    """The verb whose clause holds word i (itself when it is one)."""
    j = i
    for _ in range(len(p.tokens)):
        t = p.tokens[j]
        if t.pos == "VERB" or (t.pos == "AUX" and t.dep not in ("aux", "auxpass")) or t.head == j:
            return j
        j = t.head
    return j


def _argument_of(p: QuestionParse, j: int) -> int | None:
    """The verb word j is an argument of (subject, object, or object of a preposition on the verb)."""
    t = p.tokens[j]
    head = None
    if t.dep in _ARGUMENTS:
        head = t.head
    elif t.dep == "pobj":
        prep = p.tokens[t.head]
        if prep.dep in ("prep", "agent", "dative") and p.tokens[prep.head].pos in ("VERB", "AUX"):
            head = prep.head
    while head is not None and p.tokens[head].dep in ("aux", "auxpass") and p.tokens[head].head != head:
        head = p.tokens[head].head  # "How many planes did they send": "planes" hung on "did" is send's
    return head


def _org_like(p: QuestionParse, j: int) -> bool:
    t = p.tokens[j]
    word = t.text.strip(".")
    if len(word) >= 2 and word.isupper():
        return True  # NATO, EU, OSCE
    low = t.lemma.lower()
    if low in INSTITUTION_NOUNS or t.text in _ORG_WORDS or low in _BODIES:
        return True
    return any(p.tokens[c].text in _ORG_WORDS or p.tokens[c].lemma.lower() in INSTITUTION_NOUNS
               for c in p.children(j) if p.tokens[c].dep == "compound")


def _place(p: QuestionParse, j: int) -> bool:
    t = p.tokens[j]
    return t.dep == "pobj" and p.tokens[t.head].text.lower() in _PLACE_PREPS and t.pos == "PROPN"


def _person_like(p: QuestionParse, j: int) -> bool:
    t = p.tokens[j]
    low = t.lemma.lower()
    if t.pos == "PROPN" or (t.pos == "NOUN" and not t.known_noun and t.text.isalpha()):
        return not _org_like(p, j) and not _place(p, j)  # a name ("Lavrov", "lavrov")
    return low in PERSON_NOUNS or low.endswith(("ist", "ian", "man", "woman", "person")) and low not in _TEMPORAL


def _compatible(p: QuestionParse, j: int, word: str) -> bool:
    """Whether word j could be what pronoun `word` means (number, person or thing, gender)."""
    t = p.tokens[j]
    if t.pos == "PRON":  # "Who said he would resign?"
        return t.text.lower() in ("who", "whoever") and t.dep == "nsubj" and word not in _THING_PRONOUNS
    plural = t.tag in ("NNS", "NNPS") and t.pos == "NOUN"
    if word in _PERSON_PRONOUNS:
        gender = _PERSON_PRONOUNS[word]
        if t.lemma.lower() in (_FEM_NOUNS if gender == "m" else _MASC_NOUNS):
            return False
        return not plural and _person_like(p, j)
    if word in _THING_PRONOUNS:
        return not plural and (t.pos == "PROPN" and not any(
            p.tokens[c].text.lower().rstrip(".") in ("mr", "ms", "mrs", "dr", "president", "minister")
            for c in p.children(j)) or not _person_like(p, j))
    # they / them / their: a plural, a body, or names joined by "and"
    return plural or t.tag == "NNPS" or _org_like(p, j) or any(p.tokens[c].dep == "conj" for c in p.children(j))


def _has_antecedent(p: QuestionParse, i: int) -> bool:
    """Whether pronoun i has something before it in the question that it can mean."""
    word = p.tokens[i].text.lower()
    reflexive = word.endswith(("self", "selves"))
    possessive = p.tokens[i].tag == "PRP$" or word in ("his", "hers", "its", "their", "theirs")
    own = _argument_of(p, i) if not possessive and not reflexive else None
    for j in range(i):
        t = p.tokens[j]
        if not (t.pos in ("NOUN", "PROPN") and t.dep != "compound" or (t.pos == "PRON" and t.tag in ("WP",))):
            continue
        if own is not None and _argument_of(p, j) == own:
            continue  # an argument of the pronoun's own verb is never what it means
        if _compatible(p, j, word):
            return True
    return False


def _expletive_it(question: str, p: QuestionParse, i: int) -> bool:
    t = p.tokens[i]
    if t.dep == "expl":
        return True
    head = p.tokens[t.head]
    if head.lemma.lower() in ("seem", "appear", "rain"):  # "How long did it take?" still means something
        return True
    return bool(_EXPLETIVE_IT.search(question))


def open_references(question: str) -> tuple[OpenReference, ...]:
    """The words of a question that point outside it, from its dependency parse (see the module docstring)."""
    p = parse_question(question)
    out = []
    for i, t in enumerate(p.tokens):
        low = t.text.lower()
        kind = None
        if t.pos == "PRON" and t.tag in ("PRP", "PRP$"):
            if low in _PERSON_PRONOUNS:
                kind = "person"
            elif low in _GROUP_PRONOUNS:
                kind = "group"
            elif low in _THING_PRONOUNS and not _expletive_it(question, p, i):
                kind = "thing"
            if kind and _has_antecedent(p, i):
                kind = None
        elif low in ("this", "that", "these", "those") and p.tokens[t.head].dep != "relcl" and (t.tag == "DT" or (
                low == "that" and t.dep in ("nsubj", "nsubjpass", "dobj", "pobj", "attr"))):
            if t.dep == "det":
                noun = p.tokens[t.head]
                earlier = {x.lemma.lower() for x in p.tokens[:i] if x.pos in ("NOUN", "PROPN")}
                if noun.lemma.lower() not in _TEMPORAL or low in ("that", "those"):
                    kind = None if noun.lemma.lower() in earlier else "demonstrative"
            else:
                kind = "demonstrative"  # "Who said that?", "When was this?"
        elif low == "there" and t.tag == "RB" and t.dep != "expl":
            before = [j for j in range(i) if _place(p, j) or (p.tokens[j].dep == "pobj" and
                                                             p.tokens[p.tokens[j].head].text.lower() in _PLACE_PREPS)]
            kind = None if before else "place"
        elif low == "then" and t.tag == "RB" and not any(x.pos not in ("PUNCT",) for x in p.tokens[i + 1:]):
            prev = p.tokens[i - 1].text.lower() if i else ""
            kind = None if prev in ("since", "until", "till", "before") or _TIME_WORDS.search(question[:t.start]) \
                else "time"
        if kind:
            out.append(OpenReference(t.start, t.end, t.text, kind, t.tag == "PRP$" or low in ("his", "hers")))
    return tuple(out)


def _elided_object(question: str) -> bool:
    """ "Who signed?", "Who approved?": a verb that needs an object, asked of its subject, without one."""
    p = parse_question(question)
    for i, t in enumerate(p.tokens):
        if t.pos != "VERB" or t.lemma.lower() not in _TRANSITIVE:
            continue
        if not any(p.tokens[c].dep == "nsubj" and p.tokens[c].tag == "WP" for c in p.children(i)):
            continue
        deps = {p.tokens[c].dep for c in p.children(i)}
        if not deps & {"dobj", "ccomp", "xcomp", "nsubjpass", "auxpass", "prep", "prt", "attr", "oprd", "dative"} \
                and not any(p.tokens[j].tag in ("WP", "WDT") and p.tokens[j].dep in ("dobj", "nsubjpass")
                            for j in range(len(p.tokens))):
            return True
    return False


def followup_kind(question: str) -> str | None:
    """"pronoun", "ellipsis" or None (standalone): how a question leans on earlier turns."""
    q = question.strip()
    if not q:
        return None
    if _WH_ONLY.match(q):
        return "ellipsis"
    if _CONTINUE.match(q):
        p = parse_question(q)
        if not any(t.pos in ("VERB", "AUX") for t in p.tokens[1:]):
            return "ellipsis"  # "And NATO?", "What about Lavrov?": no verb of its own
    if open_references(q):
        return "pronoun"
    if _elided_object(q):
        return "ellipsis"
    return None


def is_followup(question: str) -> bool:
    """A question that leans on earlier turns (see followup_kind)."""
    return followup_kind(question) is not None


def trusted_answer(turn: Answer) -> str | None:
    """The turn's short answer when it may be carried into a follow-up: not abstained, not a possible answer."""
    if turn.abstained or not turn.answer or turn.tier == "possible":
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
    kinds = {r.kind for r in open_references(question)}
    if "place" in kinds:
        return earlier == "place"
    if "time" in kinds:
        return earlier == "date"
    if kinds & {"thing", "demonstrative", "group"}:
        # after a who-question a person is "he"/"she"; "they"/"it" then mean an answer that is not a person
        who = re.match(r"^\s*(who|whom)\b", turn.question, re.I)
        return earlier in ("name", "place") and not (who and _person_answer(trusted_answer(turn)))
    return False


def _replace_person(question: str, ref: OpenReference, name: str) -> str:
    """The question with the person pronoun ref replaced by the name (“Name’s” for a possessive)."""
    return question[: ref.start] + (f"{name}’s" if ref.possessive else name) + question[ref.end:]


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
    person = next((r for r in open_references(q) if r.kind == "person"), None) if kind == "pronoun" else None
    if person is not None:
        referent = next((r for r in (_person_referent(t) for t in reversed(turns[-3:])) if r), None)
        if referent:
            q = _replace_person(q, person, referent)
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
