"""The chat server the UI tests talk to: started once on a free port of 127.0.0.1 over a seeds copy."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory, real_embedder):
    base = tmp_path_factory.mktemp("ui")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    (corpus / "hostile.txt").write_text(HOSTILE)
    (corpus / "linked.jsonl").write_text(json.dumps(LINKED) + "\n")
    build_index([corpus], base / "index", BuildSettings(), real_embedder)
    port = _free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    log = open(base / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "chat", "--index", str(base / "index"), "--port", str(port)],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((base / "server.log").read_text()) from None
            time.sleep(1)
    else:
        proc.kill()
        raise RuntimeError("the chat server did not start")
    yield {"url": url, "base": base}
    proc.terminate()
    proc.wait(20)


