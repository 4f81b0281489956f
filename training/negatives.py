"""Near-miss unanswerable questions, made from answerable SQuAD questions the way SQuAD 2.0's were
written (Rajpurkar, Jia and Liang 2018: negation, antonyms, entity and number swaps, ...), but by rule.

A near miss is paired with the ORIGINAL paragraph (in training: the window that holds the answer) and
labelled no-answer, which teaches "not stated" next to a plausible span. Kinds (`KINDS`):

- swap_name / swap_year / swap_month / swap_number: an item of the question is replaced by another of
  the same type from the same article. Types (`mentions`): names are runs of two or more capitalised
  words ("Notre Dame", "University of Chicago"), or one capitalised word that the article never writes
  in lower case ("Herschel", not "Battle"); 4-digit years 1000-2099; month names ("May" not at a
  sentence's start); other numbers ("13", "1,200", "4.5"). With spaCy's en_core_web_sm importable,
  its NER types the names instead (PERSON for the actor swap, other entity labels for names);
  years, months and numbers stay the patterns above either way.
- swap_actor: the question's first person name for another person of the article. A person is a name
  of two or three plain words with no place/organisation word, whose last word (the surname) the
  article also writes on its own, or that shares a sentence with he/she/his/her.
- negation: the question's first auxiliary is negated ("did" -> "didn't", "was" -> "wasn't"; the
  contraction keeps "When didn't X start" grammatical where "When did not X start" is not).
- before_after: "before" <-> "after"; first_last: "the first" <-> "the last" (also its/his/her/their).

Checks (every candidate; a rejection is counted by kind and reason):
- the new question differs from the original (case and spacing aside);
- swaps: every word the swap brings in (words of the new item that the old one lacks) appears nowhere
  in the paragraph: so not in the answer's sentence, nor anywhere in any window of it, where it could
  make another span an answer; a person's surname counts on its own;
- before_after / first_last: the word swapped in ("after", "last", ...) appears nowhere in the paragraph;
- negation: the question has no negation already, is no yes/no question ("Is X ...?": negated, its answer
  stays the same), and the answer's sentence has no negation ("not", "n't", "never", "no", "nor",
  "neither", "none"), so "X did not sign" cannot answer "Who didn't sign?".
The checks are simple and can still let through a question the paragraph answers in other words
("the most recent president" for "the last president"); they never look at the model.
"""
from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

KINDS = ("swap_name", "swap_actor", "swap_year", "swap_month", "swap_number", "negation", "before_after",
         "first_last")
SWAP_TYPE = {"swap_name": "NAME", "swap_actor": "PERSON", "swap_year": "YEAR", "swap_month": "MONTH",
             "swap_number": "NUMBER"}
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
CONNECTORS = frozenset("of the de da del della di von van der du la le al bin ibn y".split())
# Capitalised words that start questions and sentences rather than names
STOP_CAPS = frozenset("""A An The This That These Those What Which Who Whom Whose When Where Why How In On At By For
From To With Without Of As After Before During Since Until Upon Under Over About Along Among Between Through
Did Does Do Is Was Were Are Be Been Has Have Had Can Could Will Would Should May Might Must Shall If Although Though
While Because Besides Despite Unlike Like Other Another Some Many Most Much Such Each Every All Both Either Neither
According Also And But Or Not No Yes Its His Her Their Our My Your It He She They We You I There Here Then Than
Once Following Aside Apart Due Per Including Within Around Across Against Into Onto Toward Towards Beyond Near
Name Approximately About Roughly Nearly Almost Only Just Even Still Yet However Thus Hence Therefore
Inc Ltd Co Corp Jr Sr""".split())
# words that make a capitalised name a place or an organisation rather than a person (simple typing)
NON_PERSON = frozenset("""University College School Institute Church Cathedral Republic Empire Kingdom Kingdoms
States State United Nations Union Company Corporation Inc Ltd Party Army Navy Force Forces Council Committee
Court Parliament Congress Senate House Hall Palace Castle River Lake Sea Ocean Mountains Mountain Island Islands
Bay Gulf Park Street Road Avenue Square Bridge Station Airport City County Province District Valley Desert North
South East West Northern Southern Eastern Western Central New Old Great Saint St Fort Museum Library Center Centre
Records Group Association Society Foundation Club League Cup War Wars Battle Revolution Act Treaty Award Awards
Prize Day Age Dynasty Games Olympic Olympics World Bank Ministry Department Office Agency Service Bureau Board
Times Post Journal News Airlines Railway Hotel Hospital Temple Abbey Tower Theatre Theater Orchestra Festival
Museum Stadium Network Channel Studios Pictures Entertainment Music Band Mosque Bible Testament Gospel Building
Buildings Inn Hotel Mall Market Port Harbour Harbor Canal Dam Wall Gate Gardens Garden Zoo Prison Barracks Royal
Household Government Administration Commission Authority Police Institution Corps Guard Guards Assembly Cabinet
Federal National International Imperial Republican Democratic Liberal Conservative Labour Communist
Socialist Monastery Basilica Chapel Convent Priory Mission Seminary Academy""".split())
TITLES = frozenset("""Mr Mrs Ms Dr Sir Lord Lady King Queen Prince Princess Duke Duchess Emperor Empress Pope
President Vice Prime Minister General Governor Senator Chancellor Professor Captain Admiral Colonel Judge Bishop
Archbishop Cardinal Father Saint Chairman Secretary Chief Director Mayor Count Countess Baron Tsar Czar Sultan
Caliph Shah Pharaoh Major Lieutenant Sergeant Marshal Commander Justice Rev Reverend Rabbi Imam Ayatollah""".split())
ROLES = frozenset("""composer singer actor actress writer author poet painter philosopher scientist physicist
chemist biologist mathematician economist historian director producer rapper drummer guitarist architect
explorer leader president king queen emperor general bishop pope sculptor novelist playwright journalist
inventor engineer politician diplomat musician pianist conductor dancer athlete player coach manager founder
editor professor son daughter wife husband brother sister father mother""".split())
NEGATION = re.compile(r"\b(?:not|never|no|nor|neither|none|nobody|nothing|cannot)\b|n't\b", re.IGNORECASE)
AUX_NEG = {"did": "didn't", "does": "doesn't", "do": "don't", "was": "wasn't", "were": "weren't", "is": "isn't",
           "are": "aren't", "has": "hasn't", "have": "haven't", "had": "hadn't", "can": "can't", "could": "couldn't",
           "will": "won't", "would": "wouldn't", "should": "shouldn't", "must": "mustn't"}

_TITLE_BEFORE = re.compile(rf"(?:\b(?:{'|'.join(sorted(TITLES))})\.?|\b(?:{'|'.join(sorted(ROLES))})) $")
_PERSON_AFTER = re.compile(r"(?:['’]s)?(?: \((?:born|b\.|c\.|\d{3,4})|, who\b| (?:said|says|was born|died|wrote)\b)")
_CAP = r"(?:[A-Z][a-zà-ÿ]+(?:[-'’][A-Za-zà-ÿ]+)*|[A-Z]\.)"
_NAME = re.compile(rf"(?<![\w'’.-]){_CAP}(?:(?: (?:{'|'.join(sorted(CONNECTORS))}))* {_CAP})*(?![\w-])")
_YEAR = re.compile(r"(?<![\w.,$/–-])(1\d{3}|20\d{2})(?![\w/–-]|[.,]\d)")
_MONTH = re.compile(rf"\b({'|'.join(MONTHS)})\b")
_NUMBER = re.compile(r"(?<![\w.,/–-])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w/–*+-]|[.,]\d)")
_WORD = re.compile(r"[\w'’-]+")


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    end: int
    type: str  # PERSON, NAME, YEAR, MONTH, NUMBER


@dataclass(frozen=True)
class NearMiss:
    question: str
    kind: str  # one of KINDS
    original_question: str
    removed: str  # what was taken out of the question ("did", "before", "1990", "John Smith")
    inserted: str  # what took its place


# ---------------------------------------------------------------- typing


def _sentence_starts(text: str) -> set[int]:
    starts = {0}
    for m in re.finditer(r"[.!?][\"')\]]*\s+", text):
        starts.add(m.end())
    return starts


def simple_names(text: str) -> list[tuple[str, int]]:
    """Capitalised names of `text` with their offsets: runs of capitalised words (inner "of", "de", ... kept)
    cut at function words ("What", "The", "Other"), leading titles dropped ("President John Adams" is "John
    Adams"); a one-word name at a sentence's start is not taken (it is capitalised because it starts the
    sentence), nor a lone initial."""
    starts = _sentence_starts(text)
    out = []
    for m in _NAME.finditer(text):
        for w in re.finditer(r"\S+(?: \S+)*?(?= (?:" + "|".join(sorted(STOP_CAPS)) + r")\b|$)", m.group(0)):
            piece = w.group(0)
            words = piece.split()
            drop = 0
            while drop < len(words) and (words[drop] in STOP_CAPS | TITLES or words[drop].lower() in CONNECTORS):
                drop += 1
            words = words[drop:]
            while words and (words[-1].lower() in CONNECTORS or words[-1] in STOP_CAPS):
                words = words[:-1]
            if not words:
                continue
            at = m.start() + w.start() + (piece.find(words[0]) if drop else 0)
            if len(words) == 1 and (at in starts or words[0].endswith(".")):
                continue
            name = re.sub(r"['’]s$", "", " ".join(words))
            if len(name) > 1:
                out.append((name, at))
    return out


@lru_cache(maxsize=4096)
def _is_person(name: str, article_text: str) -> bool:
    """Two or three plain capitalised words, none a title, place or organisation word or a possessive,
    that the article marks as a person: after a title or role ("President", "composer", "his son"), or
    before "(born", "(1809", ", who", " said", " was born", " died", " wrote"."""
    words = name.split()
    if not 2 <= len(words) <= 3 or any(w.lower() in CONNECTORS or w.rstrip(".") in NON_PERSON | TITLES
                                       or len(w) < 2 or "'s" in w or "’s" in w for w in words):
        return False
    at = article_text.find(name)
    while at >= 0:
        end = at + len(name)
        whole = (at == 0 or not article_text[at - 1].isalnum()) and not article_text[end:end + 1].isalnum()
        if whole and (_TITLE_BEFORE.search(article_text[max(0, at - 30):at]) or _PERSON_AFTER.match(article_text, end)):
            return True
        at = article_text.find(name, end)
    return False


@lru_cache(maxsize=8)
def _lower_words(article_text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(article_text) if w[:1].islower())


def mentions(text: str, article_text: str, nlp=None) -> list[Mention]:
    """Typed items of `text` (a question or a paragraph of the article `article_text`)."""
    out: list[Mention] = []
    starts = _sentence_starts(text)
    for m in _YEAR.finditer(text):
        out.append(Mention(m.group(1), m.start(1), m.end(1), "YEAR"))
    for m in _MONTH.finditer(text):
        if m.group(1) == "May" and m.start() in starts:
            continue
        out.append(Mention(m.group(1), m.start(1), m.end(1), "MONTH"))
    taken = [(x.start, x.end) for x in out]
    for m in _NUMBER.finditer(text):
        if not any(s <= m.start(1) < e for s, e in taken):
            out.append(Mention(m.group(1), m.start(1), m.end(1), "NUMBER"))
    if nlp is not None:
        for ent in nlp(text).ents:
            if ent.label_ == "PERSON":
                out.append(Mention(ent.text, ent.start_char, ent.end_char, "PERSON"))
            elif ent.label_ in ("ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT",
                                "LANGUAGE"):
                out.append(Mention(ent.text, ent.start_char, ent.end_char, "NAME"))
        return out
    lower = _lower_words(article_text)
    for name, at in simple_names(text):
        words = name.split()
        if len(words) == 1 and (words[0].lower() in lower or words[0] in MONTHS):
            continue  # "Battle" where the article also writes "battle": a common noun, not a name
        kind = "PERSON" if _is_person(name, article_text) else "NAME"
        out.append(Mention(name, at, at + len(name), kind))
    return out


@dataclass(frozen=True)
class Pool:
    """The typed items of one article, by type (each once, in order of first appearance)."""
    by_type: dict

    def of(self, kind: str) -> list[str]:
        return self.by_type.get(kind, [])


def article_pool(contexts: list[str], nlp=None) -> Pool:
    text = "\n".join(contexts)
    by: dict[str, dict[str, None]] = {}
    for ctx in contexts:
        for m in mentions(ctx, text, nlp):
            by.setdefault(m.type, {})[m.text] = None
    return Pool({k: list(v) for k, v in by.items()})


@lru_cache(maxsize=1)
def load_typing(prefer: str = "auto"):
    """("spacy en_core_web_sm <version>", nlp) when that model loads and prefer is "auto" or "spacy",
    else ("simple", None)."""
    if prefer in ("auto", "spacy"):
        try:
            import spacy

            nlp = spacy.load("en_core_web_sm", disable=["parser", "lemmatizer"])
            return f"spacy en_core_web_sm {nlp.meta.get('version', '?')}", nlp
        except Exception:  # not installed (the usual case): the simple typing
            if prefer == "spacy":
                raise
    return "simple", None


# ---------------------------------------------------------------- checks


def _has_word(text: str, word: str, case: bool = True) -> bool:
    flags = 0 if case else re.IGNORECASE
    return re.search(rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-]|[.,]\d)", text, flags) is not None


def brought_in(old: str, new: str, kind: str) -> list[str]:
    """The words a swap brings into the question: words of `new` that `old` lacks (connectors aside), each
    checked on its own (a person's surname alone counts: "Smith" in the paragraph may be "John Smith")."""
    if kind in ("swap_year", "swap_month", "swap_number"):
        return [new]
    old_words = {w.lower() for w in old.split()}
    return [w for w in new.split() if w.lower() not in old_words and w.lower() not in CONNECTORS]


def answer_sentence(context: str, answer_start: int, answer_end: int) -> str:
    """The sentence of the paragraph that holds the answer (product's splitter, index/splitting.py)."""
    from index.model import Span
    from index.splitting import split_sentences

    spans = split_sentences(context, [Span(0, len(context))])
    hit = [s for s in spans if s.start < answer_end and answer_start < s.end]
    if not hit:
        return context
    return context[hit[0].start:hit[-1].end]


def check(near: NearMiss, context: str, answer_start: int, answer_text: str) -> str | None:
    """Why the near miss could still be answered by the paragraph, or None when it passes (module doc)."""
    norm = lambda q: " ".join(q.lower().split())
    if norm(near.question) == norm(near.original_question):
        return "question unchanged"
    if near.kind in SWAP_TYPE:
        new = brought_in(near.removed, near.inserted, near.kind)
        if not new:
            return "nothing new brought in"
        if any(_has_word(context, w) for w in new):
            return "swapped-in item in the paragraph"
        return None
    if near.kind in ("before_after", "first_last"):
        return "swapped-in word in the paragraph" if _has_word(context, near.inserted, case=False) else None
    if near.kind == "negation":
        if NEGATION.search(near.original_question):
            return "question already negated"
        if near.original_question.split()[0].lower() in AUX_NEG:  # "Is X consistent?" -> "Isn't X ...?"
            return "yes/no question"
        sent = answer_sentence(context, answer_start, answer_start + len(answer_text))
        return "negation in the answer's sentence" if NEGATION.search(sent) else None
    raise ValueError(f"unknown kind {near.kind!r}")


# ---------------------------------------------------------------- makers


def _replace(q: str, start: int, end: int, new: str) -> str:
    return q[:start] + new + q[end:]


def _case_like(word: str, like: str) -> str:
    return word[:1].upper() + word[1:] if like[:1].isupper() else word


def _shape(number: str) -> tuple[int, tuple[bool, bool]] | None:
    digits = number.split(".")[0].replace(",", "")
    return (len(digits), ("," in number, "." in number)) if digits.isdigit() else None


def make_swap(question: str, kind: str, question_mentions: list[Mention], pool: Pool,
              rng: random.Random) -> NearMiss | None:
    """One swap of `kind`: a question item of its type for another of the article (None when there is none)."""
    typ = SWAP_TYPE[kind]
    asked = [m for m in question_mentions if m.type == typ]
    if not asked:
        return None
    old = asked[0] if kind == "swap_actor" else rng.choice(asked)  # the actor: the first person named
    n_words = len(old.text.split())
    options = [x for x in pool.of(typ) if x != old.text and x not in question
               and (typ != "NAME" or (n_words == 1) == (len(x.split()) == 1))]  # one-word names for one-word names
    if kind == "swap_actor":
        options = [x for x in options if x.split()[-1] != old.text.split()[-1]]
    if kind == "swap_number":  # a number of the same shape: digit count within one, commas and decimals alike
        options = [x for x in options if _shape(x) is not None and _shape(old.text) is not None
                   and abs(_shape(x)[0] - _shape(old.text)[0]) <= 1 and _shape(x)[1] == _shape(old.text)[1]]
    if not options:
        return None
    new = rng.choice(options)
    return NearMiss(_replace(question, old.start, old.end, new), kind, question, old.text, new)


def make_negation(question: str) -> NearMiss | None:
    for m in re.finditer(r"\b(" + "|".join(AUX_NEG) + r")\b", question, re.IGNORECASE):
        word = m.group(1)
        neg = _case_like(AUX_NEG[word.lower()], word)
        return NearMiss(_replace(question, m.start(1), m.end(1), neg), "negation", question, word, neg)
    return None


_ANTONYMS = {"before_after": {"before": "after", "after": "before"},
             "first_last": {"first": "last", "last": "first"}}
_PATTERNS = {"before_after": re.compile(r"(?<!named )(?<!modeled )(?<!modelled )(?<!called )(?<!look )"
                                        r"(?<!looked )(?<!looks )\b(before|after)\b", re.IGNORECASE),
             "first_last": re.compile(r"\b(?:the|its|his|her|their|whose)\s+(first|last)\b(?=\s+\w)(?!\s+names?\b)")}


def make_antonym(question: str, kind: str) -> NearMiss | None:
    """"before" <-> "after" (any case; not in "named after", "look after"), or "the first" <-> "the last"
    (lower case, so "First Amendment" stays; after a determiner, so the verb "to last" stays; not "the
    first names", whose swap the paragraph answers with the full names)."""
    m = _PATTERNS[kind].search(question)
    if not m:
        return None
    word = m.group(1)
    new = _case_like(_ANTONYMS[kind][word.lower()], word)
    return NearMiss(_replace(question, m.start(1), m.end(1), new), kind, question, word, new)


def candidates(question: str, article_text: str, pool: Pool, rng: random.Random, nlp=None) -> list[NearMiss]:
    """At most one unchecked near miss of each kind for a question."""
    qm = mentions(question, article_text, nlp)
    out = [make_swap(question, k, qm, pool, rng) for k in SWAP_TYPE]
    out += [make_negation(question), make_antonym(question, "before_after"), make_antonym(question, "first_last")]
    return [c for c in out if c is not None]


def near_misses(question: str, context: str, answer_start: int, answer_text: str, article_text: str, pool: Pool,
                rng: random.Random, nlp=None, rejected: Counter | None = None) -> list[NearMiss]:
    """The checked near misses of one answerable question; each rejection counted in `rejected` as
    (kind, reason)."""
    kept = []
    for c in candidates(question, article_text, pool, rng, nlp):
        why = check(c, context, answer_start, answer_text)
        if why is None:
            kept.append(c)
        elif rejected is not None:
            rejected[(c.kind, why)] += 1
    return kept


def pick(options: list[NearMiss], made: Counter, rng: random.Random) -> NearMiss:
    """The option of the kind made least so far (ties by rng), so no kind (negation applies to most
    questions) crowds out the others."""
    low = min(made[o.kind] for o in options)
    chosen = rng.choice([o for o in options if made[o.kind] == low])
    made[chosen.kind] += 1
    return chosen


# ---------------------------------------------------------------- the held-out file


def held_out_near_misses(articles: list[dict], seed: int = 13, nlp=None) -> tuple[list[dict], list[dict], dict]:
    """SQuAD-2-like rows of near misses (one per question at most), the original answerable rows, and
    counts: made by kind, rejected by (kind, reason)."""
    rng = random.Random(f"{seed}-held-out-near-misses")
    made, rejected = Counter(), Counter()
    rows, originals = [], []
    for art in articles:
        contexts = [p["context"] for p in art["paragraphs"]]
        text = "\n".join(contexts)
        pool = article_pool(contexts, nlp)
        for pi, para in enumerate(art["paragraphs"]):
            for qa in para["qas"]:
                a = qa["answers"][0]
                options = near_misses(qa["question"], para["context"], a["answer_start"], a["text"], text, pool,
                                      rng, nlp, rejected)
                if not options:
                    continue
                nm = pick(options, made, rng)
                rows.append({"id": f"{qa['id']}-nm-{nm.kind}", "question": nm.question, "context": para["context"],
                             "answers": [], "is_impossible": True, "made_by": nm.kind,
                             "original_question": qa["question"], "original_answer": a["text"],
                             "original_id": qa["id"], "title": art["title"], "paragraph": pi,
                             "removed": nm.removed, "inserted": nm.inserted})
                originals.append({"id": qa["id"], "question": qa["question"], "context": para["context"],
                                  "answers": [{"text": x["text"], "answer_start": x["answer_start"]}
                                              for x in qa["answers"]],
                                  "is_impossible": False, "title": art["title"], "paragraph": pi})
    return rows, originals, {"made": dict(made.most_common()),
                             "rejected": {f"{k}: {r}": n for (k, r), n in sorted(rejected.items())}}


def squad2(articles: list[dict], rows: list[dict], originals: list[dict]) -> dict:
    """A SQuAD v2.0 file of the articles (every paragraph kept, so `newsdesk eval` builds the same corpus
    as squad-validation) holding only the near misses and their originals."""
    by_para: dict[tuple[str, int], list[dict]] = {}
    for o in originals:
        by_para.setdefault((o["title"], o["paragraph"]), []).append(
            {"id": o["id"], "question": o["question"], "answers": o["answers"], "is_impossible": False})
    for r in rows:
        by_para.setdefault((r["title"], r["paragraph"]), []).append(
            {"id": r["id"], "question": r["question"], "answers": [], "plausible_answers": [],
             "is_impossible": True})
    data = [{"title": a["title"], "paragraphs": [{"context": p["context"], "qas": by_para.get((a["title"], i), [])}
                                                 for i, p in enumerate(a["paragraphs"])]} for a in articles]
    return {"version": "v2.0", "data": data}


def main(argv: list[str] | None = None) -> int:
    """python -m training.negatives [--out eval/nearmiss] [--seed 13]: the held-out near misses of the
    VALIDATION articles (training/splits.py)."""
    import argparse

    from .splits import SQUAD_TRAIN, load_articles, sha256, split

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--out", default="eval/nearmiss")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--typing", choices=["auto", "simple", "spacy"], default="auto")
    args = ap.parse_args(argv)
    typing_name, nlp = load_typing(args.typing)
    val = split(load_articles(SQUAD_TRAIN), "validation")
    rows, originals, counts = held_out_near_misses(val, args.seed, nlp)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    dump = lambda rs: "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rs)
    (out / "validation.jsonl").write_text(dump(rows), encoding="utf-8")
    (out / "validation-originals.jsonl").write_text(dump(originals), encoding="utf-8")
    (out / "validation-squad2.json").write_text(json.dumps(squad2(val, rows, originals), ensure_ascii=False),
                                                encoding="utf-8")
    stats = {"source": str(SQUAD_TRAIN), "source_sha256": sha256(SQUAD_TRAIN), "split": "validation",
             "seed": args.seed, "typing": typing_name, "questions": sum(len(p["qas"]) for a in val
                                                                          for p in a["paragraphs"]),
             "near_misses": len(rows), **counts}
    (out / "stats.json").write_text(json.dumps(stats, indent=2) + "\n")
    print(json.dumps(stats, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
