"""Shared fixtures: the seed articles, a fast fake embedder, and the seed index built once with the real model."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from index.build import build_index
from index.prepare import prepare  # noqa: E402
from index.embedding import FakeEmbedder, load_embedder  # noqa: E402
from index.loading import load_folder  # noqa: E402
from index.settings import BuildSettings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seed_docs():
    return {d.id: d for d in load_folder([SEEDS]).documents}


@pytest.fixture(scope="session")
def seed_prepared(seed_docs):
    """id -> (Article, sentences) for the five seeds."""
    return {i: prepare(d, BuildSettings()) for i, d in seed_docs.items()}


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def fake_settings() -> BuildSettings:
    return BuildSettings(model="fake-hash-64")


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(SEEDS, dst)
    return dst


@pytest.fixture(scope="session")
def real_embedder():
    return load_embedder(BuildSettings().model)


@pytest.fixture(scope="session")
def seed_index_dir(tmp_path_factory, real_embedder) -> Path:
    """The seed index, built once per session with the real model."""
    root = tmp_path_factory.mktemp("seed-index") / "index"
    build_index([SEEDS], root, BuildSettings(), real_embedder)
    return root


@pytest.fixture(scope="session")
def seed_assistant(seed_index_dir):
    """The assistant over the seed index with the shipped trained reader (an error, not a silent fallback,
    when its weights are missing)."""
    from assistant.pipeline import Assistant
    from assistant.settings import AskSettings, ReaderKind, ReaderSettings
    from index.newsindex import NewsIndex

    return Assistant(NewsIndex(seed_index_dir), AskSettings(), reader_settings=ReaderSettings(kind=ReaderKind.TRAINED))


@pytest.fixture(scope="session")
def rules_assistant(seed_assistant):
    from assistant.pipeline import Assistant
    from assistant.readers import RuleReader

    return Assistant(seed_assistant.store, seed_assistant.settings, reader=RuleReader())


@pytest.fixture(scope="session")
def seeds_qa():
    from eval.datasets import load_dataset

    return load_dataset("seeds")
