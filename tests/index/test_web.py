"""Web pages: trafilatura's main text is the stored text, metadata says where it came from, ids are stable."""
from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

from index.prepare import prepare
from index.loading import load_folder
from index.model import Article
from index.settings import BuildSettings
from index.web import (
    FetchRecord,
    extract_page,
    page_id,
    read_fetch_record,
    with_fetch_record,
)

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"
GENEVA = PAGES / "globalwire-geneva-talks.html"


def _article(path: Path) -> Article:
    result = load_folder([path])
    assert len(result.documents) == 1, result.skipped
    return prepare(result.documents[0], BuildSettings())[0]


def test_page_text_is_main_text_and_offsets_index_it():
    a = _article(GENEVA)
    assert "Accept all cookies" not in a.text and "Read Next" not in a.text and "All rights reserved" not in a.text
    assert a.text.startswith("GENEVA, Jan 10 (Global Wire) - Russian and U.S. diplomats")
    for f in (a.title, a.author, a.outlet, a.dateline):
        assert f is not None
        if f.start is not None:
            assert a.text[f.start:f.end] == f.value
    assert (a.dateline.value, a.dateline.source, a.text[a.dateline.start:a.dateline.end]) == ("GENEVA", "text", "GENEVA")
    assert (a.author.value, a.author.source) == ("Anna Keller", "page")
    assert (a.date.iso, a.date.precision, a.date.source) == ("2022-01-10", "day", "page")
    assert a.url == "https://www.globalwire.example/world/europe/russia-us-end-geneva-security-talks-2022-01-10/"


def test_date_from_htmldate_when_the_markup_has_none():
    a = _article(PAGES / "ministry-transport-rail.html")
    assert (a.date.iso, a.date.source) == ("2024-02-12", "htmldate")


def test_same_page_twice_is_one_article_id(tmp_path, caplog):
    shutil.copy(GENEVA, tmp_path / "saved-monday.html")
    shutil.copy(GENEVA, tmp_path / "Russia and US talks (copy).html")
    with caplog.at_level(logging.WARNING):
        result = load_folder([tmp_path])
    assert len(result.documents) == 1 and len(result.skipped) == 1
    assert "duplicate article id" in result.skipped[0][1]
    fetched = extract_page(GENEVA.read_text(), url="https://globalwire.example/world/europe/"
                           "russia-us-end-geneva-security-talks-2022-01-10/?utm_source=rss#top")
    assert page_id(fetched.url) == result.documents[0].id


def test_page_id_ignores_tracking_and_fragment_but_not_the_path():
    a = page_id("https://www.example.com/news/a-story?utm_source=x#c")
    assert a == page_id("https://www.example.com/news/a-story")
    assert a != page_id("https://www.example.com/news/another-story")
    assert a.startswith("example-com-a-story-")


def test_page_without_main_text_is_skipped_by_name(tmp_path, caplog):
    shutil.copy(PAGES / "paywall-shell.html", tmp_path / "shell.html")
    shutil.copy(GENEVA, tmp_path / "ok.html")
    with caplog.at_level(logging.WARNING):
        result = load_folder([tmp_path])
    assert [Path(p).name for p, _ in result.skipped] == ["shell.html"]
    assert "no extractable main text" in result.skipped[0][1]
    assert "shell.html" in caplog.text


def test_fetch_record_round_trip_and_cannot_close_the_comment():
    rec = FetchRecord(url="https://x.example/a?q=-->", final_url="https://x.example/a", fetched_at="2026-01-01T00:00:00+00:00")
    stored = with_fetch_record(GENEVA.read_text(), rec)
    assert stored.count("-->") == GENEVA.read_text().count("-->") + 1
    back, page = read_fetch_record(stored)
    assert back == rec and page == GENEVA.read_text()
    newer = FetchRecord(**{**rec.__dict__, "updated_at": "2026-01-02T00:00:00+00:00"})
    assert read_fetch_record(with_fetch_record(stored, newer))[0] == newer  # replaced, not stacked


def test_fetched_page_records_when(tmp_path):
    rec = FetchRecord(url="https://globalwire.example/x", final_url="https://globalwire.example/x",
                      fetched_at="2026-01-01T00:00:00+00:00", updated_at="2026-01-03T10:00:00+00:00")
    (tmp_path / "p.html").write_text(with_fetch_record(GENEVA.read_text(), rec))
    a = _article(tmp_path / "p.html")
    assert (a.fetched_at, a.updated_at) == (rec.fetched_at, rec.updated_at)
    assert Article.from_json(json.loads(json.dumps(a.to_json()))) == a


def test_old_index_records_still_load():
    old = {"id": "x", "text": "Title\n\nBody.", "sha256": "0", "source": "x.txt",
           "title": {"value": "Title", "start": 0, "end": 5},
           "date": {"iso": "2022-01-10", "precision": "day", "year": 2022, "month": 1, "day": 10}}
    a = Article.from_json(old)
    assert a.title.source is None and a.date.source is None and a.author is None and a.updated_at is None
