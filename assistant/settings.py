"""What a question is asked with: retrieval, reading and abstention settings, none stored in an index.

Per-question overrides are one mechanism: `settings.with_(top_k=3)` gives a new AskSettings that is
passed down whole; nothing threads single parameters through the layers.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from index.settings import DEFAULT_RUNTIME


class Fusion(str, Enum):
    """How BM25 and dense scores are fused (assistant/retrieval.py)."""

    MINMAX = "minmax"  # weighted min-max normalised scores (default, chosen by measurement)
    RRF = "rrf"  # reciprocal rank fusion


class ReaderKind(str, Enum):
    """Which reader answers: the trained span model, the model-free rules, or trained when shipped."""

    AUTO = "auto"
    TRAINED = "trained"
    RULES = "rules"


def shipped_reader_dir() -> Path:
    """models/reader of the source tree, or of the installed package's data (see pyproject.toml)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "models" / "reader", here / "models" / "reader"):
        if (candidate / "config.json").is_file():
            return candidate
    return here.parent / "models" / "reader"


@dataclass(frozen=True)
class ReaderSettings:
    kind: ReaderKind = ReaderKind.AUTO
    path: Path | None = None  # the trained reader's folder; None: the shipped one
    int8: bool = False  # PyTorch's dynamic int8 quantization of the trained reader (torch runtime only)
    runtime: str = DEFAULT_RUNTIME  # index.runtime.Runtime: torch, onnx or onnx-int8 (README, speed section)

    def folder(self) -> Path:
        return Path(self.path) if self.path else shipped_reader_dir()

    def with_(self, **changes: Any) -> "ReaderSettings":
        return replace(self, **changes)


@dataclass(frozen=True)
class AskSettings:
    top_k: int = 5  # passages retrieved (and shown as nearest when abstaining)
    candidates: int = 40  # candidates per retriever before fusion
    fusion: Fusion = Fusion.MINMAX
    dense_weight: float = 0.6  # chosen by eval/experiments/tune_retrieval.py on SQuAD train articles
    rrf_k: int = 60
    sentence_weight: float = 0.3  # weight of the best sentence's dense score in a chunk's dense score
    # weight of an article's agreeing chunks in the passage order: off, since on newsq dev it put the answer's
    # passage among the three read more often (0.751 -> 0.795 at 0.4) but the answers stayed level (quote hit
    # 34.6 both) and the Super Bowl lost 0.8 F1 (eval/RESULTS.md, eval/experiments/newsq_retrieval.py)
    article_weight: float = 0.0
    read_passages: int | None = None  # passages the reader reads; None: the reader's own measured default
    abstain: bool = True  # False: always answer with the best span (the "reader alone" measurement)
    abstain_below: float = 0.35  # used only when the reader has no calibration
    max_question_chars: int = 2000

    def with_(self, **changes: Any) -> "AskSettings":
        if "fusion" in changes:
            changes["fusion"] = Fusion(changes["fusion"])
        return replace(self, **changes)
