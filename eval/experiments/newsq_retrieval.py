"""Finding the article and the answer's passage for news asked without the article in view (issue 28, part 3).

    python -m eval.experiments.newsq_retrieval [--split dev]

On eval/newsq's development part, in its collection (every news article here and 1,000 distractors),
each idea re-ranks the same fused candidates (assistant/retrieval.py) and is measured by:
  * article hit@1: the question's source article owns the first passage;
  * answer@3: a passage of the source article holding a gold answer is among the first three, the
    passages the reader reads (the reader cannot do better than this);
  * answer MRR: the reciprocal rank of the first such passage (0 past the candidates).
Ideas (article evidence is AskSettings.article_weight in assistant/retrieval.py, off by default: it lifted
answer@3 but not the answers, eval/RESULTS.md):
  * title: BM25 of the question against the article headlines alone (a field of its own, BM25F-like),
    min-max normalised and added with weight w to each candidate's fused score;
  * article evidence: the sum of an article's two best fused scores among the candidates (several
    chunks of one article agreeing), normalised and added with weight w;
  * PRF: RM3-style pseudo-relevance feedback, the five terms of highest tf*idf in the first three
    passages that the question lacks appended to the query, then retrieved again.
"""
from __future__ import annotations

import argparse
from collections import Counter

import numpy as np
from rank_bm25 import BM25Okapi

from assistant.collection import Config
from assistant.retrieval import Retrieval, article_agreement, minmax
from index.bm25 import tokenize
from index.embedding import load_embedder
from index.store_api import idf

from ..datasets import load_newsq, only_split
from ..runner import cached_index, open_collection


def _order(fused: np.ndarray, r: Retrieval) -> np.ndarray:
    return np.lexsort((r.chunk_ids, -r.bm25, -r.dense, -fused))


def measure(store, questions, ranked) -> dict[str, float]:
    """ranked(question) -> chunk ids in order; the three measures over the answerable questions."""
    hit1 = ans3 = mrr = 0.0
    asked = [q for q in questions if q.answerable]
    for q in asked:
        ids = ranked(q.question)
        src = set(q.sources)
        hit1 += store.chunks[int(ids[0])].article_id in src if len(ids) else 0.0
        for rank, c in enumerate(ids, 1):
            ch = store.chunks[int(c)]
            if ch.article_id in src and any(g in ch.text for g in q.answers):
                ans3 += rank <= 3
                mrr += 1.0 / rank
                break
    n = len(asked)
    return {"article_hit@1": round(hit1 / n, 3), "answer@3": round(ans3 / n, 3), "answer_mrr": round(mrr / n, 3)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="dev", choices=["dev"], help="the sealed test part is never tuned on")
    args = ap.parse_args(argv)
    dataset = only_split(load_newsq(), args.split)
    config = Config()
    embedder = load_embedder(config.build.model, config.build.embed_batch, config.build.runtime)
    assistant = open_collection(cached_index(dataset, config.build, embedder), config, embedder).assistant
    store, retriever = assistant.store, assistant.retriever
    ids = list(store.articles)
    titles = BM25Okapi([tokenize(store.articles[a].title.value if store.articles[a].title else "") or ["_"]
                        for a in ids])
    row_of = {a: i for i, a in enumerate(ids)}
    cache: dict[str, Retrieval] = {}

    def retrieve(text: str) -> Retrieval:
        if text not in cache:
            cache[text] = retriever.retrieve(text, k=1)
        return cache[text]

    def base(question: str) -> np.ndarray:
        r = retrieve(question)
        return r.chunk_ids[_order(r.fused, r)]

    def title_match(question: str, r: Retrieval) -> np.ndarray:
        """BM25 of the question against each candidate's article headline, min-max normalised."""
        scores = titles.get_scores(tokenize(question))
        return minmax(np.array([scores[row_of[store.chunks[int(c)].article_id]] for c in r.chunk_ids]))

    def with_title(w: float):
        def ranked(question: str) -> np.ndarray:
            r = retrieve(question)
            return r.chunk_ids[_order(r.fused + w * title_match(question, r), r)]
        return ranked

    def with_article(w: float):
        def ranked(question: str) -> np.ndarray:
            r = retrieve(question)
            return r.chunk_ids[_order(r.fused + w * article_agreement(store, r.chunk_ids, r.fused), r)]
        return ranked

    def prf(question: str) -> np.ndarray:
        r = retrieve(question)
        top = r.chunk_ids[_order(r.fused, r)][:3]
        own = set(tokenize(question))
        tf = Counter(t for c in top for t in tokenize(store.chunks[int(c)].text) if t not in own)
        extra = [t for t, _ in sorted(tf.items(), key=lambda kv: -kv[1] * idf(store, kv[0]))[:5]]
        r2 = retrieve(question + " " + " ".join(extra))
        return r2.chunk_ids[_order(r2.fused, r2)]

    rows = [("fused alone (before issue 28)", base)]
    rows += [(f"title w={w}", with_title(w)) for w in (0.1, 0.2, 0.4)]
    rows += [(f"article evidence w={w}", with_article(w)) for w in (0.1, 0.2, 0.4)]
    rows += [("PRF (5 terms from the first 3 passages)", prf)]

    def both(question: str) -> np.ndarray:  # the title's and the article's evidence together
        r = retrieve(question)
        lift = 0.2 * title_match(question, r) + 0.2 * article_agreement(store, r.chunk_ids, r.fused)
        return r.chunk_ids[_order(r.fused + lift, r)]

    rows += [("title w=0.2 and article evidence w=0.2", both)]
    print(f"newsq {args.split}: {sum(q.answerable for q in dataset.questions)} answerable questions, "
          f"{len(store.articles)} articles\n")
    print("| idea | article hit@1 | answer@3 | answer MRR |\n|---|---|---|---|")
    for name, ranked in rows:
        m = measure(store, dataset.questions, ranked)
        print(f"| {name} | {m['article_hit@1']:.3f} | {m['answer@3']:.3f} | {m['answer_mrr']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
