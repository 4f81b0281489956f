"""Who said it: the quotations of an article and the person or institution whose words each one is.

Rule-based, in four steps over one article's text (no model: every decision has a stated reason):

1. Quotations: “...”, "..." and ‘...’ / '...' pairs (apostrophes inside words are not quotes); a quote
   nested in another is part of it. A quotation left open at the end of a paragraph closes there.
2. Speech cues: a speech verb ("said", "told", "stressed", ...) with its subject ("Ryabkov said",
   "he insisted", "the ministry stressed", ", said Maria Kask"), found in the text with every
   quotation's words masked, so "as President Putin has said" inside Lavrov's quote is never a cue.
3. Each cue's subject resolves to a speaker: a full name ("Sergey Ryabkov", the surname alone when the
   article names the person in full elsewhere), an institution ("the ministry" -> the last ministry the
   article named), or a pronoun / "the diplomat" -> the last named speaker (in this paragraph, else
   the person the paragraph is about, else the previous speaker). An unnamed source ("a German
   diplomat", "the head of the delegation") is nobody: no speaker rather than a guess.
4. A quotation takes the cue after it in its sentence (", he said"), else the cue before it
   ("Ryabkov warned that ... “"), else it continues the quotation just before it (a quoted paragraph
   that follows a quoted paragraph is the same speaker's).

A role is the title the article puts before the name ("Russian Deputy Foreign Minister Sergey
Ryabkov") or its apposition (", the EU energy commissioner,").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


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
    attribute it ("he said"), None when it continues the previous quotation or has no attribution."""

    start: int
    end: int
    speaker: Speaker | None
    reason: str
    cue_start: int | None = None
    cue_end: int | None = None


_VERBS = ("said|says|say|stated|states|told|tells|added|adds|noted|notes|stressed|insisted|explained|warned|warns|"
          "remarked|outlined|specified|declared|argued|announced|affirmed|affirms|wrote|writes|claimed|emphasized|"
          "emphasised|pointed out|reiterated|recalled|urged|replied|answered|commented|confirmed|promised|admitted|"
          "acknowledged|complained|conceded|predicted|cautioned|asserted|vowed|reported|called(?! on| for| off| in)|"
          "described")
_VERB = re.compile(rf"\b(?:{_VERBS}|{_VERBS.title()})\b")
_INVERTED_VERBS = {"said", "says", "stated", "added", "noted", "wrote", "explained", "stressed", "insisted", "warned",
                   "declared", "remarked", "continued", "asked", "replied"}
_PARTICLES = r"\b(?:van|von|de|der|den|del|della|di|da|du|le|la|al|bin|ibn)"
_CAP = r"[A-Z][\w’'.-]*[\w]"
_NAME = rf"(?:{_CAP}|{_PARTICLES}(?=\s+[A-Z]))(?:\s+(?:{_CAP}|{_PARTICLES}(?=\s+[A-Z])))*"
_ADVERBS = r"(?:(?:has|had|have|also|then|later|again|once again|repeatedly|earlier|previously|further|already)\s+)*"
# the subject that ends right before a speech verb (searched on the masked text before the verb)
_SUBJECT_BEFORE = re.compile(
    rf"(?:(?P<pron>\b(?:[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e))|(?P<name>{_NAME})|"
    rf"(?P<desc>\b(?:[Tt]he|[Aa]n?|[Aa]nalysts|[Oo]fficials|[Ee]xperts)\s[^,;:.!?“”\"\n]{{1,80}}?))"
    rf"(?P<appos>,[^,;:!?“”\"\n]{{1,120}},)?\s+{_ADVERBS}$")
_SUBJECT_AFTER = re.compile(rf"\s+(?P<name>{_NAME})")
_ACCORDING = re.compile(rf"\b[Aa]ccording to (?:(?:[a-z]+\s+){{0,3}}?(?P<name>{_NAME})|(?P<desc>the [a-z][\w ’'-]{{1,40}}?)\b)")
_TITLES = {
    "Foreign", "Ministry", "Minister", "Deputy", "Secretary", "State", "Department", "President", "Prime", "Vice",
    "Russian", "US", "U.S.", "UK", "EU", "American", "British", "French", "German", "Dutch", "Czech", "Chinese",
    "Ukrainian", "European", "Defense", "Defence", "Under", "Head", "Chief", "Senior", "Spokesman", "Spokeswoman",
    "The", "Kremlin", "General", "Ambassador", "Chancellor", "Mr", "Mr.", "Ms", "Ms.", "Mrs", "Mrs.", "Dr", "Dr.",
    "Mayor", "Senator", "Governor", "Diplomat", "Commissioner", "Director", "Professor", "Prof.", "Judge", "Sen.",
    "Rep.", "Gov.", "Gen.", "Former", "Acting", "Interim", "Opposition", "Leader", "Chairman", "Chairwoman",
    "Economy", "Energy", "Finance", "Interior", "Justice", "Health", "Trade", "Industry", "Agriculture",
    "Transport", "Education", "Environment", "Culture", "Labour", "Labor", "Security", "Affairs", "Sports",
}
_LEADING = {"In", "On", "At", "But", "And", "However", "After", "As", "When", "While", "If", "Yesterday", "Also", "So",
            "Then", "Still", "Meanwhile", "Earlier", "Later", "Today", "Asked", "For", "With", "This", "That", "Since"}
_INSTITUTIONS = {"ministry", "commission", "council", "kremlin", "department", "office", "authority", "union",
                 "government", "court", "agency", "committee", "bank", "party", "police", "army", "nato", "pentagon",
                 "parliament", "senate", "congress", "embassy", "administration", "cabinet", "spokesman's office",
                 "company", "firm", "group", "federation", "organisation", "organization", "institute", "service",
                 "secretariat", "presidency", "white house", "foundation", "board", "club", "association", "statement",
                 "college", "university", "hospital", "fund", "trust", "society", "institution", "network",
                 "alliance", "coalition", "movement", "campaign", "league", "church", "bureau", "centre", "center"}
_BARE_PERSON = re.compile(r"^(?:the|The) (?:diplomat|minister|official|spokesman|spokeswoman|spokesperson|envoy|"
                          r"senator|mayor|president|chancellor|ambassador|commissioner|general|prime minister|"
                          r"secretary|premier|lawmaker|farmer|scientist|forecaster|analyst)$")
_ROLE_WORDS = {"president", "minister", "leader", "owner", "forecaster", "scientist", "spokesman", "spokeswoman",
               "spokesperson", "commissioner", "director", "chairman", "chairwoman", "chief", "head", "secretary",
               "ambassador", "envoy", "analyst", "economist", "professor", "lawyer", "senator", "mayor", "general",
               "official", "diplomat", "adviser", "advisor", "researcher", "expert", "manager", "coach",
               "governor", "chancellor", "premier", "deputy", "foreign", "defence", "defense", "negotiator", "activist",
               "founder", "executive", "candidate", "organiser", "organizer", "representative", "prosecutor",
               "of", "for", "and"}
_FUNCTION_WORDS = {"the", "a", "an", "to", "by", "of", "with", "its", "his", "her", "their", "our", "and", "or", "but",
                   "from", "at", "in", "on", "for", "as", "that", "who", "which", "was", "is", "were", "are", "be"}
_NOT_SOURCES = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
                "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
                "I", "It", "We", "You", "They", "There", "Here", "This", "That", "These", "Those", "What", "Who"}
_SENTENCE_END = re.compile(r"[.!?](?=\s+[“\"‘A-Z])")
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
    """Top-level quotation spans [start, end), marks included; nested quotes belong to their outer one."""
    spans = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        single = ch in "‘'"
        if ch in _OPEN and (not single or _is_single_open(text, i)) and not (ch == "\"" and i + 1 < n and text[i + 1].isspace()):
            para_end = text.find("\n", i)
            para_end = n if para_end < 0 else para_end
            close = _closing(text, i, para_end)
            if close is None:  # open to the end of the paragraph: a quotation that runs on
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
    """Position of the mark closing the quotation opened at i, within its paragraph."""
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


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with every quotation's words replaced by '#' (same length, so offsets hold)."""
    chars = list(text)
    for s, e in spans:
        for j in range(s + 1, e - 1 if e - 1 > s and text[e - 1] in "”\"’'»" else e):
            if chars[j] != "\n":
                chars[j] = "#"
    return "".join(chars)


@dataclass
class _Cue:
    start: int  # of the subject (or verb, inverted)
    end: int  # of the verb (or subject, inverted)
    verb_start: int
    who: str
    who_start: int
    kind: str  # "pron" | "name" | "desc"
    speaker: Speaker | None = None
    resolved: bool = False


class _Article:
    """One article's names, institutions, paragraphs, cues and quotations."""

    def __init__(self, text: str):
        self.text = text
        self.quotes = find_quotations(text)
        self.masked = _mask(text, self.quotes)
        self.paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
        self.full_names = self._full_names()
        self.cues = self._cues()
        self._resolve_cues()

    # -- names ---------------------------------------------------------------------------------
    def _full_names(self) -> list[tuple[str, int, int]]:
        """(name, start, end) of every person named in full (two or more words after titles), in order."""
        out = []
        for m in re.finditer(_NAME, self.masked):
            words = [(w.group(0), m.start() + w.start()) for w in re.finditer(r"\S+", m.group(0))]
            while words and (words[0][0] in _LEADING):
                words = words[1:]
            last_title = max((k for k, (w, _) in enumerate(words) if _strip_poss(w) in _TITLES), default=-1)
            words = words[last_title + 1:]
            words = [(w, s) for w, s in words]
            if len(words) < 2 or len(words) > 4:
                continue
            if words[-1][0].endswith(("’s", "'s")):
                words[-1] = (words[-1][0][:-2], words[-1][1])
            if any(w.lower() in _INSTITUTIONS or w.isupper() or not w[0].isupper() and not re.fullmatch(_PARTICLES, w)
                   for w, _ in words):
                continue
            start, end = words[0][1], words[-1][1] + len(words[-1][0])
            out.append((self.text[start:end], start, end))
        return out

    def person(self, who: str, at: int) -> Speaker | None:
        """The person a name (full or surname) names, with the role stated at the first full mention."""
        words = [_strip_poss(w) for w in who.split()]
        while words and (words[0] in _TITLES or words[0] in _LEADING):
            words = words[1:]
        if not words:
            return None
        last_title = max((k for k, w in enumerate(words) if w in _TITLES), default=-1)
        words = words[last_title + 1:] or words
        key = " ".join(words)
        tail = [f for f in self.full_names if f[0] == key or f[0].endswith(" " + key)]
        if not tail:
            if len(words) == 1 and words[0] not in _NOT_SOURCES and words[0] not in _LEADING:
                # "Maersk said", "VNO said": a source named by one word, a company or a body, never a
                # surname (a person's surname alone is only taken when the article names them in full)
                if not re.search(rf"\b(?:Mr|Ms|Mrs|Dr)\.?\s+{re.escape(words[0])}\b", self.text):
                    return Speaker(name=words[0], kind="institution", role=None, start=at, end=at + len(who))
            return None
        name, start, end = tail[0]
        return Speaker(name=name, kind="person", role=self.role(start, end), start=start, end=end)

    def role(self, start: int, end: int) -> str | None:
        """The title before the name ("Russian Deputy Foreign Minister") or its apposition (", the ...,")."""
        words = list(re.finditer(r"[^\s—–]+", self.text[max(0, start - 120):start]))
        taken = []
        for w in reversed(words):
            token = w.group(0)
            if token[-1] in ".,;:!?”\"" and token not in ("U.S.",) or token in _LEADING:
                break
            if token[0].isupper() or token.lower() in _ROLE_WORDS:
                taken.append(token)
            elif taken and taken[-1].lower() in _ROLE_WORDS and taken[-1].islower() and token.isalpha() \
                    and token not in _FUNCTION_WORDS and not _VERB.fullmatch(token):
                taken.append(token)  # "union negotiator", "shadow health secretary"
            else:
                break
        while taken and taken[-1].lower() in ("of", "for", "and", "the"):
            taken.pop()
        taken.reverse()
        while taken and taken[0] in ("The", "of", "for", "and"):
            taken = taken[1:]
        if taken:
            return " ".join(taken)
        m = re.match(r",\s+((?:the|a|an)\s+[^,.;:()“”\"]{3,80}?)[,.;]", self.text[end:end + 100])
        if m:
            return m.group(1)
        m = re.search(r"(?:^|[.!?]\s+|\n)(?:The|A|An)\s+([\w’' -]{3,60}),\s*$", self.text[max(0, start - 80):start])
        return m.group(1) if m else None  # "The shadow health secretary, Tom Aldridge,"

    def institution(self, desc: str, start: int) -> Speaker:
        """An institution: a bare "the ministry" resolves to the last ministry named before it."""
        words = desc.split()
        if words and words[0].lower() in ("the", "a", "an"):
            words = words[1:]
        head = words[-1].lower() if words else ""
        if len(words) == 1 and head in _INSTITUTIONS:
            # the last institution of that kind the article named: "the Russian Foreign Ministry",
            # "the transport authority Sytral"
            noun = re.escape(words[-1].lower())
            named = [(m.start("n"), m.end("n"), m.group("n")) for m in re.finditer(
                rf"\b(?P<n>(?:[A-Z][\w’'-]+\s+)+(?i:{noun})(?:\s+of(?:\s+the)?(?:\s+[A-Z][\w’'-]+)+)?)\b",
                self.masked[:start])]
            named += [(m.start("n"), m.end("n"), m.group("n")) for m in re.finditer(
                rf"\b(?i:{noun})\s+(?P<n>[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)", self.masked[:start])]
            if named:
                s, e, name = max(named)
                name = " ".join(w for w in name.split() if w != "The")
                return Speaker(name=name, kind="institution", role=None, start=s, end=e)
        proper = []  # "the transport authority Sytral": the proper name that follows the noun
        for w in reversed(words):
            if w[0].isupper() and w.lower() not in _INSTITUTIONS:
                proper.insert(0, w)
            else:
                break
        if proper and len(proper) < len(words) and words[-len(proper) - 1].lower() in _INSTITUTIONS:
            name = " ".join(proper)
        else:
            name = " ".join(words)
        return Speaker(name=name, kind="institution", role=None, start=start, end=start + len(desc))

    # -- cues ----------------------------------------------------------------------------------
    def _cues(self) -> list[_Cue]:
        cues = []
        m_text = self.masked
        for v in _VERB.finditer(m_text):
            line_start = m_text.rfind("\n", 0, v.start()) + 1
            before = m_text[max(line_start, v.start() - 200):v.start()]
            offset = v.start() - len(before)
            s = _SUBJECT_BEFORE.search(before)
            if s:
                if s.group("pron"):
                    kind, who, ws = "pron", s.group("pron"), s.start("pron")
                elif s.group("name"):
                    kind, who, ws = "name", s.group("name"), s.start("name")
                else:
                    kind, who, ws = "desc", s.group("desc"), s.start("desc")
                    appos = s.group("appos")
                    if appos:
                        named = re.fullmatch(rf",\s*({_NAME})\s*,", appos)
                        if named and len(named.group(1).split()) >= 2:
                            kind, who, ws = "name", named.group(1), s.start("appos") + named.start(1)
                cues.append(_Cue(offset + ws, v.end(), v.start(), who, offset + ws, kind))
                continue
            # inverted: '..., said Maria Kask' right after a quotation or a comma
            verb = v.group(0).lower()
            if verb in _INVERTED_VERBS and re.search(r"[,”\"’']\s*$", m_text[max(0, v.start() - 3):v.start()]):
                a = _SUBJECT_AFTER.match(m_text, v.end())
                if a:
                    cues.append(_Cue(v.start(), a.end(), v.start(), a.group("name"), a.start("name"), "name"))
        for m in _ACCORDING.finditer(m_text):
            kind = "name" if m.group("name") else "desc"
            who = m.group(kind)
            cues.append(_Cue(m.start(), m.end(), m.start(), who, m.start(kind), kind))
        cues.sort(key=lambda c: c.verb_start)
        return cues

    def _paragraph(self, pos: int) -> tuple[int, int]:
        for s, e in self.paragraphs:
            if s <= pos <= e:
                return s, e
        return pos, pos

    def _named(self, cue: _Cue) -> Speaker | None:
        if cue.kind == "name":
            words = [_strip_poss(w) for w in cue.who.split()]
            if words and words[-1].lower() in _INSTITUTIONS:
                return self.institution(cue.who, cue.who_start)
            return self.person(cue.who, cue.who_start)
        if cue.kind == "desc":
            desc = cue.who.strip()
            if _BARE_PERSON.match(desc):
                return None  # resolved like a pronoun
            words = desc.split()
            if any(w.lower().strip("’'s") in _INSTITUTIONS for w in words[1:]) and words[0].lower() == "the":
                return self.institution(desc, cue.who_start)
            # "the national farmers' union FNSEA" / "the agriculture ministry"
        return None

    def _resolve_cues(self) -> None:
        for i, cue in enumerate(self.cues):
            if cue.kind == "pron" and cue.who.lower() not in ("he", "she") or \
                    cue.kind == "desc" and not _BARE_PERSON.match(cue.who.strip()):
                cue.speaker, cue.resolved = self._named(cue), True
                continue
            if cue.kind == "name":
                cue.speaker, cue.resolved = self._named(cue), True
                continue
            cue.speaker, cue.resolved = self._antecedent(cue.who_start, i), True

    def _antecedent(self, pos: int, before_cue: int) -> Speaker | None:
        """Whom "he"/"she"/"the diplomat" at pos refers to: the last named speaker in this paragraph,
        else the person the paragraph names before pos, else the last named speaker before it."""
        p_start, _ = self._paragraph(pos)
        earlier = [c for c in self.cues[:before_cue] if c.speaker is not None and c.speaker.kind == "person"]
        in_para = [c for c in earlier if c.verb_start >= p_start]
        if in_para:
            return in_para[-1].speaker
        for name, s, e in self.full_names:
            if p_start <= s < pos:
                return self.person(name, s)
        surnames = {f[0].split()[-1] for f in self.full_names}
        for m in re.finditer(r"\b[A-Z][\w’'-]+", self.masked[p_start:pos]):
            if _strip_poss(m.group(0)) in surnames:
                return self.person(_strip_poss(m.group(0)), p_start + m.start())
        return earlier[-1].speaker if earlier else None

    # -- quotations ----------------------------------------------------------------------------
    def _sentence_bounds(self, qs: int, qe: int) -> tuple[int, int]:
        """The sentence holding the quotation [qs, qe), found on the masked text."""
        m_text = self.masked
        p_start, p_end = self._paragraph(qs)
        start = p_start
        for m in _SENTENCE_END.finditer(m_text, p_start, qs + 1):
            start = m.end()
        end = p_end if qe <= p_end else qe
        if re.search(r"[.!?…]\W?$", self.text[qs:qe]):  # “... not very inspiring.” ends its sentence
            return start, qe
        m = re.search(r"[.!?](?=\s|$)|[“‘\"]", m_text[qe:p_end if qe <= p_end else qe])
        if m:
            end = qe + m.start() + (1 if m.group(0) in ".!?" else 0)
        return start, end

    def quotations(self) -> list[Quote]:
        out: list[Quote] = []
        prev_end = None
        for qs, qe in self.quotes:
            s_start, s_end = self._sentence_bounds(qs, qe)
            tail_end = s_end
            # "...this won’t do,”\n\nhe insisted." : the attribution opens the next paragraph
            if not self.masked[qe:s_end].strip(" ,.\n") and s_end < len(self.text):
                nxt = re.match(r"\s*\n\s*([a-z][^\n]*)", self.text[s_end:])
                if nxt:
                    tail_end = s_end + nxt.end()
            tail = [c for c in self.cues if qe <= c.start and c.end <= tail_end + 1 and c.verb_start < tail_end]
            head_start = s_start
            if not self.masked[s_start:qs].strip():  # "He specified:\n\n“..."
                prev = self.masked[:s_start].rstrip()
                if prev.endswith(":"):
                    head_start = self._paragraph(len(prev) - 1)[0]
            head = [c for c in self.cues if head_start <= c.start and c.verb_start < qs]
            if tail:
                c, reason = tail[0], "attribution after the quotation"
            elif head:
                c, reason = head[-1], "attribution before the quotation"
            else:
                c = None
            if c is not None:
                out.append(Quote(qs, qe, c.speaker, reason if c.speaker else "the source is not named",
                                 min(c.start, c.verb_start), c.end))
                prev_end = max(tail_end, qe) if tail else qe
                if tail:
                    prev_end = max(prev_end, c.end)
                continue
            if out and prev_end is not None and not re.sub(r"[\s.,]+", "", self.text[prev_end:qs]) \
                    and out[-1].speaker is not None:
                out.append(Quote(qs, qe, out[-1].speaker, "continues the previous quotation"))
            elif out and prev_end is not None and _only_tail(self.masked, prev_end, qs) and out[-1].speaker:
                out.append(Quote(qs, qe, out[-1].speaker, "continues the previous quotation"))
            else:
                out.append(Quote(qs, qe, None, "no attribution"))
            prev_end = qe
        return out


def _only_tail(masked: str, prev_end: int, qs: int) -> bool:
    """Between two quotations only the end of the previous one's sentence: ' from ..., he said. '."""
    gap = masked[prev_end:qs]
    return "\n" not in gap and len(gap) < 200 and not re.search(r"[.!?]\s+[A-Z]", gap.strip())


def _strip_poss(w: str) -> str:
    w = w.rstrip(",.;:")
    return w[:-2] if w.endswith(("’s", "'s")) else w


@lru_cache(maxsize=512)
def _analysis(article_text: str) -> _Article:
    return _Article(article_text)


@lru_cache(maxsize=512)
def quotations(article_text: str) -> tuple[Quote, ...]:
    """Every quotation of an article with its speaker (None when the article does not name one)."""
    return tuple(_analysis(article_text).quotations())


def attribute(article_text: str, start: int, end: int) -> Speaker | None:
    """The speaker of the span [start, end): the speaker of the first quotation it overlaps, else of
    reported speech in it ("Ryabkov said that ..."); None when it attributes nothing."""
    for q in quotations(article_text):
        if q.start < end and start < q.end:
            if q.speaker is not None:
                return q.speaker
            if q.reason == "the source is not named":
                return None
    art = _analysis(article_text)
    for c in art.cues:
        if start <= c.start and c.end <= end and c.speaker is not None:
            return c.speaker
    return None


def speaker(article_text: str, start: int, end: int) -> str | None:
    """The name of whoever speaks in article_text[start:end], or None."""
    s = attribute(article_text, start, end)
    return s.name if s else None
