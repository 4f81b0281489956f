"""The CLI's commands: each opens the collection its options name (ui/options.py -> assistant/collection.py)
and prints what it gets. Every command registers its own sub-parser (REGISTER, read by ui/cli.py)."""
from __future__ import annotations

import argparse
import json
import logging
import resource
import shlex
import sys
import time
from dataclasses import asdict
from pathlib import Path

from assistant.conversation import Conversation
from assistant.settings import ReaderKind, ReaderSettings
from index.errors import MissingPath, UsageError
from index.settings import default_index_dir
from training.splits import SQUAD_TRAIN

from .options import (
    add_store_options,
    ask_options,
    build_engine,
    collection_from,
    filters_from,
    index_dir,
    positive,
    query_options,
    runtime_option,
    settings_from,
)
from .render import answer_text, quotes_text, search_text, timeline_text

log = logging.getLogger(__name__)
REGISTER: list = []


def register(fn):
    REGISTER.append(fn)
    return fn


def cmd_index_build(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in (args.paths or ["seeds"])]
    for p in paths:
        if not p.exists():
            raise MissingPath(f"no such folder or file: {p}")
    collection = collection_from(args)
    if not args.force and collection.is_current(paths):
        print(f"index {collection.place.shown()} is up to date with {', '.join(map(str, paths))}")
        return 0
    report = collection.build(paths, progress=sys.stderr.isatty(), engine=build_engine(args))
    for notice in report.notices:
        print(f"newsdesk: {notice}")
    print(f"indexed {report.articles} articles: {report.sentences} sentences, {report.chunks} chunks "
          f"({report.embedded} texts embedded, {report.reused} reused) into {report.where} "
          f"in {report.seconds:.1f} s")
    if report.removed:
        print(f"removed {len(report.removed)} articles no longer in the folder: {', '.join(report.removed)}")
    for path, why in report.skipped:
        print(f"skipped {path}: {why}")
    return 0


def cmd_index_info(args: argparse.Namespace) -> int:
    store = collection_from(args).store if args.store == "milvus" else None
    if store is not None:
        return _milvus_info(args, store)
    from index.store import current_version, read_snapshot

    root = index_dir(args)
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
    chunks_per: dict[str, int] = {}
    for ch in snap.chunks:
        chunks_per[ch.article_id] = chunks_per.get(ch.article_id, 0) + 1
    for a in snap.articles:
        print(f"- {a.id}: {a.title.value if a.title else '(no title)'}")
        print(f"    outlet {a.outlet.value if a.outlet else '-'}; date {a.date.iso if a.date else '-'}"
              f"{' (' + a.date.precision + ')' if a.date else ''}; dateline {a.dateline.value if a.dateline else '-'}; "
              f"{chunks_per.get(a.id, 0)} chunks")
    return 0


def _milvus_info(args: argparse.Namespace, store) -> int:
    """`index info --store milvus`: the manifest and the articles, read from the engine."""
    m, config = store.manifest, store.config
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
    return 0


@register
def _add_index(sub) -> None:
    idx = sub.add_parser("index", help="build or describe an index").add_subparsers(dest="index_command", required=True)
    b = idx.add_parser("build", help="index folders of articles (incremental)")
    b.add_argument("paths", nargs="*", help="folders or files (default: seeds/)")
    b.add_argument("--index", help="index folder (default: $NEWSDESK_INDEX or .newsdesk/index)")
    b.add_argument("--model", help="sentence-transformers model name or local path")
    b.add_argument("--force", action="store_true", help="rebuild even when the index is up to date")
    runtime_option(b)
    add_store_options(b, build=True)
    b.set_defaults(func=cmd_index_build)
    i = idx.add_parser("info", help="describe an index")
    i.add_argument("--index")
    i.add_argument("--json", action="store_true")
    add_store_options(i)
    i.set_defaults(func=cmd_index_info)


def cmd_ask(args: argparse.Namespace) -> int:
    filters = filters_from(args)  # a bad filter is refused before the index and models load
    ans = collection_from(args).ask(args.question, filters=filters)
    print(json.dumps(ans.to_json(), indent=2, ensure_ascii=False) if args.json else answer_text(ans))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    if args.terminal:
        return _terminal_chat(args)
    from index.fetch import FetchPolicy

    from .app import serve

    collection = collection_from(args, fetch_policy=FetchPolicy(allow_private=args.allow_private_urls))
    return serve(collection, host=args.host, port=args.port, auth=args.auth, read_only=args.read_only)


def _terminal_chat(args: argparse.Namespace) -> int:
    collection = collection_from(args).warm_up()
    conv = Conversation()
    print("newsdesk chat: ask about the articles; /new starts a new conversation, /quit or Ctrl-D leaves.")
    while True:
        try:
            line = input("you> ").strip()
        except EOFError:
            print()
            return 0
        if line in ("/quit", "/exit"):
            return 0
        if line == "/new":
            conv.clear()
            print("(new conversation)")
            continue
        if line:
            try:
                print(answer_text(collection.ask(line, conv, filters=filters_from(args))))
            except ValueError as e:  # one line, and the chat goes on
                print(f"newsdesk: {e}")
            print()


def cmd_eval(args: argparse.Namespace) -> int:
    from eval.datasets import load_dataset, only_split
    from eval.report import metrics_table, write_report
    from eval.runner import (
        cached_index,
        open_collection,
        run,
        summarize,
        write_predictions,
    )
    from index.embedding import load_embedder

    if args.dataset == "dates":
        return cmd_eval_dates(args)
    cfg = settings_from(args)
    ask = cfg.ask.with_(abstain=False) if args.gold or args.no_abstain else cfg.ask
    dataset = load_dataset(args.dataset)
    if args.split:
        dataset = only_split(dataset, args.split)
    embedder = None
    if args.index:
        root = Path(args.index)
    elif dataset.documents:
        embedder = load_embedder(cfg.build.model, cfg.build.embed_batch, cfg.build.runtime)
        root = cached_index(dataset, cfg.build, embedder)
    else:
        root = default_index_dir()
    assistant = open_collection(root, cfg.with_ask(ask), embedder).assistant
    rows = run(dataset, assistant, limit=args.limit, progress=sys.stderr.isatty(), gold=args.gold)
    summary = summarize(rows)
    name = dataset.name + (f" ({dataset.split})" if dataset.split else "")
    summary["dataset"], summary["index"], summary["reader"] = name, str(root), assistant.reader.name
    summary["mode"] = "reader alone, gold paragraph given" if args.gold else \
        "open corpus, never abstaining" if args.no_abstain else "open corpus"
    command = "newsdesk " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if args.command_line is None else args.command_line
    if args.predictions:
        write_predictions(rows, Path(args.predictions))
    if args.report:
        write_report(summary, rows, Path(args.report), f"{name} on {root}", command)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{name}: {len(rows)} questions against {root} (reader: {assistant.reader.name}; {summary['mode']})")
        print(metrics_table(summary))
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    filters = filters_from(args)
    tl = collection_from(args).timeline(args.query, filters, k=args.top_k or 12)
    print(json.dumps(tl.to_json(), indent=2, ensure_ascii=False) if args.json else timeline_text(tl))
    return 0


@register
def _add_timeline(sub) -> None:
    t = sub.add_parser("timeline", help="the dated statements and events about a query, in calendar order")
    t.add_argument("query")
    t.add_argument("--json", action="store_true", help="print the timeline as JSON")
    query_options(t)
    t.set_defaults(func=cmd_timeline)


def cmd_eval_dates(args: argparse.Namespace) -> int:
    """`newsdesk eval dates`: date-resolution accuracy on eval/dates_gold.jsonl, and the date-answer row
    over the seed Q&A when an index of the seeds is there."""
    from eval.dates import answers_table, date_answers, measure, table

    result = measure()
    row = None
    root = index_dir(args)
    if (root / "CURRENT").is_file():
        from eval.datasets import load_dataset

        row = date_answers(collection_from(args).assistant, load_dataset("seeds").questions, result)
    if args.json:
        out = {k: result[k] for k in ("all", "seeds", "own", "invented_years", "gold")}
        out["date_answers"] = row
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(f"date resolution on {result['gold']}")
    print(table(result))
    print()
    print(answers_table(row) if row else f"(no index at {root}: build one with `newsdesk index build seeds` for the "
                                          "date-answer row)")
    return 0


@register
def _add_commands(sub) -> None:
    a = sub.add_parser("ask", help="answer one question")
    a.add_argument("question")
    a.add_argument("--json", action="store_true", help="print the Answer as JSON")
    query_options(a)
    a.set_defaults(func=cmd_ask)

    c = sub.add_parser("chat", help="the chat UI (or --terminal)")
    c.add_argument("--terminal", action="store_true", help="chat in this terminal")
    c.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    c.add_argument("--port", type=int, default=7860)
    c.add_argument("--auth", action="append", metavar="USER:PASSWORD[:ROLE]",
                   help="a user of the UI, role reader (default) or editor; repeatable (or $NEWSDESK_AUTH, comma-separated)")
    c.add_argument("--read-only", action="store_true", help="nobody can add or remove articles from the page")
    c.add_argument("--allow-private-urls", action="store_true",
                   help="let the page fetch loopback, private and link-local addresses (refused by default)")
    query_options(c)
    c.set_defaults(func=cmd_chat)

    e = sub.add_parser("eval", help="evaluate on a Q&A set (seeds JSONL or SQuAD JSON)")
    e.add_argument("dataset", help="a .jsonl Q&A file, a SQuAD .json file, 'seeds', 'squad-validation' or "
                                      "'squad-test' (SQuAD train's held-out splits; test is sealed for final reports), "
                                      "or 'dates' (date resolution)")
    e.add_argument("--index", help="index to ask (default: the dataset's own cached index, or the default index)")
    e.add_argument("--predictions", help="write predictions JSONL here")
    e.add_argument("--report", help="write report.json, report.md and plots into this folder")
    e.add_argument("--limit", type=int)
    e.add_argument("--split", choices=["dev", "test"], help="only the questions of this split (a set that names "
                                                              "them, e.g. eval/shapes; test is sealed)")
    e.add_argument("--json", action="store_true", help="print the metrics as JSON")
    e.add_argument("--gold", action="store_true", help="read only each question's gold source, never abstain "
                                                          "(measures the reader alone)")
    e.add_argument("--no-abstain", action="store_true", help="always answer with the best span (what the "
                                                                "abstention threshold costs in recall)")
    e.add_argument("--command-line", help=argparse.SUPPRESS)
    ask_options(e)
    e.set_defaults(func=cmd_eval)


def cmd_add(args: argparse.Namespace) -> int:
    """`newsdesk add URL ... | --feed FEED_URL`: fetch pages into the collection's own folder, then update the
    index incrementally. The operator runs the CLI, so it may fetch any address (the chat may not)."""
    from index.fetch import FetchPolicy

    if not args.urls and not args.feed:
        raise UsageError("give one or more URLs, or --feed FEED_URL")
    if args.timeout <= 0 or args.max_mb <= 0:
        raise UsageError("--timeout and --max-mb take positive numbers")
    policy = FetchPolicy(timeout_s=args.timeout, total_s=max(30.0, 3 * args.timeout),
                         max_bytes=int(args.max_mb * 1024 * 1024), allow_private=True)
    collection = collection_from(args, fetch_policy=policy)

    def progress(n: int, total: int, url: str) -> None:
        print(f"[{n}/{total}] fetching {url}", file=sys.stderr, flush=True)

    report, rebuilt = collection.add_web(args.urls, args.feed, progress=progress)
    for line in report.failed:
        print(f"newsdesk: error: {line}", file=sys.stderr)
    for s in report.staged:
        print(f"{s.status} {s.id} ({s.url})")
    for i in report.unchanged:
        print(f"unchanged {i}")
    if rebuilt:
        print(f"index {collection.place.shown()} now holds {rebuilt}")
    print(f"newsdesk add: {report.summary()}")
    return 2 if report.failed else 0


@register
def _add_add(sub) -> None:
    a = sub.add_parser("add", help="fetch web pages (or a feed's new items) into the collection and index them")
    a.add_argument("urls", nargs="*", metavar="URL", help="http(s) URLs of article pages")
    a.add_argument("--feed", action="append", default=[], metavar="FEED_URL", help="an RSS or Atom feed (repeatable)")
    a.add_argument("--index", help="index folder (default: $NEWSDESK_INDEX or .newsdesk/index)")
    a.add_argument("--model", help="sentence-transformers model name or local path (for a new index)")
    runtime_option(a)
    add_store_options(a)
    a.add_argument("--timeout", type=float, default=10.0, help="seconds to connect and between reads (default 10)")
    a.add_argument("--max-mb", type=float, default=5.0, help="largest page to fetch, in MB (default 5)")
    a.set_defaults(func=cmd_add)


_TRAIN_FLAGS = ("data", "out", "max_examples", "epochs", "lr", "neg_ratio", "window_chars", "init", "max_minutes",
                "seed", "device", "near_miss_ratio")


def cmd_reader_train(args: argparse.Namespace) -> int:
    from training.reader import TrainConfig, train

    if not Path(args.data).is_file():
        raise MissingPath(f"no training data at {args.data}")
    cfg = TrainConfig(**{k: getattr(args, k) for k in _TRAIN_FLAGS})
    if args.init and not (Path(args.init) / "training.json").is_file():
        raise MissingPath(f"{args.init} is not a trained reader folder (no training.json)")
    folder = train(cfg)
    print(f"reader written to {folder}; try it with newsdesk eval SQUAD.json --gold --reader-path {folder}")
    return 0


def cmd_reader_export(args: argparse.Namespace) -> int:
    from training.reader import export_checkpoint

    if not (Path(args.run) / "checkpoint" / "state.json").is_file():
        raise MissingPath(f"no checkpoint in {args.run}")
    folder = export_checkpoint(Path(args.run), Path(args.out) if args.out else None)
    print(f"exported {folder}")
    return 0


@register
def _add_reader(sub) -> None:
    from training.config import (
        TrainConfig,  # defaults come from the dataclass; no torch imported here
    )

    d = TrainConfig()
    r = sub.add_parser("reader", help="train the span reader").add_subparsers(dest="reader_command", required=True)
    t = r.add_parser("train", help="fine-tune MiniLM as a span reader on SQuAD v1.1 train (resumable)")
    t.add_argument("--data", default=d.data)
    t.add_argument("--out", default=d.out)
    t.add_argument("--max-examples", type=int, default=d.max_examples, help="positive windows to train on (default: all)")
    t.add_argument("--epochs", type=int, default=d.epochs)
    t.add_argument("--lr", type=float, default=d.lr)
    t.add_argument("--neg-ratio", type=float, default=d.neg_ratio, help="hard negatives per question")
    t.add_argument("--window-chars", type=int, default=d.window_chars, help="training window size in characters")
    t.add_argument("--near-miss-ratio", type=float, default=d.near_miss_ratio,
                   help="fraction of the windows that are near-miss unanswerable questions (training/negatives.py)")
    t.add_argument("--init", default=d.init, help="start from this reader folder (e.g. models/reader) and train "
                                                  "only on questions it has not seen")
    t.add_argument("--max-minutes", type=float, default=d.max_minutes,
                   help="stop (with a checkpoint) after this long; rerun to resume")
    t.add_argument("--seed", type=int, default=d.seed)
    t.add_argument("--device", choices=["cpu", "cuda"], default=d.device)
    t.set_defaults(func=cmd_reader_train)
    x = r.add_parser("export", help="export the latest checkpoint of a run as a model folder")
    x.add_argument("--run", default=d.out)
    x.add_argument("--out", help="copy the model folder here (e.g. models/reader)")
    x.set_defaults(func=cmd_reader_export)


def cmd_reader_calibrate(args: argparse.Namespace) -> int:
    from eval.experiments.calibrate import calibrate, save

    result = calibrate(Path(args.data), ReaderSettings(kind=ReaderKind(args.reader), path=args.reader_path),
                       news=not args.no_news)
    save(result)
    print(json.dumps(result, indent=2))
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    """`newsdesk prepare`: export the embedder and the reader for the runtime now (make does this once), so
    that no question waits for it; a runtime already prepared is only checked."""
    from assistant.readers import load_reader
    from index.embedding import load_embedder

    cfg = settings_from(args)
    load_embedder(cfg.build.model, cfg.build.embed_batch, cfg.build.runtime)
    reader = load_reader(cfg.reader)
    print(f"runtime {cfg.build.runtime} ready: embedder {cfg.build.model}, reader {reader.name}")
    return 0


@register
def _add_prepare(sub) -> None:
    p = sub.add_parser("prepare", help="export the embedder and the reader for the runtime (once; make runs it)")
    p.add_argument("--model", help="sentence-transformers model name or local path")
    ask_options(p)
    p.set_defaults(func=cmd_prepare)


@register
def _add_calibrate(sub) -> None:
    c = sub.add_parser("calibrate", help="fit the span ranker, answer confidence and its thresholds on SQuAD "
                       "train's validation articles and eval/newsq's development part")
    c.add_argument("--data", default=str(SQUAD_TRAIN))
    c.add_argument("--reader", choices=[r.value for r in ReaderKind], default=ReaderKind.AUTO.value)
    c.add_argument("--reader-path", help="a trained reader folder (default: the shipped models/reader)")
    c.add_argument("--no-news", action="store_true", help="SQuAD alone, as before issue 28 (for comparison)")
    c.set_defaults(func=cmd_reader_calibrate)


def cmd_bench(args: argparse.Namespace) -> int:
    from eval.bench import measure, run, table

    if args.stores:  # a row per store and build engine (eval/compare_stores.py), each size a synthetic corpus
        from eval.compare_stores import main as compare_stores

        for size in args.sizes.split(","):
            compare_stores(["--synthetic", size, "--stores", args.stores, "--engines", args.engines,
                            "--limit", str(args.questions), "--work", str(Path(args.out) / "stores")])
        return 0
    if args.index:  # latency of an existing index only (e.g. the seeds)
        cfg = settings_from(args)
        t0 = time.perf_counter()
        index = collection_from(args).store
        load_s = time.perf_counter() - t0
        lat, recall = measure(index, cfg.ask, cfg.reader, args.questions)
        print(f"{args.index}: {index.manifest['counts']['chunks']} chunks ({index.manifest['faiss']['chunks']}), "
              f"loaded in {load_s:.2f} s; {lat.pop('questions')} questions, reader {lat.pop('reader')}, "
              f"recall@10 {recall} (ids {lat.pop('recall@10_ids')}), peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        for stage in ("bm25", "dense", "fused", "answer"):
            print(f"  {stage:7s} p50 {lat[f'{stage}_p50_ms']:7.2f} ms   p95 {lat[f'{stage}_p95_ms']:7.2f} ms")
        if args.compare:
            from eval.datasets import bench_questions
            from eval.speed import compare

            print(json.dumps(compare(Path(args.index), bench_questions(args.questions)), indent=2))
        return 0
    if args.search_only:
        from eval.speed import search_only_main

        search_only_main([int(s) for s in args.search_only.split(",")], Path(args.out), args.hnsw_m,
                         args.ef_construction)
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if not sizes or min(sizes) < 10:
        raise UsageError("--sizes takes chunk counts of at least 10, e.g. 1000,10000")
    rows = run(sizes, Path(args.out), args.questions)
    print(table(rows))
    print(f"written to {Path(args.out) / 'bench.json'}")
    return 0


@register
def _add_bench(sub) -> None:
    b = sub.add_parser("bench", help="build, latency, memory and recall from 1k to 100k chunks")
    b.add_argument("--sizes", default="1000,10000,100000")
    b.add_argument("--out", default=".newsdesk/bench")
    b.add_argument("--index", help="measure latency on this existing index instead of building corpora")
    b.add_argument("--questions", type=int, default=200)
    b.add_argument("--compare", action="store_true",
                   help="with --index: torch against onnx-int8, interleaved (query embedding, reader, answer)")
    b.add_argument("--search-only", help="vector counts (e.g. 100000,1000000): search latency, recall and memory "
                                         "for vectors drawn from real ones, no embedding")
    b.add_argument("--hnsw-m", type=int, help="with --search-only: HNSW's M (default: the index's for that size)")
    b.add_argument("--ef-construction", type=int,
                   help="with --search-only: HNSW's efConstruction (default: the index's for that size)")
    runtime_option(b)
    b.add_argument("--stores", help="compare stores instead, e.g. folder,milvus (needs the scale extra)")
    b.add_argument("--engines", default="local", help="with --stores: build engines, e.g. local,ray")
    b.set_defaults(func=cmd_bench)


def cmd_quotes(args: argparse.Namespace) -> int:
    """`newsdesk quotes`: attributed quotations, by speaker and topic."""
    positive(args.limit, "-n")
    speaker, what, hits = collection_from(args).quotes(" ".join(args.query).strip(), speaker=args.speaker,
                                                       filters=filters_from(args), limit=args.limit)
    if args.json:
        print(json.dumps({"speaker": speaker, "query": what, "quotes": [asdict(h) for h in hits]}, indent=2,
                         ensure_ascii=False))
    else:
        print(quotes_text(hits))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """`newsdesk search`: matching articles and passages, by relevance or date."""
    positive(args.limit, "-n")
    hits = collection_from(args).search(args.query, filters_from(args), sort=args.sort, limit=args.limit)
    if args.json:
        print(json.dumps({"query": args.query, "sort": args.sort, "hits": [asdict(h) for h in hits]}, indent=2,
                         ensure_ascii=False))
    else:
        print(search_text(hits))
    return 0


@register
def _add_newsroom(sub) -> None:
    q = sub.add_parser("quotes", help="who said what: attributed quotations, by speaker and topic")
    q.add_argument("query", nargs="*", help='words, "who said ...?" or "what did NAME say about ...?"')
    q.add_argument("--speaker", help="only quotations attributed to this person or institution")
    q.add_argument("-n", "--limit", type=int, default=10)
    q.add_argument("--json", action="store_true")
    query_options(q)
    q.set_defaults(func=cmd_quotes)

    s = sub.add_parser("search", help="matching articles and passages, by relevance or date")
    s.add_argument("query")
    s.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    s.add_argument("-n", "--limit", type=int, default=10)
    s.add_argument("--json", action="store_true")
    query_options(s)
    s.set_defaults(func=cmd_search)
