"""The trained span reader: MiniLM with a start/end head (training/reader.py), shipped in models/reader.

The top passages are read in one batch. In each window, p(start = i) and p(end = j) come from a
softmax over the window's tokens, [CLS] included; the best few non-overlapping spans of each window are
candidates. Across passages they are ranked by the fitted cross-passage ranker (readers/ranking.py);
without one, by p(span) * sqrt(fused retrieval score) * (0.5 + lex(q, sentence)) / 1.5, the earlier
single-passage rule. A span is kept inside one sentence, so the quote that carries it is always a
whole sentence of the article.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from index.bm25 import tokenize
from index.model import Article
from index.settings import DEFAULT_RUNTIME
from index.store_api import Store

from ..answer import AnswerCandidate, Passage
from ..calibration import Logistic
from ..qtypes import expected_kind, typed_spans
from .evidence import lexical_overlap

log = logging.getLogger(__name__)
MAX_LEN = 256
STRIDE = 96
MAX_ANSWER_TOKENS = 30
MIN_CONTEXT_TOKENS = STRIDE + 32  # the tokenizer panics unless a window's context is longer than STRIDE
TOP = 20
SPANS_PER_WINDOW = 3  # candidates per window for the cross-passage ranker (readers/ranking.py)


def available(folder: Path) -> bool:
    return (folder / "model.safetensors").is_file() and (folder / "config.json").is_file()


class SpanReader:
    """Reads passages with the trained model, run by PyTorch or ONNX Runtime (index/runtime.py)."""

    name = "trained"
    # Passages read, in one batch: chosen by eval/experiments/tune_reading.py on SQuAD train's validation
    # articles with the cross-passage ranker (eval/RESULTS.md). Without a ranker, more passages lost
    # quote hit (per-window scores do not compare across passages).
    passages = 3

    def __init__(self, model, tokenizer, name: str = "trained", ranker: Logistic | None = None):
        self.model = model  # index.runtime.QaModel: start/end logits from torch or ONNX Runtime
        self.tokenizer = tokenizer
        self.name = name
        self.ranker = ranker

    @classmethod
    def load(cls, folder: Path, quantize: bool = False, runtime: str = DEFAULT_RUNTIME,
             ranker: Logistic | None = None) -> SpanReader:
        from index.runtime import QaModel, QaTokenizer, Runtime, available

        model = QaModel(folder, available(runtime))
        if model.runtime.is_onnx:  # transformers' AutoTokenizer imports torch: 0.3+ GB a server need not hold
            tokenizer = QaTokenizer(folder)
        else:
            from transformers import AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()
            tokenizer = AutoTokenizer.from_pretrained(str(folder))
        # the same weights on every runtime: the name (which keys the calibration) stays "trained";
        # model.runtime says what runs it
        name = "trained"
        if quantize and model.runtime is Runtime.TORCH:
            model.quantize_torch()
            name = "trained-int8"
        return cls(model, tokenizer, name, ranker)

    def fit_question(self, question: str) -> str:
        """The question cut to the tokens a window can hold beside MIN_CONTEXT_TOKENS of context."""
        room = MAX_LEN - self.tokenizer.num_special_tokens_to_add(pair=True) - MIN_CONTEXT_TOKENS
        if hasattr(self.tokenizer, "offsets"):  # index.runtime.QaTokenizer (ONNX runtimes)
            spans = self.tokenizer.offsets(question)
        else:
            spans = self.tokenizer(question, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        return question if len(spans) <= room else question[: spans[room - 1][1]]

    def score_windows(self, question: str, contexts: list[str], per_window: int = SPANS_PER_WINDOW
                      ) -> list[tuple[int, int, float, float, float, int]]:
        """The best spans of each window: (char start, char end, log p(span) in its window, log p(no answer)
        in its window, raw logit margin of the span over no-answer, context index), best first per window."""
        from index.runtime import log_softmax

        if not contexts:
            return []
        question = self.fit_question(question)
        enc = self.tokenizer([question] * len(contexts), contexts, truncation="only_second", max_length=MAX_LEN,
                             stride=STRIDE, return_overflowing_tokens=True, return_offsets_mapping=True,
                             padding=True, return_tensors="np")
        offsets = enc.pop("offset_mapping")
        owner = enc.pop("overflow_to_sample_mapping")
        raw_s, raw_e = self.model.logits(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
        start, end = log_softmax(raw_s), log_softmax(raw_e)
        results = []
        for w in range(len(owner)):
            seq = np.array([s if s is not None else -1 for s in enc.sequence_ids(w)])
            ctx = np.flatnonzero(seq == 1)
            null = float(start[w, 0] + end[w, 0])
            null_raw = float(raw_s[w, 0] + raw_e[w, 0])
            s_top = ctx[np.argsort(-start[w, ctx])[:TOP]]
            e_top = ctx[np.argsort(-end[w, ctx])[:TOP]]
            pairs = sorted(((float(start[w, i] + end[w, j]), int(i), int(j)) for i in s_top for j in e_top
                            if i <= j < i + MAX_ANSWER_TOKENS), reverse=True)
            taken: list[tuple[int, int]] = []
            for logp, i, j in pairs:
                if len(taken) == per_window:
                    break
                if any(i <= b and a <= j for a, b in taken):  # overlapping spans are one reading
                    continue
                taken.append((i, j))
                gap = float(raw_s[w, i] + raw_e[w, j]) - null_raw
                results.append((int(offsets[w, i, 0]), int(offsets[w, j, 1]), logp, null, gap, int(owner[w])))
        return results

    def read(self, question: str, query: str, passages: list[Passage], store: Store,
             qvec: np.ndarray) -> list[AnswerCandidate]:
        # each passage is read under its article's headline, unless it starts with it: a report names its
        # subject in the headline and lead and seldom again, and a window without the asked name reads as
        # "not stated" to a reader trained on near misses (newsq dev quote hit 28.6 -> 35.7, eval/RESULTS.md)
        heads = [headline(store.articles[p.article_id], p.text) for p in passages]
        found = []
        for cs, ce, logp, null, gap, k in self.score_windows(query, [h + p.text for h, p in zip(heads, passages)]):
            shift = len(heads[k])
            if cs >= shift:  # a span in the headline itself is no answer here
                found.append((cs - shift, ce - shift, logp, null, gap, k))
        q_tokens = tokenize(query)
        kind = expected_kind(question)
        sent_cos: dict[int, float] = {}
        out = []
        for cs, ce, logp, null_logp, gap, k in found:
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
            if a_end <= a_start:
                continue
            if sid not in sent_cos:
                sent_cos[sid] = float(store.sentence_vectors([sid])[0] @ qvec) if qvec is not None else 0.0
            feats = {
                "span_logp": max(logp, -20.0) / 10, "null_gap": float(np.clip(gap, -20, 20)) / 10,
                "retrieval": p.score, "inv_rank": 1.0 / p.rank,
                "lex": lexical_overlap(q_tokens, set(tokenize(sent.text)), store),
                "dense": sent_cos[sid],
                **type_features(kind, sent.text, a_start - sent.start, a_end - sent.start),
            }
            if self.ranker is not None:
                score = self.ranker(feats)
            else:  # unfitted: the per-window probability, weighted by retrieval and the question's terms
                score = float(np.exp(logp)) * float(np.sqrt(max(p.score, 1e-6))) * (0.5 + feats["lex"]) / 1.5
            out.append(AnswerCandidate(p.article_id, a_start, a_end, sid, sent.start, sent.end, score,
                                       float(np.exp(null_logp)), feats))
        best: dict[tuple, AnswerCandidate] = {}
        for c in out:  # the same span from overlapping chunks: keep the surer reading
            key = (c.article_id, c.start, c.end)
            if key not in best or c.score > best[key].score:
                best[key] = c
        return sorted(best.values(), key=lambda c: (-c.score, c.sentence_id))


def headline(article: Article, passage_text: str) -> str:
    """The article's headline and a line break, to read a passage under; "" when it has none or the passage
    already starts with it."""
    title = article.title.value.strip() if article.title and article.title.value else ""
    return f"{title}\n" if title and not passage_text.lstrip().startswith(title) else ""


TYPE_GROUPS = ("date", "number", "name")  # the kinds the ranker weighs apart ("place" counts as a name)


def type_features(kind: str | None, sentence: str, start: int, end: int) -> dict[str, float]:
    """Whether the span misses the type the question asks for: overall ("type_bad", for confidence) and
    per kind, so the ranker can weigh a wrong date or number (rarely right) apart from a span that is
    not a capitalised name (often right: "which" answers are common nouns as often as names)."""
    bad = float(bool(kind) and not _has_type(kind, sentence, start, end))
    group = "name" if kind == "place" else kind
    return {"type_bad": bad, **{f"type_bad_{g}": bad if g == group else 0.0 for g in TYPE_GROUPS}}


def _has_type(kind: str, sentence: str, start: int, end: int) -> bool:
    """The span overlaps a span of the expected kind in its sentence (a date for when, ...)."""
    return any(s < end and start < e for s, e in typed_spans(kind, sentence))
