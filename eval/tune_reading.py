"""Choose how many passages the reader reads, and whether it stops early, on SQuAD *train*'s
validation articles (the last 20, never trained on), as an open corpus; never on the benchmark.

    python -m eval.tune_reading [--articles 8] [--questions 300] [--int8]

Every question is read once per top-5 passage; the strategies are then replayed from those readings:
  * "top k": read the k best passages (one batch);
  * "stop at t": read the best passage, and the next four only when its best span scores below t.
Prints EM / F1 / quote hit of the answer (never abstaining), the mean passages read and the
reader's time per question, so the latency-quality trade-off is chosen by measurement
(eval/RESULTS.md keeps the table; SpanReader.passages comes from it).
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from assistant.answer import AnswerCandidate
from assistant.reader import load_reader
from assistant.retrieval import Retriever
from index.build import build_index
from index.embedding import load_embedder
from index.newsindex import NewsIndex
from index.settings import Settings

from . import metrics as M
from .datasets import write_paragraph_corpus


def best_of(readings: list[list[AnswerCandidate]]) -> AnswerCandidate | None:
    pool = [c for r in readings for c in r]
    return min(pool, key=lambda c: (-c.score, c.sentence_id)) if pool else None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/datasets/squad-train/train-v1.1.reconstructed.json")
    ap.add_argument("--articles", type=int, default=8)
    ap.add_argument("--questions", type=int, default=300)
    ap.add_argument("--int8", action="store_true")
    args = ap.parse_args()
    rng = random.Random(5)
    arts = json.loads(Path(args.data).read_text())["data"][-20:]  # the reader's validation articles
    chosen = rng.sample(arts, args.articles)
    folder = Path(".newsdesk/cache/tune-reading")
    n_docs, qs = write_paragraph_corpus(chosen, folder)
    settings = Settings()
    embedder = load_embedder(settings.model)
    build_index([folder / "articles"], folder / "index", settings, embedder)
    index = NewsIndex(folder / "index", settings, embedder)
    retriever = Retriever(index, settings)
    reader = load_reader("trained", args.int8)
    qs = rng.sample(qs, min(args.questions, len(qs)))
    rows = []
    for q, golds, _ in qs:
        passages = retriever.retrieve(q, k=5).passages
        per, secs = [], []
        for p in passages:
            t0 = time.perf_counter()
            per.append(reader.read(q, q, [p], index, None))
            secs.append(time.perf_counter() - t0)
        rows.append((golds, per, secs))
    print(f"{n_docs} paragraphs from {args.articles} validation articles, {len(qs)} questions, reader {reader.name}")
    print("| strategy | EM | F1 | quote hit | passages read | reader ms/question |")
    print("|---|---|---|---|---|---|")
    strategies = [(f"top {k}", k, None) for k in (1, 2, 3, 5)] + [(f"stop at {t}", 5, t) for t in (0.2, 0.3, 0.4, 0.5, 0.6)]
    for name, k, stop in strategies:
        em, f1, hit, read, ms = [], [], [], [], []
        for golds, per, secs in rows:
            n = min(k, len(per))
            if stop is not None and per and (b := best_of(per[:1])) is not None and b.score >= stop:
                n = 1
            best = best_of(per[:n])
            art = index.articles[best.article_id].text if best else ""
            pred = art[best.start:best.end] if best else ""
            quote = art[best.sentence_start:best.sentence_end] if best else ""
            em.append(M.exact_match(pred, golds))
            f1.append(M.f1(pred, golds))
            hit.append(M.quote_hit(quote, golds))
            read.append(n)
            ms.append(sum(secs[:n]) * 1000)
        print(f"| {name} | {100 * np.mean(em):.1f} | {100 * np.mean(f1):.1f} | {np.mean(hit):.3f} | "
              f"{np.mean(read):.2f} | {np.median(ms):.0f} |", flush=True)


if __name__ == "__main__":
    main()
