"""CLI commands for journalists: `newsdesk quotes` (who said what) and `newsdesk search` (the list).

    newsdesk quotes [--speaker NAME] ["QUERY" | "What did Ryabkov say about NATO?"] [--json] [-n N] [filters]
    newsdesk search "QUERY" [--sort relevance|date] [--json] [-n N] [filters]
"""
from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from ui.commands import _filters, _query_options, index_dir, settings_from
from ui.render import quotes_text, search_text


def cmd_quotes(args: argparse.Namespace) -> int:
    from assistant.quotes import parse_question, search_quotes
    from index.newsindex import NewsIndex

    query = " ".join(args.query).strip()
    who, what = parse_question(query) if query else (None, "")
    speaker = args.speaker or who
    if not speaker and not what:
        raise ValueError("give words to search the quotations for, or --speaker NAME")
    if args.limit < 1:
        raise ValueError("-n takes a number of at least 1")
    index = NewsIndex(index_dir(args), embed_batch=settings_from(args).build.embed_batch)
    hits = search_quotes(index, what, speaker=speaker, filters=_filters(args), limit=args.limit)
    if args.json:
        print(json.dumps({"speaker": speaker, "query": what, "quotes": [asdict(h) for h in hits]}, indent=2,
                         ensure_ascii=False))
    else:
        print(quotes_text(hits))
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from assistant.retrieval import Retriever
    from assistant.search import search
    from index.newsindex import NewsIndex

    if args.limit < 1:
        raise ValueError("-n takes a number of at least 1")
    cfg = settings_from(args)
    index = NewsIndex(index_dir(args), embed_batch=cfg.build.embed_batch)
    hits = search(index, Retriever(index, cfg.ask), args.query, _filters(args), sort=args.sort, limit=args.limit)
    if args.json:
        print(json.dumps({"query": args.query, "sort": args.sort, "hits": [asdict(h) for h in hits]}, indent=2,
                         ensure_ascii=False))
    else:
        print(search_text(hits))
    return 0


def add_newsroom_commands(sub) -> None:
    q = sub.add_parser("quotes", help="who said what: attributed quotations, by speaker and topic")
    q.add_argument("query", nargs="*", help='words, "who said ...?" or "what did NAME say about ...?"')
    q.add_argument("--speaker", help="only quotations attributed to this person or institution")
    q.add_argument("-n", "--limit", type=int, default=10)
    q.add_argument("--json", action="store_true")
    _query_options(q)
    q.set_defaults(func=cmd_quotes)

    s = sub.add_parser("search", help="matching articles and passages, by relevance or date")
    s.add_argument("query")
    s.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    s.add_argument("-n", "--limit", type=int, default=10)
    s.add_argument("--json", action="store_true")
    _query_options(s)
    s.set_defaults(func=cmd_search)
