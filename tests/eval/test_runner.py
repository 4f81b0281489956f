from eval.report import write_report
from eval.runner import run, summarize, write_predictions


def test_eval_run_writes_predictions_and_report(seed_assistant, seeds_qa, tmp_path):
    rows = run(seeds_qa, seed_assistant, limit=12, progress=False)
    summary = summarize(rows)
    assert summary["questions"] == 12
    for r in ("bm25", "dense", "fused"):
        assert 0 <= summary[r]["hit@1"] <= summary[r]["hit@5"] <= summary[r]["hit@10"] <= 1
    assert summary["fused"]["hit@5"] >= 0.9  # seed questions name their topic
    files = write_report(summary, rows, tmp_path / "rep", "seeds", "newsdesk eval seeds")
    assert all(f.is_file() and f.stat().st_size > 0 for f in files)
    assert "Worst failures" in (tmp_path / "rep" / "report.md").read_text()
    write_predictions(rows, tmp_path / "pred.jsonl")
    import json

    preds = [json.loads(x) for x in (tmp_path / "pred.jsonl").read_text().splitlines()]
    assert len(preds) == 12
    assert set(preds[0]) >= {"id", "question", "query", "answer", "quote", "abstained", "confidence", "citations"}
    for p in preds:
        for c in p["citations"]:
            assert seed_assistant.index.articles[c["article_id"]].text[c["start"]:c["end"]] == c["text"]


def test_cross_corpus_questions_count_as_unanswerable(seed_assistant):
    from eval.datasets import Dataset, Question

    ds = Dataset("x", [Question("q", "Which NFL team represented the AFC at Super Bowl 50?", ("Denver Broncos",),
                                ("Super_Bowl_50-000",), True)])
    rows = run(ds, seed_assistant, progress=False)
    assert rows[0].answerable is False and rows[0].answer.abstained
