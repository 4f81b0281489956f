"""Scale benchmark: build, latency, memory and recall at 1k to 100k chunks.

Each size runs in its own process (so peak RSS is that size's), over a corpus assembled from the
sentences of the seeds and the benchmark file: articles of random sentences, unique ids, shuffled.
Reported per size:
  build: chunks/s, and the ratio of build throughput (texts embedded per second of the whole build)
         to the raw encode throughput of the same model on a sample of the same texts;
  latency p50/p95 after load: BM25 alone, dense alone, fused retrieval, the full answer;
  HNSW recall@10 against exact search (1.0 for the exact flat index), tie-aware: a returned chunk
         counts when it is at least as similar as the 10th exact neighbour (the corpus reuses
         sentences, so a quarter of the chunks at 100k have an identical twin, and which twin a
         search returns is arbitrary); the plain id overlap is reported beside it;
  peak RSS, index size on disk, load time; and the time to add n/100 new articles (incremental
  growth), with its throughput against the full build's (1.0: growth costs only the new articles).
"""
from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from assistant.settings import AskSettings, ReaderSettings
from index.settings import BuildSettings

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BENCHMARK = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "squad-v1.1-dev-super-bowl-50.json"


def sentence_pool() -> list[str]:
    from index.build import prepare
    from index.loading import RawDocument, load_folder

    docs = load_folder([SEEDS]).documents
    if BENCHMARK.is_file():
        data = json.loads(BENCHMARK.read_text())["data"]
        docs += [RawDocument(f"sb-{i}", p["context"], "") for a in data for i, p in enumerate(a["paragraphs"])]
    return [s.text for d in docs for s in prepare(d, BuildSettings())[1] if len(s.text) > 30]


def make_corpus(n_chunks: int, folder: Path, seed: int = 0, prefix: str = "bench", n_articles: int | None = None) -> int:
    """Write articles of random pool sentences until they hold about n_chunks chunks (or, given
    n_articles, that many articles); returns the number of articles."""
    from index.model import Sentence
    from index.splitting import make_chunks

    rng = random.Random(seed)
    pool = sentence_pool()
    folder.mkdir(parents=True, exist_ok=True)
    chunks = articles = 0
    settings = BuildSettings()
    lines: list[str] = []
    while (articles < n_articles) if n_articles else (chunks < n_chunks):
        sents = rng.sample(pool, rng.randint(6, 14))
        text = "\n\n".join(sents)
        pos, spans = 0, []
        for s in sents:
            spans.append(Sentence("x", pos, pos + len(s), s))
            pos += len(s) + 2
        chunks += len(make_chunks("x", text, spans, 0, (), settings.chunk_chars, settings.chunk_overlap))
        articles += 1
        lines.append(json.dumps({"id": f"{prefix}-{seed}-{articles:07d}", "title": f"Bench article {articles}",
                                 "text": text}) + "\n")
    for part in range(0, len(lines), 2000):  # files well under the loader's size limit
        (folder / f"{prefix}-{part // 2000:03d}.jsonl").write_text("".join(lines[part:part + 2000]))
    return articles


def _pct(xs: list[float], p: float) -> float:
    return float(np.percentile(xs, p)) * 1000 if xs else 0.0


def run_one(n_chunks: int, out: Path, n_questions: int = 200) -> dict:
    """Benchmark one size in this process."""
    from index.build import build_index
    from index.embedding import load_embedder
    from index.newsindex import NewsIndex

    settings = BuildSettings()
    folder = out / f"size-{n_chunks}"
    n_articles = make_corpus(n_chunks, folder / "corpus")
    embedder = load_embedder(settings.model)
    t0 = time.perf_counter()
    report = build_index([folder / "corpus"], folder / "index", settings, embedder)
    build_s = time.perf_counter() - t0
    index = NewsIndex(folder / "index", embedder)
    sample = [c.text for c in index.chunks[:1000]] + [s.text for s in index.sentences[:2000]]
    t0 = time.perf_counter()
    embedder.encode(sample)
    raw_tps = len(sample) / (time.perf_counter() - t0)
    build_tps = report.embedded / build_s
    del index
    t0 = time.perf_counter()
    index = NewsIndex(folder / "index", embedder)
    load_s = time.perf_counter() - t0

    lat, recall = measure(index, AskSettings(), ReaderSettings(), n_questions)
    faiss_kind = index.manifest["faiss"]["chunks"]
    del index

    # growth: n_chunks / 100 new articles (1,000 at 100k chunks), appended to the built index
    grow = make_corpus(0, folder / "corpus", seed=99, prefix="growth", n_articles=max(10, n_chunks // 100))
    t0 = time.perf_counter()
    grown = build_index([folder / "corpus"], folder / "index", settings, embedder)
    grow_s = time.perf_counter() - t0
    size = sum(f.stat().st_size for f in (folder / "index").rglob("*") if f.is_file())
    return {
        "chunks": report.chunks, "articles": n_articles, "sentences": report.sentences,
        "faiss": faiss_kind, "build_s": round(build_s, 1),
        "chunks_per_s": round(report.chunks / build_s, 1), "build_texts_per_s": round(build_tps, 1),
        "raw_encode_texts_per_s": round(raw_tps, 1), "build_vs_raw": round(build_tps / raw_tps, 3),
        **{k: v for k, v in lat.items() if k.endswith("_ms")},
        "recall@10": recall, "recall@10_ids": lat["recall@10_ids"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "index_mb": round(size / 2**20, 1), "load_s": round(load_s, 2),
        "grow_articles": grow, "grow_embedded": grown.embedded, "grow_s": round(grow_s, 1),
        "grow_vs_build": round(grown.embedded / grow_s / build_tps, 3),
        "reader": lat.pop("reader"), "questions": lat.pop("questions"),
    }


def bench_questions(n: int) -> list[str]:
    from eval.datasets import load_dataset

    questions = [q.question for q in load_dataset("seeds").questions]
    if BENCHMARK.is_file():
        questions += [q.question for q in load_dataset(BENCHMARK).questions]
    return random.Random(1).sample(questions, min(n, len(questions)))


def exact_top(index, qvecs: np.ndarray, k: int, block: int = 20000) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-k (scores, ids) for each query, a block of stored vectors at a time, so the check
    does not hold a second full copy of the index (which would count in the peak RSS)."""
    best_s = np.zeros((len(qvecs), 0), np.float32)
    best_i = np.zeros((len(qvecs), 0), np.int64)
    for start in range(0, index.ntotal, block):
        n = min(block, index.ntotal - start)
        s = np.concatenate([best_s, qvecs @ index.reconstruct_n(start, n).T], 1)
        i = np.concatenate([best_i, np.broadcast_to(np.arange(start, start + n), (len(qvecs), n))], 1)
        top = np.argsort(-s, axis=1, kind="stable")[:, :k]
        best_s, best_i = np.take_along_axis(s, top, 1), np.take_along_axis(i, top, 1)
    return best_s, best_i


def measure(index, settings: AskSettings, reader: ReaderSettings, n_questions: int = 200) -> tuple[dict, float]:
    """Latency p50/p95 (ms) after load for BM25, dense, fused and the full answer; HNSW recall@10."""
    from assistant.pipeline import Assistant
    from index.bm25 import tokenize

    questions = bench_questions(n_questions)
    assistant = Assistant(index, settings, reader_settings=reader)
    retriever = assistant.retriever
    lat: dict[str, list[float]] = {"bm25": [], "dense": [], "fused": [], "answer": []}
    recall, id_overlap = [], []
    truth = None
    if index.manifest["faiss"]["chunks"] != "flat":
        truth = exact_top(index.chunk_index, np.stack([index.embed_query(q) for q in questions]), 10)
    for j, q in enumerate(questions):
        t0 = time.perf_counter()
        index.bm25_search(tokenize(q), 10)
        lat["bm25"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        qv = index.embed_query(q)
        ids, scores = index.dense_search(qv, 10)
        lat["dense"].append(time.perf_counter() - t0)
        if truth is not None:
            ex_scores, ex = truth[0][j], truth[1][j]
            recall.append(float(np.mean(scores >= ex_scores[-1] - 1e-6)) if len(ex_scores) else 1.0)
            id_overlap.append(len(set(ids.tolist()) & set(ex.tolist())) / 10)
        t0 = time.perf_counter()
        retriever.retrieve(q, k=5)
        lat["fused"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        assistant.ask(q)
        lat["answer"].append(time.perf_counter() - t0)
    out = {f"{k}_p{p}_ms": round(_pct(v, p), 2) for k, v in lat.items() for p in (50, 95)}
    out["reader"], out["questions"] = assistant.reader.name, len(questions)
    out["recall@10_ids"] = round(float(np.mean(id_overlap)), 4) if id_overlap else 1.0
    return out, round(float(np.mean(recall)), 4) if recall else 1.0


def run(sizes: list[int], out: Path, n_questions: int = 200) -> list[dict]:
    """Each size in a fresh process; results also land in out/bench.json."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sizes:
        proc = subprocess.run([sys.executable, "-m", "eval.bench", str(n), str(out), str(n_questions)], capture_output=True, text=True,
                              env={**os.environ, "HF_HUB_OFFLINE": "1"})
        if proc.returncode != 0:
            raise RuntimeError(f"bench at {n} chunks failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}")
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        (out / "bench.json").write_text(json.dumps(rows, indent=2))
    return rows


def table(rows: list[dict]) -> str:
    cols = ["chunks", "faiss", "chunks_per_s", "build_vs_raw", "bm25_p50_ms", "dense_p50_ms", "fused_p50_ms",
            "fused_p95_ms", "answer_p50_ms", "answer_p95_ms", "recall@10", "recall@10_ids", "peak_rss_mb", "index_mb", "load_s",
            "grow_articles", "grow_s", "grow_vs_build"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(run_one(int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 200)))
