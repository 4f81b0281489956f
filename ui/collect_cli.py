"""`newsdesk add URL ... | --feed FEED_URL`: fetch pages into the collection beside the index, then update
the index incrementally. The operator runs the CLI, so it may fetch any address (the chat may not)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from index.build import collection_dir
from index.collect import collect_all, write_and_rebuild
from index.fetch import FetchPolicy
from index.store import IndexUnreadable, read_manifest
from ui.commands import index_dir, settings_from


def _progress(n: int, total: int, url: str) -> None:
    print(f"[{n}/{total}] fetching {url}", file=sys.stderr, flush=True)


def _indexed_ids(root: Path) -> set[str]:
    try:
        return set(read_manifest(root).get("articles", {}))
    except IndexUnreadable:
        return set()


def run_add(args: argparse.Namespace) -> int:
    from index.build import build_index
    from index.embedding import load_embedder

    if not args.urls and not args.feed:
        raise ValueError("give one or more URLs, or --feed FEED_URL")
    if args.timeout <= 0 or args.max_mb <= 0:
        raise ValueError("--timeout and --max-mb take positive numbers")
    root = index_dir(args)
    collection = collection_dir(root)
    policy = FetchPolicy(timeout_s=args.timeout, total_s=max(30.0, 3 * args.timeout),
                         max_bytes=int(args.max_mb * 1024 * 1024), allow_private=True)
    stored = {p.stem for p in collection.glob("*.html")} if collection.is_dir() else set()
    taken = _indexed_ids(root) - stored  # ids of articles from the source folders
    report = collect_all(args.urls, args.feed, collection, policy, taken=taken, progress=_progress)
    for line in report.failed:
        print(f"newsdesk: error: {line}", file=sys.stderr)
    for s in report.staged:
        print(f"{s.status} {s.id} ({s.url})")
    for i in report.unchanged:
        print(f"unchanged {i}")
    if report.staged:
        settings = settings_from(args).build
        embedder = load_embedder(settings.model, settings.embed_batch)
        build = write_and_rebuild(report.staged, root, lambda sources: build_index(
            sources, root, settings, embedder, progress=sys.stderr.isatty(), lock_timeout=60))
        print(f"index {root} now holds {build.articles} articles, {build.chunks} chunks "
              f"({build.embedded} texts embedded, {build.reused} reused) in {build.seconds:.1f} s")
    print(f"newsdesk add: {report.summary()}")
    return 2 if report.failed else 0
