"""The fitted models of each reader, read from assistant/calibration.json (written by
eval/experiments/calibrate.py): the cross-passage span ranker and the answer confidence with its
two thresholds (answer, possible answer)."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

CALIBRATION = Path(__file__).with_name("calibration.json")

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

@dataclass(frozen=True)
class Calibration:
    confidence: Logistic
    answer_at: float  # confidence at or above: answered
    possible_at: float  # at or above (and below answer_at): a possible answer; below: abstained
    ranker: Logistic | None = None

def calibration_entry(reader_name: str, path: Path = CALIBRATION) -> dict:
    if not path.is_file():
        return {}
    return json.loads(path.read_text()).get(reader_name) or {}

def load_calibration(reader_name: str, path: Path = CALIBRATION) -> Calibration | None:
    """This reader's calibration, or None when it has not been calibrated."""
    entry = calibration_entry(reader_name, path)
    confidence = Logistic.from_json(entry)
    if confidence is None or "threshold" not in entry:
        return None
    answer_at = float(entry["threshold"])
    return Calibration(confidence, answer_at, float(entry.get("possible_threshold", answer_at)),
                       Logistic.from_json(entry.get("ranker")))
