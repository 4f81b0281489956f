"""`newsdesk quotes`, `newsdesk search` and the groups of `newsdesk ask --json`, through the real CLI."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"})


def test_quotes_by_speaker(seed_index_dir):
    r = _cli("quotes", "--index", str(seed_index_dir), "What did Ryabkov say about NATO non-expansion?", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["speaker"] == "Ryabkov" and data["quotes"]
    first = data["quotes"][0]
    assert first["speaker"] == "Sergey Ryabkov" and first["role"] == "Russian Deputy Foreign Minister"
    assert first["outlet"] == "TASS" and first["dateline"] == "GENEVA"
    r = _cli("quotes", "--index", str(seed_index_dir), "--speaker", "Lavrov")
    assert r.returncode == 0 and "Sergey Lavrov, Russian Foreign Minister · EIRNS · 23 December 2021" in r.stdout
    assert "Putin" not in r.stdout.split("\n")[0]


def test_search_by_date_and_errors(seed_index_dir):
    r = _cli("search", "--index", str(seed_index_dir), "INF Treaty", "--sort", "date")
    assert r.returncode == 0, r.stderr
    assert r.stdout.index("10 January 2022") < r.stdout.index("25 January, year not stated")
    bad = _cli("search", "--index", str(seed_index_dir), "INF", "--since", "yesterday-ish")
    assert bad.returncode == 2 and bad.stderr.startswith("newsdesk: error: ") and "Traceback" not in bad.stderr
    empty = _cli("quotes", "--index", str(seed_index_dir))
    assert empty.returncode == 2 and "newsdesk: error: give words" in empty.stderr


def test_ask_json_has_groups(seed_index_dir):
    r = _cli("ask", "--index", str(seed_index_dir), "Who is the Russian Deputy Foreign Minister?", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    keys = [g["key"] for g in data["groups"]]
    assert keys and keys[0] == "sergei ryabkov" and data["groups"][0]["main"]
    assert all(not g["conflicts_with"] for g in data["groups"])  # other names: side by side, not a conflict
