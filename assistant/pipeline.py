"""The Assistant: question -> rewritten query -> passages -> reader -> cited, calibrated Answer."""
from __future__ import annotations

import json
import logging
import math
import re
from pathlib import Path


from index.bm25 import tokenize
from index.newsindex import NewsIndex
from index.settings import Settings

from .answer import Answer, AnswerCandidate, Citation, Passage
from .attribution import speaker
from .conversation import Conversation, no_words_note, rewrite
from .guard import clean_text, reader_note, with_language_note
from .qtypes import expected_kind
from .reader import Reader, lexical_overlap, load_reader
from .retrieval import Filters, Retrieval, Retriever

log = logging.getLogger(__name__)
CALIBRATION = Path(__file__).with_name("calibration.json")
_NORMALISE = re.compile(r"\s+")


def load_calibration(reader_name: str) -> dict | None:
    """Logistic weights mapping answer features to P(correct) and the abstention threshold, per reader
    (fitted on SQuAD train by eval/calibrate.py); None when this reader has not been calibrated."""
    if CALIBRATION.is_file():
        entry = json.loads(CALIBRATION.read_text()).get(reader_name)
        if entry and {"features", "weights", "bias", "threshold"} <= set(entry):
            return entry
    return None


def features(best: AnswerCandidate, retrieval: Retrieval, index: NewsIndex, question: str) -> dict[str, float]:
    """The evidence an answer rests on, each in about [0, 1]."""
    sent = index.sentences[best.sentence_id]
    q_tokens = tokenize(retrieval.query)
    top = [set(tokenize(p.text)) for p in retrieval.passages[:3]]
    dense = float(index.sentence_vectors([best.sentence_id])[0] @ retrieval.qvec)
    kind = expected_kind(question)
    return {
        "reader": best.score,
        "dense": dense,
        "lex": lexical_overlap(q_tokens, set(tokenize(sent.text)), index),
        "chunk_lex": lexical_overlap(q_tokens, top[0] if top else set(), index),
        "cover3": lexical_overlap(q_tokens, set().union(*top), index),
        "typed": 1.0 if (kind is None or best.start is not None) else 0.0,
        "no_answer": best.no_answer,
    }


def calibrated(feats: dict[str, float], calibration: dict | None) -> float:
    if calibration is None:  # uncalibrated: the reader's own score
        return float(feats["reader"])
    z = calibration["bias"] + sum(w * feats.get(f, 0.0) for f, w in zip(calibration["features"], calibration["weights"]))
    return 1.0 / (1.0 + math.exp(-z))


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


class Assistant:
    """Answers questions over a NewsIndex with cited, verbatim text, or says the articles do not answer."""

    def __init__(self, index: NewsIndex, settings: Settings, reader: Reader | None = None):
        self.index = index
        self.settings = settings
        self.retriever = Retriever(index, settings)
        self.reader = reader or load_reader(settings.reader, settings.reader_int8)
        self.calibration = load_calibration(self.reader.name)
        self.threshold = settings.abstain_below if self.calibration is None else self.calibration["threshold"]

    def citation(self, number: int, article_id: str, start: int, end: int) -> Citation:
        a = self.index.articles[article_id]
        return Citation(number=number, article_id=article_id, start=start, end=end, text=a.text[start:end],
                        title=a.title.value if a.title else None, outlet=a.outlet.value if a.outlet else None,
                        date=a.date.iso if a.date else None, dateline=a.dateline.value if a.dateline else None,
                        speaker=speaker(a.text, start, end), url=a.url)

    def _nearest(self, passages: list[Passage]) -> tuple[Citation, ...]:
        spans = merge_spans([(p.article_id, p.start, p.end) for p in passages])
        return tuple(self.citation(i, aid, s, e) for i, (aid, s, e) in enumerate(spans, 1))

    def _abstain(self, question: str, query: str, passages: list[Passage], confidence: float,
                 note: str | None = None) -> Answer:
        return Answer(question=question, query=query, answer=None, quote=None, confidence=confidence,
                      abstained=True, citations=self._nearest(passages[:3]), note=note)

    def ask(self, question: str, conversation: Conversation | None = None, filters: Filters = Filters(),
            k: int | None = None, fusion: str | None = None, dense_weight: float | None = None) -> Answer:
        """Answer one question; a follow-up is resolved against the conversation, which gets the new turn.
        k, fusion and dense_weight override the settings for this question."""
        answer = with_language_note(self._ask(question, conversation, filters, k, fusion, dense_weight))
        if conversation is not None:
            conversation.add(answer)
        return answer

    def _ask(self, question: str, conversation: Conversation | None, filters: Filters, k: int | None,
             fusion: str | None, dense_weight: float | None) -> Answer:
        s = self.settings
        note = None
        question = clean_text(question) if isinstance(question, str) else ""
        if len(question) > s.max_question_chars:
            question = question[: s.max_question_chars]
            note = f"the question was cut to its first {s.max_question_chars:,} characters"
        query = rewrite(question, conversation)  # before the check: "Where was he when he said it?" is all pronouns
        if not tokenize(query):
            return Answer(question=question, query="", answer=None, quote=None, confidence=0.0, abstained=True,
                          note=no_words_note(question))
        note = note or reader_note(self.reader, query)
        retrieval = self.retriever.retrieve(query, filters, k=max(k or s.top_k, self.reader.passages), fusion=fusion,
                                            dense_weight=dense_weight)
        passages = retrieval.passages
        if not passages:
            return self._abstain(question, query, passages, 0.0, note or "No article matches the filters.")
        candidates = self.reader.read(question, query, passages[:self.reader.passages], self.index, retrieval.qvec)
        if not candidates:
            return self._abstain(question, query, passages, 0.0, note)
        best = candidates[0]
        confidence = calibrated(features(best, retrieval, self.index, question), self.calibration)
        if s.abstain and confidence < self.threshold:
            return self._abstain(question, query, passages, confidence, note)
        return self._answer(question, query, best, passages, confidence, note)

    def _answer(self, question: str, query: str, best: AnswerCandidate, passages: list[Passage],
                confidence: float, note: str | None) -> Answer:
        article = self.index.articles[best.article_id]
        answer_text = article.text[best.start:best.end] if best.start is not None else None
        spans = [(best.article_id, best.sentence_start, best.sentence_end)]
        if answer_text:  # every other retrieved sentence that states the same answer is cited too
            needle = re.compile(r"(?<!\w)" + re.escape(_NORMALISE.sub(" ", answer_text).lower()) + r"(?!\w)")
            for p in passages:
                for sid in self.index.chunks[p.chunk_id].sentences:
                    sent = self.index.sentences[sid]
                    if sid != best.sentence_id and needle.search(_NORMALISE.sub(" ", sent.text).lower()):
                        spans.append((sent.article_id, sent.start, sent.end))
        citations = tuple(self.citation(i, aid, s, e) for i, (aid, s, e) in enumerate(merge_spans(spans), 1))
        return Answer(question=question, query=query, answer=answer_text,
                      quote=article.text[best.sentence_start:best.sentence_end], confidence=confidence,
                      abstained=False, citations=citations, answer_citation=1,
                      answer_start=best.start, answer_end=best.end, note=note)


def open_assistant(root: Path, settings: Settings) -> Assistant:
    """Load the index at root (verified) with its embedder and the configured reader."""
    return Assistant(NewsIndex(root, settings), settings)
