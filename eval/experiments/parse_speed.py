"""How fast and how big the dependency parser is (index/parsing.py): memory of loading it, the time to
parse a question when it is asked (target: under 3 ms p50) and an article (on demand, when the index
stored no parse).

    python -m eval.experiments.parse_speed [--repeat N] [--as-server]

Memory is the process's resident set (VmRSS) before spaCy is imported, after the import and after the
model is loaded (target: under 100 MB for the parser). --as-server first imports what the chat server
has loaded anyway (gradio, onnxruntime, transformers), so the parser's own cost there is measured: spaCy
shares pydantic, requests, typer and click with gradio. Questions are those of eval/followups.jsonl and
eval/seeds_qa.jsonl, each parsed `repeat` times without the cache; "detection" is the whole follow-up
decision (assistant.conversation.followup_kind) on a fresh cache.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

EVAL = Path(__file__).resolve().parent.parent
ROOT = EVAL.parent


def rss_mb() -> float:
    """The resident set size of this process, in MB (Linux /proc)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _questions() -> list[str]:
    out = []
    for name in ("followups.jsonl", "seeds_qa.jsonl"):
        for line in (EVAL / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(json.loads(line)["question"])
    return out


def _ms(samples: list[float]) -> str:
    xs = sorted(samples)
    p95 = xs[min(len(xs) - 1, int(0.95 * len(xs)))]
    return f"p50 {1000 * statistics.median(xs):.2f} ms, p95 {1000 * p95:.2f} ms, n {len(xs)}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--as-server", action="store_true", help="import gradio, onnxruntime, transformers first")
    args = ap.parse_args(argv)
    if args.as_server:
        import gradio  # noqa: F401
        import onnxruntime  # noqa: F401
        import transformers  # noqa: F401

    import numpy  # noqa: F401  (the app has it loaded anyway)

    import index.dates  # noqa: F401  (what the answering code imports before the parser is first used)
    from index import parsing

    before = rss_mb()
    t = time.perf_counter()
    parsing._import_spacy()
    imported = rss_mb()
    nlp = parsing.pipeline()
    loaded = rss_mb()
    load_s = time.perf_counter() - t
    print(f"model: {parsing.model_id()}; pipes {nlp.pipe_names}; torch imported: {'torch' in sys.modules}")
    print(f"memory: RSS {before:.0f} MB before, +{imported - before:.0f} MB importing spaCy, "
          f"+{loaded - imported:.0f} MB loading the model: parser +{loaded - before:.0f} MB in all "
          f"({load_s:.2f} s to load)")

    questions = _questions()
    for q in questions[:20]:  # warm up
        parsing._run([q], parsing._QUESTION_PIPES)
    samples = []
    for _ in range(args.repeat):
        for q in questions:
            t = time.perf_counter()
            parsing._run([q], parsing._QUESTION_PIPES)
            samples.append(time.perf_counter() - t)
    print(f"question parse: {_ms(samples)}")

    from assistant.conversation import followup_kind

    detect = []
    for _ in range(args.repeat):
        parsing.parse_question.cache_clear()
        for q in questions:
            t = time.perf_counter()
            followup_kind(q)
            detect.append(time.perf_counter() - t)
    print(f"follow-up detection (parse + rules): {_ms(detect)}")

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "data" / "quote_articles").glob("*.txt"))]
    per_article, chars = [], 0
    for text in texts:
        t = time.perf_counter()
        parsing.parse_article(text)
        per_article.append(time.perf_counter() - t)
        chars += len(text)
    total = sum(per_article)
    print(f"article parse: {_ms(per_article)}; {1000 * total / (chars / 1000):.1f} ms per 1,000 characters "
          f"({len(texts)} articles, {chars:,} characters)")
    print(f"memory after: RSS {rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
