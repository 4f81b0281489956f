"""The `newsdesk` command line: index build/info, ask, chat, eval, bench, reader train.

Logging is configured here and only here. Every error a user can cause prints one line and
exits non-zero; a traceback is shown only with --verbose.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from ui import store_cli  # noqa: E402
from ui.commands import index_dir, runtime_option, settings_from  # noqa: E402

log = logging.getLogger("newsdesk")


class UserError(Exception):
    """An error the user can fix; printed as one line."""


def cmd_index_build(args: argparse.Namespace) -> int:
    from index.build import build_index, is_current
    from index.embedding import load_embedder

    settings = settings_from(args).build
    paths = [Path(p) for p in (args.paths or ["seeds"])]
    for p in paths:
        if not p.exists():
            raise UserError(f"no such folder or file: {p}")
    milvus = store_cli.uses_milvus(args)
    current = store_cli.milvus_is_current if milvus else (lambda a, p, r, s: is_current(p, r, s))
    if not args.force and current(args, paths, index_dir(args), settings):
        print(f"index {index_dir(args) if not milvus else args.store} is up to date with {', '.join(map(str, paths))}")
        return 0
    embedder = load_embedder(settings.model, settings.embed_batch, settings.runtime)
    if milvus:
        report, where = store_cli.build_milvus_index(args, paths, index_dir(args), settings, embedder, sys.stderr.isatty())
    else:
        report, where = build_index(paths, index_dir(args), settings, embedder, progress=sys.stderr.isatty(),
                                    engine=store_cli.build_engine(args)), index_dir(args)
    print(f"indexed {report.articles} articles: {report.sentences} sentences, {report.chunks} chunks "
          f"({report.embedded} texts embedded, {report.reused} reused) into {where} "
          f"in {report.seconds:.1f} s")
    if report.removed:
        print(f"removed {len(report.removed)} articles no longer in the folder: {', '.join(report.removed)}")
    for path, why in report.skipped:
        print(f"skipped {path}: {why}")
    return 0


def cmd_index_info(args: argparse.Namespace) -> int:
    from index.store import current_version, read_snapshot

    root = index_dir(args)
    if store_cli.uses_milvus(args):
        return store_cli.milvus_info(args, root)
    snap = read_snapshot(root)
    m = snap.manifest
    size = sum(f.stat().st_size for f in current_version(root).iterdir())
    if args.json:
        print(json.dumps({"store": "folder", "manifest": m, "bytes": size}, indent=2, ensure_ascii=False))
        return 0
    c = m["counts"]
    print(f"store folder: index {root} ({current_version(root).name}), built {m['built_at']}")
    print(f"model {m['model']['name']} (dim {m['model']['dim']}), built with runtime {m['model'].get('runtime', 'torch')}"
          f"{' (vectors from ' + ', '.join(m['model']['runtimes']) + ')' if len(m['model'].get('runtimes', [])) > 1 else ''}; "
          f"faiss {m['faiss']['chunks']}; "
          f"{size / 1024:.0f} KiB on disk")
    print(f"{c['articles']} articles, {c['sentences']} sentences, {c['chunks']} chunks, {c['bm25_terms']} BM25 terms")
    chunks_per = {}
    for ch in snap.chunks:
        chunks_per[ch.article_id] = chunks_per.get(ch.article_id, 0) + 1
    for a in snap.articles:
        print(f"- {a.id}: {a.title.value if a.title else '(no title)'}")
        print(f"    outlet {a.outlet.value if a.outlet else '-'}; date {a.date.iso if a.date else '-'}"
              f"{' (' + a.date.precision + ')' if a.date else ''}; dateline {a.dateline.value if a.dateline else '-'}; "
              f"{chunks_per.get(a.id, 0)} chunks")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsdesk", description="Extractive question answering over news articles.")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging and tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    idx = sub.add_parser("index", help="build or describe an index").add_subparsers(dest="index_command", required=True)
    b = idx.add_parser("build", help="index folders of articles (incremental)")
    b.add_argument("paths", nargs="*", help="folders or files (default: seeds/)")
    b.add_argument("--index", help="index folder (default: $NEWSDESK_INDEX or .newsdesk/index)")
    b.add_argument("--model", help="sentence-transformers model name or local path")
    b.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    runtime_option(b)
    store_cli.add_store_options(b, build=True)
    b.set_defaults(func=cmd_index_build)
    i = idx.add_parser("info", help="describe an index")
    i.add_argument("--index")
    i.add_argument("--json", action="store_true")
    store_cli.add_store_options(i)
    i.set_defaults(func=cmd_index_info)

    for register in _extra_commands():
        register(sub)
    return p


def _extra_commands():
    from . import commands

    return commands.REGISTER


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        for noisy in ("sentence_transformers", "transformers", "httpx", "faiss"):
            logging.getLogger(noisy).setLevel(logging.ERROR)
    from index.build import BuildError
    from index.embedding import ModelError
    from index.store import IndexUnreadable

    try:
        return int(args.func(args) or 0)
    except (UserError, BuildError, ModelError, IndexUnreadable, FileNotFoundError, ValueError, OSError) as e:
        if args.verbose:
            log.exception("failed")
        print(f"newsdesk: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsdesk: interrupted", file=sys.stderr)
        return 130
    except BaseException as e:  # a bug (a Rust panic is a BaseException): still one line unless --verbose
        if isinstance(e, SystemExit):
            raise
        if args.verbose:
            log.exception("unexpected error")
        print(f"newsdesk: unexpected error ({type(e).__name__}): {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
