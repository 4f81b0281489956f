"""A small size of the scale benchmark runs in the suite to keep the code honest (the big sizes do not)."""
import json

from eval.bench import run, table
from eval.speed import squad_corpus


def test_corpus_is_distinct_paragraphs_and_hits_the_size(tmp_path):
    n = squad_corpus(120, tmp_path)
    texts = [json.loads(line)["text"] for line in (tmp_path / "bench-000.jsonl").read_text().splitlines()]
    assert n == len(texts) > 0 and len(set(texts)) == n  # no text reused
    m = squad_corpus(0, tmp_path / "grow", prefix="growth", n_articles=30, growth=True)
    grown = [json.loads(line)["text"] for line in (tmp_path / "grow" / "growth-000.jsonl").read_text().splitlines()]
    assert m == 30 and not set(grown) & set(texts)  # growth never repeats the corpus


def test_small_bench_end_to_end(tmp_path):
    rows = run([150], tmp_path, n_questions=25)
    r = rows[0]
    assert r["chunks"] >= 150 and r["faiss"] == "flat" and r["recall@10"] == 1.0
    assert 0 < r["build_vs_raw"] <= 1.5 and r["peak_rss_mb"] > 0 and r["index_mb"] > 0
    assert r["grow_embedded"] > 0 and r["questions"] == 25
    for stage in ("bm25", "dense", "fused", "answer"):
        assert 0 < r[f"{stage}_p50_ms"] <= r[f"{stage}_p95_ms"]
    assert "| 150" in table(rows) or f"| {r['chunks']}" in table(rows)
    assert (tmp_path / "bench.json").is_file()
