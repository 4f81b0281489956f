import json

import pytest

from eval.datasets import DatasetError, load_dataset


def test_seeds_set_is_complete_and_verbatim(seeds_qa, seed_docs):
    qs = seeds_qa.questions
    assert len(qs) >= 60 and len({q.id for q in qs}) == len(qs)
    assert sum(not q.answerable for q in qs) >= 10
    assert sum(bool(q.history) for q in qs) >= 8
    assert sum(len(q.sources) >= 2 for q in qs) >= 3
    assert {q.qtype for q in qs} >= {"who", "when", "where", "which", "how many", "what"}
    for q in qs:
        if q.answerable:
            assert q.answers and q.sources
            for a in q.answers:
                assert any(a in seed_docs[s].text for s in q.sources), (q.id, a)
        else:
            assert not q.answers


def test_squad_v1_and_v2(tmp_path):
    v2 = {"version": "v2.0", "data": [{"title": "Some_Title", "paragraphs": [
        {"context": "Alpha beta gamma.", "qas": [
            {"id": "q1", "question": "What comes after alpha?", "answers": [{"text": "beta", "answer_start": 6}], "is_impossible": False},
            {"id": "q2", "question": "What comes after omega?", "answers": [], "is_impossible": True}]}]}]}
    p = tmp_path / "v2.json"
    p.write_text(json.dumps(v2))
    ds = load_dataset(p)
    assert ds.documents == [{"id": "Some_Title-000", "text": "Alpha beta gamma.", "title": "Some Title"}]
    q1, q2 = ds.questions
    assert (q1.answerable, q1.sources, q1.answers) == (True, ("Some_Title-000",), ("beta",))
    assert (q2.answerable, q2.sources) == (False, ())


def test_benchmark_loads(tmp_path):
    from pathlib import Path

    ds = load_dataset(Path(__file__).resolve().parents[3] / "shared/benchmarks/squad-v1.1-dev-super-bowl-50.json")
    assert len(ds.documents) == 54 and len(ds.questions) == 810


def test_bad_dataset_files(tmp_path):
    with pytest.raises(DatasetError):
        load_dataset(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n')
    with pytest.raises(DatasetError, match="bad.jsonl:1"):
        load_dataset(bad)
    (tmp_path / "bad.json").write_text("[]")
    with pytest.raises(DatasetError):
        load_dataset(tmp_path / "bad.json")


def test_paragraph_corpus_for_the_tuning_scripts(tmp_path):
    from eval.datasets import write_paragraph_corpus

    arts = [{"title": "Vienna", "paragraphs": [
        {"context": "Talks opened in Vienna.", "qas": [{"question": "Where?", "answers": [{"text": "Vienna"}]}]},
        {"context": "They ended on Friday.", "qas": [{"question": "When?", "answers": [{"text": "Friday"}]},
                                                     {"question": "What ended?", "answers": [{"text": "They"}]}]}]}]
    n, qs = write_paragraph_corpus(arts, tmp_path)
    docs = [json.loads(line) for line in (tmp_path / "articles" / "docs.jsonl").read_text().splitlines()]
    assert n == 2 and [d["id"] for d in docs] == ["Vienna-000", "Vienna-001"]
    assert qs == [("Where?", ["Vienna"], "Vienna-000"), ("When?", ["Friday"], "Vienna-001"),
                  ("What ended?", ["They"], "Vienna-001")]


def test_held_out_splits_load_by_name_and_only_their_articles(tmp_path, monkeypatch):
    import json

    import training.splits as splits
    from eval.datasets import load_dataset

    def article(title):
        return {"title": title, "paragraphs": [{"context": f"{title} was founded in 1900.", "qas": [
            {"id": f"{title}-q", "question": f"When was {title} founded?",
             "answers": [{"text": "1900", "answer_start": len(title) + 17}]}]}]}

    titles = ["Trained_article", splits.VALIDATION_TITLES[0], splits.TEST_TITLES[0]]
    data = tmp_path / "train.json"
    data.write_text(json.dumps({"version": "1.1", "data": [article(t) for t in titles]}))
    monkeypatch.setattr(splits, "SQUAD_TRAIN", data)
    test = load_dataset("squad-test")
    assert test.name == "squad-test" and [q.id for q in test.questions] == [f"{splits.TEST_TITLES[0]}-q"]
    assert [d["id"] for d in test.documents] == [f"{splits.TEST_TITLES[0]}-000"]
    assert test.questions[0].answers == ("1900",) and test.questions[0].sources == (f"{splits.TEST_TITLES[0]}-000",)
    val = load_dataset("squad-validation")
    assert [q.id for q in val.questions] == [f"{splits.VALIDATION_TITLES[0]}-q"] and val.digest != test.digest


def test_a_squad_article_can_name_its_split(tmp_path):
    from eval.datasets import only_split

    para = {"context": "Ann was born in Oslo.", "qas": [{"id": "q", "question": "Where was Ann born?",
                                                        "answers": [{"text": "Oslo", "answer_start": 16}]}]}
    data = {"data": [{"title": "A", "split": "dev", "paragraphs": [para]},
                     {"title": "B", "split": "test", "paragraphs": [json.loads(json.dumps(para).replace('"q"', '"r"'))]}]}
    f = tmp_path / "s.json"
    f.write_text(json.dumps(data))
    ds = load_dataset(f)
    assert [q.id for q in only_split(ds, "dev").questions] == ["q"]
    assert [q.id for q in only_split(ds, "test").questions] == ["r"]
    assert len(only_split(ds, "test").documents) == 2  # one index for both parts, as for the other split sets


def test_the_near_miss_set_is_split_by_article():
    from eval.datasets import only_split

    ds = load_dataset("eval/nearmiss/validation-squad2.json")
    dev, test = only_split(ds, "dev"), only_split(ds, "test")
    assert len(dev.questions) + len(test.questions) == len(ds.questions)
    titles = lambda part: {s.rsplit("-", 1)[0] for q in part.questions for s in q.sources}
    assert titles(dev) and titles(test) and not titles(dev) & titles(test)
