"""Scale benchmark: build, latency, memory and recall at 1k to 100k chunks.

Each size runs in its own process (builds and serving in theirs, so each peak RSS is its own), over a
corpus of distinct SQuAD train paragraphs, one article each (eval/speed.py). The index is built and
served with ONNX Runtime int8; every ratio to the PyTorch path is measured in the same run, interleaved.
Reported per size:
  build: chunks/s; build throughput (texts embedded per second of the whole build) against the raw
         encode of the same runtime (build_vs_raw) and of PyTorch (build_vs_raw_torch), both timed
         inside the build, block by block;
  latency p50/p95 after load: BM25 alone, dense alone, fused retrieval, the full answer; and torch
         against onnx-int8: query_embed_speedup, reader_speedup, reader_f1_delta, answer_vs_torch;
  recall@10 by chunk id against exact search (1.0 for the exact flat index; the tie-aware value beside it);
  serving peak RSS (load + the questions) apart from the build's, index size on disk, load time; and the
  time to add n/100 new articles (incremental growth), with its throughput against the full build's.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from assistant.collection import Config
from assistant.settings import AskSettings, ReaderSettings
from index.environment import OFFLINE_ENV
from index.settings import BuildSettings

from .datasets import bench_questions


def _pct(xs: list[float], p: float) -> float:
    return float(np.percentile(xs, p)) * 1000 if xs else 0.0


def run_one(n_chunks: int, out: Path, n_questions: int = 200, n_gold: int | None = None) -> dict:
    """Benchmark one size in this process (builds and serving in their own, for their peak RSS).
    The index is built and served with ONNX Runtime int8 (eval/speed.py); every ratio to the PyTorch
    path is measured interleaved in this run."""
    from eval import speed
    from eval.runner import open_collection
    from index.embedding import load_embedder

    settings = BuildSettings(runtime=speed.FAST)
    folder = out / f"size-{n_chunks}"
    n_articles = speed.squad_corpus(n_chunks, folder / "corpus")
    fast_embedder = load_embedder(settings.model, settings.embed_batch, speed.FAST)
    # the raw torch and onnx encodes are timed inside the build, block by block (speed.Interleaved), torch on
    # every 4th text, fewer at large sizes (a few thousand texts give the rate; a quarter of 100k chunks'
    # texts would add an hour)
    built = speed.build_in_process(folder / "corpus", folder / "index", speed.FAST, torch_every=max(4, n_chunks // 500))
    fast_tps, raw_torch = built["raw_encode_texts_per_s"], built["raw_torch_encode_texts_per_s"]
    build_s, build_tps = built["build_s"], built["embedded"] / built["build_s"]
    t0 = time.perf_counter()
    index = open_collection(folder / "index", Config(build=settings), fast_embedder).store
    load_s = time.perf_counter() - t0

    lat, recall = measure(index, AskSettings(), ReaderSettings(runtime=speed.FAST), n_questions)
    faiss_kind = index.manifest["faiss"]["chunks"]
    del index
    compared = speed.compare(folder / "index", bench_questions(n_questions), n_gold)
    served = {rt: speed.serve_in_process(folder / "index", rt, n_questions) for rt in (speed.FAST, "torch")}

    # growth: n_chunks / 100 new articles (1,000 at 100k chunks), appended to the built index
    grow = speed.squad_corpus(0, folder / "corpus", prefix="growth", n_articles=max(10, n_chunks // 100), growth=True)
    grown = speed.build_in_process(folder / "corpus", folder / "index", speed.FAST)
    size = sum(f.stat().st_size for f in (folder / "index").rglob("*") if f.is_file())
    return {
        "chunks": built["chunks"], "articles": n_articles, "sentences": built["sentences"], "runtime": speed.FAST,
        "faiss": faiss_kind, "build_s": round(build_s, 1),
        "chunks_per_s": round(built["chunks"] / build_s, 1), "build_texts_per_s": round(build_tps, 1),
        "raw_encode_texts_per_s": round(fast_tps, 1), "build_vs_raw": round(build_tps / fast_tps, 3),
        "raw_torch_encode_texts_per_s": round(raw_torch, 1), "build_vs_raw_torch": round(build_tps / raw_torch, 3),
        **{k: v for k, v in lat.items() if k.endswith("_ms")},
        **compared,
        "recall@10": lat["recall@10_ids"], "recall@10_tie_aware": recall,
        "serve_peak_rss_mb": served[speed.FAST]["serve_peak_rss_mb"],
        "serve_torch_imported": served[speed.FAST]["torch_imported"],
        "serve_peak_rss_torch_path_mb": served["torch"]["serve_peak_rss_mb"],
        "build_peak_rss_mb": built["build_peak_rss_mb"],
        "peak_rss_mb": speed._rss_mb(),
        "index_mb": round(size / 2**20, 1), "load_s": round(load_s, 2),
        "grow_articles": grow, "grow_embedded": grown["embedded"], "grow_s": round(grown["build_s"], 1),
        "grow_vs_build": round(grown["embedded"] / grown["build_s"] / build_tps, 3),
        "reader": lat.pop("reader"), "questions": lat.pop("questions"),
    }


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


def run(sizes: list[int], out: Path, n_questions: int = 200, n_gold: int | None = None) -> list[dict]:
    """Each size in a fresh process; results also land in out/bench.json. n_gold: how many Super Bowl gold
    paragraphs the reader comparison reads (all 810 unless given)."""
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sizes:
        proc = subprocess.run([sys.executable, "-m", "eval.bench", str(n), str(out), str(n_questions), str(n_gold or 0)], capture_output=True, text=True,
                              # one thread a model call for both runtimes: on a shared, loaded machine
                              # two spinning threads a call thrash (torch's OpenMP most of all)
                              env={"NEWSDESK_THREADS": "1", **os.environ, **OFFLINE_ENV})
        if proc.returncode != 0:
            raise RuntimeError(f"bench at {n} chunks failed: {proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else proc.returncode}")
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        (out / "bench.json").write_text(json.dumps(rows, indent=2))
    return rows


def table(rows: list[dict]) -> str:
    cols = ["chunks", "faiss", "runtime", "chunks_per_s", "build_vs_raw", "build_vs_raw_torch", "query_embed_speedup",
            "reader_speedup", "reader_f1_delta", "answer_vs_torch", "query_embed_p50_ms", "bm25_p50_ms", "dense_p50_ms", "fused_p50_ms",
            "fused_p95_ms", "answer_p50_ms", "answer_p95_ms", "recall@10", "serve_peak_rss_mb", "build_peak_rss_mb", "index_mb", "load_s",
            "grow_articles", "grow_s", "grow_vs_build"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(str(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(run_one(int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 200,
                             int(sys.argv[4]) if len(sys.argv) > 4 else None)))
