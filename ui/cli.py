"""The `newsdesk` command line: index build/info, ask, chat, timeline, quotes, search, add, eval, bench,
reader train/export, calibrate (ui/commands.py).

Logging is configured here and only here. Every error a user can cause (index.errors.NewsdeskError)
prints one line and exits 2; a traceback is shown only with --verbose.
"""
from __future__ import annotations

import argparse
import logging
import sys

from index.environment import quiet_libraries, set_offline, show_progress

set_offline()  # before any library that reads these at import

from index.errors import NewsdeskError  # noqa: E402

from . import commands  # noqa: E402

log = logging.getLogger("newsdesk")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsdesk", description="Extractive question answering over news articles.")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging, library warnings and tracebacks")
    sub = p.add_subparsers(dest="command", required=True)
    for register in commands.REGISTER:
        register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    show_progress()
    if not args.verbose:
        quiet_libraries()
    try:
        return int(args.func(args) or 0)
    except (NewsdeskError, OSError) as e:  # OSError: the disk or the network said no; one line either way
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
