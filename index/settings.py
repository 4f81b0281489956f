"""What an index is built with: recorded in its manifest; a change means a rebuild."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_INDEX_DIR = ".newsdesk/index"


def default_index_dir() -> Path:
    """The index folder: $NEWSDESK_INDEX, else .newsdesk/index under the working directory."""
    return Path(os.environ.get("NEWSDESK_INDEX", DEFAULT_INDEX_DIR))


@dataclass(frozen=True)
class BuildSettings:
    """Build-time settings. All but embed_batch shape the on-disk index and are kept in its manifest."""

    model: str = DEFAULT_MODEL
    chunk_chars: int = 600
    chunk_overlap: int = 1  # sentences shared by neighbouring chunks
    bm25_k1: float = 1.5
    bm25_b: float = 0.75
    exact_search_max: int = 50_000  # above this many vectors FAISS uses HNSW
    embed_batch: int = 64  # speed only: not recorded

    def manifest_settings(self) -> dict[str, Any]:
        """The settings that shape the on-disk index."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "embed_batch"}

    def with_(self, **changes: Any) -> "BuildSettings":
        return replace(self, **changes)
