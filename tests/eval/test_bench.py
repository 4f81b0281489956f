"""A small size of the scale benchmark runs in the suite to keep the code honest (the big sizes do not)."""
from eval.bench import make_corpus, run, table


def test_make_corpus_hits_the_size(tmp_path):
    n = make_corpus(120, tmp_path)
    assert n > 0 and (tmp_path / "bench-000.jsonl").read_text().count("\n") == n
    m = make_corpus(0, tmp_path / "many", n_articles=4100, prefix="g")
    files = sorted((tmp_path / "many").iterdir())
    assert m == 4100 and [f.name for f in files] == ["g-000.jsonl", "g-001.jsonl", "g-002.jsonl"]
    assert sum(f.read_text().count("\n") for f in files) == 4100  # files stay under the loader's size limit


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
