"""The FAISS + BM25 folder and the Milvus store side by side, each built in one process and on Ray.

    python -m eval.compare_stores                                   # the seed Q&A set, all four builds
    python -m eval.compare_stores --dataset ../shared/benchmarks/squad-v1.1-dev-super-bowl-50.json
    python -m eval.compare_stores --synthetic 1000 --engines local,ray   # speed at 1,000 chunks

Every (store, engine) runs in a fresh process, so its peak RSS is its own (Ray's workers are
separate processes and are not counted: about 0.6 GB each with the model loaded). Quality is the
runner's (eval/runner.py): fused hit@1 / hit@5 by article, EM and F1 of the answers; latency is
one full answer (retrieve, read, cite) after the store is opened. Prints a Markdown table; --json
writes the rows too.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from index.environment import OFFLINE_ENV

STORES, ENGINES = ("folder", "milvus"), ("local", "ray")
ROOT = Path(__file__).resolve().parent.parent


def _corpus(dataset: str, work: Path, synthetic: int) -> tuple[Path, object | None]:
    """(articles folder, dataset or None for a synthetic speed-only corpus)."""
    if synthetic:
        from eval.bench import make_corpus

        folder = work / "corpus"
        if not folder.is_dir():
            make_corpus(synthetic, folder)
        return folder, None
    from eval.datasets import load_dataset, write_documents

    ds = load_dataset(dataset)
    if not ds.documents:
        return ROOT / "seeds", ds
    return write_documents(ds, work / "corpus"), ds


def one(store: str, engine: str, dataset: str, work: Path, synthetic: int, limit: int | None, reader: str) -> dict:
    """Build and measure one store with one engine, in this process."""
    from assistant.collection import Collection, Config
    from assistant.settings import ReaderKind, ReaderSettings
    from index.build import build_index, get_engine
    from index.embedding import load_embedder
    from index.place import Place
    from index.settings import BuildSettings

    settings = BuildSettings()
    corpus, ds = _corpus(dataset, work, synthetic)
    embedder = load_embedder(settings.model, settings.embed_batch)
    eng = get_engine(engine, workers=2) if engine == "ray" else None
    place = work / f"{store}-{engine}"
    shutil.rmtree(place, ignore_errors=True)
    t0 = time.perf_counter()
    if store == "folder":
        where = Place(place / "index")
    else:
        from index.milvus_store import MilvusConfig

        where = Place(place, MilvusConfig(str(place / "milvus.db")))
    report = build_index([corpus], where, settings, embedder, engine=eng)
    build_s = time.perf_counter() - t0
    collection = Collection(where, Config(build=settings, reader=ReaderSettings(kind=ReaderKind(reader))),
                            embedder=embedder)
    assistant, index = collection.assistant, collection.store
    row = {"store": store, "engine": engine, "dataset": "synthetic" if synthetic else Path(dataset).stem,
           "articles": report.articles, "chunks": report.chunks, "build_s": round(build_s, 1),
           "chunks_per_s": round(report.chunks / build_s, 1), "texts_per_s": round(report.embedded / build_s, 1)}
    if ds is None:
        from eval.datasets import bench_questions

        lat = []
        for q in bench_questions(limit or 100):
            t = time.perf_counter()
            assistant.ask(q)
            lat.append(time.perf_counter() - t)
        row.update({"questions": len(lat), "ask_p50_ms": round(float(np.percentile(lat, 50)) * 1000, 1),
                    "ask_p95_ms": round(float(np.percentile(lat, 95)) * 1000, 1)})
    else:
        from eval.runner import run, summarize

        rows = run(ds, assistant, limit=limit, progress=False)
        s = summarize(rows)
        row.update({"questions": s["questions"], "hit@1": round(s["fused"]["hit@1"], 4),
                    "hit@5": round(s["fused"]["hit@5"], 4), "em": round(s["em"], 4), "f1": round(s["f1"], 4),
                    "ask_p50_ms": round(s["latency_ms"]["p50"], 1), "ask_p95_ms": round(s["latency_ms"]["p95"], 1),
                    "reader": assistant.reader.name,
                    "answers": [[r.q.id, r.answer.answer, [(c.article_id, c.start, c.end) for c in r.answer.citations]]
                                for r in rows]})
    if store == "milvus" and ds is not None:  # Milvus's own hybrid rankers, measured beside the assistant's fusion
        row.update(engine_hybrid_hits(index, rows))
    qs = [q.question for q in ds.questions[:100]] if ds is not None else None
    if qs is None:
        from eval.datasets import bench_questions

        qs = bench_questions(min(limit or 100, 100))
    lat = []
    for q in qs:  # the store's share of a question: dense + BM25 candidates, their vectors and scores
        t = time.perf_counter()
        assistant.retriever.retrieve(q)
        lat.append(time.perf_counter() - t)
    row["retrieve_p50_ms"] = round(float(np.percentile(lat, 50)) * 1000, 1)
    row["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return row


def engine_hybrid_hits(store, rows) -> dict:
    """Article hit@1 / hit@5 of Milvus's RRF and weighted rankers beside the assistant's fusion, on the
    answerable questions without history (the engine has no conversation to resolve a follow-up with)."""
    from eval import metrics as M
    from index.bm25 import tokenize

    rows = [r for r in rows if not r.q.history and r.answerable]
    questions = [r.q for r in rows]
    out = {f"fused_subset_hit@{k}": round(M.mean([M.hit_at(r.rankings["fused"], set(r.q.sources), k) for r in rows]), 4)
           for k in (1, 5)}
    for ranker in ("rrf", "weighted"):
        hits = {1: [], 5: []}
        for q in questions:
            ids, _ = store.engine_hybrid(store.embed_query(q.question), tokenize(q.question), 40, ranker=ranker)
            ranked = list(dict.fromkeys(store.chunks[int(i)].article_id for i in ids))
            for k in hits:
                hits[k].append(M.hit_at(ranked, set(q.sources), k))
        out.update({f"milvus_{ranker}_hit@{k}": round(M.mean(v), 4) for k, v in hits.items()})
    out["hybrid_questions"] = len(questions)
    return out


COLUMNS = ["dataset", "store", "engine", "chunks", "build_s", "chunks_per_s", "questions", "hit@1", "hit@5",
           "em", "f1", "retrieve_p50_ms", "ask_p50_ms", "ask_p95_ms", "peak_rss_mb"]


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(str(r.get(c, "-")) for c in COLUMNS) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.compare_stores", description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", default="seeds", help="seeds, a Q&A .jsonl or a SQuAD .json")
    p.add_argument("--synthetic", type=int, default=0, help="a synthetic corpus of about N chunks (speed only)")
    p.add_argument("--stores", default="folder,milvus")
    p.add_argument("--engines", default="local,ray")
    p.add_argument("--limit", type=int, help="questions (default: all; 100 for --synthetic)")
    p.add_argument("--reader", default="auto", choices=["auto", "trained", "rules"])
    p.add_argument("--work", default=".newsdesk/cache/compare-stores")
    p.add_argument("--json", help="also write the rows here")
    p.add_argument("--one", nargs=2, metavar=("STORE", "ENGINE"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    work = Path(args.work) / (f"synthetic-{args.synthetic}" if args.synthetic else Path(args.dataset).stem)
    work.mkdir(parents=True, exist_ok=True)
    if args.one:
        print(json.dumps(one(*args.one, args.dataset, work, args.synthetic, args.limit, args.reader)))
        return 0
    rows = []
    for store in args.stores.split(","):
        for engine in args.engines.split(","):
            cmd = [sys.executable, "-m", "eval.compare_stores", "--one", store, engine, "--dataset", args.dataset,
                   "--synthetic", str(args.synthetic), "--work", args.work, "--reader", args.reader]
            if args.limit:
                cmd += ["--limit", str(args.limit)]
            proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **OFFLINE_ENV})
            if proc.returncode != 0:
                print(f"{store}/{engine} failed: {proc.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
                continue
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            print(f"{store}/{engine}: {({k: v for k, v in rows[-1].items() if k != 'answers'})}", file=sys.stderr)
    answers = {(r["store"], r["engine"]): r.pop("answers", None) for r in rows}
    print(table(rows))
    base = answers.get(("folder", "local"))
    for key, got in answers.items():
        if base is not None and got is not None and key != ("folder", "local"):
            same = sum(a == b for a, b in zip(base, got))
            print(f"\n{key[0]}/{key[1]}: {same} of {len(base)} answers and citations identical to folder/local")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
