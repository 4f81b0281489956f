"""The SQuAD train split, written once: what the reader trains on, what tunes it, what tests it.

The last HELD_OUT articles of SQUAD_TRAIN (20 distinct titles) were never trained on by any stage of the
shipped reader. They split in two, by title:
- VALIDATION (the first half): early stopping, calibration, reading and retrieval sweeps.
- TEST (the second half): sealed; read only for a final report (`newsdesk eval squad-test`).
  Before this split existed (stages 1-2), all 20 were used as validation for sweeps and
  calibration; no weights were ever trained on them.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

SQUAD_TRAIN = Path("../shared/datasets/squad-train/train-v1.1.reconstructed.json")  # from the repository root
SQUAD_TRAIN_SHA256 = "880f521d2c8e48c36c42f9fecf80c58a812198e53c24ba3544ca69a1ee82e63d"
HELD_OUT = 20
VALIDATION_TITLES = ("Mosaic", "University", "Religion_in_ancient_Rome", "YouTube",
                     "Separation_of_church_and_state_in_the_United_States", "Protestantism", "Bras%C3%ADlia",
                     "Economy_of_Greece", "Party_leaders_of_the_United_States_House_of_Representatives", "Armenians")
TEST_TITLES = ("Jehovah%27s_Witnesses", "Dwight_D._Eisenhower", "The_Bronx", "Humanism", "Geological_history_of_Earth",
               "Police", "Punjab,_Pakistan", "Infection", "Hunting", "Kathmandu")
SPLITS = ("train", "validation", "test")


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_articles(path: Path = SQUAD_TRAIN) -> list[dict]:
    """The articles of a SQuAD-format file (SQUAD_TRAIN by default)."""
    return json.loads(Path(path).read_bytes())["data"]


def split(articles: list[dict], name: str) -> list[dict]:
    """One split, by title: validation and test are the titles above, train is every other article
    (in SQUAD_TRAIN, the first 422; in any other SQuAD-format file, all of it)."""
    if name not in SPLITS:
        raise ValueError(f"unknown split {name!r}: use one of {', '.join(SPLITS)}")
    held = {"validation": VALIDATION_TITLES, "test": TEST_TITLES}
    if name == "train":
        return [a for a in articles if a["title"] not in VALIDATION_TITLES + TEST_TITLES]
    return [a for a in articles if a["title"] in held[name]]
