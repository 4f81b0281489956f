"""Sweep retrieval settings on an open corpus built from SQuAD *train* articles (never the benchmark).

    python -m eval.experiments.tune_retrieval [--articles 6]
Prints paragraph hit@1 / hit@5 for each fusion, dense weight and sentence weight; the defaults in
assistant/settings.py were chosen from this table (eval/RESULTS.md keeps it).
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np

from assistant.pipeline import Assistant
from assistant.readers import RuleReader
from assistant.retrieval import article_ranking
from assistant.settings import AskSettings
from index.build import build_index
from index.embedding import load_embedder
from assistant.collection import Config
from eval.runner import open_collection
from index.settings import BuildSettings

from ..datasets import write_paragraph_corpus
from ..metrics import hit_at
from training.splits import SQUAD_TRAIN, load_articles, split


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(SQUAD_TRAIN))
    ap.add_argument("--articles", type=int, default=6)
    ap.add_argument("--questions", type=int, default=600)
    args = ap.parse_args()
    rng = random.Random(3)
    arts = split(load_articles(Path(args.data)), "train")  # never the validation or test articles
    chosen = rng.sample(arts, args.articles)
    folder = Path(".newsdesk/cache/tune-retrieval")
    n_docs, questions = write_paragraph_corpus(chosen, folder)
    qs = [(q, doc) for q, _, doc in questions]
    build = BuildSettings()
    embedder = load_embedder(build.model)
    build_index([folder / "articles"], folder / "index", build, embedder)
    index = open_collection(folder / "index", Config(build=build), embedder, RuleReader()).store
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
        settings = AskSettings().with_(fusion=fusion, dense_weight=w, sentence_weight=sw, abstain=False)
        assistant = Assistant(index, settings, reader=RuleReader())  # the pipeline users get; cheap reader
        h1, h5 = [], []
        for q, doc in qs:
            ranked = article_ranking(assistant.trace(q).retrieval, chunk_article, "fused")
            h1.append(hit_at(ranked, {doc}, 1))
            h5.append(hit_at(ranked, {doc}, 5))
        print(f"| {fusion} | {w} | {sw} | {np.mean(h1):.3f} | {np.mean(h5):.3f} |", flush=True)


if __name__ == "__main__":
    main()
