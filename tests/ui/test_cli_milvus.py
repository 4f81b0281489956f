"""`newsdesk index build --store milvus`, `index info`, `ask`: the seeds through a Milvus Lite file."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def newsdesk(*args, env=None):
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


def test_build_info_ask_with_the_milvus_store(tmp_path, seeds_copy):
    env = {"NEWSDESK_MILVUS_URI": str(tmp_path / "m.db")}  # the URI from the environment, as the docs say
    out = newsdesk("index", "build", str(seeds_copy), "--store", "milvus", env=env)
    assert out.returncode == 0, out.stderr
    assert "indexed 5 articles" in out.stdout and "Milvus index 'newsdesk'" in out.stdout
    assert not out.stderr.strip(), out.stderr  # no log noise from the embedded server
    again = newsdesk("index", "build", str(seeds_copy), "--store", "milvus", env=env)
    assert "up to date" in again.stdout
    info = newsdesk("index", "info", "--store", "milvus", env=env)
    assert info.returncode == 0 and info.stdout.startswith("store milvus:") and "GENEVA" not in info.stderr
    assert "5 articles" in info.stdout and "month-day" in info.stdout
    ask = newsdesk("ask", "When was the INF Treaty signed?", "--store", "milvus", "--json", env=env)
    assert ask.returncode == 0, ask.stderr
    ans = json.loads(ask.stdout)
    assert ans["answer"] and ans["citations"]
    texts = {p.stem: p.read_text() for p in seeds_copy.iterdir()}
    for c in ans["citations"]:
        assert texts[c["article_id"]][c["start"]:c["end"]] == c["text"]
    filtered = newsdesk("ask", "Who is Ryabkov?", "--store", "milvus", "--milvus-uri", str(tmp_path / "m.db"),
                        "--outlet", "EIRNS", "--json")
    assert filtered.returncode == 0, filtered.stderr
    assert {c["outlet"] for c in json.loads(filtered.stdout)["citations"]} <= {"EIRNS"}


def test_milvus_errors_are_one_line(tmp_path):
    cases = [("ask", "hello", "--store", "milvus", "--milvus-uri", str(tmp_path / "none.db")),
             ("index", "info", "--store", "milvus", "--milvus-uri", str(tmp_path / "none.db")),
             ("index", "info", "--store", "milvus", "--milvus-uri", str(tmp_path / "x.db"), "--milvus-name", "1bad")]
    for args in cases:
        out = newsdesk(*args)
        assert out.returncode == 2, (args, out.stderr)
        assert out.stderr.startswith("newsdesk: error:") and len(out.stderr.strip().splitlines()) == 1, out.stderr
