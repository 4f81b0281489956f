"""Evaluation metrics: SQuAD v1.1 answer scores, retrieval hit@k and MRR, abstention, calibration.

normalize(s): lowercase, drop punctuation, drop the articles a/an/the, collapse whitespace
    (the official SQuAD v1.1 evaluation script's normalization).
EM  = max over gold answers of [normalize(pred) == normalize(gold)]
F1  = max over gold answers of the harmonic mean of token precision and recall
hit@k = 1 if a gold source is among the first k retrieved articles;  MRR = 1 / rank of the first gold.
"""
from __future__ import annotations

import re
import string
from collections import Counter

_PUNCT = set(string.punctuation) | set("‘’“”—–…«»")


def normalize(s: str) -> str:
    s = s.lower()
    s = "".join(ch for ch in s if ch not in _PUNCT)
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def exact_match(pred: str | None, golds: list[str]) -> float:
    if pred is None or not golds:
        return 0.0
    p = normalize(pred)
    return float(any(p == normalize(g) for g in golds))


def _f1(pred: str, gold: str) -> float:
    p, g = normalize(pred).split(), normalize(gold).split()
    common = Counter(p) & Counter(g)
    same = sum(common.values())
    if not p or not g:
        return float(p == g)
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def f1(pred: str | None, golds: list[str]) -> float:
    if pred is None or not golds:
        return 0.0
    return max(_f1(pred, g) for g in golds)


def quote_hit(quote: str | None, golds: list[str]) -> float:
    """1 when a gold answer lies inside the quoted sentence (both normalized)."""
    if not quote:
        return 0.0
    q = f" {normalize(quote)} "
    return float(any(normalize(g) and f" {normalize(g)} " in q for g in golds))


def hit_at(ranked: list[str], gold: set[str], k: int) -> float:
    return float(any(r in gold for r in ranked[:k]))


def reciprocal_rank(ranked: list[str], gold: set[str]) -> float:
    for i, r in enumerate(ranked, 1):
        if r in gold:
            return 1.0 / i
    return 0.0


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def percentile(xs: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not xs:
        return 0.0
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def abstention(answerable: list[bool], abstained: list[bool]) -> dict[str, float | int]:
    """Share of unanswerable questions abstained, and share of answerable ones wrongly abstained."""
    un = [a for ok, a in zip(answerable, abstained) if not ok]
    an = [a for ok, a in zip(answerable, abstained) if ok]
    return {"unanswerable": len(un), "abstained_on_unanswerable": mean([float(a) for a in un]) if un else None,
            "answerable": len(an), "wrongly_abstained": mean([float(a) for a in an]) if an else None}


def calibration_bins(confidences: list[float], correct: list[bool], edges=(0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)) -> list[dict]:
    """Accuracy of the answers whose confidence falls in each bin."""
    rows = []
    for lo, hi in zip(edges, edges[1:]):
        idx = [i for i, c in enumerate(confidences) if lo <= c < hi]
        rows.append({"bin": f"{lo:.1f}-{min(hi, 1.0):.1f}", "n": len(idx),
                     "accuracy": mean([float(correct[i]) for i in idx]) if idx else None,
                     "mean_confidence": mean([confidences[i] for i in idx]) if idx else None})
    return rows
