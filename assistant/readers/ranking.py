"""Cross-passage ranking of the trained reader's spans, and the logistic model confidence uses too.

The span model's probabilities come from a softmax over one window, so they do not compare across
passages: a weak span alone in the first passage can outscore a right answer in the third
(Clark & Gardner 2018). Instead of retraining with a shared softmax, a logistic model over evidence
that does compare (the span's log-probability in its window, its raw margin over the window's
no-answer score, the passage's retrieval score and rank, the question's terms in the span's
sentence, whether the span misses the type the question asks for, per kind: date, number, name) gives
P(this span is a right answer).
It is fitted on SQuAD train's validation articles by eval/experiments/calibrate.py and stored in
assistant/calibration.json beside the confidence model.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

RANK_FEATURES = ("span_logp", "null_gap", "retrieval", "inv_rank", "lex", "type_bad_date", "type_bad_number",
                 "type_bad_name", "dense")


@dataclass(frozen=True)
class Logistic:
    """P = sigmoid(bias + sum(w_f * x_f)) over named features (missing features count 0)."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float

    def logit(self, x: dict[str, float]) -> float:
        return self.bias + sum(w * x.get(f, 0.0) for f, w in zip(self.features, self.weights))

    def __call__(self, x: dict[str, float]) -> float:
        z = self.logit(x)
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0

    @staticmethod
    def from_json(d: dict | None) -> "Logistic | None":
        if not d or not {"features", "weights", "bias"} <= set(d):
            return None
        return Logistic(tuple(d["features"]), tuple(float(w) for w in d["weights"]), float(d["bias"]))

    def to_json(self) -> dict:
        return {"features": list(self.features), "weights": [round(w, 4) for w in self.weights],
                "bias": round(self.bias, 4)}
