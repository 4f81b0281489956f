"""The CLI commands beyond `index`: ask, chat, eval (bench and reader train register themselves too)."""
from __future__ import annotations

import argparse
import json
import logging
import resource
import shlex
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.guard import ask_guarded
from assistant.settings import AskSettings, Fusion, ReaderKind, ReaderSettings
from training.splits import SQUAD_TRAIN
from index.settings import BuildSettings, default_index_dir
from ui import store_cli
from ui.render import answer_text

log = logging.getLogger(__name__)
REGISTER: list = []


def register(fn):
    REGISTER.append(fn)
    return fn


@dataclass(frozen=True)
class Config:
    """The settings of one run of the program, by concern; each part is passed only where it is read."""

    build: BuildSettings = field(default_factory=BuildSettings)
    ask: AskSettings = field(default_factory=AskSettings)
    reader: ReaderSettings = field(default_factory=ReaderSettings)


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


def _query_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", help="index folder (default: $NEWSDESK_INDEX or .newsdesk/index)")
    _ask_options(p)
    p.add_argument("--outlet", action="append", default=[], help="only articles from this outlet (repeatable)")
    p.add_argument("--since", help="only articles dated on or after (YYYY-MM-DD)")
    p.add_argument("--until", help="only articles dated on or before (YYYY-MM-DD)")
    p.add_argument("--article", action="append", default=[], help="only this article id (repeatable)")
    p.add_argument("--events-since", help="only passages stating an event on or after this date (YYYY[-MM[-DD]])")
    p.add_argument("--events-until", help="only passages stating an event on or before this date (YYYY[-MM[-DD]])")
    store_cli.add_store_options(p)


def _ask_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("-k", "--top-k", dest="top_k", type=int, help=f"passages to retrieve (default {AskSettings.top_k})")
    p.add_argument("--fusion", choices=[f.value for f in Fusion])
    p.add_argument("--dense-weight", type=float)
    p.add_argument("--reader", choices=[r.value for r in ReaderKind])
    p.add_argument("--reader-path", help="a trained reader folder (default: the shipped models/reader)")
    runtime_option(p)


def runtime_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--runtime", choices=["torch", "onnx", "onnx-int8"],
                   help="what runs the embedder and the reader (default onnx-int8; torch is the fallback; "
                        "README, speed section)")


def _filters(args: argparse.Namespace):
    from index.store_api import Filters
    from ui.filters import FilterError, parse_day

    since, until = parse_day(args.since, "--since"), parse_day(args.until, "--until", end=True)  # "10/01/2022" refused
    if since and until and since > until:
        raise FilterError(f"--since ({since}) is after --until ({until})")
    filters = Filters(outlets=tuple(args.outlet), since=since, until=until, article_ids=tuple(args.article),
                      event_since=getattr(args, "events_since", None), event_until=getattr(args, "events_until", None))
    filters.event_range()  # a bad bound is an error before any work
    return filters


def open_from(args: argparse.Namespace, root: Path | None = None):
    """The Assistant over an index folder with the command line's settings."""
    from assistant.pipeline import open_assistant

    cfg = settings_from(args)
    if store_cli.uses_milvus(args):
        return store_cli.open_assistant(args, root or index_dir(args), cfg)
    return open_assistant(root or index_dir(args), cfg.ask, cfg.reader, cfg.build.embed_batch, cfg.build.runtime)


def cmd_ask(args: argparse.Namespace) -> int:

    filters = _filters(args)  # a bad filter is refused before the index and models load
    ans = ask_guarded(open_from(args), args.question, filters=filters)
    print(json.dumps(ans.to_json(), indent=2, ensure_ascii=False) if args.json else answer_text(ans))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    if args.terminal:
        return _terminal_chat(args)
    from ui.app import serve

    cfg = settings_from(args)
    assistant = store_cli.open_assistant(args, index_dir(args), cfg) if store_cli.uses_milvus(args) else None
    return serve(index_dir(args), cfg, host=args.host, port=args.port, auth=args.auth,
                 read_only=args.read_only, allow_private_urls=args.allow_private_urls, assistant=assistant)


def _terminal_chat(args: argparse.Namespace) -> int:
    from assistant.conversation import Conversation

    assistant = open_from(args)
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
                print(answer_text(ask_guarded(assistant, line, conv, filters=_filters(args))))
            except ValueError as e:  # one line, and the chat goes on
                print(f"newsdesk: {e}")
            print()


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.pipeline import Assistant
    from eval.datasets import load_dataset
    from eval.report import metrics_table, write_report
    from eval.runner import cached_index, run, summarize, write_predictions
    from index.embedding import load_embedder
    from index.newsindex import NewsIndex

    if args.dataset == "dates":
        return cmd_eval_dates(args)
    cfg = settings_from(args)
    ask = cfg.ask.with_(abstain=False) if args.gold or args.no_abstain else cfg.ask
    dataset = load_dataset(args.dataset)
    embedder = None
    if args.index:
        root = Path(args.index)
    elif dataset.documents:
        embedder = load_embedder(cfg.build.model, cfg.build.embed_batch, cfg.build.runtime)
        root = cached_index(dataset, cfg.build, embedder)
    else:
        root = default_index_dir()
    assistant = Assistant(NewsIndex(root, embedder, cfg.build.embed_batch, cfg.build.runtime), ask,
                          reader_settings=cfg.reader)
    rows = run(dataset, assistant, limit=args.limit, progress=sys.stderr.isatty(), gold=args.gold)
    summary = summarize(rows)
    summary["dataset"], summary["index"], summary["reader"] = dataset.name, str(root), assistant.reader.name
    summary["mode"] = "reader alone, gold paragraph given" if args.gold else \
        "open corpus, never abstaining" if args.no_abstain else "open corpus"
    command = "newsdesk " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if args.command_line is None else args.command_line
    if args.predictions:
        write_predictions(rows, Path(args.predictions))
    if args.report:
        write_report(summary, rows, Path(args.report), f"{dataset.name} on {root}", command)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{dataset.name}: {len(rows)} questions against {root} (reader: {assistant.reader.name}; {summary['mode']})")
        print(metrics_table(summary))
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from assistant.timeline import build_timeline
    from ui.render import timeline_text

    filters = _filters(args)
    assistant = open_from(args)
    tl = build_timeline(assistant, args.query, filters, k=args.top_k or 12)
    print(json.dumps(tl.to_json(), indent=2, ensure_ascii=False) if args.json else timeline_text(tl))
    return 0


@register
def _add_timeline(sub) -> None:
    t = sub.add_parser("timeline", help="the dated statements and events about a query, in calendar order")
    t.add_argument("query")
    t.add_argument("--json", action="store_true", help="print the timeline as JSON")
    _query_options(t)
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

        row = date_answers(open_from(args, root), load_dataset("seeds").questions, result)
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
    _query_options(a)
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
    _query_options(c)
    c.set_defaults(func=cmd_chat)

    e = sub.add_parser("eval", help="evaluate on a Q&A set (seeds JSONL or SQuAD JSON)")
    e.add_argument("dataset", help="a .jsonl Q&A file, a SQuAD .json file, 'seeds', 'squad-validation' or "
                                      "'squad-test' (SQuAD train's held-out splits; test is sealed for final reports), "
                                      "or 'dates' (date resolution)")
    e.add_argument("--index", help="index to ask (default: the dataset's own cached index, or the default index)")
    e.add_argument("--predictions", help="write predictions JSONL here")
    e.add_argument("--report", help="write report.json, report.md and plots into this folder")
    e.add_argument("--limit", type=int)
    e.add_argument("--json", action="store_true", help="print the metrics as JSON")
    e.add_argument("--gold", action="store_true", help="read only each question's gold source, never abstain "
                                                          "(measures the reader alone)")
    e.add_argument("--no-abstain", action="store_true", help="always answer with the best span (what the "
                                                                "abstention threshold costs in recall)")
    e.add_argument("--command-line", help=argparse.SUPPRESS)
    _ask_options(e)
    e.set_defaults(func=cmd_eval)


def cmd_add(args: argparse.Namespace) -> int:
    from ui.collect_cli import run_add

    return run_add(args)


@register
def _add_add(sub) -> None:
    a = sub.add_parser("add", help="fetch web pages (or a feed's new items) into the collection and index them")
    a.add_argument("urls", nargs="*", metavar="URL", help="http(s) URLs of article pages")
    a.add_argument("--feed", action="append", default=[], metavar="FEED_URL", help="an RSS or Atom feed (repeatable)")
    a.add_argument("--index", help="index folder (default: $NEWSDESK_INDEX or .newsdesk/index)")
    a.add_argument("--model", help="sentence-transformers model name or local path (for a new index)")
    a.add_argument("--timeout", type=float, default=10.0, help="seconds to connect and between reads (default 10)")
    a.add_argument("--max-mb", type=float, default=5.0, help="largest page to fetch, in MB (default 5)")
    a.set_defaults(func=cmd_add)


_TRAIN_FLAGS = ("data", "out", "max_examples", "epochs", "lr", "neg_ratio", "window_chars", "init", "max_minutes",
                "seed", "device")


def cmd_reader_train(args: argparse.Namespace) -> int:
    from training.reader import TrainConfig, train

    if not Path(args.data).is_file():
        raise FileNotFoundError(f"no training data at {args.data}")
    cfg = TrainConfig(**{k: getattr(args, k) for k in _TRAIN_FLAGS})
    if args.init and not (Path(args.init) / "training.json").is_file():
        raise FileNotFoundError(f"{args.init} is not a trained reader folder (no training.json)")
    folder = train(cfg)
    print(f"reader written to {folder}; try it with newsdesk eval SQUAD.json --gold --reader-path {folder}")
    return 0


def cmd_reader_export(args: argparse.Namespace) -> int:
    from training.reader import export_checkpoint

    if not (Path(args.run) / "checkpoint" / "state.json").is_file():
        raise FileNotFoundError(f"no checkpoint in {args.run}")
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

    result = calibrate(Path(args.data), ReaderSettings(kind=ReaderKind(args.reader)))
    save(result)
    print(json.dumps(result, indent=2))
    return 0


@register
def _add_calibrate(sub) -> None:
    c = sub.add_parser("calibrate", help="fit answer confidence and the abstention threshold on SQuAD train")
    c.add_argument("--data", default=str(SQUAD_TRAIN))
    c.add_argument("--reader", choices=[r.value for r in ReaderKind], default=ReaderKind.AUTO.value)
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
        from index.newsindex import NewsIndex

        cfg = settings_from(args)
        t0 = time.perf_counter()
        index = NewsIndex(Path(args.index), embed_batch=cfg.build.embed_batch, runtime=cfg.build.runtime)
        load_s = time.perf_counter() - t0
        lat, recall = measure(index, cfg.ask, cfg.reader, args.questions)
        print(f"{args.index}: {index.manifest['counts']['chunks']} chunks ({index.manifest['faiss']['chunks']}), "
              f"loaded in {load_s:.2f} s; {lat.pop('questions')} questions, reader {lat.pop('reader')}, "
              f"recall@10 {recall} (ids {lat.pop('recall@10_ids')}), peak RSS "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        for stage in ("bm25", "dense", "fused", "answer"):
            print(f"  {stage:7s} p50 {lat[f'{stage}_p50_ms']:7.2f} ms   p95 {lat[f'{stage}_p95_ms']:7.2f} ms")
        if args.compare:
            from eval.bench import bench_questions
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
        raise ValueError("--sizes takes chunk counts of at least 10, e.g. 1000,10000")
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


from ui.newsroom import add_newsroom_commands  # noqa: E402  (quotes, search)

REGISTER.append(add_newsroom_commands)
