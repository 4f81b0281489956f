"""Calibrate answer confidence and choose the abstention threshold on SQuAD *train* data, never on eval sets.

    newsdesk calibrate [--reader trained]      (python -m eval.experiments.calibrate)

From the training file's validation articles (eval/splits.py) we index half of each
article's paragraphs and ask:
  * questions whose paragraph is indexed            -> answerable
  * questions whose paragraph was left out          -> unanswerable, on topic (the article is there)
  * questions from articles not in the index at all -> unanswerable, off topic
A logistic regression maps the answer's features (assistant.pipeline.features) to P(correct), where
correct = answerable, the gold answer inside the quote and the gold paragraph cited. The threshold
is the lowest that answers at most `max_false_answer` of the unanswerable questions.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from assistant.pipeline import CALIBRATION, Assistant
from assistant.settings import AskSettings, ReaderSettings
from index.build import build_index
from index.embedding import load_embedder
from index.newsindex import NewsIndex
from index.settings import BuildSettings

from .. import metrics as M
from ..splits import SQUAD_TRAIN, load_articles, split

FEATURES = ["reader", "no_answer", "dense", "lex", "chunk_lex", "cover3", "typed"]


def _fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 4000, lr: float = 0.5) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent on standardized-free features in [0, 1]."""
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = p - y
        w -= lr * (x.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return w, b


def collect(assistant: Assistant, questions: list[dict]) -> tuple[np.ndarray, np.ndarray, list[bool]]:
    """The confidence features of each question's answer, through the pipeline that answers users
    (never abstaining, so every answer's features are seen)."""
    xs, ys, answerable = [], [], []
    always = assistant.settings.with_(abstain=False)
    for q in questions:
        t = assistant.trace(q["question"], settings=always)
        if t.features is None:
            continue
        best, f = t.candidates[0], t.features
        sent = assistant.store.sentences[best.sentence_id].text
        correct = q["answerable"] and best.article_id == q["doc"] and M.quote_hit(sent, q["answers"]) == 1.0
        xs.append([f[k] for k in FEATURES])
        ys.append(float(correct))
        answerable.append(q["answerable"])
    return np.array(xs), np.array(ys), answerable


def calibrate(data: Path = SQUAD_TRAIN, reader: ReaderSettings = ReaderSettings(), work: Path = Path(".newsdesk/cache"),
              per_kind: int = 250, max_false_answer: float = 0.02, seed: int = 7) -> dict:
    rng = random.Random(seed)
    arts = load_articles(data)
    held, others = split(arts, "validation"), split(arts, "train")
    docs, questions = [], []
    for a in held:
        for i, p in enumerate(a["paragraphs"]):
            doc = f"{a['title']}-{i:03d}"
            indexed = rng.random() < 0.5
            if indexed:
                docs.append({"id": doc, "text": p["context"], "title": a["title"].replace("_", " ")})
            for qa in p["qas"]:
                questions.append({"question": qa["question"], "answers": [x["text"] for x in qa["answers"]],
                                  "doc": doc, "answerable": indexed})
    off = [{"question": qa["question"], "answers": [], "doc": None, "answerable": False}
           for a in rng.sample(others, 30) for p in a["paragraphs"][:3] for qa in p["qas"][:2]]
    on = [q for q in questions if q["answerable"]]
    un = [q for q in questions if not q["answerable"]]
    sample = rng.sample(on, min(per_kind, len(on))) + rng.sample(un, min(per_kind, len(un))) + off[:per_kind // 2]
    build = BuildSettings()
    folder = work / f"calibration-{seed}"
    (folder / "documents").mkdir(parents=True, exist_ok=True)
    (folder / "documents" / "docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    embedder = load_embedder(build.model)
    build_index([folder / "documents"], folder / "index", build, embedder)
    assistant = Assistant(NewsIndex(folder / "index", embedder), AskSettings(), reader_settings=reader)
    x, y, answerable = collect(assistant, sample)
    w, b = _fit(x, y)
    p = 1 / (1 + np.exp(-(x @ w + b)))
    un_p = sorted(p[i] for i, a in enumerate(answerable) if not a)
    k = int(np.floor(max_false_answer * len(un_p)))
    threshold = float(un_p[len(un_p) - k - 1]) + 1e-6 if un_p else 0.5
    an = [i for i, a in enumerate(answerable) if a]
    result = {
        "reader": assistant.reader.name, "features": FEATURES, "weights": [round(float(v), 4) for v in w],
        "bias": round(float(b), 4), "threshold": round(threshold, 4),
        "measured": {"questions": len(y), "answerable": len(an), "unanswerable": len(un_p),
                     "false_answer_rate": float(np.mean([p[i] >= threshold for i, a in enumerate(answerable) if not a])),
                     "wrong_abstention_rate": float(np.mean([p[i] < threshold for i in an])),
                     "accuracy_when_answering": float(np.mean([y[i] for i in range(len(y)) if p[i] >= threshold] or [0]))},
        "data": "SQuAD v1.1 train, validation articles (eval/splits.py; see eval/experiments/calibrate.py)",
    }
    return result


def save(result: dict, path: Path = CALIBRATION) -> None:
    table = json.loads(path.read_text()) if path.is_file() else {}
    table[result["reader"]] = result
    path.write_text(json.dumps(table, indent=2) + "\n")
