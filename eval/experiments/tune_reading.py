"""How many passages should the reader read? Measured on SQuAD train's validation articles
(training/splits.py) as an open corpus, through Assistant.trace, never abstaining; never on the benchmark.

    python -m eval.experiments.tune_reading [--articles 8] [--questions 300] [--reader-path DIR]
"""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np

from assistant.settings import AskSettings, ReaderKind, ReaderSettings
from index.build import build_index
from index.embedding import load_embedder
from assistant.collection import Config
from eval.runner import open_collection
from index.settings import BuildSettings

from .. import metrics as M
from ..datasets import write_paragraph_corpus
from training.splits import SQUAD_TRAIN, load_articles, split


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(SQUAD_TRAIN))
    ap.add_argument("--articles", type=int, default=8)
    ap.add_argument("--questions", type=int, default=300)
    ap.add_argument("--reader-path", help="a trained reader folder (default: the shipped one)")
    ap.add_argument("--int8", action="store_true")
    ap.add_argument("--passages", default="1,2,3,5")
    args = ap.parse_args()
    rng = random.Random(5)
    chosen = rng.sample(split(load_articles(Path(args.data)), "validation"), args.articles)
    folder = Path(".newsdesk/cache/tune-reading")
    n_docs, qs = write_paragraph_corpus(chosen, folder)
    build = BuildSettings()
    embedder = load_embedder(build.model)
    build_index([folder / "articles"], folder / "index", build, embedder)
    reader = ReaderSettings(kind=ReaderKind.TRAINED, path=args.reader_path, int8=args.int8)
    assistant = open_collection(folder / "index", Config(ask=AskSettings(abstain=False), reader=reader), embedder).assistant
    qs = rng.sample(qs, min(args.questions, len(qs)))
    print(f"{n_docs} paragraphs from {args.articles} validation articles, {len(qs)} questions, "
          f"reader {assistant.reader.name}")
    print("| passages read | EM | F1 | quote hit | answer ms p50 |")
    print("|---|---|---|---|---|")
    for n in (int(x) for x in args.passages.split(",")):
        settings = assistant.settings.with_(read_passages=n)
        em, f1, hit, ms = [], [], [], []
        for q, golds, _ in qs:
            t0 = time.perf_counter()
            a = assistant.ask(q, settings=settings)
            ms.append(1000 * (time.perf_counter() - t0))
            em.append(M.exact_match(a.answer, golds))
            f1.append(M.f1(a.answer, golds))
            hit.append(M.quote_hit(a.quote, golds))
        print(f"| {n} | {100 * np.mean(em):.1f} | {100 * np.mean(f1):.1f} | {np.mean(hit):.3f} | "
              f"{np.median(ms):.0f} |", flush=True)


if __name__ == "__main__":
    main()
