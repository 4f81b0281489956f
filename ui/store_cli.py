"""Command-line options that choose the store (folder or Milvus) and the build engine (local or Ray).

Kept out of ui/cli.py and ui/commands.py so those only call add_store_options / open_store /
build_store / store_info. A Milvus token is read from $NEWSDESK_MILVUS_TOKEN; --milvus-token exists
for scripts, but a token on a command line is visible to every user of the machine.
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from index.settings import BuildSettings

STORES = ("folder", "milvus")
ENGINES = ("local", "ray")


def add_store_options(p: argparse.ArgumentParser, build: bool = False) -> None:
    g = p.add_argument_group("store")
    g.add_argument("--store", choices=STORES, default=os.environ.get("NEWSDESK_STORE", "folder"),
                   help="where the index lives: the FAISS + BM25 folder (default) or Milvus")
    g.add_argument("--milvus-uri", help="Milvus Lite file (path.db) or server URI "
                   "(default: $NEWSDESK_MILVUS_URI, else milvus.db beside the index folder)")
    g.add_argument("--milvus-token", help="Milvus token (prefer $NEWSDESK_MILVUS_TOKEN)")
    g.add_argument("--milvus-name", help="index name inside Milvus (default: $NEWSDESK_MILVUS_COLLECTION or newsdesk)")
    if build:
        g.add_argument("--engine", choices=ENGINES, default="local",
                       help="build in this process, or as Ray Data stages (local Ray, or $RAY_ADDRESS)")
        g.add_argument("--workers", type=int, default=2, help="embedding actors for --engine ray (default 2)")


def milvus_config(args: argparse.Namespace, index_root: Path):
    from index.milvus_store import MilvusConfig

    return MilvusConfig.resolve(getattr(args, "milvus_uri", None), getattr(args, "milvus_token", None),
                                getattr(args, "milvus_name", None), default_uri=Path(index_root).parent / "milvus.db")


def uses_milvus(args: argparse.Namespace) -> bool:
    return getattr(args, "store", "folder") == "milvus"


def open_milvus(args: argparse.Namespace, index_root: Path, settings: BuildSettings):
    """The Milvus store these options name (its model is the one it was built with)."""
    from index.milvus_store import MilvusStore

    return MilvusStore(milvus_config(args, index_root), embed_batch=settings.embed_batch)


def build_engine(args: argparse.Namespace):
    """None for the default single-process build, else the engine the options name."""
    if getattr(args, "engine", "local") == "local":
        return None
    from index.engines import get_engine

    if args.workers < 1:
        raise ValueError("--workers must be at least 1")
    return get_engine(args.engine, args.workers)


def build_milvus_index(args: argparse.Namespace, paths: list[Path], index_root: Path, settings: BuildSettings,
                       embedder, progress: bool):
    """(report, where) for `index build --store milvus`."""
    from index.milvus_store import build_milvus

    config = milvus_config(args, index_root)
    report = build_milvus(paths, config, settings, embedder, progress=progress, engine=build_engine(args))
    return report, f"Milvus index {config.name!r} at {config.shown()}"


def milvus_is_current(args: argparse.Namespace, paths: list[Path], index_root: Path, settings: BuildSettings) -> bool:
    from index.milvus_store import is_current_milvus

    return is_current_milvus(paths, milvus_config(args, index_root), settings)


def milvus_info(args: argparse.Namespace, index_root: Path) -> int:
    """`index info --store milvus`: the manifest and the articles, read from the engine."""
    from index.milvus_store import MilvusStore

    config = milvus_config(args, index_root)
    store = MilvusStore(config, embedder=_Named(config))
    m = store.manifest
    if args.json:
        print(json.dumps({"store": "milvus", "uri": config.shown(), "manifest": m}, indent=2, ensure_ascii=False))
        return 0
    c = m["counts"]
    print(f"store milvus: index {config.name!r} (version {m['version']}) at {config.shown()}, built {m['built_at']} "
          f"by the {m.get('engine', 'local')} engine")
    print(f"model {m['model']['name']} (dim {m['model']['dim']}); dense index {m['dense_index']}; "
          f"BM25 by Milvus (k1 {m['settings']['bm25_k1']}, b {m['settings']['bm25_b']})")
    print(f"{c['articles']} articles, {c['sentences']} sentences, {c['chunks']} chunks, {m['bm25_terms']} BM25 terms")
    for aid in store.articles:
        a = store.articles[aid]
        print(f"- {a.id}: {a.title.value if a.title else '(no title)'}")
        print(f"    outlet {a.outlet.value if a.outlet else '-'}; date {a.date.iso if a.date else '-'}"
              f"{' (' + a.date.precision + ')' if a.date else ''}")
    store.close()
    return 0


class _Named:
    """`index info` reads the manifest and articles without loading the embedding model."""

    def __init__(self, config):
        from index.milvus_store import read_manifest

        m = read_manifest(config.connect(), config.name) or {"model": {"name": "", "dim": 0}}
        self.name, self.dim = m["model"]["name"], m["model"]["dim"]


def open_assistant(args: argparse.Namespace, index_root: Path, cfg):
    """The Assistant over the Milvus store these options name (cfg: ui.commands.Config)."""
    from assistant.pipeline import Assistant

    return Assistant(open_milvus(args, index_root, cfg.build), cfg.ask, reader_settings=cfg.reader)
