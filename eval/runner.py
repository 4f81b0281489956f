"""Run an evaluation set through the assistant and measure retrieval, answers, abstention and latency."""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from assistant.answer import Answer, Tier
from assistant.collection import Collection, Config
from assistant.conversation import Conversation
from assistant.pipeline import Assistant
from assistant.qtypes import TYPES
from assistant.retrieval import article_ranking
from index.build import build_index, is_current
from index.embedding import Embedder
from index.place import Place
from index.settings import BuildSettings
from index.store_api import Filters

from . import metrics as M
from .datasets import Dataset, Question, write_documents

KS = (1, 3, 5, 10)
RETRIEVERS = ("bm25", "dense", "fused")


CACHE = Path(".newsdesk/cache")  # benchmark indexes, keyed by content and build settings
SHORT_SHAPES = ("fact", "when", "who")  # right when the answer field holds an accepted answer


def cached_index(dataset: Dataset, settings: BuildSettings, embedder: Embedder, cache: Path = CACHE) -> Path:
    """The index of a SQuAD dataset's paragraphs, built once per content hash and build settings.
    Its documents are kept in documents/, apart from articles/ (index.place.collection_dir), where an
    index's uploaded articles live and which every build adds: sharing it loaded each document twice."""
    runtime = "" if settings.runtime == "torch" else settings.runtime  # a runtime's own vectors, for its quality
    key = hashlib.sha256((dataset.digest + json.dumps(settings.manifest_settings(), sort_keys=True) + runtime
                          ).encode()).hexdigest()[:16]
    folder = cache / f"{dataset.name}-{key}"
    root = folder / "index"
    docs = write_documents(dataset, folder / "documents")
    if not is_current([docs], root, settings):  # new, or of an older index format: (re)built
        build_index([docs], root, settings, embedder, progress=False)
    return root


def assistant_for(dataset: Dataset, assistant: Assistant, settings: BuildSettings, cache: Path = CACHE) -> Assistant:
    """The assistant to evaluate a dataset with: this one, or, for a dataset that brings its own documents,
    the same reader and settings over the dataset's cached index."""
    if not dataset.documents:
        return assistant
    embedder = assistant.store.embedder
    root = cached_index(dataset, settings, embedder, cache)
    return open_collection(root, Config(build=settings, ask=assistant.settings), embedder, assistant.reader).assistant


def open_collection(root: Path, config: Config, embedder: Embedder | None = None, reader=None) -> Collection:
    """An evaluation index opened as users' collections are (assistant/collection.py)."""
    return Collection(Place(root), config, embedder=embedder, reader=reader)


@dataclass
class Row:
    q: Question
    answer: Answer
    answerable: bool  # in this run: its sources are in the index
    seconds: float
    rankings: dict[str, list[str]]

    def scores(self) -> dict[str, float]:
        golds = list(self.q.answers)
        gold_src = set(self.q.sources)
        a = self.answer
        out = {"em": M.exact_match(a.answer, golds), "f1": M.f1(a.answer, golds),
               "quote_hit": M.quote_hit(a.quote, golds),
               "cited_gold": float(any(c.article_id in gold_src for c in a.citations)) if not a.abstained else 0.0}
        for r in RETRIEVERS:
            for k in KS:
                out[f"{r}_hit@{k}"] = M.hit_at(self.rankings[r], gold_src, k)
            out[f"{r}_mrr"] = M.reciprocal_rank(self.rankings[r], gold_src)
        return out

    def correct(self) -> bool:
        s = self.scores()
        return self.answerable and not self.answer.abstained and (s["f1"] >= 0.5 or s["quote_hit"] == 1.0)

    def right(self) -> bool:
        """A given answer a reader can rely on, and its gold source cited. What must hold the gold depends on
        the shape the question asks for: a short answer (fact, when, who) in the answer field; a statement
        (said, event, why) in the quote. Questions without a shape: the quote."""
        s = self.scores()
        if not self.answerable or self.answer.abstained or s["cited_gold"] != 1.0:
            return False
        if self.q.shape in SHORT_SHAPES:
            return M.quote_hit(self.answer.answer, list(self.q.answers)) == 1.0
        return s["quote_hit"] == 1.0


def run(dataset: Dataset, assistant: Assistant, limit: int | None = None, progress: bool = True,
        on_progress=None, gold: bool = False) -> list[Row]:
    """Ask every question (follow-ups after their history, in a fresh conversation each).
    gold: read only the question's gold sources (the reader measured alone)."""
    questions = dataset.questions[:limit] if limit else dataset.questions
    known = set(assistant.store.articles)
    chunk_article = [c.article_id for c in assistant.store.chunks]
    rows = []
    for i, q in enumerate(tqdm(questions, desc=f"eval {dataset.name}", disable=not progress, unit="q")):
        conv = Conversation() if q.history else None
        for h in q.history:
            assistant.ask(h, conv)
        t0 = time.perf_counter()
        filters = Filters(article_ids=q.sources) if gold and q.sources else Filters()
        trace = assistant.trace(q.question, conv, filters)
        seconds = time.perf_counter() - t0
        ans, retrieval = trace.answer, trace.retrieval
        rankings = {r: (article_ranking(retrieval, chunk_article, r) if retrieval else []) for r in RETRIEVERS}
        answerable = q.answerable and bool(set(q.sources) & known)
        rows.append(Row(q, ans, answerable, seconds, rankings))
        if on_progress:
            on_progress(i + 1, len(questions))
    return rows


def summarize(rows: list[Row]) -> dict:
    """All metrics, overall and per question type."""
    def block(rs: list[Row]) -> dict:
        ans = [r for r in rs if r.answerable]
        sc = [r.scores() for r in ans]
        out = {"questions": len(rs), "answerable": len(ans)}
        for key in ("em", "f1", "quote_hit"):
            out[key] = M.mean([s[key] for s in sc])
        answered = [r for r in ans if not r.answer.abstained]
        out["citation_accuracy"] = M.mean([r.scores()["cited_gold"] for r in answered]) if answered else None
        for r in RETRIEVERS:
            out[r] = {f"hit@{k}": M.mean([s[f"{r}_hit@{k}"] for s in sc]) for k in KS}
            out[r]["mrr"] = M.mean([s[f"{r}_mrr"] for s in sc])
        out["abstention"] = M.abstention([r.answerable for r in rs], [r.answer.abstained for r in rs])
        return out

    summary = block(rows)
    lat = [r.seconds * 1000 for r in rows]
    summary["latency_ms"] = {"p50": M.percentile(lat, 50), "p95": M.percentile(lat, 95)}
    summary["by_type"] = {t: block([r for r in rows if r.q.qtype == t]) for t in TYPES if any(r.q.qtype == t for r in rows)}
    answered = [r for r in rows if not r.answer.abstained]
    summary["calibration"] = M.calibration_bins([r.answer.confidence for r in answered], [r.right() for r in answered])
    summary["tiers"] = tiers(rows)
    if any(r.q.shape for r in rows):
        summary["by_shape"] = by_shape(rows)
    return summary


def by_shape(rows: list[Row]) -> dict:
    """Per answer shape: count, right, refused although answerable, answered with confidence and right,
    possible answers right, unanswerable answered with confidence, p50 ms."""
    out = {}
    for shape in sorted({r.q.shape or "-" for r in rows}):
        rs = [r for r in rows if (r.q.shape or "-") == shape]
        ans = [r for r in rs if r.answerable]
        unans = [r for r in rs if not r.answerable]
        confident = [r for r in ans if r.answer.tier == Tier.ANSWERED]
        possible = [r for r in ans if r.answer.tier == Tier.POSSIBLE]
        out[shape] = {"questions": len(rs), "answerable": len(ans),
                      "right": M.mean([float(r.right()) for r in ans]) if ans else None,
                      "refused": M.mean([float(r.answer.abstained) for r in ans]) if ans else None,
                      "confident_right": M.mean([float(r.right() and r.answer.tier == Tier.ANSWERED) for r in ans]) if ans else None,
                      "confident_precision": M.mean([float(r.right()) for r in confident]) if confident else None,
                      "possible_precision": M.mean([float(r.right()) for r in possible]) if possible else None,
                      "unanswerable": len(unans),
                      "unanswerable_confident": M.mean([float(r.answer.tier == Tier.ANSWERED) for r in unans]) if unans else None,
                      "p50_ms": M.percentile([r.seconds * 1000 for r in rs], 50)}
    return out


def tiers(rows: list[Row]) -> dict:
    """The three outcomes separately: how many of each, and how often the answers given in each are right."""
    out = {}
    for tier in Tier:
        rs = [r for r in rows if r.answer.tier == tier]
        given = [r for r in rs if r.answerable]
        out[tier.value] = {"n": len(rs), "answerable": len(given),
                     "right": M.mean([float(r.right()) for r in rs]) if rs and tier is not Tier.ABSTAINED else None}
    return out


def prediction(row: Row) -> dict:
    a = row.answer
    return {"id": row.q.id, "question": row.q.question, "query": a.query, "answer": a.answer, "quote": a.quote,
            "abstained": a.abstained, "tier": a.tier, "confidence": round(a.confidence, 4), "gold": list(row.q.answers),
            "answerable": row.answerable,
            "citations": [{"number": c.number, "article_id": c.article_id, "start": c.start, "end": c.end,
                           "text": c.text, "speaker": c.speaker} for c in a.citations]}


def write_predictions(rows: list[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(prediction(r), ensure_ascii=False) + "\n")
