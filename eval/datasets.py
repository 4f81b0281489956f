"""Evaluation sets: the seeds Q&A JSONL format and SQuAD v1.1 / v2.0 JSON.

A SQuAD file becomes a folder of documents (one a paragraph, id "<title>-<paragraph number>")
and an index for it, both cached under .newsdesk/cache/<content hash + build settings>.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.qtypes import question_type
from index.errors import UsageError

SEEDS_QA = Path(__file__).with_name("seeds_qa.jsonl")
SPLIT_NAMES = ("squad-validation", "squad-test")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: tuple[str, ...]
    sources: tuple[str, ...]
    answerable: bool
    history: tuple[str, ...] = ()
    shape: str | None = None  # the answer shape a set names (eval/shapes): said, who, event, why, when, fact
    split: str | None = None  # "dev" or "test" (sealed) where a set is split

    @property
    def qtype(self) -> str:
        return question_type(self.question)


@dataclass
class Dataset:
    name: str
    questions: list[Question]
    documents: list[dict] = field(default_factory=list)  # SQuAD paragraphs as jsonl article rows
    digest: str = ""  # of the questions and documents; a split keeps it, so both splits share one index
    split: str | None = None


def only_split(dataset: "Dataset", split: str) -> "Dataset":
    """The questions of one split ("dev" or "test"); a set without splits has none of either."""
    questions = [q for q in dataset.questions if q.split == split]
    if not questions:
        raise DatasetError(f"{dataset.name} has no questions in split {split!r}")
    return Dataset(dataset.name, questions, dataset.documents, dataset.digest, split)


class DatasetError(UsageError):
    """The dataset file cannot be read; one sentence."""


def load_qa_jsonl(path: Path) -> Dataset:
    questions = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            questions.append(Question(id=str(d.get("id", f"q{lineno}")), question=d["question"],
                                      answers=tuple(d.get("answers", [])), sources=tuple(d.get("sources", [])),
                                      answerable=bool(d.get("answerable", bool(d.get("answers")))),
                                      history=tuple(d.get("history", [])), shape=d.get("shape"),
                                      split=d.get("split")))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise DatasetError(f"{path}:{lineno} is not a question line ({type(e).__name__})") from None
    return Dataset(path.stem, questions, digest=hashlib.sha256(path.read_bytes()).hexdigest())


def squad_doc_id(title: str, i: int) -> str:
    return f"{title}-{i:03d}"


def write_paragraph_corpus(articles: list[dict], folder: Path) -> tuple[int, list[tuple[str, list[str], str]]]:
    """Write the paragraphs of raw SQuAD articles as documents into folder/articles/docs.jsonl (the
    open corpora the tuning scripts search); returns the paragraph count and, for every question,
    (question, answer texts, document id)."""
    docs, questions = [], []
    for a in articles:
        for i, p in enumerate(a["paragraphs"]):
            doc = squad_doc_id(a["title"], i)
            docs.append({"id": doc, "text": p["context"], "title": a["title"]})
            questions += [(qa["question"], [x["text"] for x in qa["answers"]], doc) for qa in p["qas"]]
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    (folder / "articles" / "docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    return len(docs), questions


def load_squad(path: Path) -> Dataset:
    raw = path.read_bytes()
    try:
        data = json.loads(raw)["data"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise DatasetError(f"{path} is not SQuAD JSON (no 'data' list)") from None
    return squad_dataset(path.stem, data, hashlib.sha256(raw).hexdigest())


def load_split(name: str) -> Dataset:
    """A held-out split of SQuAD train (training/splits.py) as a dataset: "squad-validation" or "squad-test"
    (the sealed test slice, for final reports only), every question of its articles."""
    from training.splits import SQUAD_TRAIN, load_articles, sha256, split

    which = name.removeprefix("squad-")
    if not SQUAD_TRAIN.is_file():
        raise DatasetError(f"{name} needs the SQuAD train file at {SQUAD_TRAIN}")
    return squad_dataset(name, split(load_articles(SQUAD_TRAIN), which), f"{sha256(SQUAD_TRAIN)}:{which}")


def squad_dataset(name: str, data: list[dict], digest: str) -> Dataset:
    """SQuAD articles as a dataset: a document a paragraph, a question a qa (v2.0's impossible ones unanswerable);
    an article's "split" key, where a set adds one (eval/nearmiss), is each of its questions' split."""
    questions, documents = [], []
    for article in data:
        title = article["title"]
        for i, para in enumerate(article["paragraphs"]):
            doc_id = squad_doc_id(title, i)
            documents.append({"id": doc_id, "text": para["context"], "title": title.replace("_", " ")})
            for qa in para["qas"]:
                impossible = bool(qa.get("is_impossible", False))
                answers = tuple(dict.fromkeys(a["text"] for a in qa.get("answers", [])))
                questions.append(Question(id=qa["id"], question=qa["question"], answers=() if impossible else answers,
                                          sources=() if impossible else (doc_id,), answerable=not impossible,
                                          split=article.get("split")))
    return Dataset(name, questions, documents, digest)


def load_dataset(path: Path | str) -> Dataset:
    """A seeds-format .jsonl or a SQuAD .json file; "seeds" names the shipped seeds set, "squad-validation"
    and "squad-test" the held-out splits of SQuAD train, "newsq" the news questions asked of the whole
    news collection among distractors."""
    if str(path) in SPLIT_NAMES:
        return load_split(str(path))
    if str(path) == "newsq":
        return load_newsq()
    path = SEEDS_QA if str(path) == "seeds" else Path(path)
    if not path.is_file():
        raise DatasetError(f"no such dataset file: {path}")
    return load_squad(path) if path.suffix == ".json" else load_qa_jsonl(path)


# Every news article the project holds: asked together, so that a question must find its article among them.
ROOT = Path(__file__).resolve().parent.parent
NEWS_FOLDERS = ("seeds", "eval/newsqa/articles", "eval/shapes/articles", "eval/heldout/articles", "eval/newsq/articles")
DISTRACTORS = 1000  # SQuAD train paragraphs, each an article (issue 28: at least 1,000)


def news_documents(distractors: int = DISTRACTORS, seed: int = 28) -> list[dict]:
    """The news articles of NEWS_FOLDERS as article rows (ids = file names, as a folder build gives), then
    `distractors` paragraphs of SQuAD train's training articles, drawn with a fixed seed."""
    import random

    from training.splits import SQUAD_TRAIN, load_articles, split

    docs = [{"id": p.stem, "text": p.read_text(encoding="utf-8")}
            for folder in NEWS_FOLDERS for p in sorted((ROOT / folder).glob("*.txt"))]
    if distractors:
        if not SQUAD_TRAIN.is_file():
            raise DatasetError(f"the news collection's distractors need the SQuAD train file at {SQUAD_TRAIN}")
        paragraphs = [(a["title"], i, p["context"]) for a in split(load_articles(SQUAD_TRAIN), "train")
                      for i, p in enumerate(a["paragraphs"])]
        for title, i, text in random.Random(seed).sample(paragraphs, distractors):
            docs.append({"id": f"distractor-{squad_doc_id(title, i)}", "title": title.replace("_", " "), "text": text})
    return docs


def load_newsq() -> Dataset:
    """eval/newsq: questions written from an article's headline and first sentence (README there), asked of
    every news article here and 1,000 distractors."""
    parts = [load_qa_jsonl(p) for p in sorted((ROOT / "eval" / "newsq").glob("questions_*.jsonl"))]
    if not parts:
        raise DatasetError("no eval/newsq/questions_*.jsonl")
    documents = news_documents()
    digest = hashlib.sha256("".join(p.digest for p in parts).encode() + json.dumps(documents).encode()).hexdigest()
    return Dataset("newsq", [q for p in parts for q in p.questions], documents, digest)


def write_documents(dataset: Dataset, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "documents.jsonl"
    if not out.is_file():
        tmp = folder / "documents.jsonl.tmp"
        tmp.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dataset.documents), encoding="utf-8")
        tmp.replace(out)
    return out


# The Super Bowl 50 article of SQuAD v1.1 dev (shared/benchmarks): the reader's benchmark, never trained on.
BENCHMARK = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks" / "squad-v1.1-dev-super-bowl-50.json"


def bench_questions(n: int) -> list[str]:
    """n questions for latency measurements: the seed set's and the benchmark's, in a fixed random order."""
    import random

    questions = [q.question for q in load_dataset("seeds").questions]
    if BENCHMARK.is_file():
        questions += [q.question for q in load_dataset(BENCHMARK).questions]
    return random.Random(1).sample(questions, min(n, len(questions)))
