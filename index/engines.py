"""Build engines: how new articles become sentences, chunks and vectors (single process, or Ray).

An engine turns the documents a build must index (in id order) into Processed: the same articles,
sentences, chunks and vectors whichever engine ran, with sentence ids numbered from first_sentence,
so a store writes them the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from tqdm import tqdm

from .embedding import Embedder
from .loading import LoadResult, RawDocument, load_folder
from .model import Article, Chunk, Sentence
from .prepare import parse_json, split_article
from .settings import BuildSettings


@dataclass
class Processed:
    """New articles with their sentences, chunks, chunk vectors (float32) and sentence vectors."""

    articles: list[Article]
    sentences: list[Sentence]
    chunks: list[Chunk]
    chunk_vecs: np.ndarray
    sent_vecs: np.ndarray
    parses: list[dict | None] = field(default_factory=list)  # each article's stored parse (prepare.parse_json)


@dataclass
class Kept:
    """What a build takes from the previous index: its unchanged articles, in their order, with their
    sentences (ids renumbered from 0), chunks and near-duplicate signatures. rows/vectors are the
    writer's own handle on their vectors (rows of the previous folder, or vectors read back from Milvus)."""

    articles: list[Article]
    sentences: list[Sentence]
    chunks: list[Chunk]
    signatures: np.ndarray
    vectors: Any = None
    parses: list[dict | None] = field(default_factory=list)  # the kept articles' stored parses, in their order


class Engine(Protocol):
    name: str

    def stop(self) -> None:
        """Release what the engine started (a Ray cluster); called once the build is over."""
        ...

    def load(self, paths: list[Path]) -> LoadResult:
        """Every readable document under paths (first of a duplicated id kept, as load_folder)."""
        ...

    def process(self, docs: list[RawDocument], first_sentence: int, settings: BuildSettings,
                embedder: Embedder | None, progress: bool) -> Processed:
        ...


def embed_texts(texts: list[str], embedder: Embedder, progress: bool, what: str, dtype=np.float32,
                block: int = 4096) -> np.ndarray:
    """Vectors for texts, encoded a block at a time into one array."""
    out = np.zeros((len(texts), embedder.dim), dtype)
    with tqdm(total=len(texts), desc=f"embedding {what}", unit=" texts", disable=not progress or not texts) as bar:
        for i in range(0, len(texts), block):
            out[i:i + block] = embedder.encode(texts[i:i + block])
            bar.update(len(texts[i:i + block]))
    return out


def shift(chunks: list[Chunk], by: int) -> list[Chunk]:
    """Chunks with their sentence ids moved by `by` (an article's first sentence in the index)."""
    return [Chunk(c.article_id, c.start, c.end, c.text, tuple(s + by for s in c.sentences)) for c in chunks]


class LocalEngine:
    """This process: prepare each document in turn, embed all chunks then all sentences."""

    name = "local"

    def load(self, paths: list[Path]) -> LoadResult:
        return load_folder(paths)

    def process(self, docs: list[RawDocument], first_sentence: int, settings: BuildSettings,
                embedder: Embedder | None, progress: bool) -> Processed:
        articles, sentences, chunks, parses = [], [], [], []
        for doc in docs:
            article, sents, chs = split_article(doc, settings)
            chunks += shift(chs, first_sentence + len(sentences))
            sentences += sents
            articles.append(article)
            parses.append(parse_json(article, sents))
        chunk_vecs = embed_texts([c.text for c in chunks], embedder, progress, "chunks")
        sent_vecs = embed_texts([s.text for s in sentences], embedder, progress, "sentences", np.float16)
        return Processed(articles, sentences, chunks, chunk_vecs, sent_vecs, parses)


    def stop(self) -> None:
        """Nothing runs beside this process."""


ENGINES = ("local", "ray")
