"""The Assistant: question -> rewritten query -> passages -> reader -> cited, calibrated Answer."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from index.bm25 import tokenize
from index.dates import answer_dates
from index.store_api import Filters, Store

from .answer import Answer, AnswerCandidate, Citation, Passage, Tier
from .attribution import attribute, speaker
from .calibration import Calibration, load_calibration
from .conversation import Conversation, no_words_note, rewrite
from .guard import clean_text, reader_note, with_language_note
from .qtypes import expected_kind
from .readers import Reader, load_reader
from .readers.evidence import lexical_overlap
from .retrieval import Retrieval, Retriever
from .search import rerank_latest, with_latest_date
from .settings import AskSettings, ReaderSettings
from .shapes import (Routed, Shape, cap_tier, in_metadata, route, said, shape_tier, shaped_confidence, speaker_match,
                     speaks_in, who_is)
from .sources import group_answers

log = logging.getLogger(__name__)
_NORMALISE = re.compile(r"\s+")


def _norm_answer(store: Store, c: AnswerCandidate) -> str:
    text = store.articles[c.article_id].text[c.start:c.end] if c.start is not None else ""
    return " ".join(tokenize(text))


def features(candidates: tuple[AnswerCandidate, ...], retrieval: Retrieval, store: Store,
             question: str) -> dict[str, float]:
    """The evidence the best answer rests on, each in about [0, 1]: the reader's own evidence for it, how
    far it leads the best different answer, how many read passages propose it, and the retrieval's."""
    best = candidates[0]
    mine = _norm_answer(store, best)
    others = [c.score for c in candidates[1:] if _norm_answer(store, c) != mine]
    support = {c.sentence_id for c in candidates if _norm_answer(store, c) == mine} if mine else set()
    sent = store.sentences[best.sentence_id]
    q_tokens = tokenize(retrieval.query)
    top = [set(tokenize(p.text)) for p in retrieval.passages[:3]]
    dense = float(store.sentence_vectors([best.sentence_id])[0] @ retrieval.qvec)
    kind = expected_kind(question)
    return {
        "reader": best.score,
        "dense": dense,
        "lex": lexical_overlap(q_tokens, set(tokenize(sent.text)), store),
        "chunk_lex": lexical_overlap(q_tokens, top[0] if top else set(), store),
        "cover3": lexical_overlap(q_tokens, set().union(*top), store),
        "typed": 1.0 if (kind is None or best.start is not None) else 0.0,
        "no_answer": best.no_answer,
        "margin": best.score - max(others, default=0.0),
        "support": min(len(support), 3) / 3,
        **{f"span_{k}": v for k, v in best.features.items()},
    }


def tier_of(confidence: float, calibration: Calibration | None, settings: AskSettings) -> Tier:
    """answered / possible / abstained by the calibrated thresholds; uncalibrated, one threshold."""
    if calibration is None:
        return Tier.ANSWERED if confidence >= settings.abstain_below else Tier.ABSTAINED
    if confidence >= calibration.answer_at:
        return Tier.ANSWERED
    return Tier.POSSIBLE if confidence >= calibration.possible_at else Tier.ABSTAINED


def merge_spans(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Merge overlapping or touching spans of the same article; merged spans keep the order in which
    their first member came."""
    by_article: dict[str, list[tuple[int, int, int]]] = {}
    for i, (aid, s, e) in enumerate(spans):
        by_article.setdefault(aid, []).append((s, e, i))
    out = []
    for aid, items in by_article.items():
        items.sort()
        s0, e0, first = items[0]
        for s, e, i in items[1:]:
            if s <= e0:
                e0, first = max(e0, e), min(first, i)
            else:
                out.append((first, aid, s0, e0))
                s0, e0, first = s, e, i
        out.append((first, aid, s0, e0))
    return [(aid, s, e) for _, aid, s, e in sorted(out)]


@dataclass(frozen=True)
class Trace:
    """One question through the pipeline: what was retrieved, what the reader proposed, the evidence
    the confidence was computed from, and the Answer. Evaluation and calibration read this, so they
    measure exactly what answers users."""

    question: str
    query: str
    retrieval: Retrieval | None
    candidates: tuple[AnswerCandidate, ...]
    features: dict[str, float] | None
    answer: Answer


class Assistant:
    """Answers questions over a Store with cited, verbatim text, or says the articles do not answer.
    Cheap to construct around a loaded store and reader; `settings` are the defaults for every question."""

    def __init__(self, store: Store, settings: AskSettings = AskSettings(), reader: Reader | None = None,
                 reader_settings: ReaderSettings = ReaderSettings()):
        self.store = store
        self.settings = settings
        self.retriever = Retriever(store, settings)
        self.reader = reader or load_reader(reader_settings)
        self.calibration = load_calibration(self.reader.name)

    @property
    def index(self) -> Store:  # the name the UI layer uses
        return self.store

    def confidence(self, feats: dict[str, float]) -> float:
        """P(the answer is right) by the calibration; uncalibrated, the reader's own score."""
        return self.calibration.confidence(feats) if self.calibration else float(feats["reader"])

    def citation(self, number: int, article_id: str, start: int, end: int) -> Citation:
        """A numbered source; its header names a speaker only when the attribution is sure (a named subject,
        an apposition, an organisation, "according to"), and never the report's own dateline."""
        a = self.store.articles[article_id]
        who = speaker(a.text, start, end, sure=True)
        if who and a.dateline and who.casefold() in a.dateline.value.casefold():
            who = None  # "ALPENA, Mich." as "the team": where the report was filed speaks for nobody
        return Citation(number=number, article_id=article_id, start=start, end=end, text=a.text[start:end],
                        title=a.title.value if a.title else None, outlet=a.outlet.value if a.outlet else None,
                        date=a.date.iso if a.date else None, dateline=a.dateline.value if a.dateline else None,
                        speaker=who, url=a.url)

    def _nearest(self, passages: list[Passage]) -> tuple[Citation, ...]:
        spans = merge_spans([(p.article_id, p.start, p.end) for p in passages])
        return tuple(self.citation(i, aid, s, e) for i, (aid, s, e) in enumerate(spans, 1))

    def _abstain(self, question: str, query: str, passages: list[Passage], confidence: float,
                 note: str | None = None) -> Answer:
        return Answer(question=question, query=query, answer=None, quote=None, confidence=confidence,
                      abstained=True, citations=self._nearest(passages[:3]), note=note, tier=Tier.ABSTAINED)

    def ask(self, question: str, conversation: Conversation | None = None, filters: Filters = Filters(),
            settings: AskSettings | None = None) -> Answer:
        """Answer one question; a follow-up is resolved against the conversation, which gets the new turn.
        settings, when given, replace the assistant's defaults for this question."""
        return self.trace(question, conversation, filters, settings).answer

    def trace(self, question: str, conversation: Conversation | None = None, filters: Filters = Filters(),
              settings: AskSettings | None = None) -> Trace:
        """ask(), keeping every intermediate result."""
        t = self._trace(question, conversation, filters, settings or self.settings)
        answer = with_language_note(with_latest_date(question, t.answer, self.store))
        t = replace(t, answer=replace(answer, reader=self.reader.name, calibrated=self.calibration is not None))
        if conversation is not None:
            conversation.add(t.answer)
        return t

    def _trace(self, question: str, conversation: Conversation | None, filters: Filters, s: AskSettings) -> Trace:
        note = None
        question = clean_text(question) if isinstance(question, str) else ""
        if len(question) > s.max_question_chars:
            question = question[: s.max_question_chars]
            note = f"the question was cut to its first {s.max_question_chars:,} characters"
        query = rewrite(question, conversation)  # before the check: "Where was he when he said it?" is all pronouns
        if not tokenize(query):
            answer = Answer(question=question, query="", answer=None, quote=None, confidence=0.0, abstained=True,
                            note=no_words_note(question), tier=Tier.ABSTAINED)
            return Trace(question, "", None, (), None, answer)
        note = note or reader_note(self.reader, query)
        retriever = self.retriever if s is self.settings else Retriever(self.store, s)
        n_read = s.read_passages or self.reader.passages
        retrieval = retriever.retrieve(query, filters, k=max(s.top_k, n_read))
        passages = rerank_latest(question, retrieval.passages, self.store)
        if not passages:
            answer = self._abstain(question, query, passages, 0.0, note or "No article matches the filters.")
            return Trace(question, query, retrieval, (), None, answer)
        routed = route(question)
        if routed.shape is Shape.WHO and routed.describe:  # a description: the parse states it, not a span
            shaped = self._shaped(routed, question, query, passages, filters, s, note)
            if shaped is not None:
                return Trace(question, query, retrieval, (), None, shaped)
        candidates = tuple(c for c in self.reader.read(question, query, passages[:n_read], self.store, retrieval.qvec)
                           if not in_metadata(self.store.articles[c.article_id], c.start, c.end, c.sentence_start,
                                              c.sentence_end))
        # the evidence and confidence of the reader's best span, computed once (the said shape reads them too)
        feats = features(candidates, retrieval, self.store, question) if candidates else None
        confidence = self.confidence(feats) if feats is not None else 0.0
        speaker_of_best = None
        if routed.shape is Shape.SAID:
            # the reader's span stands when its sentence gives words to the asked speaker; else X's quotations
            fits, speaker_of_best = self._span_is_theirs(routed, candidates)
            confident = fits and tier_of(confidence, self.calibration, s) is Tier.ANSWERED
            if not confident:
                shaped = self._shaped(routed, question, query, passages, filters, s, note,
                                      prefer=candidates[0] if fits else None)
                if shaped is not None:
                    return Trace(question, query, retrieval, (), None, shaped)
        if not candidates:
            return Trace(question, query, retrieval, (), None, self._abstain(question, query, passages, 0.0, note))
        best = candidates[0]
        tier = cap_tier(tier_of(confidence, self.calibration, s), routed, question, best, self.store)
        if tier is Tier.ABSTAINED and s.abstain:
            answer = replace(self._abstain(question, query, passages, confidence, note), shape=routed.shape.value)
        else:
            answer = self._answer(question, query, best, passages, confidence, note)
            # sources side by side: the other retrieved passages of articles not read yet, read apart (a
            # further passage of an article already read is the same source; reading it cost a third of
            # the answer's time)
            read = {p.article_id for p in passages[:n_read]}
            others = [p for p in passages[n_read:s.top_k] if p.article_id not in read]
            more = self.reader.read(question, query, others, self.store, retrieval.qvec) if others else []
            if speaker_of_best is not None:
                answer = replace(answer, speaker=speaker_of_best.name, role=speaker_of_best.role)
            answer = replace(answer, tier=Tier.POSSIBLE if tier is Tier.ABSTAINED else tier, shape=routed.shape.value,
                             groups=group_answers(list(candidates) + list(more), self.store, question,
                                                  retrieval.qvec))
        return Trace(question, query, retrieval, candidates, feats, answer)

    def _span_is_theirs(self, routed: Routed, candidates: tuple[AnswerCandidate, ...]):
        """(whether the reader's best span is in words the asked speaker said, that speaker as the attribution
        names them or None); its confidence is then the reader's, as for any span."""
        if not candidates or not routed.who:
            return False, None
        best = candidates[0]
        text = self.store.articles[best.article_id].text
        who = attribute(text, best.sentence_start, best.sentence_end)
        if who is not None and speaker_match(routed.who, who.name, who.role) >= 0.6:
            return True, who
        return speaks_in(text[best.sentence_start:best.sentence_end], routed.who), None

    def _shaped(self, routed: Routed, question: str, query: str, passages: list[Passage], filters: Filters,
                s: AskSettings, note: str | None, prefer: AnswerCandidate | None = None) -> Answer | None:
        """A said or who-is question answered in its own shape, or None to read spans as for any question.
        prefer: the reader's span in the asked speaker's words, kept when it is about the topic as much as
        the best quotation is (its short span then stays the answer)."""
        if routed.shape is Shape.SAID:
            found = said(self.store, routed, filters, prefer=prefer)
        elif routed.shape is Shape.WHO and routed.describe:
            found = who_is(self.store, routed, passages, filters)
        else:
            return None
        if found is None:
            return None
        confidence = shaped_confidence(routed.shape, found.evidence)
        tier = shape_tier(routed.shape, confidence)
        if tier is Tier.ABSTAINED and s.abstain:
            return None  # the reader may still find it stated another way
        article = self.store.articles[found.article_id]
        spans = merge_spans([(found.article_id, found.sentence_start, found.sentence_end), *found.also])
        citations = tuple(self.citation(i, aid, a, b) for i, (aid, a, b) in enumerate(spans, 1))
        return Answer(question=question, query=query, answer=article.text[found.start:found.end],
                      quote=article.text[found.sentence_start:found.sentence_end], confidence=confidence,
                      abstained=False, citations=citations, answer_citation=1, answer_start=found.start,
                      answer_end=found.end, note=note, tier=Tier.POSSIBLE if tier is Tier.ABSTAINED else tier,
                      shape=routed.shape.value, speaker=found.speaker, role=found.role,
                      resolved_dates=answer_dates(article, found.start, found.end, found.sentence_start,
                                                  found.sentence_end))

    def _answer(self, question: str, query: str, best: AnswerCandidate, passages: list[Passage],
                confidence: float, note: str | None) -> Answer:
        store = self.store
        article = store.articles[best.article_id]
        answer_text = article.text[best.start:best.end] if best.start is not None else None
        spans = [(best.article_id, best.sentence_start, best.sentence_end)]
        if answer_text:  # every other retrieved sentence that states the same answer is cited too
            needle = re.compile(r"(?<!\w)" + re.escape(_NORMALISE.sub(" ", answer_text).lower()) + r"(?!\w)")
            for p in passages:
                for sid in store.chunks[p.chunk_id].sentences:
                    sent = store.sentences[sid]
                    if sid != best.sentence_id and needle.search(_NORMALISE.sub(" ", sent.text).lower()):
                        spans.append((sent.article_id, sent.start, sent.end))
        citations = tuple(self.citation(i, aid, s, e) for i, (aid, s, e) in enumerate(merge_spans(spans), 1))
        return Answer(question=question, query=query, answer=answer_text,
                      quote=article.text[best.sentence_start:best.sentence_end], confidence=confidence,
                      abstained=False, citations=citations, answer_citation=1,
                      answer_start=best.start, answer_end=best.end, note=note,
                      resolved_dates=answer_dates(article, best.start, best.end, best.sentence_start, best.sentence_end))
