"""A training run's settings, importable without torch (the CLI reads its defaults)."""
from __future__ import annotations

from dataclasses import dataclass

from .splits import HELD_OUT, SQUAD_TRAIN
from index.settings import DEFAULT_MODEL


@dataclass(frozen=True)
class TrainConfig:
    """One training run. The command line's defaults are these (ui/commands.py reads them)."""

    data: str = str(SQUAD_TRAIN)
    out: str = ".newsdesk/reader-run"
    base_model: str = DEFAULT_MODEL
    max_examples: int | None = None  # positive windows (negatives come on top)
    epochs: int = 1
    lr: float = 1e-4
    batch: int = 32
    window_chars: int = 600
    max_len: int = 192
    neg_ratio: float = 0.25
    near_miss_ratio: float = 0.0  # fraction of all windows that are near misses (training/negatives.py)
    seed: int = 13
    device: str = "cpu"
    checkpoint_every: int = 50
    max_minutes: float | None = None
    init: str | None = None  # start from this model folder and skip the questions it was trained on

    @staticmethod
    def from_json(d: dict) -> "TrainConfig":
        """A recorded config; runs before training/splits.py recorded the held-out count, which must agree."""
        d = dict(d)
        if d.pop("val_articles", HELD_OUT) != HELD_OUT:
            raise ValueError(f"this run held out a different number of articles than training/splits.py ({HELD_OUT})")
        return TrainConfig(**d)  # runs before near misses have no near_miss_ratio: 0.0, as they were

    def __post_init__(self):
        if not 0.0 <= self.near_miss_ratio < 1.0:
            raise ValueError(f"near_miss_ratio is a fraction of the windows, in [0, 1): {self.near_miss_ratio}")
