"""The fitted models of each reader, read from assistant/calibration.json (written by
eval/experiments/calibrate.py): the cross-passage span ranker and the answer confidence with its
two thresholds (answer, possible answer)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .readers.ranking import Logistic

CALIBRATION = Path(__file__).with_name("calibration.json")


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
