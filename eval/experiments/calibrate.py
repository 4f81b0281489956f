"""Fit the trained reader's cross-passage span ranker, its answer confidence, and the two thresholds
(answer, possible answer) on SQuAD *train*'s validation articles (training/splits.py) and on the
development part of eval/newsq (news asked from the headline and lead, issue 28); never on a test part.

    newsdesk calibrate [--reader trained]      (python -m eval.experiments.calibrate)

An open corpus is built from the validation articles with about half of each article's paragraphs
indexed. Questions are then:
  * answerable: their paragraph is indexed;
  * unanswerable, on topic: their paragraph was left out, but the rest of the article is there;
  * unanswerable, off topic: from training articles that are not in the index at all.
Every question goes through Assistant.trace, the pipeline that answers users, never abstaining.

1. Ranker: on answerable questions, each candidate span (three per window, three passages read) is
   labelled right when it is in the gold paragraph with F1 >= 0.5 to a gold answer; a logistic model
   over readers/ranking.RANK_FEATURES gives P(right), which ranks spans across passages.
2. Confidence: on a set as answerable as not (on-topic unanswerable twice the off-topic), with the
   ranker in place, the best answer is correct when the question is answerable, the gold answer is in
   the quoted sentence and the gold paragraph is cited; a logistic model over CONFIDENCE_FEATURES
   gives P(correct).
News: newsq's development questions are asked of their own collection (every news article here and
1,000 distractors, eval/datasets.load_newsq) and join the confidence fit, the unanswerable ones as
on-topic. Fitted on SQuAD alone, the confidence put 47% right answers in its 0.8-1.0 bin on them.

3. Thresholds, by a stated objective: `answer` is the lowest confidence at which the answers given
   are right at least ANSWER_PRECISION of the time (SQuAD and news together; each corpus's outcomes
   are reported apart); `possible` is the lowest confidence at which the possible answers (between the
   two) are right at least POSSIBLE_PRECISION of the time and no more than MAX_ON_TOPIC_POSSIBLE of the
   on-topic unanswerable questions get even a possible answer. Asking 90% of news apart left three
   answers of 835 in the answered tier (the confidence separates news answers at AUC 0.67 only).
The ranker is fitted on SQuAD alone (see calibrate()).
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from assistant.calibration import CALIBRATION, Logistic
from assistant.collection import Config
from assistant.pipeline import Assistant
from assistant.readers.ranking import RANK_FEATURES
from assistant.settings import ReaderKind, ReaderSettings
from index.build import build_index
from index.embedding import load_embedder
from index.settings import BuildSettings
from training.splits import SQUAD_TRAIN, load_articles, split

from .. import metrics as M
from ..datasets import Dataset, load_newsq, only_split
from ..runner import cached_index, open_collection

CONFIDENCE_FEATURES = ["reader", "no_answer", "dense", "lex", "chunk_lex", "cover3", "typed", "margin", "support",
                       "span_null_gap", "span_type_bad"]
# A span of the wrong type (a name for "when", a date for "how many") must lose to a span of the right
# type at a similar reader score. Fitted freely on the validation articles the type weights come out
# near 0 (the span model already prefers typed spans there), and the top-1 span's accuracy is level
# for any weight from 0 to -0.5 (65.5-65.8% of 400 questions) and falls past -1 (64.0% at -2); so the
# fit is capped at -0.5, where it costs nothing measured and holds for questions the fit saw few of.
TYPE_WEIGHT_CAP = -0.5
ANSWER_PRECISION = 0.90
POSSIBLE_PRECISION = 0.50
MAX_ON_TOPIC_POSSIBLE = 0.40


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 4000, lr: float = 0.5,
                 upper: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent (features are in about [-2, 1]); `upper` caps weights
    (projected gradient: after each step a weight above its cap is set to it)."""
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = p - y
        w -= lr * (x.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
        if upper is not None:
            w = np.minimum(w, upper)
    return w, b


def _model(names, w, b) -> Logistic:
    return Logistic(tuple(names), tuple(float(v) for v in w), float(b))


def corpus(seed: int, data: Path = SQUAD_TRAIN) -> tuple[list[dict], list[dict]]:
    """The validation articles' documents (about half their paragraphs) and every question, labelled."""
    rng = random.Random(seed)
    arts = load_articles(data)
    docs, questions = [], []
    for a in split(arts, "validation"):
        for i, p in enumerate(a["paragraphs"]):
            doc = f"{a['title']}-{i:03d}"
            indexed = rng.random() < 0.5
            if indexed:
                docs.append({"id": doc, "text": p["context"], "title": a["title"].replace("_", " ")})
            for qa in p["qas"]:
                questions.append({"question": qa["question"], "answers": [x["text"] for x in qa["answers"]],
                                  "doc": doc, "kind": "answerable" if indexed else "on-topic"})
    questions += [{"question": qa["question"], "answers": [], "doc": None, "kind": "off-topic"}
                  for a in rng.sample(split(arts, "train"), 40) for p in a["paragraphs"][:3] for qa in p["qas"][:2]]
    return docs, questions


def news_questions(part: str = "dev") -> tuple[Dataset, list[dict]]:
    """newsq's questions of one split in this module's form (doc: the source article), with the dataset."""
    ds = only_split(load_newsq(), part)
    return ds, [{"question": q.question, "answers": list(q.answers), "doc": q.sources[0] if q.sources else None,
                 "kind": "answerable" if q.answerable else "on-topic", "corpus": "news"} for q in ds.questions]


def _span_right(store, c, q) -> bool:
    text = store.articles[c.article_id].text[c.start:c.end] if c.start is not None else ""
    return c.article_id == q["doc"] and M.f1(text, q["answers"]) >= 0.5


def fit_ranker(assistant: Assistant, questions: list[dict]) -> tuple[Logistic, dict]:
    always = assistant.settings.with_(abstain=False)
    xs, ys = [], []
    for q in questions:
        for c in assistant.trace(q["question"], settings=always).candidates:
            xs.append([c.features.get(f, 0.0) for f in RANK_FEATURES])
            ys.append(float(_span_right(assistant.store, c, q)))
    caps = np.array([TYPE_WEIGHT_CAP if f.startswith("type_bad") else np.inf for f in RANK_FEATURES])
    w, b = fit_logistic(np.array(xs), np.array(ys), upper=caps)
    return _model(RANK_FEATURES, w, b), {"questions": len(questions), "candidates": len(ys), "right": int(sum(ys))}


def collect(assistant: Assistant, questions: list[dict]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each question's best answer: its confidence features, whether it is correct, the question's kind."""
    always = assistant.settings.with_(abstain=False)
    xs, ys, kinds = [], [], []
    for q in questions:
        t = assistant.trace(q["question"], settings=always)
        if t.features is None:
            continue
        best = t.candidates[0]
        sent = assistant.store.sentences[best.sentence_id].text
        ok = q["kind"] == "answerable" and best.article_id == q["doc"] and M.quote_hit(sent, q["answers"]) == 1.0
        xs.append([t.features.get(f, 0.0) for f in CONFIDENCE_FEATURES])
        ys.append(float(ok))
        kinds.append(q["kind"])
    return np.array(xs), np.array(ys), kinds


def collect_all(asked: list[tuple[Assistant, list[dict]]]) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """collect() over each (assistant, questions), with each row's corpus."""
    parts = [(collect(a, qs), qs[0].get("corpus", "squad")) for a, qs in asked if qs]
    x = np.concatenate([p[0] for p, _ in parts])
    y = np.concatenate([p[1] for p, _ in parts])
    kinds = [k for p, _ in parts for k in p[2]]
    corpora = [c for p, c in parts for _ in p[2]]
    return x, y, kinds, corpora


def thresholds(p: np.ndarray, y: np.ndarray, kinds: list[str]) -> tuple[float, float]:
    """The two thresholds by the objective in the module docstring."""
    grid = np.unique(np.round(p, 4))
    answer_at = next((float(t) for t in grid if y[p >= t].mean() >= ANSWER_PRECISION), 1.0)
    on_topic = np.array([k == "on-topic" for k in kinds])
    # the lowest threshold that meets both constraints, wherever it is: walking down from answer_at and
    # stopping at the first miss let a dip of two or three answers just under answer_at end the tier
    ok = [float(t) for t in grid[grid < answer_at]
          if y[(p >= t) & (p < answer_at)].mean() >= POSSIBLE_PRECISION
          and (p[on_topic] >= t).mean() <= MAX_ON_TOPIC_POSSIBLE]
    return answer_at, min(ok, default=answer_at)


def outcomes(p: np.ndarray, y: np.ndarray, kinds: list[str], answer_at: float, possible_at: float) -> dict:
    kinds_a = np.array(kinds)
    ans = kinds_a == "answerable"
    out = {"questions": len(y), "answerable": int(ans.sum()), "on_topic": int((kinds_a == "on-topic").sum()),
           "off_topic": int((kinds_a == "off-topic").sum())}
    answered, possible = p >= answer_at, (p >= possible_at) & (p < answer_at)
    out["answered"] = int(answered.sum())
    out["answered_right"] = float(y[answered].mean()) if answered.any() else None
    out["possible_right"] = float(y[possible].mean()) if possible.any() else None
    out["answerable_wrongly_abstained"] = float((p[ans] < possible_at).mean())
    for k in ("on-topic", "off-topic"):
        if (kinds_a == k).any():
            out[f"{k}_abstained"] = float((p[kinds_a == k] < possible_at).mean())
    return out


def curve_plot(p: np.ndarray, y: np.ndarray, kinds: list[str], answer_at: float, possible_at: float, path: Path) -> None:
    """False answers (unanswerable questions given an answer) against wrong abstentions (answerable
    questions given none), as the threshold moves; both thresholds marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    un = np.array([k != "answerable" for k in kinds])
    ts = np.linspace(0, 1, 101)
    fa = [(p[un] >= t).mean() for t in ts]
    wa = [(p[~un] < t).mean() for t in ts]
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.plot(fa, wa, label="threshold from 0 to 1")
    for t, name in ((answer_at, "answer"), (possible_at, "possible answer")):
        ax.plot([(p[un] >= t).mean()], [(p[~un] < t).mean()], "o", label=f"{name} at {t:.2f}")
    ax.set_xlabel("false answers (share of unanswerable questions answered)")
    ax.set_ylabel("wrong abstentions (share of answerable not answered)")
    ax.set_title("Abstention trade-off, SQuAD train validation articles")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def calibrate(data: Path = SQUAD_TRAIN, reader: ReaderSettings = ReaderSettings(kind=ReaderKind.TRAINED),
              work: Path = Path(".newsdesk/cache"), rank_questions: int = 400, per_kind: int = 300, seed: int = 7,
              plot: Path | None = Path("eval/results/calibration_curve.png"), news: bool = True) -> dict:
    rng = random.Random(seed)
    docs, questions = corpus(seed, data)
    build = BuildSettings()
    folder = work / f"calibration-{seed}"
    (folder / "documents").mkdir(parents=True, exist_ok=True)
    (folder / "documents" / "docs.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    embedder = load_embedder(build.model)
    build_index([folder / "documents"], folder / "index", build, embedder)
    assistant = open_collection(folder / "index", Config(reader=reader), embedder).assistant
    result = {"reader": assistant.reader.name,
              "data": "SQuAD v1.1 train, validation articles (training/splits.py), and eval/newsq's development "
                      "part in its own collection (see eval/experiments/calibrate.py)"}
    by_kind = {k: [q for q in questions if q["kind"] == k] for k in ("answerable", "on-topic", "off-topic")}
    for k in by_kind:
        rng.shuffle(by_kind[k])
    asked_news: list[tuple[Assistant, list[dict]]] = []
    if news:
        news_set, news_qs = news_questions("dev")
        # the same reader object, so the ranker fitted below ranks both corpora's spans
        news_assistant = open_collection(cached_index(news_set, build, embedder), Config(reader=reader), embedder,
                                         assistant.reader).assistant
        asked_news = [(news_assistant, news_qs)]
    if hasattr(assistant.reader, "ranker"):
        assistant.reader.ranker = None  # the ranker is fitted on the reader's unranked candidates
        # SQuAD alone: with news in it the ranker learnt that a sentence repeating the question's words is
        # less often right, true of questions asked from the lead and false of the seeds' (quote hit 87.3
        # -> 82.5), so news joins the confidence only
        ranker, seen = fit_ranker(assistant, by_kind["answerable"][:rank_questions])
        assistant.reader.ranker = ranker
        result["ranker"] = {**ranker.to_json(), "fitted_on": seen}
    sample = (by_kind["answerable"][rank_questions:rank_questions + per_kind]
              + by_kind["on-topic"][:2 * per_kind // 3] + by_kind["off-topic"][:per_kind // 3])
    x, y, kinds, corpora = collect_all([(assistant, sample)] + asked_news)
    w, b = fit_logistic(x, y)
    p = 1 / (1 + np.exp(-(x @ w + b)))
    # what the confidence was fitted on, to study other objectives without asking every question again
    np.savez(folder / "confidence_fit.npz", x=x, y=y, p=p, kinds=np.array(kinds), corpora=np.array(corpora),
             features=np.array(CONFIDENCE_FEATURES))
    answer_at, possible_at = thresholds(p, y, kinds)
    result.update(_model(CONFIDENCE_FEATURES, w, b).to_json())
    measured = {c: outcomes(p[m], y[m], [k for k, keep in zip(kinds, m) if keep], answer_at, possible_at)
                for c in sorted(set(corpora)) for m in [np.array([k == c for k in corpora])]}
    result.update({"threshold": round(answer_at, 4), "possible_threshold": round(possible_at, 4),
                   "objective": {"answer_precision": ANSWER_PRECISION,
                                 "possible_precision": POSSIBLE_PRECISION,
                                 "max_on_topic_possible": MAX_ON_TOPIC_POSSIBLE},
                   "measured": {"all": outcomes(p, y, kinds, answer_at, possible_at), **measured},
                   "bins": M.calibration_bins(list(p), [bool(v) for v in y])})
    if plot:
        curve_plot(p, y, kinds, answer_at, possible_at, plot)
    return result


def save(result: dict, path: Path = CALIBRATION) -> None:
    table = json.loads(path.read_text()) if path.is_file() else {}
    table[result["reader"]] = result
    path.write_text(json.dumps(table, indent=2) + "\n")


if __name__ == "__main__":
    res = calibrate()
    save(res)
    print(json.dumps(res, indent=2))
