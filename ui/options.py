"""Command-line options, and what they name: the settings by concern, the place of the collection, filters.

A Milvus token is read from $NEWSDESK_MILVUS_TOKEN; --milvus-token exists for scripts, but a token on a
command line is visible to every user of the machine.
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from assistant.collection import Collection, Config
from assistant.settings import AskSettings, Fusion, ReaderKind, ReaderSettings
from index.engines import ENGINES
from index.errors import UsageError
from index.place import Place
from index.settings import RUNTIMES, BuildSettings, default_index_dir
from index.store_api import Filters

from .filters import FilterError, parse_day

STORES = ("folder", "milvus")


def _given(args: argparse.Namespace, names: dict[str, str]) -> dict:
    return {field_: getattr(args, flag) for flag, field_ in names.items() if getattr(args, flag, None) is not None}


def settings_from(args: argparse.Namespace) -> Config:
    """The dataclasses' defaults with what the command line overrides (flags left unset mean the default)."""
    return Config(build=BuildSettings().with_(**_given(args, {"model": "model", "runtime": "runtime"})),
                  ask=AskSettings().with_(**_given(args, {"top_k": "top_k", "fusion": "fusion",
                                                           "dense_weight": "dense_weight"})),
                  reader=ReaderSettings().with_(**_given(args, {"reader": "kind", "reader_path": "path",
                                                                   "runtime": "runtime"})))


def index_dir(args: argparse.Namespace) -> Path:
    return Path(args.index) if getattr(args, "index", None) else default_index_dir()


def place_from(args: argparse.Namespace) -> Place:
    """The folder index, or the Milvus index the store options name (its collection folder under --index)."""
    root = index_dir(args)
    if getattr(args, "store", "folder") != "milvus":
        return Place(root)
    from index.milvus_store import MilvusConfig

    config = MilvusConfig.resolve(getattr(args, "milvus_uri", None), getattr(args, "milvus_token", None),
                                  getattr(args, "milvus_name", None), default_uri=root.parent / "milvus.db")
    return Place(root, config)


def collection_from(args: argparse.Namespace, **kw) -> Collection:
    """The collection the command line names, opened with its settings (nothing loaded until used)."""
    return Collection(place_from(args), settings_from(args), **kw)


def build_engine(args: argparse.Namespace):
    """None for the default single-process build, else the engine the options name."""
    if getattr(args, "engine", "local") == "local":
        return None
    from index.build import get_engine

    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    return get_engine(args.engine, args.workers)


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


def runtime_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--runtime", choices=list(RUNTIMES),
                   help="what runs the embedder and the reader (default onnx-int8; torch is the fallback; "
                        "README, speed section)")


def ask_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-k", "--top-k", dest="top_k", type=int, help=f"passages to retrieve (default {AskSettings.top_k})")
    p.add_argument("--fusion", choices=[f.value for f in Fusion])
    p.add_argument("--dense-weight", type=float)
    p.add_argument("--reader", choices=[r.value for r in ReaderKind])
    p.add_argument("--reader-path", help="a trained reader folder (default: the shipped models/reader)")
    runtime_option(p)


def query_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", help="index folder (default: $NEWSDESK_INDEX or .newsdesk/index)")
    ask_options(p)
    p.add_argument("--outlet", action="append", default=[], help="only articles from this outlet (repeatable)")
    p.add_argument("--since", help="only articles dated on or after (YYYY-MM-DD)")
    p.add_argument("--until", help="only articles dated on or before (YYYY-MM-DD)")
    p.add_argument("--article", action="append", default=[], help="only this article id (repeatable)")
    p.add_argument("--events-since", help="only passages stating an event on or after this date (YYYY[-MM[-DD]])")
    p.add_argument("--events-until", help="only passages stating an event on or before this date (YYYY[-MM[-DD]])")
    add_store_options(p)


def filters_from(args: argparse.Namespace) -> Filters:
    since, until = parse_day(args.since, "--since"), parse_day(args.until, "--until", end=True)  # "10/01/2022" refused
    if since and until and since > until:
        raise FilterError(f"--since ({since}) is after --until ({until})")
    filters = Filters(outlets=tuple(args.outlet), since=since, until=until, article_ids=tuple(args.article),
                      event_since=getattr(args, "events_since", None), event_until=getattr(args, "events_until", None))
    try:
        filters.event_range()  # a bad bound is an error before any work
    except ValueError as e:
        raise FilterError(str(e)) from None
    return filters


def positive(value: int, flag: str) -> int:
    if value < 1:
        raise UsageError(f"{flag} takes a number of at least 1")
    return value
