"""The one settings object, passed explicitly from the CLI or UI down to every stage."""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_INDEX_DIR = ".newsdesk/index"


def default_index_dir() -> Path:
    """The index folder: $NEWSDESK_INDEX, else .newsdesk/index under the working directory."""
    return Path(os.environ.get("NEWSDESK_INDEX", DEFAULT_INDEX_DIR))


@dataclass(frozen=True)
class Settings:
    """Build-time settings (recorded in the manifest) and query-time settings (not)."""

    # --- build time: a change means a rebuild ---
    model: str = DEFAULT_MODEL
    chunk_chars: int = 600
    chunk_overlap: int = 1  # sentences shared by neighbouring chunks
    bm25_k1: float = 1.5
    bm25_b: float = 0.75
    embed_batch: int = 64
    exact_search_max: int = 50_000  # above this many vectors FAISS uses HNSW
    # --- query time ---
    top_k: int = 5
    candidates: int = 40
    fusion: str = "minmax"  # "minmax" (weighted normalized scores) or "rrf"
    dense_weight: float = 0.6  # chosen by eval/tune_retrieval.py on SQuAD train articles
    rrf_k: int = 60
    sentence_weight: float = 0.3  # weight of the best sentence's dense score in a chunk's dense score
    reader: str = "auto"  # "auto" (trained if shipped, else rules), "trained", "rules"
    reader_int8: bool = False  # dynamic int8 quantization of the trained reader on CPU
    abstain_below: float = 0.35  # used only when the reader has no calibration
    abstain: bool = True  # False: always answer with the best span (the "reader alone" measurement)
    max_question_chars: int = 2000

    BUILD_FIELDS = ("model", "chunk_chars", "chunk_overlap", "bm25_k1", "bm25_b", "exact_search_max")

    def build_settings(self) -> dict[str, Any]:
        """The settings that shape the on-disk index."""
        return {k: getattr(self, k) for k in self.BUILD_FIELDS}

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
