"""Answer shapes: what kind of answer a question asks for, so each is answered in the shape it needs.

- said  ("What did X say about Y?", "How did X describe/react to Y?", "What was X's reaction?"): X's
  attributed quotations on Y, verbatim, with speaker and role;
- who   ("Who is X?" for a named X: the description the articles give; "Who leads Y?": a name);
- event ("What happened on/in/at ...?", "What did X do on DATE?"): the sentence stating it, dated;
- why   ("Why ...?", "How did/does ...?" that is not a number): the clause that answers;
- when  ("When ...?", "What date/year ...?"): a date of the asked event, never the report's own;
- fact  (everything else): a short span, as the reader gives it.

The router reads the question's opening words (the wh-word, its auxiliary and verb), which a reporter's
questions state plainly; measured on questions it was not written from (eval/RESULTS.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Shape(str, Enum):
    SAID = "said"
    WHO = "who"
    EVENT = "event"
    WHY = "why"
    WHEN = "when"
    FACT = "fact"


SAYING = (r"say|said|says|tell|told|tells|state|stated|describe|described|describes|react|reacted|respond|responded|"
          r"reply|replied|call|called|characteri[sz]e|characteri[sz]ed|sum|summed|explain|explained|warn|warned|"
          r"claim|claimed|argue|argued|write|wrote|criticise|criticize|criticised|criticized|attack|attacked|"
          r"accuse|accused|think|feel|comment|commented|insist|insisted|deny|denied|defend|defended|announce|"
          r"announced|promise|promised|admit|admitted|threaten|threatened|praise|praised|dismiss|dismissed")
REACTION = r"reaction|response|comment|comments|view|views|position|stance|message|answer|verdict|assessment"
_AUX = r"did|does|do|has|have|had|was|were|is|are|will|would|could|can"
_SAID = re.compile(
    rf"^(?:what|how)\s+(?:{_AUX})\s+(?P<who>.+?)\s+(?:{SAYING})\b(?P<rest>.*)$"
    rf"|^what\s+(?:was|were|is|are)\s+(?P<who2>.+?)(?:'s|’s|s'|’)\s+(?:{REACTION})\b(?P<rest2>.*)$"
    rf"|^who\s+(?:{SAYING})\b(?P<rest3>.*)$", re.I)
_WHO_IS = re.compile(r"^(?i:who)\s+(?i:is|was|'s)\s+(?P<name>(?:[A-Z][\w’'.-]*\s*){1,4})\??\s*$")
_WHAT_ROLE = re.compile(r"^what\s+(?:is|was)\s+(?P<name>.+?)(?:'s|’s)\s+(?:role|job|title|position|post|office)\b", re.I)
_WHO = re.compile(r"^(?:who|whom|whose)\b|^which\s+(?:\w+\s+)?(?:judge|minister|official|person|player|team|"
                  r"company|leader|man|woman|candidate|defendant|of the)\b", re.I)
_EVENT = re.compile(r"^what\s+(?:happened|took place|occurred|went on)\b"
                    r"|^what\s+(?:did|will|does|do)\s+.+?\s+do\b"
                    r"|^what\s+(?:was|were|is)\s+the\s+(?:outcome|result|upshot)\b", re.I)
_WHY = re.compile(r"^why\b|^how\s+(?!many\b|much\b|long\b|old\b|far\b|big\b|often\b|soon\b|large\b|high\b|tall\b)"
                  r"|^(?:on|for)\s+what\s+(?:grounds|reason)|^what\s+(?:caused|led to|prompted|triggered|is behind)\b"
                  r"|^what\s+(?:are|is|were|was)\s+.+?\s+(?:examining|investigating)\s+as\b", re.I)
# "What time does the match start?" asks when; "What time did she swim?" asks for a result, a fact
_WHEN = re.compile(r"^when\b|^(?:on|by|in|from|until)\s+(?:what|which)\s+(?:date|day|year|month)\b"
                   r"|^what\s+(?:date|day|year|month)\b|^how\s+(?:soon|long ago)\b|^since\s+when\b"
                   r"|^(?:at\s+)?what\s+time\s+(?:\w+\s+){1,5}?(?:start|starts|begin|begins|open|opens|close|closes|"
                   r"leave|leaves|arrive|arrives|depart|departs|end|ends|kick)\b", re.I)


@dataclass(frozen=True)
class Routed:
    """A question's shape and what the router read from it: the named speaker or person (said, who is),
    and the topic words that remain (said)."""

    shape: Shape
    who: str | None = None
    topic: str = ""
    describe: bool = False  # "Who is X?": the description, not a name


def _clean(text: str | None) -> str:
    return (text or "").strip().strip(" ?\"“”'").strip()


def _is_post(words: str) -> bool:
    """"Russia's Deputy Foreign Minister", "the Prime Minister": a post, whose holder the question asks for."""
    from index.parsing import PERSON_NOUNS, TITLE_WORDS

    last = _clean(words).split()[-1].casefold() if _clean(words) else ""
    return last in PERSON_NOUNS or last in TITLE_WORDS or "'s" in words or "’s" in words


def route(question: str) -> Routed:
    """The shape a question asks for."""
    q = " ".join(question.split())
    m = _SAID.match(q)
    if m:
        who = m.group("who") or m.group("who2")
        rest = next((g for g in (m.group("rest"), m.group("rest2"), m.group("rest3")) if g is not None), "")
        topic = re.sub(r"^\s*(?:about|on|regarding|of|to|concerning|that|would|the)\b\s*", "", rest.strip(), flags=re.I)
        return Routed(Shape.SAID, _clean(who) or None, _clean(topic))
    m = _WHO_IS.match(q) or _WHAT_ROLE.match(q)
    if m and not _is_post(m.group("name")):
        return Routed(Shape.WHO, _clean(m.group("name")), describe=True)
    if _WHEN.match(q):
        return Routed(Shape.WHEN)
    if _EVENT.match(q):
        return Routed(Shape.EVENT)
    if _WHY.match(q):
        return Routed(Shape.WHY)
    if _WHO.match(q):
        return Routed(Shape.WHO)
    return Routed(Shape.FACT)


# --- the shapes that are not a reader's span ---------------------------------------------------------------

@dataclass(frozen=True)
class Shaped:
    """A shape's answer before it becomes an Answer: the answer span text[start:end] of an article inside
    its sentence [sentence_start, sentence_end), further cited spans (other sources saying it), the
    speaker and role when a person's words or post are the answer, and the evidence its confidence
    comes from (each in about [0, 1])."""

    article_id: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    evidence: dict[str, float]
    speaker: str | None = None
    role: str | None = None
    also: tuple[tuple[str, int, int], ...] = ()


_SYNONYMS = {"boss": ("chief", "executive", "head", "director", "president", "ceo"),
             "head": ("chief", "director", "chair", "leader", "president"),
             "leader": ("head", "chair", "chief", "president", "secretary"),
             "spokesman": ("spokeswoman", "spokesperson", "spokesman"), "spokeswoman": ("spokesman", "spokesperson"),
             "chair": ("chairman", "chairwoman", "chairperson", "head"), "lawyer": ("counsel", "attorney"),
             "winner": ("won", "champion")}
_FILLER = frozenset("the a an of 's ’s s mr mrs ms dr".split())


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[\w’'-]+", text.casefold().replace("’s", " ").replace("'s", " ")) if w not in _FILLER]


def speaker_match(asked: str, name: str | None, role: str | None, article_text: str = "") -> float:
    """How well the speaker a question names ("Ryabkov", "the coast guard spokesman", "Forthgate's boss")
    fits a quotation's speaker and role: 1 for the name itself, else the share of the question's words
    found in the name and role (a few words of office count for each other), 0 when none. A proper noun
    the question gives ("Veltra's chief executive") must be in the name, the role or the article."""
    from .quotes import same_speaker

    if name and same_speaker(asked, name):
        return 1.0
    words = _words(asked)
    have = set(_words(f"{name or ''} {role or ''}"))
    if not words or not have:
        return 0.0
    proper = [w for w in re.findall(r"\b[A-Z][\w-]+", asked) if w.casefold() not in _FILLER and w != asked.split()[0]]
    if any(p.casefold() not in have and p not in article_text for p in proper):
        return 0.0
    hit = sum(1 for w in words if w in have or any(x in have for x in _SYNONYMS.get(w, ())))
    return hit / len(words)


def speaks_in(sentence: str, who: str) -> bool:
    """Whether a sentence gives words to the asked speaker by name, with a verb of saying or a quotation
    right after the name ("Ryabkov ... called on NATO nations to ...", "President Putin “said ...”"): where
    the parse gives the sentence to nobody, or to whoever reports what the asked speaker said."""
    words = _words(who)
    if not words:
        return False
    name = re.escape(words[-1])
    return re.search(rf"(?i)\b{name}\b(?:[^.;:“\"]{{0,80}}?)(?:[“\"]\s*)?\b(?:{SAYING})\b", sentence) is not None


def said(store, routed: Routed, filters, limit: int = 3, prefer=None) -> Shaped | None:
    """X's attributed words on the topic: the best quotation (direct or reported) whose speaker is X (by
    name, or by the post the question gives), and one more from each other source reporting X on it."""
    from .quotes import search_quotes

    if not routed.who:
        return None
    topic = routed.topic or ""

    def theirs(name: str | None, role: str | None, article_id: str) -> bool:
        return speaker_match(routed.who, name, role, store.articles[article_id].text) >= 0.6

    hits = search_quotes(store, topic, filters=filters, limit=50, reported=True, whose=theirs)
    if topic and not hits:  # X on it, in other words than the question's
        hits = search_quotes(store, "", filters=filters, limit=50, reported=True, whose=theirs)
    matched = [(speaker_match(routed.who, h.speaker, h.role, store.articles[h.article_id].text), h) for h in hits
               if not in_metadata(store.articles[h.article_id], h.start, h.end, h.sentence_start, h.sentence_end)]
    if not matched:
        return None
    # a quotation in X's own words before a paraphrase of them, when both are about as close to the topic
    m, best = max(matched, key=lambda mh: (mh[1].score + 0.1 * (mh[1].kind == "direct")) if topic else
                  (mh[1].kind == "direct", -matched.index(mh)))
    start, end = best.start, best.end
    if prefer is not None and prefer.start is not None:  # the reader's span, where it is in X's words on the topic
        theirs = [(mm, h) for mm, h in matched if h.article_id == prefer.article_id
                  and h.sentence_start <= prefer.start < h.sentence_end]
        if theirs and theirs[0][1].score >= best.score - 0.1:
            m, best = theirs[0]
            start, end = prefer.start, prefer.end
    seen, also = {best.article_id}, []
    for _, h in matched:
        if h.article_id not in seen and len(also) < limit - 1:
            seen.add(h.article_id)
            also.append((h.article_id, h.sentence_start, h.sentence_end))
    sure = best.how in ("named_subject", "appositive", "according_to", "organisation")
    return Shaped(best.article_id, start, end, best.sentence_start, best.sentence_end,
                  {"topic": best.score if topic else 0.5, "speaker": m, "sure_speaker": float(sure),
                   "direct": float(best.kind == "direct"), "sources": min(len(seen), 3) / 3},
                  speaker=best.speaker, role=best.role, also=tuple(also))


def describe(text: str, sentence_start: int, sentence_end: int, name_start: int, name_end: int) -> tuple[int, int] | None:
    """The description a sentence gives of the person named at text[name_start:name_end], as the
    dependency parse states it: the apposition that follows the name ("Olivier Ranger, a crop
    physiologist at the University of Montpellier"), or the noun phrase the name is in apposition to
    ("Kibichii's coach, Italian Renato Fiorini"). Character offsets into text, or None."""
    from index.parsing import PERSON_NOUNS, TITLE_WORDS, pipeline

    sent = text[sentence_start:sentence_end]
    doc = pipeline()(sent)
    a, b = name_start - sentence_start, name_end - sentence_start
    name = [t for t in doc if a <= t.idx < b]
    if not name:
        return None
    root = next((t for t in name if not (a <= t.head.idx < b) or t.head is t), name[-1])

    def span(tokens) -> tuple[int, int] | None:
        tokens = [t for t in tokens if not (a <= t.idx < b) and not t.is_punct]
        while tokens and tokens[0].lower_ in ("who", "which"):
            tokens = tokens[1:]
        if not tokens or not any(t.pos_ == "NOUN" for t in tokens):
            return None
        lo, hi = min(t.idx for t in tokens), max(t.idx + len(t) for t in tokens)
        return sentence_start + lo, sentence_start + hi

    for child in root.children:
        if child.dep_ == "appos":
            found = span(list(child.subtree))
            if found:
                return found
    if root.dep_ == "appos" and root.head.pos_ in ("NOUN", "PROPN"):
        head = root.head
        left = [t for t in head.subtree if t.i < min(x.i for x in root.subtree) and t.dep_ != "punct"]
        found = span([t for t in left if t.i >= head.left_edge.i])
        if found:
            return found
    # a title in the name's own noun phrase: "Ambassador Viggo Brandsen", "Finance Minister Dorota Salek"
    titles = [t for t in root.lefts if t.dep_ in ("compound", "amod", "poss") and not (a <= t.idx < b)]
    titles = [t for t in titles if t.pos_ == "NOUN" or t.lower_ in TITLE_WORDS or t.lower_ in PERSON_NOUNS]
    if titles:
        lo = min(x.left_edge.i for x in titles)
        tokens = [t for t in doc[lo:root.i] if not (a <= t.idx < b)]
        if tokens:
            return sentence_start + tokens[0].idx, sentence_start + tokens[-1].idx + len(tokens[-1])
    return None


def who_is(store, routed: Routed, passages, filters=None) -> Shaped | None:
    """The description the articles give of a named person: the apposition or the noun phrase around the
    name where the article introduces them (the dependency parse), else the title the parse found with
    their words; from the retrieved articles, the best-ranked first."""
    from index.parsing import article_parse

    from .quotes import same_speaker

    if not routed.who:
        return None
    from index.bm25 import tokenize
    from index.store_api import Filters

    found: list[tuple[str, int, int, int, str]] = []  # (article id, start, end, article rank, how)
    articles: list[str] = []
    # the articles that name them, by their name alone (a name's words are rare: BM25 finds them where a
    # question's embedding may not), then those the question retrieved
    ids, _ = store.bm25_search(tokenize(routed.who), 10, filters or Filters())
    for aid in [store.chunks[int(i)].article_id for i in ids] + [p.article_id for p in passages]:
        if aid not in articles:
            articles.append(aid)
    for rank, aid in enumerate(articles[:5]):
        text = store.articles[aid].text
        parse = article_parse(text)
        asked = set(_words(routed.who))
        named = [m for m in parse.mentions if m.label == "PERSON" and
                 (same_speaker(routed.who, m.text) or asked <= set(_words(m.text)))]
        for m in named[:3]:  # where the article introduces them first
            sent = next((x for x in store.sentences if x.article_id == aid and x.start <= m.start < x.end), None)
            if sent is None or in_metadata(store.articles[aid], m.start, m.end, sent.start, sent.end):
                continue
            d = describe(text, sent.start, sent.end, m.start, m.end)
            if d:
                found.append((aid, d[0], d[1], rank, "apposition"))
        for q in parse.quotations:
            if q.role and q.role_start is not None and q.speaker and same_speaker(routed.who, q.speaker):
                found.append((aid, q.role_start, q.role_end, rank, "title"))
    if not found:
        return None
    aid, start, end, rank, how = min(found, key=lambda f: (f[3], f[4] != "apposition", f[1]))
    sent = next((s for s in store.sentences if s.article_id == aid and s.start <= start < s.end), None)
    if sent is None:
        return None
    roles = {store.articles[a].text[s:e].casefold() for a, s, e, _, _ in found}
    also = tuple(dict.fromkeys((a, s, e) for a, s, e, _, _ in found if (a, s) != (aid, start)))[:2]
    return Shaped(aid, start, end, sent.start, sent.end,
                  {"agree": 1.0 / len(roles), "rank": 1.0 / (1 + rank), "mentions": min(len(found), 3) / 3,
                   "apposition": float(how == "apposition")},
                  speaker=routed.who, role=store.articles[aid].text[start:end], also=also)


def shaped_confidence(shape: Shape, evidence: dict[str, float]) -> float:
    """How far the page stands behind a shaped answer, in [0, 1]: a plain weighted mean of its evidence,
    the weights chosen on the development questions of each shape (eval/shapes, split dev)."""
    weights = SHAPE_WEIGHTS[shape]
    total = sum(weights.values())
    return sum(w * evidence.get(k, 0.0) for k, w in weights.items()) / total


SHAPE_WEIGHTS = {
    Shape.SAID: {"topic": 2.0, "speaker": 1.0, "sure_speaker": 1.0, "direct": 0.5, "sources": 0.5},
    Shape.WHO: {"agree": 1.0, "rank": 1.0, "mentions": 1.0, "apposition": 1.0},
}


# Per shape, (answer at, possible answer at) on shaped_confidence: chosen on eval/shapes dev so that
# answers given with confidence are right at least 9 times in 10 there.
SHAPE_THRESHOLDS = {Shape.SAID: (0.6, 0.35), Shape.WHO: (0.5, 0.25)}


def shape_tier(shape: Shape, confidence: float):
    from .answer import Tier

    answer_at, possible_at = SHAPE_THRESHOLDS[shape]
    if confidence >= answer_at:
        return Tier.ANSWERED
    return Tier.POSSIBLE if confidence >= possible_at else Tier.ABSTAINED


_DATELINE_REACH = 60  # characters from the dateline's place to the outlet that closes it, at most


def in_metadata(article, start: int | None, end: int | None, sentence_start: int, sentence_end: int) -> bool:
    """Whether a span sits in the report's own metadata rather than its story: its headline, its date, its
    dateline up to the outlet it names, or a line that holds the report's date and ends in no sentence
    ("Russian Politics & Diplomacy January 10, 2022, 23:10"). A date or place there is when and where the
    report was filed."""
    a, b = (start, end) if start is not None else (sentence_start, sentence_end)
    spans = [(f.start, f.end) for f in (article.title, article.date, article.dateline)
             if f is not None and f.start is not None and f.end is not None]
    dl, out = article.dateline, article.outlet
    if dl is not None and dl.end is not None and out is not None and out.start is not None and out.end is not None \
            and dl.end <= out.start <= dl.end + _DATELINE_REACH:
        spans.append((dl.start, out.end))  # "FENMORE, Vermont, Sept 12 (Green Mountain Wire)": place to outlet
    if any(s < b and a < e for s, e in spans):
        return True
    d = article.date
    if d is not None and d.start is not None and sentence_start <= d.start < sentence_end:
        line = article.text[sentence_start:sentence_end].strip()
        return not line.endswith((".", "!", "?", "”", '"'))
    return False


def asked_act(question: str) -> tuple[str, str] | None:
    """(lemma, tense) of the act a question asks about in the past ("When did Russia sign the treaty?"
    -> ("sign", "past")), from the question's parse; None when it asks about a statement or a plan
    ("When did X say it would ...", "What did X hope ..."), or about no act in the past."""
    from index.parsing import LOOK_AHEAD, SPEECH_LEMMAS, parse_question

    qp = parse_question(question)
    toks = qp.tokens
    root = next((i for i, t in enumerate(toks) if t.head == i), None)
    if root is None:
        return None
    verb = toks[root]
    did = any(toks[c].lemma.lower() == "do" and toks[c].dep in ("aux",) and qp.feature(c, "Tense") == "Past"
              for c in qp.children(root))
    if not did or verb.pos != "VERB":
        return None
    lemmas = {t.lemma.lower() for t in toks}
    if verb.lemma.lower() in SPEECH_LEMMAS or lemmas & (LOOK_AHEAD | {"will", "would", "plan", "expect"}):
        return None
    return verb.lemma.lower(), "past"


def cap_tier(tier, routed: Routed, question: str, best, store):
    """At most a possible answer where the page cannot stand behind the span the reader found:
    - "Who is X?" answered by a place, or by X's own name;
    - an act asked about as done ("When did Russia sign the treaty?") where the sentence only announces it:
      the same verb in a future, conditional or modal clause, or under a verb of planning."""
    from index.parsing import LOOK_AHEAD, verb_at

    from .answer import Tier

    if tier is not Tier.ANSWERED or best.start is None:
        return tier
    article = store.articles[best.article_id]
    span = article.text[best.start:best.end]
    if routed.shape is Shape.WHO and routed.describe:
        if routed.who and (span.casefold() in routed.who.casefold() or routed.who.casefold() in span.casefold()):
            return Tier.ABSTAINED
        return Tier.POSSIBLE
    act = asked_act(question) if routed.shape in (Shape.WHEN, Shape.EVENT, Shape.FACT, Shape.WHO) else None
    if act is not None:
        verb = verb_at(article.text, best.start, best.end)
        if verb is not None and verb.lemma == act[0] and verb.tense in ("future", "conditional", "modal"):
            return Tier.POSSIBLE
        if verb is not None and verb.lemma in LOOK_AHEAD and act[0] in article.text[verb.start:best.start].lower():
            return Tier.POSSIBLE
    return tier
