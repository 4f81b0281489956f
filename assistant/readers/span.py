"""The trained span reader: MiniLM with a start/end head (training/reader.py), shipped in models/reader.

For each of the top passages, p(start = i) and p(end = j) come from a softmax over the window's
tokens, [CLS] included; a span's score is p(start) * p(end) and the no-answer score is
p(start = CLS) * p(end = CLS). Across passages, spans rank by

    score = p(span) * sqrt(fused retrieval score of its passage) * (0.5 + lex(q, sentence)) / 1.5

(lex: the idf-weighted share of the question's terms in the span's sentence), which beat p(span)
alone on an open corpus of SQuAD train articles: F1 50.5 -> 54.0 with the retrieval factor, 57.0
with both; right paragraph 0.687 -> 0.737 -> 0.793 (eval/RESULTS.md). The best span is kept inside one sentence, so the
quote that carries it is always a whole sentence of the article.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from index.bm25 import tokenize
from index.store_api import Store

from ..answer import AnswerCandidate, Passage
from .evidence import lexical_overlap

log = logging.getLogger(__name__)
MAX_LEN = 256
STRIDE = 96
MAX_ANSWER_TOKENS = 30
MIN_CONTEXT_TOKENS = STRIDE + 32  # the tokenizer panics unless a window's context is longer than STRIDE
TOP = 20


def available(folder: Path) -> bool:
    return (folder / "model.safetensors").is_file() and (folder / "config.json").is_file()


class SpanReader:
    """Reads passages with the trained model; int8 dynamic quantization on CPU when asked."""

    name = "trained"
    # Passages read: on SQuAD train's validation articles as an open corpus (eval/tune_reading.py,
    # eval/RESULTS.md) the top passage alone gave F1 55.7 / quote hit 0.720 against 57.3 / 0.720 for
    # two and 55.8 / 0.663 for five, at a fifth of the five-passage cost (42 vs 203 ms).
    passages = 1

    def __init__(self, model, tokenizer, name: str = "trained"):
        self.model = model
        self.tokenizer = tokenizer
        self.name = name

    @classmethod
    def load(cls, folder: Path, quantize: bool = False) -> "SpanReader":
        import torch
        from transformers import AutoModelForQuestionAnswering, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        tokenizer = AutoTokenizer.from_pretrained(str(folder))
        model = AutoModelForQuestionAnswering.from_pretrained(str(folder), dtype=torch.float32).eval()
        if quantize:
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        return cls(model, tokenizer, "trained-int8" if quantize else "trained")

    def fit_question(self, question: str) -> str:
        """The question cut to the tokens a window can hold beside MIN_CONTEXT_TOKENS of context."""
        room = MAX_LEN - self.tokenizer.num_special_tokens_to_add(pair=True) - MIN_CONTEXT_TOKENS
        spans = self.tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        return question if len(spans) <= room else question[: spans[room - 1][1]]

    def score_windows(self, question: str, contexts: list[str]) -> list[tuple[int, int, float, float, int]]:
        """For each context: (char start, char end, span prob, no-answer prob, context index) of its best span."""
        import torch

        if not contexts:
            return []
        question = self.fit_question(question)
        enc = self.tokenizer([question] * len(contexts), contexts, truncation="only_second", max_length=MAX_LEN,
                             stride=STRIDE, return_overflowing_tokens=True, return_offsets_mapping=True,
                             padding=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping").numpy()
        owner = enc.pop("overflow_to_sample_mapping").numpy()
        with torch.inference_mode():
            out = self.model(**enc)
        start = torch.log_softmax(out.start_logits.float(), -1).numpy()
        end = torch.log_softmax(out.end_logits.float(), -1).numpy()
        results = []
        for w in range(len(owner)):
            seq = np.array([s if s is not None else -1 for s in enc.sequence_ids(w)])
            ctx = np.flatnonzero(seq == 1)
            null = float(start[w, 0] + end[w, 0])
            best = (-np.inf, 0, 0)
            s_top = ctx[np.argsort(-start[w, ctx])[:TOP]]
            e_top = ctx[np.argsort(-end[w, ctx])[:TOP]]
            for i in s_top:
                for j in e_top:
                    if i <= j < i + MAX_ANSWER_TOKENS and start[w, i] + end[w, j] > best[0]:
                        best = (float(start[w, i] + end[w, j]), int(i), int(j))
            if best[0] == -np.inf:
                continue
            cs, ce = int(offsets[w, best[1], 0]), int(offsets[w, best[2], 1])
            results.append((cs, ce, float(np.exp(best[0])), float(np.exp(null)), int(owner[w])))
        return results

    def read(self, question: str, query: str, passages: list[Passage], store: Store,
             qvec: np.ndarray) -> list[AnswerCandidate]:
        found = self.score_windows(query, [p.text for p in passages])
        q_tokens = tokenize(query)
        out = []
        for cs, ce, p_span, p_null, k in found:
            p = passages[k]
            a_start, a_end = p.start + cs, p.start + ce
            sid = next((i for i in store.chunks[p.chunk_id].sentences
                        if store.sentences[i].start <= a_start < store.sentences[i].end), None)
            if sid is None:
                continue
            sent = store.sentences[sid]
            a_end = min(a_end, sent.end)
            text = store.articles[p.article_id].text
            while a_end > a_start and text[a_end - 1] in " ,;:":
                a_end -= 1
            lex = lexical_overlap(q_tokens, set(tokenize(sent.text)), store)
            score = p_span * float(np.sqrt(max(p.score, 1e-6))) * (0.5 + lex) / 1.5
            out.append(AnswerCandidate(p.article_id, a_start, a_end, sid, sent.start, sent.end, score, p_null))
        best: dict[tuple, AnswerCandidate] = {}
        for c in out:  # the same span from overlapping chunks: keep the surer reading
            key = (c.article_id, c.start, c.end)
            if key not in best or c.score > best[key].score:
                best[key] = c
        return sorted(best.values(), key=lambda c: (-c.score, c.sentence_id))
