"""RuleReader, the model-free reader, used when no trained weights are shipped:

    sentence score = 0.45 * cos(q, s) + 0.35 * lex(q, s) + 0.20 * passage score (+/- type evidence)
    lex(q, s)      = sum of idf(t) over question terms t found in s / sum of idf(t) over question terms

and a short span where the question's type makes it obvious (a date for when, a number for how
many, a name for who/which), the one nearest the question's words in the sentence.
"""
from __future__ import annotations

import re
import numpy as np

from index.bm25 import tokenize
from index.store_api import Store

from ..answer import AnswerCandidate, Passage
from ..qtypes import expected_kind, typed_spans
from .evidence import lexical_overlap, passage_sentences


class RuleReader:
    """The model-free reader: best sentence by dense and lexical similarity, typed short spans."""

    name = "rules"
    passages = 5  # cheap to read; more passages only add candidate sentences

    def read(self, question: str, query: str, passages: list[Passage], store: Store,
             qvec: np.ndarray) -> list[AnswerCandidate]:
        sents = passage_sentences(passages, store)
        if not sents:
            return []
        ids = list(sents)
        vecs = store.sentence_vectors(ids)
        cos = vecs @ qvec
        q_tokens = tokenize(query)
        q_words = set(tokenize(question)) | set(q_tokens)
        kind = expected_kind(question)
        out = []
        for j, sid in enumerate(ids):
            s = store.sentences[sid]
            s_tokens = tokenize(s.text)
            lex = lexical_overlap(q_tokens, set(s_tokens), store)
            score = 0.45 * float(cos[j]) + 0.35 * lex + 0.20 * sents[sid].score
            span = None
            if kind:
                span = self._best_span(kind, s.text, q_words)
                score += 0.08 if span else -0.12
            score = float(np.clip(score, 0.0, 1.0))
            start, end = (s.start + span[0], s.start + span[1]) if span else (None, None)
            out.append(AnswerCandidate(s.article_id, start, end, sid, s.start, s.end, score))
        out.sort(key=lambda c: (-c.score, c.sentence_id))
        return out

    @staticmethod
    def _best_span(kind: str, sentence: str, q_words: set[str]) -> tuple[int, int] | None:
        """The typed span that says something new (not all question words), nearest the question's words."""
        spans = []
        for s, e in typed_spans(kind, sentence):
            words = set(tokenize(sentence[s:e]))
            if words and not words <= q_words:
                spans.append((s, e))
        if not spans:
            return None
        anchors = [i for i, tok in _token_positions(sentence) if tok in q_words]
        if not anchors:
            return spans[0]

        def distance(span: tuple[int, int]) -> float:
            return min(min(abs(a - span[0]), abs(a - span[1])) for a in anchors)

        return min(spans, key=lambda sp: (distance(sp), sp[0]))


def _token_positions(text: str) -> list[tuple[int, str]]:
    return [(m.start(), t) for m in re.finditer(r"\w+", text) for t in tokenize(m.group(0))]
