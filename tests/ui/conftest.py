"""The chat server the UI tests talk to: started once on a free port of 127.0.0.1 over a seeds copy."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from chatserver import launch_chromium, start_chat, stop

from index.build import build_index
from index.settings import BuildSettings

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ("Hostile page\n\nVIENNA, January 12. /TASS/. The Vienna envoy Pavel Testov said the parcel contained "
           "<script>window.__pwned = 1; alert('xss')</script> and <img src=x onerror=\"window.__pwned = 2\"> markup.\n")

LINKED = {"id": "linked-article",
          "title": "Harbour pilots end their strike in Antwerp after a pay deal with the port authority was agreed on Tuesday night",
          "date": "2022-03-16", "outlet": "Harbour Daily", "url": "https://example.org/antwerp-pilots",
          "text": "Harbour pilots end their strike in Antwerp after a pay deal with the port authority was agreed on "
                  "Tuesday night\n\n"
                  "ANTWERP, March 16. Harbour pilots in Antwerp ended their strike on Wednesday after the port "
                  "and the pilots' union agreed a 6 percent pay rise, union spokesman Jan Peeters said."}


@pytest.fixture(scope="session")
def server(tmp_path_factory, real_embedder):
    base = tmp_path_factory.mktemp("ui")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    (corpus / "hostile.txt").write_text(HOSTILE)
    (corpus / "linked.jsonl").write_text(json.dumps(LINKED) + "\n")
    build_index([corpus], base / "index", BuildSettings(), real_embedder)
    proc, url = start_chat(base / "index", base / "server.log")
    yield {"url": url, "base": base}
    stop(proc)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


