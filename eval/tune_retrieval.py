"""Sweep retrieval settings on an open corpus built from SQuAD *train* articles (never the benchmark).

    python -m eval.tune_retrieval [--articles 6]
Prints paragraph hit@1 / hit@5 for each fusion, dense weight and sentence weight; the defaults in
index/settings.py were chosen from this table (eval/RESULTS.md keeps it).
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np

from assistant.retrieval import Retriever, article_ranking
from index.build import build_index
from index.embedding import load_embedder
from index.newsindex import NewsIndex
from index.settings import Settings

from .datasets import write_paragraph_corpus
from .metrics import hit_at


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/datasets/squad-train/train-v1.1.reconstructed.json")
    ap.add_argument("--articles", type=int, default=6)
    ap.add_argument("--questions", type=int, default=600)
    args = ap.parse_args()
    rng = random.Random(3)
    arts = json.loads(Path(args.data).read_text())["data"][:-20]  # never the reader's validation articles
    chosen = rng.sample(arts, args.articles)
    folder = Path(".newsdesk/cache/tune-retrieval")
    n_docs, questions = write_paragraph_corpus(chosen, folder)
    qs = [(q, doc) for q, _, doc in questions]
    settings = Settings()
    embedder = load_embedder(settings.model)
    build_index([folder / "articles"], folder / "index", settings, embedder)
    index = NewsIndex(folder / "index", settings, embedder)
    qs = rng.sample(qs, min(args.questions, len(qs)))
    cache = {q: embedder.encode([q])[0] for q, _ in qs}
    index.embed_query = lambda text: cache[text]
    chunk_article = [c.article_id for c in index.chunks]
    print(f"{n_docs} paragraphs from {args.articles} train articles, {len(qs)} questions")
    print("| fusion | dense w | sentence w | hit@1 | hit@5 |")
    print("|---|---|---|---|---|")
    configs = [("rrf", 0.5, sw) for sw in (0.0, 0.5)]
    configs += [("minmax", w, sw) for w in (0.3, 0.4, 0.5, 0.6, 0.7) for sw in (0.0, 0.3, 0.5, 0.7)]
    for fusion, w, sw in configs:
        r = Retriever(index, settings.with_(fusion=fusion, dense_weight=w, sentence_weight=sw))
        h1, h5 = [], []
        for q, doc in qs:
            ranked = article_ranking(r.retrieve(q, k=10), chunk_article, "fused")
            h1.append(hit_at(ranked, {doc}, 1))
            h5.append(hit_at(ranked, {doc}, 5))
        print(f"| {fusion} | {w} | {sw} | {np.mean(h1):.3f} | {np.mean(h5):.3f} |", flush=True)


if __name__ == "__main__":
    main()
