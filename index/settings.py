"""What an index is built with: recorded in its manifest; a change means a rebuild."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DEFAULT_INDEX_DIR = ".newsdesk/index"
# What runs the embedder and the reader by default (index/runtime.py): ONNX Runtime with int8 weights,
# 2.6x the PyTorch reader on one thread at the same F1 and half the answer time (README, speed
# section); torch stays the fallback (`--runtime torch`) and the exporter.
class Runtime(str, Enum):
    """Which engine runs a transformer: PyTorch fp32, ONNX Runtime fp32, or ONNX Runtime with int8 weights."""

    TORCH = "torch"
    ONNX = "onnx"
    ONNX_INT8 = "onnx-int8"

    @property
    def is_onnx(self) -> bool:
        return self is not Runtime.TORCH


RUNTIMES = tuple(r.value for r in Runtime)
DEFAULT_RUNTIME = Runtime.ONNX_INT8.value


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
    # torch | onnx | onnx-int8 (index/runtime.py). Recorded as the manifest's model.runtime, not here:
    # vectors of every runtime are within the measured cosine tolerance (README, speed section), so a
    # change of runtime neither rebuilds the index nor refuses its queries.
    runtime: str = DEFAULT_RUNTIME

    def manifest_settings(self) -> dict[str, Any]:
        """The settings that shape the on-disk index."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("embed_batch", "runtime")}

    def with_(self, **changes: Any) -> "BuildSettings":
        return replace(self, **changes)
